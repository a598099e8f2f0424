// Householder QR (thin Q with Mezzadri's sign correction) for orthogonal(): the operations
// of householderQ in lib/initializers/orthogonal.ts, which defines the bits, in the same
// order for every column; blocked, vectorized across columns and threaded (native/src/qr.cc).
#ifndef NNINIT_QR_H_
#define NNINIT_QR_H_

#include <cstddef>

#include "nninit/kernels.h"

namespace nninit {

// Overwrites the column-major m x n matrix a (column j is a[j*m .. j*m + m), m >= n) with
// its thin Q, column j multiplied by sign(R_jj) (+1 for a zero diagonal), in float64 with
// the exact operations of orthogonal.ts: the same bits for every `isa` (the fill kernels'
// table; its QR kernel is used) and every thread count (`threads` <= 1: the calling thread
// only; else up to that many threads of the pool, the caller included; the wasm build has no
// pool and always runs on the calling thread). With row_major, a
// holds the matrix row by row (row i at a + i * n) on input and Q row by row on output:
// orthogonal.ts's transposes around the QR, done here (a copy: the same bits). Scratch
// memory is about (64 + threads * 8) * m doubles, plus m * n with row_major; returns false
// (a untouched) when it cannot be allocated. The caller's FP environment must be IEEE
// (FpEnvGuard).
bool householder_q(const Kernels* isa, double* a, size_t m, size_t n, unsigned threads,
                   bool row_major = false);

// For tests: the reflections per outer block (rounded up to a multiple of 8) and the
// multiply-adds below which a block's update stays on the calling thread (1 = always split
// when threads > 1). 0 = the defaults. The bits do not depend on either.
void set_qr_limits_for_testing(size_t outer_block, size_t parallel_work);

}  // namespace nninit

#endif  // NNINIT_QR_H_
