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

/** erfinv(x) for |x| < erf(2.9 / sqrt 2): the float32 truncated-normal fast path. */
export function erfinvCentral32(x: number): number {
  const w = -log32(fr(fr(1 - x) * fr(1 + x)));
  return fr(x * polyERFINV_F32(fr(w - 2.5)));
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
