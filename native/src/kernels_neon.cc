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
// layout asked for. philox_run keeps two sets (8 blocks) in flight.
const size_t kBatchBlocks = 4;  // blocks per register set (two groups): philox_run's granularity
const int kRunSets = 2;         // register sets philox_run keeps in flight

struct PhiloxKeys {
  uint32x4_t k0[10], k1[10], s0, s1;
  explicit PhiloxKeys(const Key& key) {
    uint32_t a[10], b[10];
    philox_round_keys(key, a, b);
    for (int r = 0; r < 10; r++) {
      k0[r] = vdupq_n_u32(a[r]);
      k1[r] = vdupq_n_u32(b[r]);
    }
    s0 = vdupq_n_u32(key.s0);
    s1 = vdupq_n_u32(key.s1);
  }
};

// The 4 blocks of one register set as two groups of two vectors each in layout L (philox.h).
template <int L>
inline void emit(uint32x4_t x0, uint32x4_t x1, uint32x4_t x2, uint32x4_t x3, uint32x4_t* x,
                 uint32x4_t* y) {
  if (L == kPhiloxWords) {
    // Transposed: blocks 0, 1 in word order, then blocks 2, 3.
    const uint64x2_t t01 = vreinterpretq_u64_u32(vzip1q_u32(x0, x1)), t23 = vreinterpretq_u64_u32(vzip1q_u32(x2, x3));
    const uint64x2_t u01 = vreinterpretq_u64_u32(vzip2q_u32(x0, x1)), u23 = vreinterpretq_u64_u32(vzip2q_u32(x2, x3));
    x[0] = vreinterpretq_u32_u64(vzip1q_u64(t01, t23));
    y[0] = vreinterpretq_u32_u64(vzip2q_u64(t01, t23));
    x[1] = vreinterpretq_u32_u64(vzip1q_u64(u01, u23));
    y[1] = vreinterpretq_u32_u64(vzip2q_u64(u01, u23));
  } else if (L == kPhiloxBlocks) {
    // Words 0, 1 of blocks 0, 1; words 2, 3; then blocks 2, 3.
    x[0] = vzip1q_u32(x0, x1);
    y[0] = vzip1q_u32(x2, x3);
    x[1] = vzip2q_u32(x0, x1);
    y[1] = vzip2q_u32(x2, x3);
  } else {
    // Radius words x0, x2 (pairs 0-3), angle words x1, x3; then blocks 2, 3.
    x[0] = vzip1q_u32(x0, x2);
    y[0] = vzip1q_u32(x1, x3);
    x[1] = vzip2q_u32(x0, x2);
    y[1] = vzip2q_u32(x1, x3);
  }
}

// Blocks b0 .. b0 + 4U - 1, U register sets statement by statement, handed to the sink as
// 2U groups of 2 blocks starting at group g.
template <int L, int U, class Sink>
inline void philox_batch(uint64_t b0, const PhiloxKeys& k, Sink& sink, size_t g) {
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
    x2[u] = k.s0;
    x3[u] = k.s1;
  }
  for (int r = 0; r < 10; r++) {
    for (int u = 0; u < U; u++) {
      const uint32x4_t p0l = vreinterpretq_u32_u64(vmull_u32(vget_low_u32(x0[u]), m0));
      const uint32x4_t p0h = vreinterpretq_u32_u64(vmull_high_u32(x0[u], m0q));
      const uint32x4_t p1l = vreinterpretq_u32_u64(vmull_u32(vget_low_u32(x2[u]), m1));
      const uint32x4_t p1h = vreinterpretq_u32_u64(vmull_high_u32(x2[u], m1q));
      const uint32x4_t lo0 = vuzp1q_u32(p0l, p0h), hi0 = vuzp2q_u32(p0l, p0h);
      const uint32x4_t lo1 = vuzp1q_u32(p1l, p1h), hi1 = vuzp2q_u32(p1l, p1h);
      const uint32x4_t y0 = veorq_u32(veorq_u32(hi1, x1[u]), k.k0[r]);
      const uint32x4_t y2 = veorq_u32(veorq_u32(hi0, x3[u]), k.k1[r]);
      x0[u] = y0;
      x1[u] = lo1;
      x2[u] = y2;
      x3[u] = lo0;
    }
  }
  uint32x4_t x[2 * U], y[2 * U];
  for (int u = 0; u < U; u++) emit<L>(x0[u], x1[u], x2[u], x3[u], x + 2 * u, y + 2 * u);
  sink.template take<2 * U>(x, y, g);
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
