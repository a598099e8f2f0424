/**
 * A multilayer perceptron initialized by {@link recommend}'s advice for its activation,
 * depth, residual connections and batch normalization: Kaiming normal (fan_in, the
 * activation's gain) for the ReLU family, Xavier normal with the gain for tanh, sigmoid and
 * linear, LeCun normal for SELU; biases zero; the output layer LeCun normal (variance
 * 1/fan_in: no activation follows it). With `residual`, every hidden layer whose input and
 * output widths match is a branch x + f(W x), scaled by recommend's branchScale
 * 1/sqrt(2 depth) unless `residualScaling` says otherwise. With `batchNorm`, a BatchNorm
 * follows each hidden layer.
 *
 * Names are those of a torch module with `layers` and `norms` ModuleLists:
 * `layers.0.weight` [out, in], `layers.0.bias`, ..., `norms.0.weight`, ...
 */
import { rangeError, typeError } from '../../errors.js';
import { checkActivation, type Activation } from '../../gains.js';
import { recommend } from '../recommend.js';
import { scaleInit, type InitSpec } from '../init-spec.js';
import { PlanBuilder } from '../plan.js';
import { checkResidualScaling, residualFactor, type ResidualModel } from '../residual.js';
import { bool } from '../../validate.js';
import { posInt, type Config, type RecipeDef } from './common.js';

/** Parses `784,512x3,10` (a width, or width x repeats) into widths. */
export function parseWidths(fn: string, what: string, v: unknown): number[] {
  let list: unknown[];
  if (typeof v === 'string') {
    list = [];
    for (const item of v.split(',')) {
      const m = /^\s*(\d+)(?:x(\d+))?\s*$/.exec(item);
      if (m === null) throw rangeError(fn, what, 'widths such as "784,512x3,10" (N or NxK items)', v);
      const k = m[2] === undefined ? 1 : Number(m[2]);
      if (k < 1 || k > 10000) throw rangeError(fn, what, 'repeat counts in [1, 10000]', v);
      for (let i = 0; i < k; i++) list.push(Number(m[1]));
    }
  } else if (Array.isArray(v)) {
    list = v;
  } else {
    throw typeError(fn, what, 'an array of positive integers (input first) or a string such as "784,512x3,10"', v);
  }
  if (list.length < 2 || list.length > 10001) throw rangeError(fn, what, 'between 2 and 10001 widths (input and output at least)', v);
  return list.map((w, i) => posInt(fn, `${what}[${i}]`, w));
}

/** The MLP recipe. */
export const mlp: RecipeDef = {
  name: 'mlp',
  description: "an MLP initialized by recommend()'s advice (activation, depth, residual, batch norm)",
  configs: {},
  defaultConfig: null,
  defaults: { activation: 'relu', residual: false, batchNorm: false, bias: true, negativeSlope: 0.01 },
  configKeys: ['widths', 'activation', 'residual', 'batchNorm', 'bias', 'negativeSlope'],
  optionKeys: [],
  mup: true,
  check(fn, what, c) {
    const widths = parseWidths(fn, `${what}.widths`, c.widths);
    // swish is silu here too (as recommend and calculateGain): the plan records 'silu'.
    const activation = c.activation === undefined ? 'relu' : checkActivation(fn, `${what}.activation`, c.activation);
    const s = c.negativeSlope;
    if (typeof s !== 'number') throw typeError(fn, `${what}.negativeSlope`, 'a finite number >= 0', s);
    if (!Number.isFinite(s) || s < 0) throw rangeError(fn, `${what}.negativeSlope`, 'a finite number >= 0', s);
    const r: Config = {
      widths, activation,
      residual: bool(fn, `${what}.residual`, c.residual, false),
      batchNorm: bool(fn, `${what}.batchNorm`, c.batchNorm, false),
      bias: bool(fn, `${what}.bias`, c.bias, true),
      negativeSlope: s,
    };
    return r;
  },
  build(fn, c, o) {
    const widths = c.widths as number[];
    const activation = c.activation as Activation;
    const hidden = widths.length - 2;
    const isBranch = (i: number): boolean => c.residual === true && i < hidden && widths[i] === widths[i + 1];
    let branches = 0;
    for (let i = 0; i < hidden; i++) if (isBranch(i)) branches++;
    const rec = recommend({ activation, depth: Math.max(1, c.residual === true ? branches : hidden), residual: c.residual as boolean, batchNorm: c.batchNorm as boolean, negativeSlope: c.negativeSlope as number });
    const model: ResidualModel = { branches: Math.max(branches, 1), layers: Math.max(branches, 1), encoder: false, transformer: false };
    const rs = c.residual === true ? checkResidualScaling(fn, o.residualScaling, rec.branchScale ?? 1, model) : null;
    if (rs === null && o.residualScaling !== undefined) throw rangeError(fn, 'options.residualScaling', 'undefined unless config.residual is true', o.residualScaling);
    let hiddenInit: InitSpec;
    if (rec.initializer === 'kaiming-normal') {
      hiddenInit = { scheme: 'kaimingNormal', mode: 'fanIn', nonlinearity: activation, ...(activation === 'leaky_relu' ? { a: c.negativeSlope as number } : {}) };
    } else if (rec.initializer === 'xavier-normal') {
      hiddenInit = { scheme: 'xavierNormal', gain: rec.gain };
    } else {
      hiddenInit = { scheme: 'lecunNormal' };
    }
    const b = new PlanBuilder();
    let seen = 0;
    for (let i = 0; i <= hidden; i++) {
      const last = i === hidden;
      let init: InitSpec = last ? { scheme: 'lecunNormal' } : hiddenInit;
      if (last && rs === 'fixup') init = 'zeros'; // Fixup zeroes the classifier too
      if (isBranch(i) && rs !== null) {
        seen++;
        const f = residualFactor(rs, model, { depthScaled: true, last: true }, { branchesThrough: seen, size: 1 });
        init = scaleInit(init, f.mul, f.div);
      }
      b.add(`layers.${i}.weight`, [widths[i + 1]!, widths[i]!], last ? 'output' : 'dense', init);
      if (c.bias === true) b.add(`layers.${i}.bias`, [widths[i + 1]!], 'bias', 'zeros');
    }
    if (c.batchNorm === true) {
      for (let i = 0; i < hidden; i++) {
        const ch = widths[i + 1]!;
        b.add(`norms.${i}.weight`, [ch], 'bn-weight', 'ones');
        b.add(`norms.${i}.bias`, [ch], 'bn-bias', 'zeros');
        b.add(`norms.${i}.running_mean`, [ch], 'bn-running-mean', 'zeros', { buffer: true });
        b.add(`norms.${i}.running_var`, [ch], 'bn-running-var', 'ones', { buffer: true });
        b.add(`norms.${i}.num_batches_tracked`, [], 'bn-count', 'zeros', { buffer: true, dtype: 'int64' });
      }
    }
    return { tensors: b.tensors, width: widths[widths.length - 2]!, headDim: null, residualScaling: rs, residualMultiplier: 1 };
  },
};
