// The QR column kernel (qr_impl.h) for AArch64 NEON, the baseline (no target pragma): a
// tile row is one register of 2 columns. No vfma: -ffp-contract=off, and none is written.
#include "isa_tables.h"

#if defined(NNINIT_HAVE_NEON)
#include <cstddef>
#include <cstring>

#include "qr_kernels.h"

namespace nninit {
namespace neon {
namespace {

const size_t kQrLanes = 2;

#include "qr_impl.h"

}  // namespace

const QrKernels qr_table = {"neon", kQrLanes, qr_apply, qr_tile,
                           qr_pack_group, qr_unpack_group};

}  // namespace neon
}  // namespace nninit

#endif  // NNINIT_HAVE_NEON
