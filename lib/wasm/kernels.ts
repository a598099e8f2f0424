/**
 * The WebAssembly backend's kernels: native/wasm/nninit.wasm (the C++ SIMD kernels and QR
 * compiled to wasm32 + simd128, see scripts/build-wasm.cjs) behind the same calls as the
 * addon, dispatched through the kind table (lib/kinds.ts). No Node built-ins here: the
 * platforms (lib/node.ts, lib/platform-browser.ts) obtain the compiled module, each in its
 * own way.
 *
 * A fill runs the kernel into the module's scratch buffer (256 KiB) and copies each chunk out,
 * so a fill of any length runs in bounded memory, and the caller's array is never part of
 * wasm memory. Chunk boundaries are multiples of 64 elements past `offset`, and every
 * element depends on its index alone, so the bytes equal one whole fill's.
 */
import type { KernelArray, KernelPlan } from '../kinds.js';
import type { PhiloxKey } from '../kernels/philox.js';

/** The subset of the WebAssembly JS API nninit uses (it is not in the ES2022 + Node typings). */
export interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { readonly exports: unknown };
  validate(bytes: Uint8Array): boolean;
  compile(bytes: Uint8Array): Promise<WasmModule>;
}
/** A compiled WebAssembly.Module (opaque). */
export interface WasmModule { readonly __wasmModule?: never }

/** The global WebAssembly object, or undefined where there is none. */
export function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

// (func (result v128) i32.const 0 i32x4.splat): valid exactly where fixed-width SIMD is.
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03,
  0x02, 0x01, 0x00, 0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0xfd, 0x11, 0x0b,
]);

/**
 * Why this engine cannot run the wasm backend (no WebAssembly, or no SIMD: engines before
 * Chrome 91, Firefox 89, Safari 16.4, Node 16.4), or null when it can.
 */
export function wasmUnsupported(): string | null {
  const api = wasmApi();
  if (api === undefined || typeof api.validate !== 'function') return 'this JavaScript engine has no WebAssembly';
  try {
    if (!api.validate(SIMD_PROBE)) return 'this JavaScript engine has no WebAssembly SIMD (simd128)';
  } catch (err) {
    return `WebAssembly.validate failed: ${err instanceof Error ? err.message : String(err)}`;
  }
  return null;
}

/** The ABI of native/wasm/entry.cc this file speaks (its kAbiVersion). */
export const WASM_ABI_VERSION = 2;

interface Exports {
  memory: { readonly buffer: ArrayBuffer };
  abi_version(): number;
  control(): number;
  scratch(): number;
  scratch_bytes(): number;
  fill(kind: number, out: number, n: number, offset: number): number;
  arena_alloc(bytes: number): number;
  arena_reset(): void;
  householder_q(a: number, m: number, n: number, rowMajor: number): number;
}

const EXPORTS: readonly (keyof Exports)[] = [
  'memory', 'abi_version', 'control', 'scratch', 'scratch_bytes', 'fill', 'arena_alloc', 'arena_reset', 'householder_q',
];

/** entry.cc's Control::params: room for the largest kind's packed parameters (truncated normal, 12). */
const CONTROL_PARAMS = 12;

/** A QR that leaves more wasm memory than this behind drops its instance (wasm memory never shrinks). */
const KEEP_MEMORY_BYTES = 64 << 20;

interface Live {
  x: Exports;
  buffer: ArrayBuffer;
  key: Uint32Array;
  params: Float64Array;
  scratch: number;
  chunkBytes: number;
  u32: Uint32Array;
  f32: Float32Array;
  f64: Float64Array;
}

/** The wasm kernels of one compiled module; the instance is created on first use. */
export class WasmKernels {
  private live: Live | null = null;

  /**
   * Checks the module's exports and ABI by instantiating it once (synchronous: the module
   * is small); throws an Error that says what is wrong otherwise.
   */
  constructor(private readonly module: WasmModule) {
    this.instance();
  }

  private instance(): Live {
    if (this.live !== null && this.live.buffer === this.live.x.memory.buffer) return this.live;
    if (this.live !== null) return this.views(this.live.x);
    const api = wasmApi()!;
    const got = new api.Instance(this.module, {}).exports as Partial<Exports>;
    for (const name of EXPORTS) {
      if (got[name] === undefined) throw new Error(`nninit.wasm lacks the export "${name}" (not nninit's module, or from another version)`);
    }
    const x = got as Exports;
    const abi = x.abi_version();
    if (abi !== WASM_ABI_VERSION) throw new Error(`nninit.wasm has ABI ${abi}, this JavaScript expects ${WASM_ABI_VERSION}`);
    return this.views(x);
  }

  private views(x: Exports): Live {
    const buffer = x.memory.buffer;
    const scratch = x.scratch() >>> 0;
    const chunkBytes = x.scratch_bytes() >>> 0;
    const control = x.control() >>> 0;
    this.live = {
      x, buffer, scratch, chunkBytes,
      key: new Uint32Array(buffer, control, 4),
      params: new Float64Array(buffer, control + 16, CONTROL_PARAMS),
      u32: new Uint32Array(buffer, scratch, chunkBytes / 4),
      f32: new Float32Array(buffer, scratch, chunkBytes / 4),
      f64: new Float64Array(buffer, scratch, chunkBytes / 8),
    };
    return this.live;
  }

  /**
   * Runs one kernel into `out` (the addon's fill contract: arguments already validated):
   * out[0 ..) gets elements offset .. of the key's stream under `plan`, dispatched by the
   * kind table (lib/kinds.ts: its id, array type, packed parameters, and where the next
   * chunk starts).
   */
  fill(plan: KernelPlan, out: KernelArray, key: PhiloxKey, offset: number): void {
    const n = out.length;
    if (n === 0) return;
    const s = this.instance();
    const kind = plan.kind;
    s.key[0] = key.k0; s.key[1] = key.k1; s.key[2] = key.s0; s.key[3] = key.s1;
    const view = kind.array === 'uint32' ? s.u32 : kind.array === 'float32' ? s.f32 : s.f64;
    const chunk = view.length;
    let at = offset;
    let params = plan.params;
    for (let j = 0; j < n; j += chunk) {
      const m = Math.min(chunk, n - j);
      if (j > 0) [at, params] = kind.skip(offset, plan.params, j);
      s.params.set(params);
      if (s.x.fill(kind.id, s.scratch, m, at) !== 1) throw new Error(`nninit.wasm: unknown kernel kind ${kind.id} (${kind.name})`);
      out.set(m === chunk ? view : view.subarray(0, m), j);
    }
  }

  /**
   * householderQ of lib/initializers/orthogonal.ts (native/src/qr.cc compiled to wasm, on
   * one thread: the same bits) on the column-major m x n matrix `a`; with `rowMajor`, `a`
   * holds the matrix row by row and gets Q row by row (orthogonal.ts's transposes around the
   * QR, done in wasm: the addon's householderQ(a, m, n, rowMajor)). Returns false, `a`
   * untouched, when the matrix and its scratch do not fit in wasm memory (4 GiB); the caller
   * then runs the TypeScript one.
   */
  householderQ(a: Float64Array, m: number, n: number, rowMajor = false): boolean {
    // The matrix and qr.cc's scratch in a 4 GiB memory that also holds the module's own
    // memory (under 1 MiB): (2 n + (min(n, 64) + 2) m) doubles, a row-major input's working
    // copy (m n), and bytes per column and reflection; so every size qr.cc computes fits in
    // 32 bits.
    const bytes = m * n * 8;
    const scratch = ((rowMajor ? m * n : 0) + 2 * n + (Math.min(n, 64) + 2) * m) * 8 + n + 64 * 16;
    if (bytes + scratch > 2 ** 32 - (4 << 20)) return false;
    let s = this.instance();
    const ptr = s.x.arena_alloc(bytes) >>> 0;
    try {
      if (ptr === 0) return false;
      s = this.instance(); // the memory may have grown
      new Float64Array(s.x.memory.buffer, ptr, m * n).set(a.subarray(0, m * n));
      if (s.x.householder_q(ptr, m, n, rowMajor ? 1 : 0) !== 1) return false;
      a.set(new Float64Array(s.x.memory.buffer, ptr, m * n));
      return true;
    } finally {
      s.x.arena_reset();
      if (s.x.memory.buffer.byteLength > KEEP_MEMORY_BYTES) this.live = null; // a fresh instance next time
    }
  }

  /** Bytes of wasm memory the live instance holds (0 before the first use after a reset). */
  memoryBytes(): number {
    return this.live === null ? 0 : this.live.x.memory.buffer.byteLength;
  }
}

/** Compiles the module bytes synchronously (Node; small modules in browsers) and checks them. */
export function wasmKernelsFromBytes(bytes: Uint8Array): WasmKernels {
  const api = wasmApi();
  const unsupported = wasmUnsupported();
  if (api === undefined || unsupported !== null) throw new Error(unsupported ?? 'no WebAssembly');
  return new WasmKernels(new api.Module(bytes));
}

/** Compiles the module bytes asynchronously (browsers: no main-thread size limit) and checks them. */
export async function wasmKernelsFromBytesAsync(bytes: Uint8Array): Promise<WasmKernels> {
  const api = wasmApi();
  const unsupported = wasmUnsupported();
  if (api === undefined || unsupported !== null) throw new Error(unsupported ?? 'no WebAssembly');
  return new WasmKernels(await api.compile(bytes));
}
