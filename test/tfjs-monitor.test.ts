/**
 * monitor() on a real 30-step model.fit (TF.js cpu backend): one warning per bad layer,
 * none for a good model, the history, the files it writes, and bad options.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import * as nn from '../lib/index.js';
import { initializers, monitor, renderMonitorSvg, suggestFix, type MonitorHistory, type MonitorWarning } from '../lib/tfjs/index.js';
import { checkWellFormedXml } from './diagnostics-helpers.js';
import { quietCpuBackend } from './tfjs-helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'nninit-monitor-'));
beforeAll(async () => {
  await quietCpuBackend();
});
afterAll(() => { tfc.disposeVariables(); rmSync(tmp, { recursive: true, force: true }); });

const STEPS = 30, BATCH = 16, IN = 16, OUT = 4;

function data(): { x: tfc.Tensor; y: tfc.Tensor } {
  const n = STEPS * BATCH;
  return {
    x: tfc.tensor(nn.fillNormal(new Float32Array(n * IN), { seed: 1 }), [n, IN]),
    y: tfc.tensor(nn.fillNormal(new Float32Array(n * OUT), { seed: 2 }), [n, OUT]),
  };
}

function mlp(kernel: (i: number) => unknown, activation: 'tanh' | 'relu'): tfl.Sequential {
  const model = tfl.sequential();
  for (let i = 0; i < 6; i++) {
    model.add(tfl.layers.dense({
      units: i === 5 ? OUT : 32, activation: i === 5 ? 'linear' : activation, kernelInitializer: kernel(i) as 'zeros',
      ...(i === 0 ? { inputShape: [IN] } : {}),
    }));
  }
  model.compile({ optimizer: tfc.train.sgd(0.01), loss: 'meanSquaredError' });
  return model;
}

async function fit(model: tfl.Sequential, options: Parameters<typeof monitor>[0] = {}): Promise<{ history: MonitorHistory; warnings: MonitorWarning[] }> {
  const warnings: MonitorWarning[] = [];
  const m = monitor({ batches: STEPS, onWarning: (w) => warnings.push(w), ...options });
  const { x, y } = data();
  await model.fit(x, y, { epochs: 1, batchSize: BATCH, shuffle: false, callbacks: [m], verbose: 0 });
  x.dispose();
  y.dispose();
  expect(m.warnings).toEqual(warnings);
  return { history: m.history, warnings };
}

/** The layers a step's numbers put beyond a threshold, recomputed from the history (the monitor's rules, written out again). */
function badLayers(h: MonitorHistory): Map<string, Set<string>> {
  const T = nn.THRESHOLDS;
  const bad = new Map<string, Set<string>>();
  const add = (name: string, p: string) => { if (!bad.has(name)) bad.set(name, new Set()); bad.get(name)!.add(p); };
  const last = h.layers.length - 1;
  for (const s of h.steps) {
    s.layers.forEach((l, i) => {
      const a = i === last ? null : l.std! / s.inputStd!;
      const g = l.gradStd! / s.outputGradStd!;
      if ((a !== null && a < T.vanishing) || g < T.vanishing) add(l.name, 'vanishing');
      if ((a !== null && a > T.exploding) || g > T.exploding) add(l.name, 'exploding');
      if (i !== last && l.saturated !== null && l.saturated > T.saturated) add(l.name, 'saturated');
      if (i !== last && l.deadNeurons !== null && l.deadNeurons > T.saturated) add(l.name, 'dead');
    });
  }
  return bad;
}

describe('monitor on a 30-step fit', () => {
  it('a bad model (tanh, N(0, 0.01)) gets exactly one warning per bad layer, naming it with a fix', async () => {
    const model = mlp((i) => initializers.normal({ std: 0.01, seed: 3, stream: i }), 'tanh');
    const svg = join(tmp, 'bad.svg'), json = join(tmp, 'bad.json');
    const { history, warnings } = await fit(model, { svg, json, label: 'tanh, N(0, 0.01)' });
    expect(history.steps).toHaveLength(STEPS);
    expect(history.steps.map((s) => s.step)).toEqual([...Array(STEPS).keys()]);
    for (const s of history.steps) {
      expect(Number.isFinite(s.loss)).toBe(true);
      expect(s.layers).toHaveLength(6);
      for (const l of s.layers) { expect(l.std).toBeGreaterThan(0); expect(l.gradStd).toBeGreaterThan(0); }
    }
    const bad = badLayers(history);
    expect(bad.size).toBeGreaterThanOrEqual(4);
    for (const p of bad.values()) expect([...p]).toEqual(['vanishing']);
    expect(warnings.map((w) => w.layer).sort()).toEqual([...bad.keys()].sort());
    expect(new Set(warnings.map((w) => w.layer)).size).toBe(warnings.length);
    const w = warnings[0]!;
    expect(w.pattern).toBe('vanishing');
    expect(w.step).toBe(0);
    expect(w.message).toMatch(new RegExp(`^nninit monitor: layer ${w.layer} \\(Dense, tanh\\) is vanishing at batch 0: .*Suggested fix: xavier-normal with gain 1\\.667 for tanh \\(kernelInitializer: initializers\\.xavierNormal\\(\\{ gain: 1\\.667 \\}\\) from nninit/tfjs\\), or lsuv\\(model, batch\\) before training`));
    const saved = JSON.parse(readFileSync(json, 'utf8')) as MonitorHistory;
    expect(saved.steps).toHaveLength(STEPS);
    expect(saved.warnings).toHaveLength(warnings.length);
    const chart = readFileSync(svg, 'utf8');
    checkWellFormedXml(chart);
    expect(chart).toContain('tanh, N(0, 0.01): activation std by layer, first 30 batches');
    expect(chart).toContain('batch 0, loss');
    expect(chart).toMatch(/: vanishing</);
    model.dispose();
  });

  it('a good model (ReLU, He) gets none, and the layers are restored after the recorded batches', async () => {
    const model = mlp((i) => initializers.heNormal({ seed: 3, stream: i }), 'relu');
    const own = model.layers.map((l) => Object.prototype.hasOwnProperty.call(l, 'call'));
    const { history, warnings } = await fit(model);
    expect(warnings).toEqual([]);
    expect(badLayers(history).size).toBe(0);
    expect(history.steps).toHaveLength(STEPS);
    expect(history.steps[STEPS - 1]!.loss!).toBeLessThan(history.steps[0]!.loss! * 1.5);
    expect(model.layers.map((l) => Object.prototype.hasOwnProperty.call(l, 'call'))).toEqual(own);
    model.dispose();
  });

  it('records only the first N batches, and default warnings go to process.emitWarning', async () => {
    const model = mlp(() => 'zeros', 'relu');
    const seen: string[] = [];
    const onWarning = (w: Error) => { if (w.name === 'NninitMonitorWarning') seen.push(w.message); };
    process.on('warning', onWarning);
    const m = monitor({ batches: 5 });
    const { x, y } = data();
    await model.fit(x, y, { epochs: 1, batchSize: BATCH, callbacks: [m], verbose: 0 });
    await new Promise((r) => setImmediate(r));
    process.off('warning', onWarning);
    x.dispose();
    y.dispose();
    expect(m.history.steps).toHaveLength(5);
    expect(seen.length).toBe(m.warnings.length);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.some((s) => /is dead at batch 0: 100\.0% of its units are zero for the whole batch/.test(s))).toBe(true);
    model.dispose();
  });

  it('a CNN with batch norm and dropout at a tiny weight scale: recorded, no scale warnings for the layers batch norm undoes', async () => {
    const tiny = (stream: number) => initializers.normal({ std: 1e-4, seed: 6, stream });
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: tiny(0) }),
        // epsilon well below the conv output's variance (~2e-7), so batch norm can undo the scale
        // (with the default 1e-3 it cannot, and the monitor rightly warns on the activation).
        tfl.layers.batchNormalization({ epsilon: 1e-9 }),
        tfl.layers.activation({ activation: 'relu' }),
        tfl.layers.dropout({ rate: 0.2 }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 3, kernelInitializer: initializers.glorotNormal({ seed: 6, stream: 1 }) }),
      ],
    });
    model.compile({ optimizer: tfc.train.sgd(0.01), loss: 'meanSquaredError' });
    const warnings: MonitorWarning[] = [];
    const m = monitor({ batches: 5, onWarning: (w) => warnings.push(w) });
    const x = tfc.tensor(nn.fillNormal(new Float32Array(40 * 72), { seed: 7 }), [40, 6, 6, 2]);
    const y = tfc.tensor(nn.fillNormal(new Float32Array(40 * 3), { seed: 8 }), [40, 3]);
    await model.fit(x, y, { epochs: 1, batchSize: 8, callbacks: [m], verbose: 0 });
    x.dispose();
    y.dispose();
    expect(m.history.steps).toHaveLength(5);
    expect(m.history.layers.map((l) => l.className)).toEqual(['Conv2D', 'BatchNormalization', 'Activation', 'Dropout', 'Flatten', 'Dense']);
    expect(m.history.steps[0]!.layers[0]!.std!).toBeLessThan(0.01); // the conv output is tiny ...
    expect(warnings).toEqual([]); // ... and batch norm undoes it
    model.dispose();
  });

  it('suggests the fix recommend gives for the layer\'s activation and the model', () => {
    const plain = { depth: 20, residual: false, batchNorm: false };
    expect(suggestFix('dead', 'relu', plain)).toMatch(/^units that output zero for every example get no gradient: kaiming-normal \(fan_in\) with gain 1\.414 for relu \(kernelInitializer: initializers\.heNormal\(\) from nninit\/tfjs\)/);
    expect(suggestFix('vanishing', 'selu', plain)).toMatch(/^lecun-normal with gain 1 for selu \(kernelInitializer: initializers\.lecunNormal\(\)/);
    expect(suggestFix('saturated', 'sigmoid', plain)).toMatch(/^the weights are too large for sigmoid: xavier-normal with gain 1 for sigmoid \(kernelInitializer: initializers\.glorotNormal\(\)/);
    expect(suggestFix('vanishing', 'gelu', { depth: 8, residual: true, batchNorm: false })).toMatch(/kaimingNormal\(\{ nonlinearity: 'gelu' \}\).*Scale each residual branch by 0\.25\./);
    expect(suggestFix('exploding', null, plain)).toMatch(/^xavier-normal with gain 1 for linear .*lower the learning rate\.$/);
  });

  it('renderMonitorSvg rejects what is not a history', () => {
    expect(() => renderMonitorSvg({ steps: [] } as never)).toThrow(/history must be a history with at least one recorded batch/);
    expect(() => renderMonitorSvg(null as never)).toThrow(TypeError);
  });

  it('rejects bad options', () => {
    expect(() => monitor({ batches: 0 })).toThrow(/options\.batches must be an integer in \[1, 100000\]; received 0/);
    expect(() => monitor({ batches: '5' as never })).toThrow(TypeError);
    expect(() => monitor({ onWarning: 'log' as never })).toThrow(/options\.onWarning must be a function/);
    expect(() => monitor({ svg: '' })).toThrow(/options\.svg must be a file path/);
    expect(() => monitor({ batch: 5 } as never)).toThrow(/unknown option options\.batch; did you mean 'batches'\?/);
    expect(() => monitor(5 as never)).toThrow(TypeError);
  });
});
