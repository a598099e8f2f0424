/**
 * The Node.js platform (lib/platform.ts): the native addon through node-gyp-build, the .wasm
 * file read synchronously, settings from process.env, warnings through process.emitWarning.
 * Every Node entry (lib/index.ts, the CLI) imports it before the API runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ABI_VERSION, type NativeBinding } from './binding.js';
import { setPlatform } from './platform.js';
import { loadWasmNode } from './wasm/load-node.js';
import type { WasmKernels } from './wasm/kernels.js';

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

let wasm: WasmKernels | null = null;

setPlatform({
  name: 'node',
  nativeExpected: true,
  env: (name) => process.env[name],
  warn: (message) => process.emitWarning(message, 'NninitWarning'),
  loadNative: () => loadBinding(packageRoot()),
  loadWasm: () => (wasm ??= loadWasmNode(packageRoot())),
});
