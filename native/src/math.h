// nninit's elementary functions in C++, op for op the same as lib/kernels/math.ts.
//
// Float32 functions use `float` where math.ts wraps an operation in Math.fround; float64
// functions use `double`. Coefficients are written as double literals and converted to
// float once, which is what `.map(Math.fround)` does (a float literal `0.1f` would round the
// decimal directly and could differ by double rounding). Compile with -ffp-contract=off.
//
// Everything is `static`: ISA translation units that include this header get private
// copies (no COMDAT merging of AVX code into baseline code).
#ifndef NNINIT_MATH_H_
#define NNINIT_MATH_H_

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace nninit {
namespace fmath {

static inline uint32_t bits_of(float x) { uint32_t u; std::memcpy(&u, &x, 4); return u; }
static inline float float_of(uint32_t u) { float x; std::memcpy(&x, &u, 4); return x; }
static inline uint64_t bits_of(double x) { uint64_t u; std::memcpy(&u, &x, 8); return u; }
static inline double double_of(uint64_t u) { double x; std::memcpy(&x, &u, 8); return x; }

static inline int clz32(uint32_t x) {  // x != 0
#if defined(__GNUC__)
  return __builtin_clz(x);
#else
  int n = 0;
  while (!(x & 0x80000000u)) { x <<= 1; n++; }
  return n;
#endif
}

// 2^k exactly, k in [-1074, 1023] (POW2 of math.ts).
static inline double pow2(int k) {
  if (k >= -1022) return double_of(static_cast<uint64_t>(k + 1023) << 52);
  return double_of(uint64_t{1} << (k + 1074));
}

// ----------------------------------------------------------------------------- float32

static const float LOG_F32[] = {
    (float)0.33333417773246765, (float)-0.2500055730342865, (float)0.1998373419046402,
    (float)-0.1660931408405304, (float)0.14720448851585388, (float)-0.13972172141075134,
    (float)0.08906170725822449};
static const float SIN_F32[] = {(float)0.7853981852531433, (float)-0.08074542880058289,
                                (float)0.0024900007992982864, (float)-3.595034286263399e-5};
static const float COS_F32[] = {(float)1.0, (float)-0.3084251284599304,
                                (float)0.015854323282837868, (float)-0.00032593647483736277,
                                (float)3.5287546324980212e-6};
static const float ERFINV_F32[] = {
    (float)1.5014094114303589,     (float)0.24664074182510376,   (float)-0.004177678842097521,
    (float)-0.001253729802556336,  (float)0.00021857737738173455, (float)-4.389634341350757e-6,
    (float)-3.52223651134409e-6,   (float)3.430734238918376e-7,  (float)2.7989555562157875e-8};
static const float SQRT2_F32 = (float)1.4142135623730951;
static const float LN2_HI_F32 = (float)0.693359375;
static const float LN2_LO_F32 = (float)-2.12194440e-4;

template <size_t N>
static inline float horner32(const float (&c)[N], float x) {
  float r = c[N - 1];
  for (size_t i = N - 1; i-- > 0;) r = r * x + c[i];  // two roundings: fp-contract=off
  return r;
}

static inline float log_mant_exp32(float m, int e) {
  if (m > SQRT2_F32) { m = m * 0.5f; e += 1; }
  const float f = m - 1.0f;
  const float f2 = f * f;
  const float y = (f2 * f) * horner32(LOG_F32, f);
  const float core = (y - 0.5f * f2) + f;
  const float k = static_cast<float>(e);
  return k * LN2_HI_F32 + (k * LN2_LO_F32 + core);
}

static inline float log32(float x) {
  const uint32_t b = bits_of(x);
  const int e = static_cast<int>((b >> 23) & 0xff) - 127;
  return log_mant_exp32(float_of((b & 0x7fffff) | 0x3f800000), e);
}

// log(n * 2^-24), 1 <= n <= 2^24.
static inline float log_u24(uint32_t n) {
  const int e = 31 - clz32(n);
  return log_mant_exp32(static_cast<float>(static_cast<double>(n) * pow2(-e)), e - 24);
}

// cos and sin of 2 pi k / 2^24, k < 2^24.
static inline void sincos_turn24(uint32_t k, float* c_out, float* s_out) {
  const uint32_t oct = k >> 21;
  uint32_t r = k & 0x1fffff;
  if (oct & 1) r = 0x200000 - r;
  const float t = static_cast<float>(r) * 4.76837158203125e-7f;  // 2^-21, exact
  const float t2 = t * t;
  float s = t * horner32(SIN_F32, t2);
  float c = horner32(COS_F32, t2);
  if ((oct + 1) & 2) { const float tmp = s; s = c; c = tmp; }
  if (oct & 4) s = -s;
  if ((oct + 2) & 4) c = -c;
  *c_out = c;
  *s_out = s;
}

static inline float erfinv_central32(float x) {
  const float w = -log32((1.0f - x) * (1.0f + x));
  return x * horner32(ERFINV_F32, w - 2.5f);
}

// ----------------------------------------------------------------------------- float64

static const double LOG_F64[] = {0.6666666666666666,  0.40000000000000874, 0.28571428570804414,
                                 0.22222222391549865, 0.1818179565607498,  0.15386238907731198,
                                 0.1326879279824409,  0.130864351997889};
static const double SIN_F64[] = {0.7853981633974483,     -0.08074551218828079,
                                 0.0024903945701927202,  -3.657620418217722e-5,
                                 3.13361689037665e-7,    -1.7572476730202733e-9,
                                 6.948452558685627e-12,  -2.0409558257697415e-14,
                                 4.5911724451558335e-17};
static const double COS_F64[] = {1.0,
                                 -0.30842513753404244,
                                 0.015854344243815502,
                                 -0.00032599188692739,
                                 3.5908604485915063e-6,
                                 -2.4611369504928542e-8,
                                 1.1501159124957074e-10,
                                 -3.898072751854139e-13,
                                 1.0018511708084831e-15,
                                 -2.0031832394901475e-18};
static const double EXP_F64[] = {0.5,
                                 0.16666666666666666,
                                 0.04166666666666668,
                                 0.008333333333333325,
                                 0.001388888888887912,
                                 0.00019841269841306392,
                                 2.4801587336331926e-5,
                                 2.755731916515477e-6,
                                 2.7557263386562516e-7,
                                 2.5052139454213225e-8,
                                 2.0918101111782877e-9,
                                 1.606592301113551e-10};
static const double LN2_HI = 6.93147180369123816490e-1;
static const double LN2_LO = 1.90821492927058770002e-10;
static const double INV_LN2 = 1.44269504088896338700e0;
static const double SQRT2_F64 = 1.4142135623730951;  // Math.SQRT2

template <size_t N>
static inline double horner64(const double (&c)[N], double x) {
  double r = c[N - 1];
  for (size_t i = N - 1; i-- > 0;) r = r * x + c[i];
  return r;
}

static inline double log_mant_exp64(double m, int e) {
  if (m > SQRT2_F64) { m = m * 0.5; e += 1; }
  const double f = m - 1;
  const double s = f / (2 + f);
  const double z = s * s;
  const double R = z * horner64(LOG_F64, z);
  const double k = e;
  return k * LN2_HI - ((s * (f - R) - k * LN2_LO) - f);
}

static inline double log64(double x) {
  if (x == 0) return -std::numeric_limits<double>::infinity();
  if (x == std::numeric_limits<double>::infinity()) return x;
  int e = 0;
  if (x < 2.2250738585072014e-308) { x = x * 18014398509481984.0; e = -54; }
  const uint64_t b = bits_of(x);
  const uint32_t hi = static_cast<uint32_t>(b >> 32);
  e += static_cast<int>((hi >> 20) & 0x7ff) - 1023;
  const uint64_t mb = (static_cast<uint64_t>((hi & 0xfffff) | 0x3ff00000) << 32) | (b & 0xffffffffu);
  return log_mant_exp64(double_of(mb), e);
}

// log(n * 2^-53), 1 <= n <= 2^53 an integer (n is exact as a double, so its exponent and
// mantissa are the clz-based e and n * 2^-e of math.ts).
static inline double log_u53(double n) {
  const uint64_t b = bits_of(n);
  const int e = static_cast<int>(b >> 52) - 1023;
  return log_mant_exp64(double_of((b & 0xfffffffffffffull) | 0x3ff0000000000000ull), e - 53);
}

// cos and sin of 2 pi (hi27 * 2^26 + lo26) / 2^53.
static inline void sincos_turn53(uint32_t hi27, uint32_t lo26, double* c_out, double* s_out) {
  const uint32_t oct = hi27 >> 24;
  uint64_t r = (static_cast<uint64_t>(hi27 & 0xffffff) << 26) + lo26;
  if (oct & 1) r = (uint64_t{1} << 50) - r;
  const double t = static_cast<double>(r) * 8.881784197001252e-16;  // 2^-50, exact
  const double t2 = t * t;
  double s = t * horner64(SIN_F64, t2);
  double c = horner64(COS_F64, t2);
  if ((oct + 1) & 2) { const double tmp = s; s = c; c = tmp; }
  if (oct & 4) s = -s;
  if ((oct + 2) & 4) c = -c;
  *c_out = c;
  *s_out = s;
}

static const double ROUND_MAGIC = 6755399441055744.0;

static inline double exp64(double x) {
  if (x != x) return x;
  if (x > 709.782712893384) return std::numeric_limits<double>::infinity();
  if (x < -745.1332191019412) return 0;
  const double k = (x * INV_LN2 + ROUND_MAGIC) - ROUND_MAGIC;
  const double r = (x - k * LN2_HI) - k * LN2_LO;
  const double er = 1 + (r + r * r * horner64(EXP_F64, r));
  const int ki = static_cast<int>(k);
  if (ki < -1021) return (er * pow2(ki + 54)) * pow2(-54);
  if (ki > 1023) return (er * 2) * pow2(ki - 1);
  return er * pow2(ki);
}

static inline double expm1(double x) {
  if (x > -0.34657359027997264 && x < 0.34657359027997264) return x + x * x * horner64(EXP_F64, x);
  return exp64(x) - 1;
}

static inline double log1p(double x) {
  const double u = 1 + x;
  if (u == 1) return x;
  return log64(u) - ((u - 1) - x) / u;
}

static const double AS241_A[] = {3.3871328727963666080e0, 1.3314166789178437745e2,
                                 1.9715909503065514427e3, 1.3731693765509461125e4,
                                 4.5921953931549871457e4, 6.7265770927008700853e4,
                                 3.3430575583588128105e4, 2.5090809287301226727e3};
static const double AS241_B[] = {1,
                                 4.2313330701600911252e1,
                                 6.8718700749205790830e2,
                                 5.3941960214247511077e3,
                                 2.1213794301586595867e4,
                                 3.9307895800092710610e4,
                                 2.8729085735721942674e4,
                                 5.2264952788528545610e3};
static const double AS241_C[] = {1.42343711074968357734e0, 4.63033784615654529590e0,
                                 5.76949722146069140550e0, 3.64784832476320460504e0,
                                 1.27045825245236838258e0, 2.41780725177450611770e-1,
                                 2.27238449892691845833e-2, 7.74545014278341407640e-4};
static const double AS241_D[] = {1,
                                 2.05319162663775882187e0,
                                 1.67638483018380384940e0,
                                 6.89767334985100004550e-1,
                                 1.48103976427480074590e-1,
                                 1.51986665636164571966e-2,
                                 5.47593808499534494600e-4,
                                 1.05075007164441684324e-9};
static const double AS241_E[] = {6.65790464350110377720e0, 5.46378491116411436990e0,
                                 1.78482653991729133580e0, 2.96560571828504891230e-1,
                                 2.65321895265761230930e-2, 1.24266094738807843860e-3,
                                 2.71155556874348757815e-5, 2.01033439929228813265e-7};
static const double AS241_F[] = {1,
                                 5.99832206555887937690e-1,
                                 1.36929880922735805310e-1,
                                 1.48753612908506148525e-2,
                                 7.86869131145613259100e-4,
                                 1.84631831751005468180e-5,
                                 1.42151175831644588870e-7,
                                 2.04426310338993978564e-15};

static const double LOG_P_LOW = -2.5902671654458267;
static const double LOG_P_HIGH = -0.07796154146971186;
static const double LOG_P_EXTREME = -700;

static inline double tail_quantile(double r) {
  if (r <= 5) {
    const double t = r - 1.6;
    return horner64(AS241_C, t) / horner64(AS241_D, t);
  }
  const double t = r - 5;
  return horner64(AS241_E, t) / horner64(AS241_F, t);
}

static inline double log_phi_asymptotic(double x) {
  const double y = 1 / (x * x);
  const double s = 1 - y * (1 - y * (3 - y * (15 - y * (105 - y * 945))));
  return (-0.5 * x * x - log64(-x)) - 0.9189385332046728 + log64(s);
}

static inline double normal_quantile_from_log(double lp) {
  if (lp >= LOG_P_LOW && lp <= LOG_P_HIGH) {
    const double q = exp64(lp) - 0.5;
    const double r = 0.180625 - q * q;
    return q * horner64(AS241_A, r) / horner64(AS241_B, r);
  }
  if (lp > LOG_P_HIGH) {
    const double qq = 1 - exp64(lp);
    if (qq == 0) return std::numeric_limits<double>::infinity();
    return tail_quantile(std::sqrt(-log64(qq)));
  }
  double x = -tail_quantile(std::sqrt(-lp));
  if (lp < LOG_P_EXTREME) {
    for (int i = 0; i < 2; i++) {
      const double g = -x - 1 / x;
      x = x - (log_phi_asymptotic(x) - lp) / g;
    }
  }
  return x;
}

}  // namespace fmath
}  // namespace nninit

#endif  // NNINIT_MATH_H_
