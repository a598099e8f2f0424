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
 * Validates a seed or stream: an integer 0 <= v < 2^64 given as a safe-integer number or a
 * bigint. Allocates nothing (every call with a seed runs it), unlike {@link seedWords}.
 */
function checkWords(fn: string, name: string, value: unknown): void {
  if (typeof value === 'bigint') {
    if (value < 0n || value >= TWO64) throw rangeError(fn, name, 'an integer in [0, 2^64)', value);
    return;
  }
  if (typeof value !== 'number') throw typeError(fn, name, 'a non-negative safe integer or a bigint', value);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw rangeError(fn, name, 'a non-negative safe integer (or a bigint below 2^64)', value);
  }
}

/** The low 32-bit word of a validated seed or stream. */
function lo32(value: number | bigint): number {
  return typeof value === 'bigint' ? Number(value & 0xffffffffn) : value % 4294967296;
}

/** The high 32-bit word of a validated seed or stream. */
function hi32(value: number | bigint): number {
  return typeof value === 'bigint' ? Number(value >> 32n) : (value - (value % 4294967296)) / 4294967296;
}

/**
 * A seed or stream as its two 32-bit words [lo, hi] (the Philox key or counter words):
 * validates an integer 0 <= v < 2^64 given as a safe-integer number or a bigint.
 */
export function seedWords(fn: string, name: string, value: unknown): [number, number] {
  checkWords(fn, name, value);
  const v = value as number | bigint;
  return [lo32(v), hi32(v)];
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
    // Decimal digits only: BigInt() would also take "0x10", "0b1" and " 5 ", so a typo could
    // pass as another seed.
    const expected = 'a decimal integer in [0, 2^64) (digits only)';
    if (!/^[0-9]+$/.test(env)) throw rangeError('seed', 'the NNINIT_SEED environment variable', expected, env);
    const value = BigInt(env);
    if (value >= TWO64) throw rangeError('seed', 'the NNINIT_SEED environment variable', expected, env);
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

/** A seed or stream as JSON can hold it: a number when it is a safe integer, else its decimal string. */
export function jsonSeed(v: bigint): number | string {
  return v <= 9007199254740991n ? Number(v) : v.toString();
}

/** The process-wide generator's state, from {@link globalSeedState}. */
export interface GlobalSeedState {
  /** The process-wide seed. */
  readonly seed: bigint;
  /** The stream the next unseeded call will take. */
  readonly nextStream: bigint;
  /** The JSON form (`JSON.stringify` calls it): numbers when safe integers, else decimal strings. */
  toJSON(): { seed: number | string; nextStream: number | string };
}

/**
 * The process-wide seed and the stream the next unseeded call will take, as bigints.
 * `JSON.stringify` gives `{"seed": 42, "nextStream": 3}` (decimal strings beyond 2^53).
 */
export function globalSeedState(): GlobalSeedState {
  const g = global();
  const state = { seed: wordsSeed(g.seed[0], g.seed[1]), nextStream: g.nextStream };
  Object.defineProperty(state, 'toJSON', { value: () => ({ seed: jsonSeed(state.seed), nextStream: jsonSeed(state.nextStream) }) });
  return state as GlobalSeedState;
}

/**
 * Resolves the Philox key for a call: validates `seed` and `stream`; with no seed, takes
 * the global seed and (unless a stream is given) the next global stream.
 */
export function resolveKey(fn: string, seed: unknown, stream: unknown): PhiloxKey {
  // Word by word, without the arrays of seedWords: every seeded call runs this.
  let k0: number, k1: number;
  if (seed === undefined) {
    const g = global();
    k0 = g.seed[0]; k1 = g.seed[1];
    if (stream === undefined) {
      const n = g.nextStream;
      g.nextStream = n + 1n;
      return { k0, k1, s0: Number(n & 0xffffffffn), s1: Number(n >> 32n) };
    }
  } else {
    checkWords(fn, 'options.seed', seed);
    k0 = lo32(seed as number | bigint); k1 = hi32(seed as number | bigint);
    if (stream === undefined) return { k0, k1, s0: 0, s1: 0 };
  }
  checkWords(fn, 'options.stream', stream);
  return { k0, k1, s0: lo32(stream as number | bigint), s1: hi32(stream as number | bigint) };
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
  if (seed !== undefined) checkWords(fn, 'options.seed', seed);
  if (stream !== undefined) checkWords(fn, 'options.stream', stream);
}
