// AVX-512 (F+BW+DQ+VL) kernels. Enabled per function by the target pragma below, never by
// compiler flags: this file is compiled with the baseline flags of the whole addon and only
// runs after CPUID+XGETBV said so (dispatch.cc). All system headers come before the pragma,
// and everything defined under it has internal linkage.
#include "isa_tables.h"

#if defined(NNINIT_HAVE_X86_SIMD)
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "math.h"
#include "nninit/kernels.h"
#include "philox.h"

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC diagnostic push
// GCC 12 false positives inside its own intrinsic headers (_mm512_undefined_epi32/_ps).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC target("avx512f,avx512bw,avx512dq,avx512vl")
#endif

namespace nninit {
namespace avx512 {
namespace {

// Philox4x32-10 on 8 blocks per register pair. 64-bit lane j of A holds words (x0, x1) and
// of B (x2, x3) of one block; mul_epu32 reads the low halves only, so one multiply gives the
// full 32x32->64 product (lo in the low half, hi in the high half). Lanes hold blocks
// 0,4,1,5,2,6,3,7 so that unpacklo/hi_epi64(A, B) emit blocks 0-3 and 4-7 in word order (and
// the pair layouts come out in interleave order, see emit).
//
// Rounds alternate between two layouts to save shuffles. From (x0, x1), (x2, x3) a round's
// result (x0', x1') = (hi1 ^ x1 ^ k0, lo1) is built swapped as (lo1, hi1 ^ x1 ^ k0) = P1
// with its odd dwords xored with x1 and k0: one masked ternary-logic op. The next round
// starts from the swapped layout: a shift brings x0 low for the multiply, and the result is
// back in the normal layout after one shuffle. Ten rounds end in the normal layout.
//
// A round is a chain of 2-3 dependent operations of 2-3 cycles latency each (Zen 5), so one
// register pair alone leaves the multiply and logic pipes mostly idle: philox_run keeps 8
// pairs (64 blocks) in flight, which measured 0.142 against 0.176 ns/word with 4 (Zen 5).
const size_t kBatchBlocks = 8;  // blocks per register pair: philox_run's granularity
const int kRunSets = 8;         // register pairs philox_run keeps in flight

struct PhiloxKeys {
  __m512i k0[10], k1[10], stream;
  explicit PhiloxKeys(const Key& key) {
    uint32_t a[10], b[10];
    philox_round_keys(key, a, b);
    for (int r = 0; r < 10; r++) {
      // Even rounds (0, 2, ..) xor the key into the high dword, odd rounds into the low one.
      const int sh = (r & 1) ? 0 : 32;
      k0[r] = _mm512_set1_epi64(static_cast<long long>(static_cast<uint64_t>(a[r]) << sh));
      k1[r] = _mm512_set1_epi64(static_cast<long long>(static_cast<uint64_t>(b[r]) << sh));
    }
    stream = _mm512_set1_epi64(static_cast<long long>(key.s0 | (static_cast<uint64_t>(key.s1) << 32)));
  }
};

// The 8 blocks of one register pair as two vectors in layout L (philox.h).
template <int L>
inline void emit(__m512i a, __m512i b, __m512i* x, __m512i* y) {
  if (L == kPhiloxWords) {
    *x = _mm512_unpacklo_epi64(a, b);  // blocks 0-3 in word order
    *y = _mm512_unpackhi_epi64(a, b);  // blocks 4-7
  } else if (L == kPhiloxBlocks) {
    // Block lanes 0,4,1,5,2,6,3,7: unpacklo_pd takes blocks 0-3, unpackhi_pd 4-7.
    *x = a;
    *y = b;
  } else {
    // Radius words (x0, x2) and angle words (x1, x3) of each block, pairs 2b and 2b+1
    // side by side: pairs 0,1,8,9,2,3,10,11,.. whose unpacklo/hi_ps are pairs 0-7, 8-15.
    *x = _mm512_mask_shuffle_epi32(a, 0xAAAA, b, _MM_PERM_CDAB);
    *y = _mm512_mask_shuffle_epi32(b, 0x5555, a, _MM_PERM_CDAB);
  }
}

// Blocks b0 .. b0 + 8U - 1, U register pairs statement by statement, handed to the sink as
// U groups starting at group g.
template <int L, int U, class Sink>
inline void philox_batch(uint64_t b0, const PhiloxKeys& k, Sink& sink, size_t g) {
  const __m512i m0 = _mm512_set1_epi64(kPhiloxM0);
  const __m512i m1 = _mm512_set1_epi64(kPhiloxM1);
  const __m512i lanes = _mm512_setr_epi64(0, 4, 1, 5, 2, 6, 3, 7);
  const __mmask16 odd = 0xAAAA, even = 0x5555;
  __m512i a[U], b[U];
#pragma GCC unroll 8
  for (int u = 0; u < U; u++) {
    a[u] = _mm512_add_epi64(_mm512_set1_epi64(static_cast<long long>(b0 + 8 * u)), lanes);
    b[u] = k.stream;
  }
#pragma GCC unroll 5
  for (int r = 0; r < 10; r += 2) {
#pragma GCC unroll 8
    for (int u = 0; u < U; u++) {
      // Normal (x0, x1), (x2, x3) -> swapped (x1', x0'), (x3', x2').
      const __m512i p0 = _mm512_mul_epu32(a[u], m0);  // (lo0, hi0)
      const __m512i p1 = _mm512_mul_epu32(b[u], m1);  // (lo1, hi1)
      a[u] = _mm512_mask_ternarylogic_epi32(p1, odd, a[u], k.k0[r], 0x96);
      b[u] = _mm512_mask_ternarylogic_epi32(p0, odd, b[u], k.k1[r], 0x96);
    }
#pragma GCC unroll 8
    for (int u = 0; u < U; u++) {
      // Swapped (x1, x0), (x3, x2) -> normal (x0', x1'), (x2', x3').
      const __m512i p0 = _mm512_mul_epu32(_mm512_srli_epi64(a[u], 32), m0);
      const __m512i p1 = _mm512_mul_epu32(_mm512_srli_epi64(b[u], 32), m1);
      a[u] = _mm512_mask_ternarylogic_epi32(_mm512_shuffle_epi32(p1, _MM_PERM_CDAB), even, a[u],
                                            k.k0[r + 1], 0x96);
      b[u] = _mm512_mask_ternarylogic_epi32(_mm512_shuffle_epi32(p0, _MM_PERM_CDAB), even, b[u],
                                            k.k1[r + 1], 0x96);
    }
  }
  __m512i x[U], y[U];
#pragma GCC unroll 8
  for (int u = 0; u < U; u++) emit<L>(a[u], b[u], &x[u], &y[u]);
  sink.template take<U>(x, y, g);
}

#define NNINIT_VB 64
#define NNINIT_N32 16
#define NNINIT_N64 8
#define NNINIT_SQRT_PS(v) ((vf)_mm512_sqrt_ps((__m512)(v)))
#define NNINIT_SQRT_PD(v) ((vd)_mm512_sqrt_pd((__m512d)(v)))
#define NNINIT_U64_TO_PD(x) ((vd)_mm512_cvtepu64_pd((__m512i)(x)))  // exact below 2^53
#include "simd_impl.h"

}  // namespace
}  // namespace avx512
}  // namespace nninit

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC diagnostic pop
#pragma GCC pop_options
#endif

namespace nninit {
namespace avx512 {
const Kernels table = {"avx512",      k_bits,      k_uniform_f32,          k_uniform_f64,
                       k_normal_f32,  k_normal_f64, k_truncated_normal_f32, k_truncated_normal_f64};
}  // namespace avx512
}  // namespace nninit

#endif  // NNINIT_HAVE_X86_SIMD
