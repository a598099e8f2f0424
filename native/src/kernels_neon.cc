// AArch64 Advanced SIMD (NEON) kernels. NEON is the AArch64 baseline: no target pragma.
// No vfma: -ffp-contract=off keeps the compiler from fusing, and none is written here.
#include "isa_tables.h"

#if defined(NNINIT_HAVE_NEON)
#include <arm_neon.h>

#include <cstddef>
#include <cstdint>

#include "math.h"
#include "nninit/kernels.h"
#include "philox.h"

namespace nninit {
namespace neon {
namespace {

// Philox4x32-10 on 4 blocks per register set: x0..x3 hold word k of 4 blocks. vmull_u32
// gives the 64-bit products, vuzp splits them into lo/hi words; emit transposes back to the
// layout asked for. philox_gen keeps two sets (8 blocks) in flight.
const size_t kBatchBlocks = 4;  // philox_gen's granularity: one register set

// Writes the 4 blocks of one register set in layout L (philox.h).
template <int L>
inline void emit(uint32_t* d, uint32x4_t x0, uint32x4_t x1, uint32x4_t x2, uint32x4_t x3) {
  if (L == kPhiloxWords) {
    uint32x4x4_t t;
    t.val[0] = x0;
    t.val[1] = x1;
    t.val[2] = x2;
    t.val[3] = x3;
    vst4q_u32(d, t);
  } else if (L == kPhiloxBlocks) {
    // Groups of 2 blocks: words 0, 1 of blocks 0, 1; words 2, 3; then blocks 2, 3.
    vst1q_u32(d, vzip1q_u32(x0, x1));
    vst1q_u32(d + 4, vzip1q_u32(x2, x3));
    vst1q_u32(d + 8, vzip2q_u32(x0, x1));
    vst1q_u32(d + 12, vzip2q_u32(x2, x3));
  } else {
    // Groups of 2 blocks: radius words x0, x2 (pairs 0-3), angle words x1, x3.
    vst1q_u32(d, vzip1q_u32(x0, x2));
    vst1q_u32(d + 4, vzip1q_u32(x1, x3));
    vst1q_u32(d + 8, vzip2q_u32(x0, x2));
    vst1q_u32(d + 12, vzip2q_u32(x1, x3));
  }
}

// Blocks b0 .. b0 + 4U - 1, U register sets statement by statement.
template <int L, int U>
inline void philox_batch(uint32_t* dst, uint64_t b0, const uint32x4_t (&k0)[10],
                         const uint32x4_t (&k1)[10], const Key& key) {
  const uint32x2_t m0 = vdup_n_u32(kPhiloxM0), m1 = vdup_n_u32(kPhiloxM1);
  const uint32x4_t m0q = vdupq_n_u32(kPhiloxM0), m1q = vdupq_n_u32(kPhiloxM1);
  uint32x4_t x0[U], x1[U], x2[U], x3[U];
  for (int u = 0; u < U; u++) {
    uint32_t lo[4], hi[4];
    for (int l = 0; l < 4; l++) {
      const uint64_t b = b0 + 4 * u + l;
      lo[l] = static_cast<uint32_t>(b);
      hi[l] = static_cast<uint32_t>(b >> 32);
    }
    x0[u] = vld1q_u32(lo);
    x1[u] = vld1q_u32(hi);
    x2[u] = vdupq_n_u32(key.s0);
    x3[u] = vdupq_n_u32(key.s1);
  }
  for (int r = 0; r < 10; r++) {
    for (int u = 0; u < U; u++) {
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
  for (int u = 0; u < U; u++) emit<L>(dst + 16 * u, x0[u], x1[u], x2[u], x3[u]);
}

// Out of line: one copy per layout instead of one inlined into every kernel (each is a few
// kilobytes of unrolled rounds); a call per chunk of 1024 words costs nothing.
template <int L>
__attribute__((noinline)) void philox_gen(uint32_t* dst, uint64_t b0, size_t nblocks, const Key& key) {
  uint32_t a[10], b[10];
  philox_round_keys(key, a, b);
  uint32x4_t k0[10], k1[10];
  for (int r = 0; r < 10; r++) {
    k0[r] = vdupq_n_u32(a[r]);
    k1[r] = vdupq_n_u32(b[r]);
  }
  size_t i = 0;
  for (; i + 8 <= nblocks; i += 8) philox_batch<L, 2>(dst + 4 * i, b0 + i, k0, k1, key);
  for (; i < nblocks; i += 4) philox_batch<L, 1>(dst + 4 * i, b0 + i, k0, k1, key);
}

#define NNINIT_VB 16
#define NNINIT_N32 4
#define NNINIT_N64 2
#define NNINIT_SQRT_PS(v) ((vf)vsqrtq_f32((float32x4_t)(v)))
#define NNINIT_SQRT_PD(v) ((vd)vsqrtq_f64((float64x2_t)(v)))
#define NNINIT_U64_TO_PD(x) ((vd)vcvtq_f64_u64((uint64x2_t)(x)))  // exact below 2^53
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
