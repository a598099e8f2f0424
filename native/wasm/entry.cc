// The WebAssembly module's entry points (no libc, no Emscripten): the kernels of
// native/src/kernels_wasm.cc and the Householder QR of native/src/qr.cc, a fill scratch
// buffer, and an arena for the QR's matrix. lib/wasm/ is the JavaScript side.
//
// A fill writes into wasm memory and JavaScript copies each chunk out, so a fill of any
// size runs in bounded chunks of at most kScratchBytes. The arena only grows until
// nninit_arena_reset (JavaScript resets it after every QR), so nothing fragments; a
// failed allocation returns 0 and JavaScript falls back to the TypeScript QR.
#include <cstddef>
#include <cstdint>
#include <new>

#include "../src/isa_tables.h"
#include "nninit/kernels.h"
#include "nninit/qr.h"

#if !defined(NNINIT_HAVE_WASM_SIMD)
#error "native/wasm is built for wasm32 with -msimd128 (scripts/build-wasm.cjs)"
#endif

#define NNINIT_EXPORT(name) extern "C" __attribute__((export_name(name), visibility("default")))

namespace {

// Bumped when an export or the control block changes; lib/wasm checks it.
// 2: householder_q takes row_major.
const uint32_t kAbiVersion = 2;

// 256 KiB: big enough that the per-chunk call costs nothing measurable (256 calls per 2^24
// float32), small enough to stay in a 512 KiB-1 MiB L2 cache between the kernel's stores and
// the copy's loads, next to the lines of the output being written.
const size_t kScratchBytes = size_t{1} << 18;
alignas(16) unsigned char g_scratch[kScratchBytes];

// The per-call inputs JavaScript writes before nninit_fill: the Philox key and the kind's
// packed parameters (the layout of lib/params.ts pack* and addon.cc ParseFill).
struct Control {
  uint32_t key[4];  // k0, k1, s0, s1
  double params[12];
};
alignas(16) Control g_control;

const size_t kPage = 65536;
extern "C" unsigned char __heap_base;
uintptr_t g_arena_top = 0;

uintptr_t arena_base() {
  return (reinterpret_cast<uintptr_t>(&__heap_base) + 15) & ~uintptr_t{15};
}

void* arena_alloc(size_t bytes) {
  if (g_arena_top == 0) g_arena_top = arena_base();
  const uintptr_t start = g_arena_top;
  const uintptr_t limit = UINTPTR_MAX - 15;
  if (bytes > limit - start) return nullptr;
  const uintptr_t end = (start + bytes + 15) & ~uintptr_t{15};
  const uintptr_t have = __builtin_wasm_memory_size(0) * kPage;
  if (end > have) {
    const size_t pages = (end - have + kPage - 1) / kPage;
    if (__builtin_wasm_memory_grow(0, pages) == static_cast<size_t>(-1)) return nullptr;
  }
  g_arena_top = end;
  return reinterpret_cast<void*>(start);
}

}  // namespace

namespace std {
const nothrow_t nothrow{};
}  // namespace std
void* operator new[](size_t n, const std::nothrow_t&) noexcept { return arena_alloc(n); }
void operator delete[](void*) noexcept {}

NNINIT_EXPORT("abi_version") uint32_t nninit_abi_version() { return kAbiVersion; }
NNINIT_EXPORT("control") void* nninit_control() { return &g_control; }
NNINIT_EXPORT("scratch") void* nninit_scratch() { return g_scratch; }
NNINIT_EXPORT("scratch_bytes") size_t nninit_scratch_bytes() { return kScratchBytes; }

// Fills out[0 .. n) with elements offset .. offset+n-1 (kind 0, raw words: from word
// params[2] of block params[0] + 2^32 params[1]; offset unused). Returns 0 for an unknown
// kind. The caller validated everything else (lib/wasm checks n against the scratch).
NNINIT_EXPORT("fill") int nninit_fill(int kind, void* out, size_t n, double offset_d) {
  using namespace nninit;
  const Kernels& k = wasm::table;
  const Control& c = g_control;
  const Key key{c.key[0], c.key[1], c.key[2], c.key[3]};
  const double* p = c.params;
  const uint64_t offset = static_cast<uint64_t>(offset_d);
  switch (kind) {
    case 0: {
      const uint64_t block = static_cast<uint64_t>(p[0]) | (static_cast<uint64_t>(p[1]) << 32);
      k.bits(static_cast<uint32_t*>(out), n, key, block, static_cast<unsigned>(p[2]) & 3);
      return 1;
    }
    case 1: k.uniform_f32(static_cast<float*>(out), n, key, offset, UniformParams{p[0], p[1], p[2]}); return 1;
    case 2: k.uniform_f64(static_cast<double*>(out), n, key, offset, UniformParams{p[0], p[1], p[2]}); return 1;
    case 3: k.normal_f32(static_cast<float*>(out), n, key, offset, NormalParams{p[0], p[1]}); return 1;
    case 4: k.normal_f64(static_cast<double*>(out), n, key, offset, NormalParams{p[0], p[1]}); return 1;
    case 5:
    case 6: {
      TruncatedNormalParams tp;
      tp.fast = p[0] != 0;
      tp.mean = p[1]; tp.std = p[2]; tp.lo = p[3]; tp.hi = p[4];
      tp.ea = p[5]; tp.d = p[6]; tp.scale = p[7];
      tp.flip = p[8]; tp.lpb = p[9]; tp.e0 = p[10]; tp.c0 = p[11];
      if (kind == 5) k.truncated_normal_f32(static_cast<float*>(out), n, key, offset, tp);
      else k.truncated_normal_f64(static_cast<double*>(out), n, key, offset, tp);
      return 1;
    }
    default:
      return 0;
  }
}

// `bytes` of arena memory (16-byte aligned), growing the memory as needed; 0 when it
// cannot grow that far.
NNINIT_EXPORT("arena_alloc") void* nninit_arena_alloc(size_t bytes) { return arena_alloc(bytes); }
NNINIT_EXPORT("arena_reset") void nninit_arena_reset() { g_arena_top = arena_base(); }

// householder_q of native/src/qr.cc (one thread, the simd128 QR kernel of qr_wasm.cc) on the
// m x n matrix at a (arena memory): column-major, or row by row when row_major != 0 (the
// transposes of orthogonal.ts around the QR). 1 on success, 0 when its scratch does not fit
// (a untouched).
NNINIT_EXPORT("householder_q") int nninit_householder_q(double* a, size_t m, size_t n, int row_major) {
  return nninit::householder_q(&nninit::wasm::table, a, m, n, 1, row_major != 0) ? 1 : 0;
}
