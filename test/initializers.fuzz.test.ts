import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as nn from '../lib/index.js';

// Every public initializer-API function gets arbitrary values: each call returns or throws a
// TypeError/RangeError, and a failed call leaves `out` exactly as it was.
const names = [
  'zeros', 'ones', 'constant', 'uniform', 'normal', 'truncatedNormal', 'xavierUniform', 'glorotUniform', 'xavierNormal',
  'glorotNormal', 'kaimingUniform', 'heUniform', 'kaimingNormal', 'heNormal', 'lecunUniform', 'lecunNormal',
  'varianceScaling', 'orthogonal', 'eye', 'dirac', 'sparse', 'torchDefaultWeight', 'torchDefaultBias',
  'computeFans', 'calculateGain', 'truncatedNormalStd', 'torchLinear', 'torchConv', 'generator',
] as const;

const strings = fc.constantFrom(
  'fan_in', 'fanIn', 'fan_out', 'fanOut', 'fanAvg', 'fan_geo_avg', 'fan_avg', 'relu', 'leaky_relu', 'leakyRelu', 'tanh',
  'selu', 'elu', 'softplus', 'gelu', 'linear', 'torch', 'keras', 'paddle', 'float32', 'float64', 'bfloat16', 'float16',
  'uniform', 'normal', 'truncatedNormal', 'truncated_normal', 'untruncated_normal', 'bogus', '',
);
const scalar = fc.oneof(
  fc.constant(undefined), fc.constant(null), fc.boolean(), strings, fc.string({ maxLength: 4 }),
  fc.integer({ min: -3, max: 40 }), fc.double(), fc.double({ min: -3, max: 3, noNaN: true }),
  fc.constantFrom(0, 1, 2, 0.5, -0, NaN, Infinity, -Infinity, 2 ** 53, 2 ** 64, 1e-300, 1e300),
  fc.bigInt({ min: -2n, max: 2n ** 65n }),
);
const value = fc.oneof(
  { weight: 6, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(fc.integer({ min: -2, max: 4 }), { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 1 }) },
);
const shape = fc.oneof(
  { weight: 8, arbitrary: fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.array(fc.oneof(fc.integer({ min: -2, max: 9 }), fc.double(), fc.string()), { maxLength: 5 }) },
  { weight: 1, arbitrary: value },
);
const keys = ['seed', 'stream', 'offset', 'length', 'dtype', 'gain', 'a', 'b', 'mode', 'nonlinearity', 'low', 'high',
  'mean', 'std', 'scale', 'distribution', 'truncation', 'layout', 'convention', 'inAxis', 'outAxis', 'batchAxis',
  'fanIn', 'fanOut', 'transposed', 'groups', 'sparsity', 'bias', 'spatialDims'] as const;
// Mostly well-formed values per option, so many calls get past validation and write.
const good: Record<(typeof keys)[number], fc.Arbitrary<unknown>> = {
  seed: fc.oneof(fc.nat(), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })),
  stream: fc.oneof(fc.nat(), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })),
  offset: fc.integer({ min: 0, max: 30 }),
  length: fc.integer({ min: 0, max: 30 }),
  dtype: fc.constantFrom('float32', 'float64', 'bfloat16', 'float16'),
  gain: fc.double({ min: 0, max: 10, noNaN: true }),
  a: fc.double({ min: -3, max: 1, noNaN: true }),
  b: fc.double({ min: 0, max: 3, noNaN: true }),
  mode: fc.constantFrom('fanIn', 'fan_in', 'fanOut', 'fan_out', 'fanAvg', 'fan_geo_avg'),
  nonlinearity: fc.constantFrom('relu', 'leaky_relu', 'tanh', 'selu', 'gelu', 'elu', 'softplus', 'linear'),
  low: fc.double({ min: -3, max: 0, noNaN: true }),
  high: fc.double({ min: 0, max: 3, noNaN: true }),
  mean: fc.double({ min: -3, max: 3, noNaN: true }),
  std: fc.double({ min: 0, max: 3, noNaN: true }),
  scale: fc.double({ min: 0, max: 3, noNaN: true }),
  distribution: fc.constantFrom('uniform', 'normal', 'truncatedNormal', 'truncated_normal', 'untruncated_normal'),
  truncation: fc.oneof(fc.double({ min: 0.01, max: 6, noNaN: true }), fc.constant(Infinity)),
  layout: fc.constantFrom('torch', 'keras', 'paddle'),
  convention: fc.constantFrom('torch', 'keras', 'paddle'),
  inAxis: fc.integer({ min: -3, max: 2 }),
  outAxis: fc.integer({ min: -3, max: 2 }),
  batchAxis: fc.array(fc.integer({ min: -3, max: 2 }), { maxLength: 1 }),
  fanIn: fc.double({ min: 0.5, max: 100, noNaN: true }),
  fanOut: fc.double({ min: 0.5, max: 100, noNaN: true }),
  transposed: fc.boolean(),
  groups: fc.integer({ min: 1, max: 4 }),
  sparsity: fc.double({ min: 0, max: 0.99, noNaN: true }),
  bias: fc.boolean(),
  spatialDims: fc.constantFrom(1, 2, 3),
};
const outArr = fc.record({
  kind: fc.constantFrom('f32', 'f64', 'u16', 'u32'),
  n: fc.integer({ min: 0, max: 40 }),
});
const options = fc.oneof(
  { weight: 1, arbitrary: value },
  { weight: 2, arbitrary: fc.constant(undefined) },
  {
    weight: 6,
    arbitrary: fc.record({
      fields: fc.subarray([...keys], { maxLength: 3 }).chain((ks) => fc.record(Object.fromEntries(ks.map((k) => [k,
        fc.oneof({ weight: 4, arbitrary: good[k] }, { weight: 1, arbitrary: value })])))),
      out: fc.option(outArr, { nil: undefined }),
    }),
  },
);

function makeOut(o: { kind: string; n: number }): Float32Array | Float64Array | Uint16Array | Uint32Array {
  const a = o.kind === 'f32' ? new Float32Array(o.n) : o.kind === 'f64' ? new Float64Array(o.n) : o.kind === 'u16' ? new Uint16Array(o.n) : new Uint32Array(o.n);
  for (let i = 0; i < a.length; i++) a[i] = 7 + i;
  return a;
}

function call(name: (typeof names)[number], s: unknown, opts: unknown, x: unknown, y: unknown): unknown {
  const n = nn as unknown as Record<string, (...args: unknown[]) => unknown>;
  switch (name) {
    case 'constant': return nn.constant(s as number[], x as number, opts as never);
    case 'calculateGain': return nn.calculateGain(x as never, y as never);
    case 'truncatedNormalStd': return nn.truncatedNormalStd(x as number);
    case 'torchLinear': return nn.torchLinear(x as number, y as number, opts as never);
    case 'torchConv': return nn.torchConv(x as number, y as number, s as number[], opts as never);
    case 'generator': {
      const g = new nn.Generator(x as number);
      return g.kaimingNormal(s as number[], opts as never);
    }
    default: return n[name]!(s, opts);
  }
}

describe('fuzz: arbitrary values never crash or touch out on failure', () => {
  it('10^4 runs over every public function', () => {
    nn.manualSeed(1);
    let ok = 0;
    fc.assert(
      fc.property(fc.constantFrom(...names), shape, options, value, value, (name, s, o, x, y) => {
        let opts: unknown = o;
        let out: ReturnType<typeof makeOut> | undefined;
        if (o !== null && typeof o === 'object' && 'fields' in (o as object)) {
          const r = o as { fields: Record<string, unknown>; out?: { kind: string; n: number } };
          opts = { ...r.fields };
          if (r.out !== undefined) {
            out = makeOut(r.out);
            (opts as Record<string, unknown>).out = out;
          }
        }
        const before = out?.slice();
        let result: unknown;
        try {
          result = call(name, s, opts, x, y);
        } catch (e) {
          if (!(e instanceof TypeError || e instanceof RangeError)) throw e;
          expect((e as Error).message).toMatch(/^nninit\./);
          if (out !== undefined) expect(Buffer.compare(Buffer.from(out.buffer), Buffer.from(before!.buffer))).toBe(0);
          return;
        }
        ok++;
        if (out !== undefined && ArrayBuffer.isView(result) && name !== 'calculateGain') expect(result).toBe(out);
      }),
      { numRuns: 10_000 },
    );
    // The generators are tuned so a good share of calls succeed (not only early rejections).
    expect(ok).toBeGreaterThan(1000);
    console.log(`fuzz: ${ok} of 10000 calls succeeded`);
  });
});
