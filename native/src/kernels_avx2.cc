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

const size_t kBatchBlocks = 16;  // 4 registers x 4 blocks

// Philox4x32-10, 4 blocks per ymm: 64-bit lane j of A holds (x0, x1), of B (x2, x3).
// Lanes hold blocks 0,2,1,3 so unpacklo/hi_epi64(A, B) emit blocks 0-1 and 2-3 in order.
inline void philox_gen(uint32_t* dst, uint64_t b0, size_t nblocks, const Key& key) {
  const __m256i m0 = _mm256_set1_epi64x(0xD2511F53);
  const __m256i m1 = _mm256_set1_epi64x(0xCD9E8D57);
  __m256i k0[10], k1[10];
  uint32_t kk0 = key.k0, kk1 = key.k1;
  for (int r = 0; r < 10; r++) {
    k0[r] = _mm256_set1_epi64x(static_cast<long long>(kk0));
    k1[r] = _mm256_set1_epi64x(static_cast<long long>(kk1));
    kk0 += 0x9E3779B9u;
    kk1 += 0xBB67AE85u;
  }
  const __m256i stream =
      _mm256_set1_epi64x(static_cast<long long>(key.s0 | (static_cast<uint64_t>(key.s1) << 32)));
  const __m256i lanes = _mm256_setr_epi64x(0, 2, 1, 3);
  for (size_t i = 0; i < nblocks; i += kBatchBlocks) {
    __m256i a[4], b[4];
#pragma GCC unroll 4
    for (int u = 0; u < 4; u++) {
      a[u] = _mm256_add_epi64(_mm256_set1_epi64x(static_cast<long long>(b0 + i + 4 * u)), lanes);
      b[u] = stream;
    }
#pragma GCC unroll 10
    for (int r = 0; r < 10; r++) {
#pragma GCC unroll 4
      for (int u = 0; u < 4; u++) {
        const __m256i p0 = _mm256_mul_epu32(a[u], m0);
        const __m256i p1 = _mm256_mul_epu32(b[u], m1);
        a[u] = _mm256_xor_si256(_mm256_xor_si256(_mm256_shuffle_epi32(p1, 0xB1), k0[r]),
                                _mm256_srli_epi64(a[u], 32));
        b[u] = _mm256_xor_si256(_mm256_xor_si256(_mm256_shuffle_epi32(p0, 0xB1), k1[r]),
                                _mm256_srli_epi64(b[u], 32));
      }
    }
#pragma GCC unroll 4
    for (int u = 0; u < 4; u++) {
      uint32_t* d = dst + 4 * (i + 4 * u);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(d), _mm256_unpacklo_epi64(a[u], b[u]));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(d + 8), _mm256_unpackhi_epi64(a[u], b[u]));
    }
  }
}

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
