/**
 * The network the diagnostics simulate: a fully connected stack initialized by nninit,
 * forward on a standard-normal batch and backward from a unit-variance Gaussian gradient,
 * with per-layer statistics of activations and gradients (moments, saturation, dead and
 * distinct neurons), optional residual connections and batch normalization.
 *
 * This is diagnostics, not the bit-exact value path: activations use Math.tanh/Math.exp.
 * It is deterministic for a given seed on a given machine (same operations in the same
 * order), which is what the tests rely on.
 *
 * @packageDocumentation
 */
import { fillNormal } from '../random.js';
import type { Seed } from '../seed.js';
import { matmul } from './matmul.js';
import type { Activation, InitFn } from './registry.js';

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

/** What {@link propagate} simulates. */
export interface Network {
  /** Layer widths, input first. */
  readonly layers: readonly number[];
  readonly activation: Activation;
  /** The weight of each layer: rows = fan-out, cols = fan-in. */
  readonly init: InitFn;
  readonly batch: number;
  readonly seed: Seed;
  readonly residual: boolean;
  readonly batchNorm: boolean;
  readonly negativeSlope: number;
  readonly branchScale: number;
  readonly outputActivation: boolean;
}

/** The statistics of one pass through a {@link Network}. */
export interface Propagation {
  /** Std of the standard-normal input batch. */
  readonly inputStd: number;
  /** Std of the injected output gradient. */
  readonly outputGradStd: number;
  readonly layers: LayerReport[];
  /** Root mean square of each layer's input. */
  readonly inRms: number[];
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
const EPS_BN = 1e-5;

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): enough for a diagnostic GELU. */
function erfApprox(x: number): number {
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
        const cdf = 0.5 * (1 + erfApprox(x * Math.SQRT1_2));
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

/** Mean, std and root mean square of a sample. */
export interface Moments { mean: number; std: number; rms: number }

/** Saturation and dead units of one layer's activations ({@link unitHealth}); null where a measure does not apply. */
export interface UnitHealth {
  saturated: number | null;
  dead: number | null;
  deadNeurons: number | null;
}

/**
 * Saturation and dead units of activations laid out unit-major (row u holds unit u's n
 * values): for 'tanh' the share of |v| > 0.99, for 'sigmoid' the share of v < 0.01 or
 * v > 0.99 (saturated); for 'relu' the share of exact zeros (dead) and of units zero on
 * every value (deadNeurons).
 */
export function unitHealth(rows: Float32Array, units: number, n: number, kind: 'tanh' | 'sigmoid' | 'relu' | null): UnitHealth {
  let saturated: number | null = null;
  let dead: number | null = null;
  let deadNeurons: number | null = null;
  if (kind === 'tanh' || kind === 'sigmoid') {
    let k = 0;
    if (kind === 'tanh') { for (let i = 0; i < rows.length; i++) if (Math.abs(rows[i]!) > 0.99) k++; } else {
      for (let i = 0; i < rows.length; i++) { const v = rows[i]!; if (v < 0.01 || v > 0.99) k++; }
    }
    saturated = k / rows.length;
  } else if (kind === 'relu') {
    let zeros = 0;
    let d = 0;
    for (let u = 0; u < units; u++) {
      let z = 0;
      for (let i = u * n, e = i + n; i < e; i++) if (rows[i] === 0) z++;
      zeros += z;
      if (z === n) d++;
    }
    dead = zeros / rows.length;
    deadNeurons = d / units;
  }
  return { saturated, dead, deadNeurons };
}

/** Mean, std (two-pass) and root mean square. Also used by the model checks of nninit/tfjs. */
export function moments(a: Float32Array): Moments {
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
export function distinctRows(h: Float32Array, rows: number, cols: number): number {
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

/**
 * Forwards a standard-normal batch (`fillNormal`, seed, stream 0) through layers
 * `h_l = f(BN?(h_{l-1} W_l^T))` (plus `h_{l-1}` with residual connections), then
 * backpropagates a unit-variance Gaussian gradient (seed, stream 1) injected at the
 * output. Layer l's weights use stream l + 1 of the seed (l counted from 1).
 */
export function propagate(cfg: Network): Propagation {
  const { layers: widths, batch, activation, seed, init: initFn } = cfg;
  const L = widths.length - 1;
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
    const { saturated, dead, deadNeurons } = unitHealth(a, fout, batch, act === 'tanh' || act === 'sigmoid' || act === 'relu' ? act : null);
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

  return { inputStd, outputGradStd, layers: reports, inRms };
}
