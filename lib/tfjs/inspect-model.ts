/**
 * `inspectModel(model, inputs, options)`: {@link inspect}'s diagnosis on a real tfjs-layers
 * model and a real batch. One forward pass through the model's own graph (every leaf
 * layer observed, see instrument.ts) and one backward pass of the compiled loss (with
 * labels) or of a seeded unit-variance random cotangent, then per layer the activation and
 * gradient statistics, each weight against its initializer's planned std, and a verdict in
 * `inspect`'s grammar. The model is left as it was.
 *
 * @packageDocumentation
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';
import { fillNormal } from '../random.js';
import { moments } from '../diagnostics/network.js';
import { modelVerdict, type ModelLayerReport, type ModelReport, type ModelWeightReport } from '../diagnostics/model-report.js';
import { typeError, dataError } from '../errors.js';
import { readOptions } from '../validate.js';
import { seedWords, type Seed } from '../seed.js';
import { tfModules } from './loader.js';
import { schemeFor } from './initializer.js';
import { initializerOf, locate } from './reinitialize.js';
import { checkLabels, inputSpecs, labelSpecs, lossesOf, toTensors, type Batch } from './data.js';
import {
  activationOf, checkModel, classOf, instrument, keepFrozen, leaves, opaqueReason, outputStats, probe, trainingFlag,
  type AnyLayer, type Leaf,
} from './instrument.js';
import { plannedStd } from './planned-std.js';

type Tensor = TfCore.Tensor;

/** Options of {@link inspectModel}. */
export interface InspectModelOptions {
  /**
   * Targets for the model's compiled loss (one per output; same forms as `inputs`): the
   * gradients are then the loss's. Without labels, a unit-variance Gaussian cotangent
   * (seeded) is injected at the outputs, as {@link inspect} does.
   */
  labels?: Batch;
  /**
   * Seed of the random cotangent (output k uses stream 1 + k; element (b, j) of a
   * [batch, ...] output takes normal number j * batch + b, the feature-major order of
   * `inspect`). Default 0.
   */
  seed?: Seed;
  /**
   * Run as the first training step does: batch normalization on batch statistics (its
   * moving statistics are restored afterwards). Default true. Dropout and noise layers
   * are always identities, so a report is deterministic.
   */
  training?: boolean;
  /** The label of the report in tables and chart legends. Default: the model's name. */
  label?: string;
}

const KNOWN = ['labels', 'seed', 'training', 'label'] as const;

interface Acc {
  leaf: Leaf;
  order: number;
  inputRms: number | null;
  preStd: number | null;
  outputShape: number[];
  stats: ReturnType<typeof outputStats> | null;
  opaque: string | null;
  isOutput: boolean;
  gradStd: number | null;
}

function std(t: Tensor): number {
  return moments(t.dataSync() as Float32Array).std;
}

/**
 * Diagnoses the initialization of a tfjs-layers model on a real batch: per layer the
 * output's mean, std and rms, the saturated (tanh, sigmoid) or dead (ReLU) fraction, the
 * number of distinct units (symmetry), the gradient std at the layer's output, and each
 * weight's std and gradient std against the std its initializer plans; a verdict in
 * {@link inspect}'s grammar (healthy, vanishing, exploding, saturated, symmetric). The
 * model's weights (and batch-norm statistics) are left unchanged.
 *
 * Layers it cannot see into (recurrent layers, wrappers, custom classes, non-float outputs)
 * are reported with `opaque` set and whatever statistics their output allows. Render the
 * report with `renderTable`, `renderChart`, `renderSvg` or `JSON.stringify`.
 *
 * @param model - A built `tf.LayersModel` (Sequential or functional, nested models included).
 * @param inputs - The batch: a `tf.Tensor`, `{ data, shape }` (e.g. `readNpy`'s result), or
 *   one per model input in an array or an object keyed by input name. At least 2 examples.
 * @param options - See {@link InspectModelOptions}.
 * @throws TypeError / RangeError naming the argument: not a model; inputs of the wrong
 *   count, shape or dtype, or with NaN or Infinity; labels that do not fit the loss.
 * @example
 * ```ts
 * const report = inspectModel(model, { data: x, shape: [64, 784] }, { labels: { data: y, shape: [64, 10] } });
 * console.log(renderTable(report));
 * ```
 */
export function inspectModel(model: TfLayers.LayersModel, inputs: Batch, options?: InspectModelOptions): ModelReport {
  const fn = 'tfjs.inspectModel';
  const t0 = performance.now();
  const { model: m, exec } = checkModel(fn, model);
  const o = readOptions(fn, options, KNOWN);
  const seed = (o.seed ?? 0) as Seed;
  seedWords(fn, 'options.seed', seed);
  if (o.training !== undefined && typeof o.training !== 'boolean') throw typeError(fn, 'options.training', 'a boolean', o.training);
  const training = (o.training ?? true) as boolean;
  if (o.label !== undefined && typeof o.label !== 'string') throw typeError(fn, 'options.label', 'a string', o.label);
  const tf = tfModules().core;

  const x = toTensors(fn, 'inputs', inputs, inputSpecs(exec));
  const owned: Tensor[] = [...x.owned];
  const restoreFrozen = keepFrozen(exec);
  let restoreCalls: (() => void) | undefined;
  try {
    if (x.batch < 2) throw dataError('range', fn, 'inputs', 'a batch of at least 2 examples', `${x.batch} example(s)`);
    let lossNames: string[] | null = null;
    let lossFns: ((y: Tensor, p: Tensor) => Tensor)[] = [];
    let labels: Tensor[] = [];
    if (o.labels !== undefined) {
      const l = lossesOf(fn, m, exec);
      lossNames = l.names;
      lossFns = l.fns;
      const y = toTensors(fn, 'options.labels', o.labels, labelSpecs(exec, l.names), x.batch);
      owned.push(...y.owned);
      labels = y.tensors;
      checkLabels(fn, labels, exec, l.names);
    }

    const leafList = leaves(exec);
    const accs = new Map<AnyLayer, Acc>();
    const rmsOf = new WeakMap<object, number>();
    let order = 0;
    restoreCalls = instrument(exec, {
      split: true,
      training: trainingFlag(training),
      onCall: ({ leaf, inputs: ins, pre, outputs }) => {
        if (accs.has(leaf.layer)) return; // a shared layer: its first call
        const y = outputs[0];
        const acc: Acc = {
          leaf, order: order++, inputRms: null, preStd: pre === null ? null : std(pre), outputShape: y instanceof tf.Tensor ? [...y.shape] : [],
          stats: null, opaque: opaqueReason(leaf.layer), isOutput: false, gradStd: null,
        };
        const x0 = ins[0];
        if (x0 instanceof tf.Tensor && x0.dtype === 'float32') acc.inputRms = rmsOf.get(x0) ?? moments(x0.dataSync() as Float32Array).rms;
        try {
          if (!(y instanceof tf.Tensor)) acc.opaque ??= 'its output is not a tensor';
          else if (y.dtype !== 'float32') acc.opaque ??= `its output is ${y.dtype}, not floating point`;
          else {
            acc.stats = outputStats(y, activationOf(leaf.layer), leaf.layer.dataFormat === 'channelsFirst');
            rmsOf.set(y, acc.stats.rms);
            if (outputs.length > 1) acc.opaque ??= `it returns ${outputs.length} tensors; the statistics are of the first`;
          }
        } catch (e) {
          acc.opaque = `its statistics could not be computed (${e instanceof Error ? e.message : String(e)})`;
        }
        accs.set(leaf.layer, acc);
      },
      onGrad: (leaf, k, dy) => {
        const acc = accs.get(leaf.layer);
        if (acc !== undefined && k === 0 && acc.gradStd === null) acc.gradStd = std(dy);
      },
    });

    const floatInputs = x.tensors.filter((t) => t.dtype === 'float32');
    const inputStd = floatInputs.length === 0 ? null : moments(concat(floatInputs)).std;
    for (const t of floatInputs) rmsOf.set(t, moments(t.dataSync() as Float32Array).rms);
    const vars = exec.trainableWeights.map((w) => w.read() as TfCore.Variable);
    const cotangents: Tensor[] = [];
    let outGrad: Float32Array | null = null;
    const gradTargets: Tensor[] = [...floatInputs, ...vars];
    let lossValue: number | null = null;
    const outputLayers = new Set(exec.outputLayers as unknown[]);

    const forward = (): Tensor => {
      const out = exec.apply(x.tensors.length === 1 ? x.tensors[0]! : x.tensors, { training }) as Tensor | Tensor[];
      const outs = Array.isArray(out) ? out : [out];
      // The gradient at the outputs, whatever its source, is recorded by an identity on each.
      const seenOut = outs.map((y) => probe(tf, y, (g) => {
        outGrad = outGrad === null ? Float32Array.from(g.dataSync() as Float32Array) : concat2(outGrad, g.dataSync() as Float32Array);
      }));
      if (labels.length > 0) {
        let total: Tensor | null = null;
        seenOut.forEach((y, i) => {
          const l = lossFns[i]!(labels[i]!, y);
          total = total === null ? l : tf.add(total, l);
        });
        let loss = tf.mean(total!);
        const reg = (exec as unknown as { calculateLosses?: () => Tensor[] }).calculateLosses?.() ?? [];
        for (const r of reg) loss = tf.add(loss, r);
        return loss;
      }
      let s: Tensor | null = null;
      seenOut.forEach((y, i) => {
        const c = cotangentFor(tf, y.shape, seed, 1 + i);
        cotangents.push(tf.keep(c));
        const term = tf.sum(tf.mul(y, c));
        s = s === null ? term : tf.add(s, term);
      });
      return s!;
    };

    let weightGrads: (Tensor | null)[] = vars.map(() => null);
    let inputGradStd: number | null = null;
    if (gradTargets.length > 0) {
      const { value, grads } = tf.engine().gradients(forward, gradTargets, undefined, true);
      lossValue = labels.length > 0 ? (value.dataSync()[0] ?? null) : null;
      value.dispose();
      const inGrads = grads.slice(0, floatInputs.length).filter((g): g is Tensor => g != null);
      if (inGrads.length > 0) inputGradStd = moments(concat(inGrads)).std;
      weightGrads = grads.slice(floatInputs.length);
      owned.push(...grads.filter((g): g is Tensor => g != null));
    } else {
      tf.tidy(() => { forward(); });
    }
    owned.push(...cotangents);
    const outputGradStd = outGrad === null ? NaN : moments(outGrad).std;

    // Weights: actual std, planned std, gradient std.
    const gradOf = new Map<unknown, Tensor | null>();
    exec.trainableWeights.forEach((w, i) => gradOf.set(w, weightGrads[i] ?? null));
    const where = locate(exec, new Set<unknown>(exec.weights));

    const reports: ModelLayerReport[] = [];
    const ordered = [...accs.values()].sort((a, b) => a.order - b.order);
    for (const leaf of leafList) if (!accs.has(leaf.layer)) ordered.push({ leaf, order: order++, inputRms: null, preStd: null, outputShape: [], stats: null, opaque: 'it did not run on this batch (not connected to the outputs)', isOutput: false, gradStd: null });
    ordered.forEach((acc, i) => {
      const layer = acc.leaf.layer;
      const weights: ModelWeightReport[] = (layer.weights as TfLayers.LayerVariable[]).map((w) => {
        const loc = where.get(w);
        const role = loc?.role ?? w.name.split('/').pop() ?? w.name;
        const init = loc === undefined ? undefined : initializerOf(loc.owner.obj, role);
        const spec = init === undefined ? undefined : schemeFor(init);
        const st = moments(Float32Array.from(w.read().dataSync() as Float32Array));
        const g = gradOf.get(w) ?? null;
        return {
          name: w.name, role, shape: [...(w.shape as number[])], trainable: w.trainable, mean: st.mean, std: st.std,
          initializer: init === undefined ? null : ((init.constructor as { className?: string }).className ?? init.getClassName()),
          plannedStd: spec === undefined ? null : plannedStd(spec, w.shape as number[]),
          gradStd: g === null ? null : std(g),
        };
      });
      const s = acc.stats;
      reports.push({
        index: i + 1, name: acc.leaf.path, className: classOf(layer), outputShape: acc.outputShape,
        units: s?.units ?? (acc.outputShape.length > 0 ? acc.outputShape[acc.outputShape.length - 1]! : 0),
        activation: activationOf(layer), opaque: acc.opaque, isOutput: outputLayers.has(layer),
        inputRms: acc.inputRms, preStd: acc.preStd,
        mean: s?.mean ?? null, std: s?.std ?? null, rms: s?.rms ?? null,
        saturated: s?.saturated ?? null, dead: s?.dead ?? null, deadNeurons: s?.deadNeurons ?? null,
        distinct: s?.distinct ?? null, gradStd: acc.gradStd, weights,
      });
    });

    const v = modelVerdict(reports, inputStd, inputGradStd, outputGradStd);
    return {
      kind: 'model',
      config: {
        model: m.name, className: classOf(m), label: (o.label as string | undefined) ?? m.name, batch: x.batch,
        seed: typeof seed === 'bigint' ? seed.toString() : seed, training,
        loss: lossNames === null ? null : [...new Set(lossNames)].join(', '),
        inputs: x.tensors.map((t) => [...t.shape]), outputs: exec.outputs.map((y) => y.shape.map((d) => d ?? x.batch)),
      },
      inputStd, inputGradStd, outputGradStd, loss: lossValue,
      signalRatio: v.signalRatio, gradientRatio: v.gradientRatio,
      layers: reports, verdict: v.verdict, elapsedMs: performance.now() - t0,
    };
  } finally {
    restoreCalls?.();
    restoreFrozen();
    for (const t of owned) t.dispose();
  }
}

function concat(ts: readonly Tensor[]): Float32Array {
  if (ts.length === 1) return ts[0]!.dataSync() as Float32Array;
  return ts.reduce<Float32Array>((a, t) => concat2(a, t.dataSync() as Float32Array), new Float32Array(0));
}

function concat2(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * The random cotangent of an output: nninit normal numbers of (seed, stream), element
 * (b, j) of a [batch, ...] output taking number j * batch + b (feature-major, as `inspect`).
 */
export function cotangentFor(tf: typeof TfCore, shape: readonly number[], seed: Seed, stream: number): Tensor {
  const n = shape.reduce((a, d) => a * d, 1);
  const b = shape[0] ?? 1;
  const per = b === 0 ? 0 : n / b;
  const z = fillNormal(new Float32Array(n), { seed, stream });
  const out = new Float32Array(n);
  for (let i = 0; i < b; i++) for (let j = 0; j < per; j++) out[i * per + j] = z[j * b + i]!;
  return tf.tensor(out, [...shape], 'float32');
}
