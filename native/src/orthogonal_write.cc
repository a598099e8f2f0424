// orthogonal()'s write-back: see nninit/orthogonal_write.h. Plain C++ (no Node-API), so the
// standalone C++ test builds it.
#include "nninit/orthogonal_write.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace nninit {

namespace {

uint32_t bits_of(float x) {
  uint32_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
}

// The largest finite bfloat16 and float16 values, as float32 (lib/dtypes.ts MAX16).
const float kMaxBfloat16 = 3.3895313892515355e38f;
const float kMaxFloat16 = 65504.0f;

// Square tiles of the transposed read: 32 x 32 doubles (8 KiB) stay in L1.
const size_t kTile = 32;

template <typename Convert>
void write_runs(const double* src, size_t rows, size_t cols, bool col_major, double gain,
                const WriteRun* runs, size_t n_runs, Convert store) {
  const bool scaled = gain != 1.0;
  for (size_t r = 0; r < n_runs; r++) {
    const size_t off = runs[r].offset, end = runs[r].offset + runs[r].length, at = runs[r].at;
    if (runs[r].length == 0) continue;
    if (!col_major) {
      for (size_t e = off; e < end; e++) store(at + (e - off), scaled ? src[e] * gain : src[e]);
      continue;
    }
    // Row i of the run holds columns [j_lo(i), j_hi(i)): all of them but in its first and
    // last rows. Tiles over rows and columns keep the strided reads in cache.
    const size_t first = off / cols, last = (end - 1) / cols;
    for (size_t i0 = first; i0 <= last; i0 += kTile) {
      const size_t i1 = std::min(last + 1, i0 + kTile);
      for (size_t j0 = 0; j0 < cols; j0 += kTile) {
        const size_t j1 = std::min(cols, j0 + kTile);
        for (size_t j = j0; j < j1; j++) {
          const double* column = src + j * rows;
          for (size_t i = i0; i < i1; i++) {
            const size_t e = i * cols + j;
            if (e < off || e >= end) continue;
            const double v = column[i];
            store(at + (e - off), scaled ? v * gain : v);
          }
        }
      }
    }
  }
}

}  // namespace

uint16_t bfloat16_bits(float x) {
  const uint32_t u = bits_of(x);
  if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((u >> 16) | 0x40u);
  return static_cast<uint16_t>((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

uint16_t float16_bits(float x) {
  const uint32_t u = bits_of(x);
  const uint32_t sign = (u >> 16) & 0x8000u;
  const uint32_t au = u & 0x7fffffffu;
  if (au > 0x7f800000u) return static_cast<uint16_t>(sign | 0x7e00u);
  if (au >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // >= 65520: infinity
  if (au >= 0x38800000u) {
    const uint32_t v = au - 0x38000000u;  // rebias the exponent from 127 to 15
    return static_cast<uint16_t>(sign | ((v + 0xfffu + ((v >> 13) & 1u)) >> 13));
  }
  // Subnormal or zero in float16: units of 2^-24, exact in binary64.
  const double a = std::fabs(static_cast<double>(x)) * 16777216.0;
  double m = std::floor(a);
  const double frac = a - m;
  if (frac > 0.5 || (frac == 0.5 && std::fmod(m, 2.0) == 1.0)) m += 1.0;
  return static_cast<uint16_t>(sign | static_cast<uint32_t>(m));
}

void orthogonal_write(const double* src, size_t rows, size_t cols, bool col_major, double gain,
                      void* dst, WriteType type, const WriteRun* runs, size_t n_runs) {
  if (rows == 0 || cols == 0) return;
  switch (type) {
    case WriteType::kFloat64: {
      double* out = static_cast<double*>(dst);
      write_runs(src, rows, cols, col_major, gain, runs, n_runs, [out](size_t k, double v) { out[k] = v; });
      break;
    }
    case WriteType::kFloat32: {
      float* out = static_cast<float*>(dst);
      write_runs(src, rows, cols, col_major, gain, runs, n_runs,
                 [out](size_t k, double v) { out[k] = static_cast<float>(v); });
      break;
    }
    case WriteType::kBfloat16:
    case WriteType::kFloat16: {
      // encodeHalf: round to float32, clamp into [-max, max] (NaN passes), encode.
      uint16_t* out = static_cast<uint16_t*>(dst);
      const bool bf = type == WriteType::kBfloat16;
      const float hi = bf ? kMaxBfloat16 : kMaxFloat16, lo = -hi;
      write_runs(src, rows, cols, col_major, gain, runs, n_runs, [out, bf, lo, hi](size_t k, double v) {
        float x = static_cast<float>(v);
        if (x < lo) x = lo;
        else if (x > hi) x = hi;
        out[k] = bf ? bfloat16_bits(x) : float16_bits(x);
      });
      break;
    }
  }
}

}  // namespace nninit
