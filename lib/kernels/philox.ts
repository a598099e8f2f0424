/**
 * Philox4x32-10 (Salmon et al., SC'11; Random123), the one random core of nninit.
 *
 * This file is the readable specification that the C++ kernels copy. A raw word is
 * addressed by (key, stream, index): word `i` is word `i mod 4` of the block whose
 * counter is [b mod 2^32, floor(b / 2^32), stream lo, stream hi] with b = floor(i / 4)
 * (DESIGN.md section 2). Nothing here is floating point, so every backend agrees.
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/**
 * High 32 bits of the 64-bit product of two uint32 values, given the exact low half.
 *
 * The double product a*b is within 2^11 of the exact one and subtracting `lo` adds at most
 * 2^11 more, while the exact (a*b - lo) is a multiple of 2^32: rounding the quotient to the
 * nearest integer is therefore exact.
 */
function mulhi(a: number, b: number, lo: number): number {
  return Math.round((a * b - lo) / 4294967296) >>> 0;
}

/**
 * One Philox4x32-10 block: writes the four output words of counter `c0..c3` under key
 * `k0, k1` into `out[at..at+3]`.
 */
export function philoxBlock(
  c0: number, c1: number, c2: number, c3: number,
  k0: number, k1: number,
  out: Uint32Array, at: number,
): void {
  let x0 = c0 >>> 0, x1 = c1 >>> 0, x2 = c2 >>> 0, x3 = c3 >>> 0;
  let key0 = k0 >>> 0, key1 = k1 >>> 0;
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      key0 = (key0 + W0) >>> 0;
      key1 = (key1 + W1) >>> 0;
    }
    const lo0 = Math.imul(M0, x0) >>> 0;
    const hi0 = mulhi(M0, x0, lo0);
    const lo1 = Math.imul(M1, x2) >>> 0;
    const hi1 = mulhi(M1, x2, lo1);
    const y0 = (hi1 ^ x1 ^ key0) >>> 0;
    const y2 = (hi0 ^ x3 ^ key1) >>> 0;
    x0 = y0; x1 = lo1; x2 = y2; x3 = lo0;
  }
  out[at] = x0; out[at + 1] = x1; out[at + 2] = x2; out[at + 3] = x3;
}

/** A Philox key and stream, as four uint32 words. */
export interface PhiloxKey {
  readonly k0: number;
  readonly k1: number;
  readonly s0: number;
  readonly s1: number;
}

const TWO32 = 4294967296;
/** The multipliers times 2^-32 (exact: a power-of-two scaling). */
const M0S = M0 / TWO32;
const M1S = M1 / TWO32;

/**
 * Writes `count` raw words of (key, stream) into `out[at..at+count)`, starting at word
 * `skip` (0..3) of block `block` (an integer below 2^53; see {@link rawWordsAt} for the
 * full 64-bit block range). Blocks are addressed instead of words so that every index
 * stays an exact integer even when a tensor's words go beyond 2^53.
 */
export function rawWords(
  key: PhiloxKey, block: number, skip: number, count: number, out: Uint32Array, at = 0,
): void {
  const lo = block % TWO32;
  rawWordsAt(key, lo, (block - lo) / TWO32, skip, count, out, at);
}

/**
 * {@link rawWords} with the block given as two uint32 halves (wrapping at 2^64): the fast
 * path. It is {@link philoxBlock} with the ten rounds unrolled, the round keys hoisted and
 * four independent blocks interleaved (the rounds are latency-bound, so four chains run in
 * parallel). Per 32x32 product M x:
 *
 *   lo = Math.imul(M, x)   (int32: the low word; its sign does not matter to ^ and stores)
 *   hi = M * 2^-32 * x     (a double, truncated by the ToInt32 of the ^ that uses it)
 *
 * M * 2^-32 * x is RN(M x) * 2^-32 (M * 2^-32 is exact), and RN(M x) is within 2^10 of
 * M x = hi * 2^32 + lo_u (below 2^64, so its ulp is at most 2^11). When
 * 2^10 <= lo_u < 2^32 - 2^10, RN(M x) therefore lies in [hi * 2^32, (hi + 1) * 2^32) and the
 * truncation is exactly hi. The other lo_u (2^11 of 2^32) are exactly those with
 * (lo + 1024) >>> 11 === 0, i.e. Math.clz32 of it is 32: OR-ing the clz32 of every product
 * into `edge` flags them without a branch (any other clz32 is below 32), and a flagged
 * group of blocks (about one in 26000) is recomputed by philoxBlock. So each product costs
 * one multiply, one truncation and a few integer ops instead of an exact rounding. The two
 * products whose input is the same for every block of a group (the first round's M1 s0 and
 * the second round's M0 product) are computed once and exactly with mulhi instead: a
 * stream, or block-high word, putting them near the edge would otherwise flag every group.
 * test/kat.test.ts and test/philox.test.ts check it against philoxBlock, including inputs
 * crafted to put products on the edge.
 */
export function rawWordsAt(
  key: PhiloxKey, blockLo: number, blockHi: number, skip: number, count: number, out: Uint32Array, at = 0,
): void {
  const k0 = key.k0 >>> 0, k1 = key.k1 >>> 0, s0 = key.s0 >>> 0, s1 = key.s1 >>> 0;
  const ka0 = (k0 + 0 * W0) >>> 0, kb0 = (k1 + 0 * W1) >>> 0;
  const ka1 = (k0 + 1 * W0) >>> 0, kb1 = (k1 + 1 * W1) >>> 0;
  const ka2 = (k0 + 2 * W0) >>> 0, kb2 = (k1 + 2 * W1) >>> 0;
  const ka3 = (k0 + 3 * W0) >>> 0, kb3 = (k1 + 3 * W1) >>> 0;
  const ka4 = (k0 + 4 * W0) >>> 0, kb4 = (k1 + 4 * W1) >>> 0;
  const ka5 = (k0 + 5 * W0) >>> 0, kb5 = (k1 + 5 * W1) >>> 0;
  const ka6 = (k0 + 6 * W0) >>> 0, kb6 = (k1 + 6 * W1) >>> 0;
  const ka7 = (k0 + 7 * W0) >>> 0, kb7 = (k1 + 7 * W1) >>> 0;
  const ka8 = (k0 + 8 * W0) >>> 0, kb8 = (k1 + 8 * W1) >>> 0;
  const ka9 = (k0 + 9 * W0) >>> 0, kb9 = (k1 + 9 * W1) >>> 0;
  // Round 1's M1 input is the stream's low word s0 in every block: its product is done once,
  // exactly. (Were it left to the edge test, a stream whose product lies near the edge,
  // stream 0 for one, would flag every group.) Likewise round 2's M0 input,
  // hi(M1 s0) ^ blockHi ^ ka0, is shared by all blocks of a group.
  const lo1s = Math.imul(M1, s0), hi1s = mulhi(M1, s0, lo1s >>> 0);
  let blo = blockLo >>> 0;
  let bhi = blockHi >>> 0;
  let w = skip;
  let j = at;
  const end = at + count;
  while (j < end) {
    if (w === 0) {
      // Whole blocks, four at a time.
      while (end - j >= 16 && blo <= 0xfffffffc) {
        let x0a = blo, x1a = bhi, x2a = s0, x3a = s1;
        let x0b = blo + 1, x1b = bhi, x2b = s0, x3b = s1;
        let x0c = blo + 2, x1c = bhi, x2c = s0, x3c = s1;
        let x0d = blo + 3, x1d = bhi, x2d = s0, x3d = s1;
        let lo0a = 0, hi0a = 0, lo1a = 0, hi1a = 0, lo0b = 0, hi0b = 0, lo1b = 0, hi1b = 0;
        let lo0c = 0, hi0c = 0, lo1c = 0, hi1c = 0, lo0d = 0, hi0d = 0, lo1d = 0, hi1d = 0;
        let edge = 0;
        // Round 2's M0 input is the same for the four blocks (see above): done once, exactly.
        const x0t = (hi1s ^ bhi ^ ka0) >>> 0, lo0t = Math.imul(M0, x0t), hi0t = mulhi(M0, x0t, lo0t >>> 0);
        lo0a = Math.imul(M0, x0a); hi0a = M0S * x0a; edge |= Math.clz32((lo0a + 1024) >>> 11);
        lo1a = lo1s; hi1a = hi1s;
        lo0b = Math.imul(M0, x0b); hi0b = M0S * x0b; edge |= Math.clz32((lo0b + 1024) >>> 11);
        lo1b = lo1s; hi1b = hi1s;
        lo0c = Math.imul(M0, x0c); hi0c = M0S * x0c; edge |= Math.clz32((lo0c + 1024) >>> 11);
        lo1c = lo1s; hi1c = hi1s;
        lo0d = Math.imul(M0, x0d); hi0d = M0S * x0d; edge |= Math.clz32((lo0d + 1024) >>> 11);
        lo1d = lo1s; hi1d = hi1s;
        x0a = (hi1a ^ x1a ^ ka0) >>> 0; x2a = (hi0a ^ x3a ^ kb0) >>> 0; x1a = lo1a; x3a = lo0a;
        x0b = (hi1b ^ x1b ^ ka0) >>> 0; x2b = (hi0b ^ x3b ^ kb0) >>> 0; x1b = lo1b; x3b = lo0b;
        x0c = (hi1c ^ x1c ^ ka0) >>> 0; x2c = (hi0c ^ x3c ^ kb0) >>> 0; x1c = lo1c; x3c = lo0c;
        x0d = (hi1d ^ x1d ^ ka0) >>> 0; x2d = (hi0d ^ x3d ^ kb0) >>> 0; x1d = lo1d; x3d = lo0d;
        lo0a = lo0t; hi0a = hi0t;
        lo1a = Math.imul(M1, x2a); hi1a = M1S * x2a; edge |= Math.clz32((lo1a + 1024) >>> 11);
        lo0b = lo0t; hi0b = hi0t;
        lo1b = Math.imul(M1, x2b); hi1b = M1S * x2b; edge |= Math.clz32((lo1b + 1024) >>> 11);
        lo0c = lo0t; hi0c = hi0t;
        lo1c = Math.imul(M1, x2c); hi1c = M1S * x2c; edge |= Math.clz32((lo1c + 1024) >>> 11);
        lo0d = lo0t; hi0d = hi0t;
        lo1d = Math.imul(M1, x2d); hi1d = M1S * x2d; edge |= Math.clz32((lo1d + 1024) >>> 11);
        x0a = (hi1a ^ x1a ^ ka1) >>> 0; x2a = (hi0a ^ x3a ^ kb1) >>> 0; x1a = lo1a; x3a = lo0a;
        x0b = (hi1b ^ x1b ^ ka1) >>> 0; x2b = (hi0b ^ x3b ^ kb1) >>> 0; x1b = lo1b; x3b = lo0b;
        x0c = (hi1c ^ x1c ^ ka1) >>> 0; x2c = (hi0c ^ x3c ^ kb1) >>> 0; x1c = lo1c; x3c = lo0c;
        x0d = (hi1d ^ x1d ^ ka1) >>> 0; x2d = (hi0d ^ x3d ^ kb1) >>> 0; x1d = lo1d; x3d = lo0d;
        lo0a = Math.imul(M0, x0a); hi0a = M0S * x0a; edge |= Math.clz32((lo0a + 1024) >>> 11);
        lo1a = Math.imul(M1, x2a); hi1a = M1S * x2a; edge |= Math.clz32((lo1a + 1024) >>> 11);
        lo0b = Math.imul(M0, x0b); hi0b = M0S * x0b; edge |= Math.clz32((lo0b + 1024) >>> 11);
        lo1b = Math.imul(M1, x2b); hi1b = M1S * x2b; edge |= Math.clz32((lo1b + 1024) >>> 11);
        lo0c = Math.imul(M0, x0c); hi0c = M0S * x0c; edge |= Math.clz32((lo0c + 1024) >>> 11);
        lo1c = Math.imul(M1, x2c); hi1c = M1S * x2c; edge |= Math.clz32((lo1c + 1024) >>> 11);
        lo0d = Math.imul(M0, x0d); hi0d = M0S * x0d; edge |= Math.clz32((lo0d + 1024) >>> 11);
        lo1d = Math.imul(M1, x2d); hi1d = M1S * x2d; edge |= Math.clz32((lo1d + 1024) >>> 11);
        x0a = (hi1a ^ x1a ^ ka2) >>> 0; x2a = (hi0a ^ x3a ^ kb2) >>> 0; x1a = lo1a; x3a = lo0a;
        x0b = (hi1b ^ x1b ^ ka2) >>> 0; x2b = (hi0b ^ x3b ^ kb2) >>> 0; x1b = lo1b; x3b = lo0b;
        x0c = (hi1c ^ x1c ^ ka2) >>> 0; x2c = (hi0c ^ x3c ^ kb2) >>> 0; x1c = lo1c; x3c = lo0c;
        x0d = (hi1d ^ x1d ^ ka2) >>> 0; x2d = (hi0d ^ x3d ^ kb2) >>> 0; x1d = lo1d; x3d = lo0d;
        lo0a = Math.imul(M0, x0a); hi0a = M0S * x0a; edge |= Math.clz32((lo0a + 1024) >>> 11);
        lo1a = Math.imul(M1, x2a); hi1a = M1S * x2a; edge |= Math.clz32((lo1a + 1024) >>> 11);
        lo0b = Math.imul(M0, x0b); hi0b = M0S * x0b; edge |= Math.clz32((lo0b + 1024) >>> 11);
        lo1b = Math.imul(M1, x2b); hi1b = M1S * x2b; edge |= Math.clz32((lo1b + 1024) >>> 11);
        lo0c = Math.imul(M0, x0c); hi0c = M0S * x0c; edge |= Math.clz32((lo0c + 1024) >>> 11);
        lo1c = Math.imul(M1, x2c); hi1c = M1S * x2c; edge |= Math.clz32((lo1c + 1024) >>> 11);
        lo0d = Math.imul(M0, x0d); hi0d = M0S * x0d; edge |= Math.clz32((lo0d + 1024) >>> 11);
        lo1d = Math.imul(M1, x2d); hi1d = M1S * x2d; edge |= Math.clz32((lo1d + 1024) >>> 11);
        x0a = (hi1a ^ x1a ^ ka3) >>> 0; x2a = (hi0a ^ x3a ^ kb3) >>> 0; x1a = lo1a; x3a = lo0a;
        x0b = (hi1b ^ x1b ^ ka3) >>> 0; x2b = (hi0b ^ x3b ^ kb3) >>> 0; x1b = lo1b; x3b = lo0b;
        x0c = (hi1c ^ x1c ^ ka3) >>> 0; x2c = (hi0c ^ x3c ^ kb3) >>> 0; x1c = lo1c; x3c = lo0c;
        x0d = (hi1d ^ x1d ^ ka3) >>> 0; x2d = (hi0d ^ x3d ^ kb3) >>> 0; x1d = lo1d; x3d = lo0d;
        lo0a = Math.imul(M0, x0a); hi0a = M0S * x0a; edge |= Math.clz32((lo0a + 1024) >>> 11);
        lo1a = Math.imul(M1, x2a); hi1a = M1S * x2a; edge |= Math.clz32((lo1a + 1024) >>> 11);
        lo0b = Math.imul(M0, x0b); hi0b = M0S * x0b; edge |= Math.clz32((lo0b + 1024) >>> 11);
        lo1b = Math.imul(M1, x2b); hi1b = M1S * x2b; edge |= Math.clz32((lo1b + 1024) >>> 11);
        lo0c = Math.imul(M0, x0c); hi0c = M0S * x0c; edge |= Math.clz32((lo0c + 1024) >>> 11);
        lo1c = Math.imul(M1, x2c); hi1c = M1S * x2c; edge |= Math.clz32((lo1c + 1024) >>> 11);
        lo0d = Math.imul(M0, x0d); hi0d = M0S * x0d; edge |= Math.clz32((lo0d + 1024) >>> 11);
        lo1d = Math.imul(M1, x2d); hi1d = M1S * x2d; edge |= Math.clz32((lo1d + 1024) >>> 11);
        x0a = (hi1a ^ x1a ^ ka4) >>> 0; x2a = (hi0a ^ x3a ^ kb4) >>> 0; x1a = lo1a; x3a = lo0a;
        x0b = (hi1b ^ x1b ^ ka4) >>> 0; x2b = (hi0b ^ x3b ^ kb4) >>> 0; x1b = lo1b; x3b = lo0b;
        x0c = (hi1c ^ x1c ^ ka4) >>> 0; x2c = (hi0c ^ x3c ^ kb4) >>> 0; x1c = lo1c; x3c = lo0c;
        x0d = (hi1d ^ x1d ^ ka4) >>> 0; x2d = (hi0d ^ x3d ^ kb4) >>> 0; x1d = lo1d; x3d = lo0d;
        lo0a = Math.imul(M0, x0a); hi0a = M0S * x0a; edge |= Math.clz32((lo0a + 1024) >>> 11);
        lo1a = Math.imul(M1, x2a); hi1a = M1S * x2a; edge |= Math.clz32((lo1a + 1024) >>> 11);
        lo0b = Math.imul(M0, x0b); hi0b = M0S * x0b; edge |= Math.clz32((lo0b + 1024) >>> 11);
        lo1b = Math.imul(M1, x2b); hi1b = M1S * x2b; edge |= Math.clz32((lo1b + 1024) >>> 11);
        lo0c = Math.imul(M0, x0c); hi0c = M0S * x0c; edge |= Math.clz32((lo0c + 1024) >>> 11);
        lo1c = Math.imul(M1, x2c); hi1c = M1S * x2c; edge |= Math.clz32((lo1c + 1024) >>> 11);
        lo0d = Math.imul(M0, x0d); hi0d = M0S * x0d; edge |= Math.clz32((lo0d + 1024) >>> 11);
        lo1d = Math.imul(M1, x2d); hi1d = M1S * x2d; edge |= Math.clz32((lo1d + 1024) >>> 11);
        x0a = (hi1a ^ x1a ^ ka5) >>> 0; x2a = (hi0a ^ x3a ^ kb5) >>> 0; x1a = lo1a; x3a = lo0a;
        x0b = (hi1b ^ x1b ^ ka5) >>> 0; x2b = (hi0b ^ x3b ^ kb5) >>> 0; x1b = lo1b; x3b = lo0b;
        x0c = (hi1c ^ x1c ^ ka5) >>> 0; x2c = (hi0c ^ x3c ^ kb5) >>> 0; x1c = lo1c; x3c = lo0c;
        x0d = (hi1d ^ x1d ^ ka5) >>> 0; x2d = (hi0d ^ x3d ^ kb5) >>> 0; x1d = lo1d; x3d = lo0d;
        lo0a = Math.imul(M0, x0a); hi0a = M0S * x0a; edge |= Math.clz32((lo0a + 1024) >>> 11);
        lo1a = Math.imul(M1, x2a); hi1a = M1S * x2a; edge |= Math.clz32((lo1a + 1024) >>> 11);
        lo0b = Math.imul(M0, x0b); hi0b = M0S * x0b; edge |= Math.clz32((lo0b + 1024) >>> 11);
        lo1b = Math.imul(M1, x2b); hi1b = M1S * x2b; edge |= Math.clz32((lo1b + 1024) >>> 11);
        lo0c = Math.imul(M0, x0c); hi0c = M0S * x0c; edge |= Math.clz32((lo0c + 1024) >>> 11);
        lo1c = Math.imul(M1, x2c); hi1c = M1S * x2c; edge |= Math.clz32((lo1c + 1024) >>> 11);
        lo0d = Math.imul(M0, x0d); hi0d = M0S * x0d; edge |= Math.clz32((lo0d + 1024) >>> 11);
        lo1d = Math.imul(M1, x2d); hi1d = M1S * x2d; edge |= Math.clz32((lo1d + 1024) >>> 11);
        x0a = (hi1a ^ x1a ^ ka6) >>> 0; x2a = (hi0a ^ x3a ^ kb6) >>> 0; x1a = lo1a; x3a = lo0a;
        x0b = (hi1b ^ x1b ^ ka6) >>> 0; x2b = (hi0b ^ x3b ^ kb6) >>> 0; x1b = lo1b; x3b = lo0b;
        x0c = (hi1c ^ x1c ^ ka6) >>> 0; x2c = (hi0c ^ x3c ^ kb6) >>> 0; x1c = lo1c; x3c = lo0c;
        x0d = (hi1d ^ x1d ^ ka6) >>> 0; x2d = (hi0d ^ x3d ^ kb6) >>> 0; x1d = lo1d; x3d = lo0d;
        lo0a = Math.imul(M0, x0a); hi0a = M0S * x0a; edge |= Math.clz32((lo0a + 1024) >>> 11);
        lo1a = Math.imul(M1, x2a); hi1a = M1S * x2a; edge |= Math.clz32((lo1a + 1024) >>> 11);
        lo0b = Math.imul(M0, x0b); hi0b = M0S * x0b; edge |= Math.clz32((lo0b + 1024) >>> 11);
        lo1b = Math.imul(M1, x2b); hi1b = M1S * x2b; edge |= Math.clz32((lo1b + 1024) >>> 11);
        lo0c = Math.imul(M0, x0c); hi0c = M0S * x0c; edge |= Math.clz32((lo0c + 1024) >>> 11);
        lo1c = Math.imul(M1, x2c); hi1c = M1S * x2c; edge |= Math.clz32((lo1c + 1024) >>> 11);
        lo0d = Math.imul(M0, x0d); hi0d = M0S * x0d; edge |= Math.clz32((lo0d + 1024) >>> 11);
        lo1d = Math.imul(M1, x2d); hi1d = M1S * x2d; edge |= Math.clz32((lo1d + 1024) >>> 11);
        x0a = (hi1a ^ x1a ^ ka7) >>> 0; x2a = (hi0a ^ x3a ^ kb7) >>> 0; x1a = lo1a; x3a = lo0a;
        x0b = (hi1b ^ x1b ^ ka7) >>> 0; x2b = (hi0b ^ x3b ^ kb7) >>> 0; x1b = lo1b; x3b = lo0b;
        x0c = (hi1c ^ x1c ^ ka7) >>> 0; x2c = (hi0c ^ x3c ^ kb7) >>> 0; x1c = lo1c; x3c = lo0c;
        x0d = (hi1d ^ x1d ^ ka7) >>> 0; x2d = (hi0d ^ x3d ^ kb7) >>> 0; x1d = lo1d; x3d = lo0d;
        lo0a = Math.imul(M0, x0a); hi0a = M0S * x0a; edge |= Math.clz32((lo0a + 1024) >>> 11);
        lo1a = Math.imul(M1, x2a); hi1a = M1S * x2a; edge |= Math.clz32((lo1a + 1024) >>> 11);
        lo0b = Math.imul(M0, x0b); hi0b = M0S * x0b; edge |= Math.clz32((lo0b + 1024) >>> 11);
        lo1b = Math.imul(M1, x2b); hi1b = M1S * x2b; edge |= Math.clz32((lo1b + 1024) >>> 11);
        lo0c = Math.imul(M0, x0c); hi0c = M0S * x0c; edge |= Math.clz32((lo0c + 1024) >>> 11);
        lo1c = Math.imul(M1, x2c); hi1c = M1S * x2c; edge |= Math.clz32((lo1c + 1024) >>> 11);
        lo0d = Math.imul(M0, x0d); hi0d = M0S * x0d; edge |= Math.clz32((lo0d + 1024) >>> 11);
        lo1d = Math.imul(M1, x2d); hi1d = M1S * x2d; edge |= Math.clz32((lo1d + 1024) >>> 11);
        x0a = (hi1a ^ x1a ^ ka8) >>> 0; x2a = (hi0a ^ x3a ^ kb8) >>> 0; x1a = lo1a; x3a = lo0a;
        x0b = (hi1b ^ x1b ^ ka8) >>> 0; x2b = (hi0b ^ x3b ^ kb8) >>> 0; x1b = lo1b; x3b = lo0b;
        x0c = (hi1c ^ x1c ^ ka8) >>> 0; x2c = (hi0c ^ x3c ^ kb8) >>> 0; x1c = lo1c; x3c = lo0c;
        x0d = (hi1d ^ x1d ^ ka8) >>> 0; x2d = (hi0d ^ x3d ^ kb8) >>> 0; x1d = lo1d; x3d = lo0d;
        lo0a = Math.imul(M0, x0a); hi0a = M0S * x0a; edge |= Math.clz32((lo0a + 1024) >>> 11);
        lo1a = Math.imul(M1, x2a); hi1a = M1S * x2a; edge |= Math.clz32((lo1a + 1024) >>> 11);
        lo0b = Math.imul(M0, x0b); hi0b = M0S * x0b; edge |= Math.clz32((lo0b + 1024) >>> 11);
        lo1b = Math.imul(M1, x2b); hi1b = M1S * x2b; edge |= Math.clz32((lo1b + 1024) >>> 11);
        lo0c = Math.imul(M0, x0c); hi0c = M0S * x0c; edge |= Math.clz32((lo0c + 1024) >>> 11);
        lo1c = Math.imul(M1, x2c); hi1c = M1S * x2c; edge |= Math.clz32((lo1c + 1024) >>> 11);
        lo0d = Math.imul(M0, x0d); hi0d = M0S * x0d; edge |= Math.clz32((lo0d + 1024) >>> 11);
        lo1d = Math.imul(M1, x2d); hi1d = M1S * x2d; edge |= Math.clz32((lo1d + 1024) >>> 11);
        x0a = (hi1a ^ x1a ^ ka9) >>> 0; x2a = (hi0a ^ x3a ^ kb9) >>> 0; x1a = lo1a; x3a = lo0a;
        x0b = (hi1b ^ x1b ^ ka9) >>> 0; x2b = (hi0b ^ x3b ^ kb9) >>> 0; x1b = lo1b; x3b = lo0b;
        x0c = (hi1c ^ x1c ^ ka9) >>> 0; x2c = (hi0c ^ x3c ^ kb9) >>> 0; x1c = lo1c; x3c = lo0c;
        x0d = (hi1d ^ x1d ^ ka9) >>> 0; x2d = (hi0d ^ x3d ^ kb9) >>> 0; x1d = lo1d; x3d = lo0d;
        out[j] = x0a; out[j + 1] = x1a; out[j + 2] = x2a; out[j + 3] = x3a;
        out[j + 4] = x0b; out[j + 5] = x1b; out[j + 6] = x2b; out[j + 7] = x3b;
        out[j + 8] = x0c; out[j + 9] = x1c; out[j + 10] = x2c; out[j + 11] = x3c;
        out[j + 12] = x0d; out[j + 13] = x1d; out[j + 14] = x2d; out[j + 15] = x3d;
        if (edge & 32) for (let b = 0; b < 4; b++) philoxBlock(blo + b, bhi, s0, s1, k0, k1, out, j + 4 * b);
        j += 16;
        blo = (blo + 4) >>> 0;
        if (blo === 0) bhi = (bhi + 1) >>> 0;
      }
      if (j >= end) break;
    }
    // One block (a partial one, or near the end or a 2^32 wrap): the same products as above,
    // the second round's M0 product exactly.
    let x0a = blo, x1a = bhi, x2a = s0, x3a = s1;
    let lo0a = 0, hi0a = 0, lo1a = 0, hi1a = 0, edge = 0;
      lo0a = Math.imul(M0, x0a); hi0a = M0S * x0a; edge |= Math.clz32((lo0a + 1024) >>> 11);
      lo1a = lo1s; hi1a = hi1s;
      x0a = (hi1a ^ x1a ^ ka0) >>> 0; x2a = (hi0a ^ x3a ^ kb0) >>> 0; x1a = lo1a; x3a = lo0a;
      lo0a = Math.imul(M0, x0a); hi0a = mulhi(M0, x0a, lo0a >>> 0);
      lo1a = Math.imul(M1, x2a); hi1a = M1S * x2a; edge |= Math.clz32((lo1a + 1024) >>> 11);
      x0a = (hi1a ^ x1a ^ ka1) >>> 0; x2a = (hi0a ^ x3a ^ kb1) >>> 0; x1a = lo1a; x3a = lo0a;
      lo0a = Math.imul(M0, x0a); hi0a = M0S * x0a; edge |= Math.clz32((lo0a + 1024) >>> 11);
      lo1a = Math.imul(M1, x2a); hi1a = M1S * x2a; edge |= Math.clz32((lo1a + 1024) >>> 11);
      x0a = (hi1a ^ x1a ^ ka2) >>> 0; x2a = (hi0a ^ x3a ^ kb2) >>> 0; x1a = lo1a; x3a = lo0a;
      lo0a = Math.imul(M0, x0a); hi0a = M0S * x0a; edge |= Math.clz32((lo0a + 1024) >>> 11);
      lo1a = Math.imul(M1, x2a); hi1a = M1S * x2a; edge |= Math.clz32((lo1a + 1024) >>> 11);
      x0a = (hi1a ^ x1a ^ ka3) >>> 0; x2a = (hi0a ^ x3a ^ kb3) >>> 0; x1a = lo1a; x3a = lo0a;
      lo0a = Math.imul(M0, x0a); hi0a = M0S * x0a; edge |= Math.clz32((lo0a + 1024) >>> 11);
      lo1a = Math.imul(M1, x2a); hi1a = M1S * x2a; edge |= Math.clz32((lo1a + 1024) >>> 11);
      x0a = (hi1a ^ x1a ^ ka4) >>> 0; x2a = (hi0a ^ x3a ^ kb4) >>> 0; x1a = lo1a; x3a = lo0a;
      lo0a = Math.imul(M0, x0a); hi0a = M0S * x0a; edge |= Math.clz32((lo0a + 1024) >>> 11);
      lo1a = Math.imul(M1, x2a); hi1a = M1S * x2a; edge |= Math.clz32((lo1a + 1024) >>> 11);
      x0a = (hi1a ^ x1a ^ ka5) >>> 0; x2a = (hi0a ^ x3a ^ kb5) >>> 0; x1a = lo1a; x3a = lo0a;
      lo0a = Math.imul(M0, x0a); hi0a = M0S * x0a; edge |= Math.clz32((lo0a + 1024) >>> 11);
      lo1a = Math.imul(M1, x2a); hi1a = M1S * x2a; edge |= Math.clz32((lo1a + 1024) >>> 11);
      x0a = (hi1a ^ x1a ^ ka6) >>> 0; x2a = (hi0a ^ x3a ^ kb6) >>> 0; x1a = lo1a; x3a = lo0a;
      lo0a = Math.imul(M0, x0a); hi0a = M0S * x0a; edge |= Math.clz32((lo0a + 1024) >>> 11);
      lo1a = Math.imul(M1, x2a); hi1a = M1S * x2a; edge |= Math.clz32((lo1a + 1024) >>> 11);
      x0a = (hi1a ^ x1a ^ ka7) >>> 0; x2a = (hi0a ^ x3a ^ kb7) >>> 0; x1a = lo1a; x3a = lo0a;
      lo0a = Math.imul(M0, x0a); hi0a = M0S * x0a; edge |= Math.clz32((lo0a + 1024) >>> 11);
      lo1a = Math.imul(M1, x2a); hi1a = M1S * x2a; edge |= Math.clz32((lo1a + 1024) >>> 11);
      x0a = (hi1a ^ x1a ^ ka8) >>> 0; x2a = (hi0a ^ x3a ^ kb8) >>> 0; x1a = lo1a; x3a = lo0a;
      lo0a = Math.imul(M0, x0a); hi0a = M0S * x0a; edge |= Math.clz32((lo0a + 1024) >>> 11);
      lo1a = Math.imul(M1, x2a); hi1a = M1S * x2a; edge |= Math.clz32((lo1a + 1024) >>> 11);
      x0a = (hi1a ^ x1a ^ ka9) >>> 0; x2a = (hi0a ^ x3a ^ kb9) >>> 0; x1a = lo1a; x3a = lo0a;
    if (edge & 32) {
      philoxBlock(blo, bhi, s0, s1, k0, k1, scratch, 0);
      x0a = scratch[0]!; x1a = scratch[1]!; x2a = scratch[2]!; x3a = scratch[3]!;
    }
    if (w === 0 && end - j >= 4) {
      out[j] = x0a; out[j + 1] = x1a; out[j + 2] = x2a; out[j + 3] = x3a;
      j += 4;
    } else {
      scratch[0] = x0a; scratch[1] = x1a; scratch[2] = x2a; scratch[3] = x3a;
      while (w < 4 && j < end) out[j++] = scratch[w++]!;
    }
    w = 0;
    blo = (blo + 1) >>> 0;
    if (blo === 0) bhi = (bhi + 1) >>> 0;
  }
}

const scratch = new Uint32Array(4);

// Give V8 type feedback for the rare recompute path before it optimizes rawWordsAt: block
// 0 puts the first product's low word at 0, inside the recomputed window. Without this,
// the first real recompute deoptimizes the call it happens in (measured: a 40 ms stall).
// Several calls, because V8 allocates a function's feedback vector only after a few.
{
  const warm = new Uint32Array(64);
  for (let i = 0; i < 32; i++) rawWordsAt({ k0: 1, k1: 2, s0: 3, s1: 4 }, 0, 0, 0, 64, warm);
}
