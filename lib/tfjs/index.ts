/**
 * `nninit/tfjs`: nninit initializers inside TensorFlow.js layers models.
 *
 * TF.js is an optional peer dependency: only this subpath loads it (`@tensorflow/tfjs-layers`
 * and the `@tensorflow/tfjs-core` that copy of tfjs-layers uses, else the `@tensorflow/tfjs`
 * bundle), so `nninit` itself never needs it. Values are computed by nninit on the CPU and
 * uploaded with `tf.tensor`, so they are the same bits on every TF.js backend (cpu, wasm,
 * tfjs-node, webgl), equal to nninit's own call for the same shape, seed and stream.
 *
 * It also checks a real model's initialization on a real batch: {@link inspectModel}
 * (per-layer activations, gradients and weights, with `inspect`'s verdicts), {@link lsuv}
 * (layer-sequential unit-variance init) and {@link monitor} (a `model.fit` callback).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-node';
 * import { initializers, reinitialize } from 'nninit/tfjs';
 *
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 256, inputShape: [784], kernelInitializer: initializers.glorotUniform({ seed: 42, stream: 0 }) }),
 * ] });
 * reinitialize(model, { seed: 7 });   // every weight from one seed, one stream each
 * ```
 *
 * @packageDocumentation
 */
import '../node.js'; // the Node platform (native addon, .wasm file, process.env) before the API runs
export { tfModules, TfInitializerBase, fileIO } from './loader.js';
export type { TfModules, TfInitializer } from './loader.js';
export { SCHEMES, schemeValues, NninitInitializer, initializers, generator, schemeFor } from './initializer.js';
export type {
  Scheme, NninitInitializerArgs, FactoryArgs, Factory, InitializerName, SeededInitializers, SchemeSpec,
} from './initializer.js';
export { reinitialize } from './reinitialize.js';
export type { ReinitializeOptions, ReinitializedWeight } from './reinitialize.js';

// Checking a real model's initialization: inspectModel, lsuv, monitor, with the diagnostics'
// renderers and the .npy reader for batches.
export { inspectModel, type InspectModelOptions } from './inspect-model.js';
export type { ArrayWithShape, Batch, BatchTensor } from './data.js';
export type { ModelReport, ModelLayerReport, ModelWeightReport } from '../diagnostics/model-report.js';
export { renderTable, renderChart, renderSvg } from '../diagnostics/render.js';
export { parseNpy, encodeNpy, type NpyArray, type NpyDtype, type NpyData, type NpyInput } from '../npy.js';
export { readNpy, writeNpy } from '../files.js';
export { lsuv, type LsuvOptions, type LsuvReport, type LsuvLayerReport } from './lsuv.js';
export {
  monitor, renderMonitorSvg, suggestFix,
  type Monitor, type MonitorOptions, type SuggestFixModel, type MonitorWarning, type MonitorHistory, type MonitorStep, type MonitorLayerStep, type MonitorPattern,
} from './monitor.js';
