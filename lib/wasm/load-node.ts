/**
 * Loads native/wasm/nninit.wasm in Node: read and compiled synchronously (55 KB: a few
 * milliseconds), so the synchronous API works from the first call.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WasmKernels, wasmApi, wasmUnsupported } from './kernels.js';

/** Where the package keeps the module (committed, and shipped in the npm tarball). */
export function wasmPath(root: string): string {
  return join(root, 'native', 'wasm', 'nninit.wasm');
}

/**
 * The wasm kernels from `root`'s native/wasm/nninit.wasm. Throws an Error whose message says
 * why they cannot run: no WebAssembly SIMD in this engine, the file missing, unreadable or
 * not a valid module, or a module of another ABI.
 */
export function loadWasmNode(root: string): WasmKernels {
  const unsupported = wasmUnsupported();
  if (unsupported !== null) throw new Error(unsupported);
  const file = wasmPath(root);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT') throw new Error(`${file} is missing (an incomplete install: reinstall nninit)`, { cause: err });
    throw new Error(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  let module;
  try {
    module = new (wasmApi()!.Module)(bytes);
  } catch (err) {
    throw new Error(`${file} is not a valid WebAssembly module (corrupted? reinstall nninit): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  try {
    return new WasmKernels(module);
  } catch (err) {
    throw new Error(`${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
