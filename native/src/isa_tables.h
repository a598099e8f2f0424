// Which SIMD kernel files are compiled in, and their tables. The ISA files use the same
// guards, so a table is declared here exactly when it is defined.
#ifndef NNINIT_ISA_TABLES_H_
#define NNINIT_ISA_TABLES_H_

#include "nninit/kernels.h"

// The SIMD kernels use GCC/Clang vector extensions and target attributes.
#if (defined(__x86_64__) || defined(_M_X64)) && defined(__GNUC__)
#define NNINIT_HAVE_X86_SIMD 1
#endif
#if defined(__aarch64__) && defined(__GNUC__) && defined(__ARM_NEON) && \
    (defined(__ORDER_LITTLE_ENDIAN__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
#define NNINIT_HAVE_NEON 1
#endif
// WebAssembly with simd128 (scripts/build-wasm.cjs); never part of a native build.
#if defined(__wasm__) && defined(__wasm_simd128__)
#define NNINIT_HAVE_WASM_SIMD 1
#endif

namespace nninit {
#if defined(NNINIT_HAVE_X86_SIMD)
namespace sse2 { extern const Kernels table; }
namespace avx2 { extern const Kernels table; }
namespace avx512 { extern const Kernels table; }
#endif
#if defined(NNINIT_HAVE_NEON)
namespace neon { extern const Kernels table; }
#endif
#if defined(NNINIT_HAVE_WASM_SIMD)
namespace wasm { extern const Kernels table; }
#endif
}  // namespace nninit

#endif  // NNINIT_ISA_TABLES_H_
