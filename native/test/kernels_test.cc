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
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "nninit/dispatch.h"
#include "nninit/kernels.h"
#include "nninit/fill.h"
#include "nninit/pages.h"
#include "nninit/staged_fill.h"

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
  // The kernels' shortcuts (simd_impl.h UniformF32Op): folded or not (scale 1e-33: scale 2^-24
  // is not exact), low zero or not, clamp needed or not (an upper below the largest value).
  const UniformParams uf32[] = {
      {-(double)(float)0.1, (double)(float)0.2, (double)std::nextafter((float)0.1, 0.0f)},
      {1.0, (double)(float)1e-7, (double)std::nextafter(1.0f + 1e-7f, 0.0f)},
      {-3.0, 6.0, (double)std::nextafter(3.0f, 0.0f)},
      {0.0, 1.0, (double)std::nextafter(1.0f, 0.0f)},
      {-0.0, 2.0, (double)std::nextafter(2.0f, 0.0f)},
      {0.0, 1.0, 0.5},
      {0.0, (double)(float)1e-33, (double)std::nextafter((float)1e-33, 0.0f)}};
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
  // Synthetic log-path parameters that force the rare branches on random words: v in
  // [1 - 1e-12, 1] (upper tail with r > 5, 1 - exp(lp) == 0 -> +inf), v down to subnormal
  // (log of subnormals, lp < -700), and a far lower tail (r > 5 in the lower branch).
  TruncatedNormalParams s1{}, s2{}, s3{};
  s1.mean = 0.5; s1.std = 2; s1.lo = -INFINITY; s1.hi = INFINITY; s1.flip = 1;
  s1.lpb = 0; s1.e0 = 1 - 1e-13; s1.c0 = 2e-13;  // v may round above 1: lp > 0, qq <= 0
  s2 = s1; s2.e0 = 0; s2.c0 = 1e-304; s2.flip = -1;  // lp around -700: mixed vectors
  s3 = s2; s3.c0 = 1e-307;                           // v subnormal for u < 0.22
  const TruncatedNormalParams synth[] = {s1, s2, s3, log_params(-INFINITY, -7.5, 0, 1, false)};
  for (const TruncatedNormalParams& p : synth) {
    parity<double>("truncated_normal_f64 synthetic", ref, isa, true, [&](const Kernels* k, double* o, size_t n, uint64_t off) {
      k->truncated_normal_f64(o, n, key, off, p);
    });
    parity<float>("truncated_normal_f32 log synthetic", ref, isa, true, [&](const Kernels* k, float* o, size_t n, uint64_t off) {
      k->truncated_normal_f32(o, n, key, off, p);
    });
  }
  for (const TruncatedNormalParams& p : t64)
    parity<double>("truncated_normal_f64", ref, isa, true, [&](const Kernels* k, double* o, size_t n, uint64_t off) {
      k->truncated_normal_f64(o, n, key, off, p);
    });
}

// Large fills (9 MiB: many batches of the SIMD kernels' bulk path, which feeds Philox's
// registers straight into the values, between buffered ends), at views aligned and not, and
// at offsets on and off a block boundary: the same bytes as the scalar reference, nothing
// outside.
template <class T, class F>
void large(const char* what, const Kernels* ref, const std::vector<const Kernels*>& isas, F fill) {
  const size_t n = (size_t{9} << 20) / sizeof(T) + 4099;
  for (uint64_t off : {uint64_t{0}, uint64_t{6}}) {
    std::vector<T> want(n);
    {
      FpEnvGuard guard;
      fill(ref, want.data(), n, off);
    }
    for (const Kernels* isa : isas) {
      if (isa == ref) continue;
      for (size_t shift : {size_t{0}, sizeof(T), size_t{16}, size_t{48}}) {
        Buffer b(n * sizeof(T), shift);
        {
          FpEnvGuard guard;
          fill(isa, reinterpret_cast<T*>(b.base), n, off);
        }
        g_checks++;
        char ctx[160];
        std::snprintf(ctx, sizeof ctx, "%s %s large n=%zu offset=%llu shift=%zu", isa->name, what, n,
                      static_cast<unsigned long long>(off), shift);
        if (!b.canaries_ok()) fail(std::string(ctx) + ": wrote outside its view");
        if (std::memcmp(b.base, want.data(), n * sizeof(T)) != 0) fail(std::string(ctx) + ": differs from scalar");
      }
    }
  }
}

void test_large(const Kernels* ref, const std::vector<const Kernels*>& isas) {
  std::printf("  large fills...\n");
  std::fflush(stdout);
  const Key key{0xdeadbeef, 42, 3, 1};
  large<uint32_t>("bits", ref, isas, [&](const Kernels* k, uint32_t* o, size_t n, uint64_t off) {
    k->bits(o, n, key, off >> 2, static_cast<unsigned>(off & 3));
  });
  const UniformParams u32{-3.0, 6.0, (double)std::nextafter(3.0f, 0.0f)};
  large<float>("uniform_f32", ref, isas, [&](const Kernels* k, float* o, size_t n, uint64_t off) {
    k->uniform_f32(o, n, key, off, u32);
  });
  const NormalParams nf32{(double)(float)0.5, (double)(float)0.02};
  large<float>("normal_f32", ref, isas, [&](const Kernels* k, float* o, size_t n, uint64_t off) {
    k->normal_f32(o, n, key, off, nf32);
  });
  const TruncatedNormalParams t32 = fast_params(-2, 2, 0, 1);
  large<float>("truncated_normal_f32 fast", ref, isas, [&](const Kernels* k, float* o, size_t n, uint64_t off) {
    k->truncated_normal_f32(o, n, key, off, t32);
  });
  const NormalParams nf64{-1.25, 3.5};
  large<double>("normal_f64", ref, isas, [&](const Kernels* k, double* o, size_t n, uint64_t off) {
    k->normal_f64(o, n, key, off, nf64);
  });
}

// ---------------------------------------------------------------------------- threads

// parallel_for covers [0, n) exactly once, with boundaries on multiples of kChunkAlign of
// phase + j, whatever the thread count.
void test_parallel_for() {
  struct Ctx {
    std::vector<int> hits;
    unsigned phase;
    size_t chunk;
    bool bad = false;
  };
  for (unsigned t : {1u, 2u, 3u, 8u})
    for (size_t n : {size_t{1}, size_t{63}, size_t{64}, size_t{65}, size_t{1000}, size_t{4097}})
      for (unsigned phase : {0u, 1u, 31u, 63u})
        for (size_t chunk : {size_t{64}, size_t{128}, size_t{4096}}) {
          Ctx c;
          c.hits.assign(n, 0);
          c.phase = phase;
          c.chunk = chunk;
          std::mutex mu;
          struct Both { Ctx* c; std::mutex* mu; } both{&c, &mu};
          parallel_for(n, phase, chunk, t, [](void* p, size_t j0, size_t j1) {
            Both* b = static_cast<Both*>(p);
            std::lock_guard<std::mutex> g(*b->mu);
            if (j0 >= j1 || (j0 != 0 && (b->c->phase + j0) % kChunkAlign != 0) ||
                (j1 != b->c->hits.size() && (b->c->phase + j1) % kChunkAlign != 0))
              b->c->bad = true;
            for (size_t j = j0; j < j1; j++) b->c->hits[j]++;
          }, &both);
          g_checks++;
          bool once = !c.bad;
          for (int h : c.hits) once = once && h == 1;
          if (!once)
            fail("parallel_for n=" + std::to_string(n) + " phase=" + std::to_string(phase) +
                 " chunk=" + std::to_string(chunk) + " threads=" + std::to_string(t) +
                 ": chunks do not cover the range once on aligned boundaries");
        }
}

size_t elem_size(Kind kind) { return element_bytes(kKinds[kind].element); }

// Sets a's logical offset (for bits: block and skip) and fills out[0, a->n) on this thread.
void reference_fill(const Kernels* isa, FillArgs* a, uint64_t off, void* out) {
  if (a->kind == kBits) {
    a->offset = off >> 2;
    a->skip = static_cast<unsigned>(off & 3);
  } else {
    a->offset = off;
  }
  a->out = out;
  FpEnvGuard g;
  fill_range(isa, *a, 0, a->n);
}

// The pool's fill (nninit::fill) with 1, 2, 3 and 8 threads gives the bytes of the
// single-threaded kernel call, for sizes and offsets around the threshold and every chunk
// boundary.
void thread_parity_case(const Kernels* isa, FillArgs a, const char* what,
                        const std::vector<size_t>& sizes, const std::vector<uint64_t>& offsets) {
  const size_t es = elem_size(a.kind);
  for (uint64_t off : offsets)
    for (size_t n : sizes) {
      a.n = n;
      Buffer ref(n * es, es);
      reference_fill(isa, &a, off, ref.base);
      for (unsigned t : {1u, 2u, 3u, 8u}) {
        set_threads(t);
        Buffer got(n * es, es);
        a.out = got.base;
        {
          FpEnvGuard g;
          fill(isa, a);
        }
        g_checks++;
        char ctx[200];
        std::snprintf(ctx, sizeof ctx, "%s %s threads=%u n=%zu offset=%llu", isa->name, what, t, n,
                      static_cast<unsigned long long>(off));
        if (!got.canaries_ok()) fail(std::string(ctx) + ": wrote outside its view");
        if (std::memcmp(ref.base, got.base, n * es) != 0)
          fail(std::string(ctx) + ": differs from the single-threaded fill");
      }
    }
  set_threads(0);
}

std::vector<FillArgs> thread_cases(std::vector<std::string>* names) {
  std::vector<FillArgs> out;
  const Key key{0xdeadbeef, 42, 3, 1};
  auto add = [&](Kind kind, const char* name) {
    FillArgs a{};
    a.kind = kind;
    a.key = key;
    out.push_back(a);
    names->push_back(name);
    return &out.back();
  };
  add(kBits, "bits");
  add(kUniformF32, "uniform_f32")->uniform = {-(double)(float)0.1, (double)(float)0.2,
                                              (double)std::nextafter((float)0.1, 0.0f)};
  add(kUniformF64, "uniform_f64")->uniform = {-0.1, 0.2, std::nextafter(0.1, 0.0)};
  add(kNormalF32, "normal_f32")->normal = {(double)(float)0.5, (double)(float)0.02};
  add(kNormalF64, "normal_f64")->normal = {-1.25, 3.5};
  add(kTruncatedNormalF32, "truncated_normal_f32 fast")->trunc = fast_params(-2, 2, 0, 1);
  add(kTruncatedNormalF32, "truncated_normal_f32 log")->trunc = log_params(5, 6, 0, 1, true);
  add(kTruncatedNormalF64, "truncated_normal_f64")->trunc = log_params(-2, 2, 0, 1, false);
  add(kTruncatedNormalF64, "truncated_normal_f64 far")->trunc = log_params(-50, -49, 0, 1, false);
  return out;
}

void test_thread_parity(const Kernels* isa) {
  std::printf("  thread parity %s (1, 2, 3, 8 threads)...\n", isa->name);
  std::fflush(stdout);
  std::vector<std::string> names;
  const std::vector<FillArgs> cases = thread_cases(&names);
  const std::vector<uint64_t> offsets = {0, 1, 63, 64 + 5, 4294967295ull, (uint64_t{1} << 40) + 3};
  // Small limits: many chunks on small sizes (threshold 256, chunks of >= 64).
  set_parallel_limits_for_testing(256, 64);
  for (size_t i = 0; i < cases.size(); i++)
    thread_parity_case(isa, cases[i], names[i].c_str(),
                       {1, 63, 64, 65, 255, 256, 257, 319, 320, 321, 1000, 1025, 4095, 4097},
                       offsets);
  // The real limits: threshold +- 1 and the chunk size +- 1 beyond it.
  set_parallel_limits_for_testing(0, 0);
  for (size_t i = 0; i < cases.size(); i++) {
    const size_t thr = parallel_threshold(cases[i]);
    std::vector<size_t> sizes = {thr - 1, thr, thr + 1};
    for (unsigned t : {2u, 3u}) {
      const size_t c = chunk_size(thr + 1, t);
      for (size_t n : {thr + c - 1, thr + c, thr + c + 1, 2 * c - 1, 2 * c + 1}) sizes.push_back(n);
    }
    thread_parity_case(isa, cases[i], names[i].c_str(), sizes, {0, 1, 63, (uint64_t{1} << 40) + 3});
  }
}

// Several callers (as several Node workers or async fills would) share the pool at once.
void test_concurrent_callers(const Kernels* isa) {
  std::printf("  concurrent callers %s...\n", isa->name);
  std::fflush(stdout);
  set_parallel_limits_for_testing(1024, 64);
  set_threads(3);
  std::vector<std::string> names;
  const std::vector<FillArgs> cases = thread_cases(&names);
  const size_t n = 20000;
  std::vector<std::vector<unsigned char>> refs(cases.size());
  for (size_t i = 0; i < cases.size(); i++) {
    FillArgs a = cases[i];
    a.n = n;
    a.offset = 12345 + i;
    refs[i].resize(n * elem_size(a.kind));
    a.out = refs[i].data();
    FpEnvGuard g;
    fill_range(isa, a, 0, n);
  }
  std::atomic<int> bad{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < 4; c++)
    callers.emplace_back([&, c] {
      FpEnvGuard g;
      for (int rep = 0; rep < 6; rep++)
        for (size_t i = 0; i < cases.size(); i++) {
          const size_t ci = (i + c) % cases.size();
          FillArgs a = cases[ci];
          a.n = n;
          a.offset = 12345 + ci;
          std::vector<unsigned char> got(n * elem_size(a.kind));
          a.out = got.data();
          fill(isa, a);
          if (std::memcmp(got.data(), refs[ci].data(), got.size()) != 0) bad++;
        }
    });
  for (std::thread& t : callers) t.join();
  g_checks++;
  if (bad) fail(std::string(isa->name) + ": concurrent callers got wrong bytes " + std::to_string(bad.load()) + " times");
  set_threads(0);
  set_parallel_limits_for_testing(0, 0);
}

// ---------------------------------------------------------------------------- staged fills

// A consumer as the addon's JavaScript thread is: woken by notify, it takes every ready
// chunk, copies it into the output and gives the slot back, then pumps.
struct Consumer {
  static constexpr unsigned kAlive = 0x600df00d;
  unsigned alive = kAlive;  // read before the mutex: ASan reports a notify after free here
  std::mutex mu;
  std::condition_variable cv;
  int notifications = 0;  // under mu
  ~Consumer() { alive = 0; }
  static void notify(void* ctx) {
    Consumer* c = static_cast<Consumer*>(ctx);
    if (c->alive != kAlive) {
      std::fprintf(stderr, "FAIL: notify on a consumer that is gone\n");
      std::abort();
    }
    std::lock_guard<std::mutex> lock(c->mu);
    c->notifications++;
    c->cv.notify_one();
  }
  // Waits for a notification (false on a 10 s timeout: a lost wake-up).
  bool wait() {
    std::unique_lock<std::mutex> lock(mu);
    if (!cv.wait_for(lock, std::chrono::seconds(10), [this] { return notifications > 0; })) return false;
    notifications--;
    return true;
  }
};

// Every kind, sizes and offsets around chunk boundaries, slot counts, slot sizes and worker
// counts: the staged fill copied chunk by chunk equals the plain fill, byte for byte, never
// writes outside its output, and hands out each element exactly once from inside its slots.
void test_staged_fill(const Kernels* isa) {
  std::printf("  staged fills %s...\n", isa->name);
  std::fflush(stdout);
  std::vector<std::string> names;
  const std::vector<FillArgs> cases = thread_cases(&names);
  unsigned round = 0;
  for (size_t i = 0; i < cases.size(); i++)
    for (size_t n : {size_t{1}, size_t{63}, size_t{64}, size_t{65}, size_t{1000}, size_t{4097}, size_t{70001}})
      for (uint64_t off : {uint64_t{0}, uint64_t{1}, uint64_t{63}, (uint64_t{1} << 40) + 3}) {
        FillArgs a = cases[i];
        a.n = n;
        const size_t es = elem_size(a.kind);
        Buffer ref(n * es, es);
        reference_fill(isa, &a, off, ref.base);
        StagedLimits lim;
        const unsigned r = round++;
        lim.slot_bytes = (r % 4 == 0) ? 0 : size_t{256} << (r % 4);  // default, 512 B, 1 KiB, 2 KiB
        lim.slots = 1 + r % 3;
        lim.threads = 1 + (r / 3) % 3;
        Consumer c;
        StagedFill* f = StagedFill::create(isa, a, Consumer::notify, &c, lim);
        char ctx[200];
        std::snprintf(ctx, sizeof ctx, "%s staged %s n=%zu offset=%llu slots=%u slot_bytes=%zu threads=%u",
                      isa->name, names[i].c_str(), n, static_cast<unsigned long long>(off), lim.slots,
                      lim.slot_bytes, lim.threads);
        g_checks++;
        if (f == nullptr) {
          fail(std::string(ctx) + ": create failed");
          continue;
        }
        if (f->scratch_bytes() != StagedFill::scratch_bytes_for(a, lim) || f->slots() > lim.slots ||
            f->chunk_elements() % kChunkAlign != 0)
          fail(std::string(ctx) + ": geometry");
        Buffer got(n * es, es);
        std::vector<int> seen(n, 0);
        bool ok = f->start();
        while (ok && !f->finished()) {
          if (!c.wait()) {
            fail(std::string(ctx) + ": no notification (lost wake-up)");
            ok = false;
            break;
          }
          // As the addon does: at most one round of slots per turn, pumping every 2 chunks
          // here (more often than the addon) so that refills race with the copies.
          StagedChunk ch;
          unsigned copied = 0;
          while (copied < f->slots() && f->take(&ch)) {
            if (ch.n == 0 || ch.n > f->chunk_elements() || ch.j0 + ch.n > n) fail(std::string(ctx) + ": bad chunk");
            for (size_t j = ch.j0; j < ch.j0 + ch.n && j < n; j++) seen[j]++;
            std::memcpy(got.base + ch.j0 * es, ch.data, ch.n * es);
            f->give_back(ch);
            if (++copied % 2 == 0) f->pump();
          }
          if (f->finished()) break;
          f->pump();
          f->rearm();
        }
        f->detach();
        if (!ok) continue;
        bool once = true;
        for (int h : seen) once = once && h == 1;
        if (!once) fail(std::string(ctx) + ": elements not handed out exactly once");
        if (!got.canaries_ok()) fail(std::string(ctx) + ": wrote outside its view");
        if (std::memcmp(ref.base, got.base, n * es) != 0) fail(std::string(ctx) + ": differs from the plain fill");
      }
}

// A consumer that stops (detach) at any point, with chunks still filling: no notification
// after detach (the consumer is destroyed right away: ASan would see a late one), no leak,
// no write outside the scratch (ASan), no race (TSan).
void test_staged_cancel(const Kernels* isa) {
  std::printf("  staged fill cancellation %s...\n", isa->name);
  std::fflush(stdout);
  std::vector<std::string> names;
  const std::vector<FillArgs> cases = thread_cases(&names);
  set_threads(3);
  for (int rep = 0; rep < 300; rep++) {
    FillArgs a = cases[static_cast<size_t>(rep) % cases.size()];
    a.n = 20000 + static_cast<size_t>(rep) * 37;
    a.offset = static_cast<uint64_t>(rep);
    StagedLimits lim;
    lim.slot_bytes = rep % 2 ? 1024 : 65536;  // 65536: chunks are still filling at detach
    lim.slots = 1 + rep % 4;
    lim.threads = 1 + rep % 3;
    Consumer* c = new Consumer;
    StagedFill* f = StagedFill::create(isa, a, Consumer::notify, c, lim);
    g_checks++;
    if (f == nullptr) {
      fail("staged cancel: create failed");
      delete c;
      continue;
    }
    const int stop_after = rep % 5;  // drains before stopping (0: right after start)
    if (f->start()) {
      for (int d = 0; d < stop_after && !f->finished(); d++) {
        if (!c->wait()) break;
        StagedChunk ch;
        while (f->take(&ch)) f->give_back(ch);
        f->pump();
        f->rearm();
      }
    }
    f->detach();
    delete c;  // a notification after detach would now be a use after free
  }
  set_threads(0);
}

// Huge pages: advised exactly when enabled (NNINIT_HUGE_PAGES and the system), never for a
// range without a whole aligned 2 MiB page, contents untouched; bad settings refused.
void test_pages() {
  const size_t n = size_t{8} << 20;
  unsigned char* p = static_cast<unsigned char*>(std::aligned_alloc(kHugePageBytes, n));
  if (p == nullptr) return fail("pages: aligned_alloc");
  p[0] = 7;
  p[n - 1] = 9;
  const bool madvise_mode = huge_page_mode() == HugePageMode::kMadvise;
  std::string err;
  g_checks++;
  if (advise_huge_pages(p, n) != huge_pages_enabled()) fail("pages: advised != enabled (auto)");
  if (!set_huge_pages_from_env("1", &err) || huge_pages_enabled() != madvise_mode || advise_huge_pages(p, n) != madvise_mode)
    fail("pages: NNINIT_HUGE_PAGES=1");
  if (advise_huge_pages(p + 1, kHugePageBytes)) fail("pages: advised a range without a whole aligned page");
  if (!set_huge_pages_from_env("0", &err) || huge_pages_enabled() || advise_huge_pages(p, n)) fail("pages: NNINIT_HUGE_PAGES=0");
  if (set_huge_pages_from_env("yes", &err) || err.find("NNINIT_HUGE_PAGES") == std::string::npos) fail("pages: bad value accepted");
  if (!set_huge_pages_from_env("", &err) || huge_pages_enabled() != (madvise_mode && !free_page_reporting()))
    fail("pages: auto");
  if (p[0] != 7 || p[n - 1] != 9) fail("pages: contents changed");
  std::printf("huge pages: mode %s, free page reporting %s, enabled %s\n",
              madvise_mode ? "madvise" : "not madvise", free_page_reporting() ? "yes" : "no",
              huge_pages_enabled() ? "yes" : "no");
  std::free(p);
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
  test_pages();
  test_kat(kat, isas);
  const Kernels* ref = &scalar::table;
  for (const Kernels* k : isas)
    if (k != ref) test_parity(ref, k);
  test_large(ref, isas);
  test_parallel_for();
  for (const Kernels* k : isas) test_thread_parity(k);
  test_concurrent_callers(isas.front());
  for (const Kernels* k : {isas.front(), static_cast<const Kernels*>(ref)}) {
    test_staged_fill(k);
    test_staged_cancel(k);
  }
  if (!set_threads(0) || set_threads(kMaxThreads + 1)) fail("set_threads range");
  std::string err;
  if (set_threads_from_env("x", &err) || err.empty()) fail("NNINIT_THREADS=x accepted");
  if (set_threads_from_env("-1", &err) || set_threads_from_env("2a", &err)) fail("bad NNINIT_THREADS accepted");
  if (!set_threads_from_env("3", &err) || threads() != 3) fail("NNINIT_THREADS=3");
  set_threads(0);
  std::printf("threads: auto %u\n", auto_threads());
  std::printf("%ld checks, %d failures\n", g_checks, g_failures);
  if (g_failures) {
    std::printf("FAILED\n");
    return 1;
  }
  std::printf("OK\n");
  return 0;
}
