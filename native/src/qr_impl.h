// The QR's column kernel, written once and compiled once per ISA (qr_scalar.cc, qr_sse2.cc,
// qr_avx2.cc, qr_avx512.cc, qr_neon.cc; qr_wasm.cc in the wasm build).
//
// NOT a normal header: an ISA file includes it inside its own namespace + anonymous
// namespace, after all system headers (<cstring>) and under its target pragma, having
// defined kQrLanes, W, the columns of a tile (one register: GCC 12's code for vectors of
// two or four registers ran 3-4x slower here); so everything here has internal linkage and
// this ISA's code generation. QrV (W doubles with element-wise + -, double * QrV and
// QrV * double, zero-initialized by QrV{}) and qr_load/qr_store (W doubles at p, any
// alignment) are a GCC/clang vector, or, with NNINIT_QR_PLAIN_LANES, the ISA file's own.
//
// Why it is exact: reflect() in lib/initializers/orthogonal.ts gives each column, for each
// reflection v (rows r .. m-1) in turn, the operations
//   s0..s3 = +0;  s[t % 4] = s[t % 4] + v[t] * x[r + t]   for t < L4 = (m - r) & ~3, in order
//   s = (s0 + s1) + (s2 + s3);  s = s + v[t] * x[r + t]   for t = L4 .. m - r - 1, in order
//   s = s * beta;  x[r + t] = x[r + t] - s * v[t]          for every t
// and nothing mixes one column with another. So the columns can be lanes: a tile holds W
// columns transposed (row i of the tile = row i of the W columns) and every vector operation
// below is that scalar operation in every lane, with the same operands in the same order
// (element-wise IEEE operations; -ffp-contract=off forbids fusing, and no FMA is written).
// The pass that updates a tile with one reflection also accumulates the next reflection's
// sums, row by row: a row's update precedes its product, as in the scalar order, and the
// sums are still accumulated in row order.

const size_t W = kQrLanes;

#if !defined(NNINIT_QR_PLAIN_LANES)
// QrV can be wider than a register of the ISA: GCC and clang note that returning one by
// value would follow another ABI than with a wider ISA. Every function here has internal
// linkage. (GCC reports it when it emits code, at the end of the file: so no pop.)
#pragma GCC diagnostic ignored "-Wpsabi"
typedef double QrV __attribute__((vector_size(kQrLanes * sizeof(double))));
inline QrV qr_load(const double* p) {
  QrV v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void qr_store(double* p, const QrV& v) { std::memcpy(p, &v, sizeof v); }
#endif

// One generic row of a pass, for the few rows where the update condition or the chain
// index varies: x = row `i`; update it when `upd`; add its term to chain t % 4 (t < l4) or to
// the combined sum s (t >= l4, after combine()).
struct QrDotState {
  QrV a0{}, a1{}, a2{}, a3{}, s{};
  void combine() { s = (a0 + a1) + (a2 + a3); }
  void add(size_t t, size_t l4, const QrV& term) {
    if (t >= l4) {
      s = s + term;
      return;
    }
    switch (t & 3) {
      case 0: a0 = a0 + term; break;
      case 1: a1 = a1 + term; break;
      case 2: a2 = a2 + term; break;
      default: a3 = a3 + term; break;
    }
  }
};

// Row i (at p) of a pass, outside its main loop, into *x: updated first (and stored) when
// UPD and i >= rc.
template <bool UPD>
inline void qr_row(QrV* x, double* p, size_t i, const double* vc, size_t rc, const QrV& sc) {
  *x = qr_load(p);
  if (UPD && i >= rc) {
    *x = *x - sc * vc[i - rc];
    qr_store(p, *x);
  }
}

// Rows [rc, m) of tile T: x = x - sc * vc[i - rc].
void qr_update(double* T, size_t m, const double* vc, size_t rc, const QrV& sc) {
  double* p = T + rc * W;
  const size_t len = m - rc;
  size_t t = 0;
  for (; t + 1 < len; t += 2) {
    const QrV x0 = qr_load(p + t * W) - sc * vc[t];
    const QrV x1 = qr_load(p + (t + 1) * W) - sc * vc[t + 1];
    qr_store(p + t * W, x0);
    qr_store(p + (t + 1) * W, x1);
  }
  if (t < len) qr_store(p + t * W, qr_load(p + t * W) - sc * vc[t]);
}

// *sum = the sums of reflection (vn, rn) over rows [rn, m) of the tile, before the
// multiplication by beta; when UPD, rows [rc, m) are first updated with (vc, rc, sc), each
// row before its term is added. Used with |rc - rn| <= 1 (consecutive reflections).
template <bool UPD>
void qr_pass(QrV* sum, double* T, size_t m, const double* vc, size_t rc, const QrV& sc,
             const double* vn, size_t rn) {
  // Rows above rn only get the update (rc = rn - 1: ascending reflections).
  if (UPD) {
    for (size_t i = rc; i < rn; i++) {
      double* p = T + i * W;
      qr_store(p, qr_load(p) - sc * vc[i - rc]);
    }
  }
  const size_t len = m - rn;
  const size_t l4 = len & ~static_cast<size_t>(3);
  double* base = T + rn * W;  // row t of the sums
  // Row t also gets the update when UPD and rn + t >= rc (rc = rn + 1 when descending).
  const size_t first_upd = UPD && rc > rn ? rc - rn : 0;
  QrDotState d;
  QrV x;
  size_t t = 0;
  // Generic rows until t is a multiple of 4 and every row from here on is updated.
  for (; t < l4 && ((t & 3) != 0 || t < first_upd); t++) {
    qr_row<UPD>(&x, base + t * W, rn + t, vc, rc, sc);
    d.add(t, l4, vn[t] * x);
  }
  // The main loop: 4 rows, one per chain.
  if (UPD) {
    // The update's v for row t is vc[rn + t - rc] (rn + t >= rc here).
    for (; t < l4; t += 4) {
      double* q = base + t * W;
      const double* u = vc + (rn + t - rc);
      const QrV x0 = qr_load(q) - sc * u[0];
      const QrV x1 = qr_load(q + W) - sc * u[1];
      const QrV x2 = qr_load(q + 2 * W) - sc * u[2];
      const QrV x3 = qr_load(q + 3 * W) - sc * u[3];
      qr_store(q, x0);
      qr_store(q + W, x1);
      qr_store(q + 2 * W, x2);
      qr_store(q + 3 * W, x3);
      d.a0 = d.a0 + vn[t] * x0;
      d.a1 = d.a1 + vn[t + 1] * x1;
      d.a2 = d.a2 + vn[t + 2] * x2;
      d.a3 = d.a3 + vn[t + 3] * x3;
    }
  } else {
    for (; t < l4; t += 4) {
      const double* q = base + t * W;
      d.a0 = d.a0 + vn[t] * qr_load(q);
      d.a1 = d.a1 + vn[t + 1] * qr_load(q + W);
      d.a2 = d.a2 + vn[t + 2] * qr_load(q + 2 * W);
      d.a3 = d.a3 + vn[t + 3] * qr_load(q + 3 * W);
    }
  }
  d.combine();
  for (; t < len; t++) {
    qr_row<UPD>(&x, base + t * W, rn + t, vc, rc, sc);
    d.add(t, l4, vn[t] * x);
  }
  *sum = d.s;
}

// Reflections r[0 .. count) in order on the tile T (row i of its W columns at T + i * W;
// rows above every r[q].row are not read).
void qr_tile(double* T, size_t m, const QrReflector* r, size_t count) {
  if (count == 0) return;
  // s: the current reflection's sums times beta (s = s * beta, as `s *= beta`).
  QrV s{}, next;
  qr_pass<false>(&next, T, m, nullptr, r[0].row, s, r[0].v, r[0].row);
  s = next * r[0].beta;
  for (size_t q = 0; q + 1 < count; q++) {
    qr_pass<true>(&next, T, m, r[q].v, r[q].row, s, r[q + 1].v, r[q + 1].row);
    s = next * r[q + 1].beta;
  }
  qr_update(T, m, r[count - 1].v, r[count - 1].row, s);
}

// Rows [r0, m) of the w <= W column-major columns at a (stride m) into the tile T; lanes
// w .. W-1 become zeros (their results are never read back).
void qr_pack(const double* a, size_t m, size_t w, size_t r0, double* T) {
  if (w == W) {
    for (size_t i = r0; i < m; i++) {
      double* t = T + i * W;
      for (size_t l = 0; l < W; l++) t[l] = a[l * m + i];
    }
    return;
  }
  for (size_t i = r0; i < m; i++) {
    double* t = T + i * W;
    for (size_t l = 0; l < w; l++) t[l] = a[l * m + i];
    for (size_t l = w; l < W; l++) t[l] = 0;
  }
}

// The inverse of qr_pack for lanes [0, w).
void qr_unpack(const double* T, size_t m, size_t w, size_t r0, double* a) {
  for (size_t l = 0; l < w; l++) {
    double* c = a + l * m;
    for (size_t i = r0; i < m; i++) c[i] = T[i * W + l];
  }
}

// Columns [j0, j1) of the column-major a: packed into `tile` W at a time, r applied, back.
void qr_apply(double* a, size_t m, size_t j0, size_t j1, const QrReflector* r, size_t count,
              double* tile) {
  if (count == 0 || j0 >= j1) return;
  size_t r0 = r[0].row;
  for (size_t q = 1; q < count; q++) r0 = r[q].row < r0 ? r[q].row : r0;
  for (size_t j = j0; j < j1; j += W) {
    const size_t w = j1 - j < W ? j1 - j : W;
    qr_pack(a + j * m, m, w, r0, tile);
    qr_tile(tile, m, r, count);
    qr_unpack(tile, m, w, r0, a + j * m);
  }
}

// In place: the W column-major columns at g (W * m doubles) become one tile, or back.
void qr_pack_group(double* g, size_t m, double* scratch) {
  qr_pack(g, m, W, 0, scratch);
  std::memcpy(g, scratch, W * m * sizeof(double));
}
void qr_unpack_group(double* g, size_t m, double* scratch) {
  std::memcpy(scratch, g, W * m * sizeof(double));
  qr_unpack(scratch, m, W, 0, g);
}
