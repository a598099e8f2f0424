/**
 * The addon's householderQ (native/src/qr.cc) against the TypeScript one that defines the
 * bits (lib/initializers/orthogonal.ts), byte for byte, and orthogonal() on the native
 * backend against the TypeScript QR path. (Native project only.)
 */
import { afterAll, describe, expect, test } from 'vitest';
import { backendInfo, fillNormal, orthogonal, orthogonalAsync, setIsa, setThreads } from '../lib/index.js';
import { nativeBinding } from '../lib/backend.js';
import { householderQ } from '../lib/initializers/orthogonal.js';
import type { NativeBinding } from '../lib/binding.js';
import { sameBytes } from './helpers.js';
import {
  BLOCK_SHAPES, DEGENERATE_9X6, LARGE_ORTHOGONAL_DIGESTS, ZERO_NORM_45X40, blockInput, digest, expectSameQr, gaussian,
  randomShapes, transpose,
} from './qr-cases.js';

const binding = nativeBinding() as NativeBinding;

/** Runs both QRs on copies of a (m x n, column-major) and expects the same bytes. */
const expectSame = (a: Float64Array, m: number, n: number): Float64Array =>
  expectSameQr('native', (q, mm, nn, rm) => binding.householderQ(q, mm, nn, rm), a, m, n);

describe('native householderQ', () => {
  test('the addon is loaded and exports it', () => {
    expect(backendInfo().name).toBe('native');
    expect(typeof binding.householderQ).toBe('function');
    expect(typeof binding.householderQAsync).toBe('function');
  });

  test('every m x n with 1 <= n <= m <= 20', () => {
    for (let m = 1; m <= 20; m++) for (let n = 1; n <= m; n++) expectSame(gaussian(m * n, m * 100 + n), m, n);
  });

  test('random square and tall shapes up to 70 (wide ones are their transposes)', () => {
    randomShapes().forEach(([m, n], c) => expectSame(gaussian(m * n, 1000 + c), m, n));
  });

  test('257 x 129, 1000 x 500 (orthogonal([500, 1000])) and 300 x 300', () => {
    expectSame(gaussian(257 * 129, 1), 257, 129);
    expectSame(gaussian(1000 * 500, 2), 1000, 500);
    const q = expectSame(gaussian(300 * 300, 3), 300, 300);
    // And it is a QR: Q^T Q = I.
    let worst = 0;
    for (let i = 0; i < 300; i += 7) {
      for (let j = 0; j < 300; j += 5) {
        let s = 0;
        for (let k = 0; k < 300; k++) s += q[i * 300 + k]! * q[j * 300 + k]!;
        worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
      }
    }
    expect(worst).toBeLessThan(1e-12);
  });

  test('degenerate inputs: zero and repeated columns, signed zeros, subnormals, huge, NaN, Infinity', () => {
    const m = 9, n = 6;
    const base = gaussian(m * n, 5);
    for (const change of DEGENERATE_9X6) {
      const a = base.slice();
      change(a);
      expectSame(a, m, n);
    }
  });

  test('a longer array and subarray views: only the first m * n elements change', () => {
    const buf = gaussian(200, 9);
    const view = buf.subarray(3, 3 + 7 * 5 + 4);
    const copy = view.slice();
    binding.householderQ!(view, 7, 5);
    const ts = copy.slice();
    householderQ(ts, 7, 5);
    expect(sameBytes(view, ts)).toBe(true);
    expect(Array.from(view.subarray(35))).toEqual(Array.from(copy.subarray(35)));
  });

  test('bad arguments throw TypeError or RangeError and change nothing', () => {
    const a = gaussian(12, 1);
    const before = a.slice();
    const q = binding.householderQ!.bind(binding) as (...args: unknown[]) => void;
    const qa = binding.householderQAsync!.bind(binding) as (...args: unknown[]) => unknown;
    const bad: Array<[unknown[], typeof TypeError | typeof RangeError]> = [
      [[], TypeError],
      [[a, 4], TypeError],
      [[new Float32Array(12), 4, 3], TypeError],
      [[[1, 2, 3, 4], 2, 2], TypeError],
      [[null, 4, 3], TypeError],
      [[a, '4', 3], TypeError],
      [[a, 4, 3n], TypeError],
      [[a, 4.5, 3], RangeError],
      [[a, -4, 3], RangeError],
      [[a, NaN, 3], RangeError],
      [[a, Infinity, 3], RangeError],
      [[a, 4, 2 ** 53], RangeError],
      [[a, 3, 4], RangeError], // n > m
      [[a, 5, 3], RangeError], // 15 > 12 elements
      [[a, 2 ** 40, 2 ** 20], RangeError],
    ];
    for (const [args, E] of bad) {
      expect(() => q(...args), JSON.stringify(args.map(String))).toThrow(E);
      expect(() => qa(...args)).toThrow(E);
    }
    expect(sameBytes(a, before)).toBe(true);
    // Empty work is fine.
    q(new Float64Array(0), 0, 0);
    q(a, 5, 0);
    expect(sameBytes(a, before)).toBe(true);
  });

  test('householderQAsync: same bytes, small (inline) and large (pool thread)', async () => {
    for (const [m, n] of [[6, 4], [64, 64], [300, 200]] as const) {
      const a = gaussian(m * n, m + n);
      const sync = a.slice();
      binding.householderQ!(sync, m, n);
      const p = binding.householderQAsync!(a, m, n);
      expect(p).toBeInstanceOf(Promise);
      await p;
      expect(sameBytes(a, sync)).toBe(true);
    }
    await binding.householderQAsync!(new Float64Array(0), 0, 0);
  });
});

/** orthogonal() as the TypeScript path computes it, in float64 (shape is 2-D here). */
function reference(rows: number, cols: number, seed: number, gain: number): Float64Array {
  const g = fillNormal(new Float64Array(rows * cols), { seed, stream: 0 });
  if (rows >= cols) {
    const q = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) q[j * rows + i] = g[i * cols + j]!;
    householderQ(q, rows, cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) g[i * cols + j] = q[j * rows + i]!;
  } else {
    householderQ(g, cols, rows);
  }
  if (gain !== 1) for (let i = 0; i < g.length; i++) g[i] = g[i]! * gain;
  return g;
}

describe('orthogonal() on the native QR equals the TypeScript QR path', () => {
  const shapes: Array<[number, number]> = [[1, 1], [1, 7], [7, 1], [5, 5], [16, 16], [17, 33], [33, 17], [64, 3], [3, 64], [70, 70], [129, 257], [257, 129]];
  test.each(shapes)('%i x %i, float64 and float32, gains 1 and 1.7', (rows, cols) => {
    for (const gain of [1, 1.7]) {
      const want = reference(rows, cols, rows * 31 + cols, gain);
      const got = orthogonal([rows, cols], { seed: rows * 31 + cols, gain, dtype: 'float64' });
      expect(sameBytes(got, want)).toBe(true);
      const got32 = orthogonal([rows, cols], { seed: rows * 31 + cols, gain });
      expect(sameBytes(got32, Float32Array.from(want))).toBe(true);
    }
  });

  test('500 x 1000 (wide) and a 4-D keras-layout shape', () => {
    expect(sameBytes(orthogonal([500, 1000], { seed: 4, dtype: 'float64' }), reference(500, 1000, 4, 1))).toBe(true);
    // keras: rows = 3*3*4 = 36, cols = 16.
    expect(sameBytes(orthogonal([3, 3, 4, 16], { seed: 1, layout: 'keras', dtype: 'float64' }), reference(36, 16, 1, 1))).toBe(true);
  });

  test('slices and the async form match the whole sync result', async () => {
    const whole = orthogonal([200, 120], { seed: 9, dtype: 'float64' });
    expect(sameBytes(whole, reference(200, 120, 9, 1))).toBe(true);
    const part = orthogonal([200, 120], { seed: 9, dtype: 'float64', offset: 120 * 50, out: new Float64Array(120 * 30) });
    expect(sameBytes(part, whole.subarray(120 * 50, 120 * 80))).toBe(true);
    for (const shape of [[200, 120], [120, 200], [8, 8]]) {
      const a = await orthogonalAsync(shape, { seed: 9, dtype: 'float64' });
      expect(sameBytes(a, orthogonal(shape, { seed: 9, dtype: 'float64' }))).toBe(true);
    }
    // Several in flight at once, in call order.
    const all = await Promise.all([1, 2, 3].map((s) => orthogonalAsync([150, 150], { seed: s })));
    all.forEach((w, i) => expect(sameBytes(w, orthogonal([150, 150], { seed: i + 1 }))).toBe(true));
  });
});

describe('native householderQ: blocked, vectorized across columns, threaded', () => {
  afterAll(() => {
    setIsa('auto');
    setThreads(0);
  });

  const shapes = BLOCK_SHAPES;
  const want = new Map<string, Float64Array>();
  const input = blockInput;
  for (const [m, n] of shapes) {
    const q = input(m, n);
    householderQ(q, m, n);
    want.set(`${m}x${n}`, q);
  }

  test('every ISA and thread count 1, 2, 3, 8: the bytes of the TypeScript QR', () => {
    for (const isa of backendInfo().available) {
      setIsa(isa);
      for (const threads of [1, 2, 3, 8]) {
        setThreads(threads);
        for (const [m, n] of shapes) {
          const q = input(m, n);
          binding.householderQ(q, m, n);
          expect(sameBytes(q, want.get(`${m}x${n}`)!), `${isa} ${threads} threads ${m}x${n}`).toBe(true);
        }
      }
    }
  });

  test('rowMajor: the matrix and Q row by row, the bytes of the transposes around the TypeScript QR', async () => {
    for (const threads of [1, 2]) {
      setThreads(threads);
      for (const [m, n] of shapes) {
        const rm = transpose(input(m, n), n, m); // row-major m x n
        binding.householderQ(rm, m, n, true);
        expect(sameBytes(rm, transpose(want.get(`${m}x${n}`)!, n, m)), `${m}x${n}`).toBe(true);
        const ra = transpose(input(m, n), n, m);
        await binding.householderQAsync(ra, m, n, true);
        expect(sameBytes(ra, rm)).toBe(true);
      }
    }
    const a = gaussian(12, 1);
    const q = binding.householderQ.bind(binding) as (...args: unknown[]) => void;
    expect(() => q(a, 4, 3, 1)).toThrow(TypeError);
    expect(() => q(a, 4, 3, 'yes')).toThrow(TypeError);
    expect(() => binding.householderQAsync(a, 4, 3, null as unknown as boolean)).toThrow(TypeError);
    expect(sameBytes(a, gaussian(12, 1))).toBe(true);
    q(a, 4, 3, undefined); // undefined: column-major
    const c = gaussian(12, 1);
    householderQ(c, 4, 3);
    expect(sameBytes(a, c)).toBe(true);
  });

  test('zero-norm reflections (skipped within their 16-column block), signed zeros, NaN and infinities, n > 16', () => {
    const m = 45, n = 40;
    const cases = ZERO_NORM_45X40;
    for (const threads of [1, 2]) {
      setThreads(threads);
      for (const change of cases) {
        const a = gaussian(m * n, 77);
        change(a);
        expectSame(a, m, n);
      }
    }
  });

  test.each(LARGE_ORTHOGONAL_DIGESTS)('orthogonal(%j) keeps its digest', (shape, hex) => {
    setIsa('auto');
    setThreads(0);
    expect(digest(orthogonal(shape, { seed: 2024, dtype: 'float64' }))).toBe(hex);
  });
});
