/**
 * Backend selection: the native addon (via node-gyp-build) when it loads, else the
 * TypeScript kernels, which produce the same bits. NNINIT_BACKEND=js|native forces one;
 * NNINIT_ISA=scalar|sse2|avx2|avx512|neon forces a native kernel set.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadBinding, type NativeBinding } from './binding.js';
import { NninitBackendError, rangeError, typeError } from './errors.js';
import type { PhiloxKey } from './kernels/philox.js';
import type { KernelArray, KernelPlan } from './kinds.js';

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

// The key and parameters go to the addon through two long-lived buffers: V8 keeps a small
// new typed array inside its heap and must move it out to a backing store the first time
// native code asks for its memory, which costs more than a small fill. The addon reads
// (or, for async fills, copies) both before it returns, so reusing them is safe.
const keyBuf = new Uint32Array(4);
const paramBuf = new Float64Array(16);

function keyWords(key: PhiloxKey): Uint32Array {
  keyBuf[0] = key.k0; keyBuf[1] = key.k1; keyBuf[2] = key.s0; keyBuf[3] = key.s1;
  return keyBuf;
}

function paramWords(plan: KernelPlan): Float64Array {
  paramBuf.set(plan.params);
  return paramBuf;
}

/**
 * Runs one kernel on the active backend: fills out[0 ..) with elements offset .. of the
 * (key) stream under `plan`. All arguments are already validated.
 */
export function runKernel(plan: KernelPlan, out: KernelArray, key: PhiloxKey, offset: number): void {
  if (out.length === 0) return;
  if (native !== null) {
    native.fill(plan.kind.id, out, keyWords(key), offset, paramWords(plan));
    return;
  }
  plan.kind.run(out, key, offset, plan.params);
}

/** Runs one kernel in TypeScript regardless of the backend. */
export function runJs(plan: KernelPlan, out: KernelArray, key: PhiloxKey, offset: number): void {
  plan.kind.run(out, key, offset, plan.params);
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
export async function runKernelAsync(plan: KernelPlan, out: KernelArray, key: PhiloxKey, offset: number): Promise<void> {
  if (out.length === 0) return;
  if (native !== null) {
    await native.fillAsync(plan.kind.id, out, keyWords(key), offset, paramWords(plan));
    return;
  }
  const kind = plan.kind;
  let slice = 256;
  for (let j = 0; j < out.length;) {
    if (j > 0) await yieldToLoop();
    const m = Math.min(slice, out.length - j);
    const started = performance.now();
    const [at, params] = kind.skip(offset, plan.params, j);
    kind.run(out.subarray(j, j + m), key, at, params);
    j += m;
    const ms = performance.now() - started;
    // Grow at most 2x per step (a JIT tier-up or a noisy clock must not make one huge slice).
    slice = Math.max(256, Math.min(2 * slice, 1 << 20, Math.floor(ms > 0 ? (slice * JS_SLICE_MS) / ms : 2 * slice)));
  }
}
