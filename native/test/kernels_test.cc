// Standalone C++ test of the kernels (no Node): Random123 known answers through every
// ISA, and every available ISA byte-equal to the scalar reference for every kernel, dtype,
// length, offset and alignment, with canaries around the output.
//
// Usage: kernels_test [path/to/kat_vectors.txt]
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "nninit/dispatch.h"
#include "nninit/kernels.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <xmmintrin.h>
#endif

using namespace nninit;

namespace {

int g_failures = 0;
long g_checks = 0;

void fail(const std::string& msg) {
  if (g_failures < 50) std::fprintf(stderr, "FAIL: %s\n", msg.c_str());
  g_failures++;
}

// ---------------------------------------------------------------------------- KAT

void test_kat(const char* path, const std::vector<const Kernels*>& isas) {
  std::ifstream in(path);
  if (!in) {
    fail(std::string("cannot open ") + path);
    return;
  }
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    if (line.rfind("philox4x32 10 ", 0) != 0) continue;
    std::istringstream ss(line.substr(14));
    uint32_t v[10];
    for (uint32_t& x : v) {
      std::string tok;
      ss >> tok;
      x = static_cast<uint32_t>(std::strtoul(tok.c_str(), nullptr, 16));
    }
    // ctr[4] key[2] expected[4]
    const Key key{v[4], v[5], v[2], v[3]};
    const uint64_t block = v[0] | (static_cast<uint64_t>(v[1]) << 32);
    lines++;
    for (const Kernels* k : isas) {
      uint32_t w[6] = {0, 0, 0, 0, 0, 0};
      k->bits(w + 1, 4, key, block, 0);
      g_checks++;
      if (std::memcmp(w + 1, v + 6, 16) != 0 || w[0] != 0 || w[5] != 0)
        fail(std::string(k->name) + " bits: KAT mismatch on line: " + line);
      for (unsigned skip = 1; skip < 4; skip++) {  // the same words through a skip
        uint32_t x[4] = {0, 0, 0, 0};
        k->bits(x, 4 - skip, key, block, skip);
        g_checks++;
        if (std::memcmp(x, v + 6 + skip, 4 * (4 - skip)) != 0)
          fail(std::string(k->name) + " bits: KAT mismatch with skip on line: " + line);
      }
    }
  }
  if (lines != 3) fail("expected 3 philox4x32 KAT lines, found " + std::to_string(lines));
}

// ---------------------------------------------------------------------------- parity

struct Buffer {
  // The view starts `shift` bytes after a 64-byte-aligned address, inside canaries.
  static constexpr size_t kCanary = 64;
  std::vector<unsigned char> raw;
  unsigned char* base;
  size_t bytes;
  Buffer(size_t nbytes, size_t shift) : raw(nbytes + 2 * kCanary + 128 + shift), bytes(nbytes) {
    uintptr_t p = reinterpret_cast<uintptr_t>(raw.data()) + kCanary;
    p = (p + 63) & ~uintptr_t{63};
    base = reinterpret_cast<unsigned char*>(p + shift);
    std::memset(raw.data(), 0xA5, raw.size());
  }
  bool canaries_ok() const {
    for (const unsigned char* q = raw.data(); q < base; q++)
      if (*q != 0xA5) return false;
    for (const unsigned char* q = base + bytes; q < raw.data() + raw.size(); q++)
      if (*q != 0xA5) return false;
    return true;
  }
};

// Runs `fill` (a call of one table's kernel) for the reference and an ISA and compares.
template <class T, class F>
void compare(const char* what, const Kernels* ref, const Kernels* isa, size_t n, uint64_t offset,
             size_t shift, F fill) {
  Buffer a(n * sizeof(T), shift), b(n * sizeof(T), shift);
  {
    FpEnvGuard guard;
    fill(ref, reinterpret_cast<T*>(a.base), n, offset);
    fill(isa, reinterpret_cast<T*>(b.base), n, offset);
  }
  g_checks++;
  char ctx[256];
  std::snprintf(ctx, sizeof ctx, "%s %s n=%zu offset=%llu shift=%zu", isa->name, what, n,
                static_cast<unsigned long long>(offset), shift);
  if (!a.canaries_ok()) fail(std::string(ctx) + ": scalar wrote outside its view");
  if (!b.canaries_ok()) fail(std::string(ctx) + ": wrote outside its view");
  if (std::memcmp(a.base, b.base, n * sizeof(T)) != 0) {
    size_t i = 0;
    while (std::memcmp(a.base + i * sizeof(T), b.base + i * sizeof(T), sizeof(T)) == 0) i++;
    T x, y;
    std::memcpy(&x, a.base + i * sizeof(T), sizeof(T));
    std::memcpy(&y, b.base + i * sizeof(T), sizeof(T));
    char d[128];
    std::snprintf(d, sizeof d, ": first difference at %zu: %.17g vs %.17g", i,
                  static_cast<double>(x), static_cast<double>(y));
    fail(std::string(ctx) + d);
  }
}

// Slices of a fill equal the same slice of the whole fill (DESIGN.md section 1).
template <class T, class F>
void slices(const char* what, const Kernels* isa, F fill) {
  const size_t n = 777;
  const uint64_t base = 1000003;
  std::vector<T> whole(n), part(n);
  fill(isa, whole.data(), n, base);
  const size_t cuts[][2] = {{0, 1}, {1, 1}, {1, 2}, {3, 64}, {5, 300}, {17, 760}, {776, 1}, {2, 775}};
  for (const auto& c : cuts) {
    fill(isa, part.data(), c[1], base + c[0]);
    g_checks++;
    if (std::memcmp(part.data(), whole.data() + c[0], c[1] * sizeof(T)) != 0)
      fail(std::string(isa->name) + " " + what + ": slice [" + std::to_string(c[0]) + ", +" +
           std::to_string(c[1]) + ") differs from the whole fill");
  }
}

template <class T, class F>
void parity(const char* what, const Kernels* ref, const Kernels* isa, bool heavy, F fill) {
  const uint64_t offsets[] = {0,
                              1,
                              3,
                              5,
                              7,
                              4294967295ull,
                              (uint64_t{1} << 40) + 3,
                              (uint64_t{1} << 53) - 10};
  const size_t shift = sizeof(T) == 8 ? 8 : 4;  // Float64Array views are 8-aligned
  const size_t max_len = heavy ? 100 : 300;
  for (uint64_t off : offsets) {
    for (size_t n = 0; n <= max_len; n++) compare<T>(what, ref, isa, n, off, n % 3 ? shift : 0, fill);
    for (size_t n : {511, 1023, 1024, 1025, 2049, 5000}) compare<T>(what, ref, isa, n, off, shift, fill);
  }
  compare<T>(what, ref, isa, size_t{1} << 16, 12345, shift, fill);
  slices<T>(what, isa, fill);
}

double phi(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }
// log Phi(x) (asymptotic series far in the lower tail, where Phi underflows).
double log_phi(double x) {
  if (x > -30) return std::log(phi(x));
  const double y = 1 / (x * x);
  return -0.5 * x * x - std::log(-x) - 0.5 * std::log(2 * M_PI) +
         std::log(1 - y + 3 * y * y - 15 * y * y * y);
}

// Log-path params the way lib/params.ts derives them (test-only libm: plausible values).
TruncatedNormalParams log_params(double alpha, double beta, double mean, double sd, bool f32) {
  TruncatedNormalParams p{};
  p.fast = false;
  p.mean = mean;
  p.std = sd;
  p.lo = mean + sd * alpha;
  p.hi = mean + sd * beta;
  double a = alpha, b = beta;
  p.flip = 1;
  if (alpha > 0) {  // mirror so that the heavier side is on the right
    a = -beta;
    b = -alpha;
    p.flip = -1;
  }
  p.lpb = std::isinf(b) ? 0 : log_phi(b);
  p.e0 = std::isinf(a) ? 0 : std::exp(log_phi(a) - p.lpb);
  p.c0 = 1 - p.e0;
  if (f32) {
    p.mean = static_cast<float>(p.mean);
    p.std = static_cast<float>(p.std);
    p.lo = static_cast<float>(p.lo);
    p.hi = static_cast<float>(p.hi);
  }
  return p;
}

TruncatedNormalParams fast_params(double alpha, double beta, double mean, double sd) {
  TruncatedNormalParams p{};
  p.fast = true;
  p.mean = static_cast<float>(mean);
  p.std = static_cast<float>(sd);
  p.lo = static_cast<float>(mean + sd * alpha);
  p.hi = static_cast<float>(mean + sd * beta);
  const double ea = std::erf(alpha / std::sqrt(2.0));
  p.ea = static_cast<float>(ea);
  p.d = static_cast<float>(std::erf(beta / std::sqrt(2.0)) - ea);
  p.scale = static_cast<float>(sd * std::sqrt(2.0));
  return p;
}

void test_parity(const Kernels* ref, const Kernels* isa) {
  std::printf("  parity %s vs scalar...\n", isa->name);
  std::fflush(stdout);
  // bits addressed by (block, skip); the offset picks the block and skip, and a fixed high
  // block base puts the words beyond 2^64 and across the 2^64-block wrap.
  for (uint64_t high : {uint64_t{0}, ~uint64_t{0} - 300})
    parity<uint32_t>("bits", ref, isa, false, [high](const Kernels* k, uint32_t* o, size_t n, uint64_t off) {
      k->bits(o, n, Key{0x12345678, 0x9abcdef0, 7, 0}, high + (off >> 2), static_cast<unsigned>(off & 3));
    });
  const Key key{0xdeadbeef, 42, 3, 1};
  const UniformParams uf32[] = {
      {-(double)(float)0.1, (double)(float)0.2, (double)std::nextafter((float)0.1, 0.0f)},
      {1.0, (double)(float)1e-7, (double)std::nextafter(1.0f + 1e-7f, 0.0f)},
      {-3.0, 6.0, (double)std::nextafter(3.0f, 0.0f)}};
  for (const UniformParams& p : uf32)
    parity<float>("uniform_f32", ref, isa, false, [&](const Kernels* k, float* o, size_t n, uint64_t off) {
      k->uniform_f32(o, n, key, off, p);
    });
  const UniformParams uf64[] = {{-0.1, 0.2, std::nextafter(0.1, 0.0)},
                                {1.0, 1e-15, std::nextafter(1.0 + 1e-15, 0.0)}};
  for (const UniformParams& p : uf64)
    parity<double>("uniform_f64", ref, isa, false, [&](const Kernels* k, double* o, size_t n, uint64_t off) {
      k->uniform_f64(o, n, key, off, p);
    });
  const NormalParams nf32{(double)(float)0.5, (double)(float)0.02};
  parity<float>("normal_f32", ref, isa, false, [&](const Kernels* k, float* o, size_t n, uint64_t off) {
    k->normal_f32(o, n, key, off, nf32);
  });
  const NormalParams nf64{-1.25, 3.5};
  parity<double>("normal_f64", ref, isa, false, [&](const Kernels* k, double* o, size_t n, uint64_t off) {
    k->normal_f64(o, n, key, off, nf64);
  });
  const TruncatedNormalParams t32[] = {
      fast_params(-2, 2, 0, 1),          fast_params(-2, 2, 0.25, 0.05),
      fast_params(-1, 2.5, 0, 0.02),     log_params(-2, 2, 0, 1, true),
      log_params(5, 6, 0, 1, true),      log_params(-50, -49, 0, 1, true),
      log_params(0, INFINITY, 1, 2, true), log_params(-INFINITY, INFINITY, 0, 1, true)};
  for (const TruncatedNormalParams& p : t32)
    parity<float>(p.fast ? "truncated_normal_f32 fast" : "truncated_normal_f32 log", ref, isa, !p.fast,
                  [&](const Kernels* k, float* o, size_t n, uint64_t off) {
                    k->truncated_normal_f32(o, n, key, off, p);
                  });
  const TruncatedNormalParams t64[] = {log_params(-2, 2, 0, 1, false), log_params(5, 6, 0, 1, false),
                                       log_params(-50, -49, 0, 1, false),
                                       log_params(0, INFINITY, 1, 2, false)};
  for (const TruncatedNormalParams& p : t64)
    parity<double>("truncated_normal_f64", ref, isa, true, [&](const Kernels* k, double* o, size_t n, uint64_t off) {
      k->truncated_normal_f64(o, n, key, off, p);
    });
}

void test_dispatch() {
  std::string err;
  if (select_kernels("nonsense", &err) != nullptr || err.find("unknown") == std::string::npos)
    fail("select_kernels(\"nonsense\") should fail with 'unknown': " + err);
  if (select_kernels("auto", nullptr) != available_isas().front()) fail("auto is not the best ISA");
  if (std::string(available_isas().back()->name) != "scalar") fail("scalar is not last");
  for (const Kernels* k : compiled_isas()) {
    bool avail = false;
    for (const Kernels* a : available_isas()) avail = avail || a == k;
    err.clear();
    const Kernels* s = select_kernels(k->name, &err);
    if (avail ? s != k : (s != nullptr || err.empty())) fail(std::string("select_kernels ") + k->name);
  }
#if defined(__x86_64__) || defined(_M_X64)
  const unsigned before = _mm_getcsr();
  _mm_setcsr(before | 0x8040);  // FTZ | DAZ
  {
    FpEnvGuard g;
    if (_mm_getcsr() & 0x8040) fail("FpEnvGuard did not clear FTZ/DAZ");
  }
  if ((_mm_getcsr() & 0x8040) != 0x8040) fail("FpEnvGuard did not restore MXCSR");
  _mm_setcsr(before);
#endif
}

}  // namespace

int main(int argc, char** argv) {
  const char* kat = argc > 1 ? argv[1] : "test/fixtures/kat_vectors.txt";
  const std::vector<const Kernels*> isas = available_isas();
  std::printf("nninit kernels test; available ISAs:");
  for (const Kernels* k : isas) std::printf(" %s", k->name);
  std::printf("\n");
  test_dispatch();
  test_kat(kat, isas);
  const Kernels* ref = &scalar::table;
  for (const Kernels* k : isas)
    if (k != ref) test_parity(ref, k);
  std::printf("%ld checks, %d failures\n", g_checks, g_failures);
  if (g_failures) {
    std::printf("FAILED\n");
    return 1;
  }
  std::printf("OK\n");
  return 0;
}
