/**
 * Shared machinery of the initializers: shapes, dtypes, output targets (allocation, `out`,
 * slices), the 16-bit encodings, seed resolution and the one routine that fills a target
 * from a core distribution.
 *
 * Every initializer runs in two phases: validate everything (shape, options, parameters,
 * representability in the dtype) without side effects, then resolve the seed (which may
 * take a global stream) and write. So a failed call never touches `out` and never
 * consumes a global stream.
 */
import { typeError, rangeError } from '../errors.js';
import { attached, checkOptions, index, oneOf, MAX_SAFE } from '../validate.js';
import { checkSeed, resolveKey, type Seed } from '../seed.js';
import { normalParams, packNormal, packTruncatedNormal, packUniform, truncatedNormalParams, uniformParams } from '../params.js';
import { runKernel } from '../backend.js';
import { Kind } from '../binding.js';
import type { PhiloxKey } from '../kernels/philox.js';
import { ceilF32, floorF32 } from '../dtypes.js';
import { defer } from '../async.js';

/** Output dtypes. `bfloat16` and `float16` are returned as a `Uint16Array` of bit patterns. */
export type DType = 'float32' | 'float64' | 'bfloat16' | 'float16';

/** The array type a dtype produces: `float32` → `Float32Array`, `float64` → `Float64Array`, 16-bit → `Uint16Array`. */
export type ArrayFor<D extends DType> = D extends 'float64'
  ? Float64Array
  : D extends 'bfloat16' | 'float16'
    ? Uint16Array
    : Float32Array;

/** Any array an initializer can return. */
export type InitArray = Float32Array | Float64Array | Uint16Array;

/** A tensor shape: non-negative integers, outermost first. */
export type Shape = readonly number[];

/** A framework whose conventions (layout, truncation, defaults) an initializer can follow. */
export type Convention = 'torch' | 'keras' | 'paddle';

/** The valid dtypes, in the order error messages list them. */
export const DTYPES: readonly DType[] = ['float32', 'float64', 'bfloat16', 'float16'];
/** The valid conventions. */
export const CONVENTIONS: readonly Convention[] = ['torch', 'keras', 'paddle'];

/** The largest number of elements nninit allocates in one array (V8's typed-array limit). */
export const MAX_ELEMENTS = 4294967296;

/** Options every initializer accepts: the output (dtype, `out`) and the slice of the tensor to produce. */
export interface OutputOptions<D extends DType = 'float32'> {
  /** Output dtype. Default `'float32'`. The return type follows it. */
  dtype?: D;
  /**
   * Fill this array in place instead of allocating (its type must match `dtype`). Without
   * `offset` or `length` its length must equal the shape's element count; with them it is
   * the slice [offset, offset + out.length).
   */
  out?: ArrayFor<D>;
  /** Index in the full tensor of the first element produced. Default 0. Fans always come from the full shape. */
  offset?: number | bigint;
  /** Number of elements produced when `out` is not given. Default: the rest of the tensor after `offset`. */
  length?: number;
}

/** Options of every random initializer. */
export interface SeedOptions {
  /** Integer in [0, 2^64) (number or bigint). Omitted: the process-wide generator supplies it (see `manualSeed`). */
  seed?: Seed;
  /** Integer in [0, 2^64): separates tensors that share a seed. Default 0 with a seed; the next global stream without one. */
  stream?: Seed;
}

/** Options of a random initializer: output, slice, seed and stream. */
export interface RandomInitOptions<D extends DType = 'float32'> extends OutputOptions<D>, SeedOptions {}

/** A validated shape. */
export interface ShapeInfo {
  readonly dims: readonly number[];
  readonly numel: number;
}

/** Validates a shape: an array of non-negative safe integers whose product is at most 2^53 - 1. */
export function checkShape(fn: string, shape: unknown, minDims = 0, maxDims = Infinity): ShapeInfo {
  if (!Array.isArray(shape)) throw typeError(fn, 'shape', 'an array of non-negative integers', shape);
  const dims: number[] = [];
  let numel = 1;
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    if (typeof d !== 'number') throw typeError(fn, `shape[${i}]`, 'a non-negative integer', d);
    if (!Number.isSafeInteger(d) || d < 0) throw rangeError(fn, `shape[${i}]`, 'a non-negative integer', d);
    dims.push(d);
    numel *= d;
  }
  if (dims.length < minDims || dims.length > maxDims) {
    const what = maxDims === Infinity
      ? `an array of at least ${minDims} dimensions`
      : minDims === maxDims ? `an array of exactly ${minDims} dimensions` : `an array of ${minDims} to ${maxDims} dimensions`;
    throw rangeError(fn, 'shape', what, shape);
  }
  if (numel > MAX_SAFE) throw rangeError(fn, 'shape', 'a shape of at most 2^53 - 1 elements', shape);
  return { dims, numel };
}

/** A validated output target. */
export interface Target {
  readonly dtype: DType;
  readonly offset: number;
  readonly length: number;
  /** The caller's array, or undefined to allocate. */
  readonly out: InitArray | undefined;
}

function arrayTypeOf(dtype: DType): string {
  return dtype === 'float32' ? 'a Float32Array' : dtype === 'float64' ? 'a Float64Array' : 'a Uint16Array';
}

/** Validates dtype, out, offset and length against a tensor of `numel` elements. */
export function checkTarget(fn: string, o: Record<string, unknown>, numel: number): Target {
  const dtype = oneOf(fn, 'options.dtype', o.dtype, DTYPES, 'float32');
  const sliced = o.offset !== undefined || o.length !== undefined;
  const offset = index(fn, 'options.offset', o.offset, 0);
  if (offset > numel) throw rangeError(fn, 'options.offset', `an integer in [0, ${numel}] (the tensor's element count)`, o.offset);
  let out: InitArray | undefined;
  let length: number;
  if (o.out !== undefined) {
    const ok = dtype === 'float32' ? o.out instanceof Float32Array
      : dtype === 'float64' ? o.out instanceof Float64Array : o.out instanceof Uint16Array;
    if (!ok) throw typeError(fn, 'options.out', `${arrayTypeOf(dtype)} (options.dtype is "${dtype}")`, o.out);
    out = o.out as InitArray;
    attached(fn, 'options.out', out);
    length = out.length;
    if (o.length !== undefined && o.length !== length) {
      throw rangeError(fn, 'options.length', `undefined or options.out.length (${length})`, o.length);
    }
    if (!sliced && length !== numel) {
      throw rangeError(fn, 'options.out', `of length ${numel} (the shape's element count) unless options.offset or options.length is given`, o.out);
    }
  } else {
    length = index(fn, 'options.length', o.length, numel - offset);
  }
  if (offset + length > numel) {
    throw rangeError(fn, 'options.offset + length', `at most the tensor's element count (${numel})`, offset + length);
  }
  if (out === undefined && length > MAX_ELEMENTS) {
    throw rangeError(fn, 'the output length', `at most ${MAX_ELEMENTS} elements (pass options.offset and options.length to generate slices)`, length);
  }
  return { dtype, offset, length, out };
}

/** Allocates the target's array unless the caller gave one. */
export function targetArray(t: Target): InitArray {
  if (t.out !== undefined) return t.out;
  return t.dtype === 'float32' ? new Float32Array(t.length)
    : t.dtype === 'float64' ? new Float64Array(t.length) : new Uint16Array(t.length);
}

/** Options object plus validated seed fields. */
export function checkSeedOptions(fn: string, o: Record<string, unknown>): void {
  checkSeed(fn, o.seed, o.stream);
}

/** A resolved (seed, stream) pair, as numbers when they are safe integers (cheaper downstream), and its Philox key. */
export interface SeedPair {
  readonly seed: number | bigint;
  readonly stream: number | bigint;
  readonly key: PhiloxKey;
}

function join(lo: number, hi: number): number | bigint {
  return hi < 2097152 ? hi * 4294967296 + lo : BigInt(lo) + (BigInt(hi) << 32n);
}

/** Resolves (seed, stream) for the write phase: takes a global stream when no seed is given. */
export function resolveSeed(fn: string, o: Record<string, unknown>): SeedPair {
  const key = resolveKey(fn, o.seed, o.stream);
  if (o.seed !== undefined) {
    // Already validated by checkSeed: pass the caller's values through.
    return { seed: o.seed as number | bigint, stream: (o.stream ?? 0) as number | bigint, key };
  }
  return { seed: join(key.k0, key.k1), stream: join(key.s0, key.s1), key };
}

export { checkOptions };

// ---------------------------------------------------------------------------------------
// 16-bit encodings (round to nearest even from the float32 value).

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 value → bfloat16 bits, round to nearest even (NaN stays NaN). */
export function toBfloat16(x: number): number {
  f32[0] = x;
  const u = u32[0]!;
  if ((u & 0x7fffffff) > 0x7f800000) return (u >>> 16) | 0x40;
  return (u + 0x7fff + ((u >>> 16) & 1)) >>> 16;
}

/** bfloat16 bits → value. */
export function fromBfloat16(h: number): number {
  u32[0] = (h & 0xffff) << 16;
  return f32[0]!;
}

/** float32 value → float16 (IEEE binary16) bits, round to nearest even; overflow gives ±Infinity. */
export function toFloat16(x: number): number {
  f32[0] = x;
  const u = u32[0]!;
  const sign = (u >>> 16) & 0x8000;
  const au = u & 0x7fffffff;
  if (au > 0x7f800000) return sign | 0x7e00;
  if (au >= 0x477ff000) return sign | 0x7c00; // >= 65520 rounds to infinity
  if (au >= 0x38800000) {
    const v = au - 0x38000000; // rebias the exponent from 127 to 15
    return sign | ((v + 0xfff + ((v >>> 13) & 1)) >>> 13);
  }
  // Subnormal or zero in float16: units of 2^-24, exact in binary64.
  const a = Math.abs(f32[0]!) * 16777216;
  let m = Math.floor(a);
  const frac = a - m;
  if (frac > 0.5 || (frac === 0.5 && (m & 1) === 1)) m++;
  return sign | m;
}

const F16_EXP = (() => {
  const t = new Float64Array(32);
  let v = 1 / 16777216; // 2^-24
  t[0] = v; // subnormal: m * 2^-24; exponent field e >= 1: (1024 + m) * 2^(e - 25)
  for (let e = 1; e < 31; e++) { t[e] = v; v *= 2; } // t[e] = 2^(e - 25)
  return t;
})();

/** float16 bits → value. */
export function fromFloat16(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * F16_EXP[0]!;
  if (e === 31) return m === 0 ? sign * Infinity : NaN;
  return sign * (1024 + m) * F16_EXP[e]!;
}

/** Largest finite value of each 16-bit dtype. */
const MAX16 = { bfloat16: 3.3895313892515355e38, float16: 65504 } as const;

type Half = 'bfloat16' | 'float16';

function enc(d: Half, x: number): number {
  return d === 'bfloat16' ? toBfloat16(x) : toFloat16(x);
}
function dec(d: Half, h: number): number {
  return d === 'bfloat16' ? fromBfloat16(h) : fromFloat16(h);
}
function up16(h: number): number {
  if (h === 0x8000) return 0x0001;
  return h & 0x8000 ? h - 1 : h + 1;
}
function down16(h: number): number {
  if (h === 0x0000) return 0x8001;
  return h & 0x8000 ? h + 1 : h - 1;
}

/** Smallest value of the 16-bit dtype >= x (clamped to the finite range). */
export function ceil16(d: Half, x: number): number {
  if (x <= -MAX16[d]) return -MAX16[d];
  if (x > MAX16[d]) return Infinity;
  let h = enc(d, x);
  while (dec(d, h) < x) h = up16(h);
  while (dec(d, down16(h)) >= x) h = down16(h);
  return dec(d, h);
}

/** Largest value of the 16-bit dtype <= x (clamped to the finite range). */
export function floor16(d: Half, x: number): number {
  return -ceil16(d, -x);
}

/** Largest value of the 16-bit dtype < x. */
export function below16(d: Half, x: number): number {
  const f = floor16(d, x);
  if (f < x) return f;
  return dec(d, down16(enc(d, f)));
}

// ---------------------------------------------------------------------------------------
// Core distributions as a validated plan.

/** A core distribution with its parameters (absolute bounds for the truncated normal). */
export type Dist =
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'uniform'; readonly low: number; readonly high: number }
  | { readonly kind: 'normal'; readonly mean: number; readonly std: number }
  | { readonly kind: 'truncatedNormal'; readonly mean: number; readonly std: number; readonly a: number; readonly b: number };

/**
 * A validated plan: the distribution, for 16-bit dtypes the clamp range of the float32
 * values, and (for random distributions) the kernel and its parameters, derived once here
 * so the write phase runs the kernel without validating again.
 */
export interface Plan {
  readonly dist: Dist;
  readonly lo: number;
  readonly hi: number;
  readonly kernel?: { readonly kind: Kind; readonly pack: () => Float64Array };
}

/**
 * Validates a distribution against a dtype (every check the fill functions would make,
 * under this function's name) and reduces degenerate ones (std 0, an empty symmetric
 * uniform) to constants.
 */
export function plan(fn: string, dist: Dist, dtype: DType, names: { low?: string; high?: string; std?: string; a?: string; b?: string; value?: string } = {}): Plan {
  const width = dtype === 'float64' ? 'float64' : 'float32';
  const half: Half | undefined = dtype === 'bfloat16' || dtype === 'float16' ? dtype : undefined;
  let d = dist;
  if (d.kind === 'normal' && (d.std === 0 || (width === 'float32' && Math.fround(d.std) === 0))) d = { kind: 'constant', value: d.mean };
  if (d.kind === 'truncatedNormal' && (d.std === 0 || (width === 'float32' && Math.fround(d.std) === 0))) {
    if (!(d.a < d.b)) throw rangeError(fn, names.a ?? 'options.a', `less than ${names.b ?? 'options.b'} (${d.b})`, d.a);
    d = { kind: 'constant', value: Math.min(Math.max(d.mean, d.a), d.b) };
  }
  if (d.kind === 'uniform' && d.low === -d.high && d.high >= 0 && (d.high === 0 || (width === 'float32' && Math.fround(d.high) === 0))) {
    d = { kind: 'constant', value: 0 };
  }
  let lo = -Infinity, hi = Infinity;
  let kernel: Plan['kernel'];
  const f32 = width === 'float32';
  switch (d.kind) {
    case 'constant': {
      const v = width === 'float32' ? Math.fround(d.value) : d.value;
      if (!Number.isFinite(v)) throw rangeError(fn, names.value ?? 'value', `a finite number within the ${dtype} range`, d.value);
      if (half !== undefined && Math.abs(v) > MAX16[half]) {
        throw rangeError(fn, names.value ?? 'value', `a finite number within the ${dtype} range`, d.value);
      }
      break;
    }
    case 'uniform': {
      const up = uniformParams(fn, d.low, d.high, width);
      kernel = { kind: f32 ? Kind.UniformF32 : Kind.UniformF64, pack: () => packUniform(up) };
      if (half !== undefined) {
        lo = ceil16(half, Math.max(ceilF32(d.low), -MAX16[half]));
        hi = Math.min(below16(half, d.high), MAX16[half]);
        if (!(lo <= hi)) {
          throw rangeError(fn, names.low ?? 'options.low', `such that some ${half} lies in [low, high) = [${d.low}, ${d.high})`, d.low);
        }
      }
      break;
    }
    case 'normal': {
      const np = normalParams(fn, d.mean, d.std, width);
      kernel = { kind: f32 ? Kind.NormalF32 : Kind.NormalF64, pack: () => packNormal(np) };
      if (half !== undefined) { lo = -MAX16[half]; hi = MAX16[half]; }
      break;
    }
    case 'truncatedNormal': {
      const tp = truncatedNormalParams(fn, d.mean, d.std, d.a, d.b, width);
      kernel = { kind: f32 ? Kind.TruncatedNormalF32 : Kind.TruncatedNormalF64, pack: () => packTruncatedNormal(tp) };
      if (half !== undefined) {
        lo = ceil16(half, Math.max(ceilF32(d.a), -MAX16[half]));
        hi = floor16(half, Math.min(floorF32(d.b), MAX16[half]));
        if (!(lo <= hi)) {
          throw rangeError(fn, names.a ?? 'options.a', `such that some ${half} lies in [a, b] = [${d.a}, ${d.b}]`, d.a);
        }
      }
      break;
    }
  }
  return kernel === undefined ? { dist: d, lo, hi } : { dist: d, lo, hi, kernel };
}

function fillFloat(arr: Float32Array | Float64Array, p: Plan, key: SeedPair | undefined, offset: number): void {
  const k = p.kernel;
  if (k === undefined) { arr.fill((p.dist as { value: number }).value); return; }
  runKernel(k.kind, arr, key!.key, offset, k.pack());
}

/** Converts float32 values to 16-bit bits after clamping into [lo, hi] (both representable, so rounding stays inside). */
export function encodeHalf(dtype: Half, src: Float32Array | Float64Array, dst: Uint16Array, lo: number, hi: number, dstStart = 0): void {
  const n = src.length;
  if (dtype === 'bfloat16') {
    for (let i = 0; i < n; i++) {
      let x = Math.fround(src[i]!);
      if (x < lo) x = lo; else if (x > hi) x = hi;
      f32[0] = x;
      const u = u32[0]!;
      dst[dstStart + i] = (u & 0x7fffffff) > 0x7f800000 ? (u >>> 16) | 0x40 : (u + 0x7fff + ((u >>> 16) & 1)) >>> 16;
    }
  } else {
    for (let i = 0; i < n; i++) {
      let x = Math.fround(src[i]!);
      if (x < lo) x = lo; else if (x > hi) x = hi;
      dst[dstStart + i] = toFloat16(x);
    }
  }
}

/** Elements per scratch chunk when producing 16-bit output. */
const HALF_CHUNK = 65536;

/**
 * The write phase: fills the target from a validated plan. `key` must be resolved (and a
 * global stream taken) by the caller, after validation.
 */
export function fillPlan(t: Target, arr: InitArray, p: Plan, key: SeedPair | undefined): void {
  if (t.length === 0) return;
  if (t.dtype === 'float32' || t.dtype === 'float64') {
    fillFloat(arr as Float32Array | Float64Array, p, key, t.offset);
    return;
  }
  const out = arr as Uint16Array;
  const half = t.dtype;
  if (p.dist.kind === 'constant') {
    out.fill(enc(half, Math.fround(p.dist.value)));
    return;
  }
  const scratch = new Float32Array(Math.min(HALF_CHUNK, t.length));
  for (let s = 0; s < t.length; s += HALF_CHUNK) {
    const m = Math.min(HALF_CHUNK, t.length - s);
    const view = m === scratch.length ? scratch : scratch.subarray(0, m);
    fillFloat(view, p, key, t.offset + s);
    defer(() => encodeHalf(half, view, out, p.lo, p.hi, s));
  }
}

/** Writes float64 values (already computed, e.g. an orthogonal matrix) to the target's dtype. */
export function writeValues(t: Target, arr: InitArray, values: Float64Array, start: number): void {
  const src = values.subarray(start, start + t.length);
  if (t.dtype === 'float64') (arr as Float64Array).set(src);
  else if (t.dtype === 'float32') (arr as Float32Array).set(src);
  else {
    const half = t.dtype;
    encodeHalf(half, src, arr as Uint16Array, -MAX16[half], MAX16[half]);
  }
}

/** The encoded value 1 and 0 in a dtype (for structured initializers). */
export function oneIn(dtype: DType, value = 1): number {
  if (dtype === 'bfloat16') return toBfloat16(Math.fround(value));
  if (dtype === 'float16') return toFloat16(Math.fround(value));
  return value;
}

/** A convention option, or undefined. */
export function checkConvention(fn: string, value: unknown): Convention | undefined {
  if (value === undefined) return undefined;
  return oneOf(fn, 'options.convention', value, CONVENTIONS, 'torch');
}

/** A finite number >= 0 (default when undefined). */
export function nonNegative(fn: string, name: string, value: unknown, dflt: number): number {
  if (value === undefined) return dflt;
  if (typeof value !== 'number') throw typeError(fn, name, 'a finite number >= 0', value);
  if (!Number.isFinite(value) || !(value >= 0)) throw rangeError(fn, name, 'a finite number >= 0', value);
  return value;
}
