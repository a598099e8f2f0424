// CPUID says what the CPU has; XCR0 (XGETBV) says which register state the OS saves on a
// context switch. Both are required before executing AVX/AVX-512 instructions.
#include "cpu.h"

#include <cstdint>

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__) || defined(_M_IX86)
#define NNINIT_X86 1
#if defined(_MSC_VER) && !defined(__clang__)
#include <immintrin.h>
#include <intrin.h>
#else
#include <cpuid.h>
#endif
#endif

#if defined(__APPLE__)
#include <sys/sysctl.h>
#endif

namespace nninit {
namespace {

#if defined(NNINIT_X86)
struct Regs { uint32_t eax, ebx, ecx, edx; };

bool cpuid(uint32_t leaf, uint32_t subleaf, Regs* r) {
#if defined(_MSC_VER) && !defined(__clang__)
  int info[4];
  __cpuid(info, 0);
  if (static_cast<uint32_t>(info[0]) < leaf) return false;
  __cpuidex(info, static_cast<int>(leaf), static_cast<int>(subleaf));
  r->eax = info[0]; r->ebx = info[1]; r->ecx = info[2]; r->edx = info[3];
  return true;
#else
  unsigned a, b, c, d;
  if (!__get_cpuid_count(leaf, subleaf, &a, &b, &c, &d)) return false;
  r->eax = a; r->ebx = b; r->ecx = c; r->edx = d;
  return true;
#endif
}

// Only called when CPUID reports OSXSAVE, so the instruction exists.
uint64_t xgetbv0() {
#if defined(_MSC_VER) && !defined(__clang__)
  return _xgetbv(0);
#else
  uint32_t lo, hi;
  __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(lo), "=d"(hi) : "c"(0));
  return (static_cast<uint64_t>(hi) << 32) | lo;
#endif
}
#endif

#if defined(__APPLE__)
bool sysctl_flag(const char* name) {
  int value = 0;
  size_t size = sizeof(value);
  if (sysctlbyname(name, &value, &size, nullptr, 0) != 0) return false;
  return value != 0;
}
#endif

CpuFeatures detect() {
  CpuFeatures f;
#if defined(NNINIT_X86)
  Regs r1{}, r7{};
  if (!cpuid(1, 0, &r1)) return f;
  f.sse2 = (r1.edx >> 26) & 1;
  const bool osxsave = (r1.ecx >> 27) & 1;
  const bool avx = (r1.ecx >> 28) & 1;
  const bool have7 = cpuid(7, 0, &r7);
  if (!osxsave || !avx || !have7) return f;
  const uint64_t xcr0 = xgetbv0();
  const bool ymm_state = (xcr0 & 0x6) == 0x6;     // SSE + AVX state
  bool zmm_state = (xcr0 & 0xe6) == 0xe6;         // + opmask, ZMM_Hi256, Hi16_ZMM
#if defined(__APPLE__)
  // macOS enables AVX-512 state lazily (XCR0 reads without it until first use).
  if (!zmm_state) zmm_state = ymm_state && sysctl_flag("hw.optional.avx512f");
#endif
  const bool avx2 = (r7.ebx >> 5) & 1;
  const bool avx512f = (r7.ebx >> 16) & 1;
  const bool avx512dq = (r7.ebx >> 17) & 1;
  const bool avx512bw = (r7.ebx >> 30) & 1;
  const bool avx512vl = (r7.ebx >> 31) & 1;
  f.avx2 = ymm_state && avx2;
  f.avx512 = f.avx2 && zmm_state && avx512f && avx512dq && avx512bw && avx512vl;
#elif defined(__aarch64__) || defined(_M_ARM64)
  f.neon = true;  // Advanced SIMD is mandatory on AArch64
#endif
  return f;
}

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = detect();
  return features;
}

}  // namespace nninit
