/**
 * The variance-scaling family: Xavier/Glorot, Kaiming/He, LeCun and the generic
 * varianceScaling, with fans from {@link computeFans} and the truncated normal's variance
 * corrected exactly for any truncation.
 */
import { rangeError, typeError } from '../errors.js';
import { finite, nonNegative, oneOf, type Options } from '../validate.js';
import { erf } from '../normal-cdf.js';
import { exp64 } from '../kernels/math.js';
import { runJob } from '../job.js';
import type { ArrayFor, Convention, DType, RandomInitOptions, Shape } from '../tensor.js';
import { fanRule, FAN_OPTIONS, type FanOptions, type Fans } from '../fans.js';
import { calculateGainAs, type Nonlinearity } from '../gains.js';
import { distDef, initJob, RANDOM_OPTIONS, type Dist, type InitDef } from './engine.js';

/**
 * The standard deviation of a standard normal truncated to [-t, t]:
 * sqrt(1 - 2 t phi(t) / (2 Phi(t) - 1)). Dividing a target std by it gives the
 * pre-truncation std that keeps the variance exact (Keras and JAX hard-code the t = 2
 * value 0.87962566103423978; this computes it for any t > 0, Infinity giving 1).
 *
 * For t <= 5 it uses erf(t / sqrt 2) = 2 phi(t) S(t), S(t) = sum t^(2n+1) / (2n+1)!!, so the
 * variance is (S - t) / S with no cancellation (exact also for tiny t, where it tends to
 * t^2 / 3); beyond, the closed form with our own erf and exp.
 *
 * @example
 * ```ts
 * truncatedNormalStd(2);   // 0.8796256610342398
 * truncatedNormalStd(3);   // 0.9865783925581086
 * ```
 */
export function truncatedNormalStd(truncation: number): number {
  const fn = 'truncatedNormalStd';
  if (typeof truncation !== 'number') throw typeError(fn, 'truncation', 'a number > 0', truncation);
  if (!(truncation > 0)) throw rangeError(fn, 'truncation', 'a number > 0', truncation);
  return truncStd(truncation);
}

function truncStd(t: number): number {
  if (t === Infinity) return 1;
  if (t <= 5) {
    const t2 = t * t;
    let term = t;
    let tail = 0; // S - t
    for (let n = 1; n < 400; n++) {
      term = (term * t2) / (2 * n + 1);
      tail += term;
      if (n > t2 && term <= tail * 1e-17) break;
    }
    return Math.sqrt(tail / (t + tail));
  }
  const phi = 0.3989422804014327 * exp64(-0.5 * t * t);
  const v = 1 - (2 * t * phi) / erf(t * 0.7071067811865476);
  return Math.sqrt(v);
}

/** Fan mode of {@link kaimingUniform} and friends (PyTorch's spellings accepted). */
export type KaimingMode = 'fanIn' | 'fanOut' | 'fan_in' | 'fan_out';
/** Fan mode of {@link varianceScaling}: the denominator of the variance. */
export type FanMode = KaimingMode | 'fanAvg' | 'fanGeoAvg' | 'fan_avg' | 'fan_geo_avg';
/**
 * Distribution of {@link varianceScaling}. `'normal'` is untruncated (JAX), except under
 * `convention: 'keras'`, where it means the truncated normal as in Keras.
 */
export type VarianceDistribution = 'uniform' | 'normal' | 'truncatedNormal' | 'truncated_normal' | 'untruncatedNormal' | 'untruncated_normal';

const KAIMING_MODES: readonly KaimingMode[] = ['fanIn', 'fanOut', 'fan_in', 'fan_out'];
const FAN_MODES: readonly FanMode[] = ['fanIn', 'fanOut', 'fanAvg', 'fanGeoAvg', 'fan_in', 'fan_out', 'fan_avg', 'fan_geo_avg'];
const DISTRIBUTIONS: readonly VarianceDistribution[] = ['uniform', 'normal', 'truncatedNormal', 'truncated_normal', 'untruncatedNormal', 'untruncated_normal'];

/** Options of every fan-based initializer. */
export interface FanInitOptions<D extends DType = 'float32'> extends RandomInitOptions<D>, FanOptions {
  /** Framework whose layout, truncation and defaults to use. Default: torch layout, untruncated normals. */
  convention?: Convention;
}

/** Options of the normal fan-based initializers. */
export interface FanNormalOptions<D extends DType = 'float32'> extends FanInitOptions<D> {
  /**
   * Truncate at +-truncation pre-truncation stds (a number > 0; Infinity: untruncated),
   * with the std corrected so the variance stays exactly the target. Default Infinity,
   * 2 under `convention: 'keras'` (Keras' and JAX's truncated normal).
   */
  truncation?: number;
}

/** Options of {@link xavierUniform} / {@link glorotUniform}. */
export interface XavierUniformOptions<D extends DType = 'float32'> extends FanInitOptions<D> {
  /** Multiplier, a finite number >= 0. Default 1. */
  gain?: number;
}
/** Options of {@link xavierNormal} / {@link glorotNormal}. */
export interface XavierNormalOptions<D extends DType = 'float32'> extends FanNormalOptions<D> {
  /** Multiplier, a finite number >= 0. Default 1. */
  gain?: number;
}

interface KaimingFields {
  /** Negative slope of leaky_relu (used only with that nonlinearity, as PyTorch). Default 0. */
  a?: number;
  /** Preserve the variance of the forward (`fanIn`, default) or backward (`fanOut`) pass. */
  mode?: KaimingMode;
  /** The nonlinearity after this layer, for {@link calculateGain}. Default `'leaky_relu'` (with a = 0: gain sqrt 2). */
  nonlinearity?: Nonlinearity;
}
/** Options of {@link kaimingUniform} / {@link heUniform}. */
export interface KaimingUniformOptions<D extends DType = 'float32'> extends FanInitOptions<D>, KaimingFields {}
/** Options of {@link kaimingNormal} / {@link heNormal}. */
export interface KaimingNormalOptions<D extends DType = 'float32'> extends FanNormalOptions<D>, KaimingFields {}

/** Options of {@link varianceScaling}. */
export interface VarianceScalingOptions<D extends DType = 'float32'> extends FanNormalOptions<D> {
  /** Target variance times the fan denominator, a finite number >= 0. Default 1. */
  scale?: number;
  /** Fan denominator. Default `'fanIn'`. */
  mode?: FanMode;
  /** Default `'truncatedNormal'` (Keras' default). */
  distribution?: VarianceDistribution;
}

/** Whether a family member draws a uniform or a (truncated) normal. */
type Draw = 'uniform' | 'normal';

/** A std and a distribution shape into a Dist: uniform with bound sqrt(3) std, or a (truncated) normal. */
function distFor(shape: Draw, std: number, bound: number, truncation: number): Dist {
  if (shape === 'uniform') return { kind: 'uniform', low: -bound, high: bound };
  if (truncation === Infinity) return { kind: 'normal', mean: 0, std };
  const s = std / truncStd(truncation);
  return { kind: 'truncatedNormal', mean: 0, std: s, a: -truncation * s, b: truncation * s };
}

function truncationOf(fn: string, o: Options, c: Convention | undefined): number {
  const t = o.truncation;
  if (t === undefined) return c === 'keras' ? 2 : Infinity;
  if (typeof t !== 'number') throw typeError(fn, 'options.truncation', 'a number > 0 (Infinity: untruncated)', t);
  if (!(t > 0)) throw rangeError(fn, 'options.truncation', 'a number > 0 (Infinity: untruncated)', t);
  return t;
}

/** The option names of a family member: its own, the truncation of normals, fans, output and seed. */
function known(shape: Draw, own: readonly string[]): string[] {
  return [...own, ...(shape === 'normal' ? ['truncation'] : []), 'convention', ...FAN_OPTIONS, ...RANDOM_OPTIONS];
}

function xavierDef(shape: Draw): InitDef {
  return distDef(known(shape, ['gain']), true, (fn, o, info, c) => {
    const gain = nonNegative(fn, 'options.gain', o.gain, 1);
    const truncation = shape === 'normal' ? truncationOf(fn, o, c) : Infinity;
    const fans = fanRule(fn, o, info.dims, c);
    return () => {
      // PyTorch's expressions, in its order: std = gain * sqrt(2 / (fan_in + fan_out)); bound = sqrt(3) * std.
      const std = gain * Math.sqrt(2.0 / (fans.fanIn + fans.fanOut));
      return distFor(shape, std, Math.sqrt(3.0) * std, truncation);
    };
  });
}

function kaimingGain(fn: string, o: Options): number {
  const a = finite(fn, 'options.a', o.a, 0);
  const nl = o.nonlinearity ?? 'leaky_relu';
  const leaky = nl === 'leaky_relu' || nl === 'leakyRelu';
  return calculateGainAs(fn, 'options.nonlinearity', nl, 'options.a', leaky ? a : undefined);
}

/** Kaiming's checks and formula; torchDefaultWeight is kaimingUniform with a fixed `a`. */
export function kaimingMake(shape: Draw) {
  return (fn: string, o: Options, info: { dims: readonly number[] }, c: Convention | undefined): (() => Dist) => {
    const mode = oneOf(fn, 'options.mode', o.mode, KAIMING_MODES, 'fanIn');
    const gain = kaimingGain(fn, o);
    const truncation = shape === 'normal' ? truncationOf(fn, o, c) : Infinity;
    const fans = fanRule(fn, o, info.dims, c);
    return () => {
      const fan = mode === 'fanIn' || mode === 'fan_in' ? fans.fanIn : fans.fanOut;
      const std = gain / Math.sqrt(fan);
      return distFor(shape, std, Math.sqrt(3.0) * std, truncation);
    };
  };
}

function kaimingDef(shape: Draw): InitDef {
  return distDef(known(shape, ['a', 'mode', 'nonlinearity']), true, kaimingMake(shape));
}

function lecunDef(shape: Draw): InitDef {
  return distDef(known(shape, []), true, (fn, o, info, c) => {
    const truncation = shape === 'normal' ? truncationOf(fn, o, c) : Infinity;
    const fans = fanRule(fn, o, info.dims, c);
    return () => {
      const std = 1 / Math.sqrt(fans.fanIn);
      return distFor(shape, std, Math.sqrt(3.0) * std, truncation);
    };
  });
}

function denominator(mode: FanMode, f: Fans): number {
  switch (mode) {
    case 'fanIn': case 'fan_in': return f.fanIn;
    case 'fanOut': case 'fan_out': return f.fanOut;
    case 'fanAvg': case 'fan_avg': return (f.fanIn + f.fanOut) / 2;
    default: return Math.sqrt(f.fanIn * f.fanOut);
  }
}

/** varianceScaling's definition, for the registry. */
export const VARIANCE_SCALING = distDef(['scale', 'mode', 'distribution', 'truncation', 'convention', ...FAN_OPTIONS, ...RANDOM_OPTIONS], true, (fn, o, info, c) => {
  const scale = nonNegative(fn, 'options.scale', o.scale, 1);
  const mode = oneOf(fn, 'options.mode', o.mode, FAN_MODES, 'fanIn');
  const dist = oneOf(fn, 'options.distribution', o.distribution, DISTRIBUTIONS, 'truncatedNormal');
  const truncated = dist === 'truncatedNormal' || dist === 'truncated_normal' || (dist === 'normal' && c === 'keras');
  let truncation = Infinity;
  if (truncated) {
    truncation = o.truncation === undefined ? 2 : truncationOf(fn, o, c);
  } else if (o.truncation !== undefined) {
    truncationOf(fn, o, c); // validate even when unused
  }
  const fans = fanRule(fn, o, info.dims, c);
  return () => {
    const variance = scale / denominator(mode, fans);
    if (dist === 'uniform') {
      const limit = Math.sqrt(3 * variance);
      return { kind: 'uniform', low: -limit, high: limit };
    }
    return distFor('normal', Math.sqrt(variance), 0, truncation);
  };
});

/** The family's definitions, for the registry. */
export const XAVIER_UNIFORM = xavierDef('uniform');
export const XAVIER_NORMAL = xavierDef('normal');
export const KAIMING_UNIFORM = kaimingDef('uniform');
export const KAIMING_NORMAL = kaimingDef('normal');
export const LECUN_UNIFORM = lecunDef('uniform');
export const LECUN_NORMAL = lecunDef('normal');

/**
 * Xavier/Glorot uniform: U(-b, b), b = gain sqrt(6 / (fanIn + fanOut)). For tanh and sigmoid layers.
 * @example
 * ```ts
 * const w = xavierUniform([256, 784], { seed: 0 });               // torch Linear weight [out, in]
 * const k = xavierUniform([784, 256], { convention: 'keras' });   // Keras Dense kernel [in, out]
 * ```
 */
export function xavierUniform<D extends DType = 'float32'>(shape: Shape, options?: XavierUniformOptions<D>): ArrayFor<D> {
  return runJob(initJob('xavierUniform', XAVIER_UNIFORM, shape, options)) as ArrayFor<D>;
}
/** Alias of {@link xavierUniform} (Keras, JAX and TF.js name). */
export function glorotUniform<D extends DType = 'float32'>(shape: Shape, options?: XavierUniformOptions<D>): ArrayFor<D> {
  return runJob(initJob('glorotUniform', XAVIER_UNIFORM, shape, options)) as ArrayFor<D>;
}
/**
 * Xavier/Glorot normal: std = gain sqrt(2 / (fanIn + fanOut)). Untruncated (PyTorch,
 * Paddle); under `convention: 'keras'` a truncated normal at 2 std with the variance
 * corrected (Keras, JAX).
 * @example
 * ```ts
 * const w = xavierNormal([64, 32, 3, 3], { gain: calculateGain('tanh'), seed: 5 });
 * ```
 */
export function xavierNormal<D extends DType = 'float32'>(shape: Shape, options?: XavierNormalOptions<D>): ArrayFor<D> {
  return runJob(initJob('xavierNormal', XAVIER_NORMAL, shape, options)) as ArrayFor<D>;
}
/** Alias of {@link xavierNormal} (Keras, JAX and TF.js name). */
export function glorotNormal<D extends DType = 'float32'>(shape: Shape, options?: XavierNormalOptions<D>): ArrayFor<D> {
  return runJob(initJob('glorotNormal', XAVIER_NORMAL, shape, options)) as ArrayFor<D>;
}

/**
 * Kaiming/He uniform: U(-b, b), b = gain sqrt(3 / fan), gain = calculateGain(nonlinearity, a),
 * with PyTorch's defaults (a = 0, fanIn, leaky_relu: gain sqrt 2). For the ReLU family.
 * @example
 * ```ts
 * const w = kaimingUniform([128, 64], { seed: 1 });
 * const v = kaimingUniform([128, 64], { a: 0.2, mode: 'fan_out', seed: 1 });
 * ```
 */
export function kaimingUniform<D extends DType = 'float32'>(shape: Shape, options?: KaimingUniformOptions<D>): ArrayFor<D> {
  return runJob(initJob('kaimingUniform', KAIMING_UNIFORM, shape, options)) as ArrayFor<D>;
}
/** Alias of {@link kaimingUniform} (Keras, JAX and TF.js name). */
export function heUniform<D extends DType = 'float32'>(shape: Shape, options?: KaimingUniformOptions<D>): ArrayFor<D> {
  return runJob(initJob('heUniform', KAIMING_UNIFORM, shape, options)) as ArrayFor<D>;
}
/**
 * Kaiming/He normal: std = gain / sqrt(fan), PyTorch's defaults. Untruncated; truncated at
 * 2 std with the variance corrected under `convention: 'keras'`.
 * @example
 * ```ts
 * const w = kaimingNormal([64, 3, 7, 7], { mode: 'fan_out', nonlinearity: 'relu', seed: 2 });
 * ```
 */
export function kaimingNormal<D extends DType = 'float32'>(shape: Shape, options?: KaimingNormalOptions<D>): ArrayFor<D> {
  return runJob(initJob('kaimingNormal', KAIMING_NORMAL, shape, options)) as ArrayFor<D>;
}
/** Alias of {@link kaimingNormal} (Keras, JAX and TF.js name). */
export function heNormal<D extends DType = 'float32'>(shape: Shape, options?: KaimingNormalOptions<D>): ArrayFor<D> {
  return runJob(initJob('heNormal', KAIMING_NORMAL, shape, options)) as ArrayFor<D>;
}

/** LeCun uniform: U(-b, b), b = sqrt(3 / fanIn). @example `lecunUniform([10, 20], { seed: 0 })` */
export function lecunUniform<D extends DType = 'float32'>(shape: Shape, options?: FanInitOptions<D>): ArrayFor<D> {
  return runJob(initJob('lecunUniform', LECUN_UNIFORM, shape, options)) as ArrayFor<D>;
}
/**
 * LeCun normal: std = 1 / sqrt(fanIn), the SELU initializer. Untruncated (as the SELU
 * paper); truncated and corrected under `convention: 'keras'`.
 * @example `lecunNormal([256, 256], { seed: 0 })`
 */
export function lecunNormal<D extends DType = 'float32'>(shape: Shape, options?: FanNormalOptions<D>): ArrayFor<D> {
  return runJob(initJob('lecunNormal', LECUN_NORMAL, shape, options)) as ArrayFor<D>;
}

/**
 * Generic variance scaling (Keras/JAX): variance = scale / denominator(mode), with
 * `uniform` (bound sqrt(3 variance)), `normal` (untruncated; the truncated one under
 * `convention: 'keras'`, as Keras' alias), `truncatedNormal` (cut at `truncation` = 2
 * std by default, the variance kept exact) or `untruncatedNormal`. Defaults: scale 1,
 * fanIn, truncatedNormal (Keras').
 * @example
 * ```ts
 * const w = varianceScaling([512, 512], { scale: 2, mode: 'fanAvg', distribution: 'uniform', seed: 0 });
 * const t = varianceScaling([512, 512], { truncation: 3, seed: 0 }); // exact variance 1/512
 * ```
 */
export function varianceScaling<D extends DType = 'float32'>(shape: Shape, options?: VarianceScalingOptions<D>): ArrayFor<D> {
  return runJob(initJob('varianceScaling', VARIANCE_SCALING, shape, options)) as ArrayFor<D>;
}
