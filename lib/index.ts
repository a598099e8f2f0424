/**
 * nninit: fast, reproducible neural-network weight initialization.
 *
 * @packageDocumentation
 */
export { randomBits, fillUniform, fillNormal, fillTruncatedNormal } from './random.js';
export type { RandomOptions, UniformOptions, NormalOptions, TruncatedNormalOptions, FloatArray } from './random.js';
export { manualSeed, globalSeedState } from './seed.js';
export type { Seed } from './seed.js';
export { backendInfo, setIsa } from './backend.js';
export type { BackendInfo } from './backend.js';
export { NninitBackendError } from './errors.js';

import { backendInfo } from './backend.js';
/** The backend in use when the module loaded: `{ name, isa, available, reason }`. See {@link backendInfo} for the live value. */
export const backend = backendInfo();
