// The QR column kernel (qr_impl.h) for SSE2, the x86-64 baseline (no target pragma): a tile
// row is one xmm of 2 columns.
#include "isa_tables.h"

#if defined(NNINIT_HAVE_X86_SIMD)
#include <cstddef>
#include <cstring>

#include "qr_kernels.h"

namespace nninit {
namespace sse2 {
namespace {

const size_t kQrLanes = 2;

#include "qr_impl.h"

}  // namespace

const QrKernels qr_table = {"sse2", kQrLanes, qr_apply, qr_tile,
                           qr_pack_group, qr_unpack_group};

}  // namespace sse2
}  // namespace nninit

#endif  // NNINIT_HAVE_X86_SIMD
