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
// a - 0 is a, bit for bit (also -0); written as a vector expression because clang does not
// always unroll a lane-by-lane loop (wasm32: it then goes through memory).
inline vf splat_f(float a) { return a - (vf){}; }
inline vd splat_d(double a) { return a - (vd){}; }
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

template <class T>
inline void trunc_log_run(T* out, size_t n, const Key& key, uint64_t offset,
                          const TruncatedNormalParams& p);

struct TruncFastOp {
  float ea, d, scale, mean, lo, hi;
  // Four vectors statement by statement: the log and erfinv polynomials are one long
  // dependency chain per vector, which left AVX2 latency-bound with two in flight.
  void four(const vu* w, vf* out) const {
    vf x[4], m[4], f[4], f2[4], y[4], k[4], lw[4], t[4], h[4];
    vi e[4];
#pragma GCC unroll 4
    for (int i = 0; i < 4; i++) {
      x[i] = ea + d * u24_unit(w[i]);
      const vu b = (vu)((1.0f - x[i]) * (1.0f + x[i]));
      e[i] = (vi)((b >> 23) & 0xffu) - 127;
      m[i] = (vf)((b & 0x7fffffu) | 0x3f800000u);
      const vi big = m[i] > fmath::SQRT2_F32;
      m[i] = big ? m[i] * 0.5f : m[i];
      e[i] = e[i] - big;
      f[i] = m[i] - 1.0f;
      f2[i] = f[i] * f[i];
      y[i] = splat_f(fmath::LOG_F32[6]);
    }
    for (int c = 5; c >= 0; c--) {
#pragma GCC unroll 4
      for (int i = 0; i < 4; i++) y[i] = y[i] * f[i] + fmath::LOG_F32[c];
    }
#pragma GCC unroll 4
    for (int i = 0; i < 4; i++) {
      y[i] = (f2[i] * f[i]) * y[i];
      const vf core = (y[i] - 0.5f * f2[i]) + f[i];
      k[i] = __builtin_convertvector(e[i], vf);
      lw[i] = -(k[i] * fmath::LN2_HI_F32 + (k[i] * fmath::LN2_LO_F32 + core));
      t[i] = lw[i] - 2.5f;
      h[i] = splat_f(fmath::ERFINV_F32[8]);
    }
    for (int c = 7; c >= 0; c--) {
#pragma GCC unroll 4
      for (int i = 0; i < 4; i++) h[i] = h[i] * t[i] + fmath::ERFINV_F32[c];
    }
#pragma GCC unroll 4
    for (int i = 0; i < 4; i++) {
      vf v = mean + scale * (x[i] * h[i]);
      v = v < lo ? lo : v;
      out[i] = v > hi ? hi : v;
    }
  }
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
    trunc_log_run<float>(out, n, key, offset, p);
    return;
  }
  const float ea = static_cast<float>(p.ea), d = static_cast<float>(p.d),
              scale = static_cast<float>(p.scale), mean = static_cast<float>(p.mean),
              lo = static_cast<float>(p.lo), hi = static_cast<float>(p.hi);
  const TruncFastOp op{ea, d, scale, mean, lo, hi};
  alignas(64) uint32_t buf[kBufWords];
  uint64_t block = offset >> 2;
  const unsigned skip = offset & 3;
  while (n) {
    const size_t m = min_sz(n, 1024);  // a multiple of 4: the next chunk keeps `skip`
    const uint32_t* w = gen_at(buf, key, block, skip, round_up(m, N32));
    size_t j = 0;
    for (; j + 4 * N32 <= m; j += 4 * N32) {
      vu wv[4];
      vf r[4];
      for (int i = 0; i < 4; i++) wv[i] = loadu<vu>(w + j + i * N32);
      op.four(wv, r);
      for (int i = 0; i < 4; i++) storeu(out + j + i * N32, r[i]);
    }
    for (; j + N32 <= m; j += N32) storeu(out + j, op(loadu<vu>(w + j)));
    if (j < m) {
      const vf t = op(loadu<vu>(w + j));
      __builtin_memcpy(out + j, &t, (m - j) * sizeof(float));
    }
    out += m;
    block += m / 4;
    n -= m;
  }
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
    // Two vector pairs per step, statement by statement (log, sqrt and sincos chains of
    // one pair alone leave AVX2 latency-bound).
    for (; j + 2 * N32 <= m; j += 2 * N32) {
      vu w0[2], w1[2];
      vf r[2], c[2], sn[2];
#pragma GCC unroll 2
      for (int i = 0; i < 2; i++) {
        const vu a = loadu<vu>(w + 2 * (j + i * N32)), b = loadu<vu>(w + 2 * (j + i * N32) + N32);
        w0[i] = NNINIT_SHUF(EVEN, NNINIT_N32, a, b);
        w1[i] = NNINIT_SHUF(ODD, NNINIT_N32, a, b);
      }
      vf lm[2];
      vi le[2];
#pragma GCC unroll 2
      for (int i = 0; i < 2; i++) {
        const vf nf = __builtin_convertvector((vi)((w0[i] >> 8) + 1u), vf);  // <= 2^24: exact
        const vu nb = (vu)nf;
        le[i] = (vi)(nb >> 23) - (127 + 24);
        lm[i] = (vf)((nb & 0x7fffffu) | 0x3f800000u);
      }
#pragma GCC unroll 2
      for (int i = 0; i < 2; i++) {
        r[i] = NNINIT_SQRT_PS(-2.0f * log_mant_exp32v(lm[i], le[i]));
        sincos_turn24v(w1[i] >> 8, &c[i], &sn[i]);
      }
#pragma GCC unroll 2
      for (int i = 0; i < 2; i++) {
        const vf oc = mean + sd * (r[i] * c[i]);
        const vf os = mean + sd * (r[i] * sn[i]);
        storeu(o + 2 * (j + i * N32), NNINIT_SHUF(ILO, NNINIT_N32, oc, os));
        storeu(o + 2 * (j + i * N32) + N32, NNINIT_SHUF(IHI, NNINIT_N32, oc, os));
      }
    }
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

// ------------------------------------------------------------- truncated normal, log path

// True when any 64-bit lane of m (0 or all ones) is set.
#ifndef NNINIT_ANY64
inline bool any64(vl m) {
  uint64_t acc = 0;
  for (size_t i = 0; i < N64; i++) acc |= static_cast<uint64_t>(m[i]);
  return acc != 0;
}
#else
inline bool any64(vl m) { return NNINIT_ANY64(m); }
#endif

const double kMinNormal = 2.2250738585072014e-308;

// Which branches of normal_quantile_from_log a call can reach, from the range of lp
// (lpb + log(v), v in [e0, 1] up to rounding; a margin keeps the estimate conservative).
// Loop-invariant flags: the vector code computes exactly the branches a call can reach,
// without data-dependent (mispredicted) branches.
struct LogPathPlan {
  bool cen, up, low;
};
inline LogPathPlan plan_log_path(const TruncatedNormalParams& p) {
  const double margin = 1e-6;
  const double lp_max = p.lpb + margin;
  const double lp_min = p.e0 > 0 ? p.lpb + fmath::log64(p.e0) - margin : -1e308;
  LogPathPlan plan;
  plan.up = !(lp_max <= fmath::LOG_P_HIGH);
  plan.low = !(lp_min >= fmath::LOG_P_LOW);
  plan.cen = !(lp_max < fmath::LOG_P_LOW || lp_min > fmath::LOG_P_HIGH);
  return plan;
}

// K independent vectors, each statement applied to all K before the next: the long
// dependency chains (log, exp, log, sqrt, division) of the vectors interleave instead of
// running one after another (one vector's chain is longer than the out-of-order window).
#define NNINIT_FOR_K _Pragma("GCC unroll 4") for (int k = 0; k < K; k++)

template <int K, size_t N>
inline void horner64k(const double (&c)[N], const vd* x, vd* r) {
  NNINIT_FOR_K r[k] = splat_d(c[N - 1]);
  for (size_t i = N - 1; i-- > 0;) {
    NNINIT_FOR_K r[k] = r[k] * x[k] + c[i];
  }
}

template <int K>
inline void log_pos64k(const vd* x, vd* out) {
  vd m[K], f[K], s[K], z[K], R[K], kk[K];
  vl e[K];
  NNINIT_FOR_K {
    const vq b = (vq)x[k];
    e[k] = (vl)(b >> 52) - 1023;
    m[k] = (vd)((b & 0xfffffffffffffull) | 0x3ff0000000000000ull);
    const vl big = m[k] > fmath::SQRT2_F64;
    m[k] = big ? m[k] * 0.5 : m[k];
    e[k] = e[k] - big;
    f[k] = m[k] - 1.0;
    s[k] = f[k] / (2.0 + f[k]);
    z[k] = s[k] * s[k];
  }
  horner64k<K>(fmath::LOG_F64, z, R);
  NNINIT_FOR_K {
    R[k] = z[k] * R[k];
    kk[k] = i51_to_d(e[k]);
    out[k] = kk[k] * fmath::LN2_HI - ((s[k] * (f[k] - R[k]) - kk[k] * fmath::LN2_LO) - f[k]);
  }
}

template <int K>
inline void exp64k(const vd* x, vd* out) {
  vd kd[K], r[K], h[K];
  NNINIT_FOR_K {
    kd[k] = (x[k] * fmath::INV_LN2 + fmath::ROUND_MAGIC) - fmath::ROUND_MAGIC;
    r[k] = (x[k] - kd[k] * fmath::LN2_HI) - kd[k] * fmath::LN2_LO;
  }
  horner64k<K>(fmath::EXP_F64, r, h);
  NNINIT_FOR_K {
    const vd er = 1.0 + (r[k] + r[k] * r[k] * h[k]);
    // kd is a small integer: kd + 1.5 2^52 holds it in its low mantissa bits (exact).
    const vl ki = (vl)(kd[k] + fmath::ROUND_MAGIC) - (vl)splat_d(fmath::ROUND_MAGIC);
    out[k] = er * (vd)((ki + 1023) << 52);  // er * 2^k, k in [-1021, 1023]: exact pow2
  }
}

// mean + std (flip x) of trunc_log (kernels_scalar.cc) for each lane's 53-bit integer, with
// normal_quantile_from_log's branches computed for whichever lanes need them and blended.
// The quotients of the branches are blended before one division: (q A(r)) / B(r),
// C(t) / D(t) and E(t) / F(t) are each one correctly rounded division of the same
// operands as in the scalar code, and -(C / D) == (-C) / D exactly.
// Returns false (the caller then uses the scalar function for these vectors) when a lane
// needs a rare path: log of a subnormal or zero, 1 - exp(lp) == 0 or not a normal number,
// or lp < LOG_P_EXTREME (Newton steps).
template <int K>
inline bool trunc_log_v(const vd* u53, const TruncatedNormalParams& p, const LogPathPlan& plan,
                        vd* out) {
  vd v[K], lp[K], num[K], den[K], e[K];
  vl cen[K], up[K], low[K];
  vl bad = (vl)splat_d(0.0);
  NNINIT_FOR_K {
    const vd u = (u53[k] + 1.0) * 1.1102230246251565e-16;
    v[k] = p.e0 + u * p.c0;
    bad |= !(v[k] >= kMinNormal);
  }
  if (any64(bad)) return false;
  log_pos64k<K>(v, lp);
  NNINIT_FOR_K {
    lp[k] = p.lpb + lp[k];
    cen[k] = (lp[k] >= fmath::LOG_P_LOW) & (lp[k] <= fmath::LOG_P_HIGH);
    up[k] = lp[k] > fmath::LOG_P_HIGH;
    low[k] = ~(cen[k] | up[k]);
    // The plan is conservative; should a lane ever fall outside it, the scalar code decides.
    if (!plan.cen) bad |= cen[k];
    if (!plan.up) bad |= up[k];
    if (!plan.low) bad |= low[k];
    if (plan.low) bad |= lp[k] < fmath::LOG_P_EXTREME;
    num[k] = splat_d(0.0);
    den[k] = splat_d(1.0);
    e[k] = splat_d(0.5);
  }
  if (any64(bad)) return false;
  if (plan.cen || plan.up) {
    vd xe[K];
    NNINIT_FOR_K xe[k] = (cen[k] | up[k]) ? lp[k] : -1.0;
    exp64k<K>(xe, e);
  }
  if (plan.cen) {
    vd q[K], r[K];
    NNINIT_FOR_K {
      q[k] = e[k] - 0.5;
      r[k] = 0.180625 - q[k] * q[k];
    }
    horner64k<K>(fmath::AS241_A, r, num);
    horner64k<K>(fmath::AS241_B, r, den);
    NNINIT_FOR_K num[k] = q[k] * num[k];
  }
  if (plan.up || plan.low) {
    vd arg[K], r[K], t[K], tn[K], td[K];
    NNINIT_FOR_K arg[k] = -lp[k];
    if (plan.up) {
      vd qq[K], lq[K];
      NNINIT_FOR_K {
        qq[k] = 1.0 - e[k];
        bad |= up[k] & !(qq[k] >= kMinNormal);
        qq[k] = up[k] ? qq[k] : 0.5;
      }
      if (any64(bad)) return false;
      log_pos64k<K>(qq, lq);
      NNINIT_FOR_K arg[k] = up[k] ? -lq[k] : arg[k];
    }
    vl far = (vl)splat_d(0.0);
    NNINIT_FOR_K {
      // Central lanes: any positive stand-in (their tail value is not selected).
      arg[k] = cen[k] ? 1.0 : arg[k];
      r[k] = NNINIT_SQRT_PD(arg[k]);
      t[k] = r[k] - 1.6;
      far |= (r[k] > 5.0) & ~cen[k];
    }
    horner64k<K>(fmath::AS241_C, t, tn);
    horner64k<K>(fmath::AS241_D, t, td);
    if (any64(far)) {
      vd en[K], ed[K];
      NNINIT_FOR_K t[k] = r[k] - 5.0;
      horner64k<K>(fmath::AS241_E, t, en);
      horner64k<K>(fmath::AS241_F, t, ed);
      NNINIT_FOR_K {
        const vl fk = r[k] > 5.0;
        tn[k] = fk ? en[k] : tn[k];
        td[k] = fk ? ed[k] : td[k];
      }
    }
    NNINIT_FOR_K {
      tn[k] = low[k] ? -tn[k] : tn[k];
      num[k] = cen[k] ? num[k] : tn[k];
      den[k] = cen[k] ? den[k] : td[k];
    }
  }
  NNINIT_FOR_K out[k] = p.mean + p.std * (p.flip * (num[k] / den[k]));
  return true;
}

// Vectors per step of the log path: its chains are long (log, exp, log, sqrt, division:
// hundreds of cycles of latency), so several independent ones must be in flight. Measured
// on Zen 4 ([-2, 2], ns/element, K = 1 / 2 / 4 / 8): AVX-512 12.3 / 7.9 / 5.1 / 5.0,
// AVX2 23.2 / 16.2 / 10.4 / 9.1, SSE2 46 / 37 / 23.9 / 22.3. A vector group that needs a
// rare branch falls back to scalar as a whole: 32 elements (16 on SSE2/NEON).
#ifndef NNINIT_LOG_K
#define NNINIT_LOG_K (NNINIT_VB == 64 ? 4 : 8)
#endif

// Rounds to T (float: as static_cast<float>) and clamps to [lo, hi] like the scalar kernel.
typedef float vfh __attribute__((vector_size(NNINIT_VB / 2)));
inline void clamp_store(double* r, vd x, double lo, double hi) {
  x = x < lo ? lo : x;
  storeu(r, x > hi ? hi : x);
}
inline void clamp_store(float* r, vd x, float lo, float hi) {
  vfh f = __builtin_convertvector(x, vfh);
  f = f < lo ? lo : f;
  storeu(r, f > hi ? hi : f);
}

// The log path (every float64 truncated normal, float32 ones beyond the fast path's
// bounds): element g uses words 2g, 2g+1 like uniform f64.
template <class T>
inline void trunc_log_run(T* out, size_t n, const Key& key, uint64_t offset,
                          const TruncatedNormalParams& p) {
  alignas(64) uint32_t buf[kBufWords];
  const T lo = static_cast<T>(p.lo), hi = static_cast<T>(p.hi);
  const LogPathPlan plan = plan_log_path(p);
  const size_t K = NNINIT_LOG_K;
  while (n) {
    const size_t m = min_sz(n, 512);
    const uint32_t* w = gen(buf, key, 2 * offset, 2 * round_up(m, K * N64));
    for (size_t j = 0; j < m; j += K * N64) {
      vd u53[K], x[K];
      for (size_t k = 0; k < K; k++) u53[k] = u53_of(loadu<vq>(w + 2 * (j + k * N64)));
      if (!trunc_log_v<K>(u53, p, plan, x))
        for (size_t k = 0; k < K; k++)
          for (size_t i = 0; i < N64; i++) x[k][i] = scalar::truncated_normal_log_value(u53[k][i], p);
      T r[K * N64];
      for (size_t k = 0; k < K; k++) clamp_store(r + k * N64, x[k], lo, hi);
      __builtin_memcpy(out + j, r, min_sz(K * N64, m - j) * sizeof(T));
    }
    out += m;
    offset += m;
    n -= m;
  }
}

void k_truncated_normal_f64(double* out, size_t n, const Key& key, uint64_t offset,
                            const TruncatedNormalParams& p) {
  trunc_log_run<double>(out, n, key, offset, p);
}
