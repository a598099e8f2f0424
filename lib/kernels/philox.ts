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

/** {@link rawWords} with the block given as two uint32 halves (wrapping at 2^64). */
export function rawWordsAt(
  key: PhiloxKey, blockLo: number, blockHi: number, skip: number, count: number, out: Uint32Array, at = 0,
): void {
  let blo = blockLo >>> 0;
  let bhi = blockHi >>> 0;
  let w = skip;
  let j = at;
  const end = at + count;
  while (j < end) {
    if (w === 0 && end - j >= 4) {
      philoxBlock(blo, bhi, key.s0, key.s1, key.k0, key.k1, out, j);
      j += 4;
    } else {
      philoxBlock(blo, bhi, key.s0, key.s1, key.k0, key.k1, scratch, 0);
      while (w < 4 && j < end) out[j++] = scratch[w++]!;
    }
    w = 0;
    blo = (blo + 1) >>> 0;
    if (blo === 0) bhi = (bhi + 1) >>> 0;
  }
}

const scratch = new Uint32Array(4);
