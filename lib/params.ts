/**
 * Kernel parameters: every scalar a kernel needs, computed once here in float64 and rounded
 * to the output dtype once (DESIGN.md section 3). Formulas live here and nowhere else.
 */
import type { TruncatedNormalParams, UniformParams, NormalParams } from './kernels/distributions.js';
import { belowF32, belowF64, ceilF32, floorF32 } from './dtypes.js';
import { erf, logPhi } from './normal-cdf.js';
import { exp64, expm1 } from './kernels/math.js';
import { rangeError } from './errors.js';
import {
  NORMAL_F32, NORMAL_F64, TRUNCATED_NORMAL_F32, TRUNCATED_NORMAL_F64, UNIFORM_F32, UNIFORM_F64, planOf, type KernelPlan,
} from './kinds.js';

/** Output float width of a kernel. */
export type Width = 'float32' | 'float64';

/** Uniform on [low, high): the smallest dtype value >= low up to the largest one < high. */
export function uniformParams(fn: string, low: number, high: number, width: Width): UniformParams {
  if (!(low < high)) throw rangeError(fn, 'options.low', `less than options.high (${high})`, low);
  const span = high - low;
  if (!Number.isFinite(span)) throw rangeError(fn, 'options.high - options.low', 'finite', span);
  if (width === 'float64') {
    return { low, scale: span, upper: belowF64(high) };
  }
  const lo = ceilF32(low);
  const upper = belowF32(high);
  const scale = Math.fround(span);
  if (!(lo <= upper)) {
    throw rangeError(fn, 'options.low', `such that some float32 lies in [low, high) = [${low}, ${high})`, low);
  }
  if (!Number.isFinite(scale)) throw rangeError(fn, 'options.high - options.low', 'within the float32 range', span);
  return { low: lo, scale, upper };
}

/** Normal(mean, std) in the dtype. */
export function normalParams(fn: string, mean: number, std: number, width: Width): NormalParams {
  if (width === 'float64') return { mean, std };
  const m = Math.fround(mean);
  const s = Math.fround(std);
  if (!Number.isFinite(m)) throw rangeError(fn, 'options.mean', 'within the float32 range', mean);
  if (!Number.isFinite(s) || s === 0) throw rangeError(fn, 'options.std', 'a positive number within the float32 range', std);
  return { mean: m, std: s };
}

/** Bounds (in std units) within which float32 output uses the erfinv fast path. */
export const FAST_TRUNCATION = 2.9;

/**
 * Normal(mean, std) truncated to [a, b] (absolute bounds, as in PyTorch). The fast path
 * (float32, both bounds within 2.9 sigma, an interval not too narrow) maps one 24-bit
 * uniform through a float32 erfinv. Every other case maps a 53-bit uniform through the
 * normal quantile in log space, mirrored so the interval's heavier side is on the right,
 * which stays exact in far tails (no pile-up on the bounds).
 */
export function truncatedNormalParams(
  fn: string, mean: number, std: number, a: number, b: number, width: Width,
): TruncatedNormalParams {
  if (width === 'float32') normalParams(fn, mean, std, width); // mean and std must fit float32
  if (!(a < b)) throw rangeError(fn, 'options.a', `less than options.b (${b})`, a);
  const alpha = (a - mean) / std;
  const beta = (b - mean) / std;
  let lo: number, hi: number;
  if (width === 'float32') {
    lo = ceilF32(a);
    hi = floorF32(b);
    if (!(lo <= hi)) throw rangeError(fn, 'options.a', `such that some float32 lies in [a, b] = [${a}, ${b}]`, a);
  } else {
    lo = a;
    hi = b;
  }
  const SQRT1_2 = 0.7071067811865476;
  let fast = false;
  let ea = 0, d = 0, scale = 0;
  if (width === 'float32' && Math.abs(alpha) <= FAST_TRUNCATION && Math.abs(beta) <= FAST_TRUNCATION) {
    const e1 = erf(alpha * SQRT1_2);
    const e2 = erf(beta * SQRT1_2);
    ea = Math.fround(e1);
    d = Math.fround(e2 - e1);
    scale = Math.fround(std * Math.SQRT2);
    fast = d >= 0.015625 && Number.isFinite(scale) && scale > 0;
  }
  let flip = 1;
  let lpb = 0, e0 = 0, c0 = 1;
  if (!fast) {
    let al = alpha, be = beta;
    if (alpha + beta > 0) { flip = -1; al = -beta; be = -alpha; }
    const lpa = logPhi(al);
    lpb = logPhi(be);
    const diff = lpa - lpb;
    e0 = exp64(diff);
    c0 = diff > -0.5 ? -expm1(diff) : 1 - e0;
    if (!(c0 > 0)) throw rangeError(fn, 'options.b - options.a', 'wide enough to hold probability mass', b - a);
  }
  return {
    fast,
    mean: fast ? Math.fround(mean) : mean,
    std,
    lo, hi, ea, d, scale, flip, lpb, e0, c0,
  };
}

/** The uniform kernel of a width with its parameters (see {@link uniformParams}). */
export function uniformPlan(fn: string, low: number, high: number, width: Width): KernelPlan {
  return planOf(width === 'float32' ? UNIFORM_F32 : UNIFORM_F64, uniformParams(fn, low, high, width));
}

/** The normal kernel of a width with its parameters (see {@link normalParams}). */
export function normalPlan(fn: string, mean: number, std: number, width: Width): KernelPlan {
  return planOf(width === 'float32' ? NORMAL_F32 : NORMAL_F64, normalParams(fn, mean, std, width));
}

/** The truncated-normal kernel of a width with its parameters (see {@link truncatedNormalParams}). */
export function truncatedNormalPlan(fn: string, mean: number, std: number, a: number, b: number, width: Width): KernelPlan {
  return planOf(width === 'float32' ? TRUNCATED_NORMAL_F32 : TRUNCATED_NORMAL_F64, truncatedNormalParams(fn, mean, std, a, b, width));
}
