// The QR column kernel (qr_impl.h) for AVX2: a tile row is one ymm of 4 columns.
// Enabled per function by the target pragma, never by flags; runs only after CPUID+XGETBV
// said so (the same ISA as the fill kernels, dispatch.cc). No FMA is enabled or written.
#include "isa_tables.h"

#if defined(NNINIT_HAVE_X86_SIMD)
#include <cstddef>
#include <cstring>

#include "qr_kernels.h"

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2")
#endif

namespace nninit {
namespace avx2 {
namespace {

const size_t kQrLanes = 4;

#include "qr_impl.h"

}  // namespace
}  // namespace avx2
}  // namespace nninit

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

namespace nninit {
namespace avx2 {
const QrKernels qr_table = {"avx2", kQrLanes, qr_apply, qr_tile,
                           qr_pack_group, qr_unpack_group};
}  // namespace avx2
}  // namespace nninit

#endif  // NNINIT_HAVE_X86_SIMD
