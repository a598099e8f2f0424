/**
 * Signal-propagation diagnostics: forwards a standard-normal batch through a fully
 * connected network initialized by nninit, backpropagates a unit-variance Gaussian
 * gradient, and reports layer by layer how the activations and gradients behave, with a
 * verdict (healthy, vanishing, exploding, saturated or symmetric).
 *
 * This is diagnostics, not the bit-exact value path: activations use Math.tanh/Math.exp.
 * It is deterministic for a given seed on a given machine (same operations in the same
 * order), which is what the tests rely on.
 *
 * @packageDocumentation
 */
import { fillNormal } from '../random.js';
import { rangeError, typeError } from '../errors.js';
import { checkOptions, u64 } from '../validate.js';
import type { Seed } from '../seed.js';
import { matmul } from './matmul.js';
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

/** Statistics of one weight layer. */
export interface LayerReport {
  /** 1-based index of the weight layer. */
  index: number;
  /** Width of the layer's input. */
  fanIn: number;
  /** Width of the layer's output. */
  fanOut: number;
  /** Activation applied at this layer ('linear' for the output layer unless `outputActivation`). */
  activation: Activation;
  /** Whether a residual connection adds the layer's input to its output. */
  residual: boolean;
  /** Std of the pre-activations W h (after batch norm when enabled). */
  preStd: number;
  /** Mean of the layer's output activations over the batch and the features. */
  mean: number;
  /** Std of the layer's output activations over the batch and the features. */
  std: number;
  /** Root mean square of the output activations (the second moment Kaiming preserves). */
  rms: number;
  /** tanh: fraction of |tanh| > 0.99; sigmoid: fraction outside [0.01, 0.99]; else null. */
  saturated: number | null;
  /** relu: fraction of outputs exactly zero; else null. */
  dead: number | null;
  /** relu: fraction of neurons that output zero for every example of the batch; else null. */
  deadNeurons: number | null;
  /** Std of the gradient of the loss with respect to this layer's INPUT (the previous layer's output). */
  gradStd: number;
  /** Number of distinct neurons: neurons whose output vectors over the batch differ bit for bit (all dead ReLU neurons count as one). */
  distinct: number;
}

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

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
const EPS_BN = 1e-5;

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): enough for a diagnostic GELU. */
function erf(x: number): number {
  const s = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}

/** Applies the activation to `z` into `out`; writes f'(z) into `deriv`. */
function activate(act: Activation, slope: number, z: Float32Array, out: Float32Array, deriv: Float32Array): void {
  const n = z.length;
  switch (act) {
    case 'linear':
      out.set(z);
      deriv.fill(1);
      return;
    case 'relu':
      for (let i = 0; i < n; i++) {
        const x = z[i]!;
        if (x > 0) { out[i] = x; deriv[i] = 1; } else { out[i] = 0; deriv[i] = 0; }
      }
      return;
    case 'leaky_relu':
      for (let i = 0; i < n; i++) {
        const x = z[i]!;
        if (x > 0) { out[i] = x; deriv[i] = 1; } else { out[i] = slope * x; deriv[i] = slope; }
      }
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) {
        const t = Math.tanh(z[i]!);
        out[i] = t;
        deriv[i] = 1 - t * t;
      }
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const s = 1 / (1 + Math.exp(-z[i]!));
        out[i] = s;
        deriv[i] = s * (1 - s);
      }
      return;
    case 'selu':
      for (let i = 0; i < n; i++) {
        const x = z[i]!;
        if (x > 0) { out[i] = SELU_SCALE * x; deriv[i] = SELU_SCALE; } else {
          const e = Math.exp(x);
          out[i] = SELU_SCALE * SELU_ALPHA * (e - 1);
          deriv[i] = SELU_SCALE * SELU_ALPHA * e;
        }
      }
      return;
    case 'gelu':
      for (let i = 0; i < n; i++) {
        const x = z[i]!;
        const cdf = 0.5 * (1 + erf(x * Math.SQRT1_2));
        out[i] = x * cdf;
        deriv[i] = cdf + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI);
      }
      return;
    case 'silu':
      for (let i = 0; i < n; i++) {
        const x = z[i]!;
        const s = 1 / (1 + Math.exp(-x));
        out[i] = x * s;
        deriv[i] = s * (1 + x * (1 - s));
      }
      return;
  }
}

interface Moments { mean: number; std: number; rms: number }

function moments(a: Float32Array): Moments {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    s += v;
    s2 += v * v;
  }
  const n = a.length;
  const mean = s / n;
  const ms = s2 / n;
  // Two-pass std: the one-pass formula cancels badly when |mean| >> std (sigmoid outputs).
  let d2 = 0;
  for (let i = 0; i < n; i++) {
    const d = a[i]! - mean;
    d2 += d * d;
  }
  return { mean, std: Math.sqrt(d2 / n), rms: Math.sqrt(ms) };
}

/**
 * Distinct rows of a neurons x batch matrix (one row per neuron), compared bit for bit
 * (-0 counts as +0): rows are hashed, and rows whose hashes collide are compared exactly.
 */
function distinctRows(h: Float32Array, rows: number, cols: number): number {
  const bits = new Uint32Array(h.buffer, h.byteOffset, h.length);
  const groups = new Map<string, number[]>();
  let distinct = 0;
  const same = (r1: number, r2: number): boolean => {
    for (let c = 0; c < cols; c++) {
      const a = bits[r1 * cols + c]!, b = bits[r2 * cols + c]!;
      if (a !== b && !((a | b) === 0x80000000 && (a & b) === 0)) return false;
    }
    return true;
  };
  for (let r = 0; r < rows; r++) {
    let h1 = 0x811c9dc5;
    let h2 = 0x9e3779b9;
    for (let c = r * cols, e = c + cols; c < e; c++) {
      let w = bits[c]!;
      if (w === 0x80000000) w = 0;
      h1 = Math.imul(h1 ^ w, 0x01000193);
      h2 = Math.imul((h2 + w) ^ (h2 >>> 15), 0x2c1b3c6d);
    }
    const key = `${h1},${h2}`;
    const reps = groups.get(key);
    if (reps === undefined) {
      groups.set(key, [r]);
      distinct++;
    } else if (!reps.some((q) => same(q, r))) {
      reps.push(r);
      distinct++;
    }
  }
  return distinct;
}

/** Standardizes each row (feature) of z (rows x batch) over the batch in place; returns 1/sigma per row. */
function batchNormForward(z: Float32Array, rows: number, batch: number): Float64Array {
  const inv = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * batch;
    let s = 0;
    for (let j = 0; j < batch; j++) s += z[o + j]!;
    const mean = s / batch;
    let v = 0;
    for (let j = 0; j < batch; j++) { const d = z[o + j]! - mean; v += d * d; }
    const k = 1 / Math.sqrt(v / batch + EPS_BN);
    inv[r] = k;
    for (let j = 0; j < batch; j++) z[o + j] = (z[o + j]! - mean) * k;
  }
  return inv;
}

/** In place: g <- dL/dz from g = dL/dzhat, for zhat = batch-normalized z (rows x batch). */
function batchNormBackward(g: Float32Array, zhat: Float32Array, inv: Float64Array, rows: number, batch: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * batch;
    let mg = 0;
    let mgz = 0;
    for (let j = 0; j < batch; j++) { mg += g[o + j]!; mgz += g[o + j]! * zhat[o + j]!; }
    mg /= batch;
    mgz /= batch;
    const k = inv[r]!;
    for (let j = 0; j < batch; j++) g[o + j] = k * (g[o + j]! - mg - zhat[o + j]! * mgz);
  }
}

function bool(fn: string, name: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw typeError(fn, name, 'a boolean', v);
  return v;
}

function intIn(fn: string, name: string, v: unknown, lo: number, hi: number, dflt?: number): number {
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== 'number') throw typeError(fn, name, `an integer in [${lo}, ${hi}]`, v);
  if (!Number.isInteger(v) || v < lo || v > hi) throw rangeError(fn, name, `an integer in [${lo}, ${hi}]`, v);
  return v;
}

function finitePositive(fn: string, name: string, v: unknown, dflt: number, allowZero = false): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number') throw typeError(fn, name, 'a finite number', v);
  if (!Number.isFinite(v) || (allowZero ? v < 0 : v <= 0)) throw rangeError(fn, name, allowZero ? 'a finite number >= 0' : 'a finite number > 0', v);
  return v;
}

/** Most elements a single activation matrix may hold (keeps a typo from allocating gigabytes). */
const MAX_ELEMENTS = 2 ** 26;

/** Checks and normalizes {@link InspectOptions}; throws TypeError/RangeError naming the option. */
export function checkInspectOptions(options: unknown, fn = 'inspect'): InspectReport['config'] {
  if (options === undefined) throw typeError(fn, 'options', 'an object with at least { layers }', options);
  const o = checkOptions(fn, options);
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
    if (w * batch > MAX_ELEMENTS) throw rangeError(fn, 'options.batch', `at most ${Math.floor(MAX_ELEMENTS / w)} for width ${w} (batch x width <= 2^26)`, o.batch);
  }
  const seed = o.seed ?? 0;
  u64(fn, 'options.seed', seed);
  const residual = bool(fn, 'options.residual', o.residual, false);
  const batchNorm = bool(fn, 'options.batchNorm', o.batchNorm, false);
  const outputActivation = bool(fn, 'options.outputActivation', o.outputActivation, false);
  const negativeSlope = finitePositive(fn, 'options.negativeSlope', o.negativeSlope, 0.01, true);
  const branchScale = finitePositive(fn, 'options.branchScale', o.branchScale, 1);
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

function fmt(x: number): string {
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

function pct(x: number): string {
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
  const { layers: widths, batch, activation } = cfg;
  const L = widths.length - 1;
  const initFn = resolveInitializer(cfg.init, activation, cfg.negativeSlope);

  // Activations and gradients are stored feature-major (one row of `batch` values per
  // neuron): then W * H and W^T * G need no transpose, and per-neuron statistics
  // (batch norm, dead and distinct neurons) read contiguous rows.
  const x = fillNormal(new Float32Array(batch * widths[0]!), { seed, stream: 0 });
  const inputStd = moments(x).std;
  const inRms: number[] = [];

  interface Saved { w: Float32Array; deriv: Float32Array | null; zhat: Float32Array | null; inv: Float64Array | null; residual: boolean }
  const saved: Saved[] = [];
  const reports: LayerReport[] = [];
  let h: Float32Array = x;
  for (let l = 0; l < L; l++) {
    const fin = widths[l]!;
    const fout = widths[l + 1]!;
    const hidden = l < L - 1 || cfg.outputActivation;
    const residual = cfg.residual && hidden && fin === fout;
    const w = initFn(fout, fin, { seed, stream: l + 2 });
    if (residual && cfg.branchScale !== 1) for (let i = 0; i < w.length; i++) w[i] = w[i]! * cfg.branchScale;
    inRms.push(moments(h).rms);
    const z = matmul(w, h, new Float32Array(fout * batch), fout, fin, batch);
    let inv: Float64Array | null = null;
    if (cfg.batchNorm && hidden) inv = batchNormForward(z, fout, batch);
    const act: Activation = hidden ? activation : 'linear';
    let a: Float32Array;
    let deriv: Float32Array | null = null;
    if (act === 'linear') {
      a = z;
    } else {
      a = new Float32Array(z.length);
      deriv = new Float32Array(z.length);
      activate(act, cfg.negativeSlope, z, a, deriv);
    }
    let saturated: number | null = null;
    let dead: number | null = null;
    let deadNeurons: number | null = null;
    if (act === 'tanh' || act === 'sigmoid') {
      let n = 0;
      if (act === 'tanh') { for (let i = 0; i < a.length; i++) if (Math.abs(a[i]!) > 0.99) n++; } else {
        for (let i = 0; i < a.length; i++) { const v = a[i]!; if (v < 0.01 || v > 0.99) n++; }
      }
      saturated = n / a.length;
    } else if (act === 'relu') {
      let n = 0;
      let d = 0;
      for (let r = 0; r < fout; r++) {
        let zeros = 0;
        for (let i = r * batch, e = i + batch; i < e; i++) if (a[i] === 0) zeros++;
        n += zeros;
        if (zeros === batch) d++;
      }
      dead = n / a.length;
      deadNeurons = d / fout;
    }
    const preStd = moments(z).std;
    let out: Float32Array = a;
    if (residual) {
      out = new Float32Array(a.length);
      for (let i = 0; i < a.length; i++) out[i] = h[i]! + a[i]!;
    }
    const m = moments(out);
    reports.push({
      index: l + 1, fanIn: fin, fanOut: fout, activation: act, residual, preStd,
      mean: m.mean, std: m.std, rms: m.rms, saturated, dead, deadNeurons,
      gradStd: 0, distinct: distinctRows(out, fout, batch),
    });
    saved.push({ w, deriv, zhat: inv ? z : null, inv, residual });
    h = out;
  }

  let g: Float32Array = fillNormal(new Float32Array(batch * widths[L]!), { seed, stream: 1 });
  const outputGradStd = moments(g).std;
  for (let l = L - 1; l >= 0; l--) {
    const s = saved[l]!;
    const fin = widths[l]!;
    const fout = widths[l + 1]!;
    let gz: Float32Array = g;
    if (s.deriv) {
      gz = new Float32Array(g.length);
      for (let i = 0; i < g.length; i++) gz[i] = g[i]! * s.deriv[i]!;
    }
    if (s.inv && s.zhat) {
      if (gz === g) gz = g.slice();
      batchNormBackward(gz, s.zhat, s.inv, fout, batch);
    }
    const gin = matmul(s.w, gz, new Float32Array(fin * batch), fin, fout, batch, true);
    if (s.residual) for (let i = 0; i < gin.length; i++) gin[i] = gin[i]! + g[i]!;
    reports[l]!.gradStd = moments(gin).std;
    g = gin;
  }

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
