/**
 * Backend selection: the native addon (via node-gyp-build) when it loads, else the
 * TypeScript kernels, which produce the same bits. NNINIT_BACKEND=js|native forces one;
 * NNINIT_ISA=scalar|sse2|avx2|avx512|neon forces a native kernel set.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Kind, loadBinding, type NativeBinding } from './binding.js';
import { NninitBackendError, rangeError, typeError } from './errors.js';
import type { PhiloxKey } from './kernels/philox.js';
import * as js from './kernels/distributions.js';
import { capturing, pushStep } from './async.js';

/** Which implementation runs the kernels, and why. */
export interface BackendInfo {
  /** 'native' (the C++ addon) or 'js' (the TypeScript kernels). */
  readonly name: 'native' | 'js';
  /** The active instruction set: 'avx512', 'avx2', 'sse2', 'neon', 'scalar', or 'js'. */
  readonly isa: string;
  /** Instruction sets this CPU can run through the addon (best first); ['js'] without it. */
  readonly available: readonly string[];
  /** Why the native addon is not in use (null when it is). */
  readonly reason: string | null;
}

/** The nninit package root, found from this file (lib/ under vitest, dist/cjs/ when built). */
export function packageRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'nninit') return dir;
      } catch { /* keep looking */ }
    }
    dir = dirname(dir);
  }
  return join(__dirname, '..', '..');
}

let native: NativeBinding | null = null;
let info: BackendInfo;

function init(): void {
  const forced = process.env.NNINIT_BACKEND ?? '';
  if (forced !== '' && forced !== 'js' && forced !== 'native' && forced !== 'auto') {
    throw new NninitBackendError(
      `nninit: NNINIT_BACKEND must be "js", "native" or "auto"; received ${JSON.stringify(forced)}`,
    );
  }
  if (forced === 'js') {
    info = { name: 'js', isa: 'js', available: ['js'], reason: 'NNINIT_BACKEND=js' };
    return;
  }
  try {
    native = loadBinding(packageRoot());
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    if (forced === 'native') {
      throw new NninitBackendError(`nninit: NNINIT_BACKEND=native but the native addon could not be loaded: ${why}`, { cause: err });
    }
    info = { name: 'js', isa: 'js', available: ['js'], reason: `native addon unavailable: ${why}` };
    process.emitWarning(`nninit: using the TypeScript backend (same values, slower): ${info.reason}`, 'NninitWarning');
    return;
  }
  if (native.isaError !== null) {
    throw new NninitBackendError(`nninit: ${native.isaError}`);
  }
  if (native.threadsError !== null) {
    throw new NninitBackendError(`nninit: ${native.threadsError}`);
  }
  info = { name: 'native', isa: native.isa(), available: Object.freeze(native.isaAvailable()), reason: null };
}

init();

/** The loaded native addon, or null on the TypeScript backend (for modules with their own native entry points). */
export function nativeBinding(): NativeBinding | null {
  return native;
}

/** The live backend description (updated by {@link setIsa}). */
export function backendInfo(): BackendInfo {
  return info;
}

/**
 * Forces one native instruction set for the rest of the process ('auto' restores the best).
 * Mainly for testing parity; throws NninitBackendError for an ISA this CPU cannot run or
 * when the TypeScript backend is active (except for 'js' / 'auto').
 */
export function setIsa(name: string): void {
  if (native === null) {
    if (name === 'js' || name === 'auto') return;
    throw new NninitBackendError(`nninit.setIsa: the native addon is not in use (${info.reason ?? ''}); cannot select ${JSON.stringify(name)}`);
  }
  try {
    native.setIsa(name);
  } catch (err) {
    throw new NninitBackendError(`nninit.setIsa: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  info = { ...info, isa: native.isa() };
}

/**
 * Sets the number of native worker threads for large fills (0 = one per available core,
 * the default; NNINIT_THREADS sets it at load). Results are identical for every count.
 * The TypeScript backend always runs on the calling thread; there this only validates.
 *
 * @param n - An integer in [0, 256].
 */
export function setThreads(n: number): void {
  if (typeof n !== 'number') throw typeError('setThreads', 'n', 'an integer in [0, 256] (0 = automatic)', n);
  if (!Number.isInteger(n) || n < 0 || n > 256) throw rangeError('setThreads', 'n', 'an integer in [0, 256] (0 = automatic)', n);
  if (native !== null) native.setThreads(n);
}

/** The number of threads a large native fill uses (1 on the TypeScript backend). */
export function getThreads(): number {
  return native !== null ? native.threads() : 1;
}

type FloatOut = Float32Array | Float64Array;
const keyBuf = new Uint32Array(4);

/**
 * Runs one kernel on the active backend. All arguments are already validated. For
 * Kind.Bits, `offset` is unused and params is [block lo32, block hi32, skip].
 */
export function runKernel(kind: Kind, out: FloatOut | Uint32Array, key: PhiloxKey, offset: number, params: Float64Array): void {
  if (out.length === 0) return;
  if (capturing()) {
    const saved = params.slice(); // the caller reuses its params buffer
    pushStep(() => runKernelAsync(kind, out, key, offset, saved));
    return;
  }
  if (native !== null) {
    keyBuf[0] = key.k0; keyBuf[1] = key.k1; keyBuf[2] = key.s0; keyBuf[3] = key.s1;
    native.fill(kind, out, keyBuf, offset, params);
    return;
  }
  runJs(kind, out, key, offset, params);
}

/** Target duration of one slice when the TypeScript backend runs a kernel asynchronously. */
const JS_SLICE_MS = 4;

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs one kernel off the JS thread (native: the addon's thread pool; the buffer stays
 * referenced by the addon until done) or, on the TypeScript backend, in slices of about
 * 4 ms between event-loop turns: slices start small (the first calls may run before the
 * JIT has compiled the kernel) and grow with the measured speed. Slices are exact, so the
 * bits equal the sync call's.
 */
export async function runKernelAsync(kind: Kind, out: FloatOut | Uint32Array, key: PhiloxKey, offset: number, params: Float64Array): Promise<void> {
  if (out.length === 0) return;
  if (native !== null) {
    // The addon copies key and params before returning: the shared key buffer is safe.
    keyBuf[0] = key.k0; keyBuf[1] = key.k1; keyBuf[2] = key.s0; keyBuf[3] = key.s1;
    await native.fillAsync(kind, out, keyBuf, offset, params);
    return;
  }
  let slice = 256;
  for (let j = 0; j < out.length;) {
    if (j > 0) await yieldToLoop();
    const m = Math.min(slice, out.length - j);
    const started = performance.now();
    if (kind === Kind.Bits) {
      // Raw words address (block, skip).
      const word = (BigInt(params[0]!) + (BigInt(params[1]!) << 32n)) * 4n + BigInt(params[2]! + j);
      const b = (word >> 2n) & 0xffffffffffffffffn;
      const p = new Float64Array([Number(b & 0xffffffffn), Number(b >> 32n), Number(word & 3n)]);
      runJs(kind, out.subarray(j, j + m), key, 0, p);
    } else {
      runJs(kind, out.subarray(j, j + m), key, offset + j, params);
    }
    j += m;
    const ms = performance.now() - started;
    // Grow at most 2x per step (a JIT tier-up or a noisy clock must not make one huge slice).
    slice = Math.max(256, Math.min(2 * slice, 1 << 20, Math.floor(ms > 0 ? (slice * JS_SLICE_MS) / ms : 2 * slice)));
  }
}

/** Runs one kernel in TypeScript regardless of the backend. */
export function runJs(kind: Kind, out: FloatOut | Uint32Array, key: PhiloxKey, offset: number, params: Float64Array): void {
  switch (kind) {
    case Kind.Bits:
      return js.bits(out as Uint32Array, key, params[0]!, params[1]!, params[2]!);
    case Kind.UniformF32:
      return js.uniformF32(out as Float32Array, key, offset, { low: params[0]!, scale: params[1]!, upper: params[2]! });
    case Kind.UniformF64:
      return js.uniformF64(out as Float64Array, key, offset, { low: params[0]!, scale: params[1]!, upper: params[2]! });
    case Kind.NormalF32:
      return js.normalF32(out as Float32Array, key, offset, { mean: params[0]!, std: params[1]! });
    case Kind.NormalF64:
      return js.normalF64(out as Float64Array, key, offset, { mean: params[0]!, std: params[1]! });
    case Kind.TruncatedNormalF32:
    case Kind.TruncatedNormalF64: {
      const p: js.TruncatedNormalParams = {
        fast: params[0] === 1, mean: params[1]!, std: params[2]!, lo: params[3]!, hi: params[4]!,
        ea: params[5]!, d: params[6]!, scale: params[7]!, flip: params[8]!, lpb: params[9]!,
        e0: params[10]!, c0: params[11]!,
      };
      if (kind === Kind.TruncatedNormalF32) return js.truncatedNormalF32(out as Float32Array, key, offset, p);
      return js.truncatedNormalF64(out as Float64Array, key, offset, p);
    }
  }
}
