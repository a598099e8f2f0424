import { describe, expectTypeOf, it } from 'vitest';
import {
  kaimingNormal, xavierUniform, orthogonal, zeros, eye, sparse, varianceScaling, calculateGain, computeFans, Generator,
  torchLinear, uniform, type DType,
} from '../lib/index.js';

describe('types', () => {
  it('the dtype narrows the return type', () => {
    expectTypeOf(kaimingNormal([2, 2])).toEqualTypeOf<Float32Array>();
    expectTypeOf(kaimingNormal([2, 2], { seed: 1 })).toEqualTypeOf<Float32Array>();
    expectTypeOf(kaimingNormal([2, 2], { dtype: 'float32' })).toEqualTypeOf<Float32Array>();
    expectTypeOf(kaimingNormal([2, 2], { dtype: 'float64' })).toEqualTypeOf<Float64Array>();
    expectTypeOf(xavierUniform([2, 2], { dtype: 'bfloat16' })).toEqualTypeOf<Uint16Array>();
    expectTypeOf(orthogonal([2, 2], { dtype: 'float16' })).toEqualTypeOf<Uint16Array>();
    expectTypeOf(zeros([2], { dtype: 'float64' })).toEqualTypeOf<Float64Array>();
    expectTypeOf(eye([2, 2])).toEqualTypeOf<Float32Array>();
    expectTypeOf(sparse([2, 2], { sparsity: 0.5, dtype: 'float64' })).toEqualTypeOf<Float64Array>();
    expectTypeOf(new Generator(1).heNormal([2, 2], { dtype: 'float64' })).toEqualTypeOf<Float64Array>();
    expectTypeOf(torchLinear(2, 3, { dtype: 'float64' }).weight).toEqualTypeOf<Float64Array>();
    const d = 'float64' as DType;
    expectTypeOf(uniform([2], { dtype: d })).toEqualTypeOf<Float32Array | Float64Array | Uint16Array>();
    expectTypeOf(calculateGain('relu')).toEqualTypeOf<number>();
    expectTypeOf(computeFans([2, 3])).toEqualTypeOf<{ fanIn: number; fanOut: number }>();
  });
});

// Never called: each line must fail to compile (checked by `npx tsc -p tsconfig.test.json`;
// an unused @ts-expect-error is itself an error).
export function wrongOptionsDoNotCompile(): void {
  // @ts-expect-error unknown mode
  kaimingNormal([2, 2], { mode: 'fan_avg' });
  // @ts-expect-error unknown nonlinearity
  kaimingNormal([2, 2], { nonlinearity: 'softmax' });
  // @ts-expect-error out must match the dtype
  kaimingNormal([2, 2], { dtype: 'float64', out: new Float32Array(4) });
  // @ts-expect-error out must match the default dtype float32
  xavierUniform([2, 2], { out: new Float64Array(4) });
  // @ts-expect-error unknown dtype
  xavierUniform([2, 2], { dtype: 'int8' });
  // @ts-expect-error a 16-bit dtype returns a Uint16Array
  const f: Float32Array = xavierUniform([2, 2], { dtype: 'bfloat16' });
  // @ts-expect-error unknown distribution
  varianceScaling([2, 2], { distribution: 'gamma' });
  // @ts-expect-error sparse needs a sparsity
  sparse([2, 2], {});
  // @ts-expect-error the generator supplies the seed
  new Generator(1).kaimingNormal([2, 2], { seed: 3 });
  // @ts-expect-error the generator supplies the stream
  new Generator(1).uniform([2], { stream: 3 });
  // @ts-expect-error zeros takes no seed
  zeros([2], { seed: 1 });
  // @ts-expect-error shape is an array
  kaimingNormal(4);
  // @ts-expect-error gain is a number
  orthogonal([2, 2], { gain: '1' });
  // @ts-expect-error unknown layout
  computeFans([2, 2], { layout: 'hwio' });
  void f;
}
