/**
 * Float formats: rounding helpers for bounds (float32, float64, bfloat16, float16) and the
 * 16-bit encodings (bfloat16 and IEEE float16, round to nearest even from the float32 value).
 */
import type { DType } from './tensor.js';
import { rangeError, typeError } from './errors.js';
import { typedArrayName } from './validate.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** The next float32 above a float32 value x (x finite). */
export function nextUpF32(x: number): number {
  if (x === 0) return 1.401298464324817e-45;
  f32[0] = x;
  if (x > 0) u32[0] = u32[0]! + 1; else u32[0] = u32[0]! - 1;
  return f32[0]!;
}

/** The next float32 below a float32 value x (x finite). */
export function nextDownF32(x: number): number {
  return -nextUpF32(-x);
}

/** The next double below x (x finite). */
export function nextDownF64(x: number): number {
  if (x === 0) return -5e-324;
  f64[0] = x;
  if (x > 0) u64[0] = u64[0]! - 1n; else u64[0] = u64[0]! + 1n;
  return f64[0]!;
}

/** Smallest float32 >= x (x may be infinite). */
export function ceilF32(x: number): number {
  const f = Math.fround(x);
  if (f < x && Number.isFinite(f)) return nextUpF32(f);
  if (f === -Infinity && x !== -Infinity) return -3.4028234663852886e38;
  return f;
}

/** Largest float32 <= x. */
export function floorF32(x: number): number {
  return -ceilF32(-x);
}

/** Largest float32 strictly below x. */
export function belowF32(x: number): number {
  const f = floorF32(x);
  return f < x ? f : nextDownF32(f);
}

/** Largest double strictly below x. */
export function belowF64(x: number): number {
  return nextDownF64(x);
}

// ---------------------------------------------------------------------------------------
// 16-bit encodings

/** float32 value → bfloat16 bits, round to nearest even (NaN stays NaN). */
function bf16Of(x: number): number {
  f32[0] = x;
  const u = u32[0]!;
  if ((u & 0x7fffffff) > 0x7f800000) return (u >>> 16) | 0x40;
  return (u + 0x7fff + ((u >>> 16) & 1)) >>> 16;
}

/** bfloat16 bits → value. */
function bf16Value(h: number): number {
  u32[0] = (h & 0xffff) << 16;
  return f32[0]!;
}

/** float32 value → float16 (IEEE binary16) bits, round to nearest even; overflow gives ±Infinity. */
function f16Of(x: number): number {
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
function f16Value(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * F16_EXP[0]!;
  if (e === 31) return m === 0 ? sign * Infinity : NaN;
  return sign * (1024 + m) * F16_EXP[e]!;
}

/** Largest finite value of each 16-bit dtype. */
export const MAX16 = { bfloat16: 3.3895313892515355e38, float16: 65504 } as const;

/** The 16-bit dtypes. */
export type Half = 'bfloat16' | 'float16';

/** A float32 value as the bits of a 16-bit dtype. */
function enc(d: Half, x: number): number {
  return d === 'bfloat16' ? bf16Of(x) : f16Of(x);
}
function dec(d: Half, h: number): number {
  return d === 'bfloat16' ? bf16Value(h) : f16Value(h);
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

/**
 * Converts float32 values to 16-bit bits after clamping into [lo, hi] (both representable,
 * so rounding stays inside). Float32 sources (the kernels' output) are encoded from their
 * bit patterns ({@link encodeBits}); float64 ones (values computed whole, like orthogonal's)
 * are rounded to float32 first.
 */
export function encodeHalf(dtype: Half, src: Float32Array | Float64Array, dst: Uint16Array, lo: number, hi: number, dstStart = 0): void {
  if (src instanceof Float32Array) { encodeBits(dtype, src, dst, lo, hi, dstStart); return; }
  const n = src.length;
  for (let i = 0; i < n; i++) {
    let x = Math.fround(src[i]!);
    if (x < lo) x = lo; else if (x > hi) x = hi;
    dst[dstStart + i] = enc(dtype, x);
  }
}

/** Whether typed arrays are little-endian here (they are on every platform Node runs on; checked, not assumed). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The order key of a float32 bit pattern `u` read as int32: for non-NaN values, keys
 * compare as the floats do (except that -0 sorts just below +0); NaNs fall outside the keys
 * of [-Infinity, Infinity].
 */
function orderKey(u: number): number {
  return u ^ ((u >> 31) & 0x7fffffff);
}

/** The order key of a float32 value. */
function keyOf(x: number): number {
  f32[0] = x;
  return orderKey(u32[0]! | 0);
}

/**
 * {@link encodeHalf} of float32 values, the same bits, faster: the source's bit patterns
 * are read through an Int32Array view and a value whose key lies in [key(lo), key(hi)]
 * (the common case: inside the clamp range, not NaN) is rounded in int32 arithmetic, with
 * no float load and no scratch round trip; bfloat16 stores two results per 32-bit write on
 * little-endian platforms. Anything else (clamped values, NaN, -0 at a bound of 0, float16
 * subnormals and overflow) takes the scalar encoder, exactly as before.
 */
function encodeBits(dtype: Half, src: Float32Array, dst: Uint16Array, lo: number, hi: number, at: number): void {
  if (dtype === 'bfloat16') bfloat16Bits(src, dst, lo, hi, at);
  else float16Bits(src, dst, lo, hi, at);
}

/** A value outside the fast path: clamped, then the scalar encoder. */
function clampedBfloat16(x: number, lo: number, hi: number): number {
  return bf16Of(x < lo ? lo : x > hi ? hi : x);
}

function bfloat16Bits(src: Float32Array, dst: Uint16Array, lo: number, hi: number, at: number): void {
  // (u + 0x7fff + lsb) >>> 16 of the uint32 pattern u. As int32 the sum cannot overflow
  // (non-NaN patterns are at most 0xff800000) and >>> 16 reads it back as uint32;
  // `& -65536` keeps the same bits in the upper half of a 32-bit word.
  const n = src.length;
  const bits = new Int32Array(src.buffer, src.byteOffset, n);
  const klo = keyOf(lo), khi = keyOf(hi);
  let i = 0;
  if (LITTLE_ENDIAN) {
    if (((dst.byteOffset + 2 * at) & 2) !== 0 && n > 0) { dst[at] = clampedBfloat16(src[0]!, lo, hi); i = 1; }
    const pairs = (n - i) >> 1;
    const d32 = new Int32Array(dst.buffer, dst.byteOffset + 2 * (at + i), pairs);
    for (let k = 0; k < pairs; k++, i += 2) {
      const u = bits[i]!, v = bits[i + 1]!;
      const ku = orderKey(u), kv = orderKey(v);
      if (ku >= klo && ku <= khi && kv >= klo && kv <= khi) {
        d32[k] = ((u + 0x7fff + ((u >> 16) & 1)) >>> 16) | ((v + 0x7fff + ((v >> 16) & 1)) & -65536);
      } else {
        d32[k] = clampedBfloat16(src[i]!, lo, hi) | (clampedBfloat16(src[i + 1]!, lo, hi) << 16);
      }
    }
  }
  for (; i < n; i++) {
    const u = bits[i]!;
    const k = orderKey(u);
    dst[at + i] = k >= klo && k <= khi ? (u + 0x7fff + ((u >> 16) & 1)) >>> 16 : clampedBfloat16(src[i]!, lo, hi);
  }
}

function float16Bits(src: Float32Array, dst: Uint16Array, lo: number, hi: number, at: number): void {
  const n = src.length;
  const bits = new Int32Array(src.buffer, src.byteOffset, n);
  const klo = keyOf(lo), khi = keyOf(hi);
  for (let i = 0; i < n; i++) {
    const u = bits[i]!;
    const k = orderKey(u);
    // v: the magnitude above float16's smallest normal (2^-14), below 65520 (which rounds to infinity).
    const v = (u & 0x7fffffff) - 0x38800000;
    if (k >= klo && k <= khi && v >= 0 && v < 0x0efff000) {
      const w = v + 0x800000; // the exponent rebiased from 127 to 15
      dst[at + i] = ((u >>> 16) & 0x8000) | ((w + 0xfff + ((w >>> 13) & 1)) >>> 13);
    } else {
      const x = src[i]!;
      dst[at + i] = f16Of(x < lo ? lo : x > hi ? hi : x);
    }
  }
}

/**
 * Whether `value` stays finite once stored in a dtype's array: rounded to float32 (float32
 * and the 16-bit dtypes, which are encoded from float32 values), then to the 16-bit format.
 */
export function finiteIn(dtype: DType, value: number): boolean {
  if (dtype === 'float64') return Number.isFinite(value);
  const f = Math.fround(value);
  if (!Number.isFinite(f) || dtype === 'float32') return Number.isFinite(f);
  // Below the infinity pattern (0x7f80, 0x7c00) in magnitude: finite.
  return dtype === 'bfloat16' ? (bf16Of(f) & 0x7fff) < 0x7f80 : (f16Of(f) & 0x7fff) < 0x7c00;
}

/** `value` as stored in a dtype's array: the number itself, or its 16-bit encoding. */
export function encodeIn(dtype: DType, value = 1): number {
  if (dtype === 'bfloat16') return bf16Of(Math.fround(value));
  if (dtype === 'float16') return f16Of(Math.fround(value));
  return value;
}

// ---------------------------------------------------------------------------------------
// The public codecs: one value, or a whole array, with their arguments checked (an array
// given to a one-value codec is refused, not coerced).

function numberArg(fn: string, name: string, x: unknown): number {
  if (typeof x !== 'number') {
    throw typeError(fn, name, typeof x === 'object' && x !== null ? `a number (${fn}Array converts arrays)` : 'a number', x);
  }
  return x;
}

function bitsArg(fn: string, name: string, h: unknown): number {
  if (typeof h !== 'number') {
    throw typeError(fn, name, typeof h === 'object' && h !== null ? `a number (${fn}Array converts arrays)` : 'a number', h);
  }
  if (!(h >= 0 && h <= 0xffff && Math.floor(h) === h)) throw rangeError(fn, name, 'an integer in [0, 65535] (a 16-bit pattern)', h);
  return h;
}

/**
 * A number as bfloat16 bits: rounded to float32, then to the nearest bfloat16 (ties to
 * even); NaN stays a quiet NaN. For arrays, {@link toBfloat16Array}.
 * @example `toBfloat16(1)   // 0x3f80`
 */
export function toBfloat16(x: number): number {
  return bf16Of(numberArg('toBfloat16', 'x', x));
}

/**
 * The value of bfloat16 bits (an integer in [0, 65535]). For arrays, {@link fromBfloat16Array}.
 * @example `fromBfloat16(0x3f80)   // 1`
 */
export function fromBfloat16(bits: number): number {
  return bf16Value(bitsArg('fromBfloat16', 'bits', bits));
}

/**
 * A number as IEEE float16 bits: rounded to float32, then to the nearest float16 (ties to
 * even); beyond ±65504 (from 65520 on) it is ±Infinity. For arrays, {@link toFloat16Array}.
 * @example `toFloat16(1)   // 0x3c00`
 */
export function toFloat16(x: number): number {
  return f16Of(numberArg('toFloat16', 'x', x));
}

/**
 * The value of IEEE float16 bits (an integer in [0, 65535]). For arrays, {@link fromFloat16Array}.
 * @example `fromFloat16(0x3c00)   // 1`
 */
export function fromFloat16(bits: number): number {
  return f16Value(bitsArg('fromFloat16', 'bits', bits));
}

/** Numbers that an array converter reads: a typed array of numbers or an array of numbers. */
export type NumberArray = ArrayLike<number>;

/**
 * The elements of an array converter's input, each read once and checked before anything
 * is written: a typed array that cannot hold a bad element (any numeric one for values, a
 * Uint16Array for bits) is used as it is; anything else is copied element by element.
 */
function sourceOf(fn: string, name: string, src: unknown, bits: boolean): ArrayLike<number> {
  const tag = typedArrayName(src);
  if (tag !== undefined && (bits ? tag === 'Uint16Array' : tag !== 'BigInt64Array' && tag !== 'BigUint64Array')) return src as ArrayLike<number>;
  if (!Array.isArray(src) && tag === undefined) throw typeError(fn, name, 'an array or a typed array of numbers', src);
  const a = src as ArrayLike<unknown>;
  const copy = new Float64Array(a.length);
  for (let i = 0; i < copy.length; i++) copy[i] = (bits ? bitsArg : numberArg)(fn, `${name}[${i}]`, a[i]);
  return copy;
}

function convertArray<T extends Float32Array | Uint16Array>(
  fn: string, src: unknown, out: unknown, bits: boolean, make: (n: number) => T, one: (v: number) => number,
): T {
  const a = sourceOf(fn, bits ? 'bits' : 'values', src, bits);
  const type = bits ? 'Float32Array' : 'Uint16Array';
  let dst: T;
  if (out === undefined) dst = make(a.length);
  else if (typedArrayName(out) !== type) throw typeError(fn, 'out', `a ${type} or undefined`, out);
  else if ((out as T).length !== a.length) throw rangeError(fn, 'out', `of the input's length (${a.length})`, out);
  else dst = out as T;
  for (let i = 0; i < a.length; i++) dst![i] = one(a[i]!);
  return dst!;
}

/**
 * Numbers as bfloat16 bits, element by element as {@link toBfloat16}: `values` is an array
 * or any typed array of numbers; the result is `out` (a Uint16Array of the same length)
 * or a new Uint16Array.
 * @example `toBfloat16Array(new Float32Array([1, -2]))   // Uint16Array [0x3f80, 0xc000]`
 */
export function toBfloat16Array(values: NumberArray, out?: Uint16Array): Uint16Array {
  return convertArray('toBfloat16Array', values, out, false, (n) => new Uint16Array(n), bf16Of);
}

/**
 * Numbers as float16 bits, element by element as {@link toFloat16}, into `out` or a new
 * Uint16Array.
 * @example `toFloat16Array([1, 65504])   // Uint16Array [0x3c00, 0x7bff]`
 */
export function toFloat16Array(values: NumberArray, out?: Uint16Array): Uint16Array {
  return convertArray('toFloat16Array', values, out, false, (n) => new Uint16Array(n), f16Of);
}

/**
 * bfloat16 bits (a Uint16Array, or integers in [0, 65535]) as their values, into `out` or a
 * new Float32Array (every bfloat16 value is a float32 value: exact).
 * @example `fromBfloat16Array(bfloat16Weights)   // Float32Array`
 */
export function fromBfloat16Array(bits: NumberArray, out?: Float32Array): Float32Array {
  return convertArray('fromBfloat16Array', bits, out, true, (n) => new Float32Array(n), bf16Value);
}

/**
 * float16 bits (a Uint16Array, or integers in [0, 65535]) as their values, into `out` or a
 * new Float32Array (exact).
 * @example `fromFloat16Array(new Uint16Array([0x3c00]))   // Float32Array [1]`
 */
export function fromFloat16Array(bits: NumberArray, out?: Float32Array): Float32Array {
  return convertArray('fromFloat16Array', bits, out, true, (n) => new Float32Array(n), f16Value);
}
