/**
 * Scalar normal-distribution functions used to derive kernel parameters (never per element).
 *
 * They run once per call in TypeScript, so they favour accuracy over speed: series and
 * continued fractions with fixed term counts, built only from + - * / and our own
 * log/exp (lib/kernels/math.ts), so the parameters are the same bits on every engine.
 */
import { exp64, log1p, log64 } from './kernels/math.js';

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const INV_SQRT_PI = 0.5641895835477563;
const SQRT1_2 = 0.7071067811865476;

/** erf(z) for |z| < 3 by the series 2/sqrt(pi) e^-z^2 sum 2^n z^(2n+1) / (2n+1)!! (no cancellation). */
function erfSeries(z: number): number {
  const z2 = z * z;
  let term = z;
  let sum = z;
  for (let n = 1; n < 200; n++) {
    term = term * (2 * z2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17 && term > -(sum * 1e-17) && n > 4) break;
  }
  return TWO_OVER_SQRT_PI * exp64(-z2) * sum;
}

/** erfcx(z) = e^(z^2) erfc(z) for z >= 2, by the Laplace continued fraction (backward, 400 terms). */
function erfcxCF(z: number): number {
  let t = z;
  for (let k = 400; k >= 1; k--) t = z + (k / 2) / t;
  return INV_SQRT_PI / t;
}

/** erf(x) for any double. */
export function erf(x: number): number {
  if (x !== x) return x;
  if (x < 0) return -erf(-x);
  if (x < 2.5) return erfSeries(x);
  if (x > 6) return 1;
  return 1 - erfcxCF(x) * exp64(-x * x);
}

/** log Phi(x), the log of the standard normal CDF, accurate in both tails (-Infinity at -Infinity). */
export function logPhi(x: number): number {
  if (x === -Infinity) return -Infinity;
  if (x === Infinity) return 0;
  const z = -x * SQRT1_2; // Phi(x) = erfc(z) / 2
  if (z >= 2) return log64(erfcxCF(z) * 0.5) - z * z;
  if (z > -2) return log64(0.5 * (1 - erfSeries(z)));
  // x > 2.83: Phi = 1 - Q, Q = erfc(-z) / 2
  const q = 0.5 * erfcxCF(-z) * exp64(-z * z);
  return log1p(-q);
}

