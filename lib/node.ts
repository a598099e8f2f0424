/**
 * The Node.js platform (lib/platform.ts): the native addon found by node-gyp-build, the
 * .wasm file read and compiled synchronously, settings from process.env, warnings through
 * process.emitWarning. Every Node entry (lib/index.ts, lib/cli.ts, lib/tfjs/index.ts)
 * imports it before the API runs; it is the one file of the core that needs Node.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setPlatform } from './platform.js';
import { WasmKernels, wasmApi, wasmUnsupported } from './wasm/kernels.js';

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

/** The addon module through node-gyp-build (build/Release, else prebuilds/), unchecked. */
function loadAddon(root: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = require('node-gyp-build') as (dir: string) => unknown;
  return load(root);
}

/** Where the package keeps the WebAssembly module (committed, and shipped in the npm tarball). */
export function wasmPath(root: string): string {
  return join(root, 'native', 'wasm', 'nninit.wasm');
}

/**
 * The wasm kernels from `root`'s native/wasm/nninit.wasm, read and compiled synchronously
 * (55 KB: a few milliseconds), so the synchronous API works from the first call. Throws an
 * Error whose message says why they cannot run: no WebAssembly SIMD in this engine, the file
 * missing, unreadable or not a valid module, or a module of another ABI.
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

let wasm: WasmKernels | null = null;

setPlatform({
  name: 'node',
  nativeExpected: true,
  env: (name) => process.env[name],
  warn: (message) => process.emitWarning(message, 'NninitWarning'),
  loadNative: () => loadAddon(packageRoot()),
  loadWasm: () => (wasm ??= loadWasmNode(packageRoot())),
});
