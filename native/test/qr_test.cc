// Standalone C++ test of the QR (no Node): householder_q on every available ISA, several
// thread counts and block sizes, byte-equal to an unblocked, one-column-at-a-time copy of
// householderQ in lib/initializers/orthogonal.ts (the specification; the vitest suite
// test/orthogonal-native.native-only.test.ts compares the addon with the TypeScript itself).
// Shapes straddle the tile widths (4, 8), the leaf (8), the TypeScript block (16) and the
// outer blocks; inputs include zero columns (the beta = 0 rule), signed zeros, subnormals,
// NaN and infinities.
//
// Usage: qr_test [--quick]
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "nninit/dispatch.h"
#include "nninit/qr.h"
#include "nninit/pool.h"

using namespace nninit;

namespace {

int g_failures = 0;
long g_checks = 0;

void fail(const std::string& msg) {
  if (g_failures < 30) std::fprintf(stderr, "FAIL: %s\n", msg.c_str());
  g_failures++;
}

// --------------------------------------------------------------- the reference (unblocked)
// orthogonal.ts with every loop interchange undone: reflection k computed, then applied to
// each later column j in turn (skipped when beta = 0 and j is in k's 16-column block, as
// the TypeScript panel loop does); Q formed one column at a time from the last.

double ref_dot(const double* a, const double* b, size_t n) {
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

void ref_reflect(double* x, const double* v, size_t len, double beta) {
  double s = ref_dot(v, x, len);
  s *= beta;
  for (size_t i = 0; i < len; i++) x[i] = x[i] - s * v[i];
}

void reference_q(double* a, size_t m, size_t n) {
  std::vector<double> beta(n), sign(n);
  for (size_t k = 0; k < n; k++) {
    double* x = a + k * m + k;
    const size_t len = m - k;
    const double norm2 = ref_dot(x, x, len);
    const double x0 = x[0];
    const double norm = std::sqrt(norm2);
    if (norm == 0) {
      beta[k] = 0;
      sign[k] = 1;
    } else {
      const double alpha = x0 >= 0 ? -norm : norm;
      sign[k] = alpha > 0 ? 1 : -1;
      const double v0 = x0 - alpha;
      x[0] = v0;
      const double vv = norm2 - x0 * x0 + v0 * v0;
      beta[k] = 2 / vv;
    }
    for (size_t j = k + 1; j < n; j++) {
      if (beta[k] == 0 && j / 16 == k / 16) continue;
      ref_reflect(a + j * m + k, x, len, beta[k]);
    }
  }
  std::vector<double> v(m);
  for (size_t k = n; k-- > 0;) {
    const size_t len = m - k;
    std::memcpy(v.data(), a + k * m + k, len * sizeof(double));
    double* c = a + k * m;
    for (size_t i = 0; i < k; i++) c[i] = 0;
    const double bv0 = beta[k] * v[0];
    c[k] = 1 - bv0 * v[0];
    for (size_t i = 1; i < len; i++) c[k + i] = 0 - bv0 * v[i];
    for (size_t j = k + 1; j < n; j++) ref_reflect(a + j * m + k, v.data(), len, beta[k]);
  }
  for (size_t j = 0; j < n; j++)
    if (sign[j] == -1)
      for (size_t i = 0; i < m; i++) a[j * m + i] = -a[j * m + i];
}

// ------------------------------------------------------------------------------- inputs

uint64_t g_rng = 0x9E3779B97F4A7C15ull;
uint64_t next_u64() {
  g_rng ^= g_rng << 13;
  g_rng ^= g_rng >> 7;
  g_rng ^= g_rng << 17;
  return g_rng;
}
// Roughly N(0, 1) (a sum of uniforms: the QR does not care about the distribution).
double gauss() {
  double s = 0;
  for (int i = 0; i < 4; i++) s += static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
  return (s - 2) * 1.7320508075688772;
}

std::vector<double> gaussian(size_t m, size_t n) {
  std::vector<double> a(m * n);
  for (double& x : a) x = gauss();
  return a;
}

// ------------------------------------------------------------------------------- checks

struct Config {
  const Kernels* isa;
  unsigned threads;
  size_t block;  // 0 = automatic
};

std::string describe(const Config& c, size_t m, size_t n, const std::string& what) {
  return std::string(c.isa->name) + " threads=" + std::to_string(c.threads) +
         " block=" + std::to_string(c.block) + " " + std::to_string(m) + "x" +
         std::to_string(n) + " " + what;
}

bool same(double x, double y) {
  // Any NaN equals any NaN: which operand's NaN an addition or multiplication of two NaNs
  // returns depends on the operand order the compiler picks for a commutative operation,
  // here and in the reference alike (the vitest suite compares NaN bytes with the
  // TypeScript results).
  return std::memcmp(&x, &y, sizeof x) == 0 || (std::isnan(x) && std::isnan(y));
}

// householder_q on a copy of `input` (with canaries after it) against `want`, and in
// row-major form on its transpose.
void check(const Config& c, const std::vector<double>& input, const std::vector<double>& want,
           size_t m, size_t n, const std::string& what) {
  const size_t canary = 5;
  set_qr_limits_for_testing(c.block, c.threads > 1 ? 1 : 0);
  for (bool row_major : {false, true}) {
    std::vector<double> got(input.size() + canary, 12345.678);
    for (size_t j = 0; j < n; j++)
      for (size_t i = 0; i < m; i++) got[row_major ? i * n + j : j * m + i] = input[j * m + i];
    const std::string ctx = describe(c, m, n, what) + (row_major ? " row-major" : "");
    if (!householder_q(c.isa, got.data(), m, n, c.threads, row_major)) {
      fail(ctx + ": returned false");
      continue;
    }
    g_checks++;
    for (size_t j = 0; j < n; j++) {
      for (size_t i = 0; i < m; i++) {
        const double x = got[row_major ? i * n + j : j * m + i], y = want[j * m + i];
        if (same(x, y)) continue;
        fail(ctx + ": first difference at row " + std::to_string(i) + ", column " +
             std::to_string(j) + ": got " + std::to_string(x) + ", want " + std::to_string(y));
        j = n;
        break;
      }
    }
    for (size_t i = 0; i < canary; i++)
      if (got[input.size() + i] != 12345.678) fail(ctx + ": wrote past a");
  }
}

void check_all(const std::vector<Config>& configs, const std::vector<double>& input, size_t m,
               size_t n, const std::string& what) {
  std::vector<double> want(input);
  reference_q(want.data(), m, n);
  for (const Config& c : configs) check(c, input, want, m, n, what);
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  FpEnvGuard guard;
  std::vector<Config> configs;
  std::vector<Config> few;  // for the larger shapes
  std::string names;
  for (const Kernels* k : available_isas()) {
    names += std::string(names.empty() ? "" : ", ") + k->name;
    for (unsigned t : {1u, 2u, 3u, 8u}) {
      for (size_t block : {size_t{0}, size_t{8}, size_t{24}, size_t{64}}) {
        configs.push_back({k, t, block});
      }
      few.push_back({k, t, 0});
    }
    few.push_back({k, 2, 16});
  }
  std::printf("qr_test: available ISAs: %s\n", names.c_str());

  // Every shape with 1 <= n <= m <= 34 (n <= 20 above m = 20, to keep it short).
  const size_t max_m = quick ? 20 : 34;
  for (size_t m = 1; m <= max_m; m++)
    for (size_t n = 1; n <= m && n <= (m <= 20 ? m : 20); n++)
      check_all(configs, gaussian(m, n), m, n, "gaussian");
  // Shapes around the outer blocks and wider than a few tiles.
  const size_t shapes[][2] = {{33, 33}, {40, 35}, {65, 65}, {70, 63}, {100, 97}, {129, 72},
                              {200, 131}, {257, 129}};
  for (const auto& s : shapes) check_all(configs, gaussian(s[0], s[1]), s[0], s[1], "gaussian");
  if (!quick) {
    const size_t big[][2] = {{300, 300}, {520, 200}, {611, 300}};
    for (const auto& s : big) check_all(few, gaussian(s[0], s[1]), s[0], s[1], "gaussian");
  }

  // Degenerate inputs. Zero columns give beta = 0 reflections, which orthogonal.ts skips
  // within their 16-column block and applies (turning -0 into +0) to later columns.
  const size_t dm = 45, dn = 40;
  struct Case {
    const char* what;
    void (*change)(std::vector<double>& a, size_t m, size_t n);
  };
  const Case cases[] = {
      {"all -0", [](std::vector<double>& a, size_t, size_t) { for (double& x : a) x = -0.0; }},
      {"all +0", [](std::vector<double>& a, size_t, size_t) { for (double& x : a) x = 0.0; }},
      {"-0 and +0 alternating",
       [](std::vector<double>& a, size_t, size_t) {
         for (size_t i = 0; i < a.size(); i++) a[i] = i % 3 ? -0.0 : 0.0;
       }},
      {"zero columns 0, 7, 8, 15, 16, 31 and -0 entries below them",
       [](std::vector<double>& a, size_t m, size_t) {
         for (size_t c : {0, 7, 8, 15, 16, 31})
           for (size_t i = 0; i < m; i++) a[c * m + i] = i & 1 ? -0.0 : 0.0;
         for (size_t i = 0; i < a.size(); i += 5) a[i] = -0.0;
       }},
      {"a zero column in the middle (9) and rows of -0",
       [](std::vector<double>& a, size_t m, size_t n) {
         for (size_t i = 0; i < m; i++) a[9 * m + i] = 0;
         for (size_t j = 0; j < n; j++) a[j * m + m - 1] = -0.0;
       }},
      {"subnormals (squares underflow: zero norm, nonzero v)",
       [](std::vector<double>& a, size_t, size_t) { for (double& x : a) x *= 1e-310; }},
      {"tiny (squares underflow)",
       [](std::vector<double>& a, size_t, size_t) { for (double& x : a) x *= 1e-160; }},
      {"huge (squares overflow)",
       [](std::vector<double>& a, size_t, size_t) { for (double& x : a) x *= 1e160; }},
      {"two equal columns",
       [](std::vector<double>& a, size_t m, size_t) {
         std::memcpy(&a[3 * m], &a[2 * m], m * sizeof(double));
       }},
      {"NaN", [](std::vector<double>& a, size_t m, size_t) { a[20 * m + 30] = std::numeric_limits<double>::quiet_NaN(); }},
      {"infinity", [](std::vector<double>& a, size_t m, size_t) { a[m + 1] = std::numeric_limits<double>::infinity(); }},
      {"-infinity late",
       [](std::vector<double>& a, size_t m, size_t) { a[33 * m + 40] = -std::numeric_limits<double>::infinity(); }},
      {"zero column 0, infinity in column 1 (same 16-column block)",
       [](std::vector<double>& a, size_t m, size_t) {
         for (size_t i = 0; i < m; i++) a[i] = 0;
         a[m + 5] = std::numeric_limits<double>::infinity();
       }},
      {"zero column 0, infinity in column 20 (a later block)",
       [](std::vector<double>& a, size_t m, size_t) {
         for (size_t i = 0; i < m; i++) a[i] = 0;
         a[20 * m + 5] = std::numeric_limits<double>::infinity();
       }},
      {"zero column 17, NaN in column 18",
       [](std::vector<double>& a, size_t m, size_t) {
         for (size_t i = 0; i < m; i++) a[17 * m + i] = 0;
         a[18 * m + 30] = std::numeric_limits<double>::quiet_NaN();
       }},
      {"zero column 3, infinity in columns 4 and 39",
       [](std::vector<double>& a, size_t m, size_t) {
         for (size_t i = 0; i < m; i++) a[3 * m + i] = 0;
         a[4 * m + 44] = std::numeric_limits<double>::infinity();
         a[39 * m + 44] = -std::numeric_limits<double>::infinity();
       }},
      {"identity",
       [](std::vector<double>& a, size_t m, size_t) {
         for (size_t i = 0; i < a.size(); i++) a[i] = i % m == i / m ? 1 : 0;
       }},
      {"minus identity",
       [](std::vector<double>& a, size_t m, size_t) {
         for (size_t i = 0; i < a.size(); i++) a[i] = i % m == i / m ? -1 : 0;
       }},
  };
  for (const Case& c : cases) {
    std::vector<double> a = gaussian(dm, dn);
    c.change(a, dm, dn);
    check_all(configs, a, dm, dn, c.what);
  }
  // Several callers at once share the pool (Node worker_threads, async QRs): each gets its
  // own bytes.
  {
    set_threads(3);
    set_qr_limits_for_testing(8, 1);
    const size_t m = quick ? 70 : 150, n = quick ? 50 : 120;
    const std::vector<double> a = gaussian(m, n), b = gaussian(m, n);
    std::vector<double> wa(a), wb(b);
    reference_q(wa.data(), m, n);
    reference_q(wb.data(), m, n);
    const Kernels* isa = available_isas().front();
    std::atomic<int> bad{0};
    std::vector<std::thread> callers;
    for (int c = 0; c < 4; c++) {
      callers.emplace_back([&, c] {
        FpEnvGuard g;
        const std::vector<double>& want = c & 1 ? wb : wa;
        for (int rep = 0; rep < 3; rep++) {
          std::vector<double> x(c & 1 ? b : a);
          householder_q(isa, x.data(), m, n, 3);
          if (std::memcmp(x.data(), want.data(), m * n * sizeof(double)) != 0) bad++;
        }
      });
    }
    for (std::thread& t : callers) t.join();
    g_checks++;
    if (bad.load()) fail("concurrent callers got wrong bytes " + std::to_string(bad.load()) + " times");
  }

  set_qr_limits_for_testing(0, 0);
  set_threads(0);
  std::printf("qr_test: %ld checks, %d failures\n", g_checks, g_failures);
  return g_failures ? 1 : 0;
}
