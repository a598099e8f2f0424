/**
 * Llama 3 as torchtitan builds and initializes it (torchtitan/models/llama3/model/model.py,
 * `Transformer.init_weights`, `TransformerBlock.init_weights`, `Attention.init_weights`,
 * `FeedForward.init_weights`):
 * - tok_embeddings: `nn.init.normal_` (std 1);
 * - wq, wk, wv, w1: `trunc_normal_(std=0.02)`; wo, w2, w3: `trunc_normal_(std=init_std)` with
 *   init_std = 0.02 / sqrt(2 (layer_id + 1)) under depth_init (the default), else
 *   0.02 / sqrt(2 n_layers). `trunc_normal_`'s default bounds a = -2, b = 2 are ABSOLUTE
 *   (100 std at 0.02): effectively untruncated;
 * - RMSNorm weights ones;
 * - output: `trunc_normal_(std=dim^-0.5, a=-3 std, b=3 std)`: cut at 3 std (bounds given
 *   absolutely as multiples of the std).
 *
 * Names follow torchtitan (`tok_embeddings.weight`, `layers.0.attention.wq.weight`, ...) or,
 * with `names: 'hf'`, Hugging Face's LlamaForCausalLM (`model.embed_tokens.weight`,
 * `model.layers.0.self_attn.q_proj.weight`, ...; torchtitan's Llama3StateDictAdapter map).
 * Streams are indices in the plan's order, HF's with HF names, so the two namings draw
 * different values from the same distributions (torchtitan's adapter also permutes wq/wk
 * rows for HF's rotary layout; the rows are i.i.d., so that changes no distribution).
 *
 * With tied embeddings (Llama 3.2 1B) the output shares tok_embeddings; torchtitan's
 * init order (embeddings first, output last, as its Qwen3 weight tying does) leaves the
 * output's initialization on the shared tensor. freqs_cis is a non-persistent buffer: not in
 * the state dict.
 */
import type { InitSpec } from '../init-spec.js';
import { optional, PlanBuilder, type TensorSpec } from '../plan.js';
import { checkResidualScaling, residualAlpha, residualFactor, type BranchTags, type ResidualModel } from '../residual.js';
import { bool, oneOf } from '../../validate.js';
import { divides, posInt, posNum, type Config, type RecipeDef } from './common.js';

const llama3 = { vocabSize: 128256, hiddenDim: null, headDim: null, tieWordEmbeddings: false };

/** torchtitan's FeedForward hidden size: int(2 * 4 dim / 3), times ffn_dim_multiplier, rounded up to multiple_of. */
export function ffnHidden(dim: number, multipleOf: number, multiplier: number | null): number {
  let h = Math.trunc((2 * (4 * dim)) / 3);
  if (multiplier !== null) h = Math.trunc(multiplier * h);
  return multipleOf * Math.trunc((h + multipleOf - 1) / multipleOf);
}

const HF: Record<string, string> = {
  'attention.wq': 'self_attn.q_proj', 'attention.wk': 'self_attn.k_proj', 'attention.wv': 'self_attn.v_proj', 'attention.wo': 'self_attn.o_proj',
  'feed_forward.w1': 'mlp.gate_proj', 'feed_forward.w3': 'mlp.up_proj', 'feed_forward.w2': 'mlp.down_proj',
  'attention_norm': 'input_layernorm', 'ffn_norm': 'post_attention_layernorm',
};
/** HF's order within a layer (LlamaDecoderLayer registers self_attn, mlp, input_layernorm, post_attention_layernorm). */
const HF_ORDER = ['attention.wq', 'attention.wk', 'attention.wv', 'attention.wo', 'feed_forward.w1', 'feed_forward.w3', 'feed_forward.w2', 'attention_norm', 'ffn_norm'];

function toHf(t: TensorSpec): string {
  if (t.name === 'tok_embeddings.weight') return 'model.embed_tokens.weight';
  if (t.name === 'norm.weight') return 'model.norm.weight';
  if (t.name === 'output.weight') return 'lm_head.weight';
  const m = /^layers\.(\d+)\.(.+)\.weight$/.exec(t.name)!;
  return `model.layers.${m[1]}.${HF[m[2]!]}.weight`;
}

/** The Llama 3 recipe. */
export const llama: RecipeDef = {
  name: 'llama',
  description: 'torchtitan Llama 3 (8B, 70B, 405B, 3.2 1B, debug), torchtitan or Hugging Face names',
  configs: {
    'llama3-8b': { dim: 4096, nLayers: 32, nHeads: 32, nKvHeads: 8, multipleOf: 1024, ffnDimMultiplier: 1.3, ...llama3 },
    'llama3-70b': { dim: 8192, nLayers: 80, nHeads: 64, nKvHeads: 8, multipleOf: 4096, ffnDimMultiplier: 1.3, ...llama3 },
    'llama3-405b': { dim: 16384, nLayers: 126, nHeads: 128, nKvHeads: 8, multipleOf: 4096, ffnDimMultiplier: 1.2, ...llama3 },
    'llama3.2-1b': { dim: 2048, nLayers: 16, nHeads: 32, nKvHeads: 8, multipleOf: 256, ffnDimMultiplier: 1.5, ...llama3, tieWordEmbeddings: true },
    // torchtitan's "debugmodel" flavor.
    'llama3-debug': { dim: 256, nLayers: 6, nHeads: 16, nKvHeads: null, multipleOf: 256, ffnDimMultiplier: null, ...llama3, vocabSize: 2048 },
  },
  defaultConfig: 'llama3-8b',
  // torchtitan's TransformerModelArgs defaults.
  defaults: { dim: 4096, nLayers: 32, nHeads: 32, nKvHeads: null, multipleOf: 256, ffnDimMultiplier: null, ...llama3 },
  configKeys: ['dim', 'nLayers', 'nHeads', 'nKvHeads', 'vocabSize', 'multipleOf', 'ffnDimMultiplier', 'hiddenDim', 'headDim', 'tieWordEmbeddings'],
  optionKeys: ['names'],
  mup: true,
  check(fn, what, c) {
    const r: Config = {
      dim: posInt(fn, `${what}.dim`, c.dim),
      nLayers: posInt(fn, `${what}.nLayers`, c.nLayers),
      nHeads: posInt(fn, `${what}.nHeads`, c.nHeads),
      nKvHeads: c.nKvHeads === null ? null : posInt(fn, `${what}.nKvHeads`, c.nKvHeads),
      vocabSize: posInt(fn, `${what}.vocabSize`, c.vocabSize),
      multipleOf: posInt(fn, `${what}.multipleOf`, c.multipleOf),
      ffnDimMultiplier: c.ffnDimMultiplier === null ? null : posNum(fn, `${what}.ffnDimMultiplier`, c.ffnDimMultiplier),
      hiddenDim: c.hiddenDim === null ? null : posInt(fn, `${what}.hiddenDim`, c.hiddenDim),
      headDim: c.headDim === null ? null : posInt(fn, `${what}.headDim`, c.headDim),
      tieWordEmbeddings: bool(fn, `${what}.tieWordEmbeddings`, c.tieWordEmbeddings, false),
    };
    if (r.headDim === null) divides(fn, `${what}.nHeads`, r.nHeads as number, r.dim as number, 'dim');
    if (r.nKvHeads !== null) divides(fn, `${what}.nKvHeads`, r.nKvHeads as number, r.nHeads as number, 'nHeads');
    return r;
  },
  build(fn, c, o) {
    const dim = c.dim as number, L = c.nLayers as number, V = c.vocabSize as number;
    const nHeads = c.nHeads as number;
    const nKv = (c.nKvHeads as number | null) ?? nHeads;
    const headDim = (c.headDim as number | null) ?? dim / nHeads;
    const hidden = (c.hiddenDim as number | null) ?? ffnHidden(dim, c.multipleOf as number, c.ffnDimMultiplier as number | null);
    const names = oneOf(fn, 'options.names', o.names, ['torchtitan', 'hf'] as const, 'torchtitan');
    const model: ResidualModel = { branches: 2 * L, layers: L, encoder: false, transformer: true };
    const rs = checkResidualScaling(fn, o.residualScaling, 'depth', model);
    const trunc = (std: number): InitSpec => ({ scheme: 'truncatedNormal', std, a: -2, b: 2 });
    const outStd = dim ** -0.5;
    const cutoff = 3;
    const outInit: InitSpec = { scheme: 'truncatedNormal', std: outStd, a: -cutoff * outStd, b: cutoff * outStd };
    const tied = c.tieWordEmbeddings === true;
    const b = new PlanBuilder();
    b.add('tok_embeddings.weight', [V, dim], 'embedding', tied ? outInit : { scheme: 'normal', std: 1 });
    for (let l = 0; l < L; l++) {
      const pos = { branchesThrough: 2 * (l + 1), size: 2 };
      const w = (tags: BranchTags): InitSpec => {
        const f = residualFactor(rs, model, tags, pos);
        return f.mul === 0 ? 'zeros' : trunc((f.mul === 1 ? 0.02 : 0.02 * f.mul) / f.div);
      };
      const at = `layers.${l}.`;
      b.add(`${at}attention.wq.weight`, [nHeads * headDim, dim], 'attention-q', w({ inner: true }));
      b.add(`${at}attention.wk.weight`, [nKv * headDim, dim], 'attention-k', w({ inner: true }));
      b.add(`${at}attention.wv.weight`, [nKv * headDim, dim], 'attention-v', w({ inner: true, tfixup: true }));
      b.add(`${at}attention.wo.weight`, [dim, nHeads * headDim], 'attention-out', w({ depthScaled: true, last: true, tfixup: true }));
      b.add(`${at}feed_forward.w1.weight`, [hidden, dim], 'mlp-in', w({ inner: true, tfixup: true }));
      b.add(`${at}feed_forward.w2.weight`, [dim, hidden], 'mlp-out', w({ depthScaled: true, last: true, tfixup: true }));
      b.add(`${at}feed_forward.w3.weight`, [hidden, dim], 'mlp-in', w({ depthScaled: true, inner: true, tfixup: true }));
      b.add(`${at}attention_norm.weight`, [dim], 'norm-weight', 'ones');
      b.add(`${at}ffn_norm.weight`, [dim], 'norm-weight', 'ones');
    }
    b.add('norm.weight', [dim], 'norm-weight', 'ones');
    b.add('output.weight', [V, dim], 'output', outInit, tied ? { tiedTo: 'tok_embeddings.weight' } : {});
    let tensors = b.tensors;
    if (names === 'hf') {
      const renamed = tensors.map((t) => ({ ...t, name: toHf(t), ...(optional(t, 'tiedTo') === undefined ? {} : { tiedTo: 'model.embed_tokens.weight' }) }));
      const rank = (i: number): number => {
        const t = tensors[i]!;
        const m = /^layers\.(\d+)\.(.+)\.weight$/.exec(t.name);
        return m === null ? (t.name === 'tok_embeddings.weight' ? -1 : 1e9 + i) : Number(m[1]) * 16 + HF_ORDER.indexOf(m[2]!);
      };
      const sorted = renamed.map((t, i) => ({ t, r: rank(i) })).sort((x, y) => x.r - y.r).map((x) => x.t);
      // Streams are indices in HF's order too (tied: the target's), as for every plan.
      const index = new Map(sorted.map((t, i) => [t.name, i]));
      tensors = sorted.map((t, i) => ({ ...t, stream: optional(t, 'tiedTo') === undefined ? i : index.get(t.tiedTo!)! }));
    }
    return { tensors, width: dim, headDim, residualScaling: rs, residualMultiplier: residualAlpha(rs, model) };
  },
};
