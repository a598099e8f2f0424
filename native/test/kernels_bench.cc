// Kernel benchmark: ns/element per kernel per ISA, one thread, median of several runs,
// against memset / std::fill of the same buffer.
// Usage: kernels_bench [log2(n)=24] [runs=7] [isa...]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "nninit/dispatch.h"
#include "nninit/kernels.h"

using namespace nninit;

namespace {

double median_ns(size_t n, int runs, const std::function<void()>& f) {
  std::vector<double> t;
  f();  // warm up (page faults, caches)
  for (int r = 0; r < runs; r++) {
    const auto a = std::chrono::steady_clock::now();
    f();
    const auto b = std::chrono::steady_clock::now();
    t.push_back(std::chrono::duration<double, std::nano>(b - a).count() / static_cast<double>(n));
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int lg = argc > 1 ? std::atoi(argv[1]) : 24;
  const int runs = argc > 2 ? std::atoi(argv[2]) : 7;
  const size_t n = size_t{1} << lg;
  std::vector<const Kernels*> isas;
  for (int i = 3; i < argc; i++) {
    std::string err;
    const Kernels* k = select_kernels(argv[i], &err);
    if (!k) { std::fprintf(stderr, "%s\n", err.c_str()); return 2; }
    isas.push_back(k);
  }
  if (isas.empty()) isas = available_isas();

  float* f32 = static_cast<float*>(std::aligned_alloc(64, n * sizeof(float)));
  double* f64 = static_cast<double*>(std::aligned_alloc(64, n * sizeof(double)));
  const Key key{0x12345678, 0x9abcdef0, 1, 0};
  std::printf("n = 2^%d, median of %d runs, ns/element\n", lg, runs);
  std::printf("memset f32 buffer: %.3f   std::fill f32: %.3f   memset f64 buffer: %.3f\n",
              median_ns(n, runs, [&] { std::memset(f32, 0, n * 4); }),
              median_ns(n, runs, [&] { std::fill(f32, f32 + n, 1.5f); }),
              median_ns(n, runs, [&] { std::memset(f64, 0, n * 8); }));

  const UniformParams up{-0.1, 0.2, 0.099999994};
  const NormalParams np{0, 1};
  TruncatedNormalParams fast{};
  fast.fast = true; fast.mean = 0; fast.std = 1; fast.lo = -2; fast.hi = 2;
  fast.ea = (float)std::erf(-2 / std::sqrt(2.0)); fast.d = (float)(2 * std::erf(2 / std::sqrt(2.0)));
  fast.scale = (float)std::sqrt(2.0);
  TruncatedNormalParams lg2{};
  lg2.mean = 0; lg2.std = 1; lg2.lo = -2; lg2.hi = 2; lg2.flip = 1;
  const double phi2 = 0.5 * std::erfc(-2 / std::sqrt(2.0)), phim2 = 0.5 * std::erfc(2 / std::sqrt(2.0));
  lg2.lpb = std::log(phi2); lg2.e0 = phim2 / phi2; lg2.c0 = 1 - lg2.e0;

  struct Row { const char* name; std::function<void(const Kernels*)> run; };
  const Row rows[] = {
      {"bits u32", [&](const Kernels* k) { k->bits(reinterpret_cast<uint32_t*>(f32), n, key, 0, 0); }},
      {"uniform f32", [&](const Kernels* k) { k->uniform_f32(f32, n, key, 0, up); }},
      {"normal f32", [&](const Kernels* k) { k->normal_f32(f32, n, key, 0, np); }},
      {"trunc f32 fast [-2,2]", [&](const Kernels* k) { k->truncated_normal_f32(f32, n, key, 0, fast); }},
      {"uniform f64", [&](const Kernels* k) { k->uniform_f64(f64, n, key, 0, up); }},
      {"normal f64", [&](const Kernels* k) { k->normal_f64(f64, n, key, 0, np); }},
      {"trunc f32 log [-2,2]", [&](const Kernels* k) { k->truncated_normal_f32(f32, n / 16, key, 0, lg2); }},
      {"trunc f64 log [-2,2]", [&](const Kernels* k) { k->truncated_normal_f64(f64, n / 16, key, 0, lg2); }},
  };
  std::printf("%-24s", "kernel");
  for (const Kernels* k : isas) std::printf("%10s", k->name);
  std::printf("\n");
  for (const Row& r : rows) {
    const bool small = std::strstr(r.name, "log") != nullptr;
    std::printf("%-24s", r.name);
    for (const Kernels* k : isas) {
      FpEnvGuard g;
      std::printf("%10.3f", median_ns(small ? n / 16 : n, small ? 3 : runs, [&] { r.run(k); }));
      std::fflush(stdout);
    }
    std::printf("\n");
  }
  std::free(f32);
  std::free(f64);
  return 0;
}
