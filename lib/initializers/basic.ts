/**
 * The core initializers: zeros, ones, constant, uniform, normal, truncatedNormal, and the
 * shared driver every distribution-based initializer runs through.
 */
import { rangeError, typeError } from '../errors.js';
import { finite, notNaN } from '../validate.js';
import { checkSeed } from '../seed.js';
import {
  checkConvention, checkOptions, checkShape, checkTarget, fillPlan, nonNegative, plan, resolveSeed, targetArray,
  type ArrayFor, type Convention, type DType, type Dist, type InitArray, type OutputOptions,
  type RandomInitOptions, type Shape, type ShapeInfo,
} from './common.js';

/** Parameter names used in error messages for a distribution's fields. */
export type DistNames = Parameters<typeof plan>[3];

/**
 * The driver: validates the options object, shape, target, seed and every parameter
 * (`make` must validate its options and return a thunk computing the distribution, which
 * only runs for non-empty output), then resolves the seed and writes.
 */
export function runInit(
  fn: string, shape: unknown, options: unknown, minDims: number,
  make: (o: Record<string, unknown>, info: ShapeInfo, convention: Convention | undefined) => () => Dist,
  random: boolean, names?: DistNames, maxDims = Infinity,
): InitArray {
  const o = checkOptions(fn, options);
  const info = checkShape(fn, shape, minDims, maxDims);
  const target = checkTarget(fn, o, info.numel);
  if (random) checkSeed(fn, o.seed, o.stream);
  const convention = checkConvention(fn, o.convention);
  const thunk = make(o, info, convention);
  const arr = targetArray(target);
  if (info.numel === 0 || target.length === 0) return arr;
  const p = plan(fn, thunk(), target.dtype, names);
  const key = p.dist.kind === 'constant' && !random ? undefined : resolveSeed(fn, o);
  fillPlan(target, arr, p, key);
  return arr;
}

/** Options of {@link constant}. */
export interface ConstantOptions<D extends DType = 'float32'> extends OutputOptions<D> {}

/**
 * A tensor of zeros.
 * @example
 * ```ts
 * const bias = zeros([256]);                       // Float32Array(256)
 * const b16 = zeros([4], { dtype: 'bfloat16' });   // Uint16Array(4) of bfloat16 bits
 * ```
 */
export function zeros<D extends DType = 'float32'>(shape: Shape, options?: ConstantOptions<D>): ArrayFor<D> {
  return runInit('zeros', shape, options, 0, () => () => ({ kind: 'constant', value: 0 }), false) as ArrayFor<D>;
}

/** A tensor of ones. @example `ones([3, 3], { dtype: 'float64' })` */
export function ones<D extends DType = 'float32'>(shape: Shape, options?: ConstantOptions<D>): ArrayFor<D> {
  return runInit('ones', shape, options, 0, () => () => ({ kind: 'constant', value: 1 }), false) as ArrayFor<D>;
}

/**
 * A tensor filled with `value` (a finite number, rounded once to the dtype; it must stay finite).
 * @example
 * ```ts
 * const forgetGateBias = constant([128], 1);
 * ```
 */
export function constant<D extends DType = 'float32'>(shape: Shape, value: number, options?: ConstantOptions<D>): ArrayFor<D> {
  const fn = 'constant';
  if (typeof value !== 'number') throw typeError(fn, 'value', 'a finite number', value);
  if (!Number.isFinite(value)) throw rangeError(fn, 'value', 'a finite number', value);
  return runInit(fn, shape, options, 0, () => () => ({ kind: 'constant', value }), false) as ArrayFor<D>;
}

/** Options of {@link uniform}. */
export interface UniformInitOptions<D extends DType = 'float32'> extends RandomInitOptions<D> {
  /** Inclusive lower bound. Default 0 (torch and none), -0.05 (keras), -1 (paddle). */
  low?: number;
  /** Exclusive upper bound. Default 1 (torch and none), 0.05 (keras), 1 (paddle). */
  high?: number;
  /** Framework whose defaults to use. */
  convention?: Convention;
}

/**
 * Uniform values in [low, high): `high` is never produced, also after 16-bit rounding.
 * @example
 * ```ts
 * const w = uniform([128, 64], { low: -0.1, high: 0.1, seed: 42 });
 * ```
 */
export function uniform<D extends DType = 'float32'>(shape: Shape, options?: UniformInitOptions<D>): ArrayFor<D> {
  const fn = 'uniform';
  return runInit(fn, shape, options, 0, (o, _i, c) => {
    const dl = c === 'keras' ? -0.05 : c === 'paddle' ? -1 : 0;
    const dh = c === 'keras' ? 0.05 : 1;
    const low = finite(fn, 'options.low', o.low, dl);
    const high = finite(fn, 'options.high', o.high, dh);
    if (!(low < high)) throw rangeError(fn, 'options.low', `less than options.high (${high})`, low);
    return () => ({ kind: 'uniform', low, high });
  }, true) as ArrayFor<D>;
}

/** Options of {@link normal}. */
export interface NormalInitOptions<D extends DType = 'float32'> extends RandomInitOptions<D> {
  /** Mean. Default 0. */
  mean?: number;
  /** Standard deviation >= 0 (0 gives the mean). Default 0.01 (none), 1 (torch, paddle), 0.05 (keras). */
  std?: number;
  /** Framework whose defaults to use. */
  convention?: Convention;
}

/**
 * Normal values N(mean, std^2). The default std is 0.01: the fixed-variance Gaussian of
 * the classic recipes; pass `convention: 'torch'` for PyTorch's `normal_` default (std 1).
 * @example
 * ```ts
 * const embedding = normal([1000, 64], { std: 0.02, seed: 1 });
 * ```
 */
export function normal<D extends DType = 'float32'>(shape: Shape, options?: NormalInitOptions<D>): ArrayFor<D> {
  const fn = 'normal';
  return runInit(fn, shape, options, 0, (o, _i, c) => {
    const mean = finite(fn, 'options.mean', o.mean, 0);
    const std = nonNegative(fn, 'options.std', o.std, c === undefined ? 0.01 : c === 'keras' ? 0.05 : 1);
    return () => ({ kind: 'normal', mean, std });
  }, true, { std: 'options.std' }) as ArrayFor<D>;
}

/** Options of {@link truncatedNormal}. */
export interface TruncatedNormalInitOptions<D extends DType = 'float32'> extends NormalInitOptions<D> {
  /**
   * Absolute lower bound (PyTorch's `trunc_normal_` convention; may be -Infinity).
   * Default mean - 2 std (none, keras), -2 (torch, paddle).
   */
  a?: number;
  /** Absolute upper bound. Default mean + 2 std (none, keras), 2 (torch, paddle). */
  b?: number;
}

/**
 * A normal N(mean, std^2) truncated to the absolute bounds [a, b] (std is the pre-truncation
 * std, as in every framework). Exact inverse-CDF sampling: every value lies in [a, b], no
 * pile-up on the bounds, also in 16-bit dtypes.
 * @example
 * ```ts
 * const w = truncatedNormal([768, 768], { std: 0.02, seed: 3 }); // cut at +-0.04 (2 std)
 * const t = truncatedNormal([10], { convention: 'torch', std: 0.02 }); // PyTorch: a = -2, b = 2
 * ```
 */
export function truncatedNormal<D extends DType = 'float32'>(shape: Shape, options?: TruncatedNormalInitOptions<D>): ArrayFor<D> {
  const fn = 'truncatedNormal';
  return runInit(fn, shape, options, 0, (o, _i, c) => {
    const mean = finite(fn, 'options.mean', o.mean, 0);
    const std = nonNegative(fn, 'options.std', o.std, c === undefined ? 0.01 : c === 'keras' ? 0.05 : 1);
    const abs = c === 'torch' || c === 'paddle';
    // std 0 with relative default bounds would give the empty interval [mean, mean]: open it.
    const wide = std === 0 && !abs;
    const a = notNaN(fn, 'options.a', o.a, abs ? -2 : wide ? -Infinity : mean - 2 * std);
    const b = notNaN(fn, 'options.b', o.b, abs ? 2 : wide ? Infinity : mean + 2 * std);
    if (!(a < b)) throw rangeError(fn, 'options.a', `less than options.b (${b})`, a);
    return () => ({ kind: 'truncatedNormal', mean, std, a, b });
  }, true, { std: 'options.std', a: 'options.a', b: 'options.b' }) as ArrayFor<D>;
}
