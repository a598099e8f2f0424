/**
 * muP (Maximal Update Parametrization; Yang et al. 2022, "Tensor Programs V: Tuning Large
 * Neural Networks via Zero-Shot Hyperparameter Transfer"), as the reference `mup` package
 * (github.com/microsoft/mup) does it for Adam:
 *
 * - a dimension is "infinite" (a width) when it differs from the base model's
 *   (`zip_infshape` with `fin_if_same`); a tensor's width multiplier is that of its last
 *   infinite dimension (`InfShape.width_mult`: fan-in for a torch [out, in] matrix);
 * - hidden weights (two infinite dimensions): init std = the base model's std times
 *   widthMult^(-1/2) (`mup.init`'s `constant_std_init_`), lrScale = 1/widthMult (`MuAdam`
 *   divides the group's lr by it);
 * - everything else (embeddings, biases, norms, input layers: at most one infinite
 *   dimension): the base model's init (constant std), lrScale 1;
 * - the readout (`MuReadout`): zero when `readoutZeroInit`, else the base model's init (what
 *   `MuReadout._rescale_parameters` makes of PyTorch's default: the base-width init); its
 *   input is multiplied by outputMultiplier / widthMult in the forward pass, returned in
 *   the plan's hyper.outputMultiplier;
 * - attention logits scaled by attentionMultiplier / headDim instead of 1/sqrt(headDim).
 *
 * `MuAdam` also multiplies the weight decay of hidden weights by widthMult (lrScale
 * times weight decay is constant); a trainer using decoupled weight decay gets that from
 * lrScale.
 */
import { rangeError } from '../errors.js';
import { checkInit, plannedOf, scaleInit, type InitSpec, type Planned } from './init-spec.js';
import { optional, type TensorSpec } from './plan.js';

/** muP options of a recipe. */
export interface MupSettings {
  outputMultiplier: number;
  readoutZeroInit: boolean;
}

/** A spec with the same distribution on `shape` that no longer depends on fans. */
function explicit(fn: string, name: string, spec: InitSpec, shape: readonly number[]): InitSpec {
  if (typeof spec === 'string') return spec;
  switch (spec.scheme) {
    case 'zeros': case 'ones': case 'constant': case 'uniform': case 'normal': case 'truncatedNormal': return spec;
    case 'concat': return { scheme: 'concat', axis: spec.axis, parts: spec.parts.map((p) => ({ size: p.size, init: explicit(fn, name, p.init, shape) })) };
    default: break;
  }
  const p: Planned = plannedOf(checkInit(fn, `the init of ${name}`, spec, shape, 'float64'), shape);
  switch (p.kind) {
    case 'constant': return { scheme: 'constant', value: p.value };
    case 'normal': return { scheme: 'normal', std: p.std, ...(p.mean === 0 ? {} : { mean: p.mean }) };
    case 'truncatedNormal': return { scheme: 'truncatedNormal', std: p.std, a: p.a, b: p.b, ...(p.mean === 0 ? {} : { mean: p.mean }) };
    case 'uniform': return { scheme: 'uniform', low: p.low, high: p.high };
    default: throw rangeError(fn, 'options.parametrization', `a parametrization this recipe supports ("mup" has no rule for ${spec.scheme}, used by ${name})`, 'mup');
  }
}

/**
 * Applies muP to `target` given the same recipe's tensors at the base config. Returns new
 * specs (streams unchanged).
 */
export function applyMup(fn: string, target: readonly TensorSpec[], base: readonly TensorSpec[], s: MupSettings): TensorSpec[] {
  const baseByName = new Map(base.map((t) => [t.name, t]));
  const names = new Set(target.map((t) => t.name));
  const extra = base.find((t) => !names.has(t.name));
  if (extra !== undefined) throw rangeError(fn, 'options.base', `a configuration with the same tensors as the model (same depth); it has ${extra.name}, which the model does not`, extra.name);
  const out: TensorSpec[] = [];
  const byName = new Map<string, TensorSpec>();
  for (const t of target) {
    const tiedTo = optional(t, 'tiedTo');
    if (tiedTo !== undefined) {
      const to = byName.get(tiedTo)!;
      const tied: TensorSpec = { ...t, init: to.init, lrScale: to.lrScale };
      out.push(tied);
      byName.set(t.name, tied);
      continue;
    }
    const b = baseByName.get(t.name);
    if (b === undefined || b.shape.length !== t.shape.length) {
      throw rangeError(fn, 'options.base', `a configuration with the same tensors as the model (same depth); ${t.name} ${b === undefined ? 'is missing from it' : 'has another rank in it'}`, t.name);
    }
    let n = 0, main = -1;
    for (let i = 0; i < t.shape.length; i++) if (t.shape[i] !== b.shape[i]) { n++; main = i; }
    if (n > 2) throw rangeError(fn, 'options.base', `a configuration where at most 2 dimensions of each tensor differ (${t.name}: ${n}; mup: "more than 2 inf dimensions")`, t.name);
    const widthMult = main < 0 ? 1 : t.shape[main]! / b.shape[main]!;
    let spec: TensorSpec;
    if (optional(t, 'buffer') === true) {
      spec = t;
    } else if (t.role === 'output' && n <= 1) {
      spec = { ...t, init: s.readoutZeroInit ? 'zeros' : explicit(fn, t.name, b.init, b.shape), lrScale: 1 };
    } else if (n === 2) {
      spec = { ...t, init: scaleInit(explicit(fn, t.name, b.init, b.shape), 1, Math.sqrt(widthMult)), lrScale: 1 / widthMult };
    } else {
      spec = { ...t, init: explicit(fn, t.name, b.init, b.shape), lrScale: 1 };
    }
    out.push(spec);
    byName.set(t.name, spec);
  }
  return out;
}
