/**
 * LSTMs, two ways:
 * - `style: 'torch'` (default): PyTorch's nn.LSTM state dict (`weight_ih_l0`, `weight_hh_l0`,
 *   `bias_ih_l0`, `bias_hh_l0`, `_reverse` for the backward direction, `weight_hr_l0` with
 *   proj_size), gates stacked i, f, g, o, every tensor U(-1/sqrt(hidden), 1/sqrt(hidden))
 *   (`RNNBase.reset_parameters`).
 * - `style: 'keras'`: Keras' LSTM layers (`lstm/lstm_cell/kernel`, `recurrent_kernel`, `bias`;
 *   stacked layers `lstm_1`, ...), gates i, f, c, o: kernel [input, 4 units] glorot_uniform,
 *   recurrent_kernel [units, 4 units] orthogonal, bias zeros with the forget gate's block ones
 *   (`unit_forget_bias=True`).
 */
import { rangeError } from '../../errors.js';
import type { InitSpec } from '../init-spec.js';
import { PlanBuilder } from '../plan.js';
import { bool, oneOf } from '../../validate.js';
import { nonNegInt, posInt, type RecipeDef } from './common.js';

/** The LSTM recipe. */
export const lstm: RecipeDef = {
  name: 'lstm',
  description: 'PyTorch nn.LSTM (default init) or Keras LSTM (Glorot, orthogonal, unit forget bias)',
  configs: {},
  defaultConfig: null,
  defaults: { numLayers: 1, bias: true, bidirectional: false, projSize: 0 },
  configKeys: ['inputSize', 'hiddenSize', 'numLayers', 'bias', 'bidirectional', 'projSize'],
  optionKeys: ['style', 'unitForgetBias'],
  mup: false,
  check(fn, what, c) {
    const r = {
      inputSize: posInt(fn, `${what}.inputSize`, c.inputSize),
      hiddenSize: posInt(fn, `${what}.hiddenSize`, c.hiddenSize),
      numLayers: posInt(fn, `${what}.numLayers`, c.numLayers),
      bias: bool(fn, `${what}.bias`, c.bias, true),
      bidirectional: bool(fn, `${what}.bidirectional`, c.bidirectional, false),
      projSize: nonNegInt(fn, `${what}.projSize`, c.projSize),
    };
    if (r.projSize >= r.hiddenSize) throw rangeError(fn, `${what}.projSize`, `0 or below hiddenSize (${r.hiddenSize}) (nn.LSTM: "proj_size has to be smaller than hidden_size")`, r.projSize);
    return r;
  },
  build(fn, c, o) {
    const style = oneOf(fn, 'options.style', o.style, ['torch', 'keras'] as const, 'torch');
    const h = c.hiddenSize as number, L = c.numLayers as number, proj = c.projSize as number;
    const b = new PlanBuilder();
    if (o.residualScaling !== undefined) throw rangeError(fn, 'options.residualScaling', 'undefined (an LSTM has no residual branches)', o.residualScaling);
    if (style === 'torch') {
      if (o.unitForgetBias !== undefined) throw rangeError(fn, 'options.unitForgetBias', "undefined with style 'torch' (a Keras option)", o.unitForgetBias);
      const k = 1.0 / Math.sqrt(h);
      const u: InitSpec = { scheme: 'uniform', low: -k, high: k };
      const dirs = c.bidirectional === true ? 2 : 1;
      const real = proj > 0 ? proj : h;
      for (let l = 0; l < L; l++) {
        const inSize = l === 0 ? (c.inputSize as number) : real * dirs;
        for (let d = 0; d < dirs; d++) {
          const s = `_l${l}${d === 1 ? '_reverse' : ''}`;
          b.add(`weight_ih${s}`, [4 * h, inSize], 'input-kernel', u);
          b.add(`weight_hh${s}`, [4 * h, real], 'recurrent-kernel', u);
          if (c.bias === true) {
            b.add(`bias_ih${s}`, [4 * h], 'recurrent-bias', u);
            b.add(`bias_hh${s}`, [4 * h], 'recurrent-bias', u);
          }
          if (proj > 0) b.add(`weight_hr${s}`, [proj, h], 'projection', u);
        }
      }
    } else {
      if (c.bidirectional === true) throw rangeError(fn, 'config.bidirectional', "false with style 'keras' (wrap Keras LSTMs in Bidirectional yourself)", true);
      if (proj > 0) throw rangeError(fn, 'config.projSize', "0 with style 'keras' (Keras' LSTM has no projection)", proj);
      const unitForget = bool(fn, 'options.unitForgetBias', o.unitForgetBias, true);
      const bias: InitSpec = unitForget
        ? { scheme: 'concat', axis: 0, parts: [{ size: h, init: 'zeros' }, { size: h, init: 'ones' }, { size: 2 * h, init: 'zeros' }] }
        : 'zeros';
      for (let l = 0; l < L; l++) {
        const name = l === 0 ? 'lstm' : `lstm_${l}`;
        const inSize = l === 0 ? (c.inputSize as number) : h;
        b.add(`${name}/lstm_cell/kernel`, [inSize, 4 * h], 'input-kernel', { scheme: 'xavierUniform', layout: 'keras' }, { layout: 'keras' });
        b.add(`${name}/lstm_cell/recurrent_kernel`, [h, 4 * h], 'recurrent-kernel', { scheme: 'orthogonal', layout: 'keras' }, { layout: 'keras' });
        if (c.bias === true) b.add(`${name}/lstm_cell/bias`, [4 * h], 'recurrent-bias', bias);
      }
    }
    return { tensors: b.tensors, width: h, headDim: null, residualScaling: null, residualMultiplier: 1 };
  },
};
