/** planFromShapes and rule sets: globs and RegExps, first match wins, unmatched tensors named; recipes as rule sets. */
import { describe, expect, test } from 'vitest';
import { materialize, planFromShapes, readSafetensors, recipe, recipeRules, writeSafetensors, type Rule } from '../lib/index.js';
import { globToRegExp } from '../lib/models/rules.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sameBytes } from './helpers.js';

describe('globs', () => {
  test('* stays within a dotted segment, ** crosses them, ? one character, {a,b} alternatives, \\ escapes', () => {
    const m = (g: string, s: string): boolean => globToRegExp(g).test(s);
    expect(m('h.*.attn.c_proj.weight', 'h.11.attn.c_proj.weight')).toBe(true);
    expect(m('h.*.c_proj.weight', 'h.11.attn.c_proj.weight')).toBe(false);
    expect(m('h.**.c_proj.weight', 'h.11.mlp.c_proj.weight')).toBe(true);
    expect(m('*.bias', 'fc.bias')).toBe(true);
    expect(m('*.bias', 'fc.bias.x')).toBe(false);
    expect(m('layer?.0.conv1.weight', 'layer3.0.conv1.weight')).toBe(true);
    expect(m('**.{running_mean,running_var}', 'layer1.0.bn1.running_var')).toBe(true);
    expect(m('a\\*b', 'a*b')).toBe(true);
    expect(m('a\\*b', 'axb')).toBe(false);
    expect(m('lstm/lstm_cell/*', 'lstm/lstm_cell/kernel')).toBe(true);
  });
});

describe('planFromShapes', () => {
  const rules: Rule[] = [
    { pattern: /\.bias$/, role: 'bias', init: 'zeros' },
    { pattern: 'head.weight', role: 'output', init: { scheme: 'normal', std: 0.001 } },
    { pattern: '*.weight', role: 'dense', init: { scheme: 'kaimingNormal', nonlinearity: 'relu' } },
    { pattern: '**', role: 'other', init: 'ones' },
  ];
  test('first match wins; streams follow the given order; every shapes form is accepted', () => {
    const shapes = { 'fc1.weight': [64, 32], 'fc1.bias': [64], 'head.weight': [10, 64], 'head.bias': [10], scale: [1] };
    const p = planFromShapes(shapes, rules);
    expect(p.tensors.map((t) => [t.name, t.role, t.stream])).toEqual([
      ['fc1.weight', 'dense', 0], ['fc1.bias', 'bias', 1], ['head.weight', 'output', 2], ['head.bias', 'bias', 3], ['scale', 'other', 4],
    ]);
    expect(p.recipe).toBeNull();
    const asList = planFromShapes(Object.entries(shapes), rules);
    const asMap = planFromShapes(new Map(Object.entries(shapes)), rules);
    const asObjs = planFromShapes(Object.entries(shapes).map(([name, shape]) => ({ name, shape })), rules);
    for (const q of [asList, asMap, asObjs]) expect(q.tensors).toEqual(p.tensors);
    expect(p.totals.parameters).toBe(64 * 32 + 64 + 640 + 10 + 1);
  });

  test("a TF.js model's weights, as they are", async () => {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    const tfl = await import('@tensorflow/tfjs-layers');
    await tf.setBackend('cpu');
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 8, inputShape: [4] }), tfl.layers.dense({ units: 2 })] });
    const p = planFromShapes(model.weights, [
      { pattern: '**/kernel', role: 'dense', init: { scheme: 'xavierUniform', layout: 'keras' }, layout: 'keras' },
      { pattern: '**/bias', role: 'bias', init: 'zeros' },
    ]);
    expect(p.tensors.map((t) => [t.shape, t.role])).toEqual([[[4, 8], 'dense'], [[8], 'bias'], [[8, 2], 'dense'], [[2], 'bias']]);
    model.dispose();
  });

  test('a tensor no rule matches is an error naming it', () => {
    expect(() => planFromShapes({ 'a.weight': [2, 2], 'b.gamma': [2] }, rules.slice(0, 3))).toThrow(/no rule matches "b\.gamma"/);
    expect(() => planFromShapes({ 'a.weight': [2, 2], 'b.gamma': [2] }, rules.slice(0, 3))).toThrow(RangeError);
  });

  test('the user\'s rules are not frozen or changed', () => {
    const r: Rule[] = [{ pattern: '**', role: 'dense', init: { scheme: 'normal', std: 1 } }];
    planFromShapes({ a: [2] }, r);
    expect(Object.isFrozen(r[0]!.init)).toBe(false);
  });
});

describe('recipes as rule sets', () => {
  test('layer-independent tensors become globs; depth-dependent ones stay exact', () => {
    const g = recipeRules('gpt2', 'gpt2');
    expect(g.map((r) => r.pattern)).toEqual([
      'wte.weight', 'wpe.weight', 'h.*.ln_1.weight', 'h.*.ln_1.bias', 'h.*.attn.c_attn.weight', 'h.*.attn.c_attn.bias',
      'h.*.attn.c_proj.weight', 'h.*.attn.c_proj.bias', 'h.*.ln_2.weight', 'h.*.ln_2.bias', 'h.*.mlp.c_fc.weight',
      'h.*.mlp.c_fc.bias', 'h.*.mlp.c_proj.weight', 'h.*.mlp.c_proj.bias', 'ln_f.weight', 'ln_f.bias',
    ]);
    const l = recipeRules('llama', 'llama3-debug').map((r) => r.pattern);
    expect(l).toContain('layers.*.attention.wq.weight');
    expect(l).toContain('layers.3.attention.wo.weight');
    expect(l).not.toContain('layers.*.attention.wo.weight');
  });

  test.each([
    ['gpt2', { nLayer: 2, nHead: 2, nEmbd: 32, vocabSize: 50, nPositions: 8 }, {}],
    ['llama', { dim: 32, nLayers: 3, nHeads: 4, vocabSize: 40, multipleOf: 16, tieWordEmbeddings: true }, { names: 'hf' }],
    ['resnet', 'resnet18', {}],
    ['lstm', { inputSize: 4, hiddenSize: 6 }, { style: 'keras' }],
  ] as const)('%s: planFromShapes(shapes of a file, recipeRules) plans what the recipe plans', (name, config, options) => {
    const plan = recipe(name, config as never, options as never);
    const dir = mkdtempSync(join(tmpdir(), 'nninit-rules-'));
    try {
      const path = join(dir, 'm.safetensors');
      writeSafetensors(path, plan, { seed: 4 });
      const rules = recipeRules(name, config as never, options as never);
      // Shapes as a header lists them (tied tensors are not in files: add them back in plan order).
      const shapes = plan.tensors.map((t) => [t.name, readSafetensors(path).tensors.get(t.name)?.shape ?? t.shape] as [string, number[]]);
      const again = planFromShapes(shapes, rules);
      expect(again.tensors).toEqual(plan.tensors);
      const a = materialize(plan, { seed: 4 });
      const b = materialize(again, { seed: 4 });
      for (const [k, v] of a) expect(sameBytes(v, b.get(k)!), k).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
