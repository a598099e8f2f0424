/**
 * nninit for browsers, bundlers and other engines without Node built-ins: the same API and
 * the same values as in Node, on the WebAssembly kernels (the TypeScript ones where the
 * engine has no WebAssembly SIMD).
 *
 * The module compiles asynchronously, so call `await ready()` once before the first fill:
 * ```ts
 * import { ready, xavierUniform } from 'nninit/browser';
 * await ready();                       // { name: 'wasm', isa: 'simd128', ... }
 * const w = xavierUniform([784, 256], { seed: 42 });
 * ```
 * Fills made before it resolves use the TypeScript kernels (same values, slower, one
 * warning).
 *
 * @packageDocumentation
 */
import { loadWasm } from './platform-browser.js'; // first: the platform is in place before the API loads
import { backendInfo, type BackendInfo } from './backend.js';

export * from './api.js';

/** Audits tensors in memory against a plan (files are read by the Node entry's `audit`). */
export { audit } from './models/audit.js';

/**
 * The backend in use: `{ name, isa, available, reason }`; 'wasm' once {@link ready} has
 * resolved (this binding is updated then). See {@link backendInfo} for the live value.
 */
export let backend: BackendInfo = backendInfo();

/**
 * Compiles the WebAssembly kernels (once: later calls return the same promise) and resolves
 * with the backend in use: 'wasm', or 'js' with the reason when this engine cannot run them
 * (no WebAssembly SIMD: Chrome < 91, Firefox < 89, Safari < 16.4). It never rejects.
 */
export async function ready(): Promise<BackendInfo> {
  await loadWasm();
  backend = backendInfo();
  return backend;
}
