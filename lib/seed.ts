/**
 * Seeds and streams: the (seed, stream) pair that names every random tensor.
 *
 * A call with a seed is a pure function of (seed, stream, offset). A call without one draws
 * from the process-wide generator: its seed comes from `manualSeed(n)`, else the
 * NNINIT_SEED environment variable, else the OS's random source at first use; each such call
 * takes the next stream, so two calls never repeat values (like torch.manual_seed).
 */
import type { PhiloxKey } from './kernels/philox.js';
import { rangeError, typeError } from './errors.js';
import { platform } from './platform.js';

/** A seed or stream: an integer in [0, 2^64), as a safe-integer number or a bigint. */
export type Seed = number | bigint;

/** Options of every random initializer. */
export interface SeedOptions {
  /** Integer in [0, 2^64) (number or bigint). Omitted: the process-wide generator supplies it (see `manualSeed`). */
  seed?: Seed;
  /** Integer in [0, 2^64): separates tensors that share a seed. Default 0 with a seed; the next global stream without one. */
  stream?: Seed;
}

/** The names of {@link SeedOptions}. */
export const SEED_OPTIONS: readonly string[] = ['seed', 'stream'];

const TWO64 = 18446744073709551616n;

/**
 * A seed or stream as its two 32-bit words [lo, hi] (the Philox key or counter words):
 * validates an integer 0 <= v < 2^64 given as a safe-integer number or a bigint.
 */
export function seedWords(fn: string, name: string, value: unknown): [number, number] {
  if (typeof value === 'bigint') {
    if (value < 0n || value >= TWO64) throw rangeError(fn, name, 'an integer in [0, 2^64)', value);
    return [Number(value & 0xffffffffn), Number(value >> 32n)];
  }
  if (typeof value !== 'number') throw typeError(fn, name, 'a non-negative safe integer or a bigint', value);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw rangeError(fn, name, 'a non-negative safe integer (or a bigint below 2^64)', value);
  }
  const lo = value % 4294967296;
  return [lo, (value - lo) / 4294967296];
}

/** The seed or stream whose words are [lo, hi], as a bigint: the inverse of {@link seedWords}. */
export function wordsSeed(lo: number, hi: number): bigint {
  return BigInt(lo) + (BigInt(hi) << 32n);
}

/** A validated seed or stream as a bigint. */
export function seedValue(fn: string, name: string, value: unknown): bigint {
  const [lo, hi] = seedWords(fn, name, value);
  return wordsSeed(lo, hi);
}

/** A seed or stream as a number when it is a safe integer (the cheaper form to pass around and print), else a bigint. */
export function compactSeed(v: number | bigint): number | bigint {
  return typeof v === 'bigint' && v <= 9007199254740991n ? Number(v) : v;
}

interface GlobalState {
  seed: [number, number];
  nextStream: bigint;
}

let state: GlobalState | undefined;

function initialState(): GlobalState {
  const env = platform().env('NNINIT_SEED');
  if (env !== undefined && env !== '') {
    let value: bigint;
    try {
      value = BigInt(env);
    } catch {
      throw rangeError('seed', 'the NNINIT_SEED environment variable', 'an integer in [0, 2^64)', env);
    }
    return { seed: seedWords('seed', 'the NNINIT_SEED environment variable', value), nextStream: 0n };
  }
  // Web Crypto: globalThis.crypto in Node >= 19 and every browser.
  const w = (globalThis as unknown as { crypto: { getRandomValues(a: Uint32Array): Uint32Array } }).crypto.getRandomValues(new Uint32Array(2));
  return { seed: [w[0]!, w[1]!], nextStream: 0n };
}

function global(): GlobalState {
  state ??= initialState();
  return state;
}

/**
 * Seeds the process-wide generator used by calls that pass no `seed`, and restarts its
 * stream counter, like `torch.manual_seed`. Returns nothing.
 *
 * @param seed - An integer in [0, 2^64) (number or bigint).
 */
export function manualSeed(seed: Seed): void {
  state = { seed: seedWords('manualSeed', 'seed', seed), nextStream: 0n };
}

/** The process-wide seed (as a bigint) and the stream the next unseeded call will take. */
export function globalSeedState(): { seed: bigint; nextStream: bigint } {
  const g = global();
  return { seed: wordsSeed(g.seed[0], g.seed[1]), nextStream: g.nextStream };
}

/**
 * Resolves the Philox key for a call: validates `seed` and `stream`; with no seed, takes
 * the global seed and (unless a stream is given) the next global stream.
 */
export function resolveKey(fn: string, seed: unknown, stream: unknown): PhiloxKey {
  let k0: number, k1: number, s0 = 0, s1 = 0;
  if (seed === undefined) {
    const g = global();
    [k0, k1] = g.seed;
    if (stream === undefined) {
      const n = g.nextStream;
      g.nextStream = n + 1n;
      s0 = Number(n & 0xffffffffn);
      s1 = Number(n >> 32n);
    } else {
      [s0, s1] = seedWords(fn, 'options.stream', stream);
    }
  } else {
    [k0, k1] = seedWords(fn, 'options.seed', seed);
    if (stream !== undefined) [s0, s1] = seedWords(fn, 'options.stream', stream);
  }
  return { k0, k1, s0, s1 };
}

/**
 * Resolves a call's seed and stream as values, as {@link resolveKey} does (taking a global
 * stream when neither is given), for callers that record them (the TF.js adapter's
 * configs). Safe integers come back as numbers.
 */
export function resolveSeed(fn: string, seed: unknown, stream: unknown): { seed: number | bigint; stream: number | bigint } {
  const k = resolveKey(fn, seed, stream);
  return { seed: compactSeed(wordsSeed(k.k0, k.k1)), stream: compactSeed(wordsSeed(k.s0, k.s1)) };
}

/** Validates seed and stream without consuming a global stream (for checks before work). */
export function checkSeed(fn: string, seed: unknown, stream: unknown): void {
  if (seed !== undefined) seedWords(fn, 'options.seed', seed);
  if (stream !== undefined) seedWords(fn, 'options.stream', stream);
}
