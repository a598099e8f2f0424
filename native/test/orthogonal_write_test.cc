// Standalone test of nninit/orthogonal_write.h (no Node): the write equals a plain
// element-by-element reference for every type, layout, gain and set of runs (the tiled
// transposed read must not change a value or touch an element outside the runs), and the
// 16-bit encoders give lib/dtypes.ts's bits on edge cases. vitest checks the addon's write
// against the TypeScript one (test/orthogonal-async.test.ts).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "nninit/orthogonal_write.h"

using nninit::WriteRun;
using nninit::WriteType;

static int failures = 0;

#define CHECK(cond, ...)                         \
  do {                                           \
    if (!(cond)) {                               \
      failures++;                                \
      if (failures <= 20) {                      \
        std::printf("FAIL %s:%d: ", __FILE__, __LINE__); \
        std::printf(__VA_ARGS__);                \
        std::printf("\n");                       \
      }                                          \
    }                                            \
  } while (0)

static float f32(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

static void encoders() {
  using nninit::bfloat16_bits;
  using nninit::float16_bits;
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  struct Case { float x; uint16_t bf, f16; };
  const Case cases[] = {
      {0.0f, 0x0000, 0x0000},         {-0.0f, 0x8000, 0x8000},       {1.0f, 0x3f80, 0x3c00},
      {-2.0f, 0xc000, 0xc000},        {65504.0f, 0x4780, 0x7bff},    {65519.0f, 0x4780, 0x7bff},
      {65520.0f, 0x4780, 0x7c00},     {inf, 0x7f80, 0x7c00},         {-inf, 0xff80, 0xfc00},
      {nan, 0x7fc0, 0x7e00},          {f32(0x33800000u), 0x3380, 0x0001},  // 2^-24: the smallest float16
      {f32(0x33000000u), 0x3300, 0x0000},  // 2^-25: a tie, to even (0)
      {f32(0x33c00000u), 0x33c0, 0x0002},  // 3 * 2^-25: a tie, to even (2)
      {f32(0x3f808000u), 0x3f80, 0x3c04},  // bfloat16 tie below: to even
      {f32(0x3f818000u), 0x3f82, 0x3c0c},  // bfloat16 tie above: to even
      {3.4028234663852886e38f, 0x7f80, 0x7c00},
  };
  for (const Case& c : cases) {
    CHECK(bfloat16_bits(c.x) == c.bf, "bfloat16(%g) = %04x, want %04x", static_cast<double>(c.x), bfloat16_bits(c.x), c.bf);
    CHECK(float16_bits(c.x) == c.f16, "float16(%g) = %04x, want %04x", static_cast<double>(c.x), float16_bits(c.x), c.f16);
  }
}

// The reference: element by element, no tiling.
static void reference(const std::vector<double>& src, size_t rows, size_t cols, bool col_major, double gain,
                      std::vector<uint8_t>& dst, WriteType type, const std::vector<WriteRun>& runs) {
  for (const WriteRun& r : runs) {
    for (size_t e = r.offset; e < r.offset + r.length; e++) {
      const size_t i = e / cols, j = e % cols;
      double v = col_major ? src[j * rows + i] : src[e];
      if (gain != 1.0) v *= gain;
      const size_t k = r.at + (e - r.offset);
      if (type == WriteType::kFloat64) {
        std::memcpy(&dst[8 * k], &v, 8);
      } else if (type == WriteType::kFloat32) {
        const float f = static_cast<float>(v);
        std::memcpy(&dst[4 * k], &f, 4);
      } else {
        float f = static_cast<float>(v);
        const float hi = type == WriteType::kBfloat16 ? 3.3895313892515355e38f : 65504.0f;
        if (f < -hi) f = -hi;
        else if (f > hi) f = hi;
        const uint16_t h = type == WriteType::kBfloat16 ? nninit::bfloat16_bits(f) : nninit::float16_bits(f);
        std::memcpy(&dst[2 * k], &h, 2);
      }
    }
  }
}

static void writes() {
  std::mt19937_64 rng(12345);
  const size_t shapes[][2] = {{1, 1}, {7, 3}, {3, 7}, {33, 65}, {100, 1}, {1, 100}, {130, 31}};
  const double gains[] = {1.0, 2.5, 1e-3, 70000.0};
  const size_t sizes[] = {8, 8, 2, 2};
  for (const auto& s : shapes) {
    const size_t rows = s[0], cols = s[1], numel = rows * cols;
    std::vector<double> src(numel);
    std::normal_distribution<double> normal(0.0, 1.0);
    for (double& v : src) v = normal(rng);
    if (numel > 4) { src[0] = std::numeric_limits<double>::quiet_NaN(); src[1] = 1e-300; src[2] = -65519.0; src[3] = 1e39; }
    for (int t = 0; t < 4; t++) {
      const WriteType type = static_cast<WriteType>(t);
      for (double gain : gains) {
        for (int cm = 0; cm < 2; cm++) {
          // Runs: the whole matrix, then a few ranges at shuffled places in dst (as shards lay them out).
          std::vector<std::vector<WriteRun>> sets = {{{0, numel, 0}}};
          std::vector<WriteRun> parts;
          size_t at = 0;
          for (size_t off = 0; off < numel;) {
            const size_t len = std::min<size_t>(numel - off, 1 + rng() % (numel / 3 + 1));
            if (rng() % 2) { parts.push_back({off, len, at}); at += len; }
            off += len + rng() % 3;
          }
          sets.push_back(parts);
          for (const auto& runs : sets) {
            size_t total = 0;
            for (const WriteRun& r : runs) total = std::max(total, r.at + r.length);
            const size_t bytes = sizes[t] * total + 16;
            std::vector<uint8_t> got(bytes, 0xab), want(bytes, 0xab);
            nninit::orthogonal_write(src.data(), rows, cols, cm == 1, gain, got.data(), type, runs.data(), runs.size());
            reference(src, rows, cols, cm == 1, gain, want, type, runs);
            CHECK(got == want, "write %zux%zu type %d gain %g colMajor %d runs %zu differs", rows, cols, t, gain, cm, runs.size());
          }
        }
      }
    }
  }
}

int main() {
  encoders();
  writes();
  if (failures == 0) std::printf("orthogonal_write_test: all passed\n");
  return failures == 0 ? 0 : 1;
}
