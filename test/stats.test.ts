/**
 * Distribution checks against an oracle we did not write: @stdlib's CDFs and its
 * Kolmogorov-Smirnov test, on 10^6 values with fixed seeds.
 */
import { describe, expect, test } from 'vitest';
// @stdlib packages ship CommonJS without types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kstest = require('@stdlib/stats-kstest') as (x: ArrayLike<number>, cdf: string | ((x: number) => number), ...p: number[]) => { pValue: number };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const uniformCdf = require('@stdlib/stats-base-dists-uniform-cdf') as (x: number, a: number, b: number) => number;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const normalCdf = require('@stdlib/stats-base-dists-normal-cdf') as (x: number, mu: number, sigma: number) => number;
import { fillNormal, fillTruncatedNormal, fillUniform, backendInfo } from '../lib/index.js';

const N = 1_000_000;

/**
 * Two-sided Kolmogorov-Smirnov test. The statistic uses the oracle's CDF; the p-value is
 * the asymptotic Kolmogorov distribution 2 sum (-1)^(k-1) exp(-2 k^2 n D^2), exact to
 * far below 1e-4 at n = 10^6. (@stdlib's kstest computes Marsaglia-Tsang's exact
 * distribution, whose cost grows like (n D)^3: minutes at n = 10^6. Its result is checked
 * against this function at n = 10^4 below.)
 */
function ks(x: ArrayLike<number>, cdf: (v: number) => number): { statistic: number; pValue: number } {
  const s = Float64Array.from(x as ArrayLike<number>).sort();
  const n = s.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(s[i]!);
    const lo = f - i / n;
    const hi = (i + 1) / n - f;
    if (lo > d) d = lo;
    if (hi > d) d = hi;
  }
  const t = n * d * d;
  let p = 0;
  for (let k = 1; k < 100; k++) p += 2 * (k % 2 === 1 ? 1 : -1) * Math.exp(-2 * k * k * t);
  return { statistic: d, pValue: Math.min(1, Math.max(0, p)) };
}

function moments(x: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  const mean = s / x.length;
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (x[i]! - mean) ** 2;
  return { mean, variance: v / (x.length - 1) };
}

/** mean and variance within 5 standard errors of the truth (variance SE from the 4th moment). */
function expectMoments(x: ArrayLike<number>, mean: number, variance: number, kurtosis: number): void {
  const m = moments(x);
  const n = x.length;
  expect(Math.abs(m.mean - mean)).toBeLessThan(5 * Math.sqrt(variance / n));
  const seVar = variance * Math.sqrt((kurtosis - 1) / n);
  expect(Math.abs(m.variance - variance)).toBeLessThan(5 * seVar);
}

/** Count within 5 binomial standard deviations of n p. */
function expectFrequency(count: number, n: number, p: number): void {
  expect(Math.abs(count - n * p)).toBeLessThan(5 * Math.sqrt(n * p * (1 - p)) + 1);
}

/** Phi for a standard normal, accurate in the upper tail through the complement. */
const Phi = (z: number): number => normalCdf(z, 0, 1);
const Q = (z: number): number => normalCdf(-z, 0, 1);

/** CDF of N(mean, std) truncated to [a, b], computed on the side with the smaller tail. */
function truncCdf(mean: number, std: number, a: number, b: number): (x: number) => number {
  const al = (a - mean) / std, be = (b - mean) / std;
  if (al > 0) {
    const qa = Q(al), qb = Q(be);
    return (x) => (x <= a ? 0 : x >= b ? 1 : (qa - Q((x - mean) / std)) / (qa - qb));
  }
  const pa = Phi(al), pb = Phi(be);
  return (x) => (x <= a ? 0 : x >= b ? 1 : (Phi((x - mean) / std) - pa) / (pb - pa));
}

/** Mean and variance of a truncated standard normal on [al, be], scaled. */
function truncMoments(mean: number, std: number, a: number, b: number): { mean: number; variance: number } {
  const al = (a - mean) / std, be = (b - mean) / std;
  const phi = (z: number): number => (Number.isFinite(z) ? Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI) : 0);
  const Z = al > 0 ? Q(al) - Q(be) : Phi(be) - Phi(al);
  const za = Number.isFinite(al) ? al * phi(al) : 0;
  const zb = Number.isFinite(be) ? be * phi(be) : 0;
  const m = (phi(al) - phi(be)) / Z;
  const v = 1 + (za - zb) / Z - m * m;
  return { mean: mean + std * m, variance: std * std * v };
}

describe(`statistics (${backendInfo().name})`, () => {
  test('our KS p-value agrees with @stdlib/stats-kstest at n = 10^4', () => {
    for (const seed of [1, 2, 3]) {
      const x = fillNormal(new Float64Array(3_000), { seed, mean: 0.01 * seed });
      const ours = ks(x, (v) => normalCdf(v, 0, 1));
      const theirs = kstest(x, 'normal', 0, 1);
      expect(Math.abs(ours.pValue - theirs.pValue)).toBeLessThan(0.02);
    }
  });

  for (const Ctor of [Float32Array, Float64Array]) {
    const dt = Ctor.name;
    test(`uniform ${dt}: KS, moments, bounds, open upper end`, () => {
      const x = fillUniform(new Ctor(N), { low: -2, high: 3, seed: 11 });
      expect(ks(x, (v) => uniformCdf(v, -2, 3)).pValue).toBeGreaterThan(1e-4);
      expectMoments(x, 0.5, 25 / 12, 1.8);
      let min = Infinity, max = -Infinity;
      for (const v of x) { if (v < min) min = v; if (v > max) max = v; }
      expect(min).toBeGreaterThanOrEqual(-2);
      expect(max).toBeLessThan(3);
      // [1, 2) in float32: 1 + u rounds up to 2 for the top 24-bit values, which must be clamped.
      const y = fillUniform(new Ctor(N), { low: 1, high: 2, seed: 12 });
      for (const v of y) if (!(v >= 1 && v < 2)) throw new Error(`uniform value ${v} outside [1, 2)`);
    });

    test(`normal ${dt}: KS, moments, tails beyond 3 and 4 sigma`, () => {
      const x = fillNormal(new Ctor(N), { mean: 1, std: 3, seed: 21, stream: 4 });
      expect(ks(x, (v) => normalCdf(v, 1, 3)).pValue).toBeGreaterThan(1e-4);
      expectMoments(x, 1, 9, 3);
      let t3 = 0, t4 = 0;
      for (const v of x) {
        const z = Math.abs(v - 1) / 3;
        if (z > 3) t3++;
        if (z > 4) t4++;
      }
      expectFrequency(t3, N, 2 * Q(3));
      expectFrequency(t4, N, 2 * Q(4));
    });

    const truncCases: [string, number, number, number, number][] = [
      ['default [-2, 2]', 0, 1, -2, 2],
      ['PyTorch-style absolute bounds', 0.5, 0.02, 0.47, 0.56],
      ['one-sided [0, inf)', 0, 1, 0, Infinity],
      ['far right tail [5, 6]', 0, 1, 5, 6],
      ['far left tail [-12, -10]', 0, 1, -12, -10],
      ['asymmetric [-1, 9]', 0, 1, -1, 9],
      ['wide [-30, 30] sigma', 0, 1, -30, 30],
    ];
    for (const [name, mean, std, a, b] of truncCases) {
      test(`truncated normal ${dt} ${name}: KS, moments, bounds never violated, no pile-up`, () => {
        const x = fillTruncatedNormal(new Ctor(N), { mean, std, a, b, seed: 31 });
        let atA = 0, atB = 0;
        for (const v of x) {
          if (!(v >= a && v <= b)) throw new Error(`value ${v} outside [${a}, ${b}]`);
          if (v === Math.fround(a) || v === a) atA++;
          if (v === Math.fround(b) || v === b) atB++;
        }
        // Values may round onto a bound only as often as the mass within one ulp of it.
        const cdf = truncCdf(mean, std, a, b);
        const ulp = (v: number): number => (Ctor === Float32Array ? Math.abs(v) * 2 ** -23 : Math.abs(v) * 2 ** -52) + 1e-300;
        const massA = Number.isFinite(a) ? cdf(a + ulp(a)) : 0;
        const massB = Number.isFinite(b) ? 1 - cdf(b - ulp(b)) : 0;
        expect(atA).toBeLessThanOrEqual(N * massA + 5 * Math.sqrt(N * massA) + 3);
        expect(atB).toBeLessThanOrEqual(N * massB + 5 * Math.sqrt(N * massB) + 3);
        expect(ks(x, truncCdf(mean, std, a, b)).pValue).toBeGreaterThan(1e-4);
        const tm = truncMoments(mean, std, a, b);
        // Kurtosis of a truncated normal is below 3 for these bounds (and 3 bounds a one-sided one loosely).
        expectMoments(x, tm.mean, tm.variance, 6);
      });
    }
  }

  test('truncated normal at 50 sigma (beyond double Phi) stays inside and decays like the tail', () => {
    const x = fillTruncatedNormal(new Float64Array(100_000), { a: -51, b: -50, seed: 3 });
    let mean = 0;
    for (const v of x) {
      if (!(v >= -51 && v <= -50)) throw new Error(`value ${v} outside [-51, -50]`);
      mean += v;
    }
    mean /= x.length;
    // Density ~ exp(-x^2/2) near -50 is ~ exp(50 (x + 50)): an exponential with rate 50
    // away from the bound, so the mean sits about 1/50 inside it.
    expect(mean).toBeGreaterThan(-50 - 0.0205);
    expect(mean).toBeLessThan(-50 - 0.0195);
  });
});
