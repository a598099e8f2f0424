/*
 * The LAPACK peer of orthogonal(): what torch.nn.init.orthogonal_ (PyTorch 1.13) does on
 * the CPU, with LAPACK directly (PyTorch cannot be installed here):
 *   flattened = normal(rows, cols); if rows < cols: flattened = flattened^T
 *   q, r = linalg.qr(flattened)      -> a column-major copy, ?geqrf, ?orgqr (workspace queries)
 *   q *= sign(diag(r)); if rows < cols: q = q^T
 *   tensor.copy_(q); tensor.mul_(gain)
 * in float32 (PyTorch's default dtype: sgeqrf/sorgqr) or float64 (dgeqrf/dorgqr, the
 * precision nninit computes in), on 1 or more OpenBLAS threads.
 *
 * Built by bench/orthogonal.mjs (npm run bench) when OpenBLAS is installed:
 *   cc -O2 bench/lapack-peer.c -lopenblas -lm     (Debian: apt-get install libopenblas-dev)
 * Usage: lapack-peer THREADS REPS float32|float64 ROWSxCOLS...
 * Prints one JSON object per shape: median and minimum of REPS timed calls (after one
 * warm-up call) of the whole initializer except the normal fill, and of its QR part
 * (?geqrf + ?orgqr) alone, in ms; and a check that the result is orthogonal. Leaving the
 * fill out favours the peer: PyTorch's normal_ takes a few ms at 1024^2, and nninit's
 * figures include its own.
 */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void sgeqrf_(const int* m, const int* n, float* a, const int* lda, float* tau, float* work,
             const int* lwork, int* info);
void sorgqr_(const int* m, const int* n, const int* k, float* a, const int* lda,
             const float* tau, float* work, const int* lwork, int* info);
void dgeqrf_(const int* m, const int* n, double* a, const int* lda, double* tau, double* work,
             const int* lwork, int* info);
void dorgqr_(const int* m, const int* n, const int* k, double* a, const int* lda,
             const double* tau, double* work, const int* lwork, int* info);
void openblas_set_num_threads(int n);
char* openblas_get_corename(void);
char* openblas_get_config(void);

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* xoshiro256+ and Box-Muller: a fast normal fill (PyTorch's normal_ is vectorized too). */
static uint64_t s[4] = {0x9E3779B97F4A7C15ull, 0xBF58476D1CE4E5B9ull, 0x94D049BB133111EBull, 1};
static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static uint64_t next_u64(void) {
  const uint64_t r = s[0] + s[3], t = s[1] << 17;
  s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 45);
  return r;
}
static void normal_fill(double* out, size_t n) {
  for (size_t i = 0; i < n; i += 2) {
    const double u1 = ((next_u64() >> 11) + 1) * 0x1.0p-53, u2 = (next_u64() >> 11) * 0x1.0p-53;
    const double r = sqrt(-2 * log(u1)), th = 6.283185307179586 * u2;
    out[i] = r * cos(th);
    if (i + 1 < n) out[i + 1] = r * sin(th);
  }
}

static int cmp(const void* a, const void* b) {
  const double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

/* One orthogonal_ of a rows x cols weight (row-major `w`) from the Gaussian g; returns the
 * QR part's ms. */
#define DEFINE_ORTHOGONAL(T, GEQRF, ORGQR)                                                   \
  static double orthogonal_##T(T* w, int rows, int cols, double* g, T* a, T* tau, T* d) {  \
    const int tall = rows >= cols, m = tall ? rows : cols, n = tall ? cols : rows;          \
    const size_t numel = (size_t)rows * cols;                                               \
    /* linalg.qr's column-major copy of the m x n matrix */                                  \
    if (tall) {                                                                             \
      for (int i = 0; i < rows; i++)                                                        \
        for (int j = 0; j < cols; j++) a[(size_t)j * rows + i] = (T)g[(size_t)i * cols + j]; \
    } else {                                                                                \
      for (size_t i = 0; i < numel; i++) a[i] = (T)g[i];                                    \
    }                                                                                       \
    const double t0 = now_ms();                                                             \
    int info = 0, lwork = -1;                                                               \
    T q1, q2;                                                                               \
    GEQRF(&m, &n, a, &m, tau, &q1, &lwork, &info);                                          \
    ORGQR(&m, &n, &n, a, &m, tau, &q2, &lwork, &info);                                      \
    lwork = (int)(q1 > q2 ? q1 : q2);                                                       \
    T* work = malloc(sizeof(T) * (size_t)(lwork > 1 ? lwork : 1));                          \
    GEQRF(&m, &n, a, &m, tau, work, &lwork, &info);                                         \
    for (int j = 0; j < n; j++) d[j] = a[(size_t)j * m + j];                                \
    ORGQR(&m, &n, &n, a, &m, tau, work, &lwork, &info);                                     \
    free(work);                                                                             \
    const double qr = now_ms() - t0;                                                        \
    if (info != 0) { fprintf(stderr, "lapack-peer: info = %d\n", info); exit(1); }          \
    for (int j = 0; j < n; j++) {                                                           \
      const T sg = d[j] > 0 ? 1 : d[j] < 0 ? -1 : 0;                                        \
      for (int i = 0; i < m; i++) a[(size_t)j * m + i] *= sg;                               \
    }                                                                                       \
    /* back to the row-major weight, times gain (1) */                                      \
    if (tall) {                                                                             \
      for (int i = 0; i < rows; i++)                                                        \
        for (int j = 0; j < cols; j++) w[(size_t)i * cols + j] = a[(size_t)j * rows + i];   \
    } else {                                                                                \
      memcpy(w, a, sizeof(T) * numel);                                                      \
    }                                                                                       \
    for (size_t i = 0; i < numel; i++) w[i] *= (T)1;                                        \
    return qr;                                                                              \
  }
DEFINE_ORTHOGONAL(float, sgeqrf_, sorgqr_)
DEFINE_ORTHOGONAL(double, dgeqrf_, dorgqr_)

/* max |W W^T - I| (rows <= cols) or |W^T W - I| over a few rows/columns pairs. */
#define DEFINE_CHECK(T)                                                                     \
  static double check_##T(const T* w, int rows, int cols) {                                 \
    const int tall = rows >= cols, k = tall ? cols : rows, len = tall ? rows : cols;        \
    double worst = 0;                                                                       \
    for (int p = 0; p < k; p += 1 + k / 16)                                                 \
      for (int q = 0; q < k; q += 1 + k / 16) {                                             \
        double sum = 0;                                                                     \
        for (int i = 0; i < len; i++)                                                       \
          sum += tall ? (double)w[(size_t)i * cols + p] * w[(size_t)i * cols + q]           \
                      : (double)w[(size_t)p * cols + i] * w[(size_t)q * cols + i];          \
        const double e = fabs(sum - (p == q));                                              \
        worst = e > worst ? e : worst;                                                      \
      }                                                                                     \
    return worst;                                                                           \
  }
DEFINE_CHECK(float)
DEFINE_CHECK(double)

int main(int argc, char** argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: lapack-peer THREADS REPS float32|float64 ROWSxCOLS...\n");
    return 2;
  }
  const int threads = atoi(argv[1]), reps = atoi(argv[2]);
  const int f64 = strcmp(argv[3], "float64") == 0;
  openblas_set_num_threads(threads);
  for (int s_ = 4; s_ < argc; s_++) {
    int rows = 0, cols = 0;
    if (sscanf(argv[s_], "%dx%d", &rows, &cols) != 2 || rows < 1 || cols < 1 || reps < 1) {
      fprintf(stderr, "lapack-peer: bad shape %s\n", argv[s_]);
      return 2;
    }
    const size_t numel = (size_t)rows * cols, k = rows < cols ? rows : cols;
    const size_t es = f64 ? sizeof(double) : sizeof(float);
    double* g = malloc(sizeof(double) * numel);
    void* w = malloc(es * numel);
    void* a = malloc(es * numel);
    void* tau = malloc(es * k);
    void* d = malloc(es * k);
    double* total = malloc(sizeof(double) * reps);
    double* qr = malloc(sizeof(double) * reps);
    if (!g || !w || !a || !tau || !d || !total || !qr) { fprintf(stderr, "lapack-peer: out of memory\n"); return 1; }
    double err = 0;
    for (int r = -1; r < reps; r++) { /* r = -1: warm-up */
      normal_fill(g, numel);
      const double t0 = now_ms();
      const double q = f64 ? orthogonal_double(w, rows, cols, g, a, tau, d)
                           : orthogonal_float(w, rows, cols, g, a, tau, d);
      const double t = now_ms() - t0;
      if (r < 0) err = f64 ? check_double(w, rows, cols) : check_float(w, rows, cols);
      else { total[r] = t; qr[r] = q; }
    }
    qsort(total, reps, sizeof(double), cmp);
    qsort(qr, reps, sizeof(double), cmp);
    printf("{\"rows\":%d,\"cols\":%d,\"dtype\":\"%s\",\"threads\":%d,\"reps\":%d,"
           "\"median_ms\":%.4f,\"min_ms\":%.4f,\"qr_median_ms\":%.4f,\"orthogonality_error\":%.3g,"
           "\"core\":\"%s\",\"config\":\"%s\"}\n",
           rows, cols, f64 ? "float64" : "float32", threads, reps, total[reps / 2], total[0],
           qr[reps / 2], err, openblas_get_corename(), openblas_get_config());
    fflush(stdout);
    free(g); free(w); free(a); free(tau); free(d); free(total); free(qr);
  }
  return 0;
}
