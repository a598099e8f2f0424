/**
 * GPT-2 as Hugging Face transformers' `GPT2Model` (modeling_gpt2.py) names, shapes and
 * initializes it (`GPT2PreTrainedModel._init_weights`):
 * - `Conv1D` weights are [in, out]; they, and the wte/wpe embeddings, are N(0, initializer_range);
 * - the `c_proj` weights of attention and MLP are N(0, initializer_range / sqrt(2 n_layer))
 *   (the GPT-2 paper's residual scaling; transformers#47458 / PR #47459 fixed it being
 *   silently skipped);
 * - biases zero, LayerNorm weight one and bias zero.
 *
 * The state dict of `GPT2Model` holds no `attn.bias` / `attn.masked_bias` (registered with
 * `persistent=False`; the hub's legacy `model.safetensors` still carries `h.*.attn.bias`,
 * which `from_pretrained` ignores) and no `lm_head` (GPT2LMHeadModel's, tied to wte:
 * option `lmHead` adds it with the `transformer.` prefix).
 */
import { scaleInit, type InitSpec } from '../init-spec.js';
import { PlanBuilder } from '../plan.js';
import { checkResidualScaling, residualAlpha, residualFactor, type BranchTags, type ResidualModel } from '../residual.js';
import { bool } from '../../validate.js';
import { divides, posInt, posNum, type Config, type RecipeDef } from './common.js';

const base = { vocabSize: 50257, nPositions: 1024, nInner: null, initializerRange: 0.02 };

/** The GPT-2 recipe. */
export const gpt2: RecipeDef = {
  name: 'gpt2',
  description: 'Hugging Face GPT2Model (GPT-2 small, medium, large, xl)',
  configs: {
    'gpt2': { nLayer: 12, nHead: 12, nEmbd: 768, ...base },
    'gpt2-medium': { nLayer: 24, nHead: 16, nEmbd: 1024, ...base },
    'gpt2-large': { nLayer: 36, nHead: 20, nEmbd: 1280, ...base },
    'gpt2-xl': { nLayer: 48, nHead: 25, nEmbd: 1600, ...base },
  },
  defaultConfig: 'gpt2',
  defaults: { nLayer: 12, nHead: 12, nEmbd: 768, ...base },
  configKeys: ['nLayer', 'nHead', 'nEmbd', 'vocabSize', 'nPositions', 'nInner', 'initializerRange'],
  optionKeys: ['lmHead'],
  mup: true,
  check(fn, what, c) {
    const r: Config = {
      nLayer: posInt(fn, `${what}.nLayer`, c.nLayer),
      nHead: posInt(fn, `${what}.nHead`, c.nHead),
      nEmbd: posInt(fn, `${what}.nEmbd`, c.nEmbd),
      vocabSize: posInt(fn, `${what}.vocabSize`, c.vocabSize),
      nPositions: posInt(fn, `${what}.nPositions`, c.nPositions),
      nInner: c.nInner === null ? null : posInt(fn, `${what}.nInner`, c.nInner),
      initializerRange: posNum(fn, `${what}.initializerRange`, c.initializerRange),
    };
    divides(fn, `${what}.nHead`, r.nHead as number, r.nEmbd as number, 'nEmbd');
    return r;
  },
  build(fn, c, o) {
    const L = c.nLayer as number, d = c.nEmbd as number, V = c.vocabSize as number;
    const inner = (c.nInner as number | null) ?? 4 * d;
    const std = c.initializerRange as number;
    const lmHead = bool(fn, 'options.lmHead', o.lmHead, false);
    const model: ResidualModel = { branches: 2 * L, layers: L, encoder: false, transformer: true };
    const rs = checkResidualScaling(fn, o.residualScaling, 'gpt2', model);
    const p = lmHead ? 'transformer.' : '';
    const w: InitSpec = { scheme: 'normal', std };
    const b = new PlanBuilder();
    b.add(`${p}wte.weight`, [V, d], 'embedding', w);
    b.add(`${p}wpe.weight`, [c.nPositions as number, d], 'position-embedding', w);
    for (let l = 0; l < L; l++) {
      const h = `${p}h.${l}.`;
      const pos = { branchesThrough: 2 * (l + 1), size: 2 };
      const scaled = (tags: BranchTags): InitSpec => {
        const f = residualFactor(rs, model, tags, pos);
        return scaleInit(w, f.mul, f.div);
      };
      b.add(`${h}ln_1.weight`, [d], 'norm-weight', 'ones');
      b.add(`${h}ln_1.bias`, [d], 'norm-bias', 'zeros');
      // c_attn packs q, k, v as column blocks of [in, 3d]: only the value block is a T-Fixup/DeepNet target.
      const qk = scaled({ inner: true });
      const v = scaled({ inner: true, tfixup: true });
      const attn: InitSpec = JSON.stringify(qk) === JSON.stringify(v) ? qk
        : { scheme: 'concat', axis: 1, parts: [{ size: 2 * d, init: qk }, { size: d, init: v }] };
      b.add(`${h}attn.c_attn.weight`, [d, 3 * d], 'attention-qkv', attn, { layout: 'keras' });
      b.add(`${h}attn.c_attn.bias`, [3 * d], 'bias', 'zeros');
      b.add(`${h}attn.c_proj.weight`, [d, d], 'attention-out', scaled({ depthScaled: true, last: true, tfixup: true }), { layout: 'keras' });
      b.add(`${h}attn.c_proj.bias`, [d], 'bias', 'zeros');
      b.add(`${h}ln_2.weight`, [d], 'norm-weight', 'ones');
      b.add(`${h}ln_2.bias`, [d], 'norm-bias', 'zeros');
      b.add(`${h}mlp.c_fc.weight`, [d, inner], 'mlp-in', scaled({ inner: true, tfixup: true }), { layout: 'keras' });
      b.add(`${h}mlp.c_fc.bias`, [inner], 'bias', 'zeros');
      b.add(`${h}mlp.c_proj.weight`, [inner, d], 'mlp-out', scaled({ depthScaled: true, last: true, tfixup: true }), { layout: 'keras' });
      b.add(`${h}mlp.c_proj.bias`, [d], 'bias', 'zeros');
    }
    b.add(`${p}ln_f.weight`, [d], 'norm-weight', 'ones');
    b.add(`${p}ln_f.bias`, [d], 'norm-bias', 'zeros');
    if (lmHead) b.add('lm_head.weight', [V, d], 'output', w, { tiedTo: `${p}wte.weight` });
    return { tensors: b.tensors, width: d, headDim: d / (c.nHead as number), residualScaling: rs, residualMultiplier: residualAlpha(rs, model) };
  },
};
