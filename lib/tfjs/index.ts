/**
 * `nninit/tfjs`: nninit initializers inside TensorFlow.js layers models.
 *
 * TF.js is an optional peer dependency: only this subpath loads it (`@tensorflow/tfjs-layers`
 * and the `@tensorflow/tfjs-core` that copy of tfjs-layers uses, else the `@tensorflow/tfjs`
 * bundle), so `nninit` itself never needs it. Values are computed by nninit on the CPU and
 * uploaded with `tf.tensor`, so they are the same bits on every TF.js backend (cpu, wasm,
 * tfjs-node, webgl), equal to nninit's own call for the same shape, seed and stream.
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
export { tfModules, TfInitializerBase } from './loader.js';
export type { TfModules, TfInitializer } from './loader.js';
export { SCHEMES, schemeValues, NninitInitializer, initializers, generator, schemeFor } from './initializer.js';
export type {
  Scheme, NninitInitializerArgs, FactoryArgs, Factory, InitializerName, SeededInitializers, SchemeSpec,
} from './initializer.js';
export { reinitialize } from './reinitialize.js';
export type { ReinitializeOptions, ReinitializedWeight } from './reinitialize.js';
