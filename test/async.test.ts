import { describe, expect, test } from 'vitest';
import {
  backendInfo, fillNormal, fillNormalAsync, fillUniform, fillUniformAsync, fillTruncatedNormalAsync, fillTruncatedNormal,
  randomBits, randomBitsAsync, kaimingNormal, kaimingNormalAsync, orthogonal, orthogonalAsync, sparse, sparseAsync,
  xavierUniform, xavierUniformAsync, Generator, manualSeed, globalSeedState, truncatedNormal, truncatedNormalAsync,
} from '../lib/index.js';
import { sameBytes } from './helpers.js';

describe(`async forms (${backendInfo().name})`, () => {
  test('fills: results equal the sync call, bit for bit, and resolve with the same array', async () => {
    for (const n of [0, 1, 17, 1000, 70_000, 300_001]) {
      for (const Ctor of [Float32Array, Float64Array]) {
        const a = new Ctor(n), b = new Ctor(n);
        const r = await fillNormalAsync(a, { seed: 3, stream: 9, offset: 5, std: 2 });
        expect(r).toBe(a);
        fillNormal(b, { seed: 3, stream: 9, offset: 5, std: 2 });
        expect(sameBytes(a, b)).toBe(true);
        expect(sameBytes(await fillUniformAsync(new Ctor(n), { seed: 4 }), fillUniform(new Ctor(n), { seed: 4 }))).toBe(true);
        expect(sameBytes(await fillTruncatedNormalAsync(new Ctor(n), { seed: 4, a: -1, b: 3 }), fillTruncatedNormal(new Ctor(n), { seed: 4, a: -1, b: 3 }))).toBe(true);
      }
      const w = await randomBitsAsync(new Uint32Array(n), { seed: 1n, offset: 2n ** 64n + 3n });
      expect(sameBytes(w, randomBits(new Uint32Array(n), { seed: 1n, offset: 2n ** 64n + 3n }))).toBe(true);
    }
  });
  test('initializers: every dtype, post-processing steps (16-bit, QR, sparse) after the kernels', async () => {
    for (const dtype of ['float32', 'float64', 'bfloat16', 'float16'] as const) {
      expect(sameBytes(await kaimingNormalAsync([300, 200], { seed: 1, dtype }), kaimingNormal([300, 200], { seed: 1, dtype }))).toBe(true);
      expect(sameBytes(await xavierUniformAsync([70_000, 2], { seed: 2, dtype }), xavierUniform([70_000, 2], { seed: 2, dtype }))).toBe(true);
      expect(sameBytes(await truncatedNormalAsync([99, 3], { seed: 2, dtype, std: 0.02 }), truncatedNormal([99, 3], { seed: 2, dtype, std: 0.02 }))).toBe(true);
    }
    expect(sameBytes(await orthogonalAsync([64, 32], { seed: 5 }), orthogonal([64, 32], { seed: 5 }))).toBe(true);
    expect(sameBytes(await sparseAsync([50, 20], { sparsity: 0.3, seed: 5 }), sparse([50, 20], { sparsity: 0.3, seed: 5 }))).toBe(true);
    const g1 = new Generator(11), g2 = new Generator(11);
    const a = await g1.kaimingNormalAsync([20, 10]);
    const b = await g1.zerosAsync([10]);
    expect(sameBytes(a, g2.kaimingNormal([20, 10]))).toBe(true);
    expect(sameBytes(b, g2.zeros([10]))).toBe(true);
    expect(g1.nextStream).toBe(2n);
  });
  test('bad input rejects with the sync error before any work; the buffer is untouched', async () => {
    const out = new Float32Array(8).fill(3);
    await expect(fillNormalAsync(out, { std: -1, seed: 1 })).rejects.toThrow(RangeError);
    await expect(fillNormalAsync(out, { std: -1, seed: 1 })).rejects.toThrow(/^nninit\.fillNormalAsync: options\.std/);
    await expect(fillUniformAsync(new Int8Array(3) as unknown as Float32Array)).rejects.toThrow(TypeError);
    await expect(kaimingNormalAsync([3, 4], { mode: 'fan_sideways' as 'fan_in', out: out.subarray(0, 12) })).rejects.toThrow(RangeError);
    expect(Array.from(out)).toEqual(new Array(8).fill(3));
  });
  test('a sync call made inside an option getter of an async call runs normally (no global capture)', async () => {
    const b = new Float32Array(4);
    const expected = fillNormal(new Float32Array(4), { seed: 7 });
    const p = fillNormalAsync(new Float32Array(8), { seed: 1, get std() { fillNormal(b, { seed: 7 }); return -1; } });
    expect(sameBytes(b, expected)).toBe(true); // filled during the getter, not recorded for later
    await expect(p).rejects.toThrow(RangeError);
    expect(sameBytes(b, expected)).toBe(true);
    let inner: Float32Array | undefined;
    const w = await kaimingNormalAsync([8, 8], {
      seed: 2,
      get mode() { inner = kaimingNormal([4, 4], { seed: 3 }); return 'fan_in' as const; },
    });
    expect(sameBytes(inner!, kaimingNormal([4, 4], { seed: 3 }))).toBe(true);
    expect(sameBytes(w, kaimingNormal([8, 8], { seed: 2 }))).toBe(true);
    // An async call inside an async call's getter: both complete with their own values.
    let nested: Promise<Float64Array> | undefined;
    const outer = await fillUniformAsync(new Float64Array(5), { seed: 4, get low() { nested = fillUniformAsync(new Float64Array(3), { seed: 5 }); return -1; } });
    expect(sameBytes(outer, fillUniform(new Float64Array(5), { seed: 4, low: -1 }))).toBe(true);
    expect(sameBytes(await nested!, fillUniform(new Float64Array(3), { seed: 5 }))).toBe(true);
  });
  test('unseeded async calls take global streams in call order, like sync calls', async () => {
    manualSeed(77);
    const p1 = fillNormalAsync(new Float32Array(10));
    const p2 = fillNormalAsync(new Float32Array(10));
    expect(globalSeedState().nextStream).toBe(2n);
    const [a, b] = await Promise.all([p1, p2]);
    expect(sameBytes(a, fillNormal(new Float32Array(10), { seed: 77, stream: 0 }))).toBe(true);
    expect(sameBytes(b, fillNormal(new Float32Array(10), { seed: 77, stream: 1 }))).toBe(true);
  });
  test('200 concurrent async fills are all correct', async () => {
    const jobs = Array.from({ length: 200 }, (_, i) => fillNormalAsync(new Float32Array(1000 + i * 37), { seed: i, stream: 1 }));
    const results = await Promise.all(jobs);
    results.forEach((r, i) => expect(sameBytes(r, fillNormal(new Float32Array(1000 + i * 37), { seed: i, stream: 1 }))).toBe(true));
  });
  test('the event loop keeps turning during a large async fill', async () => {
    // No wall-clock bound here (the main suites run in parallel on a loaded machine): a timer
    // must fire while the fill is pending, which a fill that blocked the thread until it was
    // done can never allow (its promise would settle first). Gap figures:
    // test/async-timer.isolated.test.ts and node bench/event-loop.mjs.
    const n = backendInfo().name === 'native' ? 1 << 26 : 1 << 22;
    const out = new Float32Array(n);
    let done = false;
    let ticksWhilePending = 0;
    const timer = setInterval(() => { if (!done) ticksWhilePending++; }, 1);
    await fillNormalAsync(out, { seed: 1 }).then(() => { done = true; });
    clearInterval(timer);
    expect(ticksWhilePending).toBeGreaterThan(0);
    expect(out[n - 1]).not.toBe(0);
  });
});
