/**
 * Residual scaling: how the weights of residual branches are scaled with depth. Each recipe
 * tags its tensors (is it the last layer of a branch, a value projection, an MLP weight, the
 * classifier, ...) and asks for a factor; the factor multiplies every element of the
 * recipe's own initialization (see scaleInit), or zeroes it.
 *
 * | option | factor | source |
 * |---|---|---|
 * | `'gpt2'` | 1/sqrt(N) on the last layer of every branch, N = residual branches (2 per transformer layer) | Radford et al. 2019, GPT-2 ("scale the weights of residual layers at initialization by 1/sqrt(N)"); HF `GPT2PreTrainedModel._init_weights`; torchtitan `depth_init=False` |
 * | `'depth'` | 1/sqrt(branches up to this layer) = 1/sqrt(2 (layer + 1)) in a transformer | torchtitan Llama 3 `depth_init=True` |
 * | `'fixup'` | last layer of each branch 0, the other m - 1 layers of a branch L^(-1/(2m-2)), classifier 0 | Zhang, Dauphin, Ma 2019, "Fixup Initialization" (ICLR) |
 * | `'t-fixup'` | value, attention-out and MLP weights 0.67 N^(-1/4) (encoder) or (9N)^(-1/4) (decoder) | Huang, Perez, Ba, Volkovs 2020, "Improving Transformer Optimization Through Better Initialization" (ICML) |
 * | `'deepnet'` | value, attention-out and MLP weights beta = (8N)^(-1/4); alpha = (2N)^(1/4) returned as residualMultiplier | Wang et al. 2022, "DeepNet: Scaling Transformers to 1,000 Layers" |
 * | a number x | x on the last layer of every branch | |
 * | `'none'` | 1 | |
 */
import { rangeError, typeError } from '../errors.js';

/** A residual scaling option. */
export type ResidualScaling = 'none' | 'gpt2' | 'depth' | 'fixup' | 't-fixup' | 'deepnet' | number;

/** The named residual scalings. */
export const RESIDUAL_SCALINGS: readonly string[] = ['none', 'gpt2', 'depth', 'fixup', 't-fixup', 'deepnet'];

/** What a tensor is within its residual branch. */
export interface BranchTags {
  /** Takes the depth factor under 'gpt2', 'depth' and a number (GPT-2's c_proj; torchtitan's wo, w2, w3). */
  depthScaled?: boolean;
  /** The last layer of its branch (Fixup zeroes it). */
  last?: boolean;
  /** Another weight of a branch with `size` layers (Fixup scales it by L^(-1/(2m-2))). */
  inner?: boolean;
  /** Scaled by T-Fixup and DeepNet: value projection, attention output, MLP weights. */
  tfixup?: boolean;
  /** The classifier (Fixup zeroes it). */
  classifier?: boolean;
}

/** Where a tensor sits: its layer, and its branch's size. */
export interface BranchPos {
  /** Residual branches up to and including this tensor's layer (2 (l + 1) in a transformer). */
  branchesThrough: number;
  /** Layers in this tensor's branch (m in Fixup). */
  size: number;
}

/** The model-wide quantities the factors depend on. */
export interface ResidualModel {
  /** Total residual branches (L in Fixup, N in GPT-2). */
  branches: number;
  /** Layers (N in T-Fixup and DeepNet). */
  layers: number;
  /** Encoder (BERT) or decoder (GPT-2, Llama): T-Fixup's constant differs. */
  encoder: boolean;
  /** Whether T-Fixup and DeepNet apply (transformers). */
  transformer: boolean;
}

/** Validates a residualScaling option. */
export function checkResidualScaling(fn: string, value: unknown, dflt: ResidualScaling, m: ResidualModel): ResidualScaling {
  if (value === undefined) return dflt;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw rangeError(fn, 'options.residualScaling', 'a finite number >= 0 or one of ' + RESIDUAL_SCALINGS.join(', '), value);
    return value;
  }
  if (typeof value !== 'string' || !RESIDUAL_SCALINGS.includes(value)) {
    const msg = `a finite number >= 0 or one of ${RESIDUAL_SCALINGS.map((s) => JSON.stringify(s)).join(', ')}`;
    throw (typeof value === 'string' ? rangeError : typeError)(fn, 'options.residualScaling', msg, value);
  }
  if ((value === 't-fixup' || value === 'deepnet') && !m.transformer) {
    throw rangeError(fn, 'options.residualScaling', `a scaling for this model ('${value}' is defined for transformers)`, value);
  }
  return value as ResidualScaling;
}

/** A scale factor mul / div (kept apart so 0.02 / sqrt(24) is computed as the references write it). */
export interface Factor {
  readonly mul: number;
  readonly div: number;
}

const ONE: Factor = { mul: 1, div: 1 };

/** The factor for a tensor with `tags` at `pos` (mul 0 zeroes the tensor). */
export function residualFactor(s: ResidualScaling, m: ResidualModel, given: BranchTags, pos: BranchPos): Factor {
  const tags = Object.assign(Object.create(null), given) as BranchTags; // own tags only
  if (typeof s === 'number') return tags.depthScaled ? { mul: s, div: 1 } : ONE;
  switch (s) {
    case 'none': return ONE;
    case 'gpt2': return tags.depthScaled ? { mul: 1, div: Math.sqrt(m.branches) } : ONE;
    case 'depth': return tags.depthScaled ? { mul: 1, div: Math.sqrt(pos.branchesThrough) } : ONE;
    case 'fixup':
      if (tags.last || tags.classifier) return { mul: 0, div: 1 };
      if (tags.inner && pos.size >= 2) return { mul: m.branches ** (-1 / (2 * pos.size - 2)), div: 1 };
      return ONE;
    case 't-fixup':
      if (!tags.tfixup) return ONE;
      return { mul: m.encoder ? 0.67 * m.layers ** -0.25 : (9 * m.layers) ** -0.25, div: 1 };
    case 'deepnet':
      return tags.tfixup ? { mul: (8 * m.layers) ** -0.25, div: 1 } : ONE;
  }
}

/** True when a factor changes nothing. */
export function isOne(f: Factor): boolean {
  return f.mul === 1 && f.div === 1;
}

/** DeepNet's residual multiplier alpha = (2N)^(1/4); 1 for every other scaling. */
export function residualAlpha(s: ResidualScaling, m: ResidualModel): number {
  return s === 'deepnet' ? (2 * m.layers) ** 0.25 : 1;
}
