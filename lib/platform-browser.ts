/**
 * The browser platform (lib/platform.ts): no native addon, no environment variables,
 * console.warn, and the WebAssembly kernels compiled asynchronously from the module inlined
 * in the browser build. lib/browser.ts imports it before the API, so the platform is in
 * place before any module of the API runs.
 */
import { platformChanged, setPlatform } from './platform.js';
import { wasmKernelsFromBytesAsync, wasmUnsupported, type WasmKernels } from './wasm/kernels.js';
import wasmBase64 from './wasm/inline.js';

let kernels: WasmKernels | null = null;
let failure: Error | null = null;
let loading: Promise<void> | null = null;

setPlatform({
  name: 'browser',
  nativeExpected: false,
  env: () => undefined,
  warn: (message) => (globalThis as { console?: { warn(m: string): void } }).console?.warn(message),
  loadNative: () => {
    throw new Error('there is no native addon in a browser');
  },
  loadWasm: () => {
    if (failure !== null) throw failure;
    return kernels; // null until loadWasm() has finished
  },
});

function decodeBase64(s: string): Uint8Array {
  const atob = (globalThis as { atob?: (s: string) => string }).atob;
  if (atob === undefined) throw new Error('this engine has no atob() to decode the WebAssembly module');
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * Compiles the inlined module (once; later calls return the same promise), then has the
 * backend chosen again. Never rejects: a failure becomes the TypeScript backend's reason.
 */
export function loadWasm(): Promise<void> {
  loading ??= (async () => {
    try {
      const unsupported = wasmUnsupported();
      if (unsupported !== null) throw new Error(unsupported);
      kernels = await wasmKernelsFromBytesAsync(decodeBase64(wasmBase64));
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err));
    }
    platformChanged();
  })();
  return loading;
}
