/**
 * The report of a real model's initialization (`inspectModel` in `nninit/tfjs`): its
 * types and its verdict, in the grammar of {@link inspect} (healthy, vanishing, exploding,
 * saturated, symmetric; the same {@link THRESHOLDS}, rules in the same order). No TF.js
 * here: the statistics are collected in lib/tfjs/, rendered by render.ts.
 *
 * @packageDocumentation
 */
import { THRESHOLDS, fmt, pct, type Verdict } from './inspect.js';

/** One weight tensor of a layer. */
export interface ModelWeightReport {
  /** The variable's name (`dense_Dense1/kernel`). */
  name: string;
  /** The attribute of the layer holding it: `kernel`, `bias`, `gamma`, `recurrentKernel`, ... */
  role: string;
  shape: number[];
  trainable: boolean;
  mean: number;
  std: number;
  /** The TF.js initializer class configured for it (`GlorotUniform`, `NninitInitializer`, ...), or null. */
  initializer: string | null;
  /**
   * The std that initializer plans for this shape (Glorot: sqrt(2 / (fanIn + fanOut)), He:
   * sqrt(2 / fanIn), ...; fans in TF.js's layout), or null when it has no closed form
   * (custom or unknown initializers). `std / plannedStd` far from 1 shows a wrong fan or
   * gain, weights set by other code, or TF.js's uncorrected truncated normals (0.88).
   */
  plannedStd: number | null;
  /** Std of the gradient of the loss with respect to this weight (null when not trainable or not reached). */
  gradStd: number | null;
}

/** Statistics of one layer's output on the batch. */
export interface ModelLayerReport {
  /** 1-based position in execution order. */
  index: number;
  /** The layer's name; inside a nested model, `outer/inner`. */
  name: string;
  /** The TF.js class (`Dense`, `Conv2D`, `BatchNormalization`, `LSTM`, ...). */
  className: string;
  /** The output's shape, batch first. */
  outputShape: number[];
  /** Units: the size of the feature axis (the last one, or axis 1 for channelsFirst). */
  units: number;
  /** The nonlinearity that ends the layer (`relu`, `tanh`, `softmax`, `linear`, ...), or null for layers without one. */
  activation: string | null;
  /** Why nninit cannot see into this layer (recurrent, wrapper, custom class, non-float output), or null. */
  opaque: string | null;
  /** Whether the layer's output is one of the model's outputs. */
  isOutput: boolean;
  /** Root mean square of the layer's (first) input. */
  inputRms: number | null;
  /** Std of the pre-activation x·W + b, for layers with a fused activation (Dense, Conv*, ...); else null. */
  preStd: number | null;
  /** Mean, std and rms of the output over the batch and every unit (null when it is not a float tensor). */
  mean: number | null;
  std: number | null;
  rms: number | null;
  /** tanh: fraction of |y| > 0.99; sigmoid (and hard sigmoid): fraction outside [0.01, 0.99]; else null. */
  saturated: number | null;
  /** relu, relu6: fraction of outputs exactly zero; else null. */
  dead: number | null;
  /** relu, relu6: fraction of units zero for every example (and position) of the batch; else null. */
  deadNeurons: number | null;
  /** Number of distinct units: units whose outputs over the batch differ in at least one bit. */
  distinct: number | null;
  /** Std of the gradient of the loss with respect to the layer's OUTPUT. */
  gradStd: number | null;
  /** The layer's weights. */
  weights: ModelWeightReport[];
}

/** The result of `inspectModel`. */
export interface ModelReport {
  /** Tells model reports from {@link inspect}'s synthetic ones. */
  kind: 'model';
  config: {
    /** The model's name. */
    model: string;
    /** `Sequential` or `LayersModel` (functional). */
    className: string;
    /** The label charts and tables use (default: the model's name). */
    label: string;
    /** Examples in the batch. */
    batch: number;
    /** Seed of the random cotangent (when no labels). */
    seed: number | string;
    /** Batch normalization ran on batch statistics (training mode). */
    training: boolean;
    /** The compiled loss when labels were given, else null (a unit-variance random cotangent was used). */
    loss: string | null;
    /** Shapes of the inputs and outputs. */
    inputs: number[][];
    outputs: number[][];
  };
  /** Std of the floating-point inputs (null for integer inputs such as token ids). */
  inputStd: number | null;
  /** Std of the gradient with respect to the floating-point inputs (null for integer inputs). */
  inputGradStd: number | null;
  /** Std of the gradient injected at the outputs (the loss's, or the random cotangent's). */
  outputGradStd: number;
  /** The loss on the batch (with labels), else null. */
  loss: number | null;
  /** Std of the last hidden layer's output divided by the input's (as {@link inspect}). */
  signalRatio: number;
  /** Gradient std at the input end divided by the output gradient's. */
  gradientRatio: number;
  layers: ModelLayerReport[];
  verdict: Verdict;
  elapsedMs: number;
}

/** Whether a value is a {@link ModelReport} (rather than an {@link inspect} report). */
export function isModelReport(r: unknown): r is ModelReport {
  return typeof r === 'object' && r !== null && (r as { kind?: unknown }).kind === 'model';
}

function label(l: ModelLayerReport): string {
  return `layer ${l.index} (${l.name})`;
}

/**
 * The verdict of a model report, by the rules of {@link inspect} (first match wins):
 * symmetric (a weight layer with more than one unit has a single distinct unit while its
 * input carries signal), exploding (a non-finite statistic), saturated (a hidden tanh or
 * sigmoid layer over 50% saturated), exploding / vanishing (signal or gradient ratio
 * beyond 100 or below 0.01), saturated (over 50% dead ReLU units in a hidden layer),
 * healthy. "Hidden" layers are those whose output is not a model output; the signal ratio
 * compares the last hidden layer with the input (with integer inputs, with the first
 * floating-point layer); the gradient ratio compares the gradient at the input end with
 * the one injected at the outputs.
 */
export function modelVerdict(layers: readonly ModelLayerReport[], inputStd: number | null, inputGradStd: number | null, outputGradStd: number): { verdict: Verdict; signalRatio: number; gradientRatio: number } {
  const seen = layers.filter((l) => l.std !== null);
  const hidden = seen.filter((l) => !l.isOutput);
  const last = hidden.length > 0 ? hidden[hidden.length - 1]! : seen[seen.length - 1];
  const first = seen[0];
  const refStd = inputStd ?? first?.std ?? NaN;
  const refGrad = inputGradStd ?? first?.gradStd ?? NaN;
  const signalRatio = last === undefined ? NaN : last.std! / refStd;
  const gradientRatio = refGrad / outputGradStd;
  const wrap = (verdict: Verdict) => ({ verdict, signalRatio, gradientRatio });

  for (const l of layers) {
    if (l.weights.some((w) => w.trainable) && l.units > 1 && l.distinct === 1 && (l.inputRms ?? 0) > THRESHOLDS.underflow) {
      return wrap({
        status: 'symmetric',
        reason: `${label(l)} has 1 distinct unit out of ${l.units}: every unit computes the same function and receives the same gradient, so training cannot tell them apart (symmetric weights such as all zeros).`,
      });
    }
  }
  const bad = layers.find((l) => (l.std !== null && !Number.isFinite(l.std)) || (l.gradStd !== null && !Number.isFinite(l.gradStd)));
  if (bad !== undefined) {
    return wrap({ status: 'exploding', reason: `Activations or gradients overflowed float32 (Infinity or NaN) at ${label(bad)}: the weights are far too large for this depth.` });
  }
  for (const l of hidden) {
    if (l.saturated !== null && l.saturated > THRESHOLDS.saturated) {
      const what = l.activation === 'tanh' ? '|tanh| > 0.99' : `${l.activation} outside [0.01, 0.99]`;
      return wrap({ status: 'saturated', reason: `${pct(l.saturated)} of ${label(l)}'s ${l.activation} outputs are saturated (${what}), where the derivative is nearly zero: the weights are too large.` });
    }
  }
  const where = last === undefined ? 'the last layer' : label(last);
  if (signalRatio > THRESHOLDS.exploding) {
    return wrap({ status: 'exploding', reason: `Activation std grows ${fmt(signalRatio)}x from the input to ${where} (threshold ${THRESHOLDS.exploding}x): the weights are too large for this depth.` });
  }
  if (gradientRatio > THRESHOLDS.exploding) {
    return wrap({ status: 'exploding', reason: `Gradient std grows ${fmt(gradientRatio)}x from the output back to the input (threshold ${THRESHOLDS.exploding}x).` });
  }
  if (signalRatio < THRESHOLDS.vanishing) {
    return wrap({ status: 'vanishing', reason: `Activation std falls to ${fmt(signalRatio)} of the input's by ${where} (threshold ${THRESHOLDS.vanishing}): the weights are too small for this depth.` });
  }
  if (gradientRatio < THRESHOLDS.vanishing) {
    return wrap({ status: 'vanishing', reason: `Gradient std falls to ${fmt(gradientRatio)} of the output's by the time it reaches the input (threshold ${THRESHOLDS.vanishing}).` });
  }
  for (const l of hidden) {
    if (l.deadNeurons !== null && l.deadNeurons > THRESHOLDS.saturated) {
      return wrap({ status: 'saturated', reason: `${pct(l.deadNeurons)} of ${label(l)}'s ReLU units are dead (zero for the whole batch), so no gradient flows through them.` });
    }
  }
  return wrap({
    status: 'healthy',
    reason: `Activation std ends at ${fmt(signalRatio)}x the input's and the input gradient at ${fmt(gradientRatio)}x the output's, both within [${THRESHOLDS.vanishing}, ${THRESHOLDS.exploding}], with no saturation or symmetry.`,
  });
}
