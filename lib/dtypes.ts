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
      dst[dstStart + i] = f16Of(x);
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
