/**
 * The public surface of nninit, shared by the Node entry (lib/index.ts) and the browser
 * entry (lib/browser.ts); each installs its platform (lib/node.ts, lib/platform-browser.ts)
 * before this module runs.
 */
export { randomBits, fillUniform, fillNormal, fillTruncatedNormal } from './random.js';
export type { RandomOptions, UniformOptions, NormalOptions, TruncatedNormalOptions, FloatArray } from './random.js';
export { manualSeed, globalSeedState } from './seed.js';
export type { Seed, SeedOptions, GlobalSeedState } from './seed.js';
export { backendInfo, setIsa, setThreads, getThreads } from './backend.js';
export type { BackendInfo } from './backend.js';
export { NninitBackendError } from './errors.js';

import { backendInfo } from './backend.js';
/** The backend in use when the module loaded: `{ name, isa, available, reason }`. See {@link backendInfo} for the live value. */
export const backend = backendInfo();

// Initializers.
export { zeros, ones, constant, uniform, normal, truncatedNormal } from './initializers/basic.js';
export type { ConstantOptions, UniformInitOptions, NormalInitOptions, TruncatedNormalInitOptions } from './initializers/basic.js';
export {
  xavierUniform, glorotUniform, xavierNormal, glorotNormal, kaimingUniform, heUniform, kaimingNormal, heNormal,
  lecunUniform, lecunNormal, varianceScaling, truncatedNormalStd,
} from './initializers/variance-scaling.js';
export type {
  FanInitOptions, FanNormalOptions, XavierUniformOptions, XavierNormalOptions, KaimingUniformOptions,
  KaimingNormalOptions, VarianceScalingOptions, KaimingMode, FanMode, VarianceDistribution,
} from './initializers/variance-scaling.js';
export { orthogonal } from './initializers/orthogonal.js';
export type { OrthogonalOptions } from './initializers/orthogonal.js';
export { eye, dirac, sparse } from './initializers/structured.js';
export type { EyeOptions, DiracOptions, SparseOptions } from './initializers/structured.js';
export { toBfloat16, fromBfloat16, toFloat16, fromFloat16, toBfloat16Array, fromBfloat16Array, toFloat16Array, fromFloat16Array } from './dtypes.js';
export type { NumberArray } from './dtypes.js';
export type { DType, ArrayFor, InitArray, Shape, Convention, OutputOptions, RandomInitOptions } from './tensor.js';
export { computeFans } from './fans.js';
export type { FanOptions, Fans } from './fans.js';
export { calculateGain } from './gains.js';
export type { Nonlinearity } from './gains.js';
export { torchDefaultWeight, torchDefaultBias, torchLinear, torchConv } from './initializers/presets.js';
export type { TorchBiasOptions, TorchModuleOptions, TorchConvOptions, TorchParams } from './initializers/presets.js';
export { Generator } from './generator.js';
export type { GeneratorOptions } from './generator.js';

// Signal-propagation diagnostics.
export { inspect, checkInspectOptions, THRESHOLDS } from './diagnostics/inspect.js';
export type { InspectOptions, InspectReport, LayerReport, Verdict, VerdictStatus } from './diagnostics/inspect.js';
export { renderTable, renderChart, renderSvg } from './diagnostics/render.js';
export type { ChartOptions, ChartMetric } from './diagnostics/render.js';
export { ACTIVATIONS, ACTIVATION_ALIASES, INITIALIZER_NAMES, parseInitializer, resolveInitializer } from './diagnostics/registry.js';
export type { Activation, ActivationName, InitializerSpec, InitFn, InitContext } from './diagnostics/registry.js';
export { matmul } from './diagnostics/matmul.js';

// Promise forms: every fill and initializer, off the JS thread.
export * from './async-api.js';

// Shards: parts of a logical tensor, equal to the same part of the whole.
export { sliceRange, shardRange, initSlice, initShard, initSliceAsync, initShardAsync } from './shards.js';
export type { SliceOptions, ShardOptions, ShardRange, Initializer, InitOptionsOf, ResultOf } from './shards.js';

// NumPy .npy bytes (the Node entry adds readNpy and writeNpy).
export { parseNpy, encodeNpy } from './npy.js';
export type { NpyArray, NpyDtype, NpyData, NpyInput } from './npy.js';

// Whole models: recipes, plans, materialize, the file formats (each entry adds its `audit`;
// the Node entry also the file writers and readers).
export * from './models/index.js';
