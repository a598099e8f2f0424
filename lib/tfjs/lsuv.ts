/**
 * `lsuv(model, inputs, options)`: layer-sequential unit-variance initialization (Mishkin &
 * Matas, "All you need is a good init", ICLR 2016) of a tfjs-layers model.
 *
 * @packageDocumentation
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';
import { moments } from '../diagnostics/network.js';
import { rangeError, typeError, dataError } from '../errors.js';
import { readOptions } from '../validate.js';
import { resolveSeed, seedWords, type Seed } from '../seed.js';
import { tfModules } from './loader.js';
import { schemeValues } from './initializer.js';
import { inputSpecs, toTensors, type Batch } from './data.js';
import { FUSED, checkModel, classOf, instrument, keepFrozen, leaves, trainingFlag, type AnyLayer } from './instrument.js';

type Tensor = TfCore.Tensor;

/** Options of {@link lsuv}. */
export interface LsuvOptions {
  /** Stop rescaling a layer when its pre-activation variance is within 1 ± tol. Default 0.1. */
  tol?: number;
  /** Most rescalings per layer. Default 10. */
  maxIter?: number;
  /**
   * Seed of the orthonormal pre-initialization: weight layer i (in order) takes stream i,
   * so the result is the same for the same seed, model and batch. Omitted: each layer
   * takes the process-wide generator's next stream (`manualSeed`, `NNINIT_SEED`).
   */
  seed?: Seed;
  /** Start from orthonormal kernels, as the paper does. Default true; false rescales the current kernels. */
  orthonormal?: boolean;
  /** Batch normalization on batch statistics (its moving statistics are restored). Default true. */
  training?: boolean;
}

/** What {@link lsuv} did to one layer. */
export interface LsuvLayerReport {
  /** 1-based position among the rescaled layers. */
  index: number;
  /** The layer's name (`outer/inner` in nested models). */
  name: string;
  className: string;
  /** The kernel rescaled (`dense_Dense1/kernel`) and its shape. */
  weight: string;
  shape: number[];
  /** Seed and stream of its orthonormal kernel (null with `orthonormal: false`). */
  seed: number | bigint | null;
  stream: number | bigint | null;
  /** Variance of the pre-activation before any rescaling (after the orthonormal kernel). */
  initialVariance: number;
  /** Rescalings done. */
  iterations: number;
  /** Variance of the pre-activation x·W + b after the last rescaling, on the batch. */
  variance: number;
  /** The factor the kernel was multiplied by in all. */
  scale: number;
  /** Whether |variance - 1| < tol. */
  converged: boolean;
}

/** The result of {@link lsuv}. */
export interface LsuvReport {
  tol: number;
  maxIter: number;
  /** The layers rescaled, in order. */
  layers: LsuvLayerReport[];
  /** Layers with weights that LSUV leaves alone, and why. */
  skipped: { name: string; className: string; reason: string }[];
  elapsedMs: number;
}

/** The kernel LSUV rescales: the last linear map of the layer. */
function kernelOf(layer: AnyLayer): TfLayers.LayerVariable | undefined {
  const k = (layer.pointwiseKernel ?? layer.kernel ?? layer.depthwiseKernel) as TfLayers.LayerVariable | undefined;
  return k !== undefined && k !== null && typeof (k as { read?: unknown }).read === 'function' ? k : undefined;
}

function variance(t: Tensor): number {
  const s = moments(t.dataSync() as Float32Array).std;
  return s * s;
}

/**
 * Layer-sequential unit-variance initialization (Mishkin & Matas, 2015): every weight layer
 * (Dense, Conv1D/2D/3D, their transposes, separable and depthwise convolutions) first gets
 * an orthonormal kernel (nninit's `orthogonal`, keras layout, seeded), then, in the order
 * the model runs them, its kernel is divided by the square root of the variance of its
 * pre-activation output (x·W + b for a layer with a fused activation) on the batch until
 * that variance is 1 ± `tol`, or `maxIter` rescalings. Each layer is measured on the
 * outputs of the layers before it, already rescaled. Biases and other weights are left as
 * they are. On error the model is left unchanged.
 *
 * @param model - A built tf.LayersModel.
 * @param inputs - The batch (same forms as `inspectModel`'s).
 * @param options - See {@link LsuvOptions}.
 * @returns Per layer: iterations and final variance; see {@link LsuvReport}.
 * @throws TypeError / RangeError naming the argument (as `inspectModel`).
 * @example
 * ```ts
 * const report = lsuv(model, batch, { seed: 42 });
 * report.layers.every((l) => l.converged); // true
 * ```
 */
export function lsuv(model: TfLayers.LayersModel, inputs: Batch, options?: LsuvOptions): LsuvReport {
  const fn = 'tfjs.lsuv';
  const t0 = performance.now();
  const { exec } = checkModel(fn, model);
  const o = readOptions(fn, options, ['tol', 'maxIter', 'seed', 'orthonormal', 'training']);
  const tol = o.tol ?? 0.1;
  if (typeof tol !== 'number') throw typeError(fn, 'options.tol', 'a number in (0, 1)', tol);
  if (!(tol > 0 && tol < 1)) throw rangeError(fn, 'options.tol', 'a number in (0, 1)', tol);
  const maxIter = o.maxIter ?? 10;
  if (typeof maxIter !== 'number') throw typeError(fn, 'options.maxIter', 'an integer in [1, 1000]', maxIter);
  if (!Number.isInteger(maxIter) || maxIter < 1 || maxIter > 1000) throw rangeError(fn, 'options.maxIter', 'an integer in [1, 1000]', maxIter);
  if (o.seed !== undefined) seedWords(fn, 'options.seed', o.seed);
  for (const k of ['orthonormal', 'training'] as const) if (o[k] !== undefined && typeof o[k] !== 'boolean') throw typeError(fn, `options.${k}`, 'a boolean', o[k]);
  const orthonormal = (o.orthonormal ?? true) as boolean;
  const training = (o.training ?? true) as boolean;
  const tf = tfModules().core;

  const x = toTensors(fn, 'inputs', inputs, inputSpecs(exec));
  const skipped: LsuvReport['skipped'] = [];
  const targets: { name: string; layer: AnyLayer; kernel: TfLayers.LayerVariable }[] = [];
  for (const leaf of leaves(exec)) {
    const cls = classOf(leaf.layer);
    const k = FUSED.has(cls) ? kernelOf(leaf.layer) : undefined;
    if (k !== undefined) targets.push({ name: leaf.path, layer: leaf.layer, kernel: k });
    else if ((leaf.layer.trainableWeights as unknown[]).length > 0) {
      skipped.push({ name: leaf.path, className: cls, reason: 'not a convolution or fully connected layer (LSUV rescales those only)' });
    }
  }
  const originals = targets.map((t) => tf.clone(t.kernel.read()));
  const restoreFrozen = keepFrozen(exec);
  let restoreCalls: (() => void) | undefined;
  let ok = false;
  try {
    if (x.batch < 2) throw dataError('range', fn, 'inputs', 'a batch of at least 2 examples', `${x.batch} example(s)`);
    // Orthonormal kernels, all computed (and every option checked) before the first write.
    const keys = orthonormal ? targets.map((_, i) => (o.seed === undefined ? resolveSeed(fn, undefined, undefined) : { seed: o.seed as Seed, stream: i })) : [];
    if (orthonormal) {
      const values = targets.map((t, i) => schemeValues('orthogonal', t.kernel.shape as number[], { seed: keys[i]!.seed as Seed, stream: keys[i]!.stream as Seed }));
      targets.forEach((t, i) => {
        const v = tf.tensor(values[i]!, t.kernel.shape as number[], 'float32');
        t.kernel.write(v);
        v.dispose();
      });
    }
    const results = new Map<AnyLayer, LsuvLayerReport>();
    const byLayer = new Map(targets.map((t, i) => [t.layer, { ...t, i }]));
    restoreCalls = instrument(exec, {
      split: true,
      training: trainingFlag(training),
      preActivation: (leaf, pre, rerun) => {
        const t = byLayer.get(leaf.layer);
        if (t === undefined || results.has(leaf.layer)) return pre;
        let v = variance(pre);
        const initialVariance = v;
        let iterations = 0;
        let scale = 1;
        while (!(Math.abs(v - 1) < tol) && iterations < maxIter && v > 0 && Number.isFinite(v)) {
          const s = 1 / Math.sqrt(v);
          tf.tidy(() => { t.kernel.write(tf.mul(t.kernel.read(), s)); });
          scale *= s;
          pre.dispose();
          pre = rerun();
          v = variance(pre);
          iterations++;
        }
        const key = keys[t.i];
        results.set(leaf.layer, {
          index: t.i + 1, name: t.name, className: classOf(leaf.layer), weight: t.kernel.name, shape: [...(t.kernel.shape as number[])],
          seed: key?.seed ?? null, stream: key?.stream ?? null,
          initialVariance, iterations, variance: v, scale, converged: Math.abs(v - 1) < tol,
        });
        return pre;
      },
    });
    tf.tidy(() => { exec.apply(x.tensors.length === 1 ? x.tensors[0]! : x.tensors, { training }); });
    for (const t of targets) {
      if (!results.has(t.layer)) skipped.push({ name: t.name, className: classOf(t.layer), reason: 'it did not run on this batch (not connected to the outputs)' });
    }
    ok = true;
    return { tol, maxIter, layers: targets.filter((t) => results.has(t.layer)).map((t) => results.get(t.layer)!), skipped, elapsedMs: performance.now() - t0 };
  } finally {
    restoreCalls?.();
    restoreFrozen();
    if (!ok) targets.forEach((t, i) => t.kernel.write(originals[i]!));
    for (const t of originals) t.dispose();
    for (const t of x.owned) t.dispose();
  }
}
