/**
 * nninit: fast, reproducible neural-network weight initialization.
 *
 * @packageDocumentation
 */
import './node.js'; // the Node platform: native addon, .wasm file, process.env (before the API runs)

export * from './api.js';

// Node-only: files.
export { readNpy, writeNpy } from './files.js';
export { audit, readSafetensors, writeNpyFolder, writeSafetensors, writeSafetensorsAsync } from './model-files.js';
