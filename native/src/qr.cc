// Householder QR for orthogonal(): the same operations, in the same order for every
// column, as householderQ in lib/initializers/orthogonal.ts, which is the specification of
// the bits.
//
// Bit-exactness rules (DESIGN.md section 3): every reduction keeps the TypeScript order
// (4 interleaved partial sums, combined as (s0 + s1) + (s2 + s3), then the tail, in index
// order), no FMA (-ffp-contract=off), `0 - x` is kept as a subtraction (it differs from -x
// for x = +0), no reassociation.
//
// What may change without changing a bit: which columns are processed together and when.
// Column j's value is fixed by the sequence of reflections it receives (0, 1, .. in the
// factorization; its own, then j-1, .., 0 when Q is formed) and by each reflection's
// operations, which read only v, beta and that column. So the driver below applies blocks
// of reflections to tiles of columns (qr_impl.h, lanes = columns, one file per ISA) that
// stay in cache, and splits the tiles across the thread pool; the result is the same for
// every block size, tile width, ISA and thread count. One exception, kept exactly: the
// factorization skips a zero-norm reflection (beta = 0) for the columns of its own
// 16-column block in orthogonal.ts (BLOCK) and applies it, with beta = 0, to later ones,
// which can turn -0 into +0 in R's columns or spread a NaN (only NaN bits can show in Q).
#include "nninit/qr.h"

#include <cmath>
#include <cstring>
#include <memory>
#include <new>

#include "qr_kernels.h"

// The WebAssembly module (scripts/build-wasm.cjs) has no threads, no thread pool, no
// atomics and no C++ library: there the QR runs on the calling thread whatever `threads`
// says, with the same code. Only the pieces below differ.
#if defined(__wasm__)
#define NNINIT_QR_THREADS 0
#else
#define NNINIT_QR_THREADS 1
#include <atomic>

#include "nninit/pool.h"
#endif

namespace nninit {
namespace {

struct Qr;
typedef void (*QrItem)(Qr* q, size_t i, void* ctx);

#if NNINIT_QR_THREADS
// A scratch tile's flag: callbacks on the pool's threads take a free tile and give it back.
typedef std::atomic<bool> SlotFlag;
inline bool take(SlotFlag* f) {
  bool free = false;
  return f->compare_exchange_strong(free, true, std::memory_order_acquire);
}
inline void give_back(SlotFlag* f) { f->store(false, std::memory_order_release); }
// set_qr_limits_for_testing's overrides, read while other threads may set them.
typedef std::atomic<size_t> TestLimit;
inline size_t read_limit(const TestLimit& t) { return t.load(std::memory_order_relaxed); }
inline void write_limit(TestLimit* t, size_t v) { t->store(v, std::memory_order_relaxed); }

struct ForEach {
  Qr* q;
  QrItem fn;
  void* ctx;
};
void for_each_chunk(void* p, size_t c0, size_t c1) {
  const ForEach* f = static_cast<const ForEach*>(p);
  for (size_t i = c0 / kChunkAlign; i < c1 / kChunkAlign; i++) f->fn(f->q, i, f->ctx);
}
// fn(q, i, ctx) for i in [0, count) on up to `threads` threads of the pool, the caller's
// included.
void run_on_pool(Qr* q, size_t count, unsigned threads, QrItem fn, void* ctx) {
  ForEach f{q, fn, ctx};
  parallel_for(count * kChunkAlign, 0, kChunkAlign, threads, for_each_chunk, &f);
}
const bool kPool = true;
#else
typedef bool SlotFlag;
inline bool take(SlotFlag* f) {
  const bool was = *f;
  *f = true;
  return !was;
}
inline void give_back(SlotFlag* f) { *f = false; }
typedef size_t TestLimit;
inline size_t read_limit(const TestLimit& t) { return t; }
inline void write_limit(TestLimit* t, size_t v) { *t = v; }
// Never reached (one scratch tile: for_each runs everything on the caller), but the same.
void run_on_pool(Qr* q, size_t count, unsigned, QrItem fn, void* ctx) {
  for (size_t i = 0; i < count; i++) fn(q, i, ctx);
}
const bool kPool = false;
#endif

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

// The columns that share a TypeScript block with reflection k skip it when beta[k] = 0.
const size_t kTsBlock = 16;
// Reflections per leaf (scalar, column by column) and per outer block (applied to the
// trailing columns tile by tile, in parallel). The bits do not depend on either; the leaf
// must divide kTsBlock so that a leaf lies in one TypeScript block.
const size_t kLeaf = 8;
static_assert(kTsBlock % kLeaf == 0, "a leaf must lie inside one TypeScript block");
// Below about this many multiply-adds a block's update stays on the calling thread.
const double kParallelWork = 1 << 18;

// set_qr_limits_for_testing's overrides (0 = the defaults).
TestLimit g_test_block{0};
TestLimit g_test_work{0};

struct Qr {
  double* a;
  size_t m, n;
  const QrKernels* qk;
  size_t lanes;      // qk->lanes
  size_t groups;     // full groups of `lanes` columns: columns [g * lanes, g * lanes + lanes)
  double* beta;
  double* sign;
  double* vb;        // the current outer block's reflections, column k0 + q at vb + q * m
  double* tiles;     // `slots` scratch tiles of lanes * m doubles
  unsigned slots;    // 1 without a thread pool
  SlotFlag* busy;
  unsigned char* packed;  // per full group: stored as a tile (row by row) right now

  double* group(size_t g) const { return a + g * lanes * m; }
};

// Scratch tile for the duration of one callback (at most q->slots run at once).
class Slot {
 public:
  explicit Slot(const Qr* q) : q_(q) {
    while (!take(&q->busy[s_])) s_ = (s_ + 1) % q->slots;
  }
  ~Slot() { give_back(&q_->busy[s_]); }
  double* tile() const { return q_->tiles + s_ * q_->lanes * q_->m; }

 private:
  const Qr* q_;
  unsigned s_ = 0;
};

// Runs fn(q, i) for i in [0, count) on the pool (when `parallel` and there is enough work:
// `work` multiply-adds in all; up to q->slots threads) or on the calling thread.
void for_each(Qr* q, size_t count, double work, bool parallel, QrItem fn, void* ctx) {
  const size_t test_work = read_limit(g_test_work);
  if (!parallel || q->slots < 2 || count < 2 ||
      work < (test_work ? static_cast<double>(test_work) : kParallelWork)) {
    for (size_t i = 0; i < count; i++) fn(q, i, ctx);
    return;
  }
  run_on_pool(q, count, q->slots, fn, ctx);
}

void pack_one(Qr* q, size_t g, void*) {
  Slot s(q);
  q->qk->pack(q->group(g), q->m, s.tile());
  q->packed[g] = 1;
}
void unpack_one(Qr* q, size_t g, void*) {
  Slot s(q);
  q->qk->unpack(q->group(g), q->m, s.tile());
  q->packed[g] = 0;
}
// Full groups [g0, g1) to tiles (`to_tile`) or back to columns, where they are not already.
void convert(Qr* q, size_t g0, size_t g1, bool to_tile, bool parallel) {
  struct Range {
    size_t g0;
    bool to_tile;
  } range{g0, to_tile};
  auto fn = [](Qr* q, size_t i, void* ctx) {
    const Range* r = static_cast<const Range*>(ctx);
    const size_t g = r->g0 + i;
    if (q->packed[g] == (r->to_tile ? 1 : 0)) return;
    if (r->to_tile) pack_one(q, g, nullptr);
    else unpack_one(q, g, nullptr);
  };
  if (g0 >= g1) return;
  const double moves = static_cast<double>(g1 - g0) * static_cast<double>(q->lanes * q->m);
  for_each(q, g1 - g0, 4 * moves, parallel, fn, &range);
}

// Reflections r[0 .. count) on columns [j0, j1) with orthogonal.ts's rule for beta = 0
// reflections of the factorization (skipped within their TypeScript block), one column at a
// time with reflect(): only used when a block has such a reflection. Columns must be
// column-major.
void apply_exact(const Qr& q, size_t j0, size_t j1, const QrReflector* r, size_t count) {
  for (size_t j = j0; j < j1; j++) {
    for (size_t i = 0; i < count; i++) {
      if (r[i].beta == 0 && j / kTsBlock == r[i].row / kTsBlock) continue;
      reflect(q.a, q.m, r[i].row, j, j + 1, r[i].v, q.m - r[i].row, r[i].beta);
    }
  }
}

// Reflections r[0 .. count) to the column-major columns [j0, j1) on the calling thread.
// `factor`: reflections of the factorization (the beta = 0 rule applies).
void apply_columns(Qr* q, size_t j0, size_t j1, const QrReflector* r, size_t count, bool factor) {
  if (j0 >= j1 || count == 0) return;
  if (factor) {
    for (size_t i = 0; i < count; i++) {
      if (r[i].beta == 0) return apply_exact(*q, j0, j1, r, count);
    }
  }
  Slot s(q);
  q->qk->apply(q->a, q->m, j0, j1, r, count, s.tile());
}

// Leaf of the factorization: reflections k0 .. k1-1 computed from their columns, each
// applied to the leaf's later columns (orthogonal.ts's panel loop).
void factor_leaf(Qr* q, size_t k0, size_t k1) {
  double* a = q->a;
  const size_t m = q->m;
  for (size_t k = k0; k < k1; k++) {
    const size_t ck = k * m;
    const size_t len = m - k;
    const double norm2 = dot(a + ck + k, a + ck + k, len);
    const double x0 = a[ck + k];
    const double norm = std::sqrt(norm2);
    if (norm == 0) { q->beta[k] = 0; q->sign[k] = 1; continue; }
    const double alpha = x0 >= 0 ? -norm : norm;  // R_kk
    q->sign[k] = alpha > 0 ? 1 : -1;
    const double v0 = x0 - alpha;
    a[ck + k] = v0;
    const double vv = norm2 - x0 * x0 + v0 * v0;
    const double bk = 2 / vv;
    q->beta[k] = bk;
    reflect(a, m, k, k + 1, k1, a + ck + k, len, bk);
  }
}

// Leaf of forming Q: columns k1-1 down to k0 set to H_k e_k, each then getting the
// reflections of the leaf's earlier columns (orthogonal.ts's backward loop). Reflection k
// is saved at vb + (k - block0) * m.
void q_leaf(Qr* q, size_t k0, size_t k1, size_t block0) {
  double* a = q->a;
  const size_t m = q->m;
  for (size_t k = k1; k-- > k0;) {
    const size_t ck = k * m;
    const size_t len = m - k;
    const double* v = q->vb + (k - block0) * m;
    const double bk = q->beta[k];
    for (size_t i = 0; i < k; i++) a[ck + i] = 0;
    const double bv0 = bk * v[0];
    a[ck + k] = 1 - bv0 * v[0];
    for (size_t i = 1; i < len; i++) a[ck + k + i] = 0 - bv0 * v[i];
    reflect(a, m, k, k + 1, k1, v, len, bk);
  }
}

// The factorization of the block [k0, k1) (its columns already have every earlier
// reflection): its groups back to columns, then leaves [s0, s1), each factored column by
// column and applied to the rest of the block.
void factor_block(Qr* q, size_t k0, size_t k1) {
  convert(q, k0 / q->lanes, k1 / q->lanes, false, false);
  QrReflector r[kLeaf];
  for (size_t s0 = k0; s0 < k1; s0 += kLeaf) {
    const size_t s1 = s0 + kLeaf < k1 ? s0 + kLeaf : k1;
    factor_leaf(q, s0, s1);
    for (size_t k = s0; k < s1; k++) r[k - s0] = {q->a + k * q->m + k, k, q->beta[k]};
    apply_columns(q, s1, k1, r, s1 - s0, true);
  }
}

// Forming Q's columns of the block [k0, k1) (reflections saved in vb from column k0):
// leaves from the last, each getting the reflections of the block's later leaves first;
// then, unless the block starts at column 0, its groups become tiles for the blocks before
// it.
void form_block(Qr* q, size_t k0, size_t k1) {
  QrReflector r[kLeaf];
  for (size_t s1 = k1; s1 > k0;) {
    const size_t s0 = (s1 - 1) / kLeaf * kLeaf > k0 ? (s1 - 1) / kLeaf * kLeaf : k0;
    for (size_t k = s1; k-- > s0;) r[s1 - 1 - k] = {q->vb + (k - k0) * q->m, k, q->beta[k]};
    apply_columns(q, s1, k1, r, s1 - s0, false);
    q_leaf(q, s0, s1, k0);
    s1 = s0;
  }
  if (k0 > 0) convert(q, k0 / q->lanes, k1 / q->lanes, true, false);
}

// One step: a block's reflections r[0 .. count) applied to the trailing columns [j0, n)
// (j0 a multiple of lanes; their full groups are tiles), together with the work on the
// block [p0, p1) that does not depend on that update: forming Q's block [p0, p1 = j0) (Q),
// or, in the factorization, the next block [p0 = j0, p1) itself, once the update reached
// it. That work is item 0, the trailing tiles the next items: the panel runs on one thread
// while the others update.
struct Step {
  const QrReflector* r;
  size_t count;
  size_t j0, p0, p1;
  bool factor;
  size_t g_first, g_end;  // the full groups of items 1 ..
  bool tail;              // the columns after the last full group are the last item
};

void step_one(Qr* q, size_t i, void* ctx) {
  const Step* st = static_cast<const Step*>(ctx);
  if (i == 0) {
    if (!st->factor) return form_block(q, st->p0, st->p1);
    if (st->p0 >= st->p1) return;
    // The next block gets this update first (tiles, and the columns after the last full
    // group when the block reaches them), then is factored.
    const size_t gb = st->p0 / q->lanes, ge = st->p1 / q->lanes;
    for (size_t g = gb; g < ge && g < q->groups; g++) q->qk->tile(q->group(g), q->m, st->r, st->count);
    if (st->p1 > q->groups * q->lanes) {
      Slot s(q);
      const size_t j = q->groups * q->lanes > st->p0 ? q->groups * q->lanes : st->p0;
      q->qk->apply(q->a, q->m, j, st->p1, st->r, st->count, s.tile());
    }
    return factor_block(q, st->p0, st->p1);
  }
  const size_t g = st->g_first + (i - 1);
  if (g < st->g_end) return q->qk->tile(q->group(g), q->m, st->r, st->count);
  Slot s(q);
  const size_t j = q->groups * q->lanes > st->j0 ? q->groups * q->lanes : st->j0;
  q->qk->apply(q->a, q->m, j, q->n, st->r, st->count, s.tile());
}

// Runs a step (see Step) on the pool when large. A factorization block with a zero-norm
// reflection is applied column by column (apply_exact) before the next block is factored.
void run_step(Qr* q, const QrReflector* r, size_t count, size_t j0, size_t p0, size_t p1,
              bool factor) {
  const size_t n = q->n, lanes = q->lanes;
  if (factor) {
    for (size_t i = 0; i < count; i++) {
      if (r[i].beta != 0) continue;
      convert(q, j0 / lanes, q->groups, false, true);
      apply_exact(*q, j0, n, r, count);
      convert(q, j0 / lanes, q->groups, true, true);
      if (p0 < p1) factor_block(q, p0, p1);
      return;
    }
  }
  Step st{r, count, j0, p0, p1, factor, 0, q->groups, false};
  // Items 1 ..: the trailing groups outside the factorization's next block, then the
  // columns after the last full group unless that block holds them.
  const size_t rest = factor ? p1 : j0;
  st.g_first = rest / lanes < q->groups ? rest / lanes : q->groups;
  st.tail = q->groups * lanes < n && rest < n;
  const size_t items = 1 + (st.g_end - st.g_first) + (st.tail ? 1 : 0);
  const double work = static_cast<double>(q->m - r[count - 1].row) *
                      (static_cast<double>(n - j0) * static_cast<double>(count) +
                       static_cast<double>(p1 - p0) * static_cast<double>(p1 - p0) / 2);
  for_each(q, items, work, true, step_one, &st);
}

size_t outer_block(size_t m, size_t n) {
  const size_t test = read_limit(g_test_block);
  if (test) return test;
  // Larger blocks visit the trailing matrix fewer times (memory traffic once it no longer
  // fits in the last-level cache); smaller ones leave less serial work in the leaves.
  return static_cast<double>(m) * static_cast<double>(n) > (1 << 22) ? 64 : 32;
}

// Row-major input and output (householder_q's row_major): the caller's m x n matrix `rm`
// (row i at rm + i * n) and the working copy q->a. Item g < groups is full group g, item
// `groups` the columns after the last full group.
struct RowMajor {
  double* rm;
  size_t first_tile;  // groups from here on start as tiles
};

// Column-major columns [j0, j1) from / to the row-major matrix; to it with the sign of each
// column applied (-x for sign -1, as orthogonal.ts's sign loop).
void columns_from(const Qr* q, const double* rm, size_t j0, size_t j1) {
  for (size_t i = 0; i < q->m; i++)
    for (size_t j = j0; j < j1; j++) q->a[j * q->m + i] = rm[i * q->n + j];
}
void columns_to(const Qr* q, double* rm, size_t j0, size_t j1) {
  for (size_t i = 0; i < q->m; i++) {
    for (size_t j = j0; j < j1; j++) {
      const double x = q->a[j * q->m + i];
      rm[i * q->n + j] = q->sign[j] == -1 ? -x : x;
    }
  }
}

void load_one(Qr* q, size_t g, void* ctx) {
  const RowMajor* r = static_cast<const RowMajor*>(ctx);
  const size_t w = q->lanes, j0 = g * w, j1 = g < q->groups ? j0 + w : q->n;
  if (g < q->groups && g >= r->first_tile) {
    // A tile is the group's rows, as they are in the row-major matrix.
    double* t = q->group(g);
    for (size_t i = 0; i < q->m; i++) std::memcpy(t + i * w, r->rm + i * q->n + j0, w * sizeof(double));
    q->packed[g] = 1;
  } else {
    columns_from(q, r->rm, j0, j1);
  }
}

void store_one(Qr* q, size_t g, void* ctx) {
  const RowMajor* r = static_cast<const RowMajor*>(ctx);
  const size_t w = q->lanes, j0 = g * w, j1 = g < q->groups ? j0 + w : q->n;
  if (g < q->groups && q->packed[g]) {
    const double* t = q->group(g);
    for (size_t i = 0; i < q->m; i++) {
      double* out = r->rm + i * q->n + j0;
      for (size_t l = 0; l < w; l++) out[l] = q->sign[j0 + l] == -1 ? -t[i * w + l] : t[i * w + l];
    }
  } else {
    columns_to(q, r->rm, j0, j1);
  }
}

}  // namespace

bool householder_q(const Kernels* isa, double* a, size_t m, size_t n, unsigned threads,
                   bool row_major) {
  if (n == 0) return true;
  const QrKernels* qk = qr_kernels(isa);
  const size_t lanes = qk->lanes;
  const size_t block = outer_block(m, n);
  const size_t vb_cols = n < block ? n : block;
  const size_t groups = n / lanes;
  const size_t items = groups + 1;
  const unsigned slots =
      static_cast<unsigned>(threads <= 1 || !kPool ? 1 : (threads < items ? threads : items));
  // Every allocation before the first write to a: on failure a is untouched.
  std::unique_ptr<double[]> scratch(
      new (std::nothrow) double[2 * n + vb_cols * m + static_cast<size_t>(slots) * lanes * m]);
  std::unique_ptr<SlotFlag[]> busy(new (std::nothrow) SlotFlag[slots]);
  std::unique_ptr<QrReflector[]> refl(new (std::nothrow) QrReflector[block]);
  std::unique_ptr<unsigned char[]> packed(new (std::nothrow) unsigned char[groups + 1]());
  std::unique_ptr<double[]> work(row_major ? new (std::nothrow) double[m * n] : nullptr);
  if (!scratch || !busy || !refl || !packed || (row_major && !work)) return false;
  for (unsigned s = 0; s < slots; s++) give_back(&busy[s]);
  Qr q{row_major ? work.get() : a, m, n, qk, lanes, groups, scratch.get(), scratch.get() + n,
       scratch.get() + 2 * n, scratch.get() + 2 * n + vb_cols * m, slots, busy.get(),
       packed.get()};
  QrReflector* r = refl.get();
  RowMajor rm{a, block / lanes};  // the caller's matrix
  a = q.a;                        // the one the QR works on
  const double moves = static_cast<double>(m) * static_cast<double>(n);

  // Factorization: outer blocks [k0, k1), each factored (leaves [s0, s1) column by column,
  // applied to the rest of the block), then applied to the trailing columns, whose full
  // groups stay tiles from the start until their block is factored. The next block is
  // factored as soon as it has this update, while the other threads update the rest.
  if (row_major) {
    for_each(&q, groups + 1, 4 * moves, true, load_one, &rm);
  } else {
    convert(&q, block / lanes, groups, true, true);
  }
  factor_block(&q, 0, block < n ? block : n);
  for (size_t k0 = 0; k0 < n; k0 += block) {
    const size_t k1 = k0 + block < n ? k0 + block : n;
    const size_t k2 = k1 + block < n ? k1 + block : n;
    for (size_t k = k0; k < k1; k++) r[k - k0] = {a + k * m + k, k, q.beta[k]};
    if (k1 < n) run_step(&q, r, k1 - k0, k1, k1, k2, true);
  }

  // Q = H_0 ... H_{n-1} [I; 0], accumulated backwards: before step k, column k is e_k and
  // columns > k hold H_{k+1} ... H_{n-1} applied to their unit vectors. Outer blocks from the
  // last; each saves its reflections (their columns become Q's), applies them (descending)
  // to the trailing columns and, meanwhile, forms its own columns leaf by leaf from the last
  // (form_block), turning them into tiles for the blocks before it.
  for (size_t k1 = n; k1 > 0;) {
    const size_t k0 = (k1 - 1) / block * block;
    for (size_t k = k0; k < k1; k++)
      std::memcpy(q.vb + (k - k0) * m, a + k * m + k, (m - k) * sizeof(double));
    for (size_t k = k1; k-- > k0;) r[k1 - 1 - k] = {q.vb + (k - k0) * m, k, q.beta[k]};
    run_step(&q, r, k1 - k0, k1, k0, k1, false);
    k1 = k0;
  }
  if (row_major) {
    for_each(&q, groups + 1, 4 * moves, true, store_one, &rm);
    return true;
  }
  convert(&q, 0, groups, false, true);
  for (size_t j = 0; j < n; j++) {
    if (q.sign[j] == -1) {
      double* c = a + j * m;
      for (size_t i = 0; i < m; i++) c[i] = -c[i];
    }
  }
  return true;
}

void set_qr_limits_for_testing(size_t outer_block, size_t parallel_work) {
  write_limit(&g_test_block, outer_block == 0 ? 0 : (outer_block + kLeaf - 1) / kLeaf * kLeaf);
  write_limit(&g_test_work, parallel_work);
}

const QrKernels* qr_kernels(const Kernels* k) {
  static const QrKernels* const kTables[] = {
#if defined(NNINIT_HAVE_X86_SIMD)
      &avx512::qr_table, &avx2::qr_table, &sse2::qr_table,
#endif
#if defined(NNINIT_HAVE_NEON)
      &neon::qr_table,
#endif
#if defined(NNINIT_HAVE_WASM_SIMD)
      &wasm::qr_table,
#endif
      &scalar::qr_table,
  };
  if (k != nullptr) {
    for (const QrKernels* t : kTables)
      if (std::strcmp(t->name, k->name) == 0) return t;
  }
  return &scalar::qr_table;
}

}  // namespace nninit
