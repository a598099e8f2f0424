// The SIMD kernels, written once with GCC/Clang vector extensions and compiled once per ISA.
//
// NOT a normal header: an ISA file (kernels_avx512.cc, ...) includes it inside its own
// namespace + anonymous namespace, after all system headers and under its target pragma,
// having defined:
//   NNINIT_VB             vector width in bytes (16, 32, 64)
//   NNINIT_N32/NNINIT_N64 lanes of 32/64-bit elements (VB/4, VB/8) as plain literals
//   NNINIT_SQRT_PS/PD(v)  correctly rounded vector square roots
//   kBatchBlocks          philox_gen's block granularity
//   philox_gen(dst, b0, nblocks, key)  blocks b0 .. b0+nblocks-1 (nblocks a multiple of
//                         kBatchBlocks), 4 words each, into dst in word order
// Everything it defines therefore has internal linkage and this ISA's code generation.
//
// Every operation below is the one lib/kernels/distributions.ts and math.ts perform, in the
// same order (see native/src/math.h for the scalar copy); integer and select steps replace
// the TS branches. Operations exact by construction (int->float of small integers, the
// 2^52 magic-number conversions, multiplications by powers of two, sign flips) are noted.

typedef float vf __attribute__((vector_size(NNINIT_VB)));
typedef int32_t vi __attribute__((vector_size(NNINIT_VB)));
typedef uint32_t vu __attribute__((vector_size(NNINIT_VB)));
typedef double vd __attribute__((vector_size(NNINIT_VB)));
typedef int64_t vl __attribute__((vector_size(NNINIT_VB)));
typedef uint64_t vq __attribute__((vector_size(NNINIT_VB)));

const size_t N32 = NNINIT_N32;
const size_t N64 = NNINIT_N64;
static_assert(N32 * 4 == NNINIT_VB && N64 * 8 == NNINIT_VB, "lane counts");

#define NNINIT_EVEN_2 0, 2
#define NNINIT_ODD_2 1, 3
#define NNINIT_ILO_2 0, 2
#define NNINIT_IHI_2 1, 3
#define NNINIT_EVEN_4 0, 2, 4, 6
#define NNINIT_ODD_4 1, 3, 5, 7
#define NNINIT_ILO_4 0, 4, 1, 5
#define NNINIT_IHI_4 2, 6, 3, 7
#define NNINIT_EVEN_8 0, 2, 4, 6, 8, 10, 12, 14
#define NNINIT_ODD_8 1, 3, 5, 7, 9, 11, 13, 15
#define NNINIT_ILO_8 0, 8, 1, 9, 2, 10, 3, 11
#define NNINIT_IHI_8 4, 12, 5, 13, 6, 14, 7, 15
#define NNINIT_EVEN_16 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30
#define NNINIT_ODD_16 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31
#define NNINIT_ILO_16 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23
#define NNINIT_IHI_16 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31
#define NNINIT_CAT_(a, b) a##b
#define NNINIT_CAT(a, b) NNINIT_CAT_(a, b)
#define NNINIT_SHUF(kind, n, a, b) __builtin_shufflevector(a, b, NNINIT_CAT(NNINIT_CAT(NNINIT_, kind), NNINIT_CAT(_, n)))

template <class V>
inline V loadu(const void* p) {
  V v;
  __builtin_memcpy(&v, p, sizeof(V));
  return v;
}
template <class V>
inline void storeu(void* p, V v) {
  __builtin_memcpy(p, &v, sizeof(V));
}
inline vf splat_f(float a) {
  vf v;
  for (size_t i = 0; i < N32; i++) v[i] = a;
  return v;
}
inline vd splat_d(double a) {
  vd v;
  for (size_t i = 0; i < N64; i++) v[i] = a;
  return v;
}
inline size_t round_up(size_t x, size_t m) { return (x + m - 1) / m * m; }
inline size_t min_sz(size_t a, size_t b) { return a < b ? a : b; }

// Exact conversion of integers 0 <= x < 2^52 held in 64-bit lanes.
inline vd u52_to_d(vq x) { return (vd)(x | 0x4330000000000000ull) - 4503599627370496.0; }
// Exact conversion of integers |x| < 2^51.
inline vd i51_to_d(vl x) { return (vd)(x + 0x4338000000000000ll) - 6755399441055744.0; }

// ------------------------------------------------------------------------------ words

const size_t kBufWords = 1024 + 256;
static_assert(kBatchBlocks * 4 <= 256 - 8, "buffer slack");

// `count` words from word `skip` of block `block` (and a few more: whole batches) into
// buf; returns the pointer to the first. count <= 1024 + 4.
inline const uint32_t* gen_at(uint32_t* buf, const Key& key, uint64_t block, size_t skip,
                              size_t count) {
  const size_t nblk = round_up((skip + count + 3) / 4, kBatchBlocks);
  philox_gen(buf, block, nblk, key);
  return buf + skip;
}
inline const uint32_t* gen(uint32_t* buf, const Key& key, uint64_t word0, size_t count) {
  return gen_at(buf, key, word0 >> 2, static_cast<size_t>(word0 & 3), count);
}

// ------------------------------------------------------------------------------ float32

template <size_t N>
inline vf horner32v(const float (&c)[N], vf x) {
  vf r = splat_f(c[N - 1]);
  for (size_t i = N - 1; i-- > 0;) r = r * x + c[i];
  return r;
}

inline vf log_mant_exp32v(vf m, vi e) {
  const vi big = m > fmath::SQRT2_F32;
  m = big ? m * 0.5f : m;
  e = e - big;  // big is -1 where the mantissa was folded
  const vf f = m - 1.0f;
  const vf f2 = f * f;
  const vf y = (f2 * f) * horner32v(fmath::LOG_F32, f);
  const vf core = (y - 0.5f * f2) + f;
  const vf k = __builtin_convertvector(e, vf);  // small integers: exact
  return k * fmath::LN2_HI_F32 + (k * fmath::LN2_LO_F32 + core);
}

// log of positive normal floats (log32).
inline vf log32v(vf x) {
  const vu b = (vu)x;
  const vi e = (vi)((b >> 23) & 0xffu) - 127;
  return log_mant_exp32v((vf)((b & 0x7fffffu) | 0x3f800000u), e);
}

inline void sincos_turn24v(vu k, vf* c_out, vf* s_out) {
  const vu oct = k >> 21;
  vu r = k & 0x1fffffu;
  r = (oct & 1u) != 0 ? 0x200000u - r : r;
  const vf t = __builtin_convertvector((vi)r, vf) * 4.76837158203125e-7f;  // exact
  const vf t2 = t * t;
  const vf s = t * horner32v(fmath::SIN_F32, t2);
  const vf c = horner32v(fmath::COS_F32, t2);
  const vi sw = ((oct + 1u) & 2u) != 0;
  const vu s1 = (vu)(sw ? c : s);
  const vu c1 = (vu)(sw ? s : c);
  *s_out = (vf)(s1 ^ ((oct & 4u) << 29));          // -s where oct & 4
  *c_out = (vf)(c1 ^ (((oct + 2u) & 4u) << 29));   // -c where (oct + 2) & 4
}

inline vf u24_unit(vu w) {  // (w >>> 8) * 2^-24, exact
  return __builtin_convertvector((vi)(w >> 8), vf) * 5.9604644775390625e-8f;
}

// Element g uses word g: bits, uniform f32, truncated normal fast path. Words are
// addressed by (block, skip) so that bits reaches blocks beyond word 2^64.
template <class V, class T, class F>
inline void run_w1(T* out, size_t n, const Key& key, uint64_t block, unsigned skip, F op) {
  alignas(64) uint32_t buf[kBufWords];
  while (n) {
    const size_t m = min_sz(n, 1024);  // a multiple of 4: the next chunk keeps `skip`
    const uint32_t* w = gen_at(buf, key, block, skip, round_up(m, N32));
    size_t j = 0;
    // Two independent vectors per step: their polynomial chains interleave.
    for (; j + 2 * N32 <= m; j += 2 * N32) {
      const V r0 = op(loadu<vu>(w + j));
      const V r1 = op(loadu<vu>(w + j + N32));
      storeu(out + j, r0);
      storeu(out + j + N32, r1);
    }
    for (; j + N32 <= m; j += N32) storeu(out + j, op(loadu<vu>(w + j)));
    if (j < m) {
      const V t = op(loadu<vu>(w + j));
      __builtin_memcpy(out + j, &t, (m - j) * sizeof(T));
    }
    out += m;
    block += m / 4;
    n -= m;
  }
}

// Per-element operations are functors, not lambdas: GCC emits a lambda's static invoker
// without the target attributes of the enclosing region.
struct BitsOp {
  vu operator()(vu w) const { return w; }
};

void k_bits(uint32_t* out, size_t n, const Key& key, uint64_t block, unsigned skip) {
  run_w1<vu>(out, n, key, block, skip, BitsOp());
}

struct UniformF32Op {
  float low, scale, upper;
  vf operator()(vu w) const {
    const vf v = low + scale * u24_unit(w);
    return v < upper ? v : upper;
  }
};

void k_uniform_f32(float* out, size_t n, const Key& key, uint64_t offset, const UniformParams& p) {
  const float low = static_cast<float>(p.low), scale = static_cast<float>(p.scale),
              upper = static_cast<float>(p.upper);
  run_w1<vf>(out, n, key, offset >> 2, offset & 3, UniformF32Op{low, scale, upper});
}

struct TruncFastOp {
  float ea, d, scale, mean, lo, hi;
  vf operator()(vu w) const {
    const vf x = ea + d * u24_unit(w);
    const vf lw = -log32v((1.0f - x) * (1.0f + x));
    const vf e = x * horner32v(fmath::ERFINV_F32, lw - 2.5f);
    vf v = mean + scale * e;
    v = v < lo ? lo : v;
    return v > hi ? hi : v;
  }
};

void k_truncated_normal_f32(float* out, size_t n, const Key& key, uint64_t offset,
                            const TruncatedNormalParams& p) {
  if (!p.fast) {
    scalar::truncated_normal_f32(out, n, key, offset, p);
    return;
  }
  const float ea = static_cast<float>(p.ea), d = static_cast<float>(p.d),
              scale = static_cast<float>(p.scale), mean = static_cast<float>(p.mean),
              lo = static_cast<float>(p.lo), hi = static_cast<float>(p.hi);
  run_w1<vf>(out, n, key, offset >> 2, offset & 3, TruncFastOp{ea, d, scale, mean, lo, hi});
}

void k_normal_f32(float* out, size_t n, const Key& key, uint64_t offset, const NormalParams& p) {
  if (n == 0) return;
  if (offset & 1) {  // odd head: the sine half of a pair
    scalar::normal_f32(out, 1, key, offset, p);
    out++; offset++; n--;
  }
  const size_t tail = n & 1;
  const float mean = static_cast<float>(p.mean), sd = static_cast<float>(p.std);
  alignas(64) uint32_t buf[kBufWords];
  size_t pairs = n / 2;
  uint64_t p0 = offset / 2;
  float* o = out;
  while (pairs) {
    const size_t m = min_sz(pairs, 512);
    const uint32_t* w = gen(buf, key, 2 * p0, 2 * round_up(m, N32));
    size_t j = 0;
    for (; j < m; j += N32) {
      const vu a = loadu<vu>(w + 2 * j), b = loadu<vu>(w + 2 * j + N32);
      const vu w0 = NNINIT_SHUF(EVEN, NNINIT_N32, a, b);
      const vu w1 = NNINIT_SHUF(ODD, NNINIT_N32, a, b);
      // logU24((w0 >>> 8) + 1): the float's exponent and mantissa are clz's e and n 2^-e.
      const vf nf = __builtin_convertvector((vi)((w0 >> 8) + 1u), vf);  // <= 2^24: exact
      const vu nb = (vu)nf;
      const vi e = (vi)(nb >> 23) - (127 + 24);
      const vf l = log_mant_exp32v((vf)((nb & 0x7fffffu) | 0x3f800000u), e);
      const vf r = NNINIT_SQRT_PS(-2.0f * l);
      vf c, s;
      sincos_turn24v(w1 >> 8, &c, &s);
      const vf oc = mean + sd * (r * c);
      const vf os = mean + sd * (r * s);
      const vf lo = NNINIT_SHUF(ILO, NNINIT_N32, oc, os);
      const vf hi = NNINIT_SHUF(IHI, NNINIT_N32, oc, os);
      if (j + N32 <= m) {
        storeu(o + 2 * j, lo);
        storeu(o + 2 * j + N32, hi);
      } else {
        float t[2 * N32];
        storeu(t, lo);
        storeu(t + N32, hi);
        __builtin_memcpy(o + 2 * j, t, 2 * (m - j) * sizeof(float));
      }
    }
    o += 2 * m;
    p0 += m;
    pairs -= m;
  }
  if (tail) scalar::normal_f32(o, 1, key, 2 * p0, p);
}

// ------------------------------------------------------------------------------ float64

template <size_t N>
inline vd horner64v(const double (&c)[N], vd x) {
  vd r = splat_d(c[N - 1]);
  for (size_t i = N - 1; i-- > 0;) r = r * x + c[i];
  return r;
}

inline vd log_mant_exp64v(vd m, vl e) {
  const vl big = m > fmath::SQRT2_F64;
  m = big ? m * 0.5 : m;
  e = e - big;
  const vd f = m - 1.0;
  const vd s = f / (2.0 + f);
  const vd z = s * s;
  const vd R = z * horner64v(fmath::LOG_F64, z);
  const vd k = i51_to_d(e);
  return k * fmath::LN2_HI - ((s * (f - R) - k * fmath::LN2_LO) - f);
}

// The 53-bit integer of words (lo32 = word 2g, hi32 = word 2g+1) of each lane, exactly:
// (w0 >>> 5) * 2^26 + (w1 >>> 6).
inline vd u53_of(vq q) {
  return u52_to_d((q & 0xffffffffull) >> 5) * 67108864.0 + u52_to_d(q >> 38);
}

void k_uniform_f64(double* out, size_t n, const Key& key, uint64_t offset,
                   const UniformParams& p) {
  const double low = p.low, scale = p.scale, upper = p.upper;
  alignas(64) uint32_t buf[kBufWords];
  while (n) {
    const size_t m = min_sz(n, 512);
    const uint32_t* w = gen(buf, key, 2 * offset, 2 * round_up(m, N64));
    for (size_t j = 0; j < m; j += N64) {
      const vd u = u53_of(loadu<vq>(w + 2 * j)) * 1.1102230246251565e-16;
      vd v = low + scale * u;
      v = v < upper ? v : upper;
      if (j + N64 <= m) storeu(out + j, v);
      else __builtin_memcpy(out + j, &v, (m - j) * sizeof(double));
    }
    out += m;
    offset += m;
    n -= m;
  }
}

void k_normal_f64(double* out, size_t n, const Key& key, uint64_t offset, const NormalParams& p) {
  if (n == 0) return;
  if (offset & 1) {
    scalar::normal_f64(out, 1, key, offset, p);
    out++; offset++; n--;
  }
  const size_t tail = n & 1;
  const double mean = p.mean, sd = p.std;
  alignas(64) uint32_t buf[kBufWords];
  size_t pairs = n / 2;
  uint64_t p0 = offset / 2;
  double* o = out;
  while (pairs) {
    const size_t m = min_sz(pairs, 256);
    const uint32_t* w = gen(buf, key, 4 * p0, 4 * round_up(m, N64));
    for (size_t j = 0; j < m; j += N64) {
      const vq a = loadu<vq>(w + 4 * j), b = loadu<vq>(w + 4 * j + 2 * N64);
      const vq L0 = NNINIT_SHUF(EVEN, NNINIT_N64, a, b);  // words 0,1 of each pair's block
      const vq L1 = NNINIT_SHUF(ODD, NNINIT_N64, a, b);   // words 2,3
      const vd n1 = u53_of(L0) + 1.0;
      const vq nb = (vq)n1;
      const vl e = (vl)(nb >> 52) - (1023 + 53);
      const vd l = log_mant_exp64v((vd)((nb & 0xfffffffffffffull) | 0x3ff0000000000000ull), e);
      const vd r = NNINIT_SQRT_PD(-2.0 * l);
      // sincosTurn53(w2 >>> 5, w3 >>> 6)
      const vq h27 = (L1 & 0xffffffffull) >> 5;
      const vq oct = h27 >> 24;
      vq ri = ((h27 & 0xffffffull) << 26) + (L1 >> 38);
      ri = (oct & 1u) != 0 ? (1ull << 50) - ri : ri;
      const vd t = u52_to_d(ri) * 8.881784197001252e-16;  // 2^-50, exact
      const vd t2 = t * t;
      const vd sv = t * horner64v(fmath::SIN_F64, t2);
      const vd cv = horner64v(fmath::COS_F64, t2);
      const vl sw = ((oct + 1u) & 2u) != 0;
      const vq s1 = (vq)(sw ? cv : sv);
      const vq c1 = (vq)(sw ? sv : cv);
      const vd s = (vd)(s1 ^ ((oct & 4u) << 61));
      const vd c = (vd)(c1 ^ (((oct + 2u) & 4u) << 61));
      const vd oc = mean + sd * (r * c);
      const vd os = mean + sd * (r * s);
      const vd lo = NNINIT_SHUF(ILO, NNINIT_N64, oc, os);
      const vd hi = NNINIT_SHUF(IHI, NNINIT_N64, oc, os);
      if (j + N64 <= m) {
        storeu(o + 2 * j, lo);
        storeu(o + 2 * j + N64, hi);
      } else {
        double t[2 * N64];
        storeu(t, lo);
        storeu(t + N64, hi);
        __builtin_memcpy(o + 2 * j, t, 2 * (m - j) * sizeof(double));
      }
    }
    o += 2 * m;
    p0 += m;
    pairs -= m;
  }
  if (tail) scalar::normal_f64(o, 1, key, 2 * p0, p);
}

void k_truncated_normal_f64(double* out, size_t n, const Key& key, uint64_t offset,
                            const TruncatedNormalParams& p) {
  scalar::truncated_normal_f64(out, n, key, offset, p);
}
