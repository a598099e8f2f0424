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
#include "philox.h"

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

// Each register set: two groups of 4 blocks in vectors (enough independent work to hide the
// multiply latency, few enough registers for V8's 16) and kScalar more blocks on the scalar
// 32 x 32 -> 64-bit multiplier (i64.mul), whose ports the vector code leaves idle. Best ns
// per word measured on this AMD EPYC, Node 20 (V8 11.3) / Chromium 156: 4 + 4 vector blocks
// 0.95-1.00 / 1.48, + 2 scalar blocks 0.80-0.82 / 1.24, + 3 0.78-0.80 / 1.43, + 4 0.87 / -.
// Node alone: one vector group 1.33, three 0.95, four 1.04; two blocks per vector, or the low
// halves taken from the extended products instead of i32x4.mul, were no faster.
const size_t kGroups = 2;
const size_t kScalar = 2;
const size_t kBatchBlocks = 4 * kGroups + kScalar;  // blocks per register set
const int kRunSets = 1;                             // register sets philox_run keeps in flight

struct PhiloxKeys {
  // The round keys, splat once per fill rather than once per round of every batch.
  v128_t k0[10], k1[10], s0, s1;
  uint32_t rk0[10], rk1[10], ks0, ks1;
  explicit PhiloxKeys(const Key& key) {
    philox_round_keys(key, rk0, rk1);
    for (int r = 0; r < 10; r++) {
      k0[r] = wasm_i32x4_splat(static_cast<int32_t>(rk0[r]));
      k1[r] = wasm_i32x4_splat(static_cast<int32_t>(rk1[r]));
    }
    ks0 = key.s0;
    ks1 = key.s1;
    s0 = wasm_i32x4_splat(static_cast<int32_t>(key.s0));
    s1 = wasm_i32x4_splat(static_cast<int32_t>(key.s1));
  }
};

// Two blocks' words (word w of block j in wj) as one group of two vectors in layout L.
template <int L>
inline void emit2(v128_t x0, v128_t x1, v128_t x2, v128_t x3, int lo, v128_t* a, v128_t* b) {
  // x0..x3 hold word k of 4 blocks; this group is blocks lo, lo + 1 (lo = 0 or 2).
  if (L == kPhiloxWords) {
    const v128_t t01 = lo ? wasm_i32x4_shuffle(x0, x1, 2, 6, 3, 7) : wasm_i32x4_shuffle(x0, x1, 0, 4, 1, 5);
    const v128_t t23 = lo ? wasm_i32x4_shuffle(x2, x3, 2, 6, 3, 7) : wasm_i32x4_shuffle(x2, x3, 0, 4, 1, 5);
    *a = wasm_i64x2_shuffle(t01, t23, 0, 2);  // block lo in word order
    *b = wasm_i64x2_shuffle(t01, t23, 1, 3);  // block lo + 1
  } else if (L == kPhiloxBlocks) {
    *a = lo ? wasm_i32x4_shuffle(x0, x1, 2, 6, 3, 7) : wasm_i32x4_shuffle(x0, x1, 0, 4, 1, 5);
    *b = lo ? wasm_i32x4_shuffle(x2, x3, 2, 6, 3, 7) : wasm_i32x4_shuffle(x2, x3, 0, 4, 1, 5);
  } else {
    *a = lo ? wasm_i32x4_shuffle(x0, x2, 2, 6, 3, 7) : wasm_i32x4_shuffle(x0, x2, 0, 4, 1, 5);
    *b = lo ? wasm_i32x4_shuffle(x1, x3, 2, 6, 3, 7) : wasm_i32x4_shuffle(x1, x3, 0, 4, 1, 5);
  }
}

// Philox4x32-10 with x0..x3 holding word k of 4 blocks (as on NEON), and y0..y3 the words of
// the scalar blocks, which follow them: blocks b0 .. b0 + kBatchBlocks - 1 handed to the sink
// as kBatchBlocks / 2 groups starting at group g.
template <int L, int U, class Sink>
__attribute__((always_inline)) inline void philox_batch(uint64_t b0, const PhiloxKeys& k, Sink& sink,
                                                        size_t g) {
  static_assert(U == 1, "one register set at a time");
  const v128_t m0 = wasm_i32x4_splat(static_cast<int32_t>(kPhiloxM0));
  const v128_t m1 = wasm_i32x4_splat(static_cast<int32_t>(kPhiloxM1));
  const v128_t iota = wasm_i32x4_make(0, 1, 2, 3);
  v128_t x0[kGroups], x1[kGroups], x2[kGroups], x3[kGroups];
  for (size_t u = 0; u < kGroups; u++) {
    const uint64_t b = b0 + 4 * u;  // blocks b .. b+3; the 64-bit counter wraps
    const uint32_t lo = static_cast<uint32_t>(b), hi = static_cast<uint32_t>(b >> 32);
    x0[u] = wasm_i32x4_add(wasm_i32x4_splat(static_cast<int32_t>(lo)), iota);
    // The high word: +1 in the lanes whose low word wrapped (lo + l < lo), rare.
    x1[u] = wasm_i32x4_sub(wasm_i32x4_splat(static_cast<int32_t>(hi)),
                           wasm_u32x4_lt(x0[u], wasm_i32x4_splat(static_cast<int32_t>(lo))));
    x2[u] = k.s0;
    x3[u] = k.s1;
  }
  uint32_t y0[kScalar], y1[kScalar], y2[kScalar], y3[kScalar];
  for (size_t v = 0; v < kScalar; v++) {
    const uint64_t b = b0 + 4 * kGroups + v;
    y0[v] = static_cast<uint32_t>(b);
    y1[v] = static_cast<uint32_t>(b >> 32);
    y2[v] = k.ks0;
    y3[v] = k.ks1;
  }
#pragma clang loop unroll(full)
  for (int r = 0; r < 10; r++) {
#pragma clang loop unroll(full)
    for (size_t v = 0; v < kScalar; v++) {
      const uint64_t p0 = uint64_t{kPhiloxM0} * y0[v], p1 = uint64_t{kPhiloxM1} * y2[v];
      y0[v] = static_cast<uint32_t>(p1 >> 32) ^ y1[v] ^ k.rk0[r];
      y2[v] = static_cast<uint32_t>(p0 >> 32) ^ y3[v] ^ k.rk1[r];
      y1[v] = static_cast<uint32_t>(p1);
      y3[v] = static_cast<uint32_t>(p0);
    }
    for (size_t u = 0; u < kGroups; u++) {
      const v128_t lo0 = wasm_i32x4_mul(x0[u], m0), hi0 = mulhi_u32(x0[u], m0);
      const v128_t lo1 = wasm_i32x4_mul(x2[u], m1), hi1 = mulhi_u32(x2[u], m1);
      x0[u] = wasm_v128_xor(wasm_v128_xor(hi1, x1[u]), k.k0[r]);
      x2[u] = wasm_v128_xor(wasm_v128_xor(hi0, x3[u]), k.k1[r]);
      x1[u] = lo1;
      x3[u] = lo0;
    }
  }
  const size_t M = kBatchBlocks / 2;
  v128_t a[M], b[M];
  for (size_t u = 0; u < kGroups; u++) {
    emit2<L>(x0[u], x1[u], x2[u], x3[u], 0, &a[2 * u], &b[2 * u]);
    emit2<L>(x0[u], x1[u], x2[u], x3[u], 2, &a[2 * u + 1], &b[2 * u + 1]);
  }
  // The scalar blocks as the last group (kScalar == 2), word k of block j in lane j.
  static_assert(kScalar == 2, "the scalar blocks make one group");
  const v128_t s0 = wasm_i32x4_make(y0[0], y0[1], 0, 0), s1 = wasm_i32x4_make(y1[0], y1[1], 0, 0);
  const v128_t s2 = wasm_i32x4_make(y2[0], y2[1], 0, 0), s3 = wasm_i32x4_make(y3[0], y3[1], 0, 0);
  emit2<L>(s0, s1, s2, s3, 0, &a[M - 1], &b[M - 1]);
  sink.template take<M>(a, b, g);
}

// The shared body's knobs for V8's register allocator (16 registers; min of 1500 in-cache
// fills, ns/element, Node 20, this AMD EPYC; old = before philox_run and the sinks, the
// chosen settings after): uniform 0.96 / 0.96, normal 1.81 / 1.87, truncated normal 2.85 /
// 2.95, normal float64 2.93 / 2.53. Fused Philox-and-values loops (no NNINIT_FEED_GROUPS)
// ran normal at 2.4 here: V8 spills the two loops' registers when they share one.
#define NNINIT_FEED_GROUPS 16
#define NNINIT_WORDS_K 4
#define NNINIT_TRUNC_K 8
#define NNINIT_NORMAL_K 2
#define NNINIT_NORMAL64_K 2
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
