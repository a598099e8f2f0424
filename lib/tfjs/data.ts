/**
 * Batches for the model diagnostics: inputs and labels given as TF.js tensors, typed arrays
 * with a shape (as `readNpy` returns them), or several of those for multi-input models,
 * checked against the model (count, shape, dtype, finite values) and against its loss.
 *
 * @packageDocumentation
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';
import { rangeError, typeError, dataError } from '../errors.js';
import { tfModules } from './loader.js';

type Tensor = TfCore.Tensor;

/** A typed array (or a plain array of numbers) with its shape, batch first. `readNpy`'s result is one. */
export interface ArrayWithShape {
  data: ArrayLike<number> | BigInt64Array | BigUint64Array;
  shape: readonly number[];
}
/** One batch tensor: a `tf.Tensor` or an {@link ArrayWithShape}. */
export type BatchTensor = TfCore.Tensor | ArrayWithShape;
/** A model's batch: one tensor, an array (one per model input or output, in order), or an object keyed by input/output name. */
export type Batch = BatchTensor | readonly BatchTensor[] | Readonly<Record<string, BatchTensor>>;

/** What a tensor must be. */
export interface Spec {
  /** The model input or output name. */
  name: string;
  /** Shape with null for free dimensions; null for "any". */
  shape: (number | null)[] | null;
  dtype: 'float32' | 'int32';
}

function isTensor(v: unknown): v is Tensor {
  // Not instanceof: TF.js's Tensor[Symbol.hasInstance] reads the object's `data`, which would
  // run a caller's getter once more than the single read we promise.
  return typeof v === 'object' && v !== null && Object.prototype.isPrototypeOf.call(tfModules().core.Tensor.prototype, v);
}

type Item = { kind: 'tensor'; t: Tensor } | { kind: 'array'; data: unknown; shape: unknown[] } | { kind: 'other'; v: unknown };

/** Classifies a batch tensor, reading `data` and `shape` once each (getters run once; the shape is copied). */
function classify(v: unknown): Item {
  if (isTensor(v)) return { kind: 'tensor', t: v };
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const o = v as { data?: unknown; shape?: unknown };
    const data = o.data;
    const shape = o.shape;
    if ((ArrayBuffer.isView(data) || Array.isArray(data)) && Array.isArray(shape)) return { kind: 'array', data, shape: Array.from(shape as unknown[]) };
  }
  return { kind: 'other', v };
}

function shapeText(s: readonly (number | null)[]): string {
  return `[${s.map((d) => (d === null ? 'batch' : d)).join(', ')}]`;
}

/** The list of tensor-likes, one per spec, before conversion. */
function listOf(fn: string, what: string, value: unknown, specs: readonly Spec[]): Item[] {
  const n = specs.length;
  const labels = what.endsWith('labels');
  const expected = `${n === 1 ? 'a tensor' : `${n} tensors`} (tf.Tensor or { data, shape })${n === 1 ? '' : ' in an array or an object keyed by name'}, one per model ${labels ? 'output' : 'input'}: ${specs.map((s) => `${s.name} ${s.shape === null ? '' : shapeText(s.shape)}`.trim()).join(', ')}`;
  const one = classify(value);
  if (one.kind !== 'other') {
    if (n !== 1) throw typeError(fn, what, expected, value);
    return [one];
  }
  if (Array.isArray(value)) {
    if (value.length !== n) throw (value.length === 0 ? typeError : rangeError)(fn, what, expected, value);
    return value.map(classify);
  }
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    const o = value as Record<string, unknown>;
    const extra = Object.keys(o).filter((k) => !specs.some((s) => s.name === k));
    if (extra.length > 0 || specs.some((s) => !Object.prototype.hasOwnProperty.call(o, s.name))) throw typeError(fn, what, expected, value);
    return specs.map((s) => classify(o[s.name]));
  }
  throw typeError(fn, what, expected, value);
}

/** Converted tensors; `owned` are the ones created here (the caller disposes them). */
export interface Converted { tensors: Tensor[]; owned: Tensor[]; batch: number }

/**
 * Checks and converts a batch against `specs`: count, shape (free dimensions match
 * anything; the first dimension, the batch, must agree across tensors and with `batch`
 * when given), numeric dtype, integer values for int32 specs, and finite values.
 */
export function toTensors(fn: string, what: string, value: unknown, specs: readonly Spec[], batch?: number): Converted {
  const tf = tfModules().core;
  const list = listOf(fn, what, value, specs);
  const tensors: Tensor[] = [];
  const owned: Tensor[] = [];
  let b = batch;
  try {
    list.forEach((item, i) => {
      const name = specs.length === 1 && !Array.isArray(value) ? what : `${what}[${i}]`;
      const spec = specs[i]!;
      let shape: number[];
      let values: Float32Array | Int32Array;
      if (item.kind === 'tensor') {
        const v = item.t;
        if (v.isDisposed) throw dataError('type', fn, name, 'a tensor that is not disposed', 'a disposed tf.Tensor');
        if (v.dtype !== 'float32' && v.dtype !== 'int32' && v.dtype !== 'bool') throw dataError('type', fn, name, 'a float32, int32 or bool tensor', `a ${v.dtype} tf.Tensor`);
        shape = [...v.shape];
        values = v.dtype === 'float32' ? (v.dataSync() as Float32Array) : Int32Array.from(v.dataSync() as Int32Array);
      } else if (item.kind === 'array') {
        const s = item.shape;
        if (!s.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) throw typeError(fn, `${name}.shape`, 'an array of non-negative integers', s);
        shape = s as number[];
        const n = shape.reduce((a, d) => a * d, 1);
        const src = item.data as ArrayWithShape['data'];
        if (src.length !== n) throw rangeError(fn, `${name}.data`, `${n} elements for shape ${shapeText(shape)}`, src);
        if (src instanceof BigInt64Array || src instanceof BigUint64Array) {
          const out = new Int32Array(n);
          for (let k = 0; k < n; k++) {
            const x = src[k]!;
            if (x > 2147483647n || x < -2147483648n) throw dataError('range', fn, name, 'int64 values within the int32 range', `${x}n at element ${k}`);
            out[k] = Number(x);
          }
          values = out;
        } else if (spec.dtype === 'int32' || src instanceof Int32Array || src instanceof Int16Array || src instanceof Int8Array || src instanceof Uint8Array || src instanceof Uint16Array) {
          values = spec.dtype === 'int32' ? Int32Array.from(src as ArrayLike<number>) : Float32Array.from(src as ArrayLike<number>);
          if (spec.dtype === 'int32') {
            for (let k = 0; k < n; k++) {
              const x = (src as ArrayLike<number>)[k]!;
              if (!Number.isInteger(x)) throw dataError('range', fn, name, `integers (model input ${spec.name} is int32)`, `${x} at element ${k}`);
            }
          }
        } else {
          values = Float32Array.from(src as ArrayLike<number>);
        }
      } else {
        throw typeError(fn, name, 'a tf.Tensor or { data: TypedArray, shape }', item.v);
      }
      if (spec.shape !== null) {
        const want = spec.shape;
        const ok = want.length === shape.length && want.every((d, k) => d === null || d === shape[k]);
        if (!ok) throw dataError('range', fn, name, `of shape ${shapeText(want)} (model ${what.endsWith('labels') ? 'output' : 'input'} ${spec.name})`, `shape ${shapeText(shape)}`);
      }
      if (shape.length === 0) throw dataError('range', fn, name, 'a batch (at least one dimension)', 'a 0-d tensor');
      if (b === undefined) b = shape[0]!;
      else if (shape[0] !== b) throw dataError('range', fn, name, `a batch of ${b} examples (as ${what.endsWith('labels') ? 'the inputs' : `${what}[0]`})`, `${shape[0]} examples`);
      for (let k = 0; k < values.length; k++) {
        const x = values[k]!;
        if (!Number.isFinite(x)) {
          const row = shape.length > 0 && shape[0]! > 0 ? Math.floor(k / (values.length / shape[0]!)) : 0;
          throw dataError('range', fn, name, 'finite numbers (no NaN or Infinity)', `${x} at element ${k} (example ${row})`);
        }
      }
      if (item.kind === 'tensor' && item.t.dtype === spec.dtype) {
        tensors.push(item.t);
      } else {
        const t = spec.dtype === 'int32' ? tf.tensor(Int32Array.from(values), shape, 'int32') : tf.tensor(values instanceof Float32Array ? values : Float32Array.from(values), shape, 'float32');
        owned.push(t);
        tensors.push(t);
      }
    });
  } catch (e) {
    for (const t of owned) t.dispose();
    throw e;
  }
  return { tensors, owned, batch: b ?? 0 };
}

/** The input specs of a model. */
export function inputSpecs(model: TfLayers.LayersModel): Spec[] {
  return model.inputs.map((x, i) => ({
    name: model.inputNames?.[i] ?? x.name,
    shape: [...x.shape] as (number | null)[],
    dtype: x.dtype === 'int32' ? 'int32' : 'float32',
  }));
}

const LOSS_ALIASES: Record<string, string> = {
  mse: 'meanSquaredError', MSE: 'meanSquaredError', mae: 'meanAbsoluteError', MAE: 'meanAbsoluteError',
  mape: 'meanAbsolutePercentageError', MAPE: 'meanAbsolutePercentageError', msle: 'meanSquaredLogarithmicError',
  MSLE: 'meanSquaredLogarithmicError', kld: 'kullbackLeiblerDivergence', KLD: 'kullbackLeiblerDivergence', cosine: 'cosineProximity',
};

/** The compiled loss of each output (`categoricalCrossentropy`, ..., or a function's name), and its function. */
export function lossesOf(fn: string, model: TfLayers.LayersModel, exec: TfLayers.LayersModel): { names: string[]; fns: ((y: Tensor, p: Tensor) => Tensor)[] } {
  const fns = (exec as unknown as { lossFunctions?: ((y: Tensor, p: Tensor) => Tensor)[] }).lossFunctions;
  if (!Array.isArray(fns) || fns.length === 0) {
    throw dataError('type', fn, 'options.labels', 'given only for a compiled model (model.compile({ optimizer, loss }) first, or omit labels for a random cotangent)', 'labels for a model that is not compiled');
  }
  const loss = (model as unknown as { loss?: unknown }).loss ?? (exec as unknown as { loss?: unknown }).loss;
  const names = fns.map((f, i) => {
    const l = Array.isArray(loss) ? loss[i] : typeof loss === 'object' && loss !== null && !(typeof loss === 'function') ? Object.values(loss)[i] : loss;
    const n = typeof l === 'string' ? l : typeof l === 'function' ? (l.name || 'custom') : (f.name || 'custom');
    return LOSS_ALIASES[n] ?? n;
  });
  return { names, fns };
}

/** The label spec of each output for its loss: sparse categorical takes class indices, every other loss the output's shape. */
export function labelSpecs(model: TfLayers.LayersModel, losses: readonly string[]): Spec[] {
  return model.outputs.map((y, i) => {
    const name = model.outputNames?.[i] ?? y.name;
    const shape = [...y.shape] as (number | null)[];
    if (losses[i] === 'sparseCategoricalCrossentropy') return { name, shape: null, dtype: 'float32' };
    return { name, shape, dtype: 'float32' };
  });
}

/**
 * Checks that labels fit each output's loss: class indices (integers in [0, classes), shape
 * [batch] or [batch, 1]) for sparseCategoricalCrossentropy; probabilities (in [0, 1], rows
 * summing to 1) for categoricalCrossentropy; values in [0, 1] for binaryCrossentropy.
 */
export function checkLabels(fn: string, labels: readonly Tensor[], model: TfLayers.LayersModel, losses: readonly string[]): void {
  labels.forEach((t, i) => {
    const name = labels.length === 1 ? 'options.labels' : `options.labels[${i}]`;
    const out = model.outputs[i]!.shape;
    const loss = losses[i];
    const v = t.dataSync();
    if (loss === 'sparseCategoricalCrossentropy') {
      const classes = out[out.length - 1] ?? null;
      const okShape = t.shape.length === 1 || (t.shape.length === out.length && t.shape[t.shape.length - 1] === 1) || t.shape.length === out.length - 1;
      if (!okShape) {
        throw dataError('range', fn, name, `class indices of shape [batch] or [batch, 1] for sparseCategoricalCrossentropy (output ${shapeText(out)})`, `shape ${shapeText(t.shape)}`);
      }
      for (let k = 0; k < v.length; k++) {
        const x = v[k]!;
        if (!Number.isInteger(x) || x < 0 || (classes !== null && x >= classes)) {
          throw dataError('range', fn, name, `class indices: integers in [0, ${classes ?? 'classes'}) for sparseCategoricalCrossentropy`, `${x} at element ${k}`);
        }
      }
      return;
    }
    if (loss === 'categoricalCrossentropy' || loss === 'binaryCrossentropy' || loss === 'kullbackLeiblerDivergence') {
      for (let k = 0; k < v.length; k++) {
        const x = v[k]!;
        if (x < 0 || x > 1) {
          const hint = loss === 'categoricalCrossentropy' && Number.isInteger(x) ? ' (class indices need sparseCategoricalCrossentropy)' : '';
          throw dataError('range', fn, name, `probabilities in [0, 1] for ${loss}${hint}`, `${x} at element ${k}`);
        }
      }
      if (loss === 'categoricalCrossentropy' && t.shape.length >= 1) {
        const c = t.shape[t.shape.length - 1]!;
        for (let r = 0; r * c < v.length; r++) {
          let s = 0;
          for (let k = 0; k < c; k++) s += v[r * c + k]!;
          if (Math.abs(s - 1) > 1e-3) throw dataError('range', fn, name, 'one-hot or probability rows summing to 1 for categoricalCrossentropy', `a row summing to ${+s.toPrecision(4)} (row ${r})`);
        }
      }
    }
  });
}
