/**
 * The typed interface of the raw native addon, and the checks that make a loaded module
 * one (bindAddon). This is the only file that knows the addon's shape: the platform
 * (lib/node.ts) only finds and loads the file, and everything else goes through
 * lib/backend.ts.
 */
import { KINDS } from './kinds.js';

/** What native/src/addon.cc exports. */
export interface NativeBinding {
  readonly abiVersion: number;
  /**
   * The kernel kinds' names, indexed by kind id (native/include/nninit/kinds.h; lib/kinds.ts
   * holds the same table and loadBinding checks they agree).
   */
  readonly kinds?: readonly string[];
  /** Set when NNINIT_ISA named an ISA this CPU cannot run (the addon then uses the best one). */
  readonly isaError: string | null;
  isa(): string;
  isaAvailable(): string[];
  setIsa(name: string): void;
  /**
   * Fills `out` in place. Fills above a per-kind threshold (2^13..2^16 elements) are split
   * across the process-wide thread pool (the calling thread takes part); same bytes for
   * every thread count.
   */
  fill(
    kind: number,
    out: Float32Array | Float64Array | Uint32Array,
    key: Uint32Array,
    offset: number,
    params: Float64Array,
  ): void;
  /**
   * Set when NNINIT_THREADS (read when the addon loads) was not an integer 0..256; the pool
   * then uses the automatic count.
   */
  readonly threadsError: string | null;
  /**
   * Advises transparent huge pages (MADV_HUGEPAGE) for the 2 MiB-aligned part of a fresh
   * buffer's memory, so that its first touch faults in 2 MiB at a time, when `hugePages`.
   * The contents do not change. Returns whether huge pages were advised (false otherwise,
   * and for buffers without a whole aligned 2 MiB page). Throws TypeError (prefix
   * `adviseHugePages:`) for anything but an ArrayBuffer.
   */
  adviseHugePages(buffer: ArrayBuffer): boolean;
  /**
   * Set when NNINIT_HUGE_PAGES (read when the addon loads) was not "auto", "1" or "0"; the
   * automatic choice then applies.
   */
  readonly hugePagesError: string | null;
  /**
   * Whether adviseHugePages advises anything here: Linux with transparent huge pages in
   * `madvise` mode, and (NNINIT_HUGE_PAGES=auto, the default) no free page reporting to a
   * hypervisor, or NNINIT_HUGE_PAGES=1 (docs/native.md).
   */
  readonly hugePages: boolean;
  /** The pool's effective thread count (the automatic count resolved), >= 1. */
  threads(): number;
  /**
   * Sets the pool's thread count for the whole process (every worker_thread that loaded the
   * addon): an integer 1..256, or 0 = automatic (the CPUs this process may run on:
   * affinity mask and cgroup quota). Throws TypeError for a non-number, RangeError
   * otherwise (message prefix `setThreads(n):`).
   */
  setThreads(n: number): void;
  /**
   * `fill` off the JavaScript thread: the nninit thread pool runs it and a thread-safe
   * function resolves the promise on the JavaScript thread.
   * Validates synchronously and throws exactly what `fill` throws (message prefix
   * `fillAsync:`), before any work starts. The pool writes `out` directly only when its
   * buffer is a SharedArrayBuffer (which cannot be detached or shrunk; a reference keeps it
   * alive); otherwise it fills scratch memory the fill owns and the JavaScript thread copies
   * each finished chunk into `out`, after checking that `out` still has its memory and length.
   * If JavaScript detached, transferred or shrank `out`'s buffer meanwhile, the promise
   * rejects with a TypeError whose `code` is 'NNINIT_DETACHED' (what was copied before stays).
   * Fills of about 10 us of work or less (below 8192..32768 elements by kind, 2048 on the
   * truncated-normal log path) are done before it returns, with an already resolved promise.
   * Same bytes as `fill`, for every thread count.
   */
  fillAsync(
    kind: number,
    out: Float32Array | Float64Array | Uint32Array,
    key: Uint32Array,
    offset: number,
    params: Float64Array,
  ): Promise<void>;
  /**
   * householderQ of lib/initializers/orthogonal.ts in C++, bit for bit: overwrites the
   * column-major m x n matrix a[0 .. m*n) (m >= n) with its thin Q, sign-corrected. With
   * `rowMajor` true, a holds the matrix row by row and gets Q row by row (the transposes
   * around householderQ, done natively: the same bits). Blocked, vectorized across columns
   * and run on the thread pool (setThreads); the bits depend on none of it. Throws
   * TypeError (a not a Float64Array, m or n not numbers, rowMajor not a boolean) or
   * RangeError (m, n not integers >= 0, n > m, a.length < m * n), prefix `householderQ:`.
   */
  householderQ(a: Float64Array, m: number, n: number, rowMajor?: boolean): void;
  /**
   * householderQ on a libuv pool thread, on a copy of `a` taken at the call. Validates
   * synchronously and throws what householderQ throws (prefix `householderQAsync:`); the
   * result is copied back on the JavaScript thread, or, if `a` lost its buffer or its length
   * meanwhile, the promise rejects with a TypeError whose `code` is 'NNINIT_DETACHED'. Small
   * matrices (m n^2 < 2^17) are done in place before it returns. Same bits as householderQ.
   */
  householderQAsync(a: Float64Array, m: number, n: number, rowMajor?: boolean): Promise<void>;
}

/** The ABI version this TypeScript expects. */
export const ABI_VERSION = 3;

/**
 * The addon as the platform loaded it (lib/node.ts: node-gyp-build's build/Release, else
 * prebuilds/), checked: its ABI version and kernel kinds must be this TypeScript's. Throws
 * an Error that says which differs.
 */
export function bindAddon(addon: unknown): NativeBinding {
  const binding = addon as NativeBinding;
  if (binding.abiVersion !== ABI_VERSION) {
    throw new Error(`native addon ABI ${String(binding.abiVersion)} does not match ${ABI_VERSION}`);
  }
  checkKinds(binding);
  return binding;
}

/**
 * Checks that the addon's kernel kinds are lib/kinds.ts's, id for id: a mismatch would
 * run one kernel where another was meant. An addon without the `kinds` export predates
 * the shared table and uses the same ids.
 */
export function checkKinds(binding: Pick<NativeBinding, 'kinds'>): void {
  const names = KINDS.map((k) => k.name);
  if (binding.kinds !== undefined && binding.kinds.join() !== names.join()) {
    throw new Error(`native addon kernel kinds [${binding.kinds.join(', ')}] do not match lib/kinds.ts [${names.join(', ')}]`);
  }
}
