/**
 * inspectModel on real TF.js models (cpu backend): the guide's claims (vanishing tanh with
 * N(0, 0.01), Glorot shrinking a deep ReLU MLP where He does not, zeros symmetric, batch
 * norm healthy at any weight scale), equality with inspect's synthetic networks, models it
 * cannot see into, the model left untouched, and bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import * as nn from '../lib/index.js';
import { inspectModel, lsuv, initializers, renderTable, renderChart, renderSvg, type ModelReport } from '../lib/tfjs/index.js';
import { checkWellFormedXml } from './diagnostics-helpers.js';
import { quietCpuBackend } from './tfjs-helpers.js';

beforeAll(async () => {
  await quietCpuBackend();
});
afterAll(() => { tfc.disposeVariables(); });

/** A standard-normal batch [batch, width] from nninit (seed, stream). */
function batch(b: number, width: number | number[], seed = 1, stream = 0): { data: Float32Array; shape: number[] } {
  const dims = Array.isArray(width) ? width : [width];
  const n = b * dims.reduce((a, d) => a * d, 1);
  return { data: nn.fillNormal(new Float32Array(n), { seed, stream }), shape: [b, ...dims] };
}

/** A Dense MLP: `depth` layers of `width` (the last one `out` wide, linear), kernels from `kernel(i)`. */
function mlp(depth: number, width: number, input: number, out: number, activation: string, kernel: (i: number) => unknown, useBias = true): tfl.Sequential {
  const model = tfl.sequential();
  for (let i = 0; i < depth; i++) {
    const last = i === depth - 1;
    model.add(tfl.layers.dense({
      units: last ? out : width, activation: (last ? 'linear' : activation) as 'tanh', useBias,
      kernelInitializer: kernel(i) as 'glorotUniform', biasInitializer: 'zeros', ...(i === 0 ? { inputShape: [input] } : {}),
    }));
  }
  return model;
}

const close = (a: number, b: number, rel: number) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1e-30);

describe('inspectModel: the guide on real models', () => {
  it('a 10-layer tanh MLP with N(0, 0.01) weights is vanishing; Glorot (gain 5/3) is healthy', () => {
    const x = batch(128, 256);
    const small = mlp(10, 256, 256, 10, 'tanh', (i) => initializers.normal({ std: 0.01, seed: 5, stream: i }));
    const r = inspectModel(small, x);
    expect(r.verdict.status).toBe('vanishing');
    expect(r.verdict.reason).toMatch(/Activation std falls to .* of the input's by layer 9 \(dense_Dense\d+\)/);
    expect(r.signalRatio).toBeLessThan(1e-6);
    expect(r.layers).toHaveLength(10);
    // Each layer shrinks the signal by about 0.01 * sqrt(256) = 0.16.
    for (let i = 1; i < 9; i++) expect(r.layers[i]!.std! / r.layers[i - 1]!.std!).toBeGreaterThan(0.12);
    for (let i = 1; i < 9; i++) expect(r.layers[i]!.std! / r.layers[i - 1]!.std!).toBeLessThan(0.2);
    const good = mlp(10, 256, 256, 10, 'tanh', (i) => initializers.xavierNormal({ gain: 5 / 3, seed: 5, stream: i }));
    expect(inspectModel(good, x).verdict.status).toBe('healthy');
    small.dispose();
    good.dispose();
  });

  it('a 20-layer ReLU MLP shrinks with Glorot and stays healthy with He', () => {
    const x = batch(64, 128);
    const glorot = mlp(20, 128, 128, 10, 'relu', (i) => initializers.glorotUniform({ seed: 2, stream: i }));
    const he = mlp(20, 128, 128, 10, 'relu', (i) => initializers.heNormal({ seed: 2, stream: i }));
    const g = inspectModel(glorot, x);
    const h = inspectModel(he, x);
    expect(g.verdict.status).toBe('vanishing');
    expect(g.signalRatio).toBeLessThan(0.01);
    // Glorot halves the second moment at each ReLU layer: the rms of layer 19 is about 2^-9.5 of layer 1's.
    expect(g.layers[18]!.rms! / g.layers[0]!.rms!).toBeLessThan(0.01);
    expect(h.verdict.status).toBe('healthy');
    expect(h.layers[18]!.rms! / h.layers[0]!.rms!).toBeGreaterThan(0.3);
    expect(h.layers[18]!.rms! / h.layers[0]!.rms!).toBeLessThan(3);
    // Dead fraction of a healthy ReLU layer: about half its outputs.
    expect(h.layers[3]!.dead!).toBeGreaterThan(0.35);
    expect(h.layers[3]!.dead!).toBeLessThan(0.65);
    // The planned std of each kernel is its initializer's: sqrt(2 / fanIn) for He, sqrt(2 / (fanIn + fanOut)) for Glorot.
    const hk = h.layers[5]!.weights.find((w) => w.role === 'kernel')!;
    expect(hk.initializer).toBe('NninitInitializer');
    expect(hk.plannedStd).toBeCloseTo(Math.sqrt(2 / 128), 12);
    expect(hk.std / hk.plannedStd!).toBeGreaterThan(0.97);
    expect(hk.std / hk.plannedStd!).toBeLessThan(1.03);
    const gk = g.layers[5]!.weights.find((w) => w.role === 'kernel')!;
    expect(gk.plannedStd).toBeCloseTo(Math.sqrt(2 / 256), 12);
    glorot.dispose();
    he.dispose();
  });

  it('leaves no tensors behind (inspectModel with and without labels, lsuv)', () => {
    const model = mlp(3, 16, 8, 3, 'relu', (i) => initializers.heNormal({ seed: 1, stream: i }));
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const x = batch(8, 8);
    const y = { data: new Float32Array(24), shape: [8, 3] };
    inspectModel(model, x);
    const before = tfc.memory().numTensors;
    inspectModel(model, x);
    inspectModel(model, x, { labels: y });
    inspectModel(model, tfc.tensor(x.data, x.shape), { labels: y });
    lsuv(model, x, { seed: 1 });
    expect(() => inspectModel(model, x, { labels: { data: new Float32Array(3), shape: [1, 3] } })).toThrow();
    expect(tfc.memory().numTensors - before).toBe(1); // the tf.tensor made above for the third call
    model.dispose();
  });

  it('zero weights are symmetric', () => {
    const z = mlp(4, 32, 16, 4, 'tanh', () => 'zeros');
    const r = inspectModel(z, batch(16, 16));
    expect(r.verdict.status).toBe('symmetric');
    expect(r.verdict.reason).toMatch(/^layer 1 \(dense_Dense\d+\) has 1 distinct unit out of 32/);
    expect(r.layers[0]!.distinct).toBe(1);
    z.dispose();
  });

  it('a CNN with batch normalization is healthy at any weight scale, with the same statistics', () => {
    const reports: ModelReport[] = [];
    for (const scale of [0.1, 1, 10, 1000]) {
      // He's variance times scale^2 (variance-corrected truncated normal, as Keras).
      const init = (stream: number) => initializers.varianceScaling({ scale: 2 * scale * scale, mode: 'fanIn', distribution: 'normal', seed: 9, stream });
      const model = tfl.sequential({
        layers: [
          tfl.layers.conv2d({ inputShape: [8, 8, 3], filters: 8, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init(0) }),
          tfl.layers.batchNormalization(),
          tfl.layers.activation({ activation: 'relu' }),
          tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init(2) }),
          tfl.layers.batchNormalization(),
          tfl.layers.activation({ activation: 'relu' }),
          tfl.layers.flatten(),
          tfl.layers.dense({ units: 10, kernelInitializer: initializers.glorotNormal({ seed: 9, stream: 3 }) }),
        ],
      });
      const before = model.getWeights().map((w) => Float32Array.from(w.dataSync() as Float32Array));
      const r = inspectModel(model, batch(32, [8, 8, 3]), { label: `scale ${scale}` });
      expect(r.verdict.status, `scale ${scale}: ${r.verdict.reason}`).toBe('healthy');
      // The model is left as it was (batch-norm moving statistics included).
      model.getWeights().forEach((w, i) => expect(Buffer.from((w.dataSync() as Float32Array).buffer).equals(Buffer.from(before[i]!.buffer))).toBe(true));
      reports.push(r);
      model.dispose();
    }
    // After each batch norm the statistics do not depend on the scale (at 0.1, batch norm's
    // epsilon 1e-3 is up to 8% of the pre-normalization variance, so a few percent).
    const ref = reports[1]!;
    reports.forEach((r, k) => {
      const tol = k === 0 ? 0.1 : 0.01;
      for (const i of [1, 2, 4, 5, 6, 7]) expect(close(r.layers[i]!.std!, ref.layers[i]!.std!, tol), `${r.config.label}, layer ${i + 1}`).toBe(true);
      expect(close(r.gradientRatio, ref.gradientRatio, 2 * tol)).toBe(true);
    });
    // The plan follows the configured initializer: variance scaling with scale 2e6 over fanIn 27.
    const k = reports[3]!.layers[0]!.weights[0]!;
    expect(k.plannedStd).toBeCloseTo(1000 * Math.sqrt(2 / 27), 9);
    expect(Math.abs(k.std / k.plannedStd! - 1)).toBeLessThan(0.1);
    const table = renderTable(reports);
    expect(table).toMatch(/scale 1000\s+HEALTHY/);
    checkWellFormedXml(renderSvg(reports));
  });
});

describe('inspectModel equals inspect on the same network', () => {
  for (const [activation, init, batchNorm] of [['tanh', 'xavier-normal', false], ['relu', 'kaiming-normal', false]] as const) {
    it(`${activation}, ${init}`, () => {
      const widths = [32, 64, 64, 48, 10];
      const B = 64, seed = 3;
      const ref = nn.inspect({ layers: widths, activation, init, batch: B, seed, batchNorm });
      const initFn = nn.resolveInitializer(nn.parseInitializer(init), activation);
      const model = tfl.sequential();
      for (let l = 0; l < widths.length - 1; l++) {
        const fin = widths[l]!, fout = widths[l + 1]!;
        const w = initFn(fout, fin, { seed, stream: l + 2 }); // [out, in]
        const k = new Float32Array(fin * fout);
        for (let o = 0; o < fout; o++) for (let i = 0; i < fin; i++) k[i * fout + o] = w[o * fin + i]!;
        model.add(tfl.layers.dense({ units: fout, useBias: false, activation: l === widths.length - 2 ? 'linear' : activation, ...(l === 0 ? { inputShape: [fin] } : {}), weights: [tfc.tensor2d(k, [fin, fout])] }));
      }
      const z = nn.fillNormal(new Float32Array(B * widths[0]!), { seed, stream: 0 }); // feature-major, as inspect
      const xs = new Float32Array(z.length);
      for (let f = 0; f < widths[0]!; f++) for (let b = 0; b < B; b++) xs[b * widths[0]! + f] = z[f * B + b]!;
      const r = inspectModel(model, { data: xs, shape: [B, widths[0]!] }, { seed });
      expect(r.layers).toHaveLength(ref.layers.length);
      expect(close(r.inputStd!, ref.inputStd, 1e-5)).toBe(true);
      expect(close(r.outputGradStd, ref.outputGradStd, 1e-5)).toBe(true);
      ref.layers.forEach((L, i) => {
        const M = r.layers[i]!;
        for (const k of ['mean', 'std', 'rms', 'preStd'] as const) {
          expect(Math.abs(M[k]! - L[k]) <= 1e-4 * Math.max(Math.abs(L[k]), L.std), `layer ${i + 1} ${k}: ${M[k]} vs ${L[k]}`).toBe(true);
        }
        expect(M.distinct).toBe(L.distinct);
        if (L.dead !== null) expect(Math.abs(M.dead! - L.dead)).toBeLessThan(1e-3);
        if (L.saturated !== null) expect(Math.abs(M.saturated! - L.saturated)).toBeLessThan(1e-3);
        // inspect's gradient is at each layer's input: the previous layer's output here.
        const g = i === 0 ? r.inputGradStd! : r.layers[i - 1]!.gradStd!;
        expect(close(g, L.gradStd, 1e-4), `layer ${i + 1} grad: ${g} vs ${L.gradStd}`).toBe(true);
      });
      expect(r.verdict.status).toBe(ref.verdict.status);
      expect(close(r.signalRatio, ref.signalRatio, 1e-4)).toBe(true);
      expect(close(r.gradientRatio, ref.gradientRatio, 1e-4)).toBe(true);
      model.dispose();
    });
  }
});

/** Pre-activation variance of every Dense layer of a Sequential MLP on a batch, computed directly with TF.js ops. */
function denseVariances(model: tfl.Sequential, x: { data: Float32Array; shape: number[] }): number[] {
  return tfc.tidy(() => {
    let h: tfc.Tensor = tfc.tensor(x.data, x.shape);
    const out: number[] = [];
    for (const layer of model.layers) {
      const [k, b] = layer.getWeights();
      const z = tfc.add(tfc.matMul(h as tfc.Tensor2D, k as tfc.Tensor2D), b!);
      out.push(tfc.moments(z).variance.dataSync()[0]!);
      const act = (layer.getConfig() as { activation: string }).activation;
      h = act === 'tanh' ? tfc.tanh(z) : act === 'relu' ? tfc.relu(z) : z;
    }
    return out;
  });
}

describe('lsuv', () => {
  it('brings every Dense pre-activation variance of the vanishing tanh MLP into [0.9, 1.1], and near 1 on a fresh batch', () => {
    const x = batch(128, 256, 1);
    const model = mlp(10, 256, 256, 10, 'tanh', (i) => initializers.normal({ std: 0.01, seed: 5, stream: i }));
    expect(inspectModel(model, x).verdict.status).toBe('vanishing');
    const r = lsuv(model, x, { seed: 42 });
    expect(r.layers).toHaveLength(10);
    expect(r.skipped).toEqual([]);
    r.layers.forEach((l, i) => {
      expect(l).toMatchObject({ index: i + 1, className: 'Dense', seed: 42, stream: i, converged: true });
      expect(Math.abs(l.variance - 1)).toBeLessThan(0.1);
      expect(l.iterations).toBeGreaterThanOrEqual(0);
      expect(l.iterations).toBeLessThanOrEqual(10);
    });
    const direct = denseVariances(model, x);
    direct.forEach((v, i) => {
      expect(v, `layer ${i + 1}`).toBeGreaterThanOrEqual(0.9);
      expect(v, `layer ${i + 1}`).toBeLessThanOrEqual(1.1);
      expect(Math.abs(v - r.layers[i]!.variance)).toBeLessThan(1e-4);
    });
    const fresh = denseVariances(model, batch(128, 256, 77));
    for (const v of fresh) { expect(v).toBeGreaterThan(0.8); expect(v).toBeLessThan(1.25); }
    expect(inspectModel(model, x).verdict.status).toBe('healthy');
    model.dispose();
  });

  it('never divides by a zero variance: zero kernels without the orthonormal start stay zero, unconverged', () => {
    const model = mlp(3, 8, 4, 2, 'relu', () => 'zeros');
    const r = lsuv(model, batch(8, 4), { orthonormal: false });
    expect(r.layers.map((l) => [l.iterations, l.variance, l.converged, l.seed])).toEqual([[0, 0, false, null], [0, 0, false, null], [0, 0, false, null]]);
    for (const w of model.getWeights()) expect([...w.dataSync()].every((v) => v === 0)).toBe(true);
    model.dispose();
  });

  it('is deterministic for a seed, and the kernels start orthonormal', () => {
    const x = batch(64, 32, 3);
    const run = (seed: number) => {
      const model = mlp(4, 32, 32, 8, 'relu', () => 'glorotUniform');
      const r = lsuv(model, x, { seed, tol: 0.05 });
      const w = model.getWeights().map((t) => Float32Array.from(t.dataSync() as Float32Array));
      model.dispose();
      return { r, w };
    };
    const a = run(7), b = run(7), c = run(8);
    a.w.forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(b.w[i]!.buffer))).toBe(true));
    expect(Buffer.from(a.w[0]!.buffer).equals(Buffer.from(c.w[0]!.buffer))).toBe(false);
    // Kernel 1 = orthogonal(seed 7, stream 0) times the reported scale.
    const q = nn.orthogonal([32, 32], { seed: 7, stream: 0, convention: 'keras' });
    const s = a.r.layers[0]!.scale;
    for (let i = 0; i < q.length; i++) expect(Math.abs(a.w[0]![i]! - Math.fround(q[i]! * s))).toBeLessThan(1e-6 * Math.max(1, Math.abs(q[i]! * s)));
    for (const l of a.r.layers) expect(Math.abs(l.variance - 1)).toBeLessThan(0.05);
  });

  it('handles CNNs with batch norm (restoring the moving statistics), skips other weights, and rejects bad options', () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 3, activation: 'relu' }),
        tfl.layers.batchNormalization(),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 3 }),
      ],
    });
    const frozen = model.layers[1]!.getWeights().map((t) => Float32Array.from(t.dataSync() as Float32Array));
    const r = lsuv(model, batch(16, [6, 6, 2]), { seed: 1 });
    expect(r.layers.map((l) => l.className)).toEqual(['Conv2D', 'Dense']);
    expect(r.skipped).toEqual([{ name: model.layers[1]!.name, className: 'BatchNormalization', reason: 'not a convolution or fully connected layer (LSUV rescales those only)' }]);
    for (const l of r.layers) expect(l.converged).toBe(true);
    const after = model.layers[1]!.getWeights().map((t) => Float32Array.from(t.dataSync() as Float32Array));
    expect(after).toEqual(frozen);
    const before = model.getWeights().map((t) => Float32Array.from(t.dataSync() as Float32Array));
    expect(() => lsuv(model, batch(16, [6, 6, 2]), { tol: 0 })).toThrow(/options\.tol must be a number in \(0, 1\)/);
    expect(() => lsuv(model, batch(16, [6, 6, 2]), { maxIter: 2.5 })).toThrow(RangeError);
    expect(() => lsuv(model, batch(16, [6, 6, 2]), { sed: 1 } as never)).toThrow(/unknown option options\.sed; did you mean 'seed'\?/);
    expect(() => lsuv(model, batch(16, [6, 5, 2]), { seed: 1 })).toThrow(/inputs must be of shape \[batch, 6, 6, 2\]/);
    model.getWeights().forEach((t, i) => expect(Float32Array.from(t.dataSync() as Float32Array)).toEqual(before[i]));
    model.dispose();
  });
});

/** A layer class nninit has never heard of. */
class TimesTwo extends tfl.layers.Layer {
  static className = 'TimesTwo';
  override call(inputs: tfc.Tensor | tfc.Tensor[]): tfc.Tensor {
    return tfc.mul(Array.isArray(inputs) ? inputs[0]! : inputs, 2);
  }
}

describe('inspectModel on models it cannot fully see into: opaque layers, never a crash', () => {
  it('functional, multi-input, nested Sequential, embedding, LSTM, a custom layer, residual add', () => {
    const tokens = tfl.input({ shape: [5], dtype: 'int32', name: 'tokens' });
    const dense = tfl.input({ shape: [8], name: 'features' });
    const emb = tfl.layers.embedding({ inputDim: 20, outputDim: 8, embeddingsInitializer: initializers.normal({ std: 1, seed: 1 }) }).apply(tokens) as tfl.SymbolicTensor;
    const lstm = tfl.layers.lstm({ units: 8, recurrentInitializer: initializers.orthogonal({ seed: 2 }), kernelInitializer: initializers.glorotUniform({ seed: 3 }) }).apply(emb) as tfl.SymbolicTensor;
    const inner = tfl.sequential({ name: 'inner', layers: [tfl.layers.dense({ inputShape: [8], units: 8, activation: 'relu', kernelInitializer: initializers.heNormal({ seed: 4 }) })] });
    const f = inner.apply(dense) as tfl.SymbolicTensor;
    const sum = tfl.layers.add().apply([lstm, f]) as tfl.SymbolicTensor;
    const custom = new TimesTwo({}).apply(sum) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ units: 2, kernelInitializer: initializers.glorotUniform({ seed: 5 }) }).apply(custom) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: [tokens, dense], outputs: out });
    const ids = { data: Int32Array.from({ length: 16 * 5 }, (_, i) => (i * 7) % 20), shape: [16, 5] };
    const r = inspectModel(model, { tokens: ids, features: batch(16, 8) });
    // In execution order (the graph's depth order); one entry per leaf layer.
    expect(r.layers.map((l) => l.className).sort()).toEqual(['Add', 'Dense', 'Dense', 'Embedding', 'LSTM', 'TimesTwo']);
    expect(r.layers.map((l) => l.index)).toEqual([1, 2, 3, 4, 5, 6]);
    const of = (cls: string) => r.layers.find((l) => l.className === cls)!;
    expect(r.layers.find((l) => l.name.startsWith('inner/'))!.name).toMatch(/^inner\/dense_Dense\d+$/);
    expect(of('LSTM').opaque).toMatch(/^recurrent layer/);
    expect(of('TimesTwo').opaque).toMatch(/^custom layer class TimesTwo/);
    expect(of('Embedding').opaque).toBeNull();
    for (const l of r.layers) { expect(l.std).toBeGreaterThan(0); expect(l.gradStd).toBeGreaterThan(0); }
    expect(of('TimesTwo').std! / of('Add').std!).toBeCloseTo(2, 5);
    expect(of('TimesTwo').gradStd! * 2).toBeCloseTo(of('Add').gradStd!, 6);
    expect(r.layers[r.layers.length - 1]!.isOutput).toBe(true);
    expect(r.inputStd).toBeCloseTo(1, 0); // the float input only
    expect(renderTable(r)).toMatch(/\* lstm_LSTM\d+ \(LSTM\) is opaque: recurrent layer/);
    expect(renderChart(r)).toContain('activation std by layer');
    model.dispose();
  });
});

describe('inspectModel equals inspect with batch normalization', () => {
  it('relu, xavier-normal, batchNorm: Dense -> BatchNormalization(eps 1e-5) -> ReLU per inspect layer', () => {
    const widths = [24, 32, 32, 8];
    const B = 48, seed = 5, activation = 'relu' as const;
    const ref = nn.inspect({ layers: widths, activation, init: 'xavier-normal', batch: B, seed, batchNorm: true });
    const initFn = nn.resolveInitializer(nn.parseInitializer('xavier-normal'), activation);
    const model = tfl.sequential();
    for (let l = 0; l < widths.length - 1; l++) {
      const fin = widths[l]!, fout = widths[l + 1]!;
      const w = initFn(fout, fin, { seed, stream: l + 2 });
      const k = new Float32Array(fin * fout);
      for (let o = 0; o < fout; o++) for (let i = 0; i < fin; i++) k[i * fout + o] = w[o * fin + i]!;
      model.add(tfl.layers.dense({ units: fout, useBias: false, ...(l === 0 ? { inputShape: [fin] } : {}), weights: [tfc.tensor2d(k, [fin, fout])] }));
      if (l < widths.length - 2) {
        model.add(tfl.layers.batchNormalization({ epsilon: 1e-5 }));
        model.add(tfl.layers.activation({ activation }));
      }
    }
    const z = nn.fillNormal(new Float32Array(B * widths[0]!), { seed, stream: 0 });
    const xs = new Float32Array(z.length);
    for (let f = 0; f < widths[0]!; f++) for (let b = 0; b < B; b++) xs[b * widths[0]! + f] = z[f * B + b]!;
    const r = inspectModel(model, { data: xs, shape: [B, widths[0]!] }, { seed });
    expect(r.layers.map((l) => l.className)).toEqual(['Dense', 'BatchNormalization', 'Activation', 'Dense', 'BatchNormalization', 'Activation', 'Dense']);
    ref.layers.forEach((L, i) => {
      const last = i === ref.layers.length - 1;
      const out = r.layers[last ? 3 * i : 3 * i + 2]!; // the layer's output: after the activation
      const bn = last ? null : r.layers[3 * i + 1]!;
      expect(close(out.std!, L.std, 1e-3), `layer ${i + 1} std ${out.std} vs ${L.std}`).toBe(true);
      expect(close(out.rms!, L.rms, 1e-3)).toBe(true);
      if (bn !== null) expect(close(bn.std!, L.preStd, 1e-3), `layer ${i + 1} preStd ${bn.std} vs ${L.preStd}`).toBe(true);
      if (L.dead !== null) expect(Math.abs(out.dead! - L.dead)).toBeLessThan(2e-3);
      const g = i === 0 ? r.inputGradStd! : r.layers[3 * i - 1]!.gradStd!;
      expect(close(g, L.gradStd, 1e-3), `layer ${i + 1} grad ${g} vs ${L.gradStd}`).toBe(true);
    });
    expect(r.verdict.status).toBe(ref.verdict.status);
    model.dispose();
  });
});

describe('inspectModel: bad input, each a clear error', () => {
  let model: tfl.Sequential;
  beforeAll(() => { model = mlp(2, 8, 4, 3, 'relu', (i) => initializers.heNormal({ seed: 1, stream: i })); }); // after the backend is set up
  const x = batch(8, 4);
  it('not a model', () => {
    for (const bad of [undefined, null, 5, {}, { layers: [] }, tfl.layers.dense({ units: 2 })]) {
      expect(() => inspectModel(bad as never, x)).toThrow(/nninit\.tfjs\.inspectModel: model must be a tf\.LayersModel/);
    }
    expect(() => inspectModel(tfl.sequential(), x)).toThrow(/model must be a built model/);
  });
  it('inputs of the wrong count, shape or kind', () => {
    expect(() => inspectModel(model, [x, x])).toThrow(/inputs must be a tensor \(tf\.Tensor or \{ data, shape \}\), one per model input: .* \[batch, 4\]; received an array of length 2/);
    expect(() => inspectModel(model, batch(8, 5))).toThrow(/inputs must be of shape \[batch, 4\] \(model input .*\); received shape \[8, 5\]/);
    expect(() => inspectModel(model, { data: new Float32Array(31), shape: [8, 4] })).toThrow(/inputs\.data must be 32 elements for shape \[8, 4\]; received Float32Array\(31\)/);
    expect(() => inspectModel(model, new Float32Array(32) as never)).toThrow(TypeError);
    expect(() => inspectModel(model, batch(1, 4))).toThrow(/inputs must be a batch of at least 2 examples; received 1 example/);
    expect(() => inspectModel(model, { wrong: x } as never)).toThrow(TypeError);
  });
  it('reads { data, shape } once: a getter that changes its answer cannot slip past the checks', () => {
    let reads = 0;
    const good = batch(8, 4);
    const tricky = { get data() { reads++; return reads === 1 ? good.data : new Float32Array(3); }, shape: [8, 4] };
    const r = inspectModel(model, tricky as never);
    expect(reads).toBe(1);
    expect(r.config.batch).toBe(8);
  });

  it('NaN or Infinity in the inputs', () => {
    const d = batch(8, 4);
    d.data[13] = NaN;
    expect(() => inspectModel(model, d)).toThrow(/inputs must be finite numbers \(no NaN or Infinity\); received NaN at element 13 \(example 3\)/);
    d.data[13] = -Infinity;
    expect(() => inspectModel(model, tfc.tensor(d.data, d.shape))).toThrow(/received -Infinity at element 13/);
  });
  it('labels that do not match the loss (or a model without one)', () => {
    const y = { data: new Float32Array(8 * 3), shape: [8, 3] };
    expect(() => inspectModel(model, x, { labels: y })).toThrow(/options\.labels must be given only for a compiled model/);
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    expect(() => inspectModel(model, x, { labels: { data: new Float32Array(8), shape: [8] } })).toThrow(/options\.labels must be of shape \[batch, 3\]/);
    expect(() => inspectModel(model, x, { labels: { data: new Float32Array(6 * 3), shape: [6, 3] } })).toThrow(/options\.labels must be a batch of 8 examples \(as the inputs\); received 6 examples/);
    const idx = Float32Array.from({ length: 24 }, (_, i) => (i % 3 === 0 ? 2 : 0));
    expect(() => inspectModel(model, x, { labels: { data: idx, shape: [8, 3] } })).toThrow(/probabilities in \[0, 1\] for categoricalCrossentropy \(class indices need sparseCategoricalCrossentropy\); received 2 at element 0/);
    const half = new Float32Array(24).fill(0.5);
    expect(() => inspectModel(model, x, { labels: { data: half, shape: [8, 3] } })).toThrow(/rows summing to 1 .*; received a row summing to 1\.5 \(row 0\)/);
    model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    expect(() => inspectModel(model, x, { labels: { data: Float32Array.of(0, 1, 2, 3, 0, 1, 2, 0), shape: [8] } })).toThrow(/integers in \[0, 3\) for sparseCategoricalCrossentropy; received 3 at element 3/);
    const ok = inspectModel(model, x, { labels: { data: Float32Array.of(0, 1, 2, 1, 0, 1, 2, 0), shape: [8] } });
    expect(ok.config.loss).toBe('sparseCategoricalCrossentropy');
    expect(ok.loss).toBeGreaterThan(0);
  });
  it('bad options', () => {
    expect(() => inspectModel(model, x, { sed: 1 } as never)).toThrow(/unknown option options\.sed; did you mean 'seed'\?/);
    expect(() => inspectModel(model, x, { seed: -1 })).toThrow(RangeError);
    expect(() => inspectModel(model, x, { training: 'yes' as never })).toThrow(/options\.training must be a boolean/);
    expect(() => inspectModel(model, x, Object.create({ seed: 1 }))).not.toThrow(); // inherited: not an option
  });
});
