// CPU and OS feature detection (CPUID + XGETBV on x86, baseline NEON on aarch64).
#ifndef NNINIT_CPU_H_
#define NNINIT_CPU_H_

namespace nninit {

struct CpuFeatures {
  bool sse2 = false;
  bool avx2 = false;    // AVX + AVX2 with YMM state enabled by the OS
  bool avx512 = false;  // AVX-512 F+BW+DQ+VL with opmask/ZMM state enabled by the OS
  bool neon = false;
};

// Detected once (thread-safe function-local static); plain integer code only.
const CpuFeatures& cpu_features();

}  // namespace nninit

#endif  // NNINIT_CPU_H_
