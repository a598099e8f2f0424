// Householder QR for orthogonal(): a line-for-line port of householderQ in
// lib/initializers/orthogonal.ts, which is the specification of the bits.
//
// Bit-exactness rules (DESIGN.md section 3): every reduction keeps the TypeScript order
// (4 interleaved partial sums, combined as (s0 + s1) + (s2 + s3), then the tail, in index
// order), no FMA (-ffp-contract=off; checked by objdump in CI notes), `0 - x` is kept as a
// subtraction (it differs from -x for x = +0). The compiler may vectorize across the
// independent partial sums and across elements of the (reduction-free) updates; it may not
// reassociate a sum, which IEEE semantics without -ffast-math forbid anyway.
#include "nninit/qr.h"

#include <cmath>
#include <cstring>
#include <memory>
#include <new>

namespace nninit {
namespace {

#if defined(__GNUC__) || defined(__clang__)
#define NNINIT_QR_VECTOR 1
// Two doubles, element-wise ops only (GCC/clang vector extension; SSE2 or NEON registers).
typedef double d2 __attribute__((vector_size(16)));
inline d2 load2(const double* p) {
  d2 x;
  std::memcpy(&x, p, sizeof x);
  return x;
}
#endif

// dot() of orthogonal.ts: sum of a[i] * b[i], i in [0, n).
inline double dot(const double* a, const double* b, size_t n) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  double s = (s0 + s1) + (s2 + s3);
  for (; i < n; i++) s += a[i] * b[i];
  return s;
}

// reflect() of orthogonal.ts: applies I - beta v v^T (v = vec[0 .. len)) to rows
// [r, r + len) of columns [j0, n) of the column-major a (column stride m). Columns in pairs;
// each column's dot product has the order of dot(), so the pairing does not change bits.
// vec never overlaps the columns being updated (it is column k < j0 of a, or a copy).
void reflect(double* a, size_t m, size_t r, size_t j0, size_t n, const double* vec, size_t len,
             double beta) {
  size_t j = j0;
  for (; j + 1 < n; j += 2) {
    double* __restrict p = a + j * m + r;
    double* __restrict q = p + m;
    const double* __restrict v = vec;
#if NNINIT_QR_VECTOR
    // Lanes {s0, s1}, {s2, s3} (and t): element-wise vector ops, so each partial sum gets
    // exactly the scalar sequence of additions.
    d2 s01 = {0, 0}, s23 = {0, 0}, t01 = {0, 0}, t23 = {0, 0};
    size_t i = 0;
    for (; i + 3 < len; i += 4) {
      const d2 v01 = load2(v + i), v23 = load2(v + i + 2);
      s01 += v01 * load2(p + i); s23 += v23 * load2(p + i + 2);
      t01 += v01 * load2(q + i); t23 += v23 * load2(q + i + 2);
    }
    const double s0 = s01[0], s1 = s01[1], s2 = s23[0], s3 = s23[1];
    const double t0 = t01[0], t1 = t01[1], t2 = t23[0], t3 = t23[1];
#else
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    size_t i = 0;
    for (; i + 3 < len; i += 4) {
      const double v0 = v[i], v1 = v[i + 1], v2 = v[i + 2], v3 = v[i + 3];
      s0 += v0 * p[i]; s1 += v1 * p[i + 1]; s2 += v2 * p[i + 2]; s3 += v3 * p[i + 3];
      t0 += v0 * q[i]; t1 += v1 * q[i + 1]; t2 += v2 * q[i + 2]; t3 += v3 * q[i + 3];
    }
#endif
    double s = (s0 + s1) + (s2 + s3);
    double t = (t0 + t1) + (t2 + t3);
    for (; i < len; i++) { s += v[i] * p[i]; t += v[i] * q[i]; }
    s *= beta; t *= beta;
    for (i = 0; i < len; i++) {
      const double vi = v[i];
      p[i] = p[i] - s * vi;
      q[i] = q[i] - t * vi;
    }
  }
  if (j < n) {
    double* __restrict p = a + j * m + r;
    const double* __restrict v = vec;
    const double s = beta * dot(v, p, len);
    for (size_t i = 0; i < len; i++) p[i] = p[i] - s * v[i];
  }
}

}  // namespace

bool householder_q(double* a, size_t m, size_t n) {
  if (n == 0) return true;
  const size_t block = kQrBlock;
  const size_t vb_cols = n < block ? n : block;
  std::unique_ptr<double[]> scratch(new (std::nothrow) double[2 * n + vb_cols * m]);
  if (!scratch) return false;
  double* beta = scratch.get();
  double* sign = beta + n;
  double* vb = sign + n;

  for (size_t k0 = 0; k0 < n; k0 += block) {
    const size_t k1 = k0 + block < n ? k0 + block : n;
    for (size_t k = k0; k < k1; k++) {
      const size_t ck = k * m;
      const size_t len = m - k;
      const double norm2 = dot(a + ck + k, a + ck + k, len);
      const double x0 = a[ck + k];
      const double norm = std::sqrt(norm2);
      if (norm == 0) { beta[k] = 0; sign[k] = 1; continue; }
      const double alpha = x0 >= 0 ? -norm : norm;  // R_kk
      sign[k] = alpha > 0 ? 1 : -1;
      const double v0 = x0 - alpha;
      a[ck + k] = v0;
      const double vv = norm2 - x0 * x0 + v0 * v0;
      const double bk = 2 / vv;
      beta[k] = bk;
      reflect(a, m, k, k + 1, k1, a + ck + k, len, bk);
    }
    for (size_t j = k1; j < n; j += 2) {
      const size_t je = j + 2 < n ? j + 2 : n;
      for (size_t k = k0; k < k1; k++) reflect(a, m, k, j, je, a + k * m + k, m - k, beta[k]);
    }
  }

  // Q = H_0 ... H_{n-1} [I; 0], accumulated backwards: before step k, column k is e_k and
  // columns > k hold H_{k+1} ... H_{n-1} applied to their unit vectors.
  for (size_t k1 = n; k1 > 0; k1 = k1 > block ? k1 - block : 0) {
    const size_t k0 = k1 > block ? k1 - block : 0;
    for (size_t k = k0; k < k1; k++)
      std::memcpy(vb + (k - k0) * m, a + k * m + k, (m - k) * sizeof(double));
    for (size_t j = k1; j < n; j += 2) {
      const size_t je = j + 2 < n ? j + 2 : n;
      for (size_t k = k1; k-- > k0;) reflect(a, m, k, j, je, vb + (k - k0) * m, m - k, beta[k]);
    }
    for (size_t k = k1; k-- > k0;) {
      const size_t ck = k * m;
      const size_t len = m - k;
      const double* v = vb + (k - k0) * m;
      const double bk = beta[k];
      for (size_t i = 0; i < k; i++) a[ck + i] = 0;
      const double bv0 = bk * v[0];
      a[ck + k] = 1 - bv0 * v[0];
      for (size_t i = 1; i < len; i++) a[ck + k + i] = 0 - bv0 * v[i];
      reflect(a, m, k, k + 1, k1, v, len, bk);
    }
  }
  for (size_t j = 0; j < n; j++) {
    if (sign[j] == -1) {
      double* c = a + j * m;
      for (size_t i = 0; i < m; i++) c[i] = -c[i];
    }
  }
  return true;
}

}  // namespace nninit
