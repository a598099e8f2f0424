// Parameter shapes of three reference models, from their published configurations, each
// with the initialization its reference implementation performs. Shapes are in the
// reference framework's layout (PyTorch [out, in, kh, kw]; GPT-2's Conv1D is [in, out]).
//
// init kinds (std already resolved, so every implementation draws the same distribution):
//   normal        N(0, std^2)                                   GPT-2 (HF/OpenAI), ResNet convs
//   truncnormal   N(0, std^2) truncated to mean +- 2 std        BERT (google-research/bert: tf.truncated_normal_initializer)
//   kaimingFanOut kaiming_normal_(mode='fan_out', nonlinearity='relu') = N(0, 2/fan_out)   torchvision ResNet convs
//   torchWeight / torchBias   nn.Linear.reset_parameters: U(+-1/sqrt(fan_in))          torchvision ResNet fc
//   zeros / ones  constants (biases, LayerNorm/BatchNorm beta and gamma)

/** GPT-2 (HF GPT2Model / OpenAI gpt-2): wte, wpe, 12 blocks, ln_f. lm_head is tied to wte. */
export function gpt2Params({ nLayer = 12, nEmbd = 768, vocab = 50257, nPositions = 1024, std = 0.02 } = {}) {
  const p = [];
  const d = nEmbd;
  // GPT-2 paper / HF _init_weights: c_proj weights get std / sqrt(2 * n_layer).
  const projStd = std / Math.sqrt(2 * nLayer);
  p.push({ name: 'wte.weight', shape: [vocab, d], init: { kind: 'normal', std } });
  p.push({ name: 'wpe.weight', shape: [nPositions, d], init: { kind: 'normal', std } });
  for (let l = 0; l < nLayer; l++) {
    const h = `h.${l}.`;
    p.push({ name: h + 'ln_1.weight', shape: [d], init: { kind: 'ones' } });
    p.push({ name: h + 'ln_1.bias', shape: [d], init: { kind: 'zeros' } });
    p.push({ name: h + 'attn.c_attn.weight', shape: [d, 3 * d], init: { kind: 'normal', std } });
    p.push({ name: h + 'attn.c_attn.bias', shape: [3 * d], init: { kind: 'zeros' } });
    p.push({ name: h + 'attn.c_proj.weight', shape: [d, d], init: { kind: 'normal', std: projStd } });
    p.push({ name: h + 'attn.c_proj.bias', shape: [d], init: { kind: 'zeros' } });
    p.push({ name: h + 'ln_2.weight', shape: [d], init: { kind: 'ones' } });
    p.push({ name: h + 'ln_2.bias', shape: [d], init: { kind: 'zeros' } });
    p.push({ name: h + 'mlp.c_fc.weight', shape: [d, 4 * d], init: { kind: 'normal', std } });
    p.push({ name: h + 'mlp.c_fc.bias', shape: [4 * d], init: { kind: 'zeros' } });
    p.push({ name: h + 'mlp.c_proj.weight', shape: [4 * d, d], init: { kind: 'normal', std: projStd } });
    p.push({ name: h + 'mlp.c_proj.bias', shape: [d], init: { kind: 'zeros' } });
  }
  p.push({ name: 'ln_f.weight', shape: [d], init: { kind: 'ones' } });
  p.push({ name: 'ln_f.bias', shape: [d], init: { kind: 'zeros' } });
  return p;
}

/**
 * BERT-base-uncased with pooler (google-research/bert modeling.py; HF BertModel has the same
 * shapes). The reference TF code initializes every dense kernel and embedding table with
 * truncated_normal(stddev = initializer_range = 0.02), biases and LayerNorm beta zeros,
 * gamma ones. (HF's PyTorch port uses an untruncated normal_; we follow the original.)
 */
export function bertParams({ nLayer = 12, hidden = 768, intermediate = 3072, vocab = 30522, maxPos = 512, typeVocab = 2, std = 0.02 } = {}) {
  const p = [];
  const d = hidden;
  const tn = { kind: 'truncnormal', std };
  const dense = (name, out, inn) => {
    // torch layout [out, in]; TF stores [in, out]: same element count and distribution.
    p.push({ name: name + '.weight', shape: [out, inn], init: tn });
    p.push({ name: name + '.bias', shape: [out], init: { kind: 'zeros' } });
  };
  const ln = (name) => {
    p.push({ name: name + '.weight', shape: [d], init: { kind: 'ones' } });
    p.push({ name: name + '.bias', shape: [d], init: { kind: 'zeros' } });
  };
  p.push({ name: 'embeddings.word_embeddings.weight', shape: [vocab, d], init: tn });
  p.push({ name: 'embeddings.position_embeddings.weight', shape: [maxPos, d], init: tn });
  p.push({ name: 'embeddings.token_type_embeddings.weight', shape: [typeVocab, d], init: tn });
  ln('embeddings.LayerNorm');
  for (let l = 0; l < nLayer; l++) {
    const e = `encoder.layer.${l}.`;
    dense(e + 'attention.self.query', d, d);
    dense(e + 'attention.self.key', d, d);
    dense(e + 'attention.self.value', d, d);
    dense(e + 'attention.output.dense', d, d);
    ln(e + 'attention.output.LayerNorm');
    dense(e + 'intermediate.dense', intermediate, d);
    dense(e + 'output.dense', d, intermediate);
    ln(e + 'output.LayerNorm');
  }
  dense('pooler.dense', d, d);
  return p;
}

/**
 * torchvision ResNet-50: Bottleneck blocks [3, 4, 6, 3], expansion 4, stride on the 3x3
 * conv (v1.5). Convs: kaiming_normal_(fan_out, relu), no bias; BatchNorm weight 1, bias 0
 * (running stats are buffers, not parameters); fc: nn.Linear defaults.
 */
export function resnet50Params({ layers = [3, 4, 6, 3], width = 64, numClasses = 1000 } = {}) {
  const p = [];
  const conv = (name, out, inn, k) => p.push({ name, shape: [out, inn, k, k], init: { kind: 'kaimingFanOut', std: Math.sqrt(2 / (out * k * k)) } });
  const bn = (name, c) => {
    p.push({ name: name + '.weight', shape: [c], init: { kind: 'ones' } });
    p.push({ name: name + '.bias', shape: [c], init: { kind: 'zeros' } });
  };
  conv('conv1.weight', width, 3, 7);
  bn('bn1', width);
  let inplanes = width;
  layers.forEach((blocks, li) => {
    const planes = width * 2 ** li;
    for (let b = 0; b < blocks; b++) {
      const n = `layer${li + 1}.${b}.`;
      conv(n + 'conv1.weight', planes, inplanes, 1);
      bn(n + 'bn1', planes);
      conv(n + 'conv2.weight', planes, planes, 3);
      bn(n + 'bn2', planes);
      conv(n + 'conv3.weight', planes * 4, planes, 1);
      bn(n + 'bn3', planes * 4);
      if (b === 0) {
        conv(n + 'downsample.0.weight', planes * 4, inplanes, 1);
        bn(n + 'downsample.1', planes * 4);
      }
      inplanes = planes * 4;
    }
  });
  const bound = 1 / Math.sqrt(inplanes);
  p.push({ name: 'fc.weight', shape: [numClasses, inplanes], init: { kind: 'torchWeight', fanIn: inplanes, bound } });
  p.push({ name: 'fc.bias', shape: [numClasses], init: { kind: 'torchBias', fanIn: inplanes, bound } });
  return p;
}

export const numel = (shape) => shape.reduce((a, b) => a * b, 1);
export const countParams = (params) => params.reduce((s, p) => s + numel(p.shape), 0);

/** The published totals; the full-size shape lists are checked against them at load. */
export const KNOWN_TOTALS = { 'GPT-2 small': 124439808, 'BERT-base': 109482240, 'ResNet-50': 25557032 };

/**
 * The models to benchmark. `tiny` gives scaled-down configurations (same code paths) for
 * the smoke mode; the full-size lists are asserted against the published totals.
 */
export function models({ tiny = false } = {}) {
  const list = tiny
    ? [
        { name: 'GPT-2 small', params: gpt2Params({ nLayer: 2, nEmbd: 32, vocab: 500, nPositions: 64 }) },
        { name: 'BERT-base', params: bertParams({ nLayer: 2, hidden: 32, intermediate: 128, vocab: 500, maxPos: 64 }) },
        { name: 'ResNet-50', params: resnet50Params({ layers: [1, 1, 1, 1], width: 8, numClasses: 10 }) },
      ]
    : [
        { name: 'GPT-2 small', params: gpt2Params() },
        { name: 'BERT-base', params: bertParams() },
        { name: 'ResNet-50', params: resnet50Params() },
      ];
  for (const m of list) {
    m.count = countParams(m.params);
    m.tiny = tiny;
    if (!tiny && m.count !== KNOWN_TOTALS[m.name]) {
      throw new Error(`bench/models.mjs: ${m.name} has ${m.count} parameters, expected ${KNOWN_TOTALS[m.name]}`);
    }
  }
  return list;
}
