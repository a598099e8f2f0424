/**
 * The addon's orthogonalWriteAsync (native/src/orthogonal_write.cc) against the TypeScript
 * write that defines the bits (writeOrthogonal in lib/initializers/orthogonal.ts), byte for
 * byte, on values that reach every rounding edge; and orthogonalAsync uses it for the write
 * after the QR. (Native project only.)
 */
import { describe, expect, test } from 'vitest';
import { fillNormal, orthogonal, orthogonalAsync, type DType } from '../lib/index.js';
import { nativeBinding } from '../lib/backend.js';
import { writeOrthogonal } from '../lib/initializers/orthogonal.js';
import type { NativeBinding } from '../lib/binding.js';
import type { Run, Target } from '../lib/tensor.js';
import { sameBytes } from './helpers.js';

const binding = nativeBinding() as NativeBinding;
const TYPES: Record<DType, number> = { float32: 0, float64: 1, bfloat16: 2, float16: 3 };

function arrayOf(dtype: DType, n: number): Float32Array | Float64Array | Uint16Array {
  return dtype === 'float32' ? new Float32Array(n) : dtype === 'float64' ? new Float64Array(n) : new Uint16Array(n);
}

describe('native orthogonalWriteAsync', () => {
  test('equals writeOrthogonal byte for byte: every dtype, layout, gain and run layout, edge values', async () => {
    const rows = 301, cols = 233, numel = rows * cols; // above the 2^16 inline limit: a pool thread
    const src = fillNormal(new Float64Array(numel), { seed: 9, std: 3e4 });
    const edges = [NaN, Infinity, -Infinity, 0, -0, 65504, 65519.99, 65520, -65536, 1e-8, 6e-8, 2 ** -25, 3 * 2 ** -25,
      1 + 2 ** -8, 1 + 3 * 2 ** -8, 3.4e38, 3.4028235e38, 1e-45, 5e-324, 1e300, 1 + 2 ** -24, 1 + 2 ** -11];
    edges.forEach((v, i) => { src[i * 97] = v; src[numel - 1 - i] = v; });
    const runSets: Run[][] = [
      [{ offset: 0, length: numel, at: 0 }],
      [{ offset: 5, length: 1000, at: 0 }, { offset: 40000, length: 25000, at: 1000 }, { offset: numel - 17, length: 17, at: 26000 }],
    ];
    for (const dtype of Object.keys(TYPES) as DType[]) {
      for (const colMajor of [true, false]) {
        for (const gain of [1, 0.37, 2.5]) {
          for (const runs of runSets) {
            const length = runs.reduce((s, r) => s + r.length, 0);
            const ts = arrayOf(dtype, length), nat = arrayOf(dtype, length);
            const t: Target = { dtype, out: ts, given: true, runs, length };
            for (const r of runs) writeOrthogonal(t, src, rows, cols, colMajor, gain, r, r.offset, r.offset + r.length);
            await binding.orthogonalWriteAsync!(src, rows, cols, colMajor, gain, nat, TYPES[dtype], Float64Array.from(runs.flatMap((r) => [r.offset, r.length, r.at])));
            expect(sameBytes(nat, ts), `${dtype} colMajor ${colMajor} gain ${gain} runs ${runs.length}`).toBe(true);
          }
        }
      }
    }
  });

  test('householderQAsync factors a SharedArrayBuffer matrix in place, with the same bits', async () => {
    for (const [m, n, rowMajor] of [[600, 40, true], [300, 300, false], [64, 8, false]] as const) {
      const src = fillNormal(new Float64Array(m * n), { seed: m, stream: 2 });
      const plain = src.slice();
      binding.householderQ(plain, m, n, rowMajor);
      const sab = new Float64Array(new SharedArrayBuffer(m * n * 8));
      sab.set(src);
      await binding.householderQAsync(sab, m, n, rowMajor);
      expect(sameBytes(sab, plain), `${m}x${n}`).toBe(true);
    }
  });

  test('refuses bad arguments synchronously', () => {
    const src = new Float64Array(12), dst = new Float32Array(12), runs = new Float64Array([0, 12, 0]);
    const w = binding.orthogonalWriteAsync!.bind(binding);
    expect(() => w(new Float32Array(12) as never, 3, 4, true, 1, dst, 0, runs)).toThrow(/orthogonalWriteAsync: src must be a Float64Array/);
    expect(() => w(src, 4, 4, true, 1, dst, 0, runs)).toThrow(/src has fewer than rows \* cols elements/);
    expect(() => w(src, 3, 4, true, 1, dst, 1, runs)).toThrow(/dst must be the typed array of type/);
    expect(() => w(src, 3, 4, true, 1, dst, 7, runs)).toThrow(/type must be 0\.\.3/);
    expect(() => w(src, 3, 4, true, 1, dst, 0, new Float64Array([0, 13, 0]))).toThrow(/a run is outside the matrix or dst/);
    expect(() => w(src, 3, 4, true, 1, new Float32Array(5), 0, runs)).toThrow(/a run is outside the matrix or dst/);
    expect(() => w(src, 3, 4, 1 as never, 1, dst, 0, runs)).toThrow(/colMajor must be a boolean/);
  });

  test('orthogonalAsync transposes and writes through it (not on the JavaScript thread)', async () => {
    const original = binding.orthogonalWriteAsync!;
    const calls: [number, number, boolean, number][] = [];
    const shared: boolean[] = [];
    binding.orthogonalWriteAsync = (src, rows, cols, colMajor, gain, dst, type, runs) => {
      calls.push([rows, cols, colMajor, type]);
      shared.push(src.buffer instanceof SharedArrayBuffer);
      return original.call(binding, src, rows, cols, colMajor, gain, dst, type, runs);
    };
    try {
      const w = await orthogonalAsync([4096, 32], { seed: 1, dtype: 'bfloat16' });
      expect(sameBytes(w, orthogonal([4096, 32], { seed: 1, dtype: 'bfloat16' }))).toBe(true);
      // The addon's QR transposes around itself (rowMajor); after it, W (row-major) into bfloat16.
      expect(calls).toEqual([[4096, 32, false, 2]]);
      calls.length = 0;
      await orthogonalAsync([32, 4096], { seed: 1 });
      expect(calls).toEqual([[32, 4096, false, 0]]);
      // The Gaussian is the call's own, in a SharedArrayBuffer: filled and factored in place.
      expect(shared).toEqual([true, true]);
    } finally {
      binding.orthogonalWriteAsync = original;
    }
  });
});
