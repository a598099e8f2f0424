/** Float dtypes: rounding helpers for bounds and the 16-bit encodings. */

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

/** The next double above x (x finite). */
export function nextUpF64(x: number): number {
  return -nextDownF64(-x);
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
