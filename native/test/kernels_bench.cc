// Kernel benchmark: ns/element per kernel per ISA, one thread, median of several runs,
// against memset / std::fill of the same buffer, then the speed targets, each as a multiple
// of memset (the memory limit) measured in the same run. The one-thread table counts the
// calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID where there is one): on an idle machine
// that is the wall time, and on a shared one it leaves out the time other processes held
// the core.
// Usage: kernels_bench [log2(n)=24] [runs=7] [isa...]
//        kernels_bench threads [runs=15]   pool crossover: 1 vs 2 threads by size, best ISA
//        kernels_bench scaling [log2(n)=26] [runs=5]   1 vs 2 threads, large fills
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <ctime>
#include <vector>

#include "nninit/dispatch.h"
#include "nninit/kernels.h"
#include "nninit/fill.h"

using namespace nninit;

namespace {

double min_ns(size_t n, int runs, const std::function<void()>& f) {
  double best = 1e300;
  f();
  for (int r = 0; r < runs; r++) {
    const auto a = std::chrono::steady_clock::now();
    f();
    const auto b = std::chrono::steady_clock::now();
    best = std::min(best, std::chrono::duration<double, std::nano>(b - a).count() / static_cast<double>(n));
  }
  return best;
}

// Nanoseconds of the calling thread's CPU time (wall time where that clock is missing).
double thread_ns() {
#if defined(CLOCK_THREAD_CPUTIME_ID)
  timespec ts;
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0) return ts.tv_sec * 1e9 + ts.tv_nsec;
#endif
  return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double median_ns(size_t n, int runs, const std::function<void()>& f, bool cpu = false) {
  std::vector<double> t;
  f();  // warm up (page faults, caches)
  for (int r = 0; r < runs; r++) {
    const auto a = std::chrono::steady_clock::now();
    const double c = cpu ? thread_ns() : 0;
    f();
    const auto b = std::chrono::steady_clock::now();
    const double ns = cpu ? thread_ns() - c : std::chrono::duration<double, std::nano>(b - a).count();
    t.push_back(ns / static_cast<double>(n));
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace

FillArgs make_args(int kind, void* out, size_t n) {
  FillArgs a{};
  a.kind = static_cast<Kind>(kind);
  a.out = out;
  a.n = n;
  a.key = Key{0x12345678, 0x9abcdef0, 1, 0};
  a.uniform = UniformParams{-0.1, 0.2, 0.099999994};
  a.normal = NormalParams{0, 1};
  a.trunc.fast = true; a.trunc.mean = 0; a.trunc.std = 1; a.trunc.lo = -2; a.trunc.hi = 2;
  a.trunc.ea = (float)std::erf(-2 / std::sqrt(2.0));
  a.trunc.d = (float)(2 * std::erf(2 / std::sqrt(2.0)));
  a.trunc.scale = (float)std::sqrt(2.0);
  return a;
}

const char* const kKindName[] = {"bits", "uniform f32", "uniform f64", "normal f32",
                                 "normal f64", "trunc f32 fast", "trunc f64 log"};

// Fills forced onto the pool (threshold 1) with 1 and 2 threads, by size.
int crossover(int runs) {
  const Kernels* k = available_isas().front();
  const size_t maxn = size_t{1} << 18;
  std::vector<double> buf(maxn);
  FpEnvGuard g;
  std::printf("pool crossover (%s): best time 1 thread / best time 2 threads (> 1: the pool pays)\n", k->name);
  std::printf("%-16s", "kind \\ log2 n");
  for (int lg = 10; lg <= 18; lg++) std::printf("%7d", lg);
  std::printf("\n");
  for (int kind = 1; kind <= 6; kind++) {
    std::printf("%-16s", kKindName[kind]);
    for (int lg = 10; lg <= 18; lg++) {
      const size_t n = size_t{1} << lg;
      FillArgs a = make_args(kind, buf.data(), n);
      if (kind == kTruncatedNormalF64) {  // [-2, 2] on the log path
        a.trunc.fast = false; a.trunc.flip = 1;
        const double phi2 = 0.5 * std::erfc(-2 / std::sqrt(2.0)), phim2 = 0.5 * std::erfc(2 / std::sqrt(2.0));
        a.trunc.lpb = std::log(phi2); a.trunc.e0 = phim2 / phi2; a.trunc.c0 = 1 - a.trunc.e0;
      }
      set_parallel_limits_for_testing(1, 0);
      set_threads(1);
      // Best of `runs`: other processes on a shared machine only ever add time.
      const double t1 = min_ns(n, runs, [&] { fill(k, a); });
      set_threads(2);
      const double t2 = min_ns(n, runs, [&] { fill(k, a); });
      std::printf("%7.2f", t1 / t2);
      std::fflush(stdout);
    }
    std::printf("\n");
  }
  set_parallel_limits_for_testing(0, 0);
  set_threads(0);
  return 0;
}

int scaling(int lg, int runs) {
  const Kernels* k = available_isas().front();
  const size_t n = size_t{1} << lg;
  float* f32 = static_cast<float*>(std::aligned_alloc(64, n * sizeof(float)));
  FpEnvGuard g;
  std::printf("thread scaling, 2^%d float32, %s, median of %d\n", lg, k->name, runs);
  for (int kind : {1, 3, 5}) {
    FillArgs a = make_args(kind, f32, n);
    double t[3];
    for (unsigned th = 1; th <= 2; th++) {
      set_threads(th);
      t[th] = median_ns(n, runs, [&] { fill(k, a); });
    }
    std::printf("%-16s 1 thread %.3f ns/el, 2 threads %.3f ns/el: %.2fx\n", kKindName[kind], t[1],
                t[2], t[1] / t[2]);
  }
  set_threads(0);
  std::free(f32);
  return 0;
}

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "threads") == 0) return crossover(argc > 2 ? std::atoi(argv[2]) : 15);
  if (argc > 1 && std::strcmp(argv[1], "scaling") == 0)
    return scaling(argc > 2 ? std::atoi(argv[2]) : 26, argc > 3 ? std::atoi(argv[3]) : 5);
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
  double load[1] = {-1};
  if (getloadavg(load, 1) < 1) load[0] = -1;
  std::printf("n = 2^%d, median of %d runs, ns/element of the thread's CPU time, load average %.2f\n",
              lg, runs, load[0]);
  const double memset_ns = median_ns(n, runs, [&] { std::memset(f32, 0, n * 4); }, true);
  std::printf("memset f32 buffer: %.3f   std::fill f32: %.3f   memset f64 buffer: %.3f\n", memset_ns,
              median_ns(n, runs, [&] { std::fill(f32, f32 + n, 1.5f); }, true),
              median_ns(n, runs, [&] { std::memset(f64, 0, n * 8); }, true));

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
  std::map<std::string, double> ns;  // "isa|row"
  std::printf("%-24s", "kernel");
  for (const Kernels* k : isas) std::printf("%10s", k->name);
  std::printf("\n");
  for (const Row& r : rows) {
    const bool small = std::strstr(r.name, "log") != nullptr;
    std::printf("%-24s", r.name);
    for (const Kernels* k : isas) {
      FpEnvGuard g;
      const double t = median_ns(small ? n / 16 : n, small ? 3 : runs, [&] { r.run(k); }, true);
      ns[std::string(k->name) + "|" + r.name] = t;
      std::printf("%10.3f", t);
      std::fflush(stdout);
    }
    std::printf("\n");
  }

  // The targets (AMD EPYC Zen 5 reference machine, 2^24 float32, one thread), each with the
  // measured figure as a multiple of memset in this run, which carries over to other machines.
  struct Goal { const char* isa; const char* row; double ns; };
  const Goal goals[] = {{"avx512", "uniform f32", 0.20}, {"avx512", "normal f32", 0.45},
                        {"avx512", "trunc f32 fast [-2,2]", 0.60}, {"avx2", "uniform f32", 0.45},
                        {"avx2", "normal f32", 0.90}, {"avx2", "trunc f32 fast [-2,2]", 1.20}};
  std::printf("\ntargets (ns/element; x memset: the figure over memset's in this run)\n");
  std::printf("%-32s%10s%10s%11s%6s\n", "kernel", "measured", "target", "x memset", "met");
  for (const Goal& g : goals) {
    const auto it = ns.find(std::string(g.isa) + "|" + g.row);
    if (it == ns.end()) continue;
    std::printf("%-32s%10.3f%10.2f%10.2fx%6s\n", (std::string(g.isa) + " " + g.row).c_str(), it->second,
                g.ns, it->second / memset_ns, it->second <= g.ns ? "yes" : "NO");
  }
  for (const Kernels* k : isas) {
    const auto a = ns.find(std::string(k->name) + "|normal f64"), b = ns.find(std::string(k->name) + "|normal f32");
    if (a != ns.end() && b != ns.end())
      std::printf("%-32s%9.2fx%9.2fx%11s%6s\n", (std::string(k->name) + " normal f64 / f32").c_str(),
                  a->second / b->second, 2.0, "", a->second <= 2 * b->second ? "yes" : "NO");
  }
  std::free(f32);
  std::free(f64);
  return 0;
}
