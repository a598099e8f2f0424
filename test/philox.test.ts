// The fast forms of the TypeScript kernels against their simple reference forms: the
// unrolled, interleaved Philox (rawWordsAt) against philoxBlock, and the four-pair
// Box-Muller (boxMullerF32, used by normalF32) against logU24 / sincosTurn24. Bit for bit.
import { describe, expect, test } from 'vitest';
import { philoxBlock, rawWords, rawWordsAt, type PhiloxKey } from '../lib/kernels/philox.js';
import {
  boxMullerF32, boxMullerF64, erfinvCentral32, logU24, logU53, sincosTurn24, sincosTurn53, truncNormalFastF32,
} from '../lib/kernels/math.js';
import { normalF32, normalF64, truncatedNormalF32, type TruncatedNormalParams } from '../lib/kernels/distributions.js';

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const TWO32 = 4294967296;
const fr = Math.fround;

/** A small deterministic generator for test inputs (not the library's). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    let z = s ^ (s >>> 16);
    z = Math.imul(z, 0x45d9f3b) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Inverse of an odd multiplier modulo 2^32. */
function inv32(m: number): number {
  return Number(BigInt.asUintN(32, modInverse(BigInt(m), 1n << 32n)));
}
function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1, t0, t1] = [m, a % m, 0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  return ((t0 % m) + m) % m;
}

/** Reference: words of (key, 64-bit block, skip) one block at a time. */
function reference(key: PhiloxKey, blockLo: number, blockHi: number, skip: number, count: number): Uint32Array {
  const out = new Uint32Array(count);
  const blk = new Uint32Array(4);
  let lo = blockLo >>> 0, hi = blockHi >>> 0, w = skip, j = 0;
  while (j < count) {
    philoxBlock(lo, hi, key.s0, key.s1, key.k0, key.k1, blk, 0);
    while (w < 4 && j < count) out[j++] = blk[w++]!;
    w = 0;
    lo = (lo + 1) >>> 0;
    if (lo === 0) hi = (hi + 1) >>> 0;
  }
  return out;
}

function expectSameWords(got: Uint32Array, want: Uint32Array, what: string): void {
  for (let i = 0; i < want.length; i++) {
    if (got[i] !== want[i]) expect.fail(`${what}: word ${i} is ${got[i]}, expected ${want[i]}`);
  }
}

describe('rawWordsAt (unrolled, four interleaved blocks) equals philoxBlock', () => {
  const rnd = lcg(2024);
  const keys: PhiloxKey[] = [
    { k0: 0, k1: 0, s0: 0, s1: 0 },
    { k0: 0xffffffff, k1: 0xffffffff, s0: 0xffffffff, s1: 0xffffffff },
  ];
  for (let i = 0; i < 30; i++) keys.push({ k0: rnd(), k1: rnd(), s0: rnd(), s1: rnd() });
  const blocks: [number, number][] = [
    [0, 0], [1, 0], [0xfffffffc, 0], [0xfffffffd, 5], [0xfffffffe, 0xffffffff],
    [0xffffffff, 0xffffffff], [0xfffffff0, 7],
  ];
  const lengths = [0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 19, 31, 32, 33, 47, 63, 64, 65, 100, 1000, 4099];

  test('many keys x blocks x skips x lengths, at any start in out', () => {
    for (const [ki, key] of keys.entries()) {
      const bs = ki < 6 ? blocks : [...blocks, [rnd(), rnd()] as [number, number]];
      for (const [lo, hi] of bs) {
        for (let skip = 0; skip < 4; skip++) {
          for (const len of lengths) {
            const want = reference(key, lo, hi, skip, len);
            const at = (lo + len) % 5;
            const got = new Uint32Array(len + at + 3).fill(0xdeadbeef);
            rawWordsAt(key, lo, hi, skip, len, got, at);
            expectSameWords(got.subarray(at, at + len), want, `key ${ki} block ${lo},${hi} skip ${skip} len ${len}`);
            expect(got[at + len]).toBe(0xdeadbeef);
            if (at > 0) expect(got[at - 1]).toBe(0xdeadbeef);
          }
        }
      }
    }
  });

  test('rawWords (block as one number) agrees', () => {
    const key = { k0: 1, k1: 2, s0: 3, s1: 4 };
    for (const block of [0, 5, 2 ** 32 - 2, 2 ** 40 + 3, 2 ** 53 - 9]) {
      const lo = block % TWO32;
      const got = new Uint32Array(77);
      rawWords(key, block, 1, 77, got);
      expectSameWords(got, reference(key, lo, (block - lo) / TWO32, 1, 77), `block ${block}`);
    }
  });

  test('2^20 consecutive blocks (covers the rare products of later rounds)', () => {
    const key = { k0: 0x2b7e1516, k1: 0x28aed2a6, s0: 0xabf71588, s1: 0x09cf4f3c };
    const n = 1 << 22;
    const got = new Uint32Array(n);
    rawWordsAt(key, 0xfff00000, 17, 0, n, got);
    expectSameWords(got, reference(key, 0xfff00000, 17, 0, n), '2^20 blocks');
  });

  // The fast high word is exact unless the low word is within 2^10 of a multiple of 2^32;
  // those products are recomputed. Counters and streams chosen so that the first round's
  // products land on and around that window, in every one of the four interleaved lanes.
  test('products whose low word is at the edge of the exact range', () => {
    const inv0 = inv32(M0), inv1 = inv32(M1);
    const edges: number[] = [];
    for (let d = 0; d < 1100; d += 7) edges.push(d, (TWO32 - 1 - d) >>> 0);
    edges.push(1023, 1024, 1025, TWO32 - 1024, TWO32 - 1025, TWO32 - 1026, 2047, 2048, 0x80000000, 0x7fffffff);
    const rnd2 = lcg(7);
    for (const lo of edges) {
      const x0 = Math.imul(lo, inv0) >>> 0; // M0 * x0 has low word lo
      const x2 = Math.imul(lo, inv1) >>> 0; // M1 * x2 has low word lo
      expect(Math.imul(M0, x0) >>> 0).toBe(lo);
      for (let lane = 0; lane < 6; lane++) {
        const key = { k0: rnd2(), k1: rnd2(), s0: lane === 4 ? x2 : rnd2(), s1: rnd2() };
        const blockLo = lane < 5 ? (x0 - lane) >>> 0 : rnd2();
        // lane 5: the second round's first product, shared by all blocks with this blockHi:
        // its input is hi(M1 s0) ^ blockHi ^ k0.
        const hi1 = Number((BigInt(M1) * BigInt(key.s0)) >> 32n);
        const blockHi = lane === 5 ? (x0 ^ hi1 ^ key.k0) >>> 0 : 3;
        const got = new Uint32Array(37);
        rawWordsAt(key, blockLo, blockHi, lane & 3, 37, got);
        expectSameWords(got, reference(key, blockLo, blockHi, lane & 3, 37), `low word ${lo} lane ${lane}`);
      }
    }
  });
});

/** The reference Box-Muller pair of normalF32, op for op. */
function pairRef(a: number, b: number, mean: number, std: number, cs: Float64Array): [number, number] {
  const r = fr(Math.sqrt(-2 * logU24((a >>> 8) + 1)));
  sincosTurn24(b >>> 8, cs);
  return [fr(mean + fr(std * fr(r * cs[0]!))), fr(mean + fr(std * fr(r * cs[1]!)))];
}

function checkPairs(words: Uint32Array, mean: number, std: number, what: string): void {
  const pairs = words.length / 2;
  const out = new Float32Array(2 * pairs + 2).fill(12345);
  const done = boxMullerF32(words, 0, pairs, out, 1, mean, std);
  expect(done).toBe(pairs - (pairs % 4));
  expect(out[0]).toBe(12345);
  expect(out[2 * done + 1]).toBe(12345);
  const cs = new Float64Array(2);
  for (let i = 0; i < done; i++) {
    const [c, s] = pairRef(words[2 * i]!, words[2 * i + 1]!, mean, std, cs);
    if (!Object.is(out[1 + 2 * i], c) || !Object.is(out[2 + 2 * i], s)) {
      expect.fail(`${what}: pair ${i} (${words[2 * i]}, ${words[2 * i + 1]}) gave ${out[1 + 2 * i]}, ${out[2 + 2 * i]}; reference ${c}, ${s}`);
    }
  }
}

describe('boxMullerF32 (four interleaved pairs) equals logU24 + sincosTurn24', () => {
  const params: [number, number][] = [[0, 1], [fr(0.125), fr(1.75)], [fr(-3.5), fr(0.01)], [-0, fr(2 ** -20)], [fr(1e6), fr(3)]];

  test('every radius input (all 2^24), with angles cycling through the octants', () => {
    const words = new Uint32Array(2 * (1 << 24));
    const rnd = lcg(11);
    for (let n = 0; n < 1 << 24; n++) {
      words[2 * n] = (n << 8) | (rnd() & 0xff);
      words[2 * n + 1] = rnd();
    }
    checkPairs(words, fr(0.25), fr(1.5), 'radius sweep');
  });

  test('every angle input (all 2^24), with random radii', () => {
    const words = new Uint32Array(2 * (1 << 24));
    const rnd = lcg(12);
    for (let k = 0; k < 1 << 24; k++) {
      words[2 * k] = rnd();
      words[2 * k + 1] = (k << 8) | (rnd() & 0xff);
    }
    checkPairs(words, 0, 1, 'angle sweep');
  });

  test('edge inputs (r = 0, s = 0, octant boundaries, the sqrt(2) fold) for several mean, std', () => {
    const radii = [0xffffffff, 0xffffff00, 0, 0xff, 0x100, 0x200, 0xb504f200, 0xb504f300, 0x5a827900, 0x5a827a00, 0x80000000, 0x7fffffff];
    const angles: number[] = [];
    for (let o = 0; o < 8; o++) for (const d of [-2, -1, 0, 1, 2]) angles.push((((o << 21) + d) & 0xffffff) << 8 >>> 0);
    const words: number[] = [];
    for (const a of radii) for (const b of angles) words.push(a, b);
    while (words.length % 8 !== 0) words.push(0, 0);
    for (const [mean, std] of params) checkPairs(new Uint32Array(words), mean, std, `edges mean ${mean} std ${std}`);
  });

  test('random words, several mean and std', () => {
    const rnd = lcg(13);
    const words = new Uint32Array(2 * 200000);
    for (let i = 0; i < words.length; i++) words[i] = rnd();
    for (const [mean, std] of params) checkPairs(words, mean, std, `random mean ${mean} std ${std}`);
  });

  test('normalF32 equals the pair reference for any offset and length', () => {
    const key = { k0: 5, k1: 6, s0: 7, s1: 8 };
    const mean = fr(0.5), std = fr(2);
    const cs = new Float64Array(2);
    for (const offset of [0, 1, 2, 3, 7, 2047, 2048, 2049, 2 ** 32 - 1, 2 ** 40 + 3]) {
      for (const n of [0, 1, 2, 3, 4, 7, 8, 9, 10, 11, 17, 33, 2047, 2048, 2049, 2050, 4100]) {
        const out = new Float32Array(n);
        normalF32(out, key, offset, { mean, std });
        const p0 = Math.floor(offset / 2);
        const np = n === 0 ? 0 : Math.floor((offset + n - 1) / 2) - p0 + 1;
        const words = new Uint32Array(2 * np);
        const b = Math.floor(p0 / 2);
        rawWords(key, b, 2 * (p0 - b * 2), 2 * np, words);
        for (let i = 0; i < n; i++) {
          const g = offset + i;
          const p = Math.floor(g / 2) - p0;
          const v = pairRef(words[2 * p]!, words[2 * p + 1]!, mean, std, cs)[g % 2]!;
          if (!Object.is(out[i], v)) expect.fail(`offset ${offset} n ${n}: element ${i} is ${out[i]}, expected ${v}`);
        }
      }
    }
  });
});

/** The reference element of the float32 truncated-normal fast path, op for op. */
function truncRef(word: number, ea: number, d: number, scale: number, mean: number, lo: number, hi: number): number {
  const x = fr(ea + fr(d * ((word >>> 8) * 5.960464477539063e-8)));
  let v = fr(mean + fr(scale * erfinvCentral32(x)));
  v = v < lo ? lo : v;
  return v > hi ? hi : v;
}

describe('truncNormalFastF32 (eight interleaved elements) equals erfinvCentral32', () => {
  // [ea, d, scale, mean, lo, hi]: erf(a / sqrt 2) and erf(b / sqrt 2) - erf(a / sqrt 2) in
  // float32 as lib/params.ts makes them, for bounds up to 2.9 sigma; lo and hi inside the
  // range in some cases so that the clamps act.
  const erf = (z: number): number => {
    // Abramowitz-Stegun 7.1.26 is enough for test parameters (any float32 ea, d will do).
    const t = 1 / (1 + 0.3275911 * Math.abs(z));
    const y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
    return z < 0 ? -y : y;
  };
  const cases: number[][] = [];
  for (const [a, b, mean, std, lo, hi] of [
    [-2, 2, 0, 1, -2, 2], [-2.9, 2.9, 0.5, 1.5, -3.85, 4.85], [-2.9, -0.5, 0, 1, -2.9, -0.5],
    [0.1, 2.9, -1, 0.02, -0.998, -0.942], [-1, 1, 3, 2, 1.5, 4.25], [-2.9, 2.9, 0, 1, -1e-3, 1e-3],
  ] as number[][]) {
    const e1 = erf(a! * Math.SQRT1_2), e2 = erf(b! * Math.SQRT1_2);
    cases.push([fr(e1), fr(e2 - e1), fr(std! * Math.SQRT2), fr(mean!), fr(lo!), fr(hi!)]);
  }

  test('all 2^24 inputs (two parameter sets; every third input for four more)', () => {
    const n = 1 << 24;
    const words = new Uint32Array(n);
    const rnd = lcg(21);
    for (let u = 0; u < n; u++) words[u] = (u << 8) | (rnd() & 0xff);
    const out = new Float32Array(n + 2);
    for (const [ci, [ea, d, scale, mean, lo, hi]] of cases.entries()) {
      const stride = ci < 2 ? 1 : 3;
      out.fill(777);
      const done = truncNormalFastF32(words, 0, n, out, 1, ea!, d!, scale!, mean!, lo!, hi!);
      expect(done).toBe(n);
      expect(out[0]).toBe(777);
      expect(out[n + 1]).toBe(777);
      for (let u = 0; u < n; u += u < 4096 || u > n - 4096 ? 1 : stride) {
        const want = truncRef(words[u]!, ea!, d!, scale!, mean!, lo!, hi!);
        if (!Object.is(out[1 + u], want)) expect.fail(`case ${[ea, d, scale, mean, lo, hi]}: u ${u} gave ${out[1 + u]}, reference ${want}`);
      }
    }
  });

  test('a (1 - x)(1 + x) below 2^-8 (outside the fast path) makes it hand everything back', () => {
    const words = new Uint32Array([0, 0xffffff00, 5, 6, 7, 8, 9, 10]);
    const out = new Float32Array(8);
    expect(truncNormalFastF32(words, 0, 8, out, 0, fr(-0.999), fr(1.998), fr(1.4), 0, -5, 5)).toBe(0);
  });

  test('truncatedNormalF32 (fast) equals the reference for any offset and length', () => {
    const key = { k0: 9, k1: 10, s0: 11, s1: 12 };
    const [ea, d, scale, mean, lo, hi] = cases[1]!;
    const p: TruncatedNormalParams = {
      fast: true, mean: mean!, std: 1.5, lo: lo!, hi: hi!, ea: ea!, d: d!, scale: scale!,
      flip: 1, lpb: 0, e0: 0, c0: 1,
    };
    for (const offset of [0, 1, 3, 5, 1023, 1024, 2 ** 32 - 1, 2 ** 40 + 3]) {
      for (const n of [0, 1, 7, 8, 9, 15, 16, 17, 1023, 1024, 1025, 3000]) {
        const out = new Float32Array(n);
        truncatedNormalF32(out, key, offset, p);
        const b = Math.floor(offset / 4);
        const words = new Uint32Array(n);
        rawWords(key, b, offset - 4 * b, n, words);
        for (let i = 0; i < n; i++) {
          const want = truncRef(words[i]!, ea!, d!, scale!, mean!, lo!, hi!);
          if (!Object.is(out[i], want)) expect.fail(`offset ${offset} n ${n}: element ${i} is ${out[i]}, expected ${want}`);
        }
      }
    }
  });
});

/** The reference float64 Box-Muller pair of normalF64 (block words a, b, c, d), op for op. */
function pairRef64(a: number, b: number, c: number, d: number, mean: number, std: number, cs: Float64Array): [number, number] {
  const r = Math.sqrt(-2 * logU53((a >>> 5) * 67108864 + (b >>> 6) + 1));
  sincosTurn53(c >>> 5, d >>> 6, cs);
  return [mean + std * (r * cs[0]!), mean + std * (r * cs[1]!)];
}

describe('boxMullerF64 (interleaved pairs) equals logU53 + sincosTurn53', () => {
  function check(words: Uint32Array, mean: number, std: number, what: string): void {
    const pairs = words.length / 4;
    const out = new Float64Array(2 * pairs + 2).fill(12345);
    const done = boxMullerF64(words, 0, pairs, out, 1, mean, std);
    expect(pairs - done).toBeLessThan(8);
    expect(out[0]).toBe(12345);
    expect(out[2 * done + 1]).toBe(12345);
    const cs = new Float64Array(2);
    for (let i = 0; i < done; i++) {
      const [c, s] = pairRef64(words[4 * i]!, words[4 * i + 1]!, words[4 * i + 2]!, words[4 * i + 3]!, mean, std, cs);
      if (!Object.is(out[1 + 2 * i], c) || !Object.is(out[2 + 2 * i], s)) {
        expect.fail(`${what}: pair ${i} gave ${out[1 + 2 * i]}, ${out[2 + 2 * i]}; reference ${c}, ${s}`);
      }
    }
  }

  test('random and edge words, several mean and std', () => {
    const rnd = lcg(31);
    const words = new Uint32Array(4 * 400000);
    for (let i = 0; i < words.length; i++) words[i] = rnd();
    // Radius words: n = 1, 2, near 2^26 (where the exponent search switches), 2^53, and the
    // sqrt(2) fold; angle words: every octant boundary and its neighbours.
    const radii: [number, number][] = [[0, 0], [0, 0x40], [0, 0xffffffc0], [0, 0xffffff80], [0x20, 0], [0x20, 0x40],
      [0xffffffff, 0xffffffff], [0xb504f333, 0xf9de6400], [0xb504f334, 0], [0x80000000, 0], [0x7fffffff, 0xffffffff]];
    let at = 0;
    for (const [a, b] of radii) {
      for (let o = 0; o < 8; o++) {
        for (const dd of [-1, 0, 1]) {
          const hi = ((o << 24) + (dd < 0 ? -1 : 0)) & 0x7ffffff;
          const lo = dd < 0 ? 0x3ffffff : dd;
          words[at++] = a; words[at++] = b; words[at++] = (hi << 5) >>> 0; words[at++] = (lo << 6) >>> 0;
        }
      }
    }
    for (const [mean, std] of [[0, 1], [0.125, 1.75], [-3.5, 1e-3], [-0, 2 ** -40], [1e6, 3]] as [number, number][]) {
      check(words, mean, std, `mean ${mean} std ${std}`);
    }
  });

  test('normalF64 equals the pair reference for any offset and length', () => {
    const key = { k0: 15, k1: 16, s0: 17, s1: 18 };
    const mean = 0.5, std = 2;
    const cs = new Float64Array(2);
    for (const offset of [0, 1, 2, 3, 7, 2047, 2048, 2049, 2 ** 32 - 1, 2 ** 40 + 3]) {
      for (const n of [0, 1, 2, 3, 4, 7, 8, 9, 10, 11, 17, 33, 2047, 2048, 2049, 2050, 4100]) {
        const out = new Float64Array(n);
        normalF64(out, key, offset, { mean, std });
        const p0 = Math.floor(offset / 2);
        const np = n === 0 ? 0 : Math.floor((offset + n - 1) / 2) - p0 + 1;
        const words = new Uint32Array(4 * np);
        rawWords(key, p0, 0, 4 * np, words);
        for (let i = 0; i < n; i++) {
          const g = offset + i;
          const p = Math.floor(g / 2) - p0;
          const v = pairRef64(words[4 * p]!, words[4 * p + 1]!, words[4 * p + 2]!, words[4 * p + 3]!, mean, std, cs)[g % 2]!;
          if (!Object.is(out[i], v)) expect.fail(`offset ${offset} n ${n}: element ${i} is ${out[i]}, expected ${v}`);
        }
      }
    }
  });
});
