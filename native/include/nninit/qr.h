// Householder QR (thin Q with Mezzadri's sign correction) for orthogonal(): a line-for-line
// port of householderQ in lib/initializers/orthogonal.ts, which defines the bits.
#ifndef NNINIT_QR_H_
#define NNINIT_QR_H_

#include <cstddef>

namespace nninit {

// The block of reflectors householderQ applies per pass (kept equal to orthogonal.ts's
// BLOCK; the bits do not depend on it).
const size_t kQrBlock = 16;

// Overwrites the column-major m x n matrix a (column j is a[j*m .. j*m + m), m >= n) with
// its thin Q, column j multiplied by sign(R_jj) (+1 for a zero diagonal), in float64 with
// the exact operation order of orthogonal.ts. Scratch memory is (min(n, kQrBlock) * m + 2n)
// doubles; returns false (a untouched) when it cannot be allocated. The caller's FP
// environment must be IEEE (FpEnvGuard).
bool householder_q(double* a, size_t m, size_t n);

}  // namespace nninit

#endif  // NNINIT_QR_H_
