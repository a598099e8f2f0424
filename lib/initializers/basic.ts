/**
 * The core initializers: zeros, ones, constant, uniform, normal and truncatedNormal.
 */
import { rangeError, typeError } from '../errors.js';
import { finite, nonNegative, notNaN } from '../validate.js';
import { runJob, type Job } from '../job.js';
import {
  OUTPUT_OPTIONS, type ArrayFor, type Convention, type DType, type OutputOptions, type RandomInitOptions, type Shape,
} from '../tensor.js';
import { checkInitOptions, distDef, initJob, RANDOM_OPTIONS, type InitDef } from './engine.js';

/** The definition of a constant `value` (zeros, ones, constant): a registry row has none for `constant`, whose value is an argument. */
export function constantDef(value: number): InitDef {
  return distDef(OUTPUT_OPTIONS, false, () => () => ({ kind: 'constant', value }), { value: 'value' }, true);
}
/** The definitions of zeros and ones (and the others below), for the registry. */
export const ZEROS = constantDef(0);
export const ONES = constantDef(1);

function constantValue(fn: string, value: unknown): number {
  if (typeof value !== 'number') throw typeError(fn, 'value', 'a finite number', value);
  if (!Number.isFinite(value)) throw rangeError(fn, 'value', 'a finite number', value);
  return value;
}

/** {@link constant} as a job. */
export function constantJob<D extends DType = 'float32'>(fn: string, shape: Shape, value: number, options?: ConstantOptions<D>): Job<ArrayFor<D>> {
  return initJob(fn, constantDef(constantValue(fn, value)), shape, options) as Job<ArrayFor<D>>;
}

/** {@link constant}'s checks that need no shape (see checkInitOptions). */
export function checkConstantOptions(fn: string, value: unknown, options: unknown): void {
  checkInitOptions(fn, constantDef(constantValue(fn, value)), options);
}

export const UNIFORM = distDef(['low', 'high', 'convention', ...RANDOM_OPTIONS], true, (fn, o, _i, c) => {
  const dl = c === 'keras' ? -0.05 : c === 'paddle' ? -1 : 0;
  const dh = c === 'keras' ? 0.05 : 1;
  const low = finite(fn, 'options.low', o.low, dl);
  const high = finite(fn, 'options.high', o.high, dh);
  if (!(low < high)) throw rangeError(fn, 'options.low', `less than options.high (${high})`, low);
  return () => ({ kind: 'uniform', low, high });
}, undefined, true);

export const NORMAL = distDef(['mean', 'std', 'convention', ...RANDOM_OPTIONS], true, (fn, o, _i, c) => {
  const mean = finite(fn, 'options.mean', o.mean, 0);
  const std = nonNegative(fn, 'options.std', o.std, c === 'keras' ? 0.05 : 1);
  return () => ({ kind: 'normal', mean, std });
}, { std: 'options.std' }, true);

export const TRUNCATED_NORMAL = distDef(['mean', 'std', 'a', 'b', 'convention', ...RANDOM_OPTIONS], true, (fn, o, _i, c) => {
  const mean = finite(fn, 'options.mean', o.mean, 0);
  const std = nonNegative(fn, 'options.std', o.std, c === 'keras' ? 0.05 : 1);
  const abs = c !== 'keras';
  // std 0 with relative default bounds would give the empty interval [mean, mean]: open it.
  const wide = std === 0 && !abs;
  const a = notNaN(fn, 'options.a', o.a, abs ? -2 : wide ? -Infinity : mean - 2 * std);
  const b = notNaN(fn, 'options.b', o.b, abs ? 2 : wide ? Infinity : mean + 2 * std);
  if (!(a < b)) throw rangeError(fn, 'options.a', `less than options.b (${b})`, a);
  return () => ({ kind: 'truncatedNormal', mean, std, a, b });
}, { std: 'options.std', a: 'options.a', b: 'options.b' }, true);


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
  return runJob(initJob('zeros', ZEROS, shape, options)) as ArrayFor<D>;
}

/** A tensor of ones. @example `ones([3, 3], { dtype: 'float64' })` */
export function ones<D extends DType = 'float32'>(shape: Shape, options?: ConstantOptions<D>): ArrayFor<D> {
  return runJob(initJob('ones', ONES, shape, options)) as ArrayFor<D>;
}

/**
 * A tensor filled with `value` (a finite number, rounded once to the dtype; it must stay finite).
 * @example
 * ```ts
 * const forgetGateBias = constant([128], 1);
 * ```
 */
export function constant<D extends DType = 'float32'>(shape: Shape, value: number, options?: ConstantOptions<D>): ArrayFor<D> {
  return runJob(constantJob('constant', shape, value, options));
}

/** Options of {@link uniform}. */
export interface UniformInitOptions<D extends DType = 'float32'> extends RandomInitOptions<D> {
  /** Inclusive lower bound. Default 0 (torch, the default convention), -0.05 (keras), -1 (paddle). */
  low?: number;
  /** Exclusive upper bound. Default 1 (torch), 0.05 (keras), 1 (paddle). */
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
  return runJob(initJob('uniform', UNIFORM, shape, options)) as ArrayFor<D>;
}

/** Options of {@link normal}. */
export interface NormalInitOptions<D extends DType = 'float32'> extends RandomInitOptions<D> {
  /** Mean. Default 0. */
  mean?: number;
  /** Standard deviation >= 0 (0 gives the mean). Default 1 (torch, the default convention, and paddle), 0.05 (keras). */
  std?: number;
  /** Framework whose defaults to use. */
  convention?: Convention;
}

/**
 * Normal values N(mean, std^2). Defaults follow the convention: mean 0 and std 1 as
 * PyTorch's `normal_` (torch, the default, and paddle), std 0.05 as Keras' `RandomNormal`.
 * @example
 * ```ts
 * const embedding = normal([1000, 64], { std: 0.02, seed: 1 });
 * ```
 */
export function normal<D extends DType = 'float32'>(shape: Shape, options?: NormalInitOptions<D>): ArrayFor<D> {
  return runJob(initJob('normal', NORMAL, shape, options)) as ArrayFor<D>;
}

/** Options of {@link truncatedNormal}. */
export interface TruncatedNormalInitOptions<D extends DType = 'float32'> extends NormalInitOptions<D> {
  /**
   * Absolute lower bound (PyTorch's `trunc_normal_` convention; may be -Infinity).
   * Default -2 (torch, the default convention, and paddle), mean - 2 std (keras).
   */
  a?: number;
  /** Absolute upper bound. Default 2 (torch and paddle), mean + 2 std (keras). */
  b?: number;
}

/**
 * A normal N(mean, std^2) truncated to the absolute bounds [a, b] (std is the pre-truncation
 * std, as in every framework). Exact inverse-CDF sampling: every value lies in [a, b], no
 * pile-up on the bounds, also in 16-bit dtypes.
 * @example
 * ```ts
 * const w = truncatedNormal([768, 768], { std: 0.02, a: -0.04, b: 0.04, seed: 3 }); // cut at 2 std
 * const t = truncatedNormal([10], { std: 0.02 }); // as PyTorch's trunc_normal_: a = -2, b = 2
 * const k = truncatedNormal([10], { convention: 'keras' }); // Keras: std 0.05, cut at mean +- 2 std
 * ```
 */
export function truncatedNormal<D extends DType = 'float32'>(shape: Shape, options?: TruncatedNormalInitOptions<D>): ArrayFor<D> {
  return runJob(initJob('truncatedNormal', TRUNCATED_NORMAL, shape, options)) as ArrayFor<D>;
}
