/**
 * BERT as Hugging Face transformers' `BertModel` (modeling_bert.py) names, shapes and
 * initializes it (`BertPreTrainedModel._init_weights`): every nn.Linear weight and
 * nn.Embedding table N(0, initializer_range), the word-embedding row `pad_token_id` zero
 * (nn.Embedding's padding_idx), biases zero, LayerNorm weight one and bias zero. The pooler
 * is included unless `pooler: false` (BertModel's add_pooling_layer). position_ids and
 * token_type_ids are non-persistent buffers: not in the state dict.
 *
 * (Google's original TF BERT used a truncated normal at 2 std; HF uses the untruncated
 * normal, and so does this recipe.)
 */
import { scaleInit, type InitSpec } from '../init-spec.js';
import { PlanBuilder } from '../plan.js';
import { checkResidualScaling, residualAlpha, residualFactor, type BranchTags, type ResidualModel } from '../residual.js';
import { bool } from '../../validate.js';
import { divides, nonNegInt, posInt, posNum, type Config, type RecipeDef } from './common.js';
import { rangeError } from '../../errors.js';

const common = { vocabSize: 30522, maxPositionEmbeddings: 512, typeVocabSize: 2, padTokenId: 0, initializerRange: 0.02 };

/** The BERT recipe. */
export const bert: RecipeDef = {
  name: 'bert',
  description: 'Hugging Face BertModel (bert-base, bert-large), with pooler',
  configs: {
    'bert-base': { numHiddenLayers: 12, hiddenSize: 768, numAttentionHeads: 12, intermediateSize: 3072, ...common },
    'bert-large': { numHiddenLayers: 24, hiddenSize: 1024, numAttentionHeads: 16, intermediateSize: 4096, ...common },
  },
  defaultConfig: 'bert-base',
  defaults: { numHiddenLayers: 12, hiddenSize: 768, numAttentionHeads: 12, intermediateSize: 3072, ...common },
  configKeys: ['numHiddenLayers', 'hiddenSize', 'numAttentionHeads', 'intermediateSize', 'vocabSize', 'maxPositionEmbeddings', 'typeVocabSize', 'padTokenId', 'initializerRange'],
  optionKeys: ['pooler'],
  mup: true,
  check(fn, what, c) {
    const r: Config = {
      numHiddenLayers: posInt(fn, `${what}.numHiddenLayers`, c.numHiddenLayers),
      hiddenSize: posInt(fn, `${what}.hiddenSize`, c.hiddenSize),
      numAttentionHeads: posInt(fn, `${what}.numAttentionHeads`, c.numAttentionHeads),
      intermediateSize: posInt(fn, `${what}.intermediateSize`, c.intermediateSize),
      vocabSize: posInt(fn, `${what}.vocabSize`, c.vocabSize),
      maxPositionEmbeddings: posInt(fn, `${what}.maxPositionEmbeddings`, c.maxPositionEmbeddings),
      typeVocabSize: posInt(fn, `${what}.typeVocabSize`, c.typeVocabSize),
      padTokenId: c.padTokenId === null ? null : nonNegInt(fn, `${what}.padTokenId`, c.padTokenId),
      initializerRange: posNum(fn, `${what}.initializerRange`, c.initializerRange),
    };
    divides(fn, `${what}.numAttentionHeads`, r.numAttentionHeads as number, r.hiddenSize as number, 'hiddenSize');
    if (r.padTokenId !== null && (r.padTokenId as number) >= (r.vocabSize as number)) {
      throw rangeError(fn, `${what}.padTokenId`, `null or below vocabSize (${r.vocabSize})`, r.padTokenId);
    }
    return r;
  },
  build(fn, c, o) {
    const L = c.numHiddenLayers as number, d = c.hiddenSize as number, ff = c.intermediateSize as number, V = c.vocabSize as number;
    const std = c.initializerRange as number;
    const pooler = bool(fn, 'options.pooler', o.pooler, true);
    const model: ResidualModel = { branches: 2 * L, layers: L, encoder: true, transformer: true };
    const rs = checkResidualScaling(fn, o.residualScaling, 'none', model);
    const w: InitSpec = { scheme: 'normal', std };
    const pad = c.padTokenId as number | null;
    let words: InitSpec = w;
    if (pad !== null) {
      const parts = [{ size: pad, init: w }, { size: 1, init: 'zeros' as InitSpec }, { size: V - pad - 1, init: w }].filter((p) => p.size > 0);
      words = { scheme: 'concat', axis: 0, parts };
    }
    const b = new PlanBuilder();
    const ln = (name: string): void => {
      b.add(`${name}.weight`, [d], 'norm-weight', 'ones');
      b.add(`${name}.bias`, [d], 'norm-bias', 'zeros');
    };
    b.add('embeddings.word_embeddings.weight', [V, d], 'embedding', words);
    b.add('embeddings.position_embeddings.weight', [c.maxPositionEmbeddings as number, d], 'position-embedding', w);
    b.add('embeddings.token_type_embeddings.weight', [c.typeVocabSize as number, d], 'token-type-embedding', w);
    ln('embeddings.LayerNorm');
    for (let l = 0; l < L; l++) {
      const pos = { branchesThrough: 2 * (l + 1), size: 2 };
      const s = (tags: BranchTags): InitSpec => {
        const f = residualFactor(rs, model, tags, pos);
        return scaleInit(w, f.mul, f.div);
      };
      const at = `encoder.layer.${l}.`;
      const linear = (name: string, out: number, inn: number, role: 'attention-q' | 'attention-k' | 'attention-v' | 'attention-out' | 'mlp-in' | 'mlp-out', tags: BranchTags): void => {
        b.add(`${at}${name}.weight`, [out, inn], role, s(tags));
        b.add(`${at}${name}.bias`, [out], 'bias', 'zeros');
      };
      linear('attention.self.query', d, d, 'attention-q', { inner: true });
      linear('attention.self.key', d, d, 'attention-k', { inner: true });
      linear('attention.self.value', d, d, 'attention-v', { inner: true, tfixup: true });
      linear('attention.output.dense', d, d, 'attention-out', { depthScaled: true, last: true, tfixup: true });
      ln(`${at}attention.output.LayerNorm`);
      linear('intermediate.dense', ff, d, 'mlp-in', { inner: true, tfixup: true });
      linear('output.dense', d, ff, 'mlp-out', { depthScaled: true, last: true, tfixup: true });
      ln(`${at}output.LayerNorm`);
    }
    if (pooler) {
      b.add('pooler.dense.weight', [d, d], 'pooler', w);
      b.add('pooler.dense.bias', [d], 'bias', 'zeros');
    }
    return { tensors: b.tensors, width: d, headDim: d / (c.numAttentionHeads as number), residualScaling: rs, residualMultiplier: residualAlpha(rs, model) };
  },
};
