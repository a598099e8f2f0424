/**
 * nninit's own elementary functions, the readable specification of the value path.
 *
 * Math.log/sin/cos/exp differ between engines and builds, so bit-exact results need our
 * own polynomials (DESIGN.md section 3). Every function here is mirrored op for op in
 * native/src/math.h (scalar) and in each SIMD kernel. Float32 functions wrap every single
 * operation in Math.fround: one binary64 +,-,*,/ or sqrt rounded to binary32 equals the
 * binary32 operation. Coefficients come from scripts/fit-polynomials.py (least squares on
 * Chebyshev nodes against mpmath); AS241 coefficients are from Wichura (1988).
 *
 * Nothing in this file may use FMA-like shortcuts, Math.log/exp/pow/sin/cos, or reorder
 * an expression: the C++ copies must execute the same IEEE operations in the same order.
 */

const fr = Math.fround;

// ---------------------------------------------------------------------------------------
// Shared bit access for frexp (the C++ side uses bit casts).

const f32buf = new Float32Array(1);
const u32of32 = new Uint32Array(f32buf.buffer);
const f64buf = new Float64Array(1);
const u32of64 = new Uint32Array(f64buf.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE ? 1 : 0;

/** 2^k for integer k in [-1074, 1023], built by exact doubling (never Math.pow). */
export const POW2: (k: number) => number = (() => {
  const table = new Float64Array(1074 + 1024);
  let v = 1;
  for (let k = 0; k <= 1023; k++) { table[1074 + k] = v; v *= 2; }
  v = 1;
  for (let k = 0; k >= -1074; k--) { table[1074 + k] = v; v /= 2; }
  return (k: number) => table[1074 + k]!;
})();

// ---------------------------------------------------------------------------------------
// Float32

/** log(1+f) - f + f^2/2 = f^3 P(f) on [sqrt(1/2)-1, sqrt(2)-1]. */
export const LOG_F32 = [
  0.33333417773246765, -0.2500055730342865, 0.1998373419046402, -0.1660931408405304,
  0.14720448851585388, -0.13972172141075134, 0.08906170725822449,
].map(fr);
/** sin(pi/4 t) = t S(t^2), t in [0, 1]. */
export const SIN_F32 = [
  0.7853981852531433, -0.08074542880058289, 0.0024900007992982864, -3.595034286263399e-5,
].map(fr);
/** cos(pi/4 t) = C(t^2), t in [0, 1]. */
export const COS_F32 = [
  1.0, -0.3084251284599304, 0.015854323282837868, -0.00032593647483736277,
  3.5287546324980212e-6,
].map(fr);
/** erfinv(x) = x E(w - 2.5), w = -log((1-x)(1+x)) < 5. */
export const ERFINV_F32 = [
  1.5014094114303589, 0.24664074182510376, -0.004177678842097521, -0.001253729802556336,
  0.00021857737738173455, -4.389634341350757e-6, -3.52223651134409e-6, 3.430734238918376e-7,
  2.7989555562157875e-8,
].map(fr);

// Unrolled Horner forms (the same operations as horner32, in the same order; V8 runs them
// faster than the loop).
const [log_f320, log_f321, log_f322, log_f323, log_f324, log_f325, log_f326] = LOG_F32 as [number, number, number, number, number, number, number];
function polyLOG_F32(x: number): number {
  return fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(log_f326 * x) + log_f325) * x) + log_f324) * x) + log_f323) * x) + log_f322) * x) + log_f321) * x) + log_f320);
}
const [sin_f320, sin_f321, sin_f322, sin_f323] = SIN_F32 as [number, number, number, number];
function polySIN_F32(x: number): number {
  return fr(fr(fr(fr(fr(fr(sin_f323 * x) + sin_f322) * x) + sin_f321) * x) + sin_f320);
}
const [cos_f320, cos_f321, cos_f322, cos_f323, cos_f324] = COS_F32 as [number, number, number, number, number];
function polyCOS_F32(x: number): number {
  return fr(fr(fr(fr(fr(fr(fr(fr(cos_f324 * x) + cos_f323) * x) + cos_f322) * x) + cos_f321) * x) + cos_f320);
}
const [erfinv_f320, erfinv_f321, erfinv_f322, erfinv_f323, erfinv_f324, erfinv_f325, erfinv_f326, erfinv_f327, erfinv_f328] = ERFINV_F32 as [number, number, number, number, number, number, number, number, number];
function polyERFINV_F32(x: number): number {
  return fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(erfinv_f328 * x) + erfinv_f327) * x) + erfinv_f326) * x) + erfinv_f325) * x) + erfinv_f324) * x) + erfinv_f323) * x) + erfinv_f322) * x) + erfinv_f321) * x) + erfinv_f320);
}

/** The float32 nearest sqrt(2) (below it): mantissas above it fold down by one octave. */
export const SQRT2_F32 = fr(Math.SQRT2);
/** ln 2 split so that k * LN2_HI_F32 is exact for |k| < 2^10. */
export const LN2_HI_F32 = 0.693359375;
export const LN2_LO_F32 = fr(-2.12194440e-4);


/**
 * log of m * 2^e for m in [1, 2) (a float32 mantissa) and integer e: the shared tail of
 * every float32 log. Folds m above sqrt(2) down an octave, then log(1+f) by polynomial.
 */
export function logMantExp32(m: number, e: number): number {
  if (m > SQRT2_F32) { m = fr(m * 0.5); e += 1; }
  const f = fr(m - 1);
  const f2 = fr(f * f);
  const y = fr(fr(f2 * f) * polyLOG_F32(f));
  const core = fr(fr(y - fr(0.5 * f2)) + f);
  const k = e;
  return fr(fr(k * LN2_HI_F32) + fr(fr(k * LN2_LO_F32) + core));
}

/** Natural log of a positive normal float32 value x. */
export function log32(x: number): number {
  f32buf[0] = x;
  const bits = u32of32[0]!;
  const e = ((bits >>> 23) & 0xff) - 127;
  u32of32[0] = (bits & 0x7fffff) | 0x3f800000;
  return logMantExp32(f32buf[0]!, e);
}

/**
 * log(n * 2^-24) for an integer 1 <= n <= 2^24: the Box-Muller radius input. Equal to
 * log32(n * 2^-24), computed from the integer (clz) instead of the float's bits.
 */
export function logU24(n: number): number {
  const e = 31 - Math.clz32(n);
  return logMantExp32(n * POW2(-e), e - 24);
}

/**
 * sin and cos of 2*pi*k/2^24 for a 24-bit integer k, written to out[0] (cos), out[1]
 * (sin). The octant comes from the top 3 bits, so the reduction is exact integer work.
 */
export function sincosTurn24(k: number, out: Float64Array | number[]): void {
  const oct = k >>> 21;
  let r = k & 0x1fffff;
  if (oct & 1) r = 0x200000 - r;
  const t = r * 4.76837158203125e-7; // 2^-21, exact
  const t2 = fr(t * t);
  let s = fr(t * polySIN_F32(t2));
  let c = polyCOS_F32(t2);
  if ((oct + 1) & 2) { const tmp = s; s = c; c = tmp; }
  if (oct & 4) s = -s;
  if ((oct + 2) & 4) c = -c;
  out[0] = c;
  out[1] = s;
}

// ---------------------------------------------------------------------------------------
// Float32 Box-Muller, four pairs at a time

/** The 24-bit mantissa of SQRT2_F32 (0x3fb504f3): m > SQRT2_F32 iff mant(m) > this. */
const SQRT2_MANT = 0xb504f3;
/** 2^-24 and 2^-21. */
const U24 = 5.960464477539063e-8;
const T21 = 4.76837158203125e-7;
/**
 * Signs of the two results of octant o: the value made from the cosine polynomial lands in
 * slot sw = ((o + 1) >> 1) & 1 (0: the cos output, 1: the sin output) and takes that slot's
 * sign, the sine value lands in the other slot (see sincosTurn24's swap and negations).
 */
const SIGN_C = new Float64Array(8);
const SIGN_S = new Float64Array(8);
for (let o = 0; o < 8; o++) {
  const sw = ((o + 1) >> 1) & 1, sgnCos = (o + 2) & 4 ? -1 : 1, sgnSin = o & 4 ? -1 : 1;
  SIGN_C[o] = sw ? sgnSin : sgnCos;
  SIGN_S[o] = sw ? sgnCos : sgnSin;
}

/**
 * The fast form of the float32 Box-Muller pair: for pairs i = 0, 4, 8, .. below `pairs - 3`
 * (whole groups of four), reads words[w + 2i] (radius) and words[w + 2i + 1] (angle) and
 * writes
 *
 *   out[at + 2i]     = fr(mean + fr(std * fr(r * cos))),
 *   out[at + 2i + 1] = fr(mean + fr(std * fr(r * sin))),
 *
 * with r = fr(sqrt(-2 logU24((a >>> 8) + 1))) and (cos, sin) = sincosTurn24(b >>> 8): exactly
 * the values of those reference functions. Returns the number of pairs written (a multiple
 * of 4); the caller finishes the rest with the reference.
 *
 * Same IEEE operations, in the same order, as logU24 / logMantExp32 / sincosTurn24; what
 * differs is only how they are scheduled and which exact steps are done on integers:
 * - four independent pairs are interleaved (each float32 step is a multiply or add plus two
 *   conversions, and one pair's polynomials form a long dependency chain);
 * - the octave fold of logMantExp32 (m > SQRT2_F32: m * 0.5, e + 1) and f = m - 1 are exact
 *   (a power-of-two scaling; Sterbenz), so they are done on the integer mantissa
 *   mi = n << clz(n) >>> 8 in [2^23, 2^24): f = (mi * 2^(1-b) - 2^24) * 2^-24, an integer
 *   below 2^24 in magnitude times a power of two, and k = e - 24 + b = 7 - clz(n) + b;
 * - Math.fround is dropped on k * LN2_HI_F32 (|k| <= 25 times a 9-bit constant: exact and a
 *   float32) and on 0.5 * f2 (a power-of-two scaling), as in the reference;
 * - the octant's swap and negations are branch-free: rounding is symmetric, so
 *   fr(std * fr(r * -x)) = -fr(std * fr(r * x)) bit for bit (signed zeros included), and the
 *   sign is applied by an exact multiplication by +-1 (SIGN_C, SIGN_S) before the mean is
 *   added; the swap is done by the store index. The mirror 2^21 - r of odd octants uses the
 *   mask m = -(o & 1): ((r ^ m) - m) + (m & 2^21).
 * test/philox.test.ts checks it against the reference over millions of pairs.
 */
export function boxMullerF32(
  words: Uint32Array, w: number, pairs: number, out: Float32Array, at: number, mean: number, std: number,
): number {
  let i = 0;
  for (; i + 4 <= pairs; i += 4, w += 8, at += 8) {
    // Radius: n = (a >>> 8) + 1 in [1, 2^24] as mantissa mi (24 bits) and clz; b = 1 folds m
    // above sqrt(2); f = m - 1 and k = e - 24 + b, all exact.
    const na = (words[w + 0]! >>> 8) + 1, za = Math.clz32(na), mia = (na << za) >>> 8;
    const nb = (words[w + 2]! >>> 8) + 1, zb = Math.clz32(nb), mib = (nb << zb) >>> 8;
    const nc = (words[w + 4]! >>> 8) + 1, zc = Math.clz32(nc), mic = (nc << zc) >>> 8;
    const nd = (words[w + 6]! >>> 8) + 1, zd = Math.clz32(nd), mid = (nd << zd) >>> 8;
    const ba = (SQRT2_MANT - mia) >>> 31, ka = 7 - za + ba, fa = ((mia << (1 - ba)) - 0x1000000) * U24;
    const bb = (SQRT2_MANT - mib) >>> 31, kb = 7 - zb + bb, fb = ((mib << (1 - bb)) - 0x1000000) * U24;
    const bc = (SQRT2_MANT - mic) >>> 31, kc = 7 - zc + bc, fc = ((mic << (1 - bc)) - 0x1000000) * U24;
    const bd = (SQRT2_MANT - mid) >>> 31, kd = 7 - zd + bd, fd = ((mid << (1 - bd)) - 0x1000000) * U24;
    // Angle: octant o and t = r * 2^-21 (exact), r mirrored to 2^21 - r in odd octants.
    const qa = words[w + 1]! >>> 8, oa = qa >>> 21, ma = (oa << 31) >> 31;
    const qb = words[w + 3]! >>> 8, ob = qb >>> 21, mb = (ob << 31) >> 31;
    const qc = words[w + 5]! >>> 8, oc = qc >>> 21, mc = (oc << 31) >> 31;
    const qd = words[w + 7]! >>> 8, od = qd >>> 21, md = (od << 31) >> 31;
    const ta = ((((qa & 0x1fffff) ^ ma) - ma) + (ma & 0x200000)) * T21;
    const tb = ((((qb & 0x1fffff) ^ mb) - mb) + (mb & 0x200000)) * T21;
    const tc = ((((qc & 0x1fffff) ^ mc) - mc) + (mc & 0x200000)) * T21;
    const td = ((((qd & 0x1fffff) ^ md) - md) + (md & 0x200000)) * T21;
    // The float32 chains of logMantExp32 and sincosTurn24, op for op.
    const f2a = fr(fa * fa), t2a = fr(ta * ta);
    const f2b = fr(fb * fb), t2b = fr(tb * tb);
    const f2c = fr(fc * fc), t2c = fr(tc * tc);
    const f2d = fr(fd * fd), t2d = fr(td * td);
    const ya = fr(fr(f2a * fa) * fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(log_f326 * fa) + log_f325) * fa) + log_f324) * fa) + log_f323) * fa) + log_f322) * fa) + log_f321) * fa) + log_f320));
    const yb = fr(fr(f2b * fb) * fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(log_f326 * fb) + log_f325) * fb) + log_f324) * fb) + log_f323) * fb) + log_f322) * fb) + log_f321) * fb) + log_f320));
    const yc = fr(fr(f2c * fc) * fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(log_f326 * fc) + log_f325) * fc) + log_f324) * fc) + log_f323) * fc) + log_f322) * fc) + log_f321) * fc) + log_f320));
    const yd = fr(fr(f2d * fd) * fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(log_f326 * fd) + log_f325) * fd) + log_f324) * fd) + log_f323) * fd) + log_f322) * fd) + log_f321) * fd) + log_f320));
    const sa = fr(ta * fr(fr(fr(fr(fr(fr(sin_f323 * t2a) + sin_f322) * t2a) + sin_f321) * t2a) + sin_f320));
    const sb = fr(tb * fr(fr(fr(fr(fr(fr(sin_f323 * t2b) + sin_f322) * t2b) + sin_f321) * t2b) + sin_f320));
    const sc = fr(tc * fr(fr(fr(fr(fr(fr(sin_f323 * t2c) + sin_f322) * t2c) + sin_f321) * t2c) + sin_f320));
    const sd = fr(td * fr(fr(fr(fr(fr(fr(sin_f323 * t2d) + sin_f322) * t2d) + sin_f321) * t2d) + sin_f320));
    const ca = fr(fr(fr(fr(fr(fr(fr(fr(cos_f324 * t2a) + cos_f323) * t2a) + cos_f322) * t2a) + cos_f321) * t2a) + cos_f320);
    const cb = fr(fr(fr(fr(fr(fr(fr(fr(cos_f324 * t2b) + cos_f323) * t2b) + cos_f322) * t2b) + cos_f321) * t2b) + cos_f320);
    const cc = fr(fr(fr(fr(fr(fr(fr(fr(cos_f324 * t2c) + cos_f323) * t2c) + cos_f322) * t2c) + cos_f321) * t2c) + cos_f320);
    const cd = fr(fr(fr(fr(fr(fr(fr(fr(cos_f324 * t2d) + cos_f323) * t2d) + cos_f322) * t2d) + cos_f321) * t2d) + cos_f320);
    const la = fr(ka * LN2_HI_F32 + fr(fr(ka * LN2_LO_F32) + fr(fr(ya - 0.5 * f2a) + fa)));
    const lb = fr(kb * LN2_HI_F32 + fr(fr(kb * LN2_LO_F32) + fr(fr(yb - 0.5 * f2b) + fb)));
    const lc = fr(kc * LN2_HI_F32 + fr(fr(kc * LN2_LO_F32) + fr(fr(yc - 0.5 * f2c) + fc)));
    const ld = fr(kd * LN2_HI_F32 + fr(fr(kd * LN2_LO_F32) + fr(fr(yd - 0.5 * f2d) + fd)));
    // r = sqrt(-2 log); results with the octant's signs, stored in the octant's order.
    const ra = fr(Math.sqrt(-2 * la)), swa = ((oa + 1) >> 1) & 1;
    const rb = fr(Math.sqrt(-2 * lb)), swb = ((ob + 1) >> 1) & 1;
    const rc = fr(Math.sqrt(-2 * lc)), swc = ((oc + 1) >> 1) & 1;
    const rd = fr(Math.sqrt(-2 * ld)), swd = ((od + 1) >> 1) & 1;
    out[at + 0 + swa] = fr(mean + SIGN_C[oa]! * fr(std * fr(ra * ca)));
    out[at + 2 + swb] = fr(mean + SIGN_C[ob]! * fr(std * fr(rb * cb)));
    out[at + 4 + swc] = fr(mean + SIGN_C[oc]! * fr(std * fr(rc * cc)));
    out[at + 6 + swd] = fr(mean + SIGN_C[od]! * fr(std * fr(rd * cd)));
    out[at + 1 - swa] = fr(mean + SIGN_S[oa]! * fr(std * fr(ra * sa)));
    out[at + 3 - swb] = fr(mean + SIGN_S[ob]! * fr(std * fr(rb * sb)));
    out[at + 5 - swc] = fr(mean + SIGN_S[oc]! * fr(std * fr(rc * sc)));
    out[at + 7 - swd] = fr(mean + SIGN_S[od]! * fr(std * fr(rd * sd)));
  }
  return i;
}

/** erfinv(x) for |x| < erf(2.9 / sqrt 2): the float32 truncated-normal fast path. */
export function erfinvCentral32(x: number): number {
  const w = -log32(fr(fr(1 - x) * fr(1 + x)));
  return fr(x * polyERFINV_F32(fr(w - 2.5)));
}

/** 2^-8: the smallest (1 - x)(1 + x) the fast truncated-normal form takes (see below). */
const A_MIN = 0.00390625;

/**
 * The fast form of the float32 truncated-normal fast path: for elements j = 0 .. m - 1 in
 * whole groups of eight, x = fr(ea + fr(d * u)) with u = (words[w + j] >>> 8) * 2^-24, and
 *
 *   v = fr(mean + fr(scale * erfinvCentral32(x))),  out[at + j] = v clamped to [lo, hi]
 *
 * exactly as the reference loop in truncatedNormalF32 computes it. Returns the number of
 * elements written (a multiple of 8); the caller finishes the rest with the reference.
 *
 * The IEEE operations and their order are those of erfinvCentral32 / log32 / logMantExp32;
 * eight elements are interleaved (one element is a single long dependency chain), and the exponent and mantissa of the float32
 * a = (1 - x)(1 + x) come from integer ops instead of a Float32Array round trip: the fast
 * path has |x| <= erf(2.9 / sqrt 2) < 0.9963, so a > 0.0074 >= 2^-8, and A = a * 2^31 is
 * then an integer in [2^23, 2^31] (a power-of-two scaling of a 24-bit mantissa, exact):
 * a = mant * 2^-z with z = clz32(A) and the 24-bit mant = (A << z) >>> 8. The octave fold
 * and f = m - 1 are then done on the integer as in boxMullerF32, and Math.fround is dropped
 * where the reference's argument is already a float32 (k * LN2_HI_F32, 0.5 * f2). Should
 * any a ever be below 2^-8, it returns 0 and the caller's reference loop redoes them all.
 * The clamps run as a separate pass over out. test/philox.test.ts checks it against the
 * reference.
 */
export function truncNormalFastF32(
  words: Uint32Array, w: number, m: number, out: Float32Array, at: number,
  ea: number, d: number, scale: number, mean: number, lo: number, hi: number,
): number {
  const at0 = at;
  let i = 0, amin = 1;
  for (; i + 8 <= m; i += 8, w += 8, at += 8) {
    // x, then a = (1 - x)(1 + x) in float32.
    const xa = fr(ea + fr(d * ((words[w + 0]! >>> 8) * U24)));
    const xb = fr(ea + fr(d * ((words[w + 1]! >>> 8) * U24)));
    const xc = fr(ea + fr(d * ((words[w + 2]! >>> 8) * U24)));
    const xd = fr(ea + fr(d * ((words[w + 3]! >>> 8) * U24)));
    const xe = fr(ea + fr(d * ((words[w + 4]! >>> 8) * U24)));
    const xf = fr(ea + fr(d * ((words[w + 5]! >>> 8) * U24)));
    const xg = fr(ea + fr(d * ((words[w + 6]! >>> 8) * U24)));
    const xh = fr(ea + fr(d * ((words[w + 7]! >>> 8) * U24)));
    const aa = fr(fr(1 - xa) * fr(1 + xa));
    const ab = fr(fr(1 - xb) * fr(1 + xb));
    const ac = fr(fr(1 - xc) * fr(1 + xc));
    const ad = fr(fr(1 - xd) * fr(1 + xd));
    const ae = fr(fr(1 - xe) * fr(1 + xe));
    const af = fr(fr(1 - xf) * fr(1 + xf));
    const ag = fr(fr(1 - xg) * fr(1 + xg));
    const ah = fr(fr(1 - xh) * fr(1 + xh));
    amin = Math.min(amin, aa, ab, ac, ad, ae, af, ag, ah);
    // a >= 2^-8: A = a * 2^31 is an integer below 2^32 (exact); its clz32 z gives a = m * 2^-z.
    const Aa = aa * 2147483648, za = Math.clz32(Aa), mia = (Aa << za) >>> 8;
    const Ab = ab * 2147483648, zb = Math.clz32(Ab), mib = (Ab << zb) >>> 8;
    const Ac = ac * 2147483648, zc = Math.clz32(Ac), mic = (Ac << zc) >>> 8;
    const Ad = ad * 2147483648, zd = Math.clz32(Ad), mid = (Ad << zd) >>> 8;
    const Ae = ae * 2147483648, ze = Math.clz32(Ae), mie = (Ae << ze) >>> 8;
    const Af = af * 2147483648, zf = Math.clz32(Af), mif = (Af << zf) >>> 8;
    const Ag = ag * 2147483648, zg = Math.clz32(Ag), mig = (Ag << zg) >>> 8;
    const Ah = ah * 2147483648, zh = Math.clz32(Ah), mih = (Ah << zh) >>> 8;
    const ba = (SQRT2_MANT - mia) >>> 31, ka = ba - za, fa = ((mia << (1 - ba)) - 0x1000000) * U24;
    const bb = (SQRT2_MANT - mib) >>> 31, kb = bb - zb, fb = ((mib << (1 - bb)) - 0x1000000) * U24;
    const bc = (SQRT2_MANT - mic) >>> 31, kc = bc - zc, fc = ((mic << (1 - bc)) - 0x1000000) * U24;
    const bd = (SQRT2_MANT - mid) >>> 31, kd = bd - zd, fd = ((mid << (1 - bd)) - 0x1000000) * U24;
    const be = (SQRT2_MANT - mie) >>> 31, ke = be - ze, fe = ((mie << (1 - be)) - 0x1000000) * U24;
    const bf = (SQRT2_MANT - mif) >>> 31, kf = bf - zf, ff = ((mif << (1 - bf)) - 0x1000000) * U24;
    const bg = (SQRT2_MANT - mig) >>> 31, kg = bg - zg, fg = ((mig << (1 - bg)) - 0x1000000) * U24;
    const bh = (SQRT2_MANT - mih) >>> 31, kh = bh - zh, fh = ((mih << (1 - bh)) - 0x1000000) * U24;
    // The float32 chain of logMantExp32, then of erfinvCentral32, op for op.
    const f2a = fr(fa * fa);
    const f2b = fr(fb * fb);
    const f2c = fr(fc * fc);
    const f2d = fr(fd * fd);
    const f2e = fr(fe * fe);
    const f2f = fr(ff * ff);
    const f2g = fr(fg * fg);
    const f2h = fr(fh * fh);
    const ya = fr(fr(f2a * fa) * fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(log_f326 * fa) + log_f325) * fa) + log_f324) * fa) + log_f323) * fa) + log_f322) * fa) + log_f321) * fa) + log_f320));
    const yb = fr(fr(f2b * fb) * fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(log_f326 * fb) + log_f325) * fb) + log_f324) * fb) + log_f323) * fb) + log_f322) * fb) + log_f321) * fb) + log_f320));
    const yc = fr(fr(f2c * fc) * fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(log_f326 * fc) + log_f325) * fc) + log_f324) * fc) + log_f323) * fc) + log_f322) * fc) + log_f321) * fc) + log_f320));
    const yd = fr(fr(f2d * fd) * fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(log_f326 * fd) + log_f325) * fd) + log_f324) * fd) + log_f323) * fd) + log_f322) * fd) + log_f321) * fd) + log_f320));
    const ye = fr(fr(f2e * fe) * fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(log_f326 * fe) + log_f325) * fe) + log_f324) * fe) + log_f323) * fe) + log_f322) * fe) + log_f321) * fe) + log_f320));
    const yf = fr(fr(f2f * ff) * fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(log_f326 * ff) + log_f325) * ff) + log_f324) * ff) + log_f323) * ff) + log_f322) * ff) + log_f321) * ff) + log_f320));
    const yg = fr(fr(f2g * fg) * fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(log_f326 * fg) + log_f325) * fg) + log_f324) * fg) + log_f323) * fg) + log_f322) * fg) + log_f321) * fg) + log_f320));
    const yh = fr(fr(f2h * fh) * fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(log_f326 * fh) + log_f325) * fh) + log_f324) * fh) + log_f323) * fh) + log_f322) * fh) + log_f321) * fh) + log_f320));
    const la = fr(ka * LN2_HI_F32 + fr(fr(ka * LN2_LO_F32) + fr(fr(ya - 0.5 * f2a) + fa)));
    const lb = fr(kb * LN2_HI_F32 + fr(fr(kb * LN2_LO_F32) + fr(fr(yb - 0.5 * f2b) + fb)));
    const lc = fr(kc * LN2_HI_F32 + fr(fr(kc * LN2_LO_F32) + fr(fr(yc - 0.5 * f2c) + fc)));
    const ld = fr(kd * LN2_HI_F32 + fr(fr(kd * LN2_LO_F32) + fr(fr(yd - 0.5 * f2d) + fd)));
    const le = fr(ke * LN2_HI_F32 + fr(fr(ke * LN2_LO_F32) + fr(fr(ye - 0.5 * f2e) + fe)));
    const lf = fr(kf * LN2_HI_F32 + fr(fr(kf * LN2_LO_F32) + fr(fr(yf - 0.5 * f2f) + ff)));
    const lg = fr(kg * LN2_HI_F32 + fr(fr(kg * LN2_LO_F32) + fr(fr(yg - 0.5 * f2g) + fg)));
    const lh = fr(kh * LN2_HI_F32 + fr(fr(kh * LN2_LO_F32) + fr(fr(yh - 0.5 * f2h) + fh)));
    const qa = fr(-la - 2.5);
    const qb = fr(-lb - 2.5);
    const qc = fr(-lc - 2.5);
    const qd = fr(-ld - 2.5);
    const qe = fr(-le - 2.5);
    const qf = fr(-lf - 2.5);
    const qg = fr(-lg - 2.5);
    const qh = fr(-lh - 2.5);
    const ta = fr(xa * fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(erfinv_f328 * qa) + erfinv_f327) * qa) + erfinv_f326) * qa) + erfinv_f325) * qa) + erfinv_f324) * qa) + erfinv_f323) * qa) + erfinv_f322) * qa) + erfinv_f321) * qa) + erfinv_f320));
    const tb = fr(xb * fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(erfinv_f328 * qb) + erfinv_f327) * qb) + erfinv_f326) * qb) + erfinv_f325) * qb) + erfinv_f324) * qb) + erfinv_f323) * qb) + erfinv_f322) * qb) + erfinv_f321) * qb) + erfinv_f320));
    const tc = fr(xc * fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(erfinv_f328 * qc) + erfinv_f327) * qc) + erfinv_f326) * qc) + erfinv_f325) * qc) + erfinv_f324) * qc) + erfinv_f323) * qc) + erfinv_f322) * qc) + erfinv_f321) * qc) + erfinv_f320));
    const td = fr(xd * fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(erfinv_f328 * qd) + erfinv_f327) * qd) + erfinv_f326) * qd) + erfinv_f325) * qd) + erfinv_f324) * qd) + erfinv_f323) * qd) + erfinv_f322) * qd) + erfinv_f321) * qd) + erfinv_f320));
    const te = fr(xe * fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(erfinv_f328 * qe) + erfinv_f327) * qe) + erfinv_f326) * qe) + erfinv_f325) * qe) + erfinv_f324) * qe) + erfinv_f323) * qe) + erfinv_f322) * qe) + erfinv_f321) * qe) + erfinv_f320));
    const tf = fr(xf * fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(erfinv_f328 * qf) + erfinv_f327) * qf) + erfinv_f326) * qf) + erfinv_f325) * qf) + erfinv_f324) * qf) + erfinv_f323) * qf) + erfinv_f322) * qf) + erfinv_f321) * qf) + erfinv_f320));
    const tg = fr(xg * fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(erfinv_f328 * qg) + erfinv_f327) * qg) + erfinv_f326) * qg) + erfinv_f325) * qg) + erfinv_f324) * qg) + erfinv_f323) * qg) + erfinv_f322) * qg) + erfinv_f321) * qg) + erfinv_f320));
    const th = fr(xh * fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(fr(erfinv_f328 * qh) + erfinv_f327) * qh) + erfinv_f326) * qh) + erfinv_f325) * qh) + erfinv_f324) * qh) + erfinv_f323) * qh) + erfinv_f322) * qh) + erfinv_f321) * qh) + erfinv_f320));
    const va = fr(mean + fr(scale * ta));
    const vb = fr(mean + fr(scale * tb));
    const vc = fr(mean + fr(scale * tc));
    const vd = fr(mean + fr(scale * td));
    const ve = fr(mean + fr(scale * te));
    const vf = fr(mean + fr(scale * tf));
    const vg = fr(mean + fr(scale * tg));
    const vh = fr(mean + fr(scale * th));
    out[at + 0] = va;
    out[at + 1] = vb;
    out[at + 2] = vc;
    out[at + 3] = vd;
    out[at + 4] = ve;
    out[at + 5] = vf;
    out[at + 6] = vg;
    out[at + 7] = vh;
  }
  // (Never taken on the fast path's bounds, see above: then the caller redoes them all.)
  if (!(amin >= A_MIN)) return 0;
  // The clamps, as a second pass: branches inside the interleaved loop cost V8 far more.
  // v is a float32 value, so storing and reloading it is exact. The bounds are made plain
  // doubles first (+): a select between a double and a parameter V8 still holds tagged is
  // itself tagged, and costs a heap number allocation per element.
  const l = +lo, h = +hi;
  for (let j = at0; j < at0 + i; j++) {
    const v = out[j]!;
    const c = v < l ? l : v;
    out[j] = c > h ? h : c;
  }
  return i;
}

// ---------------------------------------------------------------------------------------
// Float64

/** log(1+f) = f - s (f - z Q(z)), s = f / (2 + f), z = s^2. */
export const LOG_F64 = [
  0.6666666666666666, 0.40000000000000874, 0.28571428570804414, 0.22222222391549865,
  0.1818179565607498, 0.15386238907731198, 0.1326879279824409, 0.130864351997889,
];
export const SIN_F64 = [
  0.7853981633974483, -0.08074551218828079, 0.0024903945701927202, -3.657620418217722e-5,
  3.13361689037665e-7, -1.7572476730202733e-9, 6.948452558685627e-12, -2.0409558257697415e-14,
  4.5911724451558335e-17,
];
export const COS_F64 = [
  1.0, -0.30842513753404244, 0.015854344243815502, -0.00032599188692739,
  3.5908604485915063e-6, -2.4611369504928542e-8, 1.1501159124957074e-10,
  -3.898072751854139e-13, 1.0018511708084831e-15, -2.0031832394901475e-18,
];
/** exp(r) = 1 + (r + r^2 E(r)), |r| <= ln2 / 2. */
export const EXP_F64 = [
  0.5, 0.16666666666666666, 0.04166666666666668, 0.008333333333333325, 0.001388888888887912,
  0.00019841269841306392, 2.4801587336331926e-5, 2.755731916515477e-6, 2.7557263386562516e-7,
  2.5052139454213225e-8, 2.0918101111782877e-9, 1.606592301113551e-10,
];
export const LN2_HI = 6.93147180369123816490e-1;
export const LN2_LO = 1.90821492927058770002e-10;
export const INV_LN2 = 1.44269504088896338700e0;

// Unrolled Horner forms of the float64 tables (same operations as horner64).
const [log_f640, log_f641, log_f642, log_f643, log_f644, log_f645, log_f646, log_f647] = LOG_F64 as [number, number, number, number, number, number, number, number];
function polyLOG_F64(x: number): number {
  return (((((((log_f647 * x + log_f646) * x + log_f645) * x + log_f644) * x + log_f643) * x + log_f642) * x + log_f641) * x + log_f640);
}
const [sin_f640, sin_f641, sin_f642, sin_f643, sin_f644, sin_f645, sin_f646, sin_f647, sin_f648] = SIN_F64 as [number, number, number, number, number, number, number, number, number];
function polySIN_F64(x: number): number {
  return ((((((((sin_f648 * x + sin_f647) * x + sin_f646) * x + sin_f645) * x + sin_f644) * x + sin_f643) * x + sin_f642) * x + sin_f641) * x + sin_f640);
}
const [cos_f640, cos_f641, cos_f642, cos_f643, cos_f644, cos_f645, cos_f646, cos_f647, cos_f648, cos_f649] = COS_F64 as [number, number, number, number, number, number, number, number, number, number];
function polyCOS_F64(x: number): number {
  return (((((((((cos_f649 * x + cos_f648) * x + cos_f647) * x + cos_f646) * x + cos_f645) * x + cos_f644) * x + cos_f643) * x + cos_f642) * x + cos_f641) * x + cos_f640);
}
const [exp_f640, exp_f641, exp_f642, exp_f643, exp_f644, exp_f645, exp_f646, exp_f647, exp_f648, exp_f649, exp_f6410, exp_f6411] = EXP_F64 as [number, number, number, number, number, number, number, number, number, number, number, number];
function polyEXP_F64(x: number): number {
  return (((((((((((exp_f6411 * x + exp_f6410) * x + exp_f649) * x + exp_f648) * x + exp_f647) * x + exp_f646) * x + exp_f645) * x + exp_f644) * x + exp_f643) * x + exp_f642) * x + exp_f641) * x + exp_f640);
}

function horner64(c: readonly number[], x: number): number {
  let r = c[c.length - 1]!;
  for (let i = c.length - 2; i >= 0; i--) r = r * x + c[i]!;
  return r;
}

/** log of m * 2^e, m in [1, 2). */
export function logMantExp64(m: number, e: number): number {
  if (m > Math.SQRT2) { m = m * 0.5; e += 1; }
  const f = m - 1;
  const s = f / (2 + f);
  const z = s * s;
  const R = z * polyLOG_F64(z);
  const k = e;
  return k * LN2_HI - ((s * (f - R) - k * LN2_LO) - f);
}

/** Natural log of a positive normal double; 0 gives -Infinity, +Infinity stays. */
export function log64(x: number): number {
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  let e = 0;
  if (x < 2.2250738585072014e-308) { x = x * 18014398509481984; e = -54; } // subnormal: scale by 2^54
  f64buf[0] = x;
  const hi = u32of64[HI]!;
  e += ((hi >>> 20) & 0x7ff) - 1023;
  u32of64[HI] = (hi & 0xfffff) | 0x3ff00000;
  return logMantExp64(f64buf[0]!, e);
}

/** log(n * 2^-53) for an integer 1 <= n <= 2^53. */
export function logU53(n: number): number {
  let e: number;
  if (n >= 67108864) e = 26 + 31 - Math.clz32(Math.floor(n / 67108864));
  else e = 31 - Math.clz32(n);
  return logMantExp64(n * POW2(-e), e - 53);
}

/** sin and cos of 2*pi*(hi27 * 2^26 + lo26) / 2^53 into out[0] (cos), out[1] (sin). */
export function sincosTurn53(hi27: number, lo26: number, out: Float64Array | number[]): void {
  const oct = hi27 >>> 24;
  let r = (hi27 & 0xffffff) * 67108864 + lo26;
  if (oct & 1) r = 1125899906842624 - r; // 2^50 - r
  const t = r * 8.881784197001252e-16; // 2^-50
  const t2 = t * t;
  let s = t * polySIN_F64(t2);
  let c = polyCOS_F64(t2);
  if ((oct + 1) & 2) { const tmp = s; s = c; c = tmp; }
  if (oct & 4) s = -s;
  if ((oct + 2) & 4) c = -c;
  out[0] = c;
  out[1] = s;
}

/** Fold and mirror factors of boxMullerF64, selected by a 0/1 index instead of a branch. */
const HALF = new Float64Array([1, 0.5]);
const MIRROR = new Float64Array([0, 1125899906842624]); // 0, 2^50
const MIRROR_SIGN = new Float64Array([1, -1]);

/**
 * The fast form of the float64 Box-Muller pair (normalF64): for pairs i in whole groups,
 * reads block words words[w + 4i .. w + 4i + 3] and writes
 *
 *   out[at + 2i]     = mean + std * (r * cos),   out[at + 2i + 1] = mean + std * (r * sin)
 *
 * with r = sqrt(-2 logU53(n)) and (cos, sin) = sincosTurn53(..): exactly the values of those
 * reference functions. Returns the number of pairs written; the caller does the rest.
 *
 * Same IEEE operations in the same order as logU53 / logMantExp64 / sincosTurn53, with
 * independent pairs interleaved and the unpredictable branches replaced by exact selects:
 * the fold m > sqrt(2) multiplies by HALF[b] (1 or 0.5: exact, and m * 1 = m), the odd-octant
 * mirror is MIRROR[d] + MIRROR_SIGN[d] * r (0 + r or 2^50 - r, exact on integers below 2^51),
 * and the octant's swap and signs are applied as in boxMullerF32 (multiplication is
 * sign-symmetric, so std * (r * -x) = -(std * (r * x)) bit for bit).
 */
export function boxMullerF64(
  words: Uint32Array, w: number, pairs: number, out: Float64Array, at: number, mean: number, std: number,
): number {
  let i = 0;
  for (; i + 4 <= pairs; i += 4, w += 16, at += 8) {
    // Radius: n = hi27 * 2^26 + lo26 + 1 in [1, 2^53], m = n * 2^-e in [1, 2) (exact); the fold
    // m > sqrt(2) multiplies m by HALF[1] = 0.5 (exact) and adds one to the exponent.
    const na = (words[w + 0]! >>> 5) * 67108864 + (words[w + 1]! >>> 6) + 1;
    const nb = (words[w + 4]! >>> 5) * 67108864 + (words[w + 5]! >>> 6) + 1;
    const nc = (words[w + 8]! >>> 5) * 67108864 + (words[w + 9]! >>> 6) + 1;
    const nd = (words[w + 12]! >>> 5) * 67108864 + (words[w + 13]! >>> 6) + 1;
    const ha = Math.floor(na / 67108864), ea = ha > 0 ? 57 - Math.clz32(ha) : 31 - Math.clz32(na);
    const hb = Math.floor(nb / 67108864), eb = hb > 0 ? 57 - Math.clz32(hb) : 31 - Math.clz32(nb);
    const hc = Math.floor(nc / 67108864), ec = hc > 0 ? 57 - Math.clz32(hc) : 31 - Math.clz32(nc);
    const hd = Math.floor(nd / 67108864), ed = hd > 0 ? 57 - Math.clz32(hd) : 31 - Math.clz32(nd);
    const ma = na * POW2(-ea), ba = +(ma > Math.SQRT2), ka = ea - 53 + ba;
    const mb = nb * POW2(-eb), bb = +(mb > Math.SQRT2), kb = eb - 53 + bb;
    const mc = nc * POW2(-ec), bc = +(mc > Math.SQRT2), kc = ec - 53 + bc;
    const md = nd * POW2(-ed), bd = +(md > Math.SQRT2), kd = ed - 53 + bd;
    const fa = ma * HALF[ba]! - 1;
    const fb = mb * HALF[bb]! - 1;
    const fc = mc * HALF[bc]! - 1;
    const fd = md * HALF[bd]! - 1;
    const sa = fa / (2 + fa), za = sa * sa;
    const sb = fb / (2 + fb), zb = sb * sb;
    const sc = fc / (2 + fc), zc = sc * sc;
    const sd = fd / (2 + fd), zd = sd * sd;
    const Ra = za * (((((((log_f647 * za + log_f646) * za + log_f645) * za + log_f644) * za + log_f643) * za + log_f642) * za + log_f641) * za + log_f640);
    const Rb = zb * (((((((log_f647 * zb + log_f646) * zb + log_f645) * zb + log_f644) * zb + log_f643) * zb + log_f642) * zb + log_f641) * zb + log_f640);
    const Rc = zc * (((((((log_f647 * zc + log_f646) * zc + log_f645) * zc + log_f644) * zc + log_f643) * zc + log_f642) * zc + log_f641) * zc + log_f640);
    const Rd = zd * (((((((log_f647 * zd + log_f646) * zd + log_f645) * zd + log_f644) * zd + log_f643) * zd + log_f642) * zd + log_f641) * zd + log_f640);
    const ra = Math.sqrt(-2 * (ka * LN2_HI - ((sa * (fa - Ra) - ka * LN2_LO) - fa)));
    const rb = Math.sqrt(-2 * (kb * LN2_HI - ((sb * (fb - Rb) - kb * LN2_LO) - fb)));
    const rc = Math.sqrt(-2 * (kc * LN2_HI - ((sc * (fc - Rc) - kc * LN2_LO) - fc)));
    const rd = Math.sqrt(-2 * (kd * LN2_HI - ((sd * (fd - Rd) - kd * LN2_LO) - fd)));
    // Angle: octant o, t = r * 2^-50 with r mirrored to 2^50 - r in odd octants (exact).
    const qa = words[w + 2]! >>> 5, oa = qa >>> 24, da = oa & 1;
    const qb = words[w + 6]! >>> 5, ob = qb >>> 24, db = ob & 1;
    const qc = words[w + 10]! >>> 5, oc = qc >>> 24, dc = oc & 1;
    const qd = words[w + 14]! >>> 5, od = qd >>> 24, dd = od & 1;
    const ta = (MIRROR[da]! + MIRROR_SIGN[da]! * ((qa & 0xffffff) * 67108864 + (words[w + 3]! >>> 6))) * 8.881784197001252e-16;
    const tb = (MIRROR[db]! + MIRROR_SIGN[db]! * ((qb & 0xffffff) * 67108864 + (words[w + 7]! >>> 6))) * 8.881784197001252e-16;
    const tc = (MIRROR[dc]! + MIRROR_SIGN[dc]! * ((qc & 0xffffff) * 67108864 + (words[w + 11]! >>> 6))) * 8.881784197001252e-16;
    const td = (MIRROR[dd]! + MIRROR_SIGN[dd]! * ((qd & 0xffffff) * 67108864 + (words[w + 15]! >>> 6))) * 8.881784197001252e-16;
    const t2a = ta * ta;
    const t2b = tb * tb;
    const t2c = tc * tc;
    const t2d = td * td;
    const Sa = ta * ((((((((sin_f648 * t2a + sin_f647) * t2a + sin_f646) * t2a + sin_f645) * t2a + sin_f644) * t2a + sin_f643) * t2a + sin_f642) * t2a + sin_f641) * t2a + sin_f640);
    const Sb = tb * ((((((((sin_f648 * t2b + sin_f647) * t2b + sin_f646) * t2b + sin_f645) * t2b + sin_f644) * t2b + sin_f643) * t2b + sin_f642) * t2b + sin_f641) * t2b + sin_f640);
    const Sc = tc * ((((((((sin_f648 * t2c + sin_f647) * t2c + sin_f646) * t2c + sin_f645) * t2c + sin_f644) * t2c + sin_f643) * t2c + sin_f642) * t2c + sin_f641) * t2c + sin_f640);
    const Sd = td * ((((((((sin_f648 * t2d + sin_f647) * t2d + sin_f646) * t2d + sin_f645) * t2d + sin_f644) * t2d + sin_f643) * t2d + sin_f642) * t2d + sin_f641) * t2d + sin_f640);
    const Ca = (((((((((cos_f649 * t2a + cos_f648) * t2a + cos_f647) * t2a + cos_f646) * t2a + cos_f645) * t2a + cos_f644) * t2a + cos_f643) * t2a + cos_f642) * t2a + cos_f641) * t2a + cos_f640);
    const Cb = (((((((((cos_f649 * t2b + cos_f648) * t2b + cos_f647) * t2b + cos_f646) * t2b + cos_f645) * t2b + cos_f644) * t2b + cos_f643) * t2b + cos_f642) * t2b + cos_f641) * t2b + cos_f640);
    const Cc = (((((((((cos_f649 * t2c + cos_f648) * t2c + cos_f647) * t2c + cos_f646) * t2c + cos_f645) * t2c + cos_f644) * t2c + cos_f643) * t2c + cos_f642) * t2c + cos_f641) * t2c + cos_f640);
    const Cd = (((((((((cos_f649 * t2d + cos_f648) * t2d + cos_f647) * t2d + cos_f646) * t2d + cos_f645) * t2d + cos_f644) * t2d + cos_f643) * t2d + cos_f642) * t2d + cos_f641) * t2d + cos_f640);
    const swa = ((oa + 1) >> 1) & 1;
    const swb = ((ob + 1) >> 1) & 1;
    const swc = ((oc + 1) >> 1) & 1;
    const swd = ((od + 1) >> 1) & 1;
    out[at + 0 + swa] = mean + SIGN_C[oa]! * (std * (ra * Ca));
    out[at + 2 + swb] = mean + SIGN_C[ob]! * (std * (rb * Cb));
    out[at + 4 + swc] = mean + SIGN_C[oc]! * (std * (rc * Cc));
    out[at + 6 + swd] = mean + SIGN_C[od]! * (std * (rd * Cd));
    out[at + 1 - swa] = mean + SIGN_S[oa]! * (std * (ra * Sa));
    out[at + 3 - swb] = mean + SIGN_S[ob]! * (std * (rb * Sb));
    out[at + 5 - swc] = mean + SIGN_S[oc]! * (std * (rc * Sc));
    out[at + 7 - swd] = mean + SIGN_S[od]! * (std * (rd * Sd));
  }
  return i;
}


const ROUND_MAGIC = 6755399441055744; // 1.5 * 2^52: x + M - M rounds to an integer

/** exp(x) for any double: 0 below -745.2, Infinity above 709.8. */
export function exp64(x: number): number {
  if (x !== x) return x;
  if (x > 709.782712893384) return Infinity;
  if (x < -745.1332191019412) return 0;
  const k = (x * INV_LN2 + ROUND_MAGIC) - ROUND_MAGIC;
  const r = (x - k * LN2_HI) - k * LN2_LO;
  const er = 1 + (r + r * r * polyEXP_F64(r));
  if (k < -1021) return (er * POW2(k + 54)) * POW2(-54);
  if (k > 1023) return (er * 2) * POW2(k - 1);
  return er * POW2(k);
}

/** exp(x) - 1, accurate near 0. */
export function expm1(x: number): number {
  if (x > -0.34657359027997264 && x < 0.34657359027997264) return x + x * x * polyEXP_F64(x);
  return exp64(x) - 1;
}

/** log(1 + x), accurate near 0 (x > -1). */
export function log1p(x: number): number {
  const u = 1 + x;
  if (u === 1) return x;
  // log(u) is exact for u; correct for the rounding of 1 + x.
  return log64(u) - ((u - 1) - x) / u;
}

// AS241 (Wichura, Applied Statistics 37(3), 1988), PPND16: the normal quantile.
const AS241_A = [3.3871328727963666080e0, 1.3314166789178437745e2, 1.9715909503065514427e3,
  1.3731693765509461125e4, 4.5921953931549871457e4, 6.7265770927008700853e4,
  3.3430575583588128105e4, 2.5090809287301226727e3];
const AS241_B = [1, 4.2313330701600911252e1, 6.8718700749205790830e2, 5.3941960214247511077e3,
  2.1213794301586595867e4, 3.9307895800092710610e4, 2.8729085735721942674e4,
  5.2264952788528545610e3];
const AS241_C = [1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0,
  3.64784832476320460504e0, 1.27045825245236838258e0, 2.41780725177450611770e-1,
  2.27238449892691845833e-2, 7.74545014278341407640e-4];
const AS241_D = [1, 2.05319162663775882187e0, 1.67638483018380384940e0, 6.89767334985100004550e-1,
  1.48103976427480074590e-1, 1.51986665636164571966e-2, 5.47593808499534494600e-4,
  1.05075007164441684324e-9];
const AS241_E = [6.65790464350110377720e0, 5.46378491116411436990e0, 1.78482653991729133580e0,
  2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3,
  2.71155556874348757815e-5, 2.01033439929228813265e-7];
const AS241_F = [1, 5.99832206555887937690e-1, 1.36929880922735805310e-1,
  1.48753612908506148525e-2, 7.86869131145613259100e-4, 1.84631831751005468180e-5,
  1.42151175831644588870e-7, 2.04426310338993978564e-15];
export const AS241 = { A: AS241_A, B: AS241_B, C: AS241_C, D: AS241_D, E: AS241_E, F: AS241_F };

/** log(0.075) and log(0.925): AS241's central region |p - 1/2| <= 0.425, in log space. */
export const LOG_P_LOW = -2.5902671654458267;
export const LOG_P_HIGH = -0.07796154146971186;
/** Below this log p, AS241's tail fit is refined by Newton steps on the asymptotic series. */
export const LOG_P_EXTREME = -700;

/** Normal quantile from the tail variable r = sqrt(-log q) (q = the smaller tail area), >= 0. */
function tailQuantile(r: number): number {
  if (r <= 5) {
    const t = r - 1.6;
    return horner64(AS241_C, t) / horner64(AS241_D, t);
  }
  const t = r - 5;
  return horner64(AS241_E, t) / horner64(AS241_F, t);
}

/**
 * log Phi(x) for x < -37 by its asymptotic series, the derivative-free part of the Newton
 * refinement in the extreme tail.
 */
function logPhiAsymptotic(x: number): number {
  const y = 1 / (x * x);
  const s = 1 - y * (1 - y * (3 - y * (15 - y * (105 - y * 945))));
  return (-0.5 * x * x - log64(-x)) - 0.9189385332046728 + log64(s);
}

/**
 * The standard normal quantile Phi^-1(p), given lp = log p (lp <= 0). Accurate to a few ulp
 * for every representable lp, including far below the smallest double p.
 */
export function normalQuantileFromLog(lp: number): number {
  if (lp >= LOG_P_LOW && lp <= LOG_P_HIGH) {
    const q = exp64(lp) - 0.5;
    const r = 0.180625 - q * q;
    return q * horner64(AS241_A, r) / horner64(AS241_B, r);
  }
  if (lp > LOG_P_HIGH) {
    const qq = 1 - exp64(lp);
    if (qq === 0) return Infinity;
    return tailQuantile(Math.sqrt(-log64(qq)));
  }
  let x = -tailQuantile(Math.sqrt(-lp));
  if (lp < LOG_P_EXTREME) {
    for (let i = 0; i < 2; i++) {
      const g = -x - 1 / x; // d log Phi / dx in the far tail
      x = x - (logPhiAsymptotic(x) - lp) / g;
    }
  }
  return x;
}
