/**
 * Seeing inside a tfjs-layers model while TF.js runs it: every leaf layer's `call` is
 * wrapped (on the instance, restored afterwards) so that a forward pass through the
 * model's own graph executor (Sequential, functional, nested models, shared layers)
 * reports each layer's input, pre-activation and output, and an identity with a custom
 * gradient on each output reports the gradient that reaches it in the backward pass.
 * `inspectModel`, `lsuv` and `monitor` are built on it.
 *
 * @packageDocumentation
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';
import { distinctRows, moments, unitHealth } from '../diagnostics/network.js';
import { transpose } from '../diagnostics/matmul.js';
import { typeError, dataError } from '../errors.js';
import { tfModules } from './loader.js';

type Tensor = TfCore.Tensor;
/** A tfjs-layers layer as this module handles it (its internals are reached by name). */
export type AnyLayer = TfLayers.layers.Layer & Record<string, unknown>;
type LayersModel = TfLayers.LayersModel;

/** Layers whose `activation` is applied last, after x·W + b (so the pre-activation can be split off). */
export const FUSED = new Set(['Dense', 'Conv1D', 'Conv2D', 'Conv3D', 'Conv2DTranspose', 'Conv3DTranspose', 'SeparableConv1D', 'SeparableConv2D', 'DepthwiseConv2D']);
const RECURRENT = new Set(['RNN', 'SimpleRNN', 'GRU', 'LSTM', 'ConvLSTM2D', 'StackedRNNCells']);
const WRAPPERS = new Set(['Bidirectional', 'TimeDistributed']);
/** Built-in layers whose computation the report describes fully from their output. */
const TRANSPARENT = new Set([
  ...FUSED, 'Activation', 'ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'ThresholdedReLU', 'Softmax',
  'BatchNormalization', 'LayerNormalization', 'Embedding', 'Dropout', 'SpatialDropout1D', 'AlphaDropout', 'GaussianDropout',
  'GaussianNoise', 'Flatten', 'Reshape', 'Permute', 'RepeatVector', 'Masking', 'Add', 'Multiply', 'Average', 'Maximum', 'Minimum',
  'Concatenate', 'Dot', 'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D',
  'GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'ZeroPadding2D', 'Cropping2D',
  'UpSampling2D', 'Rescaling', 'CenterCrop', 'Resizing', 'CategoryEncoding',
]);
/** Layers that are identities or rearrangements in the forward pass the diagnostics run. */
export const PASS_THROUGH = new Set(['Dropout', 'SpatialDropout1D', 'AlphaDropout', 'GaussianDropout', 'GaussianNoise', 'Flatten', 'Reshape', 'Permute', 'RepeatVector', 'Masking', 'ZeroPadding2D', 'Cropping2D']);
const STOCHASTIC = new Set(['Dropout', 'SpatialDropout1D', 'AlphaDropout', 'GaussianDropout', 'GaussianNoise']);

/** The activation swapped in to compute a fused layer's pre-activation (TF.js maps `linear` to its fused kernel too). */
const LINEAR = Object.freeze({ apply: (x: Tensor) => x, getClassName: () => 'linear', getConfig: () => ({}) });

/** The TF.js class name of a layer. */
export function classOf(layer: unknown): string {
  const c = (layer as { getClassName?: () => string }).getClassName;
  try {
    if (typeof c === 'function') return c.call(layer);
  } catch { /* fall through */ }
  return (layer as { constructor?: { name?: string } }).constructor?.name ?? 'Layer';
}

/** Whether a layer is itself a model (a Container: Sequential or functional). */
export function isContainer(layer: unknown): layer is LayersModel {
  return typeof layer === 'object' && layer !== null && Array.isArray((layer as { layers?: unknown }).layers)
    && typeof (layer as { nodesByDepth?: unknown }).nodesByDepth === 'object';
}

/** The nonlinearity ending a layer (TF.js's name: `relu`, `tanh`, `softmax`, ...), or null. */
export function activationOf(layer: AnyLayer): string | null {
  const cls = classOf(layer);
  if (FUSED.has(cls) || cls === 'Activation') {
    const a = layer.activation as { getClassName?: () => string } | undefined;
    return typeof a?.getClassName === 'function' ? a.getClassName() : null;
  }
  switch (cls) {
    case 'ReLU': return layer.maxValue === 6 ? 'relu6' : 'relu';
    case 'LeakyReLU': return 'leakyRelu';
    case 'PReLU': return 'prelu';
    case 'ELU': return 'elu';
    case 'ThresholdedReLU': return 'thresholdedRelu';
    case 'Softmax': return 'softmax';
    default: return null;
  }
}

/** Why the diagnostics cannot see into a layer, or null. */
export function opaqueReason(layer: AnyLayer): string | null {
  const cls = classOf(layer);
  if (RECURRENT.has(cls)) return 'recurrent layer: its gates and time steps are internal, only its output is seen';
  if (WRAPPERS.has(cls)) return 'wrapper: the wrapped layer runs inside it, only the output is seen';
  if (!TRANSPARENT.has(cls)) return `custom layer class ${cls}: nninit does not know what it computes, only its output is seen`;
  return null;
}

/** A leaf layer (not a nested model) and its path: `outer/inner` inside nested models. */
export interface Leaf { layer: AnyLayer; path: string }

/** Every leaf layer of a model, in `model.layers` order, descending into nested models; input layers skipped. */
export function leaves(model: LayersModel): Leaf[] {
  const out: Leaf[] = [];
  const seen = new Set<unknown>();
  const walk = (m: LayersModel, prefix: string, depth: number): void => {
    for (const l of m.layers as AnyLayer[]) {
      if (seen.has(l)) continue;
      seen.add(l);
      if (isContainer(l) && depth < 16) { walk(l, `${prefix}${l.name}/`, depth + 1); continue; }
      if (classOf(l) === 'InputLayer') continue;
      out.push({ layer: l, path: `${prefix}${l.name}` });
    }
  };
  walk(model, '', 0);
  return out;
}

/** The model whose graph runs: a Sequential's inner functional model, else the model. */
export function executable(model: LayersModel): LayersModel {
  const inner = (model as unknown as { model?: unknown }).model;
  return classOf(model) === 'Sequential' && isContainer(inner) ? inner : model;
}

/** Checks that `model` is a built tfjs-layers model; returns it with its executable graph. */
export function checkModel(fn: string, model: unknown): { model: LayersModel; exec: LayersModel } {
  const ok = typeof model === 'object' && model !== null && Array.isArray((model as { layers?: unknown }).layers)
    && typeof (model as { apply?: unknown }).apply === 'function' && typeof (model as { getWeights?: unknown }).getWeights === 'function'
    && Array.isArray((model as { inputs?: unknown }).inputs);
  if (!ok) throw typeError(fn, 'model', 'a tf.LayersModel (from tf.sequential(), tf.model() or tf.loadLayersModel())', model);
  const m = model as LayersModel;
  if (m.inputs.length === 0 || m.outputs.length === 0) {
    throw dataError('type', fn, 'model', 'a built model (give its first layer an inputShape, or build it)', `${classOf(m)} ${m.name} without inputs`);
  }
  if (classOf(m) === 'Sequential' && !isContainer((m as unknown as { model?: unknown }).model)) {
    (m as unknown as { build: () => void }).build();
  }
  return { model: m, exec: executable(m) };
}

/** What the wrapped `call` reports for one call of a layer. */
export interface CallInfo {
  leaf: Leaf;
  /** The layer's inputs. */
  inputs: Tensor[];
  /** The pre-activation (fused layers, when splitting), else null. */
  pre: Tensor | null;
  /** The layer's outputs (the first is the one described). */
  outputs: Tensor[];
}

/** What {@link instrument} does at each call. */
export interface Hooks {
  /** The `training` flag to pass a layer (undefined: leave the caller's). */
  training?: (layer: AnyLayer) => boolean | undefined;
  /** Split fused layers into x·W + b and the activation. */
  split?: boolean;
  /** Called with a fused layer's pre-activation; may change the weights and recompute it with `rerun` (LSUV). */
  preActivation?: (leaf: Leaf, pre: Tensor, rerun: () => Tensor) => Tensor;
  /** Called after each call with its tensors. */
  onCall?: (info: CallInfo) => void;
  /** Called in the backward pass with the gradient reaching output `k` of a call (only while a gradient tape records). */
  onGrad?: (leaf: Leaf, k: number, dy: Tensor) => void;
  /** Whether a call should be observed at all (default: always). */
  active?: () => boolean;
}

/** The training flags the diagnostics use: batch norm on batch statistics when `training`, stochastic layers off. */
export function trainingFlag(training: boolean): (layer: AnyLayer) => boolean | undefined {
  return (layer) => {
    const cls = classOf(layer);
    if (STOCHASTIC.has(cls)) return false;
    if (cls === 'BatchNormalization') return training;
    return training ? undefined : false;
  };
}

/**
 * Wraps the `call` of every leaf layer of `model` (see {@link Hooks}); returns the function
 * that puts the original methods back. Wrapping twice (two monitors on one model) nests.
 */
export function instrument(model: LayersModel, hooks: Hooks): () => void {
  const tf = tfModules().core;
  const restore: (() => void)[] = [];
  for (const leaf of leaves(model)) {
    const layer = leaf.layer;
    const own = Object.prototype.hasOwnProperty.call(layer, 'call');
    const prev = layer.call as (this: unknown, inputs: unknown, kwargs: unknown) => Tensor | Tensor[];
    const fused = FUSED.has(classOf(layer));
    const wrapped = function (this: unknown, inputs: Tensor | Tensor[], kwargs?: Record<string, unknown>): Tensor | Tensor[] {
      if (hooks.active !== undefined && !hooks.active()) return prev.call(layer, inputs, kwargs);
      const kw: Record<string, unknown> = { ...(kwargs ?? {}) };
      const t = hooks.training?.(layer);
      if (t !== undefined) kw.training = t;
      let pre: Tensor | null = null;
      let result: Tensor | Tensor[];
      const act = layer.activation as { apply: (x: Tensor) => Tensor } | undefined;
      if (hooks.split === true && fused && act !== undefined && act !== null && typeof act.apply === 'function') {
        const rerun = (): Tensor => {
          layer.activation = LINEAR;
          try {
            return prev.call(layer, inputs, kw) as Tensor;
          } finally {
            layer.activation = act;
          }
        };
        pre = rerun();
        if (hooks.preActivation !== undefined) pre = hooks.preActivation(leaf, pre, rerun);
        result = act.apply(pre);
      } else {
        result = prev.call(layer, inputs, kw);
      }
      const list = Array.isArray(result) ? result : [result];
      const ins = Array.isArray(inputs) ? inputs : [inputs];
      hooks.onCall?.({ leaf, inputs: ins, pre, outputs: list });
      if (hooks.onGrad === undefined) return result;
      const probed = list.map((y, k) => (y instanceof tf.Tensor && y.dtype === 'float32' ? probe(tf, y, (dy) => hooks.onGrad!(leaf, k, dy)) : y));
      return Array.isArray(result) ? probed : probed[0]!;
    };
    layer.call = wrapped as unknown as AnyLayer['call'];
    restore.push(() => {
      if (own) layer.call = prev as unknown as AnyLayer['call'];
      else delete (layer as { call?: unknown }).call;
    });
  }
  return () => { for (const r of restore.reverse()) r(); };
}

/** y itself in the forward pass; reports the gradient that reaches it in the backward pass. */
export function probe(tf: typeof TfCore, y: Tensor, report: (dy: Tensor) => void): Tensor {
  const f = tf.customGrad((...args: (Tensor | TfCore.GradSaveFunc)[]) => ({
    value: (args[0] as Tensor).clone(),
    gradFunc: (dy: Tensor | Tensor[]) => {
      const g = Array.isArray(dy) ? dy[0]! : dy;
      report(g);
      return g.clone();
    },
  }));
  return f(y);
}

/** Copies the non-trainable weights (batch-norm moving statistics, which a training-mode pass updates); returns the restore. */
export function keepFrozen(model: LayersModel): () => void {
  const tf = tfModules().core;
  const saved = model.nonTrainableWeights.map((w) => ({ w, v: tf.clone(w.read()) }));
  return () => {
    for (const { w, v } of saved) {
      w.write(v);
      v.dispose();
    }
  };
}

/** Statistics of one floating-point output, per {@link ModelLayerReport}'s definitions. */
export interface OutputStats {
  mean: number; std: number; rms: number;
  saturated: number | null; dead: number | null; deadNeurons: number | null;
  distinct: number; units: number;
}

/**
 * Mean, std, rms, saturated or dead fraction and distinct units of a layer's output (the
 * unit axis is the last, or axis 1 for `channelsFirst` layers of rank 3 and more).
 */
export function outputStats(y: Tensor, activation: string | null, channelsFirst: boolean): OutputStats {
  const data = y.dataSync() as Float32Array;
  const m = moments(data);
  const shape = y.shape;
  const axis = channelsFirst && shape.length >= 3 ? 1 : shape.length - 1;
  // A [batch] (or scalar) output is one unit seen on every example.
  const units = shape.length <= 1 ? 1 : shape[axis]!;
  const n = units === 0 ? 0 : data.length / units;
  // Unit-major rows: row u holds unit u's value for every example and position.
  let rows: Float32Array;
  if (units === 1) {
    rows = data;
  } else if (axis === shape.length - 1) {
    rows = transpose(data, n, units);
  } else {
    rows = new Float32Array(data.length);
    const b = shape[0]!, rest = n / b;
    for (let i = 0; i < b; i++) for (let u = 0; u < units; u++) rows.set(data.subarray((i * units + u) * rest, (i * units + u + 1) * rest), u * n + i * rest);
  }
  const kind = activation === 'tanh' ? 'tanh'
    : activation === 'sigmoid' || activation === 'hardSigmoid' ? 'sigmoid'
      : activation === 'relu' || activation === 'relu6' ? 'relu' : null;
  const { saturated, dead, deadNeurons } = unitHealth(rows, units, n, kind);
  return { ...m, saturated, dead, deadNeurons, distinct: distinctRows(rows, units, n), units };
}
