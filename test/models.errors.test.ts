/**
 * Bad input to the models layer: every case a clear TypeError/RangeError naming the argument
 * (or the tensor), nothing written, and hostile options (getters, Proxies, prototype
 * pollution) read once or not at all.
 */
import { describe, expect, test } from 'vitest';
import { audit, materialize, planFromShapes, recipe, type ModelPlan } from '../lib/index.js';

const tiny = { nLayer: 1, nHead: 2, nEmbd: 8, vocabSize: 10, nPositions: 4 };

describe('recipes', () => {
  test('unknown recipe, config name or config key', () => {
    expect(() => recipe('gpt3' as never)).toThrow(/nninit\.recipe: name must be one of "gpt2", "llama", "bert", "resnet", "lstm", "mlp"; received "gpt3"/);
    expect(() => recipe('gpt2', 'gpt2-huge')).toThrow(/config must be one of "gpt2", "gpt2-medium", "gpt2-large", "gpt2-xl" or a config object; received "gpt2-huge"/);
    expect(() => recipe('gpt2', { nLayers: 2 } as never)).toThrow(/unknown option config\.nLayers; did you mean 'nLayer'\?/);
    expect(() => recipe('gpt2', 'gpt2', { depthInit: true } as never)).toThrow(TypeError);
    expect(() => recipe('llama', 'llama3-8b', { names: 'meta' as never })).toThrow(/options\.names must be one of "torchtitan", "hf"/);
    expect(() => recipe('lstm')).toThrow(/the lstm recipe has no default/);
  });

  test('non-integer or non-positive sizes', () => {
    expect(() => recipe('gpt2', { ...tiny, nLayer: 1.5 })).toThrow(/config\.nLayer must be a positive integer; received 1\.5/);
    expect(() => recipe('gpt2', { ...tiny, nEmbd: 0 })).toThrow(RangeError);
    expect(() => recipe('gpt2', { ...tiny, vocabSize: -3 })).toThrow(/config\.vocabSize/);
    expect(() => recipe('gpt2', { ...tiny, nLayer: '2' as never })).toThrow(TypeError);
    expect(() => recipe('llama', { dim: 64, nLayers: 1, nHeads: 4, ffnDimMultiplier: -1 })).toThrow(/ffnDimMultiplier/);
    expect(() => recipe('resnet', { layers: [1, 1, 1] })).toThrow(/config\.layers must be an array of 4 positive integers/);
    expect(() => recipe('mlp', { widths: [10] })).toThrow(/between 2 and 10001 widths/);
    expect(() => recipe('lstm', { inputSize: 4, hiddenSize: 4, projSize: 4 })).toThrow(/projSize/);
    expect(() => recipe('gpt2', { ...tiny, initializerRange: NaN })).toThrow(/initializerRange/);
  });

  test('heads not dividing the width', () => {
    expect(() => recipe('gpt2', { ...tiny, nHead: 3 })).toThrow(/config\.nHead must be a divisor of nEmbd \(8\); received 3/);
    expect(() => recipe('llama', { dim: 64, nLayers: 1, nHeads: 5 })).toThrow(/config\.nHeads must be a divisor of dim \(64\)/);
    expect(() => recipe('llama', { dim: 64, nLayers: 1, nHeads: 8, nKvHeads: 3 })).toThrow(/nKvHeads must be a divisor of nHeads/);
    expect(() => recipe('bert', { hiddenSize: 100, numAttentionHeads: 12 })).toThrow(/numAttentionHeads/);
  });

  test('options that do not apply', () => {
    expect(() => recipe('gpt2', tiny, { residualScaling: 'sqrt' as never })).toThrow(/residualScaling/);
    expect(() => recipe('gpt2', tiny, { residualScaling: -1 })).toThrow(RangeError);
    expect(() => recipe('gpt2', tiny, { base: tiny })).toThrow(/options\.base must be undefined unless options\.parametrization is 'mup'/);
    expect(() => recipe('gpt2', tiny, { parametrization: 'mup' })).toThrow(/options\.base/);
    expect(() => recipe('lstm', { inputSize: 2, hiddenSize: 2 }, { residualScaling: 'gpt2' })).toThrow(/no residual branches/);
    expect(() => recipe('lstm', { inputSize: 2, hiddenSize: 2, bidirectional: true }, { style: 'keras' })).toThrow(/bidirectional/);
    expect(() => recipe('llama', { dim: 16, nLayers: 1, nHeads: 2, vocabSize: 5, multipleOf: 8, tieWordEmbeddings: true }, { parametrization: 'mup', base: { dim: 8, nLayers: 1, nHeads: 2, vocabSize: 5, multipleOf: 8, tieWordEmbeddings: true }, readoutZeroInit: true })).toThrow(/tied/);
  });
});

describe('plans', () => {
  test('a plan read back from JSON is checked field by field', () => {
    const good = JSON.parse(JSON.stringify(recipe('gpt2', tiny))) as { tensors: Record<string, unknown>[] };
    const bad = (edit: (p: typeof good) => void): ModelPlan => {
      const p = JSON.parse(JSON.stringify(good)) as typeof good;
      edit(p);
      return p as unknown as ModelPlan;
    };
    expect(() => materialize(bad((p) => { p.tensors[0]!.shape = [10, -8]; }), { seed: 0 })).toThrow(/plan\.tensors\[0\]\.shape\[1\] must be a non-negative integer; received -8/);
    expect(() => materialize(bad((p) => { p.tensors[1]!.name = 'wte.weight'; }), { seed: 0 })).toThrow(/unique/);
    expect(() => materialize(bad((p) => { p.tensors[0]!.init = { scheme: 'normal' }; }), { seed: 0 })).toThrow(/plan\.tensors\[0\]\.init\.std must be given/);
    expect(() => materialize(bad((p) => { p.tensors[0]!.init = { scheme: 'normal', std: 0.02, sd: 1 }; }), { seed: 0 })).toThrow(/unknown option plan\.tensors\[0\]\.init\.sd/);
    expect(() => materialize(bad((p) => { p.tensors[0]!.init = { scheme: 'gaussian' }; }), { seed: 0 })).toThrow(/init\.scheme must be one of zeros/);
    expect(() => materialize(bad((p) => { p.tensors[0]!.init = { scheme: 'kaimingNormal' }; p.tensors[0]!.shape = [5]; }), { seed: 0 })).toThrow(/is not valid for shape \[5\]/);
    expect(() => materialize(bad((p) => { p.tensors[0]!.role = 'weights'; }), { seed: 0 })).toThrow(/role must be one of/);
    expect(() => materialize(bad((p) => { p.tensors[2]!.tiedTo = 'nothing'; }), { seed: 0 })).toThrow(/tiedTo must be the name of an earlier tensor/);
    expect(() => materialize(bad((p) => { p.tensors[0]!.stream = -1; }), { seed: 0 })).toThrow(/stream/);
    expect(() => materialize(bad((p) => { p.tensors[0]!.init = { scheme: 'truncatedNormal', std: 1, a: 1, b: -1 }; }), { seed: 0 })).toThrow(/options\.a must be less than/);
  });

  test('rules that are not rules', () => {
    expect(() => planFromShapes({ a: [1] }, [])).toThrow(/non-empty array/);
    expect(() => planFromShapes({ a: [1] }, [{ pattern: '', role: 'bias', init: 'zeros' }])).toThrow(/pattern/);
    expect(() => planFromShapes({ a: [1] }, [{ pattern: '{a', role: 'bias', init: 'zeros' }])).toThrow(/unbalanced/);
    expect(() => planFromShapes({ a: [1] }, [{ pattern: 'a', role: 'weight' as never, init: 'zeros' }])).toThrow(/role/);
    expect(() => planFromShapes({ a: [1] }, [{ pattern: 'a', role: 'bias', init: 'zero' as never }])).toThrow(/"zeros", "ones"/);
    expect(() => planFromShapes({ a: [1.5] }, [{ pattern: 'a', role: 'bias', init: 'zeros' }])).toThrow(/shape\[0\]/);
  });
});

describe('hostile options', () => {
  test('a polluted Object.prototype changes no plan and no value (spec fields, recipe options and config fields)', () => {
    const build = (): string => {
      const plans = [
        recipe('gpt2', tiny, { lmHead: true }),
        recipe('llama', 'llama3-debug'),
        recipe('bert', { hiddenSize: 8, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 16, vocabSize: 10, maxPositionEmbeddings: 4, typeVocabSize: 2 }),
        recipe('resnet', { layers: [1, 1, 1, 1], block: 'basic', numClasses: 3 }),
        recipe('lstm', { inputSize: 3, hiddenSize: 4, numLayers: 1 }, { style: 'keras' }),
        recipe('mlp', { widths: [4, 4, 4, 2], residual: true }),
        planFromShapes({ 'a.weight': [4, 3], 'a.bias': [4] }, [
          { pattern: '*.weight', role: 'dense', init: { scheme: 'kaimingNormal', nonlinearity: 'relu' } },
          { pattern: '*.bias', role: 'bias', init: 'zeros' },
        ]),
      ];
      const bytes = plans.filter((p) => p.totals.parameters < 1e6).map((p) => [...materialize(p, { seed: 1 })].map(([k, v]) => `${k}:${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')}`));
      return JSON.stringify([plans, bytes]);
    };
    const clean = build();
    const proto = Object.prototype as Record<string, unknown>;
    const pollution: Record<string, unknown> = {
      tiedTo: 'wte.weight', layout: 'keras', buffer: true, stream: 7, lrScale: 3, dtype: 'float64', residualScaling: 'fixup',
      names: 'hf', pooler: false, style: 'torch', unitForgetBias: false, zeroInitResidual: true, lmHead: false, depthScaled: true, last: true,
      inner: true, tfixup: true, classifier: true, mean: 5, std: 9, gain: 9, scale: 9, a: 3, b: -3, value: 3, mode: 'fanOut', convention: 'keras',
      nonlinearity: 'tanh', truncation: 1, layers: [2, 2, 2, 2], widths: [9, 9], activation: 'tanh', initializerRange: 5, nInner: 7, tieWordEmbeddings: false,
      depthInit: false, multipleOf: 3, tensors: new Map(), parts: [], axis: 1, concat: { axis: 0, parts: [] }, rank: 1, worldSize: 2, splitAxis: { dense: 1 },
    };
    let polluted: string;
    try {
      for (const [k, v] of Object.entries(pollution)) proto[k] = v;
      polluted = build();
    } finally {
      for (const k of Object.keys(pollution)) delete proto[k];
    }
    expect(polluted).toBe(clean);
  });

  test('prototype pollution is never seen; getters run once; unknown names rejected', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.worldSize = 4;
    proto.rank = 3;
    try {
      const m = materialize(recipe('gpt2', tiny), { seed: 1 });
      expect(m.get('wte.weight')!.length).toBe(80); // not a shard
    } finally {
      delete proto.worldSize;
      delete proto.rank;
    }
    let reads = 0;
    const opts = { get seed() { reads++; return reads === 1 ? 1 : 'boom'; } };
    materialize(recipe('gpt2', tiny), opts as never);
    expect(reads).toBe(1);
    expect(() => materialize(recipe('gpt2', tiny), { seed: 1, worldsize: 2 } as never)).toThrow(/unknown option options\.worldsize; did you mean 'worldSize'\?/);
    expect(() => materialize(recipe('gpt2', tiny), new Proxy({}, { ownKeys: () => { throw new Error('trap'); } }) as never)).toThrow(/trap/);
    expect(() => audit(new Map(), recipe('gpt2', tiny), { sigmas: -1 })).toThrow(/options\.sigmas/);
  });

  test('a plan with getters: each field read once, the file header written from the snapshot', () => {
    const good = JSON.parse(JSON.stringify(recipe('mlp', { widths: [3, 2] }))) as { tensors: Record<string, unknown>[] };
    let reads = 0;
    good.tensors[0]!.init = { scheme: 'normal', get std() { reads++; return reads === 1 ? 0.5 : 1e300; } };
    const m = materialize(good as unknown as ModelPlan, { seed: 1 });
    expect(reads).toBe(1);
    const w = m.get('layers.0.weight') as Float32Array;
    expect(Math.max(...w.map(Math.abs))).toBeLessThan(5);
    // The getter now returns 1e300, which float32 cannot hold: refused when the plan is checked.
    expect(() => materialize(good as unknown as ModelPlan, { seed: 1 })).toThrow(/plan\.tensors\[0\]\.init .* options\.std must be a positive number within the float32 range/);
    good.tensors[0]!.init = { scheme: 'normal', std: 0.5 };
    expect(() => materialize({ ...good, hyper: { outputMultiplier: 'x' } } as never, { seed: 1 })).toThrow(/hyper\.outputMultiplier/);
    expect(() => materialize({ ...good, config: { a: 1n } } as never, { seed: 1 })).toThrow(/plan\.config must be a JSON-serializable object/);
  });

  test('absurd sizes: planned fine when representable, refused clearly otherwise, never allocated', () => {
    const huge = recipe('gpt2', { nLayer: 1, nHead: 1, nEmbd: 1 << 20, vocabSize: 1 << 20 });
    expect(huge.totals.parameters).toBeGreaterThan(2 ** 40);
    expect(() => materialize(huge, { seed: 0 })).toThrow(/at most 4294967296 elements to hold in memory/);
    expect(() => recipe('gpt2', { nLayer: 1, nHead: 1, nEmbd: 2 ** 26, vocabSize: 2 ** 26 })).toThrow(/at most 2\^50 elements/);
  });

  test('seeds: required, integer in [0, 2^64)', () => {
    const p = recipe('gpt2', tiny);
    expect(() => materialize(p, { seed: -1 })).toThrow(RangeError);
    expect(() => materialize(p, { seed: 2n ** 64n })).toThrow(RangeError);
    expect(() => materialize(p, { seed: 1.5 })).toThrow(/options\.seed/);
    expect(() => materialize(p, undefined as never)).toThrow(/options\.seed must be an integer/);
  });
});
