import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import {
  backendInfo, initShard, initSlice, initShardAsync, shardRange, sliceRange, kaimingNormal, xavierUniform, truncatedNormal,
  orthogonal, computeFans, fillUniform, randomBits, manualSeed,
} from '../lib/index.js';
import { logU24, sincosTurn24 } from '../lib/kernels/math.js';
import { concatAlong as concat, sameBytes } from './helpers.js';

describe(`shards (${backendInfo().name})`, () => {
  test('shardRange splits like torch.tensor_split', () => {
    expect([0, 1, 2, 3].map((rank) => shardRange([10, 4], { rank, worldSize: 4 })).map((r) => [r.start, r.end])).toEqual([[0, 3], [3, 6], [6, 8], [8, 10]]);
    expect(sliceRange([4, 6], { axis: 1, start: 2, end: 5 }).runs.map((r) => r.offset)).toEqual([2, 8, 14, 20]);
    expect(shardRange([4, 6, 5], { rank: 1, worldSize: 2, axis: -1 }).shape).toEqual([4, 6, 2]);
  });
  test('property: the shards put together equal the whole, for random shapes, ranks and axes', () => {
    const inits = [kaimingNormal, xavierUniform, truncatedNormal] as const;
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 2, maxLength: 4 }), fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 1000 }),
      (shape, worldSize, axisRaw, which, seed) => {
        const axis = axisRaw % shape.length;
        const init = inits[which]!;
        const whole = init(shape, { seed, stream: 2 }) as Float32Array;
        const parts: Float32Array[] = [];
        const shapes: number[][] = [];
        for (let rank = 0; rank < worldSize; rank++) {
          parts.push(initShard(init, shape, { rank, worldSize, axis, seed, stream: 2 }) as Float32Array);
          shapes.push(shardRange(shape, { rank, worldSize, axis }).shape);
        }
        expect(sameBytes(concat(parts, shapes, axis, shape), whole)).toBe(true);
      },
    ), { numRuns: 200 });
  });
  test('fans come from the full shape (the Megatron mistake would use the local one)', () => {
    const shape = [4096, 1024];
    const local = initShard(kaimingNormal, shape, { rank: 0, worldSize: 8, axis: 1, seed: 1 }) as Float32Array;
    let s = 0;
    for (const v of local) s += v * v;
    const variance = s / local.length;
    const { fanIn } = computeFans(shape);
    expect(Math.abs(variance - 2 / fanIn) / (2 / fanIn)).toBeLessThan(0.02);
  });
  test('orthogonal row shards equal rows of the full matrix', () => {
    const full = orthogonal([12, 8], { seed: 3 });
    const part = initSlice(orthogonal, [12, 8], { start: 4, end: 9, seed: 3 });
    expect(sameBytes(part, full.subarray(32, 72))).toBe(true);
  });
  test('unseeded shards take one global stream for all their runs', async () => {
    manualSeed(5);
    const a = initSlice(kaimingNormal, [6, 6], { axis: 1, start: 1, end: 4 });
    const b = await initShardAsync(kaimingNormal, [6, 6], { rank: 0, worldSize: 2, axis: 1 });
    const full0 = kaimingNormal([6, 6], { seed: 5, stream: 0 });
    const full1 = kaimingNormal([6, 6], { seed: 5, stream: 1 });
    for (let r = 0; r < 6; r++) {
      expect(Array.from(a.subarray(r * 3, r * 3 + 3))).toEqual(Array.from(full0.subarray(r * 6 + 1, r * 6 + 4)));
      expect(Array.from(b.subarray(r * 3, r * 3 + 3))).toEqual(Array.from(full1.subarray(r * 6, r * 6 + 3)));
    }
  });
  test('bad input', () => {
    expect(() => shardRange([4, 4], { rank: 4, worldSize: 4 })).toThrow(RangeError);
    expect(() => shardRange([4, 4], { rank: 0, worldSize: 0 })).toThrow(/worldSize/);
    expect(() => sliceRange([4, 4], { axis: 2, start: 0, end: 1 })).toThrow(/options.axis/);
    expect(() => sliceRange([4, 4], { start: 3, end: 2 })).toThrow(/options.end/);
    expect(() => initSlice('kaiming' as unknown as typeof kaimingNormal, [4, 4], { start: 0, end: 1 })).toThrow(TypeError);
    expect(() => initSlice(kaimingNormal, [4, 4], { start: 0, end: 1, mode: 'bad' as 'fan_in' })).toThrow(/^nninit\.initSlice: options\.mode/);
    const out = new Float32Array(4).fill(9);
    expect(() => initSlice(kaimingNormal, [4, 4], { start: 0, end: 2, out })).toThrow(/options.out/);
    expect(Array.from(out)).toEqual([9, 9, 9, 9]);
  });
});

describe(`huge tensors: slices near 2^40 and 2^53 equal the raw-word definition (${backendInfo().name})`, () => {
  for (const base of [2 ** 40 - 3, 2 ** 53 - 9]) {
    test(`uniform float32 and float64 at ${base}`, () => {
      const f32 = fillUniform(new Float32Array(8), { seed: 99, offset: base });
      const words = randomBits(new Uint32Array(8), { seed: 99, offset: base });
      f32.forEach((v, j) => expect(v).toBe(Math.fround((words[j]! >>> 8) * 2 ** -24)));
      const f64 = fillUniform(new Float64Array(8), { seed: 99, offset: base });
      const w2 = randomBits(new Uint32Array(16), { seed: 99, offset: 2n * BigInt(base) });
      f64.forEach((v, j) => expect(v).toBe(((w2[2 * j]! >>> 5) * 2 ** 26 + (w2[2 * j + 1]! >>> 6)) * 2 ** -53));
    });
    test(`normal float32 pairs at ${base}`, async () => {
      const { fillNormal } = await import('../lib/index.js');
      const start = base - (base % 2);
      const v = fillNormal(new Float32Array(8), { seed: 7, offset: start });
      const w = randomBits(new Uint32Array(8), { seed: 7, offset: BigInt(start) });
      const cs = new Float64Array(2);
      for (let p = 0; p < 4; p++) {
        const r = Math.fround(Math.sqrt(-2 * logU24((w[2 * p]! >>> 8) + 1)));
        sincosTurn24(w[2 * p + 1]! >>> 8, cs);
        expect(v[2 * p]).toBe(Math.fround(r * cs[0]!));
        expect(v[2 * p + 1]).toBe(Math.fround(r * cs[1]!));
      }
    });
  }
  test('a slice at the end of a 70-billion-element embedding', () => {
    const shape = [70_000_000, 1000];
    const tail = kaimingNormal(shape, { seed: 1, offset: 70_000_000_000 - 1000, length: 1000 });
    const again = initSlice(kaimingNormal, shape, { start: 69_999_999, end: 70_000_000, seed: 1 });
    expect(sameBytes(tail, again)).toBe(true);
    expect(tail.every(Number.isFinite)).toBe(true);
  });
});
