// The C++ reference kernels: an op-for-op copy of lib/kernels/distributions.ts.
// Compiled for the baseline ISA; every SIMD kernel is tested byte-equal against it.
#include <cstring>

#include "math.h"
#include "nninit/kernels.h"
#include "philox.h"

namespace nninit {
namespace scalar {
namespace {

using namespace fmath;

const size_t CHUNK = 1024;
const double U24 = 5.960464477539063e-8;   // 2^-24
const double U53 = 1.1102230246251565e-16;  // 2^-53

inline size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

// Element g's 53-bit integer from words 2g, 2g+1.
inline double u53_of(uint32_t w0, uint32_t w1) {
  return static_cast<double>(w0 >> 5) * 67108864.0 + static_cast<double>(w1 >> 6);
}

double trunc_log(double u53, const TruncatedNormalParams& p) {
  const double u = (u53 + 1) * U53;
  const double v = p.e0 + u * p.c0;
  const double x = normal_quantile_from_log(p.lpb + log64(v));
  return p.mean + p.std * (p.flip * x);
}

}  // namespace

void bits(uint32_t* out, size_t n, const Key& key, uint64_t block, unsigned skip) {
  philox_words_at(key, block, skip, n, out);
}

void uniform_f32(float* out, size_t n, const Key& key, uint64_t offset, const UniformParams& p) {
  uint32_t words[CHUNK];
  const float low = static_cast<float>(p.low), scale = static_cast<float>(p.scale),
              upper = static_cast<float>(p.upper);
  for (size_t j0 = 0; j0 < n; j0 += CHUNK) {
    const size_t m = min_size(CHUNK, n - j0);
    philox_words(key, offset + j0, m, words);
    for (size_t j = 0; j < m; j++) {
      const float u = static_cast<float>(static_cast<double>(words[j] >> 8) * U24);
      const float v = low + scale * u;
      out[j0 + j] = v < upper ? v : upper;
    }
  }
}

void uniform_f64(double* out, size_t n, const Key& key, uint64_t offset, const UniformParams& p) {
  uint32_t words[2 * CHUNK];
  const double low = p.low, scale = p.scale, upper = p.upper;
  for (size_t j0 = 0; j0 < n; j0 += CHUNK) {
    const size_t m = min_size(CHUNK, n - j0);
    philox_words(key, 2 * (offset + j0), 2 * m, words);
    for (size_t j = 0; j < m; j++) {
      const double u = u53_of(words[2 * j], words[2 * j + 1]) * U53;
      const double v = low + scale * u;
      out[j0 + j] = v < upper ? v : upper;
    }
  }
}

void normal_f32(float* out, size_t n, const Key& key, uint64_t offset, const NormalParams& p) {
  if (n == 0) return;
  uint32_t words[2 * CHUNK];
  const float mean = static_cast<float>(p.mean), sd = static_cast<float>(p.std);
  const uint64_t last = offset + n - 1;
  const uint64_t p_end = last / 2;
  for (uint64_t p0 = offset / 2; p0 <= p_end; p0 += CHUNK) {
    const size_t pairs = static_cast<size_t>(p_end - p0 + 1 < CHUNK ? p_end - p0 + 1 : CHUNK);
    philox_words(key, 2 * p0, 2 * pairs, words);
    for (size_t i = 0; i < pairs; i++) {
      const float r = std::sqrt(-2.0f * log_u24((words[2 * i] >> 8) + 1));
      float c, s;
      sincos_turn24(words[2 * i + 1] >> 8, &c, &s);
      const uint64_t g0 = 2 * (p0 + i);
      if (g0 >= offset) out[g0 - offset] = mean + sd * (r * c);
      if (g0 + 1 <= last) out[g0 + 1 - offset] = mean + sd * (r * s);
    }
  }
}

void normal_f64(double* out, size_t n, const Key& key, uint64_t offset, const NormalParams& p) {
  if (n == 0) return;
  uint32_t words[4 * CHUNK];
  const double mean = p.mean, sd = p.std;
  const uint64_t last = offset + n - 1;
  const uint64_t p_end = last / 2;
  for (uint64_t p0 = offset / 2; p0 <= p_end; p0 += CHUNK) {
    const size_t pairs = static_cast<size_t>(p_end - p0 + 1 < CHUNK ? p_end - p0 + 1 : CHUNK);
    philox_words(key, 4 * p0, 4 * pairs, words);
    for (size_t i = 0; i < pairs; i++) {
      const uint32_t* w = words + 4 * i;
      const double n1 = u53_of(w[0], w[1]) + 1;
      const double r = std::sqrt(-2 * log_u53(n1));
      double c, s;
      sincos_turn53(w[2] >> 5, w[3] >> 6, &c, &s);
      const uint64_t g0 = 2 * (p0 + i);
      if (g0 >= offset) out[g0 - offset] = mean + sd * (r * c);
      if (g0 + 1 <= last) out[g0 + 1 - offset] = mean + sd * (r * s);
    }
  }
}

void truncated_normal_f32(float* out, size_t n, const Key& key, uint64_t offset,
                          const TruncatedNormalParams& p) {
  uint32_t words[2 * CHUNK];
  const float lo = static_cast<float>(p.lo), hi = static_cast<float>(p.hi);
  for (size_t j0 = 0; j0 < n; j0 += CHUNK) {
    const size_t m = min_size(CHUNK, n - j0);
    const uint64_t g = offset + j0;
    if (p.fast) {
      philox_words(key, g, m, words);
      const float ea = static_cast<float>(p.ea), d = static_cast<float>(p.d),
                  scale = static_cast<float>(p.scale), mean = static_cast<float>(p.mean);
      for (size_t j = 0; j < m; j++) {
        const float u = static_cast<float>(static_cast<double>(words[j] >> 8) * U24);
        const float x = ea + d * u;
        float v = mean + scale * erfinv_central32(x);
        v = v < lo ? lo : v;
        out[j0 + j] = v > hi ? hi : v;
      }
    } else {
      philox_words(key, 2 * g, 2 * m, words);
      for (size_t j = 0; j < m; j++) {
        float v = static_cast<float>(trunc_log(u53_of(words[2 * j], words[2 * j + 1]), p));
        v = v < lo ? lo : v;
        out[j0 + j] = v > hi ? hi : v;
      }
    }
  }
}

void truncated_normal_f64(double* out, size_t n, const Key& key, uint64_t offset,
                          const TruncatedNormalParams& p) {
  uint32_t words[2 * CHUNK];
  const double lo = p.lo, hi = p.hi;
  for (size_t j0 = 0; j0 < n; j0 += CHUNK) {
    const size_t m = min_size(CHUNK, n - j0);
    philox_words(key, 2 * (offset + j0), 2 * m, words);
    for (size_t j = 0; j < m; j++) {
      double v = trunc_log(u53_of(words[2 * j], words[2 * j + 1]), p);
      v = v < lo ? lo : v;
      out[j0 + j] = v > hi ? hi : v;
    }
  }
}

double truncated_normal_log_value(double u53, const TruncatedNormalParams& p) {
  return trunc_log(u53, p);
}

const Kernels table = {"scalar",   bits,       uniform_f32,          uniform_f64,         normal_f32,
                       normal_f64, truncated_normal_f32, truncated_normal_f64};

}  // namespace scalar
}  // namespace nninit
