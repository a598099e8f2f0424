// The native QR alone, without Node: median and minimum ms of householder_q over repeated
// calls on a uniform random m x n matrix (the QR does not care about the distribution).
// With 1 thread the time is the calling thread's CPU time, which a busy machine disturbs
// less than the wall clock; with more threads it is the wall clock.
//   bash scripts/cxx-test.sh --qr-bench M N THREADS [REPS [ISA]]
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "nninit/dispatch.h"
#include "nninit/qr.h"
#include "nninit/pool.h"

using namespace nninit;

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: qr_bench M N THREADS [REPS [ISA]]\n");
    return 2;
  }
  const size_t m = std::strtoull(argv[1], nullptr, 10), n = std::strtoull(argv[2], nullptr, 10);
  const unsigned t = static_cast<unsigned>(std::atoi(argv[3]));
  const int reps = argc > 4 ? std::atoi(argv[4]) : 5;
  std::string error;
  const Kernels* k = select_kernels(argc > 5 ? argv[5] : "auto", &error);
  if (k == nullptr || n > m || n == 0 || t == 0 || reps < 1) {
    std::fprintf(stderr, "qr_bench: bad arguments %s\n", error.c_str());
    return 2;
  }
  set_threads(t);
  FpEnvGuard guard;
  std::vector<double> a0(m * n);
  uint64_t s = 88172645463325252ull;
  for (double& x : a0) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    x = static_cast<double>(s >> 11) * 0x1p-53 - 0.5;
  }
  const clockid_t clock = t == 1 ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC;
  std::vector<double> ms;
  for (int r = -1; r < reps; r++) {  // r = -1: warm-up
    std::vector<double> a(a0);
    timespec c0, c1;
    clock_gettime(clock, &c0);
    if (!householder_q(k, a.data(), m, n, t)) return 1;
    clock_gettime(clock, &c1);
    if (r >= 0) ms.push_back((c1.tv_sec - c0.tv_sec) * 1e3 + (c1.tv_nsec - c0.tv_nsec) / 1e6);
  }
  std::sort(ms.begin(), ms.end());
  std::printf("%s %zux%zu threads %u: median %.2f ms, min %.2f ms (%s, %d calls)\n", k->name, m, n, t,
              ms[ms.size() / 2], ms[0], t == 1 ? "CPU time" : "wall clock", reps);
  return 0;
}
