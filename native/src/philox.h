// Scalar Philox4x32-10 (Random123), mirroring lib/kernels/philox.ts.
// Everything is `static inline`: an ISA translation unit that includes this header gets
// its own private copy, never one shared (COMDAT-merged) with a baseline TU.
#ifndef NNINIT_PHILOX_H_
#define NNINIT_PHILOX_H_

#include <cstdint>

#include "nninit/kernels.h"

namespace nninit {

static const uint32_t kPhiloxM0 = 0xD2511F53u;
static const uint32_t kPhiloxM1 = 0xCD9E8D57u;
static const uint32_t kPhiloxW0 = 0x9E3779B9u;
static const uint32_t kPhiloxW1 = 0xBB67AE85u;

// The key of each of the ten rounds: round r xors k0 + r W0 and k1 + r W1 (mod 2^32).
static inline void philox_round_keys(const Key& key, uint32_t k0[10], uint32_t k1[10]) {
  uint32_t a = key.k0, b = key.k1;
  for (int r = 0; r < 10; r++) {
    k0[r] = a;
    k1[r] = b;
    a += kPhiloxW0;
    b += kPhiloxW1;
  }
}

// How a SIMD philox_gen (kernels_<isa>.cc) writes its blocks; simd_impl.h says which
// consumer uses which. Every layout holds the same words, only their order differs.
enum PhiloxLayout {
  // Word order: word 4b + i is word i of block b.
  kPhiloxWords,
  // For the float32 Box-Muller pairs (pair 2b + h uses words 2h and 2h + 1 of block b), in
  // groups of G = (vector lanes) / 2 blocks: the G*2 radius words, then the G*2 angle words.
  // Within a group the pairs are in "interleave order": interleaving the two result
  // vectors within each 128-bit lane (unpacklo/unpackhi_ps, zip1/zip2) gives element order.
  kPhiloxPairs,
  // For the float64 Box-Muller pairs (pair b uses block b), in groups of G = (64-bit lanes)
  // blocks: words 0, 1 of each block (a 64-bit lane each), then words 2, 3; the blocks in
  // interleave order for unpacklo/unpackhi_pd.
  kPhiloxBlocks,
};

// Block `block` (64-bit counter words 0,1) of (key, stream): writes 4 words to out.
static inline void philox_block(uint64_t block, const Key& key, uint32_t out[4]) {
  uint32_t x0 = static_cast<uint32_t>(block), x1 = static_cast<uint32_t>(block >> 32);
  uint32_t x2 = key.s0, x3 = key.s1;
  uint32_t k0 = key.k0, k1 = key.k1;
  for (int round = 0; round < 10; round++) {
    if (round > 0) {
      k0 += kPhiloxW0;
      k1 += kPhiloxW1;
    }
    const uint64_t p0 = static_cast<uint64_t>(kPhiloxM0) * x0;
    const uint64_t p1 = static_cast<uint64_t>(kPhiloxM1) * x2;
    const uint32_t lo0 = static_cast<uint32_t>(p0), hi0 = static_cast<uint32_t>(p0 >> 32);
    const uint32_t lo1 = static_cast<uint32_t>(p1), hi1 = static_cast<uint32_t>(p1 >> 32);
    const uint32_t y0 = hi1 ^ x1 ^ k0;
    const uint32_t y2 = hi0 ^ x3 ^ k1;
    x0 = y0; x1 = lo1; x2 = y2; x3 = lo0;
  }
  out[0] = x0; out[1] = x1; out[2] = x2; out[3] = x3;
}

// `count` raw words from word `skip` (0..3) of block `block` into out (rawWordsAt of
// philox.ts; the block counter wraps at 2^64).
static inline void philox_words_at(const Key& key, uint64_t block, unsigned skip, size_t count,
                                   uint32_t* out) {
  uint64_t b = block;
  unsigned w = skip;
  size_t j = 0;
  uint32_t tmp[4];
  while (j < count) {
    philox_block(b, key, tmp);
    while (w < 4 && j < count) out[j++] = tmp[w++];
    w = 0;
    b++;
  }
}

// Raw words word0 .. word0+count-1 (word0 < 2^64).
static inline void philox_words(const Key& key, uint64_t word0, size_t count, uint32_t* out) {
  philox_words_at(key, word0 >> 2, static_cast<unsigned>(word0 & 3), count, out);
}

}  // namespace nninit

#endif  // NNINIT_PHILOX_H_
