/**
 * Float formats: rounding helpers for bounds (float32, float64, bfloat16, float16) and the
 * 16-bit encodings (bfloat16 and IEEE float16, round to nearest even from the float32 value).
 */
import type { DType } from './tensor.js';

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
export const MAX16 = { bfloat16: 3.3895313892515355e38, float16: 65504 } as const;

/** The 16-bit dtypes. */
export type Half = 'bfloat16' | 'float16';

/** A float32 value as the bits of a 16-bit dtype. */
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

/** `value` as stored in a dtype's array: the number itself, or its 16-bit encoding. */
export function encodeIn(dtype: DType, value = 1): number {
  if (dtype === 'bfloat16') return toBfloat16(Math.fround(value));
  if (dtype === 'float16') return toFloat16(Math.fround(value));
  return value;
}
