// orthogonal()'s last step in C++: the (semi-)orthogonal matrix, held in float64 row by
// row or column by column, times the gain, written into the output's dtype. The same
// operations as lib/initializers/orthogonal.ts (writeOrthogonal) and lib/dtypes.ts
// (encodeHalf), so the bits are the TypeScript ones; the addon runs it off the JavaScript
// thread for orthogonalAsync (orthogonal_write_napi.cc). Also the transpose before the QR
// (a float64 write of the transposed matrix, gain 1).
#ifndef NNINIT_ORTHOGONAL_WRITE_H_
#define NNINIT_ORTHOGONAL_WRITE_H_

#include <cstddef>
#include <cstdint>

namespace nninit {

// Output element types, as orthogonal.ts numbers them.
enum class WriteType : int { kFloat32 = 0, kFloat64 = 1, kBfloat16 = 2, kFloat16 = 3 };

// A run of the output: elements [offset, offset + length) of the row-major rows x cols
// matrix, stored at dst[at ..].
struct WriteRun {
  size_t offset, length, at;
};

// For every run, dst[at + e - offset] = convert(gain * S[e / cols][e % cols]) where
// S[i][j] = src[j * rows + i] (col_major) or src[i * cols + j]; the product is skipped for
// gain 1. convert: float64 as is; float32 rounded to nearest; bfloat16/float16 rounded to
// float32, clamped to the format's largest finite magnitude, then rounded to nearest even
// (lib/dtypes.ts). dst points at float, double or uint16_t elements by type. The caller's FP
// environment must be IEEE (FpEnvGuard).
void orthogonal_write(const double* src, size_t rows, size_t cols, bool col_major, double gain,
                      void* dst, WriteType type, const WriteRun* runs, size_t n_runs);

// The 16-bit encodings of a float32 value (lib/dtypes.ts's toBfloat16 and toFloat16).
uint16_t bfloat16_bits(float x);
uint16_t float16_bits(float x);

}  // namespace nninit

#endif  // NNINIT_ORTHOGONAL_WRITE_H_
