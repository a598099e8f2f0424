// The QR column kernel (qr_impl.h) for WebAssembly SIMD (simd128): a tile row is one v128 of
// 2 columns (f64x2 add, sub and mul: IEEE, the same in every engine). Built only by
// scripts/build-wasm.cjs, which runs the QR on one thread; in a native build this file is
// empty. No relaxed SIMD: its fused multiply-add may or may not round twice.
#include "isa_tables.h"

#if defined(NNINIT_HAVE_WASM_SIMD)
#include <cstddef>
#include <cstring>

#include "qr_kernels.h"

namespace nninit {
namespace wasm {
namespace {

const size_t kQrLanes = 2;

#include "qr_impl.h"

}  // namespace

const QrKernels qr_table = {"wasm", kQrLanes, qr_apply, qr_tile,
                           qr_pack_group, qr_unpack_group};

}  // namespace wasm
}  // namespace nninit

#endif  // NNINIT_HAVE_WASM_SIMD
