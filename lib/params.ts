/**
 * Kernel parameters: every scalar a kernel needs, computed once here in float64 and rounded
 * to the output dtype once (DESIGN.md section 3). Formulas live here and nowhere else.
 */
import { truncLog, type TruncatedNormalParams, type UniformParams, type NormalParams } from './kernels/distributions.js';
import { belowF32, belowF64, ceilF32, finiteIn, floorF32 } from './dtypes.js';
import { erf, logPhi } from './normal-cdf.js';
import { exp64, expm1, logU24, logU53 } from './kernels/math.js';
import { rangeError } from './errors.js';
import type { DType } from './tensor.js';
import {
  NORMAL_F32, NORMAL_F64, TRUNCATED_NORMAL_F32, TRUNCATED_NORMAL_F64, UNIFORM_F32, UNIFORM_F64, planOf, type KernelPlan,
} from './kinds.js';

/** Output float width of a kernel. */
export type Width = 'float32' | 'float64';

/**
 * The names of a distribution's parameters in error messages (an initializer whose std
 * comes from a formula names what it comes from). Default: `options.<name>`.
 */
export interface ParamNames { mean?: string; std?: string; low?: string; high?: string; a?: string; b?: string; value?: string }

/** The default: every parameter under its option's name (one shared object, not one per call). */
const NO_NAMES: ParamNames = Object.freeze({});

// ---------------------------------------------------------------------------------------
// Every value finite: the one rule for every distribution and dtype. A call whose
// parameters let the kernel produce a value that is not finite once rounded to the output
// dtype is refused before anything is written. A kernel's values are bounded because its
// inputs are: each value comes from a fixed, finite set of raw words, so its extremes are
// known (the normal's from the smallest uniform Box-Muller can draw; the others' from
// their bounds), and rounding is monotone, so the extremes decide.

/**
 * The largest |z| the float32 normal kernel draws: Box-Muller's radius fr(sqrt(-2 log u))
 * at the smallest uniform u = 2^-24 (word 0), times the largest |cos| and |sin|, which is
 * exactly 1 (cos 0). test/finite.test.ts checks both over all 2^24 inputs. About 5.7683.
 */
export const ZMAX_F32 = Math.fround(Math.sqrt(-2 * logU24(1)));

/**
 * The largest |z| of the float64 normal kernel: sqrt(-2 log u) at u = 2^-53, times 1.
 * About 8.5716.
 */
export const ZMAX_F64 = Math.sqrt(-2 * logU53(1));

/**
 * The largest |entry| of an orthogonal matrix, with room for the QR's rounding: 1 exactly
 * in exact arithmetic; 1 + 2^-20 bounds the float64 Householder's error for any shape
 * nninit allows (at most 2^32 rows: m eps = 2^-21).
 */
export const QMAX = 1 + 2 ** -20;

/** A short form of a number for messages. */
function short(x: number): string {
  return Number.isFinite(x) ? String(+x.toPrecision(6)) : String(x);
}

/**
 * Refuses a distribution whose extreme values lo <= hi (as the kernel computes them, before
 * any 16-bit rounding) are not both finite in `dtype`; `detail` says what the extremes are.
 */
export function requireFinite(fn: string, dtype: DType, lo: number, hi: number, name: string, value: unknown, detail: () => string): void {
  if (finiteIn(dtype, lo) && finiteIn(dtype, hi)) return;
  throw rangeError(fn, name, `such that every value is finite in ${dtype} (${detail()})`, value);
}

/** "lo to hi" for a message. */
export function span(lo: number, hi: number): string {
  return `${short(lo)} to ${short(hi)}`;
}

/** Uniform on [low, high): the smallest dtype value >= low up to the largest one < high. */
export function uniformParams(fn: string, low: number, high: number, width: Width, names: ParamNames = NO_NAMES): UniformParams {
  const lowName = names.low ?? 'options.low', highName = names.high ?? 'options.high';
  // A derived ±bound names itself once ("the bound (...)"), not as "the bound - the bound".
  const widthName = lowName === highName ? `twice ${lowName}` : `${highName} - ${lowName}`;
  if (!(low < high)) throw rangeError(fn, lowName, `less than ${highName} (${high})`, low);
  const span = high - low;
  if (!Number.isFinite(span)) throw rangeError(fn, widthName, 'finite', span);
  if (width === 'float64') {
    return { low, scale: span, upper: belowF64(high) };
  }
  const lo = ceilF32(low);
  const upper = belowF32(high);
  const scale = Math.fround(span);
  if (!(lo <= upper)) {
    throw rangeError(fn, lowName, `such that some float32 lies in [low, high) = [${low}, ${high})`, low);
  }
  if (!Number.isFinite(scale)) throw rangeError(fn, widthName, 'within the float32 range', span);
  return { low: lo, scale, upper };
}

/** Normal(mean, std) in the dtype. */
export function normalParams(fn: string, mean: number, std: number, width: Width, names: ParamNames = NO_NAMES): NormalParams {
  if (width === 'float64') return { mean, std };
  const m = Math.fround(mean);
  const s = Math.fround(std);
  if (!Number.isFinite(m)) throw rangeError(fn, names.mean ?? 'options.mean', 'within the float32 range', mean);
  if (!Number.isFinite(s) || s === 0) throw rangeError(fn, names.std ?? 'options.std', 'a positive number within the float32 range', std);
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
  fn: string, mean: number, std: number, a: number, b: number, width: Width, names: ParamNames = NO_NAMES,
): TruncatedNormalParams {
  if (width === 'float32') normalParams(fn, mean, std, width, names); // mean and std must fit float32
  const aName = names.a ?? 'options.a', bName = names.b ?? 'options.b';
  if (!(a < b)) throw rangeError(fn, aName, `less than ${bName} (${b})`, a);
  const alpha = (a - mean) / std;
  const beta = (b - mean) / std;
  let lo: number, hi: number;
  if (width === 'float32') {
    lo = ceilF32(a);
    hi = floorF32(b);
    if (!(lo <= hi)) throw rangeError(fn, aName, `such that some float32 lies in [a, b] = [${a}, ${b}]`, a);
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
    if (!(c0 > 0)) throw rangeError(fn, `${bName} - ${aName}`, 'wide enough to hold probability mass', b - a);
  }
  return {
    fast,
    mean: fast ? Math.fround(mean) : mean,
    std,
    lo, hi, ea, d, scale, flip, lpb, e0, c0,
  };
}

/** The kernel width of a dtype: 16-bit dtypes are encoded from float32 values. */
export function widthOf(dtype: DType): Width {
  return dtype === 'float64' ? 'float64' : 'float32';
}

/**
 * The uniform kernel for a dtype with its parameters (see {@link uniformParams}); every
 * value in [low, high) must be finite in the dtype (only 16-bit dtypes can fail here).
 */
export function uniformPlan(fn: string, low: number, high: number, dtype: DType, names: ParamNames = NO_NAMES): KernelPlan {
  const width = widthOf(dtype);
  const p = uniformParams(fn, low, high, width, names);
  if (!(finiteIn(dtype, p.low) && finiteIn(dtype, p.upper))) {
    const [key, value] = finiteIn(dtype, p.low) ? ['high', high] as const : ['low', low] as const;
    requireFinite(fn, dtype, p.low, p.upper, names[key] ?? `options.${key}`, value, () => `the values in [low, high) = [${short(low)}, ${short(high)})`);
  }
  return planOf(width === 'float32' ? UNIFORM_F32 : UNIFORM_F64, p);
}

/**
 * The normal kernel for a dtype with its parameters (see {@link normalParams}): its values
 * lie in mean ± std ZMAX (the kernel's largest |z|), which must be finite in the dtype.
 */
export function normalPlan(fn: string, mean: number, std: number, dtype: DType, names: ParamNames = NO_NAMES): KernelPlan {
  const width = widthOf(dtype);
  const p = normalParams(fn, mean, std, width, names);
  let lo: number, hi: number;
  if (width === 'float32') {
    const d = Math.fround(p.std * ZMAX_F32);
    lo = Math.fround(p.mean - d);
    hi = Math.fround(p.mean + d);
  } else {
    const d = p.std * ZMAX_F64;
    lo = p.mean - d;
    hi = p.mean + d;
  }
  if (!(finiteIn(dtype, lo) && finiteIn(dtype, hi))) {
    // The message's parts are built only for the error: every call runs this.
    const zmax = width === 'float32' ? ZMAX_F32 : ZMAX_F64;
    const bad = finiteIn(dtype, p.mean) ? ['std', std] as const : ['mean', mean] as const;
    requireFinite(fn, dtype, lo, hi, names[bad[0]] ?? `options.${bad[0]}`, bad[1],
      () => `the kernel's values reach mean ± ${short(zmax)} std: ${span(mean - zmax * std, mean + zmax * std)}`);
  }
  return planOf(width === 'float32' ? NORMAL_F32 : NORMAL_F64, p);
}

/**
 * The truncated-normal kernel for a dtype with its parameters (see
 * {@link truncatedNormalParams}). Every value lies in [a, b]; with an infinite bound the
 * extreme on that side is the kernel's value at its extreme uniform (53-bit word 0 or
 * 2^53 - 1), which must be finite in the dtype.
 */
export function truncatedNormalPlan(fn: string, mean: number, std: number, a: number, b: number, dtype: DType, names: ParamNames = NO_NAMES): KernelPlan {
  const width = widthOf(dtype);
  if (a === -Infinity && b === Infinity) {
    // The inverse CDF maps the last 53-bit word to b itself: +Infinity, once in 2^53 values.
    throw rangeError(fn, names.b ?? 'options.b', 'finite when options.a is -Infinity (the inverse CDF reaches b itself; an untruncated normal is normal())', b);
  }
  const p = truncatedNormalParams(fn, mean, std, a, b, width, names);
  let lo = p.lo, hi = p.hi;
  let exact = [lo, hi];
  if (!p.fast) {
    // The kernel rounds (float32), then clamps into [lo, hi].
    const clamp = (x: number): number => Math.min(Math.max(x, p.lo), p.hi);
    const e0 = truncLog(0, p), e1 = truncLog(9007199254740991, p);
    exact = [clamp(Math.min(e0, e1)), clamp(Math.max(e0, e1))];
    const r = (x: number): number => clamp(width === 'float32' ? Math.fround(x) : x);
    lo = Math.min(r(e0), r(e1));
    hi = Math.max(r(e0), r(e1));
  }
  // Blame the bound on the bad side, or the std when that bound is infinite.
  const [key, bound] = finiteIn(dtype, lo) ? ['b', b] as const : ['a', a] as const;
  const [name, value] = Number.isFinite(bound) ? [names[key] ?? `options.${key}`, bound] : [names.std ?? 'options.std', std];
  requireFinite(fn, dtype, lo, hi, name, value, () => `the kernel's values reach ${span(exact[0]!, exact[1]!)}`);
  return planOf(width === 'float32' ? TRUNCATED_NORMAL_F32 : TRUNCATED_NORMAL_F64, p);
}
