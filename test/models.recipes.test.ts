/**
 * Recipes: parameter counts of the published configurations, names and order of the
 * reference state dicts, and each role's planned distribution against the reference
 * implementation's formula (HF GPT2/BERT _init_weights, torchtitan Llama 3 init_weights,
 * torchvision ResNet, torch.nn.LSTM reset_parameters, Keras LSTM, microsoft/mup).
 */
import { describe, expect, test } from 'vitest';
import { recipe, ROLES, type ModelPlan, type TensorSpec } from '../lib/index.js';
import { checkInit, initText, momentsOf, plannedOf, type InitSpec } from '../lib/models/init-spec.js';
import { checkPlan } from '../lib/models/plan.js';
import { recipeConfigs, RECIPE_NAMES } from '../lib/index.js';

const byName = (p: ModelPlan): Map<string, TensorSpec> => new Map(p.tensors.map((t) => [t.name, t]));
/** The planned distribution's standard deviation. */
function stdOf(t: TensorSpec): number {
  return momentsOf(plannedOf(checkInit('test', 'init', t.init, t.shape, 'float64'), t.shape)).std;
}

describe('parameter counts of the published configurations', () => {
  test.each([
    ['gpt2', 'gpt2', 124_439_808],
    ['gpt2', 'gpt2-medium', 354_823_168],
    ['gpt2', 'gpt2-large', 774_030_080],
    ['gpt2', 'gpt2-xl', 1_557_611_200],
    ['bert', 'bert-base', 109_482_240],
    ['resnet', 'resnet50', 25_557_032],
    ['llama', 'llama3-8b', 8_030_261_248],
    ['llama', 'llama3.2-1b', 1_235_814_400],
  ] as const)('%s %s: %d', (name, config, count) => {
    expect(recipe(name, config).totals.parameters).toBe(count);
  });

  test('other torchvision ResNets and BERT-large', () => {
    expect(recipe('resnet', 'resnet18').totals.parameters).toBe(11_689_512);
    expect(recipe('resnet', 'resnet34').totals.parameters).toBe(21_797_672);
    expect(recipe('resnet', 'resnet101').totals.parameters).toBe(44_549_160);
    expect(recipe('resnet', 'resnet152').totals.parameters).toBe(60_192_808);
    expect(recipe('resnet', 'resnext50_32x4d').totals.parameters).toBe(25_028_904);
    expect(recipe('resnet', 'wide_resnet50_2').totals.parameters).toBe(68_883_240);
    expect(recipe('bert', 'bert-large').totals.parameters).toBe(335_141_888);
    expect(recipe('bert', 'bert-base', { pooler: false }).totals.parameters).toBe(109_482_240 - 768 * 768 - 768);
  });

  test('bytes count each distinct tensor once at its dtype', () => {
    expect(recipe('gpt2', 'gpt2').totals.bytes).toBe(124_439_808 * 4);
    expect(recipe('gpt2', 'gpt2', { dtype: 'bfloat16' }).totals.bytes).toBe(124_439_808 * 2);
    const r50 = recipe('resnet', 'resnet50');
    // 53 BatchNorms: running mean and var (float32) and num_batches_tracked (int64).
    expect(r50.totals.buffers).toBe(53_120 * 1 + 53);
    expect(r50.totals.bytes).toBe((25_557_032 + 53_120) * 4 + 53 * 8);
  });
});

describe('GPT-2 (HF GPT2Model)', () => {
  const p = recipe('gpt2', 'gpt2');
  const t = byName(p);

  test('state dict names in order, Conv1D shapes [in, out], no attn.bias buffers and no lm_head', () => {
    expect(p.tensors.slice(0, 14).map((x) => x.name)).toEqual([
      'wte.weight', 'wpe.weight', 'h.0.ln_1.weight', 'h.0.ln_1.bias', 'h.0.attn.c_attn.weight', 'h.0.attn.c_attn.bias',
      'h.0.attn.c_proj.weight', 'h.0.attn.c_proj.bias', 'h.0.ln_2.weight', 'h.0.ln_2.bias', 'h.0.mlp.c_fc.weight',
      'h.0.mlp.c_fc.bias', 'h.0.mlp.c_proj.weight', 'h.0.mlp.c_proj.bias',
    ]);
    expect(p.tensors.slice(-2).map((x) => x.name)).toEqual(['ln_f.weight', 'ln_f.bias']);
    expect(p.tensors).toHaveLength(2 + 12 * 12 + 2);
    expect(t.get('h.3.attn.c_attn.weight')!.shape).toEqual([768, 2304]);
    expect(t.get('h.3.mlp.c_fc.weight')!.shape).toEqual([768, 3072]);
    expect(t.get('h.3.mlp.c_proj.weight')!.shape).toEqual([3072, 768]);
    expect(p.tensors.some((x) => /\.attn\.(masked_)?bias$/.test(x.name) || x.name.startsWith('lm_head'))).toBe(false);
  });

  test('per role: N(0, 0.02), c_proj N(0, 0.02 / sqrt(2 n_layer)), LayerNorm 1/0, biases 0', () => {
    for (const x of p.tensors) {
      if (x.name.endsWith('c_proj.weight')) expect(x.init).toEqual({ scheme: 'normal', std: 0.02 / Math.sqrt(2 * 12) });
      else if (x.role === 'norm-weight') expect(x.init).toBe('ones');
      else if (x.role === 'norm-bias' || x.role === 'bias') expect(x.init).toBe('zeros');
      else expect(x.init).toEqual({ scheme: 'normal', std: 0.02 });
    }
    expect(stdOf(t.get('h.11.mlp.c_proj.weight')!)).toBe(0.02 / Math.sqrt(24));
    const xl = byName(recipe('gpt2', 'gpt2-xl'));
    expect(stdOf(xl.get('h.0.attn.c_proj.weight')!)).toBe(0.02 / Math.sqrt(96));
  });

  test('streams are the state-dict index; lmHead adds the tied head and the transformer. prefix', () => {
    p.tensors.forEach((x, i) => expect(x.stream).toBe(i));
    const lm = recipe('gpt2', { nLayer: 1, nHead: 1, nEmbd: 8 }, { lmHead: true });
    expect(lm.tensors[0]!.name).toBe('transformer.wte.weight');
    const head = lm.tensors.at(-1)!;
    expect(head).toMatchObject({ name: 'lm_head.weight', tiedTo: 'transformer.wte.weight', role: 'output', stream: 0 });
    expect(lm.totals.parameters).toBe(recipe('gpt2', { nLayer: 1, nHead: 1, nEmbd: 8 }).totals.parameters);
  });

  test('explicit configs take HF GPT2Config defaults for missing fields', () => {
    const small = recipe('gpt2', { nLayer: 2, nHead: 4, nEmbd: 64 });
    expect(small.config).toMatchObject({ vocabSize: 50257, nPositions: 1024, nInner: null, initializerRange: 0.02 });
    expect(byName(small).get('h.1.mlp.c_fc.weight')!.shape).toEqual([64, 256]);
    expect(byName(recipe('gpt2', { nLayer: 2, nHead: 4, nEmbd: 64, nInner: 100 })).get('h.1.mlp.c_fc.weight')!.shape).toEqual([64, 100]);
  });
});

describe('Llama 3 (torchtitan)', () => {
  const p = recipe('llama', 'llama3-8b');
  const t = byName(p);

  test('shapes: GQA, FFN hidden 14336, output [vocab, dim]', () => {
    expect(t.get('tok_embeddings.weight')!.shape).toEqual([128256, 4096]);
    expect(t.get('layers.0.attention.wq.weight')!.shape).toEqual([4096, 4096]);
    expect(t.get('layers.0.attention.wk.weight')!.shape).toEqual([1024, 4096]);
    expect(t.get('layers.0.attention.wv.weight')!.shape).toEqual([1024, 4096]);
    expect(t.get('layers.0.feed_forward.w1.weight')!.shape).toEqual([14336, 4096]);
    expect(t.get('layers.0.feed_forward.w2.weight')!.shape).toEqual([4096, 14336]);
    expect(t.get('output.weight')!.shape).toEqual([128256, 4096]);
    expect(byName(recipe('llama', 'llama3.2-1b')).get('layers.0.feed_forward.w3.weight')!.shape).toEqual([8192, 2048]);
    expect(byName(recipe('llama', 'llama3-debug')).get('layers.5.feed_forward.w3.weight')!.shape).toEqual([768, 256]);
  });

  test('init_weights: embeddings N(0, 1); wq/wk/wv/w1 trunc 0.02 at absolute +-2; wo/w2/w3 depth_init; output dim^-0.5 cut at 3 std', () => {
    expect(t.get('tok_embeddings.weight')!.init).toEqual({ scheme: 'normal', std: 1 });
    for (let l = 0; l < 32; l++) {
      for (const n of ['attention.wq', 'attention.wk', 'attention.wv', 'feed_forward.w1']) {
        expect(t.get(`layers.${l}.${n}.weight`)!.init).toEqual({ scheme: 'truncatedNormal', std: 0.02, a: -2, b: 2 });
      }
      for (const n of ['attention.wo', 'feed_forward.w2', 'feed_forward.w3']) {
        expect(t.get(`layers.${l}.${n}.weight`)!.init).toEqual({ scheme: 'truncatedNormal', std: 0.02 / (2 * (l + 1)) ** 0.5, a: -2, b: 2 });
      }
      expect(t.get(`layers.${l}.attention_norm.weight`)!.init).toBe('ones');
    }
    const s = 4096 ** -0.5;
    expect(t.get('output.weight')!.init).toEqual({ scheme: 'truncatedNormal', std: s, a: -3 * s, b: 3 * s });
    // The +-2 bounds are 100 std away: the planned std is 0.02 to 15 digits; the output's is cut.
    expect(stdOf(t.get('layers.0.attention.wq.weight')!)).toBeCloseTo(0.02, 15);
    expect(stdOf(t.get('output.weight')!) / s).toBeCloseTo(0.9865783925581086, 12);
  });

  test("depth_init off ('gpt2'): 0.02 / sqrt(2 n_layers) for every layer", () => {
    const g = byName(recipe('llama', 'llama3-debug', { residualScaling: 'gpt2' }));
    for (let l = 0; l < 6; l++) expect(g.get(`layers.${l}.attention.wo.weight`)!.init).toEqual({ scheme: 'truncatedNormal', std: 0.02 / Math.sqrt(12), a: -2, b: 2 });
  });

  test('Hugging Face names: the torchtitan adapter map, HF order, streams by index', () => {
    const hf = recipe('llama', 'llama3-debug', { names: 'hf' });
    const tt = byName(recipe('llama', 'llama3-debug'));
    expect(hf.tensors.slice(0, 10).map((x) => x.name)).toEqual([
      'model.embed_tokens.weight', 'model.layers.0.self_attn.q_proj.weight', 'model.layers.0.self_attn.k_proj.weight',
      'model.layers.0.self_attn.v_proj.weight', 'model.layers.0.self_attn.o_proj.weight', 'model.layers.0.mlp.gate_proj.weight',
      'model.layers.0.mlp.up_proj.weight', 'model.layers.0.mlp.down_proj.weight', 'model.layers.0.input_layernorm.weight',
      'model.layers.0.post_attention_layernorm.weight',
    ]);
    expect(hf.tensors.slice(-2).map((x) => x.name)).toEqual(['model.norm.weight', 'lm_head.weight']);
    const h = byName(hf);
    hf.tensors.forEach((x, i) => expect(x.stream).toBe(i));
    expect(h.get('model.layers.3.mlp.down_proj.weight')!.init).toEqual(tt.get('layers.3.feed_forward.w2.weight')!.init);
  });

  test('Llama 3.2 1B ties the output to the embedding, which takes the output init (torchtitan order)', () => {
    const p1 = byName(recipe('llama', 'llama3.2-1b'));
    const out = p1.get('output.weight')!;
    expect(out.tiedTo).toBe('tok_embeddings.weight');
    expect(out.stream).toBe(p1.get('tok_embeddings.weight')!.stream);
    const s = 2048 ** -0.5;
    expect(p1.get('tok_embeddings.weight')!.init).toEqual({ scheme: 'truncatedNormal', std: s, a: -3 * s, b: 3 * s });
    expect(byName(recipe('llama', 'llama3.2-1b', { names: 'hf' })).get('lm_head.weight')!.tiedTo).toBe('model.embed_tokens.weight');
  });
});

describe('BERT (HF BertModel)', () => {
  const p = recipe('bert', 'bert-base');
  const t = byName(p);
  test('names, N(0, 0.02) everywhere, padding row 0 zero, LayerNorm 1/0, biases 0, pooler', () => {
    expect(p.tensors.slice(0, 9).map((x) => x.name)).toEqual([
      'embeddings.word_embeddings.weight', 'embeddings.position_embeddings.weight', 'embeddings.token_type_embeddings.weight',
      'embeddings.LayerNorm.weight', 'embeddings.LayerNorm.bias', 'encoder.layer.0.attention.self.query.weight',
      'encoder.layer.0.attention.self.query.bias', 'encoder.layer.0.attention.self.key.weight', 'encoder.layer.0.attention.self.key.bias',
    ]);
    expect(p.tensors.slice(-2).map((x) => x.name)).toEqual(['pooler.dense.weight', 'pooler.dense.bias']);
    expect(t.get('embeddings.word_embeddings.weight')!.init).toEqual({
      scheme: 'concat', axis: 0, parts: [{ size: 1, init: 'zeros' }, { size: 30521, init: { scheme: 'normal', std: 0.02 } }],
    });
    for (const x of p.tensors) {
      if (x.role === 'norm-weight') expect(x.init).toBe('ones');
      else if (x.role === 'norm-bias' || x.role === 'bias') expect(x.init).toBe('zeros');
      else if (x.name !== 'embeddings.word_embeddings.weight') expect(x.init).toEqual({ scheme: 'normal', std: 0.02 });
    }
    expect(t.get('encoder.layer.11.intermediate.dense.weight')!.shape).toEqual([3072, 768]);
    const padded = byName(recipe('bert', { numHiddenLayers: 1, hiddenSize: 8, numAttentionHeads: 2, intermediateSize: 16, vocabSize: 10, padTokenId: 4 }));
    expect((padded.get('embeddings.word_embeddings.weight')!.init as { parts: readonly unknown[] }).parts).toEqual([
      { size: 4, init: { scheme: 'normal', std: 0.02 } }, { size: 1, init: 'zeros' }, { size: 5, init: { scheme: 'normal', std: 0.02 } },
    ]);
  });
});

describe('ResNet (torchvision)', () => {
  const p = recipe('resnet', 'resnet50');
  const t = byName(p);
  test('state dict: 320 entries with BatchNorm buffers, torchvision names and shapes', () => {
    expect(p.tensors).toHaveLength(320);
    expect(p.tensors.slice(0, 7).map((x) => x.name)).toEqual([
      'conv1.weight', 'bn1.weight', 'bn1.bias', 'bn1.running_mean', 'bn1.running_var', 'bn1.num_batches_tracked', 'layer1.0.conv1.weight',
    ]);
    expect(t.get('layer1.0.downsample.0.weight')!.shape).toEqual([256, 64, 1, 1]);
    expect(t.get('layer4.2.conv2.weight')!.shape).toEqual([512, 512, 3, 3]);
    expect(t.get('layer2.0.conv2.weight')!.shape).toEqual([128, 128, 3, 3]);
    expect(t.has('layer1.1.downsample.0.weight')).toBe(false);
    expect(t.get('bn1.num_batches_tracked')).toMatchObject({ shape: [], dtype: 'int64', buffer: true, init: 'zeros' });
    expect(p.tensors.slice(-2).map((x) => x.name)).toEqual(['fc.weight', 'fc.bias']);
    expect(byName(recipe('resnet', 'resnet18')).has('layer1.0.downsample.0.weight')).toBe(false);
  });

  test('convs kaiming_normal_(fan_out, relu); BN 1/0; fc nn.Linear default; zeroInitResidual', () => {
    for (const x of p.tensors) {
      if (x.role === 'conv') {
        expect(x.init).toEqual({ scheme: 'kaimingNormal', mode: 'fanOut', nonlinearity: 'relu' });
        const fanOut = x.shape[0]! * x.shape[2]! * x.shape[3]!;
        expect(stdOf(x)).toBeCloseTo(Math.sqrt(2) / Math.sqrt(fanOut), 15);
      }
      if (x.role === 'bn-weight') expect(x.init).toBe('ones');
    }
    expect(stdOf(t.get('fc.weight')!)).toBeCloseTo(1 / Math.sqrt(2048) / Math.sqrt(3), 15);
    expect(t.get('fc.bias')!.init).toEqual({ scheme: 'torchDefaultBias', fanIn: 2048 });
    const z = byName(recipe('resnet', 'resnet50', { zeroInitResidual: true }));
    expect(z.get('layer3.4.bn3.weight')!.init).toBe('zeros');
    expect(z.get('layer3.4.bn2.weight')!.init).toBe('ones');
    expect(byName(recipe('resnet', 'resnet18', { zeroInitResidual: true })).get('layer2.1.bn2.weight')!.init).toBe('zeros');
  });
});

describe('LSTM', () => {
  test('PyTorch nn.LSTM: names, shapes, U(+-1/sqrt(hidden)) everywhere', () => {
    const p = recipe('lstm', { inputSize: 10, hiddenSize: 20, numLayers: 2, bidirectional: true, projSize: 5 });
    expect(p.tensors.slice(0, 10).map((x) => [x.name, x.shape])).toEqual([
      ['weight_ih_l0', [80, 10]], ['weight_hh_l0', [80, 5]], ['bias_ih_l0', [80]], ['bias_hh_l0', [80]], ['weight_hr_l0', [5, 20]],
      ['weight_ih_l0_reverse', [80, 10]], ['weight_hh_l0_reverse', [80, 5]], ['bias_ih_l0_reverse', [80]], ['bias_hh_l0_reverse', [80]], ['weight_hr_l0_reverse', [5, 20]],
    ]);
    expect(byName(p).get('weight_ih_l1')!.shape).toEqual([80, 10]); // 2 directions x proj 5
    for (const x of p.tensors) expect(x.init).toEqual({ scheme: 'uniform', low: -1 / Math.sqrt(20), high: 1 / Math.sqrt(20) });
  });

  test('Keras: glorot_uniform kernel, orthogonal recurrent kernel, unit forget bias', () => {
    const p = recipe('lstm', { inputSize: 10, hiddenSize: 20, numLayers: 2 }, { style: 'keras' });
    expect(p.tensors.map((x) => [x.name, x.shape])).toEqual([
      ['lstm/lstm_cell/kernel', [10, 80]], ['lstm/lstm_cell/recurrent_kernel', [20, 80]], ['lstm/lstm_cell/bias', [80]],
      ['lstm_1/lstm_cell/kernel', [20, 80]], ['lstm_1/lstm_cell/recurrent_kernel', [20, 80]], ['lstm_1/lstm_cell/bias', [80]],
    ]);
    const t = byName(p);
    expect(stdOf(t.get('lstm/lstm_cell/kernel')!)).toBeCloseTo(Math.sqrt(6 / (10 + 80)) / Math.sqrt(3), 15);
    expect(t.get('lstm/lstm_cell/recurrent_kernel')!.init).toEqual({ scheme: 'orthogonal', layout: 'keras' });
    expect(t.get('lstm/lstm_cell/bias')!.init).toEqual({ scheme: 'concat', axis: 0, parts: [{ size: 20, init: 'zeros' }, { size: 20, init: 'ones' }, { size: 40, init: 'zeros' }] });
    expect(byName(recipe('lstm', { inputSize: 3, hiddenSize: 4 }, { style: 'keras', unitForgetBias: false })).get('lstm/lstm_cell/bias')!.init).toBe('zeros');
  });
});

describe('MLP (recommend)', () => {
  test('relu: Kaiming normal fan_in; tanh: Xavier with gain 5/3; selu: LeCun; output LeCun; residual branches scaled', () => {
    const r = byName(recipe('mlp', { widths: [784, 512, 512, 10] }));
    expect(r.get('layers.0.weight')!.init).toEqual({ scheme: 'kaimingNormal', mode: 'fanIn', nonlinearity: 'relu' });
    expect(stdOf(r.get('layers.1.weight')!)).toBeCloseTo(Math.sqrt(2 / 512), 15);
    expect(r.get('layers.2.weight')).toMatchObject({ role: 'output', init: { scheme: 'lecunNormal' } });
    expect(byName(recipe('mlp', { widths: '8,16,4', activation: 'tanh' })).get('layers.0.weight')!.init).toEqual({ scheme: 'xavierNormal', gain: 5 / 3 });
    expect(byName(recipe('mlp', { widths: '8,16,4', activation: 'selu' })).get('layers.0.weight')!.init).toEqual({ scheme: 'lecunNormal' });
    // swish is silu, as in recommend() and calculateGain(): the same plan, the config records 'silu'.
    const swish = recipe('mlp', { widths: '8,16,4', activation: 'swish' });
    expect(JSON.stringify(swish)).toBe(JSON.stringify(recipe('mlp', { widths: '8,16,4', activation: 'silu' })));
    expect(() => recipe('mlp', { widths: '8,16,4', activation: 'mish' })).toThrow(RangeError);
    const res = byName(recipe('mlp', { widths: '32,64x5,10', residual: true, batchNorm: true }));
    // 4 branches (64 -> 64): recommend's 1/sqrt(2 * 4) on each.
    expect(stdOf(res.get('layers.2.weight')!)).toBeCloseTo(Math.sqrt(2 / 64) / Math.sqrt(8), 14);
    expect(stdOf(res.get('layers.0.weight')!)).toBeCloseTo(Math.sqrt(2 / 32), 14);
    expect(res.get('norms.3.running_var')).toMatchObject({ init: 'ones', buffer: true });
  });
});

describe('residual scaling', () => {
  const cfg = { nLayer: 4, nHead: 2, nEmbd: 16, vocabSize: 50, nPositions: 8 };
  const get = (o: object, n: string): InitSpec => byName(recipe('gpt2', cfg, o as never)).get(n)!.init;
  test("'gpt2', 'depth', a number, 'none'", () => {
    expect(get({}, 'h.2.attn.c_proj.weight')).toEqual({ scheme: 'normal', std: 0.02 / Math.sqrt(8) });
    expect(get({ residualScaling: 'depth' }, 'h.2.attn.c_proj.weight')).toEqual({ scheme: 'normal', std: 0.02 / Math.sqrt(6) });
    expect(get({ residualScaling: 0.5 }, 'h.2.mlp.c_proj.weight')).toEqual({ scheme: 'normal', std: 0.01 });
    expect(get({ residualScaling: 'none' }, 'h.2.mlp.c_proj.weight')).toEqual({ scheme: 'normal', std: 0.02 });
    expect(get({ residualScaling: 'depth' }, 'h.2.mlp.c_fc.weight')).toEqual({ scheme: 'normal', std: 0.02 });
  });
  test("'fixup': branch outputs zero, inner layers L^(-1/2); classifier zero", () => {
    expect(get({ residualScaling: 'fixup' }, 'h.0.mlp.c_proj.weight')).toBe('zeros');
    expect(get({ residualScaling: 'fixup' }, 'h.0.mlp.c_fc.weight')).toEqual({ scheme: 'normal', std: 0.02 * 8 ** -0.5 });
    const r = byName(recipe('resnet', 'resnet50', { residualScaling: 'fixup' }));
    expect(r.get('layer1.0.conv3.weight')!.init).toBe('zeros');
    expect(stdOf(r.get('layer1.0.conv1.weight')!)).toBeCloseTo(Math.sqrt(2 / 64) * 16 ** -0.25, 14); // 16 blocks, m = 3
    expect(r.get('fc.weight')!.init).toBe('zeros');
    expect(r.get('layer1.0.downsample.0.weight')!.init).toEqual({ scheme: 'kaimingNormal', mode: 'fanOut', nonlinearity: 'relu' });
  });
  test("'t-fixup' and 'deepnet' scale value, attention-out and MLP weights; DeepNet's alpha in the plan", () => {
    const b = (8 * 4) ** -0.25;
    expect(get({ residualScaling: 'deepnet' }, 'h.1.mlp.c_fc.weight')).toEqual({ scheme: 'normal', std: 0.02 * b });
    // Fused c_attn: only the value block (the last third of the columns) is scaled.
    expect(get({ residualScaling: 'deepnet' }, 'h.1.attn.c_attn.weight')).toEqual({
      scheme: 'concat', axis: 1, parts: [{ size: 32, init: { scheme: 'normal', std: 0.02 } }, { size: 16, init: { scheme: 'normal', std: 0.02 * b } }],
    });
    expect(recipe('gpt2', cfg, { residualScaling: 'deepnet' }).hyper.residualMultiplier).toBeCloseTo((2 * 4) ** 0.25, 15);
    expect(get({ residualScaling: 't-fixup' }, 'h.1.attn.c_proj.weight')).toEqual({ scheme: 'normal', std: 0.02 * (9 * 4) ** -0.25 });
    const bert = byName(recipe('bert', { numHiddenLayers: 3, hiddenSize: 8, numAttentionHeads: 2, intermediateSize: 16, vocabSize: 10 }, { residualScaling: 't-fixup' }));
    expect(bert.get('encoder.layer.0.attention.self.value.weight')!.init).toEqual({ scheme: 'normal', std: 0.02 * (0.67 * 3 ** -0.25) });
    expect(bert.get('encoder.layer.0.attention.self.query.weight')!.init).toEqual({ scheme: 'normal', std: 0.02 });
    expect(() => recipe('resnet', 'resnet18', { residualScaling: 'deepnet' })).toThrow(/defined for transformers/);
  });
});

describe('muP (Tensor Programs V, microsoft/mup with Adam)', () => {
  const base = { nLayer: 2, nHead: 2, nEmbd: 64 };
  const p = recipe('gpt2', { nLayer: 2, nHead: 2, nEmbd: 256 }, { parametrization: 'mup', base });
  const t = byName(p);
  test('hidden weights: std / sqrt(width mult), lrScale 1 / width mult; vectors and embeddings unchanged', () => {
    expect(t.get('h.0.attn.c_attn.weight')).toMatchObject({ init: { scheme: 'normal', std: 0.02 / 2 }, lrScale: 0.25 });
    expect(t.get('h.0.mlp.c_proj.weight')).toMatchObject({ init: { scheme: 'normal', std: 0.02 / Math.sqrt(4) / 2 }, lrScale: 0.25 });
    expect(t.get('wte.weight')).toMatchObject({ init: { scheme: 'normal', std: 0.02 }, lrScale: 1 });
    expect(t.get('h.0.ln_1.weight')).toMatchObject({ init: 'ones', lrScale: 1 });
    expect(p.hyper).toMatchObject({ parametrization: 'mup', widthMultiplier: 4, outputMultiplier: 0.25, attentionScale: 1 / 128 });
  });
  test('readout: the base init (or zeros), lrScale 1; fan-based inits are made width-independent', () => {
    const l = byName(recipe('llama', { dim: 512, nLayers: 2, nHeads: 8, vocabSize: 100 }, { parametrization: 'mup', base: { dim: 128, nLayers: 2, nHeads: 8, vocabSize: 100 } }));
    const s = 128 ** -0.5;
    expect(l.get('output.weight')).toMatchObject({ init: { scheme: 'truncatedNormal', std: s, a: -3 * s, b: 3 * s }, lrScale: 1 });
    expect(l.get('layers.0.attention.wq.weight')).toMatchObject({ init: { scheme: 'truncatedNormal', std: 0.01, a: -1, b: 1 }, lrScale: 0.25 });
    const z = byName(recipe('llama', { dim: 512, nLayers: 2, nHeads: 8, vocabSize: 100 }, { parametrization: 'mup', base: { dim: 128, nLayers: 2, nHeads: 8, vocabSize: 100 }, readoutZeroInit: true }));
    expect(z.get('output.weight')!.init).toBe('zeros');
    const m = byName(recipe('mlp', { widths: [10, 400, 400, 3] }, { parametrization: 'mup', base: { widths: [10, 100, 100, 3] } }));
    expect(m.get('layers.1.weight')).toMatchObject({ init: { scheme: 'normal', std: Math.sqrt(2 / 100) / 2 }, lrScale: 0.25 });
    expect(m.get('layers.0.weight')).toMatchObject({ init: { scheme: 'normal', std: Math.sqrt(2 / 10) }, lrScale: 1 });
    expect(m.get('layers.2.weight')).toMatchObject({ init: { scheme: 'normal', std: Math.sqrt(1 / 100) }, lrScale: 1 });
  });
  test('the base must have the same tensors', () => {
    expect(() => recipe('gpt2', base, { parametrization: 'mup', base: { nLayer: 3, nHead: 2, nEmbd: 64 } })).toThrow(/same tensors/);
    expect(() => recipe('resnet', 'resnet18', { parametrization: 'mup', base: 'resnet18' })).toThrow(/supported by gpt2/);
  });
});

test('every named configuration passes full validation (as a plan read from JSON) with the same normalized inits', () => {
  const options = [{}, { dtype: 'bfloat16' }, { residualScaling: 'fixup' }];
  for (const name of RECIPE_NAMES) {
    const configs: (string | Record<string, unknown>)[] = Object.keys(recipeConfigs(name));
    if (name === 'lstm') configs.push({ inputSize: 8, hiddenSize: 16, numLayers: 2, bidirectional: true, projSize: 4 });
    if (name === 'mlp') configs.push({ widths: '16,32x4,8', residual: true, batchNorm: true });
    for (const c of configs) {
      for (const o of name === 'lstm' ? [{}, { style: 'keras' }] : options) {
        const cc = name === 'lstm' && 'style' in o ? { inputSize: 8, hiddenSize: 16, numLayers: 2 } : c;
        const plan = recipe(name, cc as never, o as never);
        const own = checkPlan('test', plan);
        const full = checkPlan('test', JSON.parse(JSON.stringify(plan)));
        expect(full.tensors.map((t) => initText(t.init))).toEqual(own.tensors.map((t) => initText(t.init)));
        expect(full.plan.totals).toEqual(plan.totals);
      }
    }
  }
});

test('every role a recipe uses is documented', () => {
  const roles = new Set(ROLES.map((r) => r.role));
  for (const p of [recipe('gpt2', 'gpt2', { lmHead: true }), recipe('llama', 'llama3-debug'), recipe('bert', 'bert-base'), recipe('resnet', 'resnet18'),
    recipe('lstm', { inputSize: 2, hiddenSize: 4, projSize: 1 }), recipe('lstm', { inputSize: 2, hiddenSize: 4 }, { style: 'keras' }), recipe('mlp', { widths: [2, 3, 4], batchNorm: true })]) {
    for (const t of p.tensors) expect(roles.has(t.role)).toBe(true);
  }
});
