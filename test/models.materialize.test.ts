/**
 * materialize: values are the initializers' (1:1 with the specs), sampled statistics match
 * the plan, shards concatenate to the whole for every world size, a JSON round trip gives the
 * same bytes, tied tensors share one array, later tensors never change earlier ones.
 */
import { describe, expect, test } from 'vitest';
import {
  materialize, materializeAsync, normal, orthogonal, planFromShapes, recipe, truncatedNormal, xavierUniform,
  type ModelPlan, type TensorArray,
} from '../lib/index.js';
import { checkInit, momentsOf, plannedOf } from '../lib/models/init-spec.js';
import { concatAlong as concat, sameBytes } from './helpers.js';

const tinyGpt2 = { nLayer: 2, nHead: 4, nEmbd: 128, vocabSize: 1000, nPositions: 64 };
const tinyLlama = { dim: 128, nLayers: 2, nHeads: 4, nKvHeads: 2, vocabSize: 500, multipleOf: 32 };
const tinyBert = { numHiddenLayers: 2, hiddenSize: 128, numAttentionHeads: 4, intermediateSize: 256, vocabSize: 600, maxPositionEmbeddings: 64 };

/** The split axis of each tensor, as the safetensors writer records it, for a plan at a world size. */
function splitAxes(plan: ModelPlan): Map<string, number | null> {
  // Mirrors the documented role rules (docs/models.md): out / in / rows / replicated.
  const out = new Map<string, number | null>();
  const rule: Record<string, 'out' | 'in' | 'rows' | null> = {
    'embedding': 'rows', 'position-embedding': 'rows', 'token-type-embedding': 'rows', 'attention-qkv': 'out', 'attention-q': 'out', 'attention-k': 'out',
    'attention-v': 'out', 'attention-out': 'in', 'mlp-in': 'out', 'mlp-out': 'in', 'dense': 'out', 'pooler': 'out', 'output': 'out', 'conv': 'out',
    'input-kernel': 'out', 'recurrent-kernel': 'out', 'projection': 'out',
  };
  const byName = new Map(plan.tensors.map((t) => [t.name, t]));
  for (const t of plan.tensors) {
    const owner = t.tiedTo === undefined ? t : byName.get(t.tiedTo)!;
    const r = rule[owner.role] ?? null;
    const nd = t.shape.length;
    const keras = owner.layout === 'keras';
    out.set(t.name, r === null || nd === 0 ? null : r === 'rows' || nd === 1 ? 0 : r === 'out' ? (keras ? nd - 1 : 0) : keras ? nd - 2 : 1);
  }
  return out;
}

describe('values', () => {
  test('each tensor equals its initializer called with the plan seed and the tensor stream', () => {
    const plan = recipe('gpt2', tinyGpt2);
    const m = materialize(plan, { seed: 11 });
    const w = plan.tensors.find((t) => t.name === 'h.1.attn.c_proj.weight')!;
    expect(sameBytes(m.get(w.name)!, normal(w.shape, { std: 0.02 / Math.sqrt(4), seed: 11, stream: w.stream }))).toBe(true);
    const l = recipe('llama', tinyLlama);
    const lm = materialize(l, { seed: 5, dtype: 'bfloat16' });
    const o = l.tensors.find((t) => t.name === 'output.weight')!;
    const s = 128 ** -0.5;
    expect(sameBytes(lm.get(o.name)!, truncatedNormal(o.shape, { std: s, a: -3 * s, b: 3 * s, seed: 5, stream: o.stream, dtype: 'bfloat16' }))).toBe(true);
    const k = recipe('lstm', { inputSize: 6, hiddenSize: 8 }, { style: 'keras' });
    const km = materialize(k, { seed: 2 });
    expect(sameBytes(km.get('lstm/lstm_cell/kernel')!, xavierUniform([6, 32], { layout: 'keras', seed: 2, stream: 0 }))).toBe(true);
    expect(sameBytes(km.get('lstm/lstm_cell/recurrent_kernel')!, orthogonal([8, 32], { layout: 'keras', seed: 2, stream: 1 }))).toBe(true);
    expect([...km.get('lstm/lstm_cell/bias')!]).toEqual([...new Array(8).fill(0), ...new Array(8).fill(1), ...new Array(16).fill(0)]);
  });

  test('the padding row is zero and the other rows are the normal draw at their positions', () => {
    const plan = recipe('bert', { ...tinyBert, padTokenId: 3 });
    const m = materialize(plan, { seed: 1 });
    const w = m.get('embeddings.word_embeddings.weight') as Float32Array;
    const ref = normal([600, 128], { std: 0.02, seed: 1, stream: 0 });
    expect(w.subarray(3 * 128, 4 * 128).every((x) => x === 0)).toBe(true);
    expect(sameBytes(w.subarray(0, 3 * 128), ref.subarray(0, 3 * 128))).toBe(true);
    expect(sameBytes(w.subarray(4 * 128), ref.subarray(4 * 128))).toBe(true);
  });

  test('int64 buffers, dtypes, and tied tensors sharing one array', () => {
    const r = materialize(recipe('resnet', 'resnet18'), { seed: 0, dtype: 'float16' });
    expect(r.get('bn1.num_batches_tracked')).toEqual(new BigInt64Array(1));
    expect(r.get('bn1.running_var')).toBeInstanceOf(Uint16Array);
    expect(r.get('bn1.running_var')![0]).toBe(0x3c00); // float16 1.0
    const t = materialize(recipe('llama', { ...tinyLlama, tieWordEmbeddings: true }), { seed: 0 });
    expect(t.get('output.weight')).toBe(t.get('tok_embeddings.weight'));
  });
});

describe('statistics: every role within 5 standard errors of its planned std', () => {
  const cases: [string, ModelPlan][] = [
    ['gpt2', recipe('gpt2', tinyGpt2)],
    ['llama', recipe('llama', tinyLlama)],
    ['bert', recipe('bert', tinyBert)],
    ['resnet18', recipe('resnet', 'resnet18', { zeroInitResidual: true })],
    ['lstm torch', recipe('lstm', { inputSize: 64, hiddenSize: 128, numLayers: 2 })],
    ['mlp', recipe('mlp', { widths: '256,512x3,10', activation: 'gelu', residual: true })],
  ];
  test.each(cases)('%s', (_n, plan) => {
    const m = materialize(plan, { seed: 2024 });
    for (const t of plan.tensors) {
      const init = checkInit('test', 'init', t.init, t.shape, 'float64');
      const p = plannedOf(init, t.shape);
      const { mean, std } = momentsOf(p);
      const a = m.get(t.name)!;
      if (a instanceof BigInt64Array) continue;
      const n = a.length;
      let s1 = 0, s2 = 0;
      for (let i = 0; i < n; i++) { const x = a[i]!; s1 += x; s2 += x * x; }
      const mu = s1 / n;
      const sd = Math.sqrt(Math.max(s2 / n - mu * mu, 0) * n / Math.max(n - 1, 1));
      if (p.kind === 'constant') {
        expect(a.every((x) => x === p.value), t.name).toBe(true);
        continue;
      }
      const se = std * Math.sqrt((p.kind === 'uniform' ? 0.8 : 2) / (4 * n));
      expect(Math.abs(sd - std), `${t.name}: std ${sd} vs ${std}`).toBeLessThan(5 * se + 1e-7 * std);
      expect(Math.abs(mu - mean), `${t.name}: mean ${mu}`).toBeLessThan(5 * std / Math.sqrt(n));
    }
  });
});

describe('shards', () => {
  const plans: [string, ModelPlan][] = [
    ['gpt2', recipe('gpt2', { ...tinyGpt2, nEmbd: 48, nHead: 3 })],
    ['llama (tied, hf names)', recipe('llama', { ...tinyLlama, dim: 48, nHeads: 3, nKvHeads: 1, tieWordEmbeddings: true }, { names: 'hf' })],
    ['bert (padding concat)', recipe('bert', { ...tinyBert, hiddenSize: 24, numAttentionHeads: 3, intermediateSize: 40 })],
    ['resnet18', recipe('resnet', { block: 'basic', layers: [1, 1, 1, 1], numClasses: 10 })],
    ['lstm keras (orthogonal, concat)', recipe('lstm', { inputSize: 5, hiddenSize: 7 }, { style: 'keras' })],
  ];
  test.each(plans)('%s: rank parts concatenate to the whole for world sizes 1, 2, 3, 8', (_n, plan) => {
    const whole = materialize(plan, { seed: 9 });
    const axes = splitAxes(plan);
    for (const ws of [1, 2, 3, 8]) {
      const parts = Array.from({ length: ws }, (_, rank) => materialize(plan, { seed: 9, rank, worldSize: ws }));
      for (const t of plan.tensors) {
        const axis = ws === 1 ? null : axes.get(t.name)!;
        const got = parts.map((p) => p.get(t.name)!);
        if (axis === null) {
          for (const g of got) expect(sameBytes(g, whole.get(t.name)!), `${t.name} replicated`).toBe(true);
          continue;
        }
        const dim = t.shape[axis]!;
        const shapes = got.map((_, r) => {
          const s = [...t.shape];
          s[axis] = Math.floor(dim / ws) + (r < dim % ws ? 1 : 0);
          return s;
        });
        expect(sameBytes(concat(got, shapes, axis, t.shape), whole.get(t.name)!), `${t.name} ws ${ws}`).toBe(true);
      }
    }
  });

  test('split axes can be overridden per role; rank >= worldSize is an error', () => {
    const plan = recipe('gpt2', tinyGpt2);
    const a = materialize(plan, { seed: 1, rank: 1, worldSize: 2, splitAxis: { 'attention-out': null, 'norm-weight': 0 } });
    expect(a.get('h.0.attn.c_proj.weight')!.length).toBe(128 * 128);
    expect(a.get('h.0.ln_1.weight')!.length).toBe(64);
    expect(() => materialize(plan, { seed: 1, rank: 2, worldSize: 2 })).toThrow(/options\.rank must be an integer in \[0, 2\)/);
  });
});

describe('reproducibility', () => {
  test('a plan serialized to JSON and read back materializes the same bytes', () => {
    for (const plan of [recipe('gpt2', tinyGpt2, { residualScaling: 'deepnet' }), recipe('lstm', { inputSize: 5, hiddenSize: 7 }, { style: 'keras' }),
      recipe('llama', tinyLlama, { parametrization: 'mup', base: { ...tinyLlama, dim: 64, nHeads: 4 } })]) {
      const back = JSON.parse(JSON.stringify(plan)) as ModelPlan;
      const a = materialize(plan, { seed: 77 });
      const b = materialize(back, { seed: 77 });
      for (const [k, v] of a) expect(sameBytes(v, b.get(k)!), k).toBe(true);
    }
  });

  test('adding tensors after a tensor, or layers after a layer, never changes its values', () => {
    const two = materialize(recipe('gpt2', { ...tinyGpt2, nLayer: 2 }, { residualScaling: 'none' }), { seed: 3 });
    const three = materialize(recipe('gpt2', { ...tinyGpt2, nLayer: 3 }, { residualScaling: 'none' }), { seed: 3 });
    for (const k of ['wte.weight', 'h.0.attn.c_attn.weight', 'h.1.mlp.c_proj.weight']) expect(sameBytes(two.get(k)!, three.get(k)!)).toBe(true);
    const rules = [{ pattern: '**', role: 'dense' as const, init: { scheme: 'normal' as const, std: 1 } }];
    const a = materialize(planFromShapes([['a', [10, 10]], ['b', [5]]], rules), { seed: 1 });
    const b = materialize(planFromShapes([['a', [10, 10]], ['b', [5]], ['c', [3, 3]]], rules), { seed: 1 });
    expect(sameBytes(a.get('a')!, b.get('a')!) && sameBytes(a.get('b')!, b.get('b')!)).toBe(true);
  });

  test('materializeAsync gives the same bytes as materialize', async () => {
    for (const plan of [recipe('gpt2', tinyGpt2), recipe('lstm', { inputSize: 5, hiddenSize: 7 }, { style: 'keras' })]) {
      const a = materialize(plan, { seed: 4, dtype: 'bfloat16' });
      const b = await materializeAsync(plan, { seed: 4, dtype: 'bfloat16' });
      for (const [k, v] of a) expect(sameBytes(v, b.get(k)!), k).toBe(true);
    }
    await expect(materializeAsync(recipe('gpt2', tinyGpt2), {} as never)).rejects.toThrow(/options\.seed/);
  });
});
