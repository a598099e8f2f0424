// Kernel registry and runtime ISA selection.
#ifndef NNINIT_DISPATCH_H_
#define NNINIT_DISPATCH_H_

#include <string>
#include <vector>

#include "nninit/kernels.h"

namespace nninit {

// Every ISA compiled into this binary, best first (scalar last).
std::vector<const Kernels*> compiled_isas();

// ISAs this CPU and OS can run, best first, always ending with scalar.
std::vector<const Kernels*> available_isas();
std::vector<std::string> available_isa_names();

// The best available table for `forced` == nullptr, "" or "auto"; else the named one.
// Returns nullptr and sets *error (if given) when the name is unknown or not supported
// here. Never executes an instruction of an unsupported ISA.
const Kernels* select_kernels(const char* forced, std::string* error);

// Clears FTZ/DAZ (x86 MXCSR) or FZ (AArch64 FPCR) for its lifetime and restores the
// caller's mode afterwards, so a host that set them cannot change our results.
class FpEnvGuard {
 public:
  FpEnvGuard();
  ~FpEnvGuard();
  FpEnvGuard(const FpEnvGuard&) = delete;
  FpEnvGuard& operator=(const FpEnvGuard&) = delete;

 private:
  unsigned long long saved_;
};

}  // namespace nninit

#endif  // NNINIT_DISPATCH_H_
