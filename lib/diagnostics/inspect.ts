/**
 * Signal-propagation diagnostics, the report: checks the options, runs the network
 * (./network.ts: forward a standard-normal batch through a fully connected network
 * initialized by nninit, backpropagate a unit-variance Gaussian gradient) and reports layer
 * by layer how the activations and gradients behave, with a verdict (healthy, vanishing,
 * exploding, saturated or symmetric).
 *
 * @packageDocumentation
 */
import { rangeError, typeError } from '../errors.js';
import { bool, intIn, nonNegative, positive, readOptions } from '../validate.js';
import { seedWords, type Seed } from '../seed.js';
import { propagate, type LayerReport } from './network.js';
import { now } from '../platform.js';
import {
  ACTIVATIONS,
  checkInitializer,
  initializerLabel,
  resolveInitializer,
  type Activation,
  type InitializerSpec,
} from './registry.js';

/** Options of {@link inspect}. */
export interface InspectOptions {
  /** Layer widths, input first: `[784, ...Array(20).fill(512), 10]` is 21 weight layers. At least 2 entries. */
  layers: readonly number[];
  /** Hidden-layer activation. Default 'relu'. */
  activation?: Activation;
  /** Initializer name (`'kaiming-normal'`, `'normal:0.01'`, ...) or spec. Default 'kaiming-normal'. */
  init?: string | InitializerSpec;
  /** Examples in the batch, >= 2. Default 256. */
  batch?: number;
  /** Seed of the input batch, the injected gradient and every weight tensor. Default 0. */
  seed?: Seed;
  /** Residual connections h = h_prev + f(W h_prev) on hidden layers whose input and output widths match. Default false. */
  residual?: boolean;
  /** Per-feature batch normalization of hidden pre-activations (gamma 1, beta 0, eps 1e-5). Default false. */
  batchNorm?: boolean;
  /** Slope of leaky_relu for x < 0. Default 0.01. */
  negativeSlope?: number;
  /** Multiplies the weights of residual layers, e.g. 1 / sqrt(2 * depth) as in GPT-2. Default 1. */
  branchScale?: number;
  /** Apply the activation on the last layer too. Default false: the output layer is linear (logits). */
  outputActivation?: boolean;
}

export type { LayerReport };

/** The network-level verdict. */
export type VerdictStatus = 'healthy' | 'vanishing' | 'exploding' | 'saturated' | 'symmetric';

/** A verdict and the sentence that explains it. */
export interface Verdict {
  status: VerdictStatus;
  reason: string;
}

/** The result of {@link inspect}. */
export interface InspectReport {
  /** The normalized options (seed as a decimal string when it was a bigint). */
  config: {
    layers: number[];
    activation: Activation;
    init: InitializerSpec;
    label: string;
    batch: number;
    seed: number | string;
    residual: boolean;
    batchNorm: boolean;
    negativeSlope: number;
    branchScale: number;
    outputActivation: boolean;
  };
  /** Std of the standard-normal input batch (about 1). */
  inputStd: number;
  /** Std of the injected output gradient (about 1). */
  outputGradStd: number;
  /** Std of the last hidden layer's activations divided by the input's. */
  signalRatio: number;
  /** Gradient std at the network input (layer 1's gradStd) divided by the output gradient's. */
  gradientRatio: number;
  /** One entry per weight layer. */
  layers: LayerReport[];
  verdict: Verdict;
  /** Wall-clock time of the report in milliseconds. */
  elapsedMs: number;
}

/**
 * The verdict thresholds. Ratios compare a std with the input's (forward) or with the
 * injected output gradient's (backward), over the whole depth.
 */
export const THRESHOLDS = Object.freeze({
  /** vanishing when the last hidden layer's activation std, or the input gradient's std, is below this fraction. */
  vanishing: 1e-2,
  /** exploding when either ratio is above this factor (or a value overflowed). */
  exploding: 1e2,
  /** saturated when a hidden layer has more than this fraction of saturated outputs or dead ReLU neurons. */
  saturated: 0.5,
  /** symmetric needs the layer's input rms above this, so float32 underflow is not mistaken for symmetry. */
  underflow: 1e-20,
});

/** Most elements a single activation matrix may hold (keeps a typo from allocating gigabytes). */
const MAX_ACTIVATION_ELEMENTS = 2 ** 26;

/** The names of {@link InspectOptions}. */
const INSPECT_OPTIONS = ['layers', 'activation', 'init', 'batch', 'seed', 'residual', 'batchNorm', 'negativeSlope', 'branchScale', 'outputActivation'];

/** Checks and normalizes {@link InspectOptions}; throws TypeError/RangeError naming the option. */
export function checkInspectOptions(options: unknown, fn = 'inspect'): InspectReport['config'] {
  if (options === undefined) throw typeError(fn, 'options', 'an object with at least { layers }', options);
  const o = readOptions(fn, options, INSPECT_OPTIONS);
  if (!Array.isArray(o.layers)) throw typeError(fn, 'options.layers', 'an array of layer widths such as [784, 512, 10]', o.layers);
  if (o.layers.length < 2 || o.layers.length > 10001) {
    throw rangeError(fn, 'options.layers', 'an array of 2 to 10001 widths (input first)', o.layers);
  }
  const layers = o.layers.map((w: unknown, i: number) => intIn(fn, `options.layers[${i}]`, w, 1, 65536));
  let activation: Activation = 'relu';
  if (o.activation !== undefined) {
    if (typeof o.activation !== 'string' || !(ACTIVATIONS as readonly string[]).includes(o.activation)) {
      const expected = `one of ${ACTIVATIONS.map((a) => JSON.stringify(a)).join(', ')}`;
      throw (typeof o.activation === 'string' ? rangeError : typeError)(fn, 'options.activation', expected, o.activation);
    }
    activation = o.activation as Activation;
  }
  const init = checkInitializer(fn, 'options.init', o.init ?? 'kaiming-normal');
  const batch = intIn(fn, 'options.batch', o.batch, 2, 1 << 20, 256);
  for (const w of layers) {
    if (w * batch > MAX_ACTIVATION_ELEMENTS) throw rangeError(fn, 'options.batch', `at most ${Math.floor(MAX_ACTIVATION_ELEMENTS / w)} for width ${w} (batch x width <= 2^26)`, o.batch);
  }
  const seed = o.seed ?? 0;
  seedWords(fn, 'options.seed', seed);
  const residual = bool(fn, 'options.residual', o.residual, false);
  const batchNorm = bool(fn, 'options.batchNorm', o.batchNorm, false);
  const outputActivation = bool(fn, 'options.outputActivation', o.outputActivation, false);
  const negativeSlope = nonNegative(fn, 'options.negativeSlope', o.negativeSlope, 0.01);
  const branchScale = positive(fn, 'options.branchScale', o.branchScale, 1);
  return {
    layers,
    activation,
    init,
    label: initializerLabel(init),
    batch,
    seed: typeof seed === 'bigint' ? seed.toString() : (seed as number),
    residual,
    batchNorm,
    negativeSlope,
    branchScale,
    outputActivation,
  };
}

/** A ratio or std for a verdict sentence: 3 significant digits, or 1.5e-13. */
export function fmt(x: number): string {
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return String(x);
  return x >= 0.01 && x < 1000 ? String(+x.toPrecision(3)) : x.toExponential(1);
}

function verdictOf(cfg: InspectReport['config'], layers: LayerReport[], inRms: number[], inputStd: number, outGrad: number): { verdict: Verdict; signalRatio: number; gradientRatio: number } {
  let hidden = layers.filter((l) => l.index < layers.length || cfg.outputActivation);
  if (hidden.length === 0) hidden = layers;
  const last = hidden[hidden.length - 1]!;
  const signalRatio = last.std / inputStd;
  const gradientRatio = layers[0]!.gradStd / outGrad;
  const act = cfg.activation;

  for (const l of layers) {
    if (l.fanOut > 1 && l.distinct === 1 && inRms[l.index - 1]! > THRESHOLDS.underflow) {
      return {
        verdict: {
          status: 'symmetric',
          reason: `Layer ${l.index} has 1 distinct neuron out of ${l.fanOut}: every unit computes the same function and receives the same gradient, so training cannot tell them apart (symmetric weights such as all zeros).`,
        },
        signalRatio,
        gradientRatio,
      };
    }
  }
  const bad = [...layers.map((l) => l.std), ...layers.map((l) => l.gradStd)].some((v) => !Number.isFinite(v));
  if (bad) {
    return { verdict: { status: 'exploding', reason: 'Activations or gradients overflowed float32 (Infinity or NaN): the weights are far too large for this depth.' }, signalRatio, gradientRatio };
  }
  for (const l of hidden) {
    if (l.saturated !== null && l.saturated > THRESHOLDS.saturated) {
      const what = act === 'tanh' ? '|tanh| > 0.99' : 'sigmoid outside [0.01, 0.99]';
      return {
        verdict: { status: 'saturated', reason: `${pct(l.saturated)} of layer ${l.index}'s ${act} outputs are saturated (${what}), where the derivative is nearly zero: the weights are too large.` },
        signalRatio,
        gradientRatio,
      };
    }
  }
  if (signalRatio > THRESHOLDS.exploding) {
    return { verdict: { status: 'exploding', reason: `Activation std grows ${fmt(signalRatio)}x from the input to layer ${last.index} (threshold ${THRESHOLDS.exploding}x): the weights are too large for this depth.` }, signalRatio, gradientRatio };
  }
  if (gradientRatio > THRESHOLDS.exploding) {
    return { verdict: { status: 'exploding', reason: `Gradient std grows ${fmt(gradientRatio)}x from the output back to the input (threshold ${THRESHOLDS.exploding}x).` }, signalRatio, gradientRatio };
  }
  if (signalRatio < THRESHOLDS.vanishing) {
    return { verdict: { status: 'vanishing', reason: `Activation std falls to ${fmt(signalRatio)} of the input's by layer ${last.index} (threshold ${THRESHOLDS.vanishing}): the weights are too small for this depth.` }, signalRatio, gradientRatio };
  }
  if (gradientRatio < THRESHOLDS.vanishing) {
    return { verdict: { status: 'vanishing', reason: `Gradient std falls to ${fmt(gradientRatio)} of the output's by the time it reaches the input (threshold ${THRESHOLDS.vanishing}).` }, signalRatio, gradientRatio };
  }
  // Dead ReLUs last: an exploding or vanishing signal kills neurons as a side effect.
  for (const l of hidden) {
    if (l.deadNeurons !== null && l.deadNeurons > THRESHOLDS.saturated) {
      return {
        verdict: { status: 'saturated', reason: `${pct(l.deadNeurons)} of layer ${l.index}'s ReLU neurons are dead (zero for the whole batch), so no gradient flows through them.` },
        signalRatio,
        gradientRatio,
      };
    }
  }
  return {
    verdict: { status: 'healthy', reason: `Activation std ends at ${fmt(signalRatio)}x the input's and the input gradient at ${fmt(gradientRatio)}x the output's, both within [${THRESHOLDS.vanishing}, ${THRESHOLDS.exploding}], with no saturation or symmetry.` },
    signalRatio,
    gradientRatio,
  };
}

/** A fraction as a percentage for a verdict sentence. */
export function pct(x: number): string {
  return `${(100 * x).toFixed(x < 0.995 && x > 0.005 ? 0 : 1)}%`;
}

/**
 * Diagnoses an initialization by signal propagation through a fully connected network.
 *
 * Forwards a standard-normal batch (`fillNormal`, seed, stream 0) through layers
 * `h_l = f(BN?(h_{l-1} W_l^T))` (plus `h_{l-1}` with residual connections), then
 * backpropagates a unit-variance Gaussian gradient (seed, stream 1) injected at the
 * output. Layer l's weights use stream l + 1 of the seed, so every initializer in a
 * comparison sees the same input and gradient.
 *
 * @param options - See {@link InspectOptions}; only `layers` is required.
 * @returns Per-layer statistics and a verdict; see {@link InspectReport}.
 * @throws TypeError / RangeError naming the option and the value received.
 * @example
 * ```ts
 * const r = inspect({ layers: [784, ...Array(20).fill(512), 10], activation: 'tanh', init: 'xavier-normal' });
 * r.verdict.status; // 'healthy'
 * ```
 */
export function inspect(options: InspectOptions): InspectReport {
  const t0 = now();
  const cfg = checkInspectOptions(options);
  const seed: Seed = typeof cfg.seed === 'string' ? BigInt(cfg.seed) : cfg.seed;
  const { inputStd, outputGradStd, layers: reports, inRms } = propagate({
    ...cfg, seed, init: resolveInitializer(cfg.init, cfg.activation, cfg.negativeSlope),
  });
  const v = verdictOf(cfg, reports, inRms, inputStd, outputGradStd);
  return {
    config: cfg,
    inputStd,
    outputGradStd,
    signalRatio: v.signalRatio,
    gradientRatio: v.gradientRatio,
    layers: reports,
    verdict: v.verdict,
    elapsedMs: now() - t0,
  };
}
