/**
 * audit: clean tensors pass (in memory, from readSafetensors, from a path, in 16-bit, as a
 * shard); planted mistakes are caught with expected and observed std named: a GPT-2 whose
 * c_proj weights were left at 0.02 (missing depth scale), convs with the wrong fan mode, ones
 * instead of zeros; KS p-values agree with @stdlib's kstest.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { audit, kaimingNormal, materialize, normal, planFromShapes, readSafetensors, recipe, writeSafetensors } from '../lib/index.js';
import { ksPValue } from '../lib/models/audit.js';

const kstest = require('@stdlib/stats-kstest') as (x: ArrayLike<number>, cdf: string, ...p: number[]) => { pValue: number; statistic: number };

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'nninit-audit-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

const gpt = { nLayer: 4, nHead: 4, nEmbd: 256, vocabSize: 2000, nPositions: 128 };

describe('clean tensors pass', () => {
  test('in memory, every recipe', () => {
    for (const plan of [recipe('gpt2', gpt), recipe('llama', { dim: 128, nLayers: 2, nHeads: 4, vocabSize: 300, multipleOf: 32 }),
      recipe('bert', { numHiddenLayers: 2, hiddenSize: 128, numAttentionHeads: 4, intermediateSize: 256, vocabSize: 500 }),
      recipe('resnet', 'resnet18'), recipe('lstm', { inputSize: 40, hiddenSize: 64 }, { style: 'keras' }), recipe('lstm', { inputSize: 40, hiddenSize: 64 }),
      recipe('mlp', { widths: '64,128x3,10', batchNorm: true })]) {
      const r = audit(materialize(plan, { seed: 99 }), plan);
      expect(r.tensors.flatMap((t) => t.problems), plan.recipe!).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.checked).toBe(plan.tensors.length);
    }
  });

  test('a file by path (bfloat16), readSafetensors output, and a rank file (metadata gives the shard)', () => {
    const plan = recipe('gpt2', gpt);
    const p = join(dir, 'g.safetensors');
    writeSafetensors(p, plan, { seed: 1, dtype: 'bfloat16' });
    expect(audit(p, plan).ok).toBe(true);
    expect(audit(p).ok).toBe(true); // the plan from the file's own metadata
    expect(audit(readSafetensors(p), plan).ok).toBe(true);
    const r1 = join(dir, 'g-r1.safetensors');
    writeSafetensors(r1, plan, { seed: 1, rank: 1, worldSize: 3 });
    const rep = audit(r1, plan);
    expect(rep.tensors.flatMap((t) => t.problems)).toEqual([]);
    expect(rep.tensors.find((t) => t.name === 'wte.weight')!.regions[0]!.observed.n).toBe(667 * 256);
  });

  test('a tied tensor is audited against its target\'s init (it holds the target\'s values)', () => {
    const plan = planFromShapes([['emb', [300, 64]], ['head', [300, 64]]], [
      { pattern: 'emb', role: 'embedding', init: { scheme: 'normal', std: 1 } },
      { pattern: 'head', role: 'output', init: { scheme: 'normal', std: 0.001 }, tiedTo: 'emb' },
    ]);
    const m = materialize(plan, { seed: 2 });
    expect(m.get('head')).toBe(m.get('emb'));
    expect(audit(m, plan).ok).toBe(true);
  });

  test('the report states expected and observed std per region', () => {
    const plan = recipe('bert', { numHiddenLayers: 1, hiddenSize: 64, numAttentionHeads: 2, intermediateSize: 128, vocabSize: 400 });
    const r = audit(materialize(plan, { seed: 3 }), plan);
    const words = r.tensors.find((t) => t.name === 'embeddings.word_embeddings.weight')!;
    expect(words.regions.map((g) => g.init)).toEqual(['zeros', 'normal(std=0.02)']);
    expect(words.regions[1]!.expected.std).toBe(0.02);
    expect(Math.abs(words.regions[1]!.observed.std - 0.02)).toBeLessThan(0.001);
    expect(words.regions[1]!.ks!.p).toBeGreaterThan(1e-6);
  });
});

describe('planted mistakes are caught', () => {
  test('a GPT-2 whose c_proj weights were left at 0.02 (the missing depth scale, transformers#47458)', () => {
    const plan = recipe('gpt2', gpt);
    const bad = materialize(recipe('gpt2', gpt, { residualScaling: 'none' }), { seed: 5 });
    const r = audit(bad, plan);
    expect(r.ok).toBe(false);
    const failed = r.tensors.filter((t) => !t.ok).map((t) => t.name);
    expect(failed.sort()).toEqual(Array.from({ length: 4 }, (_, l) => [`h.${l}.attn.c_proj.weight`, `h.${l}.mlp.c_proj.weight`]).flat().sort());
    const msg = r.tensors.find((t) => t.name === 'h.2.attn.c_proj.weight')!.problems[0]!;
    expect(msg).toMatch(/expected std 0\.007071, observed 0\.0(199|200)\d* \(2\.8\d*x/);
  });

  test('convolutions initialized with fan_in instead of fan_out', () => {
    const plan = recipe('resnet', 'resnet18');
    const m = materialize(plan, { seed: 6 });
    const name = 'layer2.0.conv1.weight'; // [128, 64, 3, 3]: fan_in 576, fan_out 1152
    m.set(name, kaimingNormal([128, 64, 3, 3], { mode: 'fanIn', nonlinearity: 'relu', seed: 6, stream: 1 }));
    const r = audit(m, plan);
    expect(r.tensors.filter((t) => !t.ok).map((t) => t.name)).toEqual([name]);
    expect(r.tensors.find((t) => t.name === name)!.problems[0]).toMatch(/expected std 0\.04167, observed 0\.05\d+ \(1\.41\d*x/);
  });

  test('ones instead of zeros', () => {
    const plan = recipe('gpt2', gpt);
    const m = materialize(plan, { seed: 7 });
    (m.get('h.1.ln_2.bias') as Float32Array).fill(1);
    const r = audit(m, plan);
    expect(r.tensors.filter((t) => !t.ok).map((t) => t.name)).toEqual(['h.1.ln_2.bias']);
    expect(r.tensors.find((t) => t.name === 'h.1.ln_2.bias')!.problems[0]).toMatch(/expected every element 0 \(std 0\); observed mean 1, std 0/);
  });

  test('a uniform where a normal of the same std is planned fails the KS test; shapes, missing and extra tensors', () => {
    const plan = recipe('gpt2', gpt);
    const m = materialize(plan, { seed: 8 });
    const w = m.get('h.0.mlp.c_fc.weight') as Float32Array;
    const b = 0.02 * Math.sqrt(3);
    for (let i = 0; i < w.length; i++) w[i] = -b + 2 * b * ((i * 0.6180339887498949) % 1);
    m.delete('ln_f.bias');
    m.set('extra', new Float32Array(3));
    const r = audit(m, plan);
    expect(r.tensors.find((t) => t.name === 'h.0.mlp.c_fc.weight')!.problems.join()).toMatch(/Kolmogorov-Smirnov test rejects normal/);
    expect(r.missing).toEqual(['ln_f.bias']);
    expect(r.unexpected).toEqual(['extra']);
    const s = materialize(plan, { seed: 8 });
    expect(audit(new Map([...s].map(([k, v]) => [k, k === 'wpe.weight' ? { data: v, shape: [256, 128] } : v])), plan).tensors.find((t) => t.name === 'wpe.weight')!.problems[0]).toMatch(/expected shape \[128, 256\], observed \[256, 128\]/);
  });
});

describe('the KS p-value', () => {
  test('agrees with @stdlib/stats-kstest', () => {
    for (const [n, seed] of [[200, 1], [1000, 2], [4000, 3]] as const) {
      const x = normal([n], { std: 1, seed, stream: 0 });
      // A slightly wrong null (std 1.03) gives a p-value in the interesting range.
      const ref = kstest(x, 'normal', 0, 1.03);
      const sorted = Float64Array.from(x).sort();
      let d = 0;
      for (let i = 0; i < n; i++) {
        const f = 0.5 * (1 + erf(sorted[i]! / 1.03 / Math.SQRT2));
        d = Math.max(d, (i + 1) / n - f, f - i / n);
      }
      expect(d).toBeCloseTo(ref.statistic, 6);
      expect(Math.abs(ksPValue(d, n) - ref.pValue)).toBeLessThan(0.01 + 0.05 * ref.pValue);
    }
  });
});

/** erf by its series (test-only reference). */
function erf(z: number): number {
  const s = Math.sign(z);
  const a = Math.abs(z);
  if (a > 6) return s;
  let term = a, sum = a;
  for (let n = 1; n < 300; n++) { term *= (2 * a * a) / (2 * n + 1); sum += term; if (term < sum * 1e-17) break; }
  return s * (2 / Math.sqrt(Math.PI)) * Math.exp(-a * a) * sum;
}
