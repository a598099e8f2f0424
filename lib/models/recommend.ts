/**
 * The selection strategy of the guide as a function: which initializer, with which gain,
 * for an activation, a depth, residual connections and batch normalization.
 *
 * @packageDocumentation
 */
import { rangeError, typeError } from '../errors.js';
import { readOptions } from '../validate.js';
import { checkActivation, gainOf, type Activation, type ActivationName } from '../gains.js';

/** Options of {@link recommend}. */
export interface RecommendOptions {
  /** The hidden activation (or `'swish'`, silu). Required. */
  activation: ActivationName;
  /** Number of weight layers (or residual blocks when `residual`). Default 1. */
  depth?: number;
  /** Residual connections (x + f(x)). Default false. */
  residual?: boolean;
  /** Batch (or layer) normalization after each linear layer. Default false. */
  batchNorm?: boolean;
  /** leaky_relu's negative slope. Default 0.01. */
  negativeSlope?: number;
}

/** The recommendation. */
export interface Recommendation {
  /** A registry name usable with {@link inspect} and `nninit inspect --init`. */
  initializer: 'xavier-normal' | 'kaiming-normal' | 'lecun-normal';
  /** The gain to pass (PyTorch's calculate_gain for the activation; 1 for LeCun). */
  gain: number;
  /** Kaiming's fan mode, 'fan_in' (preserves the forward signal); null for the other families. */
  mode: 'fan_in' | null;
  /** The std of a layer with the given fans. */
  std: (fanIn: number, fanOut: number) => number;
  /** The formula of that std, as text. */
  formula: string;
  /**
   * With residual connections: the factor 1 / sqrt(2 * depth) by which to scale the
   * weights of the last layer of each residual branch (GPT-2); null without residuals.
   */
  branchScale: number | null;
  /** With residual connections: the alternative, Fixup's zero-initialized last layer of each branch. */
  alternative: string | null;
  /** One line: why. */
  reason: string;
}

/**
 * Recommends an initializer, following the guide's selection strategy: sigmoid, tanh and
 * linear: Xavier (Glorot) with the activation's gain; the ReLU family (relu, leaky_relu,
 * gelu, silu): Kaiming (He), fan_in; SELU: LeCun normal. With residual connections the
 * last layer of each branch is scaled by 1 / sqrt(2 x depth) (GPT-2) or zeroed (Fixup);
 * with batch normalization the scale matters less, but the family default still applies.
 *
 * @example
 * ```ts
 * recommend({ activation: 'relu', depth: 50 }).initializer; // 'kaiming-normal'
 * ```
 * @throws TypeError / RangeError naming the option and the value received.
 */
export function recommend(options: RecommendOptions): Recommendation {
  const fn = 'recommend';
  if (options === undefined) throw typeError(fn, 'options', 'an object with at least { activation }', options);
  const o = readOptions(fn, options, ['activation', 'depth', 'residual', 'batchNorm', 'negativeSlope']);
  const activation = checkActivation(fn, 'options.activation', o.activation);
  let depth = 1;
  if (o.depth !== undefined) {
    if (typeof o.depth !== 'number') throw typeError(fn, 'options.depth', 'an integer in [1, 100000]', o.depth);
    if (!Number.isInteger(o.depth) || o.depth < 1 || o.depth > 100000) throw rangeError(fn, 'options.depth', 'an integer in [1, 100000]', o.depth);
    depth = o.depth;
  }
  for (const k of ['residual', 'batchNorm'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') throw typeError(fn, `options.${k}`, 'a boolean', o[k]);
  }
  const residual = o.residual === true;
  const batchNorm = o.batchNorm === true;
  let slope = 0.01;
  if (o.negativeSlope !== undefined) {
    if (typeof o.negativeSlope !== 'number') throw typeError(fn, 'options.negativeSlope', 'a finite number >= 0', o.negativeSlope);
    if (!Number.isFinite(o.negativeSlope) || o.negativeSlope < 0) throw rangeError(fn, 'options.negativeSlope', 'a finite number >= 0', o.negativeSlope);
    slope = o.negativeSlope;
  }

  let rec: Pick<Recommendation, 'initializer' | 'gain' | 'mode' | 'std' | 'formula'>;
  let why: string;
  switch (activation) {
    case 'sigmoid':
    case 'tanh':
    case 'linear': {
      const gain = gainOf(activation);
      rec = { initializer: 'xavier-normal', gain, mode: null, std: (fi, fo) => gain * Math.sqrt(2 / (fi + fo)), formula: 'gain * sqrt(2 / (fanIn + fanOut))' };
      why = `${activation} is ${activation === 'linear' ? 'linear' : 'roughly linear and symmetric around 0'}, so Xavier's fan average keeps both activation and gradient variance steady`;
      break;
    }
    case 'selu':
      rec = { initializer: 'lecun-normal', gain: 1, mode: null, std: (fi) => 1 / Math.sqrt(fi), formula: '1 / sqrt(fanIn)' };
      why = 'SELU self-normalizes only from LeCun normal weights (variance 1 / fanIn)';
      break;
    default: {
      const gain = gainOf(activation, slope);
      rec = { initializer: 'kaiming-normal', gain, mode: 'fan_in', std: (fi) => gain / Math.sqrt(fi), formula: 'gain / sqrt(fanIn)' };
      why = `${activation} zeroes (about) half its inputs, halving the second moment, so Kaiming's gain ${+gain.toFixed(4)} over fanIn restores it at every layer`;
    }
  }
  let branchScale: number | null = null;
  let alternative: string | null = null;
  if (residual) {
    branchScale = 1 / Math.sqrt(2 * depth);
    alternative = 'Fixup: zero-initialize the last layer of each residual branch so every block starts as the identity';
    why += `; with ${depth} residual branches, scale each branch's last layer by 1/sqrt(2*${depth}) = ${+branchScale.toPrecision(3)} (GPT-2) or zero it (Fixup) so the sum does not grow with depth`;
  }
  if (batchNorm) {
    why += '; batch norm re-standardizes every layer, so the scale is less critical (keep the family default)';
  } else if (!residual && depth >= 30 && activation !== 'selu') {
    why += `; at depth ${depth} small deviations compound, so check it with nninit inspect`;
  }
  return { ...rec, branchScale, alternative, reason: why + '.' };
}
