// AVX2 kernels (no FMA: the target enables "avx2" only, and -ffp-contract=off is global).
// Enabled per function by the target pragma, never by flags; runs only after
// CPUID+XGETBV said so. System headers come before the pragma and everything defined
// under it has internal linkage.
#include "isa_tables.h"

#if defined(NNINIT_HAVE_X86_SIMD)
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "math.h"
#include "nninit/kernels.h"
#include "philox.h"

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC diagnostic push
// GCC 12 false positive inside its own intrinsic headers (_mm512_undefined_epi32).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC target("avx2")
#endif

namespace nninit {
namespace avx2 {
namespace {

// Philox4x32-10, 4 blocks per register pair: 64-bit lane j of A holds (x0, x1), of B
// (x2, x3). Lanes hold blocks 0,2,1,3 so unpacklo/hi_epi64(A, B) emit blocks 0-1 and 2-3 in
// order (and the pair layouts come out in interleave order, see emit). Each round is a
// dependency chain of four 2-3 cycle operations (Zen 5), so philox_run keeps 8 register
// pairs (32 blocks) in flight: 0.39 against 0.46 ns/word with 4 (Zen 5, forced AVX2).
const size_t kBatchBlocks = 4;  // blocks per register pair: philox_run's granularity
const int kRunSets = 8;         // register pairs philox_run keeps in flight

struct PhiloxKeys {
  __m256i k0[10], k1[10], stream;
  explicit PhiloxKeys(const Key& key) {
    uint32_t a[10], b[10];
    philox_round_keys(key, a, b);
    for (int r = 0; r < 10; r++) {
      k0[r] = _mm256_set1_epi64x(static_cast<long long>(a[r]));
      k1[r] = _mm256_set1_epi64x(static_cast<long long>(b[r]));
    }
    stream = _mm256_set1_epi64x(static_cast<long long>(key.s0 | (static_cast<uint64_t>(key.s1) << 32)));
  }
};

// The 4 blocks of one register pair as two vectors in layout L (philox.h).
template <int L>
inline void emit(__m256i a, __m256i b, __m256i* x, __m256i* y) {
  if (L == kPhiloxWords) {
    *x = _mm256_unpacklo_epi64(a, b);  // blocks 0-1 in word order
    *y = _mm256_unpackhi_epi64(a, b);  // blocks 2-3
  } else if (L == kPhiloxBlocks) {
    // Block lanes 0,2,1,3: unpacklo_pd takes blocks 0-1, unpackhi_pd 2-3.
    *x = a;
    *y = b;
  } else {
    // Radius words (x0, x2), angle words (x1, x3): pairs 0,1,4,5,2,3,6,7, whose
    // unpacklo/hi_ps are pairs 0-3 and 4-7.
    *x = _mm256_blend_epi32(a, _mm256_shuffle_epi32(b, 0xB1), 0xAA);
    *y = _mm256_blend_epi32(b, _mm256_shuffle_epi32(a, 0xB1), 0x55);
  }
}

// Blocks b0 .. b0 + 4U - 1, U register pairs statement by statement, handed to the sink as
// U groups starting at group g.
template <int L, int U, class Sink>
inline void philox_batch(uint64_t b0, const PhiloxKeys& k, Sink& sink, size_t g) {
  const __m256i m0 = _mm256_set1_epi64x(kPhiloxM0);
  const __m256i m1 = _mm256_set1_epi64x(kPhiloxM1);
  const __m256i lanes = _mm256_setr_epi64x(0, 2, 1, 3);
  __m256i a[U], b[U];
#pragma GCC unroll 8
  for (int u = 0; u < U; u++) {
    a[u] = _mm256_add_epi64(_mm256_set1_epi64x(static_cast<long long>(b0 + 4 * u)), lanes);
    b[u] = k.stream;
  }
#pragma GCC unroll 10
  for (int r = 0; r < 10; r++) {
#pragma GCC unroll 8
    for (int u = 0; u < U; u++) {
      const __m256i p0 = _mm256_mul_epu32(a[u], m0);
      const __m256i p1 = _mm256_mul_epu32(b[u], m1);
      a[u] = _mm256_xor_si256(_mm256_xor_si256(_mm256_shuffle_epi32(p1, 0xB1), k.k0[r]),
                              _mm256_srli_epi64(a[u], 32));
      b[u] = _mm256_xor_si256(_mm256_xor_si256(_mm256_shuffle_epi32(p0, 0xB1), k.k1[r]),
                              _mm256_srli_epi64(b[u], 32));
    }
  }
  __m256i x[U], y[U];
#pragma GCC unroll 8
  for (int u = 0; u < U; u++) emit<L>(a[u], b[u], &x[u], &y[u]);
  sink.template take<U>(x, y, g);
}

// Bits and uniform float32 (a few operations per word after Philox) keep 6 register pairs
// in flight: 3% faster at 2^24 elements, where the output stores miss the cache, and equal
// in cache (forced AVX2, one thread, thread CPU time: uniform 0.470-0.476 against
// 0.487-0.493 ns/element; docs/algorithms.md). Normal float32 was 16% slower with 6.
#define NNINIT_WORDS_SETS 6
#define NNINIT_VB 32
#define NNINIT_N32 8
#define NNINIT_N64 4
#define NNINIT_SQRT_PS(v) ((vf)_mm256_sqrt_ps((__m256)(v)))
#define NNINIT_SQRT_PD(v) ((vd)_mm256_sqrt_pd((__m256d)(v)))
#include "simd_impl.h"

}  // namespace
}  // namespace avx2
}  // namespace nninit

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC diagnostic pop
#pragma GCC pop_options
#endif

namespace nninit {
namespace avx2 {
const Kernels table = {"avx2",       k_bits,       k_uniform_f32,          k_uniform_f64,
                       k_normal_f32, k_normal_f64, k_truncated_normal_f32, k_truncated_normal_f64};
}  // namespace avx2
}  // namespace nninit

#endif  // NNINIT_HAVE_X86_SIMD
