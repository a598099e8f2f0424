// SSE2 kernels: the x86-64 baseline, so no target pragma is needed.
#include "isa_tables.h"

#if defined(NNINIT_HAVE_X86_SIMD)
#include <emmintrin.h>

#include <cstddef>
#include <cstdint>

#include "math.h"
#include "nninit/kernels.h"

namespace nninit {
namespace sse2 {
namespace {

const size_t kBatchBlocks = 8;  // 4 registers x 2 blocks

// Philox4x32-10, 2 blocks per xmm: 64-bit lane j of A holds (x0, x1), of B (x2, x3);
// unpacklo/hi_epi64(A, B) are the two blocks' 4 words each.
inline void philox_gen(uint32_t* dst, uint64_t b0, size_t nblocks, const Key& key) {
  const __m128i m0 = _mm_set1_epi64x(0xD2511F53);
  const __m128i m1 = _mm_set1_epi64x(0xCD9E8D57);
  __m128i k0[10], k1[10];
  uint32_t kk0 = key.k0, kk1 = key.k1;
  for (int r = 0; r < 10; r++) {
    k0[r] = _mm_set1_epi64x(static_cast<long long>(kk0));
    k1[r] = _mm_set1_epi64x(static_cast<long long>(kk1));
    kk0 += 0x9E3779B9u;
    kk1 += 0xBB67AE85u;
  }
  const __m128i stream =
      _mm_set1_epi64x(static_cast<long long>(key.s0 | (static_cast<uint64_t>(key.s1) << 32)));
  const __m128i lanes = _mm_set_epi64x(1, 0);
  for (size_t i = 0; i < nblocks; i += kBatchBlocks) {
    __m128i a[4], b[4];
#pragma GCC unroll 4
    for (int u = 0; u < 4; u++) {
      a[u] = _mm_add_epi64(_mm_set1_epi64x(static_cast<long long>(b0 + i + 2 * u)), lanes);
      b[u] = stream;
    }
#pragma GCC unroll 10
    for (int r = 0; r < 10; r++) {
#pragma GCC unroll 4
      for (int u = 0; u < 4; u++) {
        const __m128i p0 = _mm_mul_epu32(a[u], m0);
        const __m128i p1 = _mm_mul_epu32(b[u], m1);
        a[u] = _mm_xor_si128(_mm_xor_si128(_mm_shuffle_epi32(p1, 0xB1), k0[r]),
                             _mm_srli_epi64(a[u], 32));
        b[u] = _mm_xor_si128(_mm_xor_si128(_mm_shuffle_epi32(p0, 0xB1), k1[r]),
                             _mm_srli_epi64(b[u], 32));
      }
    }
#pragma GCC unroll 4
    for (int u = 0; u < 4; u++) {
      uint32_t* d = dst + 4 * (i + 2 * u);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(d), _mm_unpacklo_epi64(a[u], b[u]));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(d + 4), _mm_unpackhi_epi64(a[u], b[u]));
    }
  }
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
