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

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC diagnostic push
// GCC 12 false positive inside its own intrinsic headers (_mm512_undefined_epi32).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC target("avx512f,avx512bw,avx512dq,avx512vl")
#endif

namespace nninit {
namespace avx512 {
namespace {

const size_t kBatchBlocks = 32;  // 4 registers x 8 blocks

// Philox4x32-10 on 8 blocks per zmm. 64-bit lane j of A holds words (x0, x1) and of B
// (x2, x3) of one block; mul_epu32 reads the low halves only, so one multiply gives the
// full 32x32->64 product (lo in the low half, hi in the high half). Lanes hold blocks
// 0,4,1,5,2,6,3,7 so that unpacklo/hi_epi64(A, B) emit blocks 0-3 and 4-7 in word order.
//
// Rounds alternate between two layouts to save shuffles. From (x0, x1), (x2, x3) a round's
// result (x0', x1') = (hi1 ^ x1 ^ k0, lo1) is built swapped as (lo1, hi1 ^ x1 ^ k0) = P1
// with its odd dwords xored with x1 and k0: one masked ternary-logic op. The next round
// starts from the swapped layout: a shift brings x0 low for the multiply, and the result is
// back in the normal layout after one shuffle. Ten rounds end in the normal layout.
inline void philox_gen(uint32_t* dst, uint64_t b0, size_t nblocks, const Key& key) {
  const __m512i m0 = _mm512_set1_epi64(0xD2511F53);
  const __m512i m1 = _mm512_set1_epi64(0xCD9E8D57);
  __m512i k0[10], k1[10];
  uint32_t kk0 = key.k0, kk1 = key.k1;
  for (int r = 0; r < 10; r++) {
    // Even rounds (0, 2, ..) xor the key into the high dword, odd rounds into the low one.
    const int sh = (r & 1) ? 0 : 32;
    k0[r] = _mm512_set1_epi64(static_cast<long long>(static_cast<uint64_t>(kk0) << sh));
    k1[r] = _mm512_set1_epi64(static_cast<long long>(static_cast<uint64_t>(kk1) << sh));
    kk0 += 0x9E3779B9u;
    kk1 += 0xBB67AE85u;
  }
  const __m512i stream =
      _mm512_set1_epi64(static_cast<long long>(key.s0 | (static_cast<uint64_t>(key.s1) << 32)));
  const __m512i lanes = _mm512_setr_epi64(0, 4, 1, 5, 2, 6, 3, 7);
  const __mmask16 odd = 0xAAAA, even = 0x5555;
  for (size_t i = 0; i < nblocks; i += kBatchBlocks) {
    __m512i a[4], b[4];
#pragma GCC unroll 4
    for (int u = 0; u < 4; u++) {
      a[u] = _mm512_add_epi64(_mm512_set1_epi64(static_cast<long long>(b0 + i + 8 * u)), lanes);
      b[u] = stream;
    }
#pragma GCC unroll 5
    for (int r = 0; r < 10; r += 2) {
#pragma GCC unroll 4
      for (int u = 0; u < 4; u++) {
        // Normal (x0, x1), (x2, x3) -> swapped (x1', x0'), (x3', x2').
        const __m512i p0 = _mm512_mul_epu32(a[u], m0);  // (lo0, hi0)
        const __m512i p1 = _mm512_mul_epu32(b[u], m1);  // (lo1, hi1)
        a[u] = _mm512_mask_ternarylogic_epi32(p1, odd, a[u], k0[r], 0x96);
        b[u] = _mm512_mask_ternarylogic_epi32(p0, odd, b[u], k1[r], 0x96);
      }
#pragma GCC unroll 4
      for (int u = 0; u < 4; u++) {
        // Swapped (x1, x0), (x3, x2) -> normal (x0', x1'), (x2', x3').
        const __m512i p0 = _mm512_mul_epu32(_mm512_srli_epi64(a[u], 32), m0);
        const __m512i p1 = _mm512_mul_epu32(_mm512_srli_epi64(b[u], 32), m1);
        a[u] = _mm512_mask_ternarylogic_epi32(_mm512_shuffle_epi32(p1, _MM_PERM_CDAB), even, a[u],
                                              k0[r + 1], 0x96);
        b[u] = _mm512_mask_ternarylogic_epi32(_mm512_shuffle_epi32(p0, _MM_PERM_CDAB), even, b[u],
                                              k1[r + 1], 0x96);
      }
    }
#pragma GCC unroll 4
    for (int u = 0; u < 4; u++) {
      uint32_t* d = dst + 4 * (i + 8 * u);
      _mm512_storeu_si512(d, _mm512_unpacklo_epi64(a[u], b[u]));
      _mm512_storeu_si512(d + 16, _mm512_unpackhi_epi64(a[u], b[u]));
    }
  }
}

#define NNINIT_VB 64
#define NNINIT_N32 16
#define NNINIT_N64 8
#define NNINIT_SQRT_PS(v) ((vf)_mm512_sqrt_ps((__m512)(v)))
#define NNINIT_SQRT_PD(v) ((vd)_mm512_sqrt_pd((__m512d)(v)))
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
