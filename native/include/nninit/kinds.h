// The kernel kinds: one constexpr table read by the argument parser (addon.cc), the fill
// policy (fill.cc) and the staged async fill (staged_fill.cc). A kind's id is its index;
// lib/binding.ts uses the same ids, and the addon exports the names in id order as `kinds`
// (a test checks that they equal the TypeScript kind table's names).
#ifndef NNINIT_KINDS_H_
#define NNINIT_KINDS_H_

#include <cstddef>

namespace nninit {

// The typed array a kind writes.
enum class Element { kUint32, kFloat32, kFloat64 };

constexpr size_t element_bytes(Element e) { return e == Element::kFloat64 ? 8 : 4; }
constexpr const char* element_array_name(Element e) {
  return e == Element::kUint32 ? "Uint32Array" : e == Element::kFloat32 ? "Float32Array" : "Float64Array";
}

// What a fill of one kind costs, as two sizes in elements:
//   parallel_threshold: smaller fills stay on the calling thread (fill); larger ones are
//     split across the pool;
//   async_inline_limit: fillAsync does smaller fills on the JavaScript thread and returns
//     a settled promise (about 10 us of single-thread work: less than the hand-off to the
//     pool and back, ~20-40 us on this VM, and harmless for the event loop).
struct KindCost {
  size_t parallel_threshold;
  size_t async_inline_limit;
};

struct KindInfo {
  const char* name;     // as exported in `kinds` and named in lib/ (e.g. "normal-f32")
  Element element;      // the output array type
  size_t params;        // Float64 parameters the kernel reads (lib/params.ts packs them)
  KindCost cost;        // the kind's usual path
  KindCost log_cost;    // the truncated normal's log path (fast flag off); = cost elsewhere
};

// Ids (indices into kKinds). Never renumber: lib/binding.ts passes them to the addon.
enum Kind : int {
  kBits = 0,
  kUniformF32 = 1,
  kUniformF64 = 2,
  kNormalF32 = 3,
  kNormalF64 = 4,
  kTruncatedNormalF32 = 5,
  kTruncatedNormalF64 = 6,
  kKindCount = 7,
};

// Parallel thresholds, measured with `bash scripts/cxx-test.sh --bench threads` (fills
// forced onto the pool; best-of-41 time with 1 thread / with 2 threads; AVX-512, Zen 4 VM
// with 2 vCPUs, machine otherwise quiet, load ~1.5; back-to-back fills, so the helper is
// usually still spinning):
//   log2 n           12    13    14    15    16    17    18
//   uniform f32    0.99  0.98  1.13  1.28  1.57  1.73  1.87   (0.26 ns/el)
//   uniform f64    1.00  1.18  1.41  1.50  1.68  1.79  1.78   (0.6 ns/el)
//   normal f32     1.00  1.34  1.61  1.72  1.87  1.94  1.98   (0.65 ns/el)
//   normal f64     0.99  1.75  1.88  1.90  1.79  1.82  1.98   (1.5 ns/el)
//   trunc f32 fast 1.00  1.55  1.75  1.84  1.93  1.95  1.98   (1 ns/el)
//   trunc f64 log  1.00  1.97  1.97  1.98  1.99  2.06  1.94   (8.5 ns/el)
// (1.00 at 2^12: a single chunk, chunks are at least kMinChunk elements.) Two more runs
// agreed within ~0.15, except that now and then a whole row stayed at 1.0 (the other vCPU
// busy with another process). A cold helper (asleep) costs ~30-50 us to wake on this VM,
// which the caller does not wait for: it claims the chunks itself meanwhile. Each
// threshold is the size where two threads gave >= ~1.3x (about 10-20 us of work).
//
// Async inline limits: ~10 us of single-thread work at the AVX-512 speeds above (bits and
// uniform f32 0.3 ns/element, uniform f64 0.6, normal f32 0.7, normal f64 1.5, truncated
// f32 fast 1, the log paths ~5).
constexpr KindInfo kKinds[kKindCount] = {
    // name                   element           params  cost (threshold, inline)  log path
    {"bits",                 Element::kUint32,  3,  {size_t{1} << 16, 32768}, {size_t{1} << 16, 32768}},
    {"uniform-f32",          Element::kFloat32, 3,  {size_t{1} << 16, 32768}, {size_t{1} << 16, 32768}},
    {"uniform-f64",          Element::kFloat64, 3,  {size_t{1} << 15, 16384}, {size_t{1} << 15, 16384}},
    {"normal-f32",           Element::kFloat32, 2,  {size_t{1} << 14, 16384}, {size_t{1} << 14, 16384}},
    {"normal-f64",           Element::kFloat64, 2,  {size_t{1} << 13, 8192},  {size_t{1} << 13, 8192}},
    {"truncated-normal-f32", Element::kFloat32, 12, {size_t{1} << 14, 8192},  {size_t{1} << 13, 2048}},
    {"truncated-normal-f64", Element::kFloat64, 12, {size_t{1} << 13, 2048},  {size_t{1} << 13, 2048}},
};

// The most parameters any kind reads.
constexpr size_t kMaxKindParams = 12;

constexpr bool valid_kind(int kind) { return kind >= 0 && kind < kKindCount; }

}  // namespace nninit

#endif  // NNINIT_KINDS_H_
