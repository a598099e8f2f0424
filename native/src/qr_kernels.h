// The per-ISA part of the QR (qr_<isa>.cc, one body in qr_impl.h; qr_wasm.cc only in the
// wasm build): applying a sequence of Householder reflections to a range of columns. qr.cc
// drives it (blocking, threads) and picks the table that matches the fill kernels' ISA
// (nninit::qr_kernels).
#ifndef NNINIT_QR_KERNELS_H_
#define NNINIT_QR_KERNELS_H_

#include <cstddef>

#include "isa_tables.h"
#include "nninit/kernels.h"

namespace nninit {

// I - beta v v^T acting on rows [row, m): v[0 .. m - row) is v (it never overlaps the
// columns being updated).
struct QrReflector {
  const double* v;
  size_t row;
  double beta;
};

// A tile is `lanes` columns of an m-row matrix stored row by row (row i at tile + i * lanes):
// lanes consecutive columns of a column-major matrix occupy the same lanes * m doubles
// either way, so a group of columns can be turned into a tile in place.
struct QrKernels {
  const char* name;  // the ISA, as Kernels::name
  size_t lanes;      // columns per tile; scratch below means lanes * m doubles
  // Applies r[0], r[1], ..., r[count - 1], in that order, to each of the columns
  // [j0, j1) of the column-major m-row matrix a, each column with exactly the operations of
  // reflect() in lib/initializers/orthogonal.ts (so the bits do not depend on which
  // columns are processed together). `scratch` is scratch memory of this call.
  void (*apply)(double* a, size_t m, size_t j0, size_t j1, const QrReflector* r, size_t count,
                double* scratch);
  // The same on the `lanes` columns of a tile, in place.
  void (*tile)(double* tile, size_t m, const QrReflector* r, size_t count);
  // In place: `lanes` column-major columns at g into a tile, and back.
  void (*pack)(double* g, size_t m, double* scratch);
  void (*unpack)(double* g, size_t m, double* scratch);
};

namespace scalar { extern const QrKernels qr_table; }
#if defined(NNINIT_HAVE_X86_SIMD)
namespace sse2 { extern const QrKernels qr_table; }
namespace avx2 { extern const QrKernels qr_table; }
namespace avx512 { extern const QrKernels qr_table; }
#endif
#if defined(NNINIT_HAVE_NEON)
namespace neon { extern const QrKernels qr_table; }
#endif
#if defined(NNINIT_HAVE_WASM_SIMD)
namespace wasm { extern const QrKernels qr_table; }
#endif

// The QR table of the fill kernels' ISA `k` (by name; scalar for an unknown name).
const QrKernels* qr_kernels(const Kernels* k);

}  // namespace nninit

#endif  // NNINIT_QR_KERNELS_H_
