// AArch64 Advanced SIMD (NEON) kernels. NEON is the AArch64 baseline: no target pragma.
// No vfma: -ffp-contract=off keeps the compiler from fusing, and none is written here.
#include "isa_tables.h"

#if defined(NNINIT_HAVE_NEON)
#include <arm_neon.h>

#include <cstddef>
#include <cstdint>

#include "math.h"
#include "nninit/kernels.h"

namespace nninit {
namespace neon {
namespace {

const size_t kBatchBlocks = 8;  // 2 x 4 blocks

// Philox4x32-10 on 4 blocks per register set: x0..x3 hold word k of 4 blocks. vmull_u32
// gives the 64-bit products, vuzp splits them into lo/hi words, vst4q transposes back to
// word order.
inline void philox_gen(uint32_t* dst, uint64_t b0, size_t nblocks, const Key& key) {
  const uint32x2_t m0 = vdup_n_u32(0xD2511F53u), m1 = vdup_n_u32(0xCD9E8D57u);
  const uint32x4_t m0q = vdupq_n_u32(0xD2511F53u), m1q = vdupq_n_u32(0xCD9E8D57u);
  uint32x4_t k0[10], k1[10];
  uint32_t kk0 = key.k0, kk1 = key.k1;
  for (int r = 0; r < 10; r++) {
    k0[r] = vdupq_n_u32(kk0);
    k1[r] = vdupq_n_u32(kk1);
    kk0 += 0x9E3779B9u;
    kk1 += 0xBB67AE85u;
  }
  const uint32x4_t s0 = vdupq_n_u32(key.s0), s1 = vdupq_n_u32(key.s1);
  for (size_t i = 0; i < nblocks; i += kBatchBlocks) {
    uint32x4_t x0[2], x1[2], x2[2], x3[2];
    for (int u = 0; u < 2; u++) {
      uint32_t lo[4], hi[4];
      for (int l = 0; l < 4; l++) {
        const uint64_t b = b0 + i + 4 * u + l;
        lo[l] = static_cast<uint32_t>(b);
        hi[l] = static_cast<uint32_t>(b >> 32);
      }
      x0[u] = vld1q_u32(lo);
      x1[u] = vld1q_u32(hi);
      x2[u] = s0;
      x3[u] = s1;
    }
    for (int r = 0; r < 10; r++) {
      for (int u = 0; u < 2; u++) {
        const uint32x4_t p0l = vreinterpretq_u32_u64(vmull_u32(vget_low_u32(x0[u]), m0));
        const uint32x4_t p0h = vreinterpretq_u32_u64(vmull_high_u32(x0[u], m0q));
        const uint32x4_t p1l = vreinterpretq_u32_u64(vmull_u32(vget_low_u32(x2[u]), m1));
        const uint32x4_t p1h = vreinterpretq_u32_u64(vmull_high_u32(x2[u], m1q));
        const uint32x4_t lo0 = vuzp1q_u32(p0l, p0h), hi0 = vuzp2q_u32(p0l, p0h);
        const uint32x4_t lo1 = vuzp1q_u32(p1l, p1h), hi1 = vuzp2q_u32(p1l, p1h);
        const uint32x4_t y0 = veorq_u32(veorq_u32(hi1, x1[u]), k0[r]);
        const uint32x4_t y2 = veorq_u32(veorq_u32(hi0, x3[u]), k1[r]);
        x0[u] = y0;
        x1[u] = lo1;
        x2[u] = y2;
        x3[u] = lo0;
      }
    }
    for (int u = 0; u < 2; u++) {
      uint32x4x4_t t;
      t.val[0] = x0[u];
      t.val[1] = x1[u];
      t.val[2] = x2[u];
      t.val[3] = x3[u];
      vst4q_u32(dst + 4 * (i + 4 * u), t);
    }
  }
}

#define NNINIT_VB 16
#define NNINIT_N32 4
#define NNINIT_N64 2
#define NNINIT_SQRT_PS(v) ((vf)vsqrtq_f32((float32x4_t)(v)))
#define NNINIT_SQRT_PD(v) ((vd)vsqrtq_f64((float64x2_t)(v)))
#include "simd_impl.h"

}  // namespace
}  // namespace neon
}  // namespace nninit

namespace nninit {
namespace neon {
const Kernels table = {"neon",       k_bits,       k_uniform_f32,          k_uniform_f64,
                       k_normal_f32, k_normal_f64, k_truncated_normal_f32, k_truncated_normal_f64};
}  // namespace neon
}  // namespace nninit

#endif  // NNINIT_HAVE_NEON
