// WebAssembly SIMD (simd128) kernels: the shared vector body (simd_impl.h) on 128-bit wasm
// vectors. Built only by scripts/build-wasm.cjs (clang --target=wasm32 -msimd128); in a
// native build this file is empty. No relaxed-SIMD: its fused multiply-adds and
// approximate operations differ between engines, and the bits must not.
#include "isa_tables.h"

#if defined(NNINIT_HAVE_WASM_SIMD)
#include <wasm_simd128.h>

#include <cstddef>
#include <cstdint>

#include "math.h"
#include "nninit/kernels.h"

namespace nninit {
namespace wasm {
namespace {

// The 64-bit products of lanes 0-1 (extmul_lo) and 2-3 (extmul_hi) of a and m. Written as
// instructions: clang 14 folds the zero extension of a constant multiplier and then emits a
// full i64x2.mul, which V8 emulates with three multiplies.
#define NNINIT_EXTMUL(name, insn)                                                        \
  inline v128_t name(v128_t a, v128_t m) {                                               \
    v128_t r;                                                                            \
    __asm__("local.get %1\n\tlocal.get %2\n\t" insn "\n\tlocal.set %0" : "=r"(r) : "r"(a), "r"(m)); \
    return r;                                                                            \
  }
NNINIT_EXTMUL(extmul_lo, "i64x2.extmul_low_i32x4_u")
NNINIT_EXTMUL(extmul_hi, "i64x2.extmul_high_i32x4_u")
#undef NNINIT_EXTMUL

// The high 32 bits of each lane's 32 x 32-bit product (wasm has no pmuludq).
inline v128_t mulhi_u32(v128_t a, v128_t m) {
  return wasm_i32x4_shuffle(extmul_lo(a, m), extmul_hi(a, m), 1, 3, 5, 7);
}

// Each batch: two groups of 4 blocks in vectors (enough independent work to hide the
// multiply latency, few enough registers for V8's 16) and kScalar more blocks on the scalar
// 32 x 32 -> 64-bit multiplier (i64.mul), whose ports the vector code leaves idle. Best ns
// per word measured on this AMD EPYC, Node 20 (V8 11.3) / Chromium 156: 4 + 4 vector blocks
// 0.95-1.00 / 1.48, + 2 scalar blocks 0.80-0.82 / 1.24, + 3 0.78-0.80 / 1.43, + 4 0.87 / -.
// Node alone: one vector group 1.33, three 0.95, four 1.04; two blocks per vector, or the low
// halves taken from the extended products instead of i32x4.mul, were no faster.
const size_t kGroups = 2;
const size_t kScalar = 2;
const size_t kBatchBlocks = 4 * kGroups + kScalar;

// Philox4x32-10 with x0..x3 holding word k of 4 blocks (as on NEON), transposed back to
// word order on the way out; y0..y3 the words of the scalar blocks, which follow them.
inline void philox_gen(uint32_t* dst, uint64_t b0, size_t nblocks, const Key& key) {
  const v128_t m0 = wasm_i32x4_splat(static_cast<int32_t>(0xD2511F53u));
  const v128_t m1 = wasm_i32x4_splat(static_cast<int32_t>(0xCD9E8D57u));
  const v128_t s0 = wasm_i32x4_splat(static_cast<int32_t>(key.s0));
  const v128_t s1 = wasm_i32x4_splat(static_cast<int32_t>(key.s1));
  const v128_t iota = wasm_i32x4_make(0, 1, 2, 3);
  // The round keys, splat once per call rather than once per round of every batch.
  v128_t k0[10], k1[10];
  uint32_t rk0[10], rk1[10];
  uint32_t kk0 = key.k0, kk1 = key.k1;
  for (int r = 0; r < 10; r++) {
    rk0[r] = kk0;
    rk1[r] = kk1;
    k0[r] = wasm_i32x4_splat(static_cast<int32_t>(kk0));
    k1[r] = wasm_i32x4_splat(static_cast<int32_t>(kk1));
    kk0 += 0x9E3779B9u;
    kk1 += 0xBB67AE85u;
  }
  for (size_t i = 0; i < nblocks; i += kBatchBlocks) {
    v128_t x0[kGroups], x1[kGroups], x2[kGroups], x3[kGroups];
    for (size_t u = 0; u < kGroups; u++) {
      const uint64_t b = b0 + i + 4 * u;  // blocks b .. b+3; the 64-bit counter wraps
      const uint32_t lo = static_cast<uint32_t>(b), hi = static_cast<uint32_t>(b >> 32);
      x0[u] = wasm_i32x4_add(wasm_i32x4_splat(static_cast<int32_t>(lo)), iota);
      // The high word: +1 in the lanes whose low word wrapped (lo + l < lo), rare.
      x1[u] = wasm_i32x4_sub(wasm_i32x4_splat(static_cast<int32_t>(hi)),
                             wasm_u32x4_lt(x0[u], wasm_i32x4_splat(static_cast<int32_t>(lo))));
      x2[u] = s0;
      x3[u] = s1;
    }
    uint32_t y0[kScalar], y1[kScalar], y2[kScalar], y3[kScalar];
    for (size_t v = 0; v < kScalar; v++) {
      const uint64_t b = b0 + i + 4 * kGroups + v;
      y0[v] = static_cast<uint32_t>(b);
      y1[v] = static_cast<uint32_t>(b >> 32);
      y2[v] = key.s0;
      y3[v] = key.s1;
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < 10; r++) {
#pragma clang loop unroll(full)
      for (size_t v = 0; v < kScalar; v++) {
        const uint64_t p0 = uint64_t{0xD2511F53u} * y0[v], p1 = uint64_t{0xCD9E8D57u} * y2[v];
        y0[v] = static_cast<uint32_t>(p1 >> 32) ^ y1[v] ^ rk0[r];
        y2[v] = static_cast<uint32_t>(p0 >> 32) ^ y3[v] ^ rk1[r];
        y1[v] = static_cast<uint32_t>(p1);
        y3[v] = static_cast<uint32_t>(p0);
      }
      for (size_t u = 0; u < kGroups; u++) {
        const v128_t lo0 = wasm_i32x4_mul(x0[u], m0), hi0 = mulhi_u32(x0[u], m0);
        const v128_t lo1 = wasm_i32x4_mul(x2[u], m1), hi1 = mulhi_u32(x2[u], m1);
        x0[u] = wasm_v128_xor(wasm_v128_xor(hi1, x1[u]), k0[r]);
        x2[u] = wasm_v128_xor(wasm_v128_xor(hi0, x3[u]), k1[r]);
        x1[u] = lo1;
        x3[u] = lo0;
      }
    }
    for (size_t u = 0; u < kGroups; u++) {
      // 4x4 transpose: block l's words x0[l], x1[l], x2[l], x3[l] become row l.
      const v128_t t0 = wasm_i32x4_shuffle(x0[u], x1[u], 0, 4, 1, 5);
      const v128_t t1 = wasm_i32x4_shuffle(x0[u], x1[u], 2, 6, 3, 7);
      const v128_t t2 = wasm_i32x4_shuffle(x2[u], x3[u], 0, 4, 1, 5);
      const v128_t t3 = wasm_i32x4_shuffle(x2[u], x3[u], 2, 6, 3, 7);
      uint32_t* d = dst + 4 * (i + 4 * u);
      wasm_v128_store(d, wasm_i64x2_shuffle(t0, t2, 0, 2));
      wasm_v128_store(d + 4, wasm_i64x2_shuffle(t0, t2, 1, 3));
      wasm_v128_store(d + 8, wasm_i64x2_shuffle(t1, t3, 0, 2));
      wasm_v128_store(d + 12, wasm_i64x2_shuffle(t1, t3, 1, 3));
    }
    for (size_t v = 0; v < kScalar; v++) {
      uint32_t* d = dst + 4 * (i + 4 * kGroups + v);
      d[0] = y0[v];
      d[1] = y1[v];
      d[2] = y2[v];
      d[3] = y3[v];
    }
  }
}

#define NNINIT_VB 16
#define NNINIT_N32 4
#define NNINIT_N64 2
#define NNINIT_SQRT_PS(v) ((vf)wasm_f32x4_sqrt((v128_t)(v)))
#define NNINIT_SQRT_PD(v) ((vd)wasm_f64x2_sqrt((v128_t)(v)))
#define NNINIT_ANY64(m) wasm_v128_any_true((v128_t)(m))
#include "simd_impl.h"

}  // namespace
}  // namespace wasm
}  // namespace nninit

namespace nninit {
namespace wasm {
const Kernels table = {"wasm",       k_bits,       k_uniform_f32,          k_uniform_f64,
                       k_normal_f32, k_normal_f64, k_truncated_normal_f32, k_truncated_normal_f64};
}  // namespace wasm
}  // namespace nninit

#endif  // NNINIT_HAVE_WASM_SIMD
