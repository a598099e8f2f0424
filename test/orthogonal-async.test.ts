/**
 * orthogonalAsync off the JavaScript thread: the transposes, the QR and
 * the write into the dtype run on the addon's threads or, on the TypeScript backend, in
 * slices between event-loop turns; the values equal the sync call's, for every dtype,
 * shape, gain, slice and shard; a caller's out detached meanwhile is a clear rejection.
 * The gap figures are a benchmark: node bench/event-loop.mjs.
 */
import { describe, expect, test } from 'vitest';
import {
  backendInfo, initShard, initShardAsync, orthogonal, orthogonalAsync, type DType,
} from '../lib/index.js';
import { sameBytes } from './helpers.js';

const DTYPES: DType[] = ['float32', 'float64', 'bfloat16', 'float16'];

describe(`orthogonalAsync (${backendInfo().name})`, () => {
  test('equals orthogonal for every dtype, tall, wide and square shapes, gains, slices and outs', async () => {
    const shapes: number[][] = [[300, 7], [7, 300], [64, 64], [5, 4, 3], [1000, 70], [70, 1000]];
    for (const dtype of DTYPES) {
      for (const shape of shapes) {
        for (const gain of [1, 1.7]) {
          const o = { dtype, seed: 3, stream: shape[0], gain };
          const want = orthogonal(shape, o);
          expect(sameBytes(await orthogonalAsync(shape, o), want), `${dtype} ${shape} ${gain}`).toBe(true);
          const numel = want.length;
          const slice = { ...o, offset: 3, length: Math.min(numel - 3, 70000) };
          expect(sameBytes(await orthogonalAsync(shape, slice), orthogonal(shape, slice)), `${dtype} ${shape} slice`).toBe(true);
          const out = orthogonal(shape, { ...o, seed: 4 }); // a caller's array with other values in it
          const back = await orthogonalAsync(shape, { ...o, out } as never);
          expect(back).toBe(out);
          expect(sameBytes(out, want)).toBe(true);
        }
      }
    }
    for (const dtype of DTYPES) {
      const s = { dtype, seed: 5, rank: 1, worldSize: 3, axis: 1 } as const;
      expect(sameBytes(await initShardAsync(orthogonal, [300, 90], s), initShard(orthogonal, [300, 90], s))).toBe(true);
    }
  });

  test('the QR and the writes run in turns: timers keep firing all through a large call', async () => {
    // On the TypeScript backend the QR of 2048 x 512 is about a second of work: in 0.1.0 it ran
    // in one block (timers stopped after the Gaussian's few slices). Counting turns, not time.
    let ticks = 0;
    let done = false;
    const timer = setInterval(() => { if (!done) ticks++; }, 1);
    const w = await orthogonalAsync([2048, 512], { seed: 1 }).finally(() => { done = true; });
    clearInterval(timer);
    expect(w.length).toBe(2048 * 512);
    expect(ticks).toBeGreaterThan(backendInfo().name === 'js' ? 50 : 0);
  });

  test('a caller\'s out detached or resized during the call: a clear rejection, nothing written after', async () => {
    for (const dtype of ['float32', 'bfloat16'] as const) {
      const out = dtype === 'float32' ? new Float32Array(4096 * 64) : new Uint16Array(4096 * 64);
      const p = orthogonalAsync([4096, 64], { dtype, seed: 2, out } as never);
      const moved = structuredClone(out.buffer, { transfer: [out.buffer] });
      await expect(p).rejects.toThrow(/^nninit\.orthogonalAsync: options\.out must be kept attached with its 262144 elements until the promise settles/);
      expect(new Uint8Array(moved).every((b) => b === 0)).toBe(true); // the memory's new owner got nothing
    }
  });
});
