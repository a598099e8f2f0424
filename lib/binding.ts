/**
 * The typed interface of the raw native addon. This is the only file that touches it;
 * everything else goes through lib/backend.ts.
 */

/** Kernel identifiers shared with native/src/addon.cc. */
export const Kind = {
  Bits: 0,
  UniformF32: 1,
  UniformF64: 2,
  NormalF32: 3,
  NormalF64: 4,
  TruncatedNormalF32: 5,
  TruncatedNormalF64: 6,
} as const;
/** One of {@link Kind}'s values. */
export type Kind = (typeof Kind)[keyof typeof Kind];

/** What native/src/addon.cc exports. */
export interface NativeBinding {
  readonly abiVersion: number;
  /** Set when NNINIT_ISA named an ISA this CPU cannot run (the addon then uses the best one). */
  readonly isaError: string | null;
  isa(): string;
  isaAvailable(): string[];
  setIsa(name: string): void;
  fill(
    kind: Kind,
    out: Float32Array | Float64Array | Uint32Array,
    key: Uint32Array,
    offset: number,
    params: Float64Array,
  ): void;
  /** Set when NNINIT_THREADS was not a valid thread count (present once the pool is built). */
  readonly threadsError?: string | null;
  /** Native worker threads used by large fills. */
  threads?(): number;
  /** Sets the worker-thread count (0 = automatic). */
  setThreads?(n: number): void;
  /** The same fill off the JS thread; resolves when done (present once the thread pool is built). */
  fillAsync?(
    kind: Kind,
    out: Float32Array | Float64Array | Uint32Array,
    key: Uint32Array,
    offset: number,
    params: Float64Array,
  ): Promise<void>;
}

/** The ABI version this TypeScript expects. */
export const ABI_VERSION = 1;

/** Loads the addon through node-gyp-build (build/Release, else prebuilds/). */
export function loadBinding(root: string): NativeBinding {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = require('node-gyp-build') as (dir: string) => unknown;
  const binding = load(root) as NativeBinding;
  if (binding.abiVersion !== ABI_VERSION) {
    throw new Error(`native addon ABI ${String(binding.abiVersion)} does not match ${ABI_VERSION}`);
  }
  return binding;
}
