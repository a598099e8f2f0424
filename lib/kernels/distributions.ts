/**
 * The TypeScript distribution kernels: the readable specification of every value nninit
 * produces. native/src/kernels_scalar.cc is an op-for-op copy, and every SIMD kernel is
 * tested against both, byte for byte.
 *
 * A kernel fills out[0..n) with elements offset .. offset+n-1 of the logical tensor. The
 * raw words an element uses depend on its index alone (DESIGN.md section 2):
 *
 * | kernel                  | element g uses                                         |
 * |-------------------------|--------------------------------------------------------|
 * | uniform f32             | word g                                                 |
 * | uniform f64             | words 2g, 2g+1                                         |
 * | normal f32              | words 2p, 2p+1 of its Box-Muller pair p = floor(g/2)   |
 * | normal f64              | words 4p..4p+3 (block p) of its pair p = floor(g/2)    |
 * | truncated normal, fast  | word g (float32 output, bounds within 2.9 sigma)       |
 * | truncated normal, log   | words 2g, 2g+1 (float64 output, or any other bounds)   |
 *
 * Scalars (bounds, scales, log-probabilities) arrive precomputed and rounded to the
 * output dtype by lib/params.ts; kernels only run the per-element recipe.
 */
import { rawWords, rawWordsAt, type PhiloxKey } from './philox.js';
import {
  boxMullerF32, boxMullerF64, erfinvCentral32, log64, logU24, logU53, normalQuantileFromLog,
  sincosTurn24, sincosTurn53, truncNormalFastF32,
} from './math.js';

const fr = Math.fround;
const CHUNK = 1024;
const words = new Uint32Array(CHUNK * 4 + 8);
const cs = new Float64Array(2);

/** 2^-24 and 2^-53: the exact scalings of 24- and 53-bit integers into [0, 1). */
const U24 = 5.960464477539063e-8;
const U53 = 1.1102230246251565e-16;

/** Parameters of the uniform kernels, already in the output dtype. */
export interface UniformParams {
  /** Smallest value (the low bound rounded up into the dtype). */
  readonly low: number;
  /** high - low, rounded to the dtype. */
  readonly scale: number;
  /** Largest value allowed: the largest dtype value strictly below high. */
  readonly upper: number;
}

/** Parameters of the normal kernels, in the output dtype. */
export interface NormalParams {
  readonly mean: number;
  readonly std: number;
}

/** Parameters of the truncated-normal kernels (see lib/params.ts for their derivation). */
export interface TruncatedNormalParams {
  /** true: the float32 erfinv path (word g); false: the log-space float64 path. */
  readonly fast: boolean;
  readonly mean: number;
  readonly std: number;
  /** Output bounds in the dtype: every value is clamped into [lo, hi]. */
  readonly lo: number;
  readonly hi: number;
  /** Fast path: erf(alpha / sqrt2), erf(beta / sqrt2) - erf(alpha / sqrt2), std * sqrt2 (f32). */
  readonly ea: number;
  readonly d: number;
  readonly scale: number;
  /** Log path: +1, or -1 when the interval was mirrored to put its heavier side right. */
  readonly flip: number;
  /** Log path: log Phi(beta'), exp(log Phi(alpha') - log Phi(beta')), and 1 minus that. */
  readonly lpb: number;
  readonly e0: number;
  readonly c0: number;
}

// Shape of the kernels below, for V8: the outer function only walks the chunks; the
// per-element loop of a chunk is a separate small function taking plain numbers. V8 then
// optimizes that function as a whole after a few chunks, the same way in every process.
// With the element loop inside the chunk loop, a first long fill was compiled on the stack
// (OSR) while its start had no type feedback yet, and the later regular compile deoptimized
// on entry: uniform float32 ran at ~7 instead of ~5 ns/element for the first several
// 2^24-element calls in about half of fresh processes.

/** Elements at .. at+m-1 of a uniform float32 fill from words[0..m) (see uniformF32). */
function uniformChunkF32(
  words: Uint32Array, m: number, out: Float32Array, at: number, low: number, scale24: number, upper: number,
): void {
  // Plain doubles (+): a select between a computed value and a parameter V8 still holds
  // tagged is itself tagged, and costs a heap number allocation per element.
  const l = +low, s = +scale24, u = +upper;
  for (let j = 0; j < m; j++) {
    const v = fr(l + fr((words[j]! >>> 8) * s));
    out[at + j] = v < u ? v : u;
  }
}

export function uniformF32(out: Float32Array, key: PhiloxKey, offset: number, p: UniformParams): void {
  if (!primed) primeFeedback();
  const n = out.length;
  // (w >>> 8) * (scale * 2^-24) is the double product (w >>> 8) * 2^-24 * scale exactly
  // (a 24-bit integer times a float32 and a power of two: no rounding before fr), so one
  // multiply per element gives fr(scale * u) bit for bit.
  const low = p.low, scale24 = p.scale * U24, upper = p.upper;
  for (let j0 = 0; j0 < n; j0 += CHUNK) {
    const m = Math.min(CHUNK, n - j0);
    const g = offset + j0;
    const b = Math.floor(g / 4);
    rawWords(key, b, g - b * 4, m, words);
    uniformChunkF32(words, m, out, j0, low, scale24, upper);
  }
}

/** Elements at .. at+m-1 of a uniform float64 fill from words[0..2m) (see uniformF64). */
function uniformChunkF64(
  words: Uint32Array, m: number, out: Float64Array, at: number, low: number, scale: number, upper: number,
): void {
  const l = +low, s = +scale, up = +upper;  // plain doubles, as in uniformChunkF32
  for (let j = 0; j < m; j++) {
    const u = ((words[2 * j]! >>> 5) * 67108864 + (words[2 * j + 1]! >>> 6)) * U53;
    const v = l + s * u;
    out[at + j] = v < up ? v : up;
  }
}

export function uniformF64(out: Float64Array, key: PhiloxKey, offset: number, p: UniformParams): void {
  if (!primed) primeFeedback();
  const n = out.length;
  const low = p.low, scale = p.scale, upper = p.upper;
  for (let j0 = 0; j0 < n; j0 += CHUNK) {
    const m = Math.min(CHUNK, n - j0);
    const g = offset + j0;
    const b = Math.floor(g / 2);
    rawWords(key, b, 2 * (g - b * 2), 2 * m, words);
    uniformChunkF64(words, m, out, j0, low, scale, upper);
  }
}

export function normalF32(out: Float32Array, key: PhiloxKey, offset: number, p: NormalParams): void {
  if (!primed) primeFeedback();
  const n = out.length;
  if (n === 0) return;
  const mean = p.mean, std = p.std;
  const last = offset + n - 1;
  const pEnd = Math.floor(last / 2);
  for (let p0 = Math.floor(offset / 2); p0 <= pEnd; p0 += CHUNK) {
    const pairs = Math.min(CHUNK, pEnd - p0 + 1);
    const b = Math.floor(p0 / 2);
    rawWords(key, b, 2 * (p0 - b * 2), 2 * pairs, words);
    // Pairs whose two elements both lie in out go through the four-pair fast form
    // (boxMullerF32); a pair cut by either end of out, and the last few, through the
    // reference below.
    const first = 2 * p0 < offset ? 1 : 0;
    const whole = 2 * (p0 + pairs - 1) + 1 <= last ? pairs : pairs - 1;
    const fast = whole > first
      ? boxMullerF32(words, 2 * first, whole - first, out, 2 * (p0 + first) - offset, mean, std) : 0;
    for (let i = 0; i < pairs; i++) {
      if (i === first && fast > 0) { i += fast - 1; continue; }
      const r = fr(Math.sqrt(-2 * logU24((words[2 * i]! >>> 8) + 1)));
      sincosTurn24(words[2 * i + 1]! >>> 8, cs);
      const g0 = 2 * (p0 + i);
      if (g0 >= offset) out[g0 - offset] = fr(mean + fr(std * fr(r * cs[0]!)));
      if (g0 + 1 <= last) out[g0 + 1 - offset] = fr(mean + fr(std * fr(r * cs[1]!)));
    }
  }
}

export function normalF64(out: Float64Array, key: PhiloxKey, offset: number, p: NormalParams): void {
  if (!primed) primeFeedback();
  const n = out.length;
  if (n === 0) return;
  const mean = p.mean, std = p.std;
  const last = offset + n - 1;
  const pEnd = Math.floor(last / 2);
  for (let p0 = Math.floor(offset / 2); p0 <= pEnd; p0 += CHUNK) {
    const pairs = Math.min(CHUNK, pEnd - p0 + 1);
    rawWords(key, p0, 0, 4 * pairs, words);
    // As in normalF32: whole pairs through the fast form (boxMullerF64), the rest here.
    const first = 2 * p0 < offset ? 1 : 0;
    const whole = 2 * (p0 + pairs - 1) + 1 <= last ? pairs : pairs - 1;
    const fast = whole > first
      ? boxMullerF64(words, 4 * first, whole - first, out, 2 * (p0 + first) - offset, mean, std) : 0;
    for (let i = 0; i < pairs; i++) {
      if (i === first && fast > 0) { i += fast - 1; continue; }
      const w = 4 * i;
      const n1 = (words[w]! >>> 5) * 67108864 + (words[w + 1]! >>> 6) + 1;
      const r = Math.sqrt(-2 * logU53(n1));
      sincosTurn53(words[w + 2]! >>> 5, words[w + 3]! >>> 6, cs);
      const g0 = 2 * (p0 + i);
      if (g0 >= offset) out[g0 - offset] = mean + std * (r * cs[0]!);
      if (g0 + 1 <= last) out[g0 + 1 - offset] = mean + std * (r * cs[1]!);
    }
  }
}

/** The log-space truncated-normal value (float64) of one 53-bit integer u53 (lib/params.ts also takes the extremes from it). */
export function truncLog(u53: number, p: TruncatedNormalParams): number {
  const u = (u53 + 1) * U53; // (0, 1]
  const v = p.e0 + u * p.c0;
  const x = normalQuantileFromLog(p.lpb + log64(v));
  return p.mean + p.std * (p.flip * x);
}

export function truncatedNormalF32(
  out: Float32Array, key: PhiloxKey, offset: number, p: TruncatedNormalParams,
): void {
  if (!primed) primeFeedback();
  const n = out.length;
  const lo = +p.lo, hi = +p.hi;  // plain doubles, as in uniformChunkF32
  for (let j0 = 0; j0 < n; j0 += CHUNK) {
    const m = Math.min(CHUNK, n - j0);
    const g = offset + j0;
    if (p.fast) {
      const b = Math.floor(g / 4);
      rawWords(key, b, g - b * 4, m, words);
      const ea = p.ea, d = p.d, scale = p.scale, mean = p.mean;
      // Groups of eight through the fast form (truncNormalFastF32), the rest here.
      const done = truncNormalFastF32(words, 0, m, out, j0, ea, d, scale, mean, lo, hi);
      for (let j = done; j < m; j++) {
        const x = fr(ea + fr(d * ((words[j]! >>> 8) * U24)));
        let v = fr(mean + fr(scale * erfinvCentral32(x)));
        v = v < lo ? lo : v;
        out[j0 + j] = v > hi ? hi : v;
      }
    } else {
      const b = Math.floor(g / 2);
      rawWords(key, b, 2 * (g - b * 2), 2 * m, words);
      for (let j = 0; j < m; j++) {
        const u53 = (words[2 * j]! >>> 5) * 67108864 + (words[2 * j + 1]! >>> 6);
        let v = fr(truncLog(u53, p));
        v = v < lo ? lo : v;
        out[j0 + j] = v > hi ? hi : v;
      }
    }
  }
}

export function truncatedNormalF64(
  out: Float64Array, key: PhiloxKey, offset: number, p: TruncatedNormalParams,
): void {
  if (!primed) primeFeedback();
  const n = out.length;
  const lo = +p.lo, hi = +p.hi;  // plain doubles, as in uniformChunkF32
  for (let j0 = 0; j0 < n; j0 += CHUNK) {
    const m = Math.min(CHUNK, n - j0);
    const g = offset + j0;
    const b = Math.floor(g / 2);
    rawWords(key, b, 2 * (g - b * 2), 2 * m, words);
    for (let j = 0; j < m; j++) {
      const u53 = (words[2 * j]! >>> 5) * 67108864 + (words[2 * j + 1]! >>> 6);
      let v = truncLog(u53, p);
      v = v < lo ? lo : v;
      out[j0 + j] = v > hi ? hi : v;
    }
  }
}

/**
 * Raw words for the public randomBits, starting at word `skip` of block (blockLo, blockHi):
 * the whole 2^66-word range of a stream is addressable.
 */
export function bits(out: Uint32Array, key: PhiloxKey, blockLo: number, blockHi: number, skip: number): void {
  // In pieces of CHUNK blocks, like the other kernels: rawWordsAt then runs as a normally
  // optimized function, not as one long loop that V8 can only optimize on the stack (OSR),
  // where its constants are not folded and it ran markedly slower.
  const n = out.length;
  let lo = blockLo >>> 0, hi = blockHi >>> 0, w = skip;
  for (let j = 0; j < n;) {
    const m = Math.min(n - j, 4 * CHUNK - w);
    rawWordsAt(key, lo, hi, w, m, out, j);
    j += m;
    w = 0;
    lo += CHUNK;
    if (lo >= 4294967296) { lo -= 4294967296; hi = (hi + 1) >>> 0; }
  }
}

// Type feedback before the first real fill (see "Shape of the kernels" above). V8 gives a
// function its feedback vector only after several calls, so the start of a first fill of
// millions of elements runs without recording any; optimized code compiled from that
// deoptimizes on entry, and the fill falls back to its on-stack-compiled loop. Ten tiny
// fills of every kernel before the first real one (about 2 ms, once per process, and only
// when the TypeScript kernels run at all) record the feedback, with the parameter and key
// shapes lib/kinds.ts and lib/seed.ts pass.
let primed = false;
function primeFeedback(): void {
  primed = true;
  const key: PhiloxKey = { k0: 1, k1: 2, s0: 3, s1: 4 };
  const f32 = new Float32Array(4), f64 = new Float64Array(4);
  const trunc = (fast: boolean): TruncatedNormalParams => ({
    fast, mean: 0, std: 1, lo: -2, hi: 2, ea: -0.9544997, d: 1.9089994, scale: 1.4142135,
    flip: 1, lpb: -0.023012909328963493, e0: 0.023838617014911236, c0: 0.9761613829850887,
  });
  for (let i = 0; i < 10; i++) {
    uniformF32(f32, key, i, { low: 0, scale: 1, upper: 0.9999999403953552 });
    uniformF64(f64, key, i, { low: 0, scale: 1, upper: 0.9999999999999999 });
    normalF32(f32, key, i, { mean: 0, std: 1 });
    normalF64(f64, key, i, { mean: 0, std: 1 });
    truncatedNormalF32(f32, key, i, trunc(true));
    truncatedNormalF32(f32, key, i, trunc(false));
    truncatedNormalF64(f64, key, i, trunc(false));
  }
}
