#include "nninit/dispatch.h"

#include <cstring>

#include "cpu.h"
#include "isa_tables.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <xmmintrin.h>
#endif

namespace nninit {
namespace {

struct Entry {
  const Kernels* table;
  bool (*supported)();
};

bool always() { return true; }
#if defined(NNINIT_HAVE_X86_SIMD)
bool has_avx512() { return cpu_features().avx512; }
bool has_avx2() { return cpu_features().avx2; }
bool has_sse2() { return cpu_features().sse2; }
#endif

// Priority order, best first.
const Entry kRegistry[] = {
#if defined(NNINIT_HAVE_X86_SIMD)
    {&avx512::table, has_avx512},
    {&avx2::table, has_avx2},
    {&sse2::table, has_sse2},
#endif
#if defined(NNINIT_HAVE_NEON)
    {&neon::table, always},
#endif
    {&scalar::table, always},
};

const char* const kKnownNames[] = {"avx512", "avx2", "sse2", "neon", "scalar"};

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); i++) {
    if (i) s += ", ";
    s += v[i];
  }
  return s;
}

}  // namespace

std::vector<const Kernels*> compiled_isas() {
  std::vector<const Kernels*> out;
  for (const Entry& e : kRegistry) out.push_back(e.table);
  return out;
}

std::vector<const Kernels*> available_isas() {
  std::vector<const Kernels*> out;
  for (const Entry& e : kRegistry)
    if (e.supported()) out.push_back(e.table);
  return out;
}

std::vector<std::string> available_isa_names() {
  std::vector<std::string> out;
  for (const Kernels* k : available_isas()) out.push_back(k->name);
  return out;
}

const Kernels* select_kernels(const char* forced, std::string* error) {
  if (forced == nullptr || forced[0] == '\0' || std::strcmp(forced, "auto") == 0)
    return available_isas().front();
  for (const Entry& e : kRegistry) {
    if (std::strcmp(e.table->name, forced) != 0) continue;
    if (e.supported()) return e.table;
    if (error)
      *error = std::string("ISA \"") + forced + "\" is not supported by this CPU/OS; available: " +
               join(available_isa_names());
    return nullptr;
  }
  bool known = false;
  for (const char* n : kKnownNames) known = known || std::strcmp(n, forced) == 0;
  if (error)
    *error = std::string("ISA \"") + forced + "\" is " +
             (known ? "not compiled into this build" : "unknown") +
             "; expected \"auto\" or one of the available: " + join(available_isa_names());
  return nullptr;
}

#if defined(__x86_64__) || defined(_M_X64)
// MXCSR: FTZ (bit 15), DAZ (bit 6), rounding control (bits 13-14) -> IEEE default.
FpEnvGuard::FpEnvGuard() : saved_(_mm_getcsr()) {
  _mm_setcsr(static_cast<unsigned>(saved_) & ~0xE040u);
}
FpEnvGuard::~FpEnvGuard() { _mm_setcsr(static_cast<unsigned>(saved_)); }
#elif defined(__aarch64__) && defined(__GNUC__)
// FPCR: FIZ (0), AH (1), FZ16 (19), RMode (22-23), FZ (24), DN (25) -> IEEE default.
FpEnvGuard::FpEnvGuard() {
  unsigned long long v;
  __asm__ volatile("mrs %0, fpcr" : "=r"(v));
  saved_ = v;
  const unsigned long long cleared =
      v & ~((1ull << 0) | (1ull << 1) | (1ull << 19) | (3ull << 22) | (1ull << 24) | (1ull << 25));
  if (cleared != v) __asm__ volatile("msr fpcr, %0" : : "r"(cleared));
}
FpEnvGuard::~FpEnvGuard() {
  unsigned long long v;
  __asm__ volatile("mrs %0, fpcr" : "=r"(v));
  if (v != saved_) __asm__ volatile("msr fpcr, %0" : : "r"(saved_));
}
#else
FpEnvGuard::FpEnvGuard() : saved_(0) {}
FpEnvGuard::~FpEnvGuard() {}
#endif

}  // namespace nninit
