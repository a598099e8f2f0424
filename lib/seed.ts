/**
 * Seeds and streams: the (seed, stream) pair that names every random tensor.
 *
 * A call with a seed is a pure function of (seed, stream, offset). A call without one draws
 * from the process-wide generator: its seed comes from `manualSeed(n)`, else the
 * NNINIT_SEED environment variable, else the OS's random source at first use; each such call
 * takes the next stream, so two calls never repeat values (like torch.manual_seed).
 */
import type { PhiloxKey } from './kernels/philox.js';
import { rangeError } from './errors.js';
import { u64 } from './validate.js';
import { platform } from './platform.js';

/** A seed or stream: an integer in [0, 2^64), as a safe-integer number or a bigint. */
export type Seed = number | bigint;

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
    return { seed: u64('seed', 'the NNINIT_SEED environment variable', value), nextStream: 0n };
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
  state = { seed: u64('manualSeed', 'seed', seed), nextStream: 0n };
}

/** The process-wide seed (as a bigint) and the stream the next unseeded call will take. */
export function globalSeedState(): { seed: bigint; nextStream: bigint } {
  const g = global();
  return { seed: BigInt(g.seed[0]) + (BigInt(g.seed[1]) << 32n), nextStream: g.nextStream };
}

/**
 * Resolves the Philox key for a call: validates `seed` and `stream`; with no seed, takes
 * the global seed and (unless a stream is given) the next global stream.
 */
export function resolveKey(fn: string, seed: unknown, stream: unknown): PhiloxKey {
  let k: [number, number];
  let s: [number, number];
  if (seed === undefined) {
    const g = global();
    k = g.seed;
    if (stream === undefined) {
      const n = g.nextStream;
      g.nextStream = n + 1n;
      s = [Number(n & 0xffffffffn), Number(n >> 32n)];
    } else {
      s = u64(fn, 'options.stream', stream);
    }
  } else {
    k = u64(fn, 'options.seed', seed);
    s = stream === undefined ? [0, 0] : u64(fn, 'options.stream', stream);
  }
  return { k0: k[0], k1: k[1], s0: s[0], s1: s[1] };
}

/** Validates seed and stream without consuming a global stream (for checks before work). */
export function checkSeed(fn: string, seed: unknown, stream: unknown): void {
  if (seed !== undefined) u64(fn, 'options.seed', seed);
  if (stream !== undefined) u64(fn, 'options.stream', stream);
}
