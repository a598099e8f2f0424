/**
 * Every value finite: one rule for every distribution and dtype. A call
 * whose parameters let the kernel produce a value that is not finite once rounded to the
 * output dtype is a RangeError naming the parameter, before anything is written; every
 * accepted call writes finite values only. The normal kernels' extremes come from their
 * finite word sets (ZMAX_F32 is checked here over all 2^24 inputs).
 */
import { describe, expect, test } from 'vitest';
import * as nn from '../lib/index.js';
import { QMAX, ZMAX_F32, ZMAX_F64 } from '../lib/params.js';
import { logU24, logU53, sincosTurn24, sincosTurn53 } from '../lib/kernels/math.js';

const DTYPES = ['float32', 'float64', 'bfloat16', 'float16'] as const;
type D = (typeof DTYPES)[number];
const LIMIT: Record<D, number> = { float32: 3.4028234663852886e38, float64: Number.MAX_VALUE, bfloat16: 3.3895313892515355e38, float16: 65504 };

function decode(a: ArrayLike<number>, dtype: D): Float64Array {
  const f = dtype === 'bfloat16' ? nn.fromBfloat16 : dtype === 'float16' ? nn.fromFloat16 : (x: number) => x;
  return Float64Array.from(a as ArrayLike<number>, (x) => f(x));
}
const allFinite = (a: ArrayLike<number>, dtype: D) => decode(a, dtype).every(Number.isFinite);

/** The largest x in [ok, bad) with accept(x), by bisection on doubles. */
function largestAccepted(ok: number, bad: number, accept: (x: number) => boolean): number {
  expect(accept(ok)).toBe(true);
  expect(accept(bad)).toBe(false);
  for (let i = 0; i < 200 && bad - ok > 0; i++) {
    const mid = ok + (bad - ok) / 2;
    if (mid === ok || mid === bad) break;
    if (accept(mid)) ok = mid; else bad = mid;
  }
  return ok;
}
const accepts = (f: () => unknown) => { try { f(); return true; } catch (e) { if (!(e instanceof RangeError)) throw e; return false; } };

describe('the normal kernels\' largest |z|', () => {
  test('float32: the radius is largest at word 0 and |cos|, |sin| never exceed 1, over all 2^24 inputs', () => {
    const r0 = Math.fround(Math.sqrt(-2 * logU24(1)));
    expect(ZMAX_F32).toBe(r0);
    expect(ZMAX_F32).toBeCloseTo(Math.sqrt(2 * 24 * Math.LN2), 5);
    let rmax = 0, cmax = 0;
    const cs = new Float64Array(2);
    for (let n = 1; n <= 1 << 24; n++) {
      const r = Math.fround(Math.sqrt(-2 * logU24(n)));
      if (r > rmax) rmax = r;
      sincosTurn24(n - 1, cs);
      const c = Math.max(Math.abs(cs[0]!), Math.abs(cs[1]!));
      if (c > cmax) cmax = c;
    }
    expect(rmax).toBe(ZMAX_F32);
    expect(cmax).toBe(1);
  });
  test('float64: the radius at word 0 bounds every other, and |cos| stays <= 1 near 0 (where it peaks)', () => {
    expect(ZMAX_F64).toBe(Math.sqrt(-2 * logU53(1)));
    expect(ZMAX_F64).toBeCloseTo(Math.sqrt(2 * 53 * Math.LN2), 12);
    let rmax = 0;
    for (let n = 2; n < 1 << 20; n++) rmax = Math.max(rmax, Math.sqrt(-2 * logU53(n)));
    expect(rmax).toBeLessThan(ZMAX_F64);
    const cs = new Float64Array(2);
    let cmax = 0;
    for (let lo = 0; lo < 1 << 20; lo++) {
      sincosTurn53(0, lo, cs);
      cmax = Math.max(cmax, Math.abs(cs[0]!), Math.abs(cs[1]!));
      sincosTurn53(0x7ffffff, (1 << 26) - 1 - lo, cs); // just below a full turn
      cmax = Math.max(cmax, Math.abs(cs[0]!), Math.abs(cs[1]!));
      sincosTurn53(0x1000000, lo, cs); // a quarter turn: sin near 1
      cmax = Math.max(cmax, Math.abs(cs[0]!), Math.abs(cs[1]!));
    }
    expect(cmax).toBe(1);
    expect(QMAX).toBe(1 + 2 ** -20);
  });
});

describe(`every value finite, or a RangeError (${nn.backendInfo().name})`, () => {
  test('the issue\'s cases are refused, naming the parameter, and out is untouched', () => {
    const out = new Float32Array(4099).fill(7);
    expect(() => nn.fillNormal(out, { std: 3e38, seed: 1 })).toThrow(/nninit\.fillNormal: options\.std must be such that every value is finite in float32 \(the kernel's values reach mean ± 5\.76\d* std: -1\.73\d*e\+39 to 1\.73\d*e\+39\); received 3e\+38/);
    expect(() => nn.fillNormal(out, { mean: 3.4e38, std: 1e38, seed: 1 })).toThrow(/options\.std must be such that every value is finite in float32/);
    expect(() => nn.fillNormal(out, { mean: 1e5, std: 1, seed: 1 })).not.toThrow();
    expect(() => nn.fillNormal(new Float64Array(8), { std: 1e308, seed: 1 })).toThrow(/options\.std must be such that every value is finite in float64/);
    expect(() => nn.orthogonal([4, 4], { gain: 1e308, seed: 1 })).toThrow(/nninit\.orthogonal: options\.gain must be such that every value is finite in float32/);
    expect(nn.orthogonal([4, 4], { gain: 1e308, seed: 1, dtype: 'float64' }).every(Number.isFinite)).toBe(true);
    expect(() => nn.fillTruncatedNormal(out, { std: 1e38, a: 0, b: Infinity, seed: 1 })).toThrow(/options\.std must be such that every value is finite in float32/);
    expect(() => nn.xavierNormal([4, 4], { gain: 2e38, seed: 1 })).toThrow(/nninit\.xavierNormal: the std \(options\.gain and the fans\) must be such that every value is finite/);
    expect(() => nn.kaimingUniform([4, 4], { a: 1, nonlinearity: 'leaky_relu', fanIn: 1e-78, seed: 1 })).toThrow(/twice the bound \(the nonlinearity's gain and the fan\) must be within the float32 range/);
    expect(() => nn.fillTruncatedNormal(new Float64Array(4), { a: -Infinity, b: Infinity, seed: 1 })).toThrow(/options\.b must be finite when options\.a is -Infinity/);
    out.fill(7);
    for (const f of [
      () => nn.fillNormal(out, { std: 3e38, seed: 1 }),
      () => nn.normal([4099], { std: 3e38, seed: 1, out }),
      () => nn.truncatedNormal([4099], { std: 3e38, a: -Infinity, b: Infinity, seed: 1, out }),
    ]) expect(f).toThrow(RangeError);
    expect(out.every((v) => v === 7)).toBe(true);
  });

  for (const dtype of DTYPES) {
    test(`${dtype}: the largest accepted std, bound or gain writes finite values; beyond it, a RangeError`, () => {
      const L = LIMIT[dtype];
      const n = 1 << 16;
      // normal: std up to about L / ZMAX
      const std = largestAccepted(1, L, (s) => accepts(() => nn.normal([1], { std: s, dtype, seed: 1 })));
      expect(std).toBeGreaterThan((dtype === 'float64' ? L / ZMAX_F64 : L / ZMAX_F32) * 0.999);
      expect(allFinite(nn.normal([n], { std, dtype, seed: 2 }), dtype)).toBe(true);
      expect(allFinite(nn.normal([n], { std: std / 2, mean: std, dtype, seed: 3 }), dtype)).toBe(true);
      // a mean beyond the range names the mean; a mean the std pushes out names the std
      if (dtype !== 'float64') expect(() => nn.normal([1], { mean: L * 1.01, std: 1, dtype, seed: 1 })).toThrow(/options\.mean must be/);
      expect(() => nn.normal([1], { mean: L * 0.99, std: L / 100, dtype, seed: 1 })).toThrow(/options\.std must be/);
      // truncated normal with an infinite side: its extreme from the kernel's extreme uniform
      const ts = largestAccepted(1, L, (s) => accepts(() => nn.truncatedNormal([1], { std: s, a: 0, b: Infinity, dtype, seed: 1 })));
      expect(allFinite(nn.truncatedNormal([n], { std: ts, a: 0, b: Infinity, dtype, seed: 4 }), dtype)).toBe(true);
      expect(allFinite(nn.truncatedNormal([n], { std: ts, a: -Infinity, b: 0, dtype, seed: 4 }), dtype)).toBe(true);
      // Finite bounds: every value lies in [a, b], and the kernel's last word gives b itself,
      // so bounds within the dtype's range are fine and bounds beyond it are refused.
      expect(allFinite(nn.truncatedNormal([n], { std: 1, a: -L, b: L, dtype, seed: 5 }), dtype)).toBe(true);
      // (float32 rounds a bound beyond its range to its largest value: only 16-bit ones can fail)
      if (dtype === 'float16' || dtype === 'bfloat16') {
        expect(() => nn.truncatedNormal([1], { std: 1, a: -L * 1.01, b: L * 1.01, dtype, seed: 5 })).toThrow(/options\.b must be such that every value is finite/);
        // the kernel reaches only one bound (the mirrored interval's right end): the other may lie beyond
        expect(allFinite(nn.truncatedNormal([n], { std: 1, a: -L, b: L * 1.01, dtype, seed: 5 }), dtype)).toBe(true);
      }
      // uniform: bounds beyond the range can only fail for 16-bit dtypes (float32/64 fail on the span)
      if (dtype === 'float16' || dtype === 'bfloat16') {
        expect(() => nn.uniform([1], { low: -L * 1.003, high: 0, dtype, seed: 1 })).toThrow(/options\.low must be such that every value is finite/);
        expect(() => nn.uniform([1], { low: 0, high: L * 1.003, dtype, seed: 1 })).toThrow(/options\.high must be such that every value is finite/);
        expect(allFinite(nn.uniform([n], { low: 0, high: L, dtype, seed: 6 }), dtype)).toBe(true);
        expect(allFinite(nn.uniform([n], { low: -L, high: 0, dtype, seed: 6 }), dtype)).toBe(true);
        expect(() => nn.constant([2], L * 1.003, { dtype })).toThrow(/value must be such that every value is finite/);
      }
      // orthogonal: gain times 1 + 2^-20
      const g = largestAccepted(1, dtype === 'float64' ? L : 2 * L, (x) => accepts(() => nn.orthogonal([2, 2], { gain: x, dtype, seed: 1 })));
      expect(g).toBeGreaterThan(L / QMAX / 1.001);
      expect(allFinite(nn.orthogonal([64, 16], { gain: g, dtype, seed: 7 }), dtype)).toBe(true);
      expect(allFinite(nn.orthogonal([16, 64], { gain: g, dtype, seed: 7 }), dtype)).toBe(true);
    });
  }

  test('16-bit output no longer saturates: values at the edge of the range are the rounded values', () => {
    // std 11350: mean ± 5.768 std = ±65469, inside float16's range, so nothing is clamped.
    const h = nn.normal([1 << 16], { std: 11350, dtype: 'float16', seed: 1 });
    const f = nn.normal([1 << 16], { std: 11350, seed: 1 });
    expect(Array.from(h)).toEqual(Array.from(nn.toFloat16Array(f)));
    expect(() => nn.normal([1], { std: 11360, dtype: 'float16', seed: 1 })).toThrow(/every value is finite in float16/);
  });

  test('async forms reject the same parameters before any work', async () => {
    const out = new Float32Array(16).fill(3);
    await expect(nn.fillNormalAsync(out, { std: 3e38, seed: 1 })).rejects.toThrow(RangeError);
    await expect(nn.orthogonalAsync([4, 4], { gain: 1e39, seed: 1 })).rejects.toThrow(/options\.gain/);
    expect(out.every((v) => v === 3)).toBe(true);
  });
});
