// SSE2 kernels: the x86-64 baseline, so no target pragma is needed.
#include "isa_tables.h"

#if defined(NNINIT_HAVE_X86_SIMD)
#include <emmintrin.h>

#include <cstddef>
#include <cstdint>

#include "math.h"
#include "nninit/kernels.h"
#include "philox.h"

namespace nninit {
namespace sse2 {
namespace {

// Philox4x32-10, 2 blocks per register pair: 64-bit lane j of A holds (x0, x1), of B
// (x2, x3); unpacklo/hi_epi64(A, B) are the two blocks' 4 words each. philox_run keeps
// several register pairs in flight: a round is a chain of dependent 2-3 cycle operations.
const size_t kBatchBlocks = 2;  // blocks per register pair: philox_run's granularity
const int kRunSets = 8;         // register pairs philox_run keeps in flight

struct PhiloxKeys {
  __m128i k0[10], k1[10], stream;
  explicit PhiloxKeys(const Key& key) {
    uint32_t a[10], b[10];
    philox_round_keys(key, a, b);
    for (int r = 0; r < 10; r++) {
      k0[r] = _mm_set1_epi64x(static_cast<long long>(a[r]));
      k1[r] = _mm_set1_epi64x(static_cast<long long>(b[r]));
    }
    stream = _mm_set1_epi64x(static_cast<long long>(key.s0 | (static_cast<uint64_t>(key.s1) << 32)));
  }
};

// The 2 blocks of one register pair as two vectors in layout L (philox.h).
template <int L>
inline void emit(__m128i a, __m128i b, __m128i* x, __m128i* y) {
  if (L == kPhiloxWords) {
    *x = _mm_unpacklo_epi64(a, b);
    *y = _mm_unpackhi_epi64(a, b);
  } else if (L == kPhiloxBlocks) {
    *x = a;
    *y = b;
  } else {
    // Radius words x0, x2 and angle words x1, x3 of blocks 0, 1: pairs 0,1,2,3.
    const __m128i t0 = _mm_unpacklo_epi32(a, b), t1 = _mm_unpackhi_epi32(a, b);
    *x = _mm_unpacklo_epi64(t0, t1);
    *y = _mm_unpackhi_epi64(t0, t1);
  }
}

// Blocks b0 .. b0 + 2U - 1, U register pairs statement by statement, handed to the sink as
// U groups starting at group g.
template <int L, int U, class Sink>
inline void philox_batch(uint64_t b0, const PhiloxKeys& k, Sink& sink, size_t g) {
  const __m128i m0 = _mm_set1_epi64x(kPhiloxM0);
  const __m128i m1 = _mm_set1_epi64x(kPhiloxM1);
  const __m128i lanes = _mm_set_epi64x(1, 0);
  __m128i a[U], b[U];
#pragma GCC unroll 8
  for (int u = 0; u < U; u++) {
    a[u] = _mm_add_epi64(_mm_set1_epi64x(static_cast<long long>(b0 + 2 * u)), lanes);
    b[u] = k.stream;
  }
#pragma GCC unroll 10
  for (int r = 0; r < 10; r++) {
#pragma GCC unroll 8
    for (int u = 0; u < U; u++) {
      const __m128i p0 = _mm_mul_epu32(a[u], m0);
      const __m128i p1 = _mm_mul_epu32(b[u], m1);
      a[u] = _mm_xor_si128(_mm_xor_si128(_mm_shuffle_epi32(p1, 0xB1), k.k0[r]),
                           _mm_srli_epi64(a[u], 32));
      b[u] = _mm_xor_si128(_mm_xor_si128(_mm_shuffle_epi32(p0, 0xB1), k.k1[r]),
                           _mm_srli_epi64(b[u], 32));
    }
  }
  __m128i x[U], y[U];
#pragma GCC unroll 8
  for (int u = 0; u < U; u++) emit<L>(a[u], b[u], &x[u], &y[u]);
  sink.template take<U>(x, y, g);
}

#define NNINIT_VB 16
#define NNINIT_N32 4
#define NNINIT_N64 2
#define NNINIT_SQRT_PS(v) ((vf)_mm_sqrt_ps((__m128)(v)))
#define NNINIT_SQRT_PD(v) ((vd)_mm_sqrt_pd((__m128d)(v)))
#include "simd_impl.h"

}  // namespace
}  // namespace sse2
}  // namespace nninit

namespace nninit {
namespace sse2 {
const Kernels table = {"sse2",       k_bits,       k_uniform_f32,          k_uniform_f64,
                       k_normal_f32, k_normal_f64, k_truncated_normal_f32, k_truncated_normal_f64};
}  // namespace sse2
}  // namespace nninit

#endif  // NNINIT_HAVE_X86_SIMD
