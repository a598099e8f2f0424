/**
 * The random core's public functions: raw Philox words and the three distributions,
 * filling caller-owned typed arrays in place. Each validates everything into a job (one
 * kernel launch) before any write.
 */
import { typeError, rangeError } from './errors.js';
import { normalPlan, truncatedNormalPlan, uniformPlan, type Width } from './params.js';
import { BITS, planOf, type KernelPlan } from './kinds.js';
import { resolveKey, checkSeed, type Seed } from './seed.js';
import { attached, finite, index, isTypedArray, notNaN, positive, readOptions, typedArrayName, MAX_SAFE, type Options } from './validate.js';
import { runJob, type Job } from './job.js';
import type { PhiloxKey } from './kernels/philox.js';

/** Options shared by every random function. */
export interface RandomOptions {
  /** Integer in [0, 2^64) (number or bigint). Omitted: the process-wide generator supplies it. */
  seed?: Seed;
  /** Integer in [0, 2^64) separating tensors that share a seed. Default 0 with a seed; the next global stream without one. */
  stream?: Seed;
  /** Index of out[0] in the logical tensor (0 <= offset, offset + length <= 2^53). Default 0. */
  offset?: number | bigint;
}

/** Options of {@link fillUniform}. */
export interface UniformOptions extends RandomOptions {
  /** Inclusive lower bound. Default 0. */
  low?: number;
  /** Exclusive upper bound; no value equals it. Default 1. */
  high?: number;
}

/** Options of {@link fillNormal}. */
export interface NormalOptions extends RandomOptions {
  /** Mean. Default 0. */
  mean?: number;
  /** Standard deviation, > 0. Default 1. */
  std?: number;
}

/** Options of {@link fillTruncatedNormal}. */
export interface TruncatedNormalOptions extends NormalOptions {
  /** Absolute lower bound (as in PyTorch's trunc_normal_). Default -2. */
  a?: number;
  /** Absolute upper bound. Default 2. */
  b?: number;
}

/** A float array nninit can fill. */
export type FloatArray = Float32Array | Float64Array;

function floatOut(fn: string, out: unknown): Width {
  const name = typedArrayName(out);
  if (name === 'Float32Array') { attached(fn, 'out', out as Float32Array); return 'float32'; }
  if (name === 'Float64Array') { attached(fn, 'out', out as Float64Array); return 'float64'; }
  throw typeError(fn, 'out', 'a Float32Array or Float64Array', out);
}

function offsetOf(fn: string, o: Options, length: number): number {
  const offset = index(fn, 'options.offset', o.offset, 0);
  if (offset + length > MAX_SAFE + 1) {
    throw rangeError(fn, 'options.offset', `at most 2^53 - out.length (${MAX_SAFE + 1 - length})`, o.offset);
  }
  return offset;
}

const WORDS = 1n << 66n;

const FILL_OPTIONS = ['seed', 'stream', 'offset'];
const UNIFORM_OPTIONS = ['low', 'high', ...FILL_OPTIONS];
const NORMAL_OPTIONS = ['mean', 'std', ...FILL_OPTIONS];
const TRUNCATED_NORMAL_OPTIONS = ['mean', 'std', 'a', 'b', ...FILL_OPTIONS];

function kernelJob<T extends Uint32Array | FloatArray>(out: T, plan: KernelPlan, key: PhiloxKey, offset: number): Job<T> {
  return { result: out, steps: [{ plan, key, out, offset }] };
}

/** {@link randomBits} as a job; messages name `fn`. */
export function randomBitsJob(fn: string, out: Uint32Array, options?: RandomOptions): Job<Uint32Array> {
  if (!isTypedArray<Uint32Array>(out, 'Uint32Array')) throw typeError(fn, 'out', 'a Uint32Array', out);
  attached(fn, 'out', out);
  const o = readOptions(fn, options, FILL_OPTIONS);
  let offset: bigint;
  if (typeof o.offset === 'bigint') {
    if (o.offset < 0n || o.offset + BigInt(out.length) > WORDS) {
      throw rangeError(fn, 'options.offset', `an integer in [0, 2^66 - out.length]`, o.offset);
    }
    offset = o.offset;
  } else {
    offset = BigInt(offsetOf(fn, o, out.length));
  }
  checkSeed(fn, o.seed, o.stream);
  const key = resolveKey(fn, o.seed, o.stream);
  return kernelJob(out, planOf(BITS, { word: offset }), key, 0);
}

/**
 * A fill's job: `check` validates the distribution's options, then the offset and seed are
 * checked, then `plan` makes the kernel plan for the output width (its checks against the
 * width come after the others), and the key is resolved last. Both are module functions
 * reading the snapshot (ours, read again at no risk), so a call allocates no closure.
 */
function fillJob<T extends FloatArray>(
  fn: string, out: T, options: unknown, known: readonly string[],
  check: (fn: string, o: Options) => void, plan: (fn: string, o: Options, width: Width) => KernelPlan,
): Job<T> {
  const width = floatOut(fn, out);
  const o = readOptions(fn, options, known);
  check(fn, o);
  const offset = offsetOf(fn, o, out.length);
  checkSeed(fn, o.seed, o.stream);
  return kernelJob(out, plan(fn, o, width), resolveKey(fn, o.seed, o.stream), offset);
}

// Each option's check and default, once: the check phase and the plan phase both read
// through these (the plan phase re-checks a validated value, which cannot fail).
const lowOf = (fn: string, o: Options): number => finite(fn, 'options.low', o.low, 0);
const highOf = (fn: string, o: Options): number => finite(fn, 'options.high', o.high, 1);
const meanOf = (fn: string, o: Options): number => finite(fn, 'options.mean', o.mean, 0);
const stdOf = (fn: string, o: Options): number => positive(fn, 'options.std', o.std, 1);
const aOf = (fn: string, o: Options): number => notNaN(fn, 'options.a', o.a, -2);
const bOf = (fn: string, o: Options): number => notNaN(fn, 'options.b', o.b, 2);

function checkUniform(fn: string, o: Options): void {
  lowOf(fn, o);
  highOf(fn, o);
}

function uniformOf(fn: string, o: Options, width: Width): KernelPlan {
  return uniformPlan(fn, lowOf(fn, o), highOf(fn, o), width);
}

function checkNormal(fn: string, o: Options): void {
  meanOf(fn, o);
  stdOf(fn, o);
}

function normalOf(fn: string, o: Options, width: Width): KernelPlan {
  return normalPlan(fn, meanOf(fn, o), stdOf(fn, o), width);
}

function checkTruncatedNormal(fn: string, o: Options): void {
  checkNormal(fn, o);
  aOf(fn, o);
  bOf(fn, o);
}

function truncatedNormalOf(fn: string, o: Options, width: Width): KernelPlan {
  return truncatedNormalPlan(fn, meanOf(fn, o), stdOf(fn, o), aOf(fn, o), bOf(fn, o), width);
}

/** {@link fillUniform} as a job; messages name `fn`. */
export function fillUniformJob<T extends FloatArray>(fn: string, out: T, options?: UniformOptions): Job<T> {
  return fillJob(fn, out, options, UNIFORM_OPTIONS, checkUniform, uniformOf);
}

/** {@link fillNormal} as a job; messages name `fn`. */
export function fillNormalJob<T extends FloatArray>(fn: string, out: T, options?: NormalOptions): Job<T> {
  return fillJob(fn, out, options, NORMAL_OPTIONS, checkNormal, normalOf);
}

/** {@link fillTruncatedNormal} as a job; messages name `fn`. */
export function fillTruncatedNormalJob<T extends FloatArray>(fn: string, out: T, options?: TruncatedNormalOptions): Job<T> {
  return fillJob(fn, out, options, TRUNCATED_NORMAL_OPTIONS, checkTruncatedNormal, truncatedNormalOf);
}

/**
 * Writes raw Philox4x32-10 words `offset + j` of (seed, stream) into `out[j]`: word i is
 * word i mod 4 of the block with counter [b lo, b hi, stream lo, stream hi], b = floor(i/4).
 *
 * The offset may be a bigint up to 2^66 - out.length (every word of a stream); a number
 * offset must be a safe integer.
 *
 * @param out - The Uint32Array to fill in place.
 * @returns `out`.
 * @example
 * ```ts
 * const words = randomBits(new Uint32Array(4), { seed: 0 });
 * // words is Random123's philox4x32_10 known answer for counter 0, key 0:
 * // 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8
 * ```
 */
export function randomBits(out: Uint32Array, options?: RandomOptions): Uint32Array {
  return runJob(randomBitsJob('randomBits', out, options));
}

/**
 * Fills `out` in place with uniform values in [low, high): never equal to `high`.
 * float64 output uses 53 random bits per value, float32 uses 24.
 *
 * @returns `out`.
 * @example
 * ```ts
 * const w = fillUniform(new Float32Array(6), { low: -0.1, high: 0.1, seed: 42 });
 * ```
 */
export function fillUniform<T extends FloatArray>(out: T, options?: UniformOptions): T {
  return runJob(fillUniformJob('fillUniform', out, options));
}

/**
 * Fills `out` in place with normal values (Box-Muller on Philox words; elements 2k and
 * 2k+1 share one pair).
 *
 * @returns `out`.
 * @example
 * ```ts
 * const w = fillNormal(new Float64Array(4), { mean: 0, std: 0.02, seed: 7n, stream: 3 });
 * ```
 */
export function fillNormal<T extends FloatArray>(out: T, options?: NormalOptions): T {
  return runJob(fillNormalJob('fillNormal', out, options));
}

/**
 * Fills `out` in place with a normal(mean, std) truncated to the absolute bounds [a, b]
 * (PyTorch's convention), by the inverse CDF: every value lies in [a, b], exact in far
 * tails, with no pile-up on the bounds. Bounds may be infinite.
 *
 * @returns `out`.
 * @example
 * ```ts
 * const w = fillTruncatedNormal(new Float32Array(8), { std: 0.02, a: -0.04, b: 0.04, seed: 1 });
 * ```
 */
export function fillTruncatedNormal<T extends FloatArray>(out: T, options?: TruncatedNormalOptions): T {
  return runJob(fillTruncatedNormalJob('fillTruncatedNormal', out, options));
}
