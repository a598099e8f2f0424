/**
 * The arrays nninit takes and gives: the dtype an `out` array implies, typed arrays from
 * another realm (vm contexts, iframes), and the 16-bit codecs for one value and for arrays.
 */
import { runInNewContext } from 'node:vm';
import { describe, expect, test } from 'vitest';
import {
  backendInfo, fillNormal, fillUniform, fromBfloat16, fromBfloat16Array, fromFloat16, fromFloat16Array, initShard,
  kaimingNormal, orthogonal, randomBits, toBfloat16, toBfloat16Array, toFloat16, toFloat16Array, xavierUniform,
} from '../lib/index.js';
import { sameBytes } from './helpers.js';

describe(`out arrays (${backendInfo().name})`, () => {
  test('an initializer takes its dtype from a Float32Array or Float64Array out', () => {
    const f64 = new Float64Array(16);
    expect(kaimingNormal([4, 4], { out: f64 as never, seed: 2 })).toBe(f64);
    expect(sameBytes(f64, kaimingNormal([4, 4], { seed: 2, dtype: 'float64' }))).toBe(true);
    const part = new Float64Array(6);
    initShard(xavierUniform, [4, 6], { out: part, rank: 1, worldSize: 4, seed: 3 } as never);
    expect(sameBytes(part, xavierUniform([4, 6], { seed: 3, dtype: 'float64', offset: 6, length: 6 }))).toBe(true);
    const f32 = new Float32Array(16);
    expect(sameBytes(orthogonal([4, 4], { out: f32, seed: 1 }), orthogonal([4, 4], { seed: 1 }))).toBe(true);
    // A Uint16Array holds either 16-bit dtype: dtype must say which. A dtype that disagrees with out is an error.
    expect(() => kaimingNormal([4, 4], { out: new Uint16Array(16) as never, seed: 2 })).toThrow(/options\.dtype must be "bfloat16" or "float16" when options\.out is a Uint16Array/);
    expect(() => kaimingNormal([4, 4], { out: new Float64Array(16) as never, dtype: 'float32' })).toThrow(/options\.out must be a Float32Array \(options\.dtype is "float32"\)/);
    expect(() => kaimingNormal([4, 4], { out: new Int32Array(16) as never })).toThrow(/options\.out must be a Float32Array, Float64Array or Uint16Array; received Int32Array\(16\)/);
    expect(() => kaimingNormal([4, 4], { out: [0, 0] as never })).toThrow(TypeError);
  });

  test('typed arrays from another realm are accepted, sync and async, with the same bytes', async () => {
    const { fillNormalAsync } = await import('../lib/index.js');
    const a = runInNewContext('new Float32Array(1000)') as Float32Array;
    expect(a instanceof Float32Array).toBe(false);
    expect(sameBytes(fillNormal(a, { seed: 1 }), fillNormal(new Float32Array(1000), { seed: 1 }))).toBe(true);
    const b = runInNewContext('new Float64Array(77)') as Float64Array;
    expect(sameBytes(fillUniform(b, { seed: 4 }), fillUniform(new Float64Array(77), { seed: 4 }))).toBe(true);
    const w = runInNewContext('new Uint32Array(4)') as Uint32Array;
    expect(randomBits(w, { seed: 0 })[0]).toBe(0x6627e8d5);
    const k = runInNewContext('new Float64Array(12)') as Float64Array;
    expect(sameBytes(kaimingNormal([3, 4], { out: k as never, seed: 5 }), kaimingNormal([3, 4], { seed: 5, dtype: 'float64' }))).toBe(true);
    const h = runInNewContext('new Uint16Array(12)') as Uint16Array;
    expect(sameBytes(kaimingNormal([3, 4], { out: h, seed: 5, dtype: 'bfloat16' }), kaimingNormal([3, 4], { seed: 5, dtype: 'bfloat16' }))).toBe(true);
    const big = runInNewContext('new Float32Array(1 << 20)') as Float32Array;
    expect(sameBytes(await fillNormalAsync(big, { seed: 9 }), fillNormal(new Float32Array(1 << 20), { seed: 9 }))).toBe(true);
  });

  test('look-alikes are refused with a message that names what they are', () => {
    const forged = new Uint8Array(32);
    Object.defineProperty(forged, Symbol.toStringTag, { value: 'Float32Array' });
    expect(() => fillNormal(forged as never, { seed: 1 })).toThrow(/out must be a Float32Array or Float64Array; received Uint8Array\(32\)/);
    expect(() => fillNormal(new Proxy(new Float32Array(8), {}), { seed: 1 })).toThrow(/out must be a Float32Array or Float64Array/);
    expect(() => fillNormal(Object.create(Float32Array.prototype) as Float32Array, { seed: 1 })).toThrow(TypeError);
    expect(() => randomBits(runInNewContext('new Int32Array(4)') as never)).toThrow(/out must be a Uint32Array; received Int32Array\(4\)/);
  });
});

describe('16-bit codecs', () => {
  test('one-value codecs refuse arrays and other non-numbers instead of coercing them', () => {
    expect(() => fromBfloat16([0x3f80, 0x4000] as never)).toThrow(/nninit\.fromBfloat16: bits must be a number \(fromBfloat16Array converts arrays\); received an array of length 2/);
    expect(() => fromFloat16([0x3c00] as never)).toThrow(/fromFloat16Array converts arrays/);
    expect(() => toBfloat16([1.5] as never)).toThrow(/toBfloat16Array converts arrays/);
    expect(() => toFloat16(new Float32Array([1]) as never)).toThrow(/toFloat16Array converts arrays/);
    expect(() => toFloat16('1' as never)).toThrow(/x must be a number; received "1" \(string\)/);
    for (const bad of [-1, 65536, 1.5, NaN, Infinity]) {
      expect(() => fromBfloat16(bad), String(bad)).toThrow(RangeError);
      expect(() => fromFloat16(bad), String(bad)).toThrow(/bits must be an integer in \[0, 65535\]/);
    }
    expect(fromBfloat16(0x3f80)).toBe(1);
    expect(fromFloat16(0x7bff)).toBe(65504);
    expect(toFloat16(65520)).toBe(0x7c00);
  });

  test('array codecs equal the one-value codecs element by element, into out or a new array', () => {
    const values = Float64Array.from({ length: 5000 }, (_, i) => (i - 2500) * 13.37 + (i % 7) * 1e-3);
    values[0] = NaN; values[1] = Infinity; values[2] = -0; values[3] = 70000; values[4] = 3.4e38;
    for (const [toArr, to] of [[toBfloat16Array, toBfloat16], [toFloat16Array, toFloat16]] as const) {
      const want = Uint16Array.from(values, (v) => to(v));
      expect(sameBytes(toArr(values), want)).toBe(true);
      expect(sameBytes(toArr(Float32Array.from(values)), want)).toBe(true);
      expect(sameBytes(toArr(Array.from(values)), want)).toBe(true);
      const out = new Uint16Array(values.length);
      expect(toArr(values, out)).toBe(out);
      expect(sameBytes(out, want)).toBe(true);
    }
    const all = Uint16Array.from({ length: 65536 }, (_, h) => h);
    for (const [fromArr, from] of [[fromBfloat16Array, fromBfloat16], [fromFloat16Array, fromFloat16]] as const) {
      const want = Float32Array.from(all, (h) => from(h));
      expect(sameBytes(fromArr(all), want)).toBe(true);
      expect(sameBytes(fromArr(Array.from(all)), want)).toBe(true);
      const out = new Float32Array(all.length);
      expect(fromArr(all, out)).toBe(out);
      expect(sameBytes(out, want)).toBe(true);
    }
  });

  test('array codecs check every element before writing, and read each once', () => {
    const out = new Float32Array(3).fill(7);
    expect(() => fromBfloat16Array([1, 70000, 2], out)).toThrow(/fromBfloat16Array: bits\[1\] must be an integer in \[0, 65535\]/);
    expect(Array.from(out)).toEqual([7, 7, 7]);
    expect(() => fromFloat16Array(new Int16Array([-1]))).toThrow(/bits\[0\] must be an integer/);
    expect(() => toBfloat16Array([1, 'x' as never])).toThrow(/values\[1\] must be a number; received "x"/);
    expect(() => toBfloat16Array(new BigInt64Array(2) as never)).toThrow(/values\[0\] must be a number; received 0n \(bigint\)/);
    expect(() => toBfloat16Array({ length: 2 } as never)).toThrow(/values must be an array or a typed array of numbers/);
    expect(() => toFloat16Array(new Float32Array(3), new Uint16Array(2))).toThrow(/out must be of the input's length \(3\)/);
    expect(() => toFloat16Array(new Float32Array(3), new Float32Array(3) as never)).toThrow(/out must be a Uint16Array or undefined/);
    expect(() => toFloat16Array('abc' as never)).toThrow(TypeError);
    let reads = 0;
    const src = [1, 2];
    Object.defineProperty(src, 0, { get: () => { reads++; return 1; } });
    expect(Array.from(toBfloat16Array(src))).toEqual([0x3f80, 0x4000]);
    expect(reads).toBe(1);
  });
});
