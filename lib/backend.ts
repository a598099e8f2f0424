/**
 * Backend selection: the native addon (found by the platform, checked by lib/binding.ts)
 * when it loads, else the WebAssembly build of the same C++ kernels (lib/wasm/), else the
 * TypeScript kernels; all three produce the same bits. NNINIT_BACKEND=js|wasm|native forces one;
 * NNINIT_ISA=scalar|sse2|avx2|avx512|neon forces a native kernel set. The host (Node or a
 * browser) is reached only through lib/platform.ts; the choice is made on first use.
 */
import { bindAddon, type NativeBinding } from './binding.js';
import { NninitBackendError, describe, rangeError, typeError } from './errors.js';
import type { PhiloxKey } from './kernels/philox.js';
import type { KernelArray, KernelPlan } from './kinds.js';
import { nextTurn, now, onPlatformChange, platform } from './platform.js';
import type { WasmKernels } from './wasm/kernels.js';

/** Which implementation runs the kernels, and why. */
export interface BackendInfo {
  /** 'native' (the C++ addon), 'wasm' (the same kernels in WebAssembly) or 'js' (the TypeScript kernels). */
  readonly name: 'native' | 'wasm' | 'js';
  /** The active instruction set: 'avx512', 'avx2', 'sse2', 'neon', 'scalar'; 'simd128' (wasm); or 'js'. */
  readonly isa: string;
  /** Instruction sets this CPU can run through the addon (best first); ['simd128'] on wasm, ['js'] on TypeScript. */
  readonly available: readonly string[];
  /** Why a faster backend is not in use (null on the native addon). */
  readonly reason: string | null;
}

let native: NativeBinding | null = null;
let wasm: WasmKernels | null = null;
let info: BackendInfo | null = null;
/** Set while the wasm module is still loading (browsers before `await ready()`): warned at the first fill. */
let pending: string | null = null;

onPlatformChange(() => {
  info = null;
  native = null;
  wasm = null;
  pending = null;
});

const firstLine = (err: unknown): string => (err instanceof Error ? err.message.split('\n')[0]! : String(err));
const BACKENDS = ['', 'auto', 'js', 'wasm', 'native'];

function choose(): BackendInfo {
  const p = platform();
  const forced = p.env('NNINIT_BACKEND') ?? '';
  if (!BACKENDS.includes(forced)) {
    throw new NninitBackendError(
      `nninit: NNINIT_BACKEND must be "js", "wasm", "native" or "auto"; received ${JSON.stringify(forced)}`,
    );
  }
  if (forced === 'js') return { name: 'js', isa: 'js', available: ['js'], reason: 'NNINIT_BACKEND=js' };
  let why = 'NNINIT_BACKEND=wasm';
  if (forced !== 'wasm') {
    try {
      native = bindAddon(p.loadNative());
    } catch (err) {
      if (forced === 'native') {
        throw new NninitBackendError(`nninit: NNINIT_BACKEND=native but the native addon could not be loaded: ${firstLine(err)}`, { cause: err });
      }
      why = `native addon unavailable: ${firstLine(err)}`;
    }
    if (native !== null) {
      if (native.isaError !== null) throw new NninitBackendError(`nninit: ${native.isaError}`);
      if (native.threadsError !== null) throw new NninitBackendError(`nninit: ${native.threadsError}`);
      if (native.hugePagesError !== null) throw new NninitBackendError(`nninit: ${native.hugePagesError}`);
      return { name: 'native', isa: native.isa(), available: Object.freeze(native.isaAvailable()), reason: null };
    }
  }
  try {
    wasm = p.loadWasm();
  } catch (err) {
    if (forced === 'wasm') {
      throw new NninitBackendError(`nninit: NNINIT_BACKEND=wasm but the WebAssembly module could not be loaded: ${firstLine(err)}`, { cause: err });
    }
    const reason = `${why}; WebAssembly unavailable: ${firstLine(err)}`;
    p.warn(`nninit: using the TypeScript backend (same values, slower): ${reason}`);
    return { name: 'js', isa: 'js', available: ['js'], reason };
  }
  if (wasm === null) {
    pending = `${why}; the WebAssembly module is not loaded yet (await ready() before the first fill)`;
    return { name: 'js', isa: 'js', available: ['js'], reason: pending };
  }
  if (forced !== 'wasm' && p.nativeExpected) {
    p.warn(`nninit: using the WebAssembly backend (same values, one thread, slower than native): ${why}`);
  }
  return { name: 'wasm', isa: 'simd128', available: ['simd128'], reason: why };
}

function current(): BackendInfo {
  return (info ??= choose());
}

/** The loaded native addon, or null on the TypeScript backend (for modules with their own native entry points). */
export function nativeBinding(): NativeBinding | null {
  current();
  return native;
}

/** The WebAssembly kernels when they are the backend in use, else null. */
export function wasmKernels(): WasmKernels | null {
  current();
  return wasm;
}

/** The live backend description (updated by {@link setIsa}). */
export function backendInfo(): BackendInfo {
  return current();
}

/**
 * Forces one native instruction set for the rest of the process ('auto' restores the best).
 * Mainly for testing parity; throws NninitBackendError for an ISA this CPU cannot run or
 * when the addon is not in use (except for the active backend's own isa, 'simd128' or 'js',
 * and 'auto').
 */
export function setIsa(name: string): void {
  const cur = current();
  if (native === null) {
    if (name === cur.isa || name === 'auto') return;
    throw new NninitBackendError(`nninit.setIsa: the native addon is not in use (${cur.reason ?? ''}); cannot select ${JSON.stringify(name)}`);
  }
  try {
    native.setIsa(name);
  } catch (err) {
    throw new NninitBackendError(`nninit.setIsa: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  info = { ...cur, isa: native.isa() };
}

/**
 * Sets the number of native worker threads for large fills (0 = one per available core,
 * the default; NNINIT_THREADS sets it at load). Results are identical for every count.
 * The wasm and TypeScript backends always run on the calling thread; there this only validates.
 *
 * @param n - An integer in [0, 256].
 */
export function setThreads(n: number): void {
  if (typeof n !== 'number') throw typeError('setThreads', 'n', 'an integer in [0, 256] (0 = automatic)', n);
  if (!Number.isInteger(n) || n < 0 || n > 256) throw rangeError('setThreads', 'n', 'an integer in [0, 256] (0 = automatic)', n);
  current();
  if (native !== null) native.setThreads(n);
}

/** The number of threads a large native fill uses (1 on the wasm and TypeScript backends). */
export function getThreads(): number {
  current();
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

/** The params paramBuf holds (plans are shared and never written, so the same array means the same words). */
let paramsHeld: Float64Array | undefined;

function paramWords(plan: KernelPlan): Float64Array {
  if (plan.params !== paramsHeld) {
    paramBuf.set(plan.params);
    paramsHeld = plan.params;
  }
  return paramBuf;
}

/**
 * Results at least this large get transparent huge pages when they are allocated on the
 * native backend (2 MiB pages; a fresh mapping's first aligned one starts 2 MiB in).
 */
export const HUGE_PAGE_MIN_BYTES = 1 << 22;

/**
 * Allocates a zeroed result array for an initializer: a Float64Array for 'float64', a
 * Uint16Array (bit patterns) for the 16-bit dtypes, else a Float32Array. Large ones on the
 * native backend are ordinary ArrayBuffers whose memory, not yet touched, is advised as
 * transparent huge pages (Linux, `madvise` mode), so that the fill that first touches them
 * (the pool's threads, for a large kernel fill) takes one page fault per 2 MiB instead of
 * one per 4 KiB. They transfer, clone and free like any array (docs/native.md).
 */
export function allocateArray(dtype: string, length: number): Float32Array | Float64Array | Uint16Array {
  const Ctor = dtype === 'float64' ? Float64Array : dtype === 'float32' ? Float32Array : Uint16Array;
  const bytes = length * Ctor.BYTES_PER_ELEMENT;
  if (bytes < HUGE_PAGE_MIN_BYTES) return new Ctor(length);
  if (info === null) current();
  if (native === null || !native.hugePages) return new Ctor(length);
  const buffer = new ArrayBuffer(bytes);
  native.adviseHugePages(buffer);
  return new Ctor(buffer);
}

/**
 * Runs one kernel on the active backend: fills out[0 ..) with elements offset .. of the
 * (key) stream under `plan`. All arguments are already validated.
 */
export function runKernel(plan: KernelPlan, out: KernelArray, key: PhiloxKey, offset: number): void {
  if (out.length === 0) return;
  if (info === null) current();
  if (native !== null) {
    native.fill(plan.kind.id, out, keyWords(key), offset, paramWords(plan));
    return;
  }
  runSync(plan, out, key, offset);
}

/** The wasm kernels, else the TypeScript ones (warning once while the wasm is still loading). */
function runSync(plan: KernelPlan, out: KernelArray, key: PhiloxKey, offset: number): void {
  if (wasm !== null) {
    wasm.fill(plan, out, key, offset);
    return;
  }
  if (pending !== null) {
    platform().warn(`nninit: using the TypeScript backend (same values, slower): ${pending}`);
    pending = null;
  }
  plan.kind.run(out, key, offset, plan.params);
}

/** Runs one kernel in TypeScript regardless of the backend. */
export function runJs(plan: KernelPlan, out: KernelArray, key: PhiloxKey, offset: number): void {
  plan.kind.run(out, key, offset, plan.params);
}

/** Target duration of one slice when the wasm or TypeScript backend runs a kernel asynchronously. */
const JS_SLICE_MS = 4;

/** The rejection of an async fill whose output lost its buffer or its length meanwhile (both backends). */
export function detachedError(fn: string, out: ArrayBufferView, length: number): TypeError {
  return new TypeError(
    `nninit.${fn}: out was detached or resized during the fill (it must keep its buffer and its ${length} elements until the promise settles); received ${describe(out)}`,
  );
}

/**
 * Runs one kernel off the JS thread (native: the addon's thread pool) or, on the wasm and
 * TypeScript backends, in slices of about 4 ms between event-loop turns: slices start small
 * (the first calls may run before the JIT has compiled the kernel) and grow with the
 * measured speed. Slices are exact, so the bits equal the sync call's.
 *
 * The native pool never writes `out` itself unless its buffer is a SharedArrayBuffer: it
 * fills scratch memory the fill owns, and the JS thread copies each finished chunk into
 * `out` (see native/src/async.cc). So JavaScript may transfer, resize or drop `out`'s buffer
 * meanwhile without harm; the promise then rejects with {@link detachedError} (named after
 * `fn`, the public function), as it does on the wasm and TypeScript backends, which check
 * before every slice.
 */
export async function runKernelAsync(
  plan: KernelPlan, out: KernelArray, key: PhiloxKey, offset: number, fn: string,
): Promise<void> {
  const n = out.length;
  if (n === 0) return;
  if (info === null) current();
  if (native !== null) {
    try {
      await native.fillAsync(plan.kind.id, out, keyWords(key), offset, paramWords(plan));
    } catch (err) {
      if ((err as { code?: unknown } | null)?.code === 'NNINIT_DETACHED') throw detachedError(fn, out, n);
      throw err;
    }
    return;
  }
  const kind = plan.kind;
  let slice = 256;
  for (let j = 0; j < n;) {
    if (j > 0) {
      await nextTurn();
      // Detached (length 0), shrunk, or a fixed-length view now out of bounds (length 0).
      if (out.length < n) throw detachedError(fn, out, n);
    }
    const m = Math.min(slice, n - j);
    const started = now();
    const [at, params] = kind.skip(offset, plan.params, j);
    runSync({ kind, params }, out.subarray(j, j + m), key, at);
    j += m;
    const ms = now() - started;
    // Grow at most 2x per step (a JIT tier-up or a noisy clock must not make one huge slice).
    slice = Math.max(256, Math.min(2 * slice, 1 << 20, Math.floor(ms > 0 ? (slice * JS_SLICE_MS) / ms : 2 * slice)));
  }
}
