// The SIMD kernels, written once with GCC/Clang vector extensions and compiled once per ISA.
//
// NOT a normal header: an ISA file (kernels_avx512.cc, ...) includes it inside its own
// namespace + anonymous namespace, after all system headers and under its target pragma,
// having defined:
//   NNINIT_VB             vector width in bytes (16, 32, 64)
//   NNINIT_N32/NNINIT_N64 lanes of 32/64-bit elements (VB/4, VB/8) as plain literals
//   NNINIT_SQRT_PS/PD(v)  correctly rounded vector square roots
//   kBatchBlocks          blocks per Philox register set (a multiple of kGroupBlocks below)
//   kRunSets              register sets to keep in flight
//   PhiloxKeys            the round keys and stream, constructed from a Key
//   philox_batch<L, U>(b0, keys, sink, g)  blocks b0 .. b0 + U kBatchBlocks - 1 in
//                         PhiloxLayout L (philox.h), handed to sink.take<M>(a, b, g): M
//                         groups of N32 / 2 blocks, group g + m as the two vectors a[m], b[m]
//                         (ISA vector types; cast to vu)
// Everything it defines therefore has internal linkage and this ISA's code generation.
//
// Every operation below is the one lib/kernels/distributions.ts and math.ts perform, in the
// same order (see native/src/math.h for the scalar copy); integer and select steps replace
// the TS branches. Operations exact by construction (int->float of small integers, the
// 2^52 magic-number conversions, multiplications by powers of two, sign flips) are noted.
//
// Speed (docs/algorithms.md, "Where the time goes"): every vector operation here has 2-3
// cycles of latency (Zen 5), and one value's polynomial is a chain of dozens of them, so a
// loop over one vector at a time leaves most pipes idle. The kernels therefore process K
// independent vectors statement by statement (NNINIT_FOR_K), and philox_run keeps several
// register sets in flight. The bulk of a fill goes from Philox's registers straight into
// the value computation (a sink) and out; only the ends of a fill go through a small word
// buffer. (Reading that buffer back while a DRAM-bound fill has many output stores in
// flight made the loads wait on them: the 2^24-element fills ran up to 2x slower.)

typedef float vf __attribute__((vector_size(NNINIT_VB)));
typedef int32_t vi __attribute__((vector_size(NNINIT_VB)));
typedef uint32_t vu __attribute__((vector_size(NNINIT_VB)));
typedef double vd __attribute__((vector_size(NNINIT_VB)));
typedef int64_t vl __attribute__((vector_size(NNINIT_VB)));
typedef uint64_t vq __attribute__((vector_size(NNINIT_VB)));

const size_t N32 = NNINIT_N32;
const size_t N64 = NNINIT_N64;
static_assert(N32 * 4 == NNINIT_VB && N64 * 8 == NNINIT_VB, "lane counts");

// Interleave two vectors within each 128-bit lane (unpacklo/unpackhi, zip1/zip2): what
// the pair layouts of philox_gen are ordered for.
#define NNINIT_LLO32_4 0, 4, 1, 5
#define NNINIT_LHI32_4 2, 6, 3, 7
#define NNINIT_LLO32_8 0, 8, 1, 9, 4, 12, 5, 13
#define NNINIT_LHI32_8 2, 10, 3, 11, 6, 14, 7, 15
#define NNINIT_LLO32_16 0, 16, 1, 17, 4, 20, 5, 21, 8, 24, 9, 25, 12, 28, 13, 29
#define NNINIT_LHI32_16 2, 18, 3, 19, 6, 22, 7, 23, 10, 26, 11, 27, 14, 30, 15, 31
#define NNINIT_LLO64_2 0, 2
#define NNINIT_LHI64_2 1, 3
#define NNINIT_LLO64_4 0, 4, 2, 6
#define NNINIT_LHI64_4 1, 5, 3, 7
#define NNINIT_LLO64_8 0, 8, 2, 10, 4, 12, 6, 14
#define NNINIT_LHI64_8 1, 9, 3, 11, 5, 13, 7, 15
#define NNINIT_CAT_(a, b) a##b
#define NNINIT_CAT(a, b) NNINIT_CAT_(a, b)
#define NNINIT_SHUF(kind, n, a, b) __builtin_shufflevector(a, b, NNINIT_CAT(NNINIT_CAT(NNINIT_, kind), NNINIT_CAT(_, n)))

// K independent vectors, each statement applied to all K before the next: the long
// dependency chains of the vectors interleave instead of running one after another.
#define NNINIT_FOR_K _Pragma("GCC unroll 8") for (int k = 0; k < K; k++)

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

// Stores v (2 vectors: element order) at p, or its first `count` elements when fewer.
template <class T, class V>
inline void store2(T* p, V lo, V hi, size_t count) {
  const size_t n = sizeof(V) / sizeof(T);
  if (count >= 2 * n) {
    storeu(p, lo);
    storeu(p + n, hi);
  } else {
    T t[2 * n];
    storeu(t, lo);
    storeu(t + n, hi);
    __builtin_memcpy(p, t, count * sizeof(T));
  }
}

// ------------------------------------------------------------------------------ words

// philox_batch hands its blocks over in groups of this many (two vectors of words each).
const size_t kGroupBlocks = N32 / 2;
static_assert(kBatchBlocks % kGroupBlocks == 0, "whole groups per register set");

// Blocks b0 .. b0 + nblocks - 1 (a multiple of kBatchBlocks) in layout L to the sink,
// U register sets at a time (kRunSets unless a kernel chose its own).
template <int L, int U = kRunSets, class Sink>
inline void philox_run(uint64_t b0, size_t nblocks, const Key& key, Sink& sink) {
  const PhiloxKeys k(key);
  size_t i = 0;
  for (; i + U * kBatchBlocks <= nblocks; i += U * kBatchBlocks)
    philox_batch<L, U>(b0 + i, k, sink, i / kGroupBlocks);
  for (; i < nblocks; i += kBatchBlocks) philox_batch<L, 1>(b0 + i, k, sink, i / kGroupBlocks);
}

// Writes philox_run's groups to a buffer: the layouts of philox.h in memory.
struct BufferSink {
  uint32_t* dst;
  template <int M, class W>
  void take(const W* a, const W* b, size_t g) {
    for (int m = 0; m < M; m++) {
      storeu(dst + (g + m) * 2 * N32, (vu)a[m]);
      storeu(dst + (g + m) * 2 * N32 + N32, (vu)b[m]);
    }
  }
};

// Blocks b0 .. b0 + nblocks - 1 (a multiple of kBatchBlocks) into dst in layout L. Out of
// line: one copy per layout, used for the ends of fills.
template <int L>
__attribute__((noinline)) void philox_gen(uint32_t* dst, uint64_t b0, size_t nblocks, const Key& key) {
  BufferSink sink{dst};
  philox_run<L>(b0, nblocks, key, sink);
}

// Every buffered chunk is at most 1024 words (plus a skip of up to 3), rounded up to whole
// batches of kBatchBlocks.
const size_t kBufWords = 4 * ((1024 + 3 + 3) / 4 / kBatchBlocks + 1) * kBatchBlocks;

// `count` words from word `skip` of block `block` (and a few more: whole batches) into
// buf, in word order; returns the pointer to the first. count <= 1024 + 3 - skip.
inline const uint32_t* gen_at(uint32_t* buf, const Key& key, uint64_t block, size_t skip,
                              size_t count) {
  const size_t nblk = round_up((skip + count + 3) / 4, kBatchBlocks);
  philox_gen<kPhiloxWords>(buf, block, nblk, key);
  return buf + skip;
}
inline const uint32_t* gen(uint32_t* buf, const Key& key, uint64_t word0, size_t count) {
  return gen_at(buf, key, word0 >> 2, static_cast<size_t>(word0 & 3), count);
}

// A fill's bulk: blocks b0 .. b0 + nblocks - 1 (a multiple of kBatchBlocks) to the sink.
// Straight from philox_run's registers; or, where an ISA file defines NNINIT_FEED_GROUPS
// (wasm: V8 allocates registers for the two smaller loops far better than for one loop
// doing both), through the buffer a chunk at a time, NNINIT_FEED_GROUPS groups per take.
template <int L, int U = kRunSets, class Sink>
inline void philox_feed(uint64_t b0, size_t nblocks, const Key& key, Sink& sink) {
#if defined(NNINIT_FEED_GROUPS)
  const size_t F = NNINIT_FEED_GROUPS;
  const size_t chunk = 1024 / 4 / kBatchBlocks * kBatchBlocks;  // blocks per buffer load
  alignas(64) uint32_t buf[kBufWords];
  for (size_t i = 0; i < nblocks;) {
    const size_t nb = min_sz(nblocks - i, chunk);
    philox_gen<L>(buf, b0 + i, nb, key);
    const size_t groups = nb / kGroupBlocks, g0 = i / kGroupBlocks;
    size_t q = 0;
    for (; q + F <= groups; q += F) {
      vu a[F], b[F];
      for (size_t f = 0; f < F; f++) {
        a[f] = loadu<vu>(buf + (q + f) * 2 * N32);
        b[f] = loadu<vu>(buf + (q + f) * 2 * N32 + N32);
      }
      sink.template take<F>(a, b, g0 + q);
    }
    for (; q < groups; q++) {
      const vu a = loadu<vu>(buf + q * 2 * N32), b = loadu<vu>(buf + q * 2 * N32 + N32);
      sink.template take<1>(&a, &b, g0 + q);
    }
    i += nb;
  }
#else
  philox_run<L, U>(b0, nblocks, key, sink);
#endif
}

// Elements before a fill's bulk, which starts at a block boundary: offset + head is a
// multiple of `per_block` elements.
inline size_t bulk_head(uint64_t offset, size_t per_block) {
  return static_cast<size_t>((per_block - offset % per_block) % per_block);
}

// ------------------------------------------------------------------------------ float32

template <int K, size_t N>
inline void horner32k(const float (&c)[N], const vf* x, vf* r) {
  NNINIT_FOR_K r[k] = splat_f(c[N - 1]);
  for (size_t i = N - 1; i-- > 0;) {
    NNINIT_FOR_K r[k] = r[k] * x[k] + c[i];
  }
}

// logMantExp32 for K vectors given as the bits b of positive normal floats x (m, e of x),
// with e biased: e = exponent field - ebias.
template <int K>
inline void log_bits32k(const vu* b, int ebias, vf* out) {
  vf f[K], f2[K], y[K];
  vi e[K];
  NNINIT_FOR_K {
    vf m = (vf)((b[k] & 0x7fffffu) | 0x3f800000u);
    const vi big = m > fmath::SQRT2_F32;  // -1 where the octave folds
    m = big ? m * 0.5f : m;
    e[k] = ((vi)(b[k] >> 23) - ebias) - big;  // (b >> 23: x is positive)
    f[k] = m - 1.0f;
    f2[k] = f[k] * f[k];
  }
  horner32k<K>(fmath::LOG_F32, f, y);
  NNINIT_FOR_K {
    y[k] = (f2[k] * f[k]) * y[k];
    const vf core = (y[k] - 0.5f * f2[k]) + f[k];
    const vf kf = __builtin_convertvector(e[k], vf);  // small integers: exact
    out[k] = kf * fmath::LN2_HI_F32 + (kf * fmath::LN2_LO_F32 + core);
  }
}

// Per-element operations are functors, not lambdas: GCC emits a lambda's static invoker
// without the target attributes of the enclosing region.
//
// Element g uses word g (bits, uniform f32, truncated normal fast path): Op::run<K> maps K
// vectors of words to K result vectors, and run_w1 calls it on K vectors at a time, then on
// single vectors and a partial one. Words are addressed by (block, skip) so that bits
// reaches blocks beyond word 2^64.
template <class V, int K, class T, class Op>
inline void run_w1_body(T* out, size_t n, const Key& key, uint64_t block, unsigned skip,
                        const Op& op) {
  alignas(64) uint32_t buf[kBufWords];
  while (n) {
    const size_t m = min_sz(n, 1024);  // a multiple of 4: the next chunk keeps `skip`
    const uint32_t* w = gen_at(buf, key, block, skip, round_up(m, N32));
    size_t j = 0;
    for (; j + K * N32 <= m; j += K * N32) {
      vu wv[K];
      V r[K];
      NNINIT_FOR_K wv[k] = loadu<vu>(w + j + k * N32);
      op.template run<K>(wv, r);
      NNINIT_FOR_K storeu(out + j + k * N32, r[k]);
    }
    for (; j < m; j += N32) {
      const vu wv = loadu<vu>(w + j);
      V r;
      op.template run<1>(&wv, &r);
      if (j + N32 <= m) storeu(out + j, r);
      else __builtin_memcpy(out + j, &r, (m - j) * sizeof(T));
    }
    out += m;
    block += m / 4;
    n -= m;
  }
}

// Element g of word g, from philox_run's groups of words straight to out (run_w1's bulk).
template <class V, int K, class T, class Op>
struct W1Sink {
  T* out;  // the element of group 0's first word
  const Op& op;
  template <int M, class W>
  void take(const W* a, const W* b, size_t g) {
    vu w[2 * M];
    for (int m = 0; m < M; m++) {
      w[2 * m] = (vu)a[m];
      w[2 * m + 1] = (vu)b[m];
    }
    T* o = out + g * 2 * N32;
    size_t i = 0;
    for (; i + K <= 2 * M; i += K) {
      V r[K];
      op.template run<K>(w + i, r);
      NNINIT_FOR_K storeu(o + (i + k) * N32, r[k]);
    }
    if ((2 * M) % K != 0) {  // (a remainder loop only where there is a remainder)
      for (; i < 2 * static_cast<size_t>(M); i++) {
        V r;
        op.template run<1>(w + i, &r);
        storeu(o + i * N32, r);
      }
    }
  }
};

template <class V, int K, int U = kRunSets, class T, class Op>
inline void run_w1(T* out, size_t n, const Key& key, uint64_t block, unsigned skip, const Op& op) {
  const size_t head = min_sz(n, bulk_head(skip, 4));
  run_w1_body<V, K>(out, head, key, block, skip, op);
  const uint64_t w = skip + static_cast<uint64_t>(head);
  block += w >> 2;
  skip = static_cast<unsigned>(w & 3);
  out += head;
  n -= head;
  const size_t nb = n / 4 / kBatchBlocks * kBatchBlocks;
  if (nb) {
    W1Sink<V, K, T, Op> sink{out, op};
    philox_feed<kPhiloxWords, U>(block, nb, key, sink);
    out += 4 * nb;
    block += nb;
    n -= 4 * nb;
  }
  run_w1_body<V, K>(out, n, key, block, skip, op);
}

// Vectors per step of bits and uniform float32 (an ISA file may choose its own, as may
// NNINIT_TRUNC_K and NNINIT_NORMAL_K below: wasm has 16 registers and a JIT's allocator).
#ifndef NNINIT_WORDS_K
#define NNINIT_WORDS_K 4
#endif
// Register sets philox_run keeps in flight for bits and uniform float32 (kRunSets unless
// the ISA file chose otherwise).
#ifndef NNINIT_WORDS_SETS
#define NNINIT_WORDS_SETS kRunSets
#endif

struct BitsOp {
  template <int K>
  void run(const vu* w, vu* r) const {
    NNINIT_FOR_K r[k] = w[k];
  }
};

void k_bits(uint32_t* out, size_t n, const Key& key, uint64_t block, unsigned skip) {
  run_w1<vu, NNINIT_WORDS_K, NNINIT_WORDS_SETS>(out, n, key, block, skip, BitsOp());
}

// low + scale * ((w >>> 8) * 2^-24), clamped to upper. Exact shortcuts, chosen per call:
// - Folded: when s24 = scale * 2^-24 is exact (scale is not within 2^24 of the smallest
//   normal), scale * (n * 2^-24) and n * s24 round the same exact product: one multiply.
// - Bare (the standard uniform [0, 1) and any range from 0): low == 0 (either sign) adds
//   nothing to a product >= +0; and every step rounds monotonically, so when the largest
//   n = 2^24 - 1 gives a value <= upper, the clamp returns every value unchanged.
template <bool Folded, bool Bare>
struct UniformF32Op {
  float low, scale, upper, s24;
  template <int K>
  void run(const vu* w, vf* r) const {
    NNINIT_FOR_K {
      const vf n = __builtin_convertvector((vi)(w[k] >> 8), vf);  // < 2^24: exact
      if (Bare) {
        r[k] = n * s24;
      } else {
        const vf v = low + (Folded ? n * s24 : scale * (n * 5.9604644775390625e-8f));
        r[k] = v < upper ? v : upper;
      }
    }
  }
};

void k_uniform_f32(float* out, size_t n, const Key& key, uint64_t offset, const UniformParams& p) {
  const float low = static_cast<float>(p.low), scale = static_cast<float>(p.scale),
              upper = static_cast<float>(p.upper);
  const float s24 = scale * 5.9604644775390625e-8f;
  const uint64_t block = offset >> 2;
  const unsigned skip = offset & 3;
  if (!(s24 * 16777216.0f == scale)) {
    run_w1<vf, NNINIT_WORDS_K, NNINIT_WORDS_SETS>(out, n, key, block, skip, UniformF32Op<false, false>{low, scale, upper, s24});
    return;
  }
  const volatile float nmax = 16777215.0f;  // the largest n, rounded like a lane's
  if (low == 0.0f && s24 > 0.0f && nmax * s24 <= upper)
    run_w1<vf, NNINIT_WORDS_K, NNINIT_WORDS_SETS>(out, n, key, block, skip, UniformF32Op<true, true>{low, scale, upper, s24});
  else
    run_w1<vf, NNINIT_WORDS_K, NNINIT_WORDS_SETS>(out, n, key, block, skip, UniformF32Op<true, false>{low, scale, upper, s24});
}

template <class T>
inline void trunc_log_run(T* out, size_t n, const Key& key, uint64_t offset,
                          const TruncatedNormalParams& p);

// The truncated normal's fast path: x = ea + d u (u = (w >>> 8) 2^-24; with d24 = d 2^-24
// exact, one multiply as in UniformF32Op), v = mean + scale * erfinvCentral32(x), clamped.
// erfinvCentral32 takes log32 of a = (1 - x)(1 + x), a positive normal float here.
struct TruncFastOp {
  float ea, d, d24, scale, mean, lo, hi;
  bool folded;
  template <int K>
  void run(const vu* w, vf* out) const {
    vf x[K], lw[K], t[K], h[K];
    vu ab[K];
    NNINIT_FOR_K {
      const vf n = __builtin_convertvector((vi)(w[k] >> 8), vf);  // < 2^24: exact
      x[k] = folded ? ea + n * d24 : ea + d * (n * 5.9604644775390625e-8f);
      ab[k] = (vu)((1.0f - x[k]) * (1.0f + x[k]));
    }
    log_bits32k<K>(ab, 127, lw);
    NNINIT_FOR_K t[k] = -lw[k] - 2.5f;
    horner32k<K>(fmath::ERFINV_F32, t, h);
    NNINIT_FOR_K {
      vf v = mean + scale * (x[k] * h[k]);
      v = v < lo ? lo : v;
      out[k] = v > hi ? hi : v;
    }
  }
};

// Vectors per step of the fast path: its log and erfinv polynomials are one chain of ~40
// dependent operations per vector. Measured (Zen 5, [-2, 2], ns/element, K = 4 / 8):
// AVX-512 0.648 / 0.610, AVX2 1.47 / 1.25, SSE2 2.94 / 2.54.
#ifndef NNINIT_TRUNC_K
#define NNINIT_TRUNC_K 8
#endif

void k_truncated_normal_f32(float* out, size_t n, const Key& key, uint64_t offset,
                            const TruncatedNormalParams& p) {
  if (!p.fast) {
    trunc_log_run<float>(out, n, key, offset, p);
    return;
  }
  const float d = static_cast<float>(p.d), d24 = d * 5.9604644775390625e-8f;
  const TruncFastOp op{static_cast<float>(p.ea), d, d24, static_cast<float>(p.scale),
                       static_cast<float>(p.mean), static_cast<float>(p.lo),
                       static_cast<float>(p.hi), d24 * 16777216.0f == d};
  run_w1<vf, NNINIT_TRUNC_K>(out, n, key, offset >> 2, offset & 3, op);
}

// Box-Muller, float32, for K vectors of pairs: radius words wr and angle words wt (one pair
// per lane) -> oc = mean + std (r cos), os = mean + std (r sin), as normalF32 computes them.
// The integer steps are exact rewrites of logU24 / sincosTurn24 with w the raw word:
//   logU24((w >>> 8) + 1): n <= 2^24 converts exactly, so the float's exponent and mantissa
//   are math.ts's clz-based e and n 2^-e;
//   sincosTurn24(k = w >>> 8): the octant o = k >>> 21 is w's top 3 bits, so o & 1, o & 4,
//   (o + 1) & 2 and (o + 2) & 4 are bits 29, 31, 30 of w, w + 2^29 and w + 2^30.
template <int K>
inline void box_muller32k(const vu* wr, const vu* wt, float mean, float sd, vf* oc, vf* os) {
  vu nb[K];
  vf l[K], t[K], t2[K], ps[K], pc[K];
  NNINIT_FOR_K nb[k] = (vu)__builtin_convertvector((vi)((wr[k] >> 8) + 1u), vf);
  log_bits32k<K>(nb, 127 + 24, l);
  NNINIT_FOR_K {
    vu r = (wt[k] >> 8) & 0x1fffffu;
    r = (wt[k] & 0x20000000u) != 0 ? 0x200000u - r : r;  // odd octants mirror
    t[k] = __builtin_convertvector((vi)r, vf) * 4.76837158203125e-7f;  // 2^-21: exact
    t2[k] = t[k] * t[k];
  }
  horner32k<K>(fmath::SIN_F32, t2, ps);
  horner32k<K>(fmath::COS_F32, t2, pc);
  NNINIT_FOR_K {
    const vf rad = NNINIT_SQRT_PS(-2.0f * l[k]);
    const vf s = t[k] * ps[k];
    const vi sw = ((wt[k] + 0x20000000u) & 0x40000000u) != 0;
    const vu s1 = (vu)(sw ? pc[k] : s);
    const vu c1 = (vu)(sw ? s : pc[k]);
    const vf sn = (vf)(s1 ^ (wt[k] & 0x80000000u));                  // -s where o & 4
    const vf cs = (vf)(c1 ^ ((wt[k] + 0x40000000u) & 0x80000000u));  // -c where (o + 2) & 4
    oc[k] = mean + sd * (rad * cs);
    os[k] = mean + sd * (rad * sn);
  }
}

// Vector pairs per step of the float32 Box-Muller.
#ifndef NNINIT_NORMAL_K
#define NNINIT_NORMAL_K 8
#endif

// ------------------------------------------------------------------------------ float64

template <int K, size_t N>
inline void horner64k(const double (&c)[N], const vd* x, vd* r) {
  NNINIT_FOR_K r[k] = splat_d(c[N - 1]);
  for (size_t i = N - 1; i-- > 0;) {
    NNINIT_FOR_K r[k] = r[k] * x[k] + c[i];
  }
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

// n + 1 for each lane's 53-bit integer n = (w0 >>> 5) * 2^26 + (w1 >>> 6) (q = w0 | w1 << 32),
// as a double: exact (n + 1 <= 2^53), by one conversion where the ISA file has an exact
// unsigned 64-bit one, else by u53_of.
inline vd u53_plus1(vq q) {
#if defined(NNINIT_U64_TO_PD)
  return NNINIT_U64_TO_PD(((((q & 0xffffffffull) >> 5) << 26) | (q >> 38)) + 1u);
#else
  return u53_of(q) + 1.0;
#endif
}

// Box-Muller, float64, for K vectors of pairs: L0 = words 0, 1 and L1 = words 2, 3 of each
// lane's block -> oc, os as normalF64 computes them. The integer steps are exact rewrites:
//   logU53(n + 1): the double's exponent and mantissa are math.ts's clz-based e and n 2^-e,
//   and the octave fold m * 0.5 is the exponent field one lower;
//   sincosTurn53(w2 >>> 5, w3 >>> 6): the octant o is w2's top 3 bits, so o & 1, o & 4,
//   (o + 1) & 2 and (o + 2) & 4 are bits 29, 31, 30 of w2, w2 + 2^29 and w2 + 2^30, and the
//   reduced angle (bits 5-28 of w2, then w3 >>> 6) is two shifts of L1.
template <int K>
inline void box_muller64k(const vq* L0, const vq* L1, double mean, double sd, vd* oc, vd* os) {
  const vl s2 = (vl)splat_d(fmath::SQRT2_F64) & 0xfffffffffffffll;
  vd f[K], s[K], z[K], R[K], kk[K], t[K], t2[K], ps[K], pc[K];
  NNINIT_FOR_K {
    const vq nb = (vq)u53_plus1(L0[k]);
    const vl mant = (vl)(nb & 0xfffffffffffffull);
    const vl big = mant > s2;  // m > SQRT2_F64; -1 where folded
    const vd m = (vd)((mant | 0x3ff0000000000000ll) + (big & (int64_t)0xfff0000000000000ull));
    const vl e = ((vl)(nb >> 52) - (1023 + 53)) - big;
    f[k] = m - 1.0;
    s[k] = f[k] / (2.0 + f[k]);
    z[k] = s[k] * s[k];
    kk[k] = i51_to_d(e);
    vq ri = ((L1[k] << 21) & 0x0003fffffc000000ull) | (L1[k] >> 38);
    ri = (L1[k] & 0x20000000u) != 0 ? (1ull << 50) - ri : ri;  // odd octants mirror
    t[k] = u52_to_d(ri) * 8.881784197001252e-16;  // 2^-50, exact
    t2[k] = t[k] * t[k];
  }
  horner64k<K>(fmath::LOG_F64, z, R);
  horner64k<K>(fmath::SIN_F64, t2, ps);
  horner64k<K>(fmath::COS_F64, t2, pc);
  NNINIT_FOR_K {
    R[k] = z[k] * R[k];
    const vd l = kk[k] * fmath::LN2_HI - ((s[k] * (f[k] - R[k]) - kk[k] * fmath::LN2_LO) - f[k]);
    const vd r = NNINIT_SQRT_PD(-2.0 * l);
    const vd sv = t[k] * ps[k];
    const vl sw = ((L1[k] + 0x20000000u) & 0x40000000u) != 0;
    const vq s1 = (vq)(sw ? pc[k] : sv);
    const vq c1 = (vq)(sw ? sv : pc[k]);
    const vd sn = (vd)(s1 ^ ((L1[k] << 32) & 0x8000000000000000ull));                  // -s where o & 4
    const vd cs = (vd)(c1 ^ (((L1[k] + 0x40000000u) << 32) & 0x8000000000000000ull));  // (o + 2) & 4
    oc[k] = mean + sd * (r * cs);
    os[k] = mean + sd * (r * sn);
  }
}

// Vector pairs per step of the float64 Box-Muller.
#ifndef NNINIT_NORMAL64_K
#define NNINIT_NORMAL64_K 8
#endif

// ------------------------------------------------------------------------------ normal
//
// The float32 and float64 Box-Muller fills share their structure; a traits struct says what
// differs. A fill: elements before a block boundary through the scalar kernel, whole batches
// of blocks from philox_run straight into the values (PairSink), the rest through the word
// buffer (normal_end), an odd last element through the scalar kernel.

struct Normal32 {
  typedef float T;
  typedef vf V;
  typedef vu W;
  static const size_t kLanes = N32;       // pairs per vector
  static const size_t kPerBlock = 4;      // elements (two pairs) per Philox block
  static const int kLayout = kPhiloxPairs;
  static const int K = NNINIT_NORMAL_K;
  template <int KK>
  static void values(const W* a, const W* b, T mean, T sd, V* oc, V* os) {
    box_muller32k<KK>(a, b, mean, sd, oc, os);
  }
  static V lo(V c, V s) { return NNINIT_SHUF(LLO32, NNINIT_N32, c, s); }
  static V hi(V c, V s) { return NNINIT_SHUF(LHI32, NNINIT_N32, c, s); }
  static void scalar(T* out, size_t n, const Key& key, uint64_t offset, const NormalParams& p) {
    scalar::normal_f32(out, n, key, offset, p);
  }
};

struct Normal64 {
  typedef double T;
  typedef vd V;
  typedef vq W;
  static const size_t kLanes = N64;
  static const size_t kPerBlock = 2;      // one pair per block
  static const int kLayout = kPhiloxBlocks;
  static const int K = NNINIT_NORMAL64_K;
  template <int KK>
  static void values(const W* a, const W* b, T mean, T sd, V* oc, V* os) {
    box_muller64k<KK>(a, b, mean, sd, oc, os);
  }
  static V lo(V c, V s) { return NNINIT_SHUF(LLO64, NNINIT_N64, c, s); }
  static V hi(V c, V s) { return NNINIT_SHUF(LHI64, NNINIT_N64, c, s); }
  static void scalar(T* out, size_t n, const Key& key, uint64_t offset, const NormalParams& p) {
    scalar::normal_f64(out, n, key, offset, p);
  }
};

// KK vectors of pairs' results (oc, os: pairs in interleave order) stored in element order
// at out, at most `count` elements.
template <class N, int KK>
inline void store_pairs(typename N::T* out, const typename N::V* oc, const typename N::V* os,
                        size_t count) {
  const int K = KK;
  NNINIT_FOR_K store2(out + 2 * k * N::kLanes, N::lo(oc[k], os[k]), N::hi(oc[k], os[k]),
                      count - min_sz(count, 2 * k * N::kLanes));
}

// Elements offset .. offset + n - 1, offset at a block boundary, through the word buffer:
// the end of a fill.
template <class N>
void normal_end(typename N::T* out, size_t n, const Key& key, uint64_t offset, const NormalParams& p) {
  typedef typename N::T T;
  typedef typename N::V V;
  typedef typename N::W W;
  const size_t pairs_per_block = N::kPerBlock / 2, words_per_pair = 4 / pairs_per_block;
  const size_t tail = n & 1;
  const T mean = static_cast<T>(p.mean), sd = static_cast<T>(p.std);
  alignas(64) uint32_t buf[kBufWords];
  size_t pairs = n / 2;
  uint64_t p0 = offset / 2;
  while (pairs) {
    const size_t m = min_sz(pairs, 1024 / words_per_pair);
    // Groups of kLanes pairs: one vector of each pair's first words, then one of the others.
    philox_gen<N::kLayout>(buf, p0 / pairs_per_block,
                           round_up(round_up(m, N::kLanes) / pairs_per_block, kBatchBlocks), key);
    for (size_t j = 0; j < m; j += N::kLanes) {
      const W a = loadu<W>(buf + words_per_pair * j), b = loadu<W>(buf + words_per_pair * j + N32);
      V oc, os;
      N::template values<1>(&a, &b, mean, sd, &oc, &os);
      store_pairs<N, 1>(out + 2 * j, &oc, &os, 2 * (m - j));
    }
    out += 2 * m;
    p0 += m;
    pairs -= m;
  }
  if (tail) N::scalar(out, 1, key, 2 * p0, p);
}

// Pairs from philox_run's groups straight to out: a fill's bulk.
template <class N>
struct PairSink {
  typename N::T* out;  // the first element of group 0
  typename N::T mean, sd;
  template <int M, class R>
  void take(const R* a, const R* b, size_t g) {
    typedef typename N::V V;
    typedef typename N::W W;
    const int K = N::K;
    typename N::T* o = out + 2 * g * N::kLanes;
    size_t i = 0;
    for (; i + K <= M; i += K) {
      W wa[K], wb[K];
      V oc[K], os[K];
      NNINIT_FOR_K {
        wa[k] = (W)a[i + k];
        wb[k] = (W)b[i + k];
      }
      N::template values<K>(wa, wb, mean, sd, oc, os);
      store_pairs<N, K>(o + 2 * i * N::kLanes, oc, os, 2 * K * N::kLanes);
    }
    if (M % K != 0) {  // (a remainder loop only where there is a remainder)
      for (; i < static_cast<size_t>(M); i++) {
        const W wa = (W)a[i], wb = (W)b[i];
        V oc, os;
        N::template values<1>(&wa, &wb, mean, sd, &oc, &os);
        store_pairs<N, 1>(o + 2 * i * N::kLanes, &oc, &os, 2 * N::kLanes);
      }
    }
  }
};

template <class N>
void normal_fill(typename N::T* out, size_t n, const Key& key, uint64_t offset, const NormalParams& p) {
  typedef typename N::T T;
  const size_t head = min_sz(n, bulk_head(offset, N::kPerBlock));
  if (head) {
    N::scalar(out, head, key, offset, p);
    out += head; offset += head; n -= head;
  }
  const size_t nb = n / N::kPerBlock / kBatchBlocks * kBatchBlocks;
  if (nb) {
    PairSink<N> sink{out, static_cast<T>(p.mean), static_cast<T>(p.std)};
    philox_feed<N::kLayout>(offset / N::kPerBlock, nb, key, sink);
    out += N::kPerBlock * nb; offset += N::kPerBlock * nb; n -= N::kPerBlock * nb;
  }
  normal_end<N>(out, n, key, offset, p);
}

void k_normal_f32(float* out, size_t n, const Key& key, uint64_t offset, const NormalParams& p) {
  normal_fill<Normal32>(out, n, key, offset, p);
}

void k_normal_f64(double* out, size_t n, const Key& key, uint64_t offset, const NormalParams& p) {
  normal_fill<Normal64>(out, n, key, offset, p);
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
