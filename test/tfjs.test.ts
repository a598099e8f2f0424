import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import * as nn from '../lib/index.js';
import {
  NninitInitializer, initializers, generator, reinitialize, schemeFor, schemeValues, tfModules, SCHEMES, TfInitializerBase,
  type ReinitializedWeight,
} from '../lib/tfjs/index.js';
import { sameBytes } from './helpers.js';
import { quietCpuBackend } from './tfjs-helpers.js';

const K = { convention: 'keras' } as const;

function data(t: { dataSync(): ArrayLike<number> } | tfl.LayerVariable): Float32Array {
  const v = 'read' in t ? t.read() : t;
  return Float32Array.from(v.dataSync() as Float32Array);
}

function weightsOf(model: tfl.LayersModel): Float32Array[] {
  return model.weights.map((w) => data(w));
}

// tfjs-core alone does not register the chained tensor ops (x.flatten(), ...) that TF.js's
// own Orthogonal initializer calls; @tensorflow/tfjs and tfjs-node do. The default-LSTM
// tests below need TF.js's orthogonal to build, so add the few it uses.
const proto = tfc.Tensor.prototype as unknown as Record<string, unknown>;
const chained: Record<string, (t: tfc.Tensor, ...a: never[]) => tfc.Tensor> = {
  flatten: (t) => tfc.reshape(t, [t.size]),
  stridedSlice: (t, ...a: never[]) => (tfc.stridedSlice as (...x: unknown[]) => tfc.Tensor)(t, ...a),
  sign: (t) => tfc.sign(t),
  transpose: (t, ...a: never[]) => (tfc.transpose as (...x: unknown[]) => tfc.Tensor)(t, ...a),
  reshape: (t, ...a: never[]) => (tfc.reshape as (...x: unknown[]) => tfc.Tensor)(t, ...a),
};
for (const [name, f] of Object.entries(chained)) {
  if (typeof proto[name] !== 'function') proto[name] = function (this: tfc.Tensor, ...a: never[]) { return f(this, ...a); };
}

beforeAll(async () => {
  await quietCpuBackend();
});

afterAll(() => {
  tfc.disposeVariables();
});

/** conv2d -> reshape -> lstm -> dense, every initializer from nninit, streams 0..6 of seed 11. */
function sequentialModel(): tfl.Sequential {
  const g = generator(11);
  const model = tfl.sequential();
  model.add(tfl.layers.conv2d({
    inputShape: [6, 5, 3], filters: 4, kernelSize: 3, kernelInitializer: g.heNormal(), biasInitializer: g.zeros(),
  }));
  model.add(tfl.layers.reshape({ targetShape: [4, 12] }));
  model.add(tfl.layers.lstm({
    units: 3, kernelInitializer: g.glorotUniform(), recurrentInitializer: g.orthogonal(), biasInitializer: g.zeros(),
    unitForgetBias: true,
  }));
  model.add(tfl.layers.dense({ units: 2, kernelInitializer: g.glorotNormal(), biasInitializer: g.uniform({ low: -0.1, high: 0.1 }) }));
  return model;
}

/** The same topology, functional, with explicit seeds and streams. */
function functionalModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [6, 5, 3] });
  const conv = tfl.layers.conv2d({
    filters: 4, kernelSize: 3, kernelInitializer: initializers.kaimingUniform({ seed: 3, stream: 0, nonlinearity: 'relu' }),
    biasInitializer: initializers.constant({ value: 0.25 }),
  }).apply(input) as tfl.SymbolicTensor;
  const seq = tfl.layers.reshape({ targetShape: [4, 12] }).apply(conv) as tfl.SymbolicTensor;
  const lstm = tfl.layers.lstm({
    units: 3, kernelInitializer: initializers.lecunNormal({ seed: 3, stream: 1 }),
    recurrentInitializer: initializers.orthogonal({ seed: 3, stream: 2, gain: 1.5 }),
  }).apply(seq) as tfl.SymbolicTensor;
  const a = tfl.layers.dense({ units: 2, kernelInitializer: initializers.varianceScaling({ seed: 3, stream: 3, scale: 2, mode: 'fanAvg', distribution: 'uniform' }) }).apply(lstm) as tfl.SymbolicTensor;
  const b = tfl.layers.dense({ units: 2, kernelInitializer: initializers.truncatedNormal({ seed: 3, stream: 4, stddev: 0.2 }) }).apply(lstm) as tfl.SymbolicTensor;
  const out = tfl.layers.add().apply([a, b]) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

describe('nninit/tfjs loading', () => {
  it('uses the same TF.js instances as the caller', () => {
    expect(tfModules().core.tensor).toBe(tfc.tensor);
    expect(tfModules().layers.sequential).toBe(tfl.sequential);
  });
  it('is an instance of tfjs-layers Initializer and registered for serialization', () => {
    const init = initializers.glorotUniform({ seed: 1 });
    expect(tfl.layers.dense({ units: 1, kernelInitializer: init }).getConfig().kernelInitializer).toEqual({
      className: 'NninitInitializer', config: { scheme: 'glorotUniform', seed: 1, stream: 0 },
    });
    expect(tfc.serialization.SerializationMap.getMap().classNameMap.NninitInitializer?.[0]).toBe(NninitInitializer);
  });
});

describe('values equal nninit', () => {
  it('apply(shape) equals the nninit call for every scheme', () => {
    const shape = [3, 3, 4, 5];
    for (const scheme of SCHEMES) {
      const extra = scheme === 'constant' ? { value: 0.5 } : scheme === 'sparse' ? { sparsity: 0.5 } : {};
      const sh = scheme === 'eye' || scheme === 'sparse' ? [4, 5] : shape;
      const init = new NninitInitializer({ scheme, seed: 99, stream: 4, ...extra });
      const t = init.apply(sh);
      expect(t.shape).toEqual(sh);
      expect(t.dtype).toBe('float32');
      const expected = schemeValues(scheme, sh, { seed: 99, stream: 4, ...extra });
      expect(sameBytes(data(t), expected), scheme).toBe(true);
      t.dispose();
    }
    // Spot checks against the core API directly.
    expect(sameBytes(initializers.glorotUniform({ seed: 7, stream: 2 }).values([5, 6]), nn.glorotUniform([5, 6], { ...K, seed: 7, stream: 2 }))).toBe(true);
    expect(sameBytes(initializers.heNormal({ seed: 7 }).values([3, 3, 2, 4]), nn.heNormal([3, 3, 2, 4], { ...K, seed: 7, stream: 0 }))).toBe(true);
    expect(sameBytes(initializers.orthogonal({ seed: 7, stream: 1 }).values([4, 12]), nn.orthogonal([4, 12], { ...K, seed: 7, stream: 1 }))).toBe(true);
    expect(sameBytes(initializers.randomUniform({ seed: 7, minval: -2, maxval: 3 }).values([10]), nn.uniform([10], { ...K, seed: 7, low: -2, high: 3 }))).toBe(true);
    expect(sameBytes(initializers.kaimingNormal({ seed: 7, convention: 'torch' }).values([4, 3]), nn.kaimingNormal([4, 3], { seed: 7 }))).toBe(true);
  });

  it('a Sequential model with Conv2D, LSTM and Dense gets nninit values', () => {
    const model = sequentialModel();
    const w = model.weights.map((v) => v.shape as number[]);
    expect(w).toEqual([[3, 3, 3, 4], [4], [12, 12], [3, 12], [12], [3, 2], [2]]);
    const s = { ...K, seed: 11 };
    expect(sameBytes(data(model.weights[0]!), nn.heNormal([3, 3, 3, 4], { ...s, stream: 0 }))).toBe(true);
    expect(sameBytes(data(model.weights[1]!), new Float32Array(4))).toBe(true);
    const [conv, lstm, dense] = [model.layers[0]!, model.layers[2]!, model.layers[3]!];
    expect(sameBytes(data(lstm.weights[0]!), nn.glorotUniform([12, 12], { ...s, stream: 2 }))).toBe(true);
    expect(sameBytes(data(lstm.weights[1]!), nn.orthogonal([3, 12], { ...s, stream: 3 }))).toBe(true);
    // TF.js's unitForgetBias: ones for the forget gate, the bias initializer elsewhere.
    expect(Array.from(data(lstm.weights[2]!))).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    expect(sameBytes(data(dense.weights[0]!), nn.glorotNormal([3, 2], { ...s, stream: 5 }))).toBe(true);
    expect(sameBytes(data(dense.weights[1]!), nn.uniform([2], { ...s, stream: 6, low: -0.1, high: 0.1 }))).toBe(true);
    expect(conv.weights.length).toBe(2);
    // The recurrent kernel has orthonormal rows.
    const r = data(lstm.weights[1]!);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      let d = 0;
      for (let k = 0; k < 12; k++) d += r[i * 12 + k]! * r[j * 12 + k]!;
      expect(d).toBeCloseTo(i === j ? 1 : 0, 5);
    }
    const y = model.predict(tfc.ones([2, 6, 5, 3])) as tfc.Tensor;
    expect(y.shape).toEqual([2, 2]);
    y.dispose();
    model.dispose();
  });

  it('a functional model gets nninit values', () => {
    const model = functionalModel();
    const [, conv, , lstm, a, b] = model.layers;
    expect(sameBytes(data(conv!.weights[0]!), nn.kaimingUniform([3, 3, 3, 4], { ...K, seed: 3, stream: 0, nonlinearity: 'relu' }))).toBe(true);
    expect(Array.from(data(conv!.weights[1]!))).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(sameBytes(data(lstm!.weights[0]!), nn.lecunNormal([12, 12], { ...K, seed: 3, stream: 1 }))).toBe(true);
    expect(sameBytes(data(lstm!.weights[1]!), nn.orthogonal([3, 12], { ...K, seed: 3, stream: 2, gain: 1.5 }))).toBe(true);
    expect(sameBytes(data(a!.weights[0]!), nn.varianceScaling([3, 2], { ...K, seed: 3, stream: 3, scale: 2, mode: 'fanAvg', distribution: 'uniform' }))).toBe(true);
    expect(sameBytes(data(b!.weights[0]!), nn.truncatedNormal([3, 2], { ...K, seed: 3, stream: 4, std: 0.2 }))).toBe(true);
    model.dispose();
  });

  it('dirac gives TF.js-layout identity convolutions', () => {
    const model = tfl.sequential({ layers: [tfl.layers.conv2d({
      inputShape: [5, 5, 3], filters: 3, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: initializers.dirac(),
    })] });
    const x = tfc.randomNormal([1, 5, 5, 3]);
    const y = model.predict(x) as tfc.Tensor;
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    tfc.dispose([x, y]);
    model.dispose();
  });
});

describe('seeds and streams', () => {
  it('an instance without a seed takes the global seed and next stream at construction', () => {
    nn.manualSeed(1234);
    const a = initializers.heUniform();
    const b = initializers.heUniform();
    expect([a.seed, a.stream, b.seed, b.stream]).toEqual([1234, 0, 1234, 1]);
    const c = initializers.heUniform({ stream: 9 });
    expect([c.seed, c.stream]).toEqual([1234, 9]);
    expect(nn.globalSeedState().nextStream).toBe(2n);
    expect(sameBytes(a.values([4, 4]), nn.heUniform([4, 4], { ...K, seed: 1234, stream: 0 }))).toBe(true);
    // The same instance gives the same values every time (as TF.js's seeded initializers).
    expect(sameBytes(a.values([4, 4]), a.values([4, 4]))).toBe(true);
  });
  it('generator() hands out consecutive streams and refuses seed/stream', () => {
    const g = generator(5, 10);
    expect(g.glorotUniform().stream).toBe(10);
    expect(g.zeros().stream).toBe(11);
    expect(g.nextStream).toBe(12n);
    expect(() => g.heNormal({ seed: 1 } as never)).toThrow(TypeError);
    expect(g.nextStream).toBe(12n);
    expect(JSON.parse(JSON.stringify(generator(2n ** 64n - 1n, 3)))).toEqual({ seed: '18446744073709551615', nextStream: 3 });
  });
  it('bigint seeds and streams survive the config', () => {
    const init = initializers.glorotUniform({ seed: (1n << 63n) + 5n, stream: 1n << 40n });
    const cfg = init.getConfig();
    expect(cfg).toEqual({ scheme: 'glorotUniform', seed: '9223372036854775813', stream: 2 ** 40 });
    const back = NninitInitializer.fromConfig(NninitInitializer, JSON.parse(JSON.stringify(cfg)));
    expect(back.seed).toBe((1n << 63n) + 5n);
    nn.manualSeed(31);
    const unseeded = NninitInitializer.fromConfig(NninitInitializer, { scheme: 'zeros', seed: null, stream: null });
    expect([unseeded.seed, unseeded.stream]).toEqual([31, 0]);
    expect(sameBytes(back.values([3, 4]), init.values([3, 4]))).toBe(true);
  });
  it('Infinity options survive the JSON round trip', async () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 3, kernelInitializer: initializers.heNormal({ seed: 2, truncation: Infinity, nonlinearity: 'leaky_relu', a: 0.1, mode: 'fan_out' }) })] });
    const back = await tfl.models.modelFromJSON(JSON.parse(model.toJSON(null, true) as string));
    const init = (back.layers[0] as unknown as { kernelInitializer: NninitInitializer }).kernelInitializer;
    expect(init.options).toEqual({ truncation: Infinity, nonlinearity: 'leakyRelu', a: 0.1, mode: 'fanOut' });
    expect(sameBytes(data(back.weights[0]!), data(model.weights[0]!))).toBe(true);
    expect(sameBytes(data(back.weights[0]!), nn.heNormal([4, 3], { ...K, seed: 2, truncation: Infinity, a: 0.1, nonlinearity: 'leaky_relu', mode: 'fan_out' }))).toBe(true);
    model.dispose();
    back.dispose();
  });
});

describe('options are checked without a probe shape', () => {
  it('shape-dependent options construct, and apply(shape) checks them against the real shape', () => {
    // These threw at construction, checked against a [2, 2] or [1, 1, 1] probe.
    const dirac = initializers.dirac({ groups: 2, seed: 1 });
    const out2 = initializers.heNormal({ outAxis: 2, seed: 1 });
    const batch0 = initializers.heNormal({ batchAxis: 0, seed: 1 });
    expect(sameBytes(dirac.values([3, 3, 4, 8]), schemeValues('dirac', [3, 3, 4, 8], { groups: 2, seed: 1 }))).toBe(true);
    expect(sameBytes(out2.values([3, 4, 5]), nn.heNormal([3, 4, 5], { ...K, outAxis: 2, seed: 1 }))).toBe(true);
    expect(sameBytes(batch0.values([3, 4, 5]), nn.heNormal([3, 4, 5], { ...K, batchAxis: 0, seed: 1 }))).toBe(true);
    expect(() => dirac.values([3, 3, 4, 7])).toThrow(/options\.groups must be a divisor of the kernel's output channels \(shape\[3\] = 7, keras layout\)/);
    expect(() => out2.values([3, 4])).toThrow(/options\.outAxis must be an integer in \[-2, 2\); received 2/);
    expect(() => batch0.apply([4, 5])).toThrow(/distinct axes/);
  });
  it('errors name the factory, the class or the method called, not the nninit initializer behind it', () => {
    expect(() => initializers.randomNormal({ stddev: 3e38, seed: 1 })).toThrow(/^nninit\.tfjs\.initializers\.randomNormal: options\.std must be such that/);
    expect(() => initializers.heNormal({ mode: 'x' as never })).toThrow(/^nninit\.tfjs\.initializers\.heNormal: options\.mode must be one of/);
    expect(() => generator(1).identity({ gain: NaN })).toThrow(/^nninit\.tfjs\.generator\.identity: options\.gain/);
    expect(() => new NninitInitializer({ scheme: 'normal', std: -1 } as never)).toThrow(/^nninit\.tfjs\.NninitInitializer: options\.std/);
    expect(() => initializers.orthogonal({ seed: 1 }).apply([3])).toThrow(/^nninit\.tfjs\.NninitInitializer\(orthogonal\)\.apply: shape must be/);
  });
  it('what needs no shape still fails where the initializer is written', () => {
    expect(() => initializers.heNormal({ outAxis: 1.5 })).toThrow(/options\.outAxis must be an integer axis; received 1\.5/);
    expect(() => initializers.heNormal({ inAxis: 0, outAxis: 0 })).toThrow(/distinct axes/);
    expect(() => initializers.heNormal({ layout: 'jax' } as never)).toThrow(/options\.layout must be one of/);
    expect(() => initializers.dirac({ groups: 0 })).toThrow(/options\.groups must be a positive integer/);
    expect(() => initializers.dirac({ groups: 1.5 })).toThrow(RangeError);
    expect(() => initializers.sparse({ sparsity: 1 })).toThrow(/options\.sparsity/);
    expect(() => initializers.sparse({ sparsity: 0.5, std: 1e39 })).toThrow(/options\.std must be a positive number within the float32 range/);
    expect(() => initializers.constant({ value: 1e39 })).toThrow(/value must be such that every value is finite in float32/);
    expect(() => initializers.varianceScaling({ scale: -1 })).toThrow(/options\.scale/);
    expect(() => initializers.heNormal({ fanIn: 0 })).toThrow(/options\.fanIn must be a finite number > 0/);
    // Every value finite (item 4): parameters that need no shape are refused at construction...
    expect(() => initializers.randomNormal({ stddev: 3e38, seed: 1 })).toThrow(/options\.std must be such that every value is finite in float32/);
    expect(() => initializers.randomUniform({ minval: -3e38, maxval: 3e38, seed: 1 })).toThrow(/options\.high - options\.low must be within the float32 range/);
    expect(() => initializers.orthogonal({ gain: 1e39, seed: 1 })).toThrow(/options\.gain must be such that every value is finite in float32/);
    expect(initializers.truncatedNormal({ stddev: 3e38, seed: 1 }).values([4]).every(Number.isFinite)).toBe(true); // mean ± 2 std: finite
    // ...and a std from the fans when the shape is known.
    const big = initializers.glorotNormal({ seed: 1, gain: 1e39 });
    expect(() => big.values([4, 4])).toThrow(/nninit\.tfjs\.NninitInitializer\(glorotNormal\)\.values: the std \(options\.gain and the fans\) must be a positive number within the float32 range/);
    const wide = initializers.glorotNormal({ seed: 1, gain: 2e38, truncation: Infinity });
    expect(() => wide.values([4, 4])).toThrow(/the std \(options\.gain and the fans\) must be such that every value is finite in float32/);
  });
  it('models using them build, and round-trip through toJSON / modelFromJSON with the same weights', async () => {
    const model = tfl.sequential();
    model.add(tfl.layers.conv2d({ inputShape: [6, 6, 4], filters: 8, kernelSize: 3, padding: 'same', kernelInitializer: initializers.dirac({ groups: 2, seed: 5 }), biasInitializer: 'zeros' }));
    model.add(tfl.layers.reshape({ targetShape: [36, 8] }));
    model.add(tfl.layers.conv1d({ filters: 6, kernelSize: 3, kernelInitializer: initializers.heNormal({ outAxis: 2, seed: 5, stream: 1 }) }));
    model.add(tfl.layers.conv1d({ filters: 4, kernelSize: 2, kernelInitializer: initializers.heNormal({ batchAxis: 0, seed: 5, stream: 2 }) }));
    const y = model.predict(tfc.ones([1, 6, 6, 4])) as tfc.Tensor;
    expect(y.shape).toEqual([1, 33, 4]);
    y.dispose();
    // dirac with groups 2 on [3, 3, 4, 8]: out channel o of group g copies input channel o mod 4.
    const k = data(model.weights[0]!);
    expect(k.reduce((s, v) => s + v, 0)).toBe(8);
    expect(sameBytes(data(model.weights[2]!), nn.heNormal([3, 8, 6], { ...K, outAxis: 2, seed: 5, stream: 1 }))).toBe(true);
    expect(sameBytes(data(model.weights[4]!), nn.heNormal([2, 6, 4], { ...K, batchAxis: 0, seed: 5, stream: 2 }))).toBe(true);
    const back = await tfl.models.modelFromJSON(JSON.parse(model.toJSON(null, true) as string));
    const w0 = weightsOf(model), w1 = weightsOf(back);
    expect(w1.length).toBe(w0.length);
    w0.forEach((w, i) => expect(sameBytes(w1[i]!, w), `weight ${i}`).toBe(true));
    model.dispose();
    back.dispose();
  });
});

describe('toJSON / modelFromJSON round trip', () => {
  for (const [name, build] of [['Sequential', sequentialModel], ['functional', functionalModel]] as const) {
    it(`${name}: initializer configs, built weights and re-initialized weights are equal`, async () => {
      const model = build();
      const json = model.toJSON(null, true) as string;
      expect(json).toContain('NninitInitializer');
      const back = await tfl.models.modelFromJSON(JSON.parse(json));
      const configs = (m: tfl.LayersModel) => m.layers.map((l) => {
        const c = l.getConfig() as Record<string, unknown>;
        return [c.kernelInitializer, c.recurrentInitializer, c.biasInitializer];
      });
      expect(configs(back)).toEqual(configs(model));
      const w0 = weightsOf(model), w1 = weightsOf(back);
      expect(w1.length).toBe(w0.length);
      w0.forEach((w, i) => expect(sameBytes(w1[i]!, w), `weight ${i}`).toBe(true));
      reinitialize(model, { seed: 77 });
      reinitialize(back, { seed: 77 });
      const r0 = weightsOf(model), r1 = weightsOf(back);
      r0.forEach((w, i) => expect(sameBytes(r1[i]!, w), `weight ${i}`).toBe(true));
      model.dispose();
      back.dispose();
    });
  }
});

describe('reinitialize', () => {
  function defaultModel(): tfl.LayersModel {
    return tfl.sequential({ layers: [
      tfl.layers.conv2d({ inputShape: [6, 5, 3], filters: 4, kernelSize: 3 }),
      tfl.layers.batchNormalization(),
      tfl.layers.reshape({ targetShape: [4, 12] }),
      tfl.layers.lstm({ units: 3, unitForgetBias: true }),
      tfl.layers.dense({ units: 2, kernelInitializer: 'heNormal', biasInitializer: tfl.initializers.constant({ value: 0.5 }) }),
      tfl.layers.dense({ units: 2, kernelInitializer: initializers.eye({ gain: 2 }), biasInitializer: tfl.initializers.randomNormal({ mean: 1, stddev: 0.5 }) }),
    ] });
  }

  it('maps each weight to its layer initializer and fills it from one seed, stream = index', () => {
    const model = defaultModel();
    const summary = reinitialize(model, { seed: 5 });
    const brief = summary.map((s) => [s.role, s.source, s.scheme, s.stream]);
    expect(brief).toEqual([
      // TF.js's Dense, Conv and RNN layers default to glorotNormal (Keras: glorotUniform).
      ['kernel', 'GlorotNormal', 'glorotNormal', 0],
      ['bias', 'Zeros', 'zeros', 1],
      ['gamma', 'Ones', 'ones', 2],
      ['beta', 'Zeros', 'zeros', 3],
      ['kernel', 'GlorotNormal', 'glorotNormal', 4],
      ['recurrentKernel', 'Orthogonal', 'orthogonal', 5],
      ['bias', 'Zeros', 'zeros', 6],
      ['kernel', 'HeNormal', 'heNormal', 7],
      ['bias', 'Constant', 'constant', 8],
      ['kernel', 'NninitInitializer', 'eye', 9],
      ['bias', 'RandomNormal', 'normal', 10],
      ['movingMean', 'Zeros', 'zeros', 11],
      ['movingVariance', 'Ones', 'ones', 12],
    ]);
    expect(summary[6]!.unitForgetBias).toBe(true);
    const w = weightsOf(model);
    const s = { ...K, seed: 5 };
    expect(sameBytes(w[0]!, nn.glorotNormal([3, 3, 3, 4], { ...s, stream: 0 }))).toBe(true);
    expect(sameBytes(w[4]!, nn.glorotNormal([12, 12], { ...s, stream: 4 }))).toBe(true);
    expect(sameBytes(w[5]!, nn.orthogonal([3, 12], { ...s, stream: 5 }))).toBe(true);
    expect(Array.from(w[6]!)).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    expect(sameBytes(w[7]!, nn.heNormal([3, 2], { ...s, stream: 7 }))).toBe(true);
    expect(Array.from(w[8]!)).toEqual([0.5, 0.5]);
    expect(Array.from(w[9]!)).toEqual([2, 0, 0, 2]);
    expect(sameBytes(w[10]!, nn.normal([2], { ...s, stream: 10, mean: 1, std: 0.5 }))).toBe(true);
    expect(Array.from(w[12]!)).toEqual([1, 1, 1, 1]);
    model.dispose();
  });

  it('is reproducible from one seed and independent of the previous values', () => {
    const m1 = defaultModel(), m2 = defaultModel();
    const before = weightsOf(m1);
    reinitialize(m1, { seed: 123 });
    reinitialize(m2, { seed: 123 });
    const a = weightsOf(m1), b = weightsOf(m2);
    a.forEach((x, i) => expect(sameBytes(x, b[i]!), `weight ${i}`).toBe(true));
    expect(sameBytes(a[0]!, before[0]!)).toBe(false);
    reinitialize(m2, { seed: 124 });
    expect(sameBytes(weightsOf(m2)[0]!, a[0]!)).toBe(false);
    reinitialize(m2, { seed: 123, firstStream: 100 });
    expect(sameBytes(weightsOf(m2)[0]!, nn.glorotNormal([3, 3, 3, 4], { ...K, seed: 123, stream: 100 }))).toBe(true);
    // Without a seed: the global generator, one stream per weight.
    nn.manualSeed(9);
    const g = reinitialize(m2);
    expect(g.map((x) => x.stream)).toEqual(g.map((_, i) => i));
    expect(g.every((x) => x.seed === 9)).toBe(true);
    m1.dispose();
    m2.dispose();
  });

  it('an NninitInitializer keeps its scheme and options, with the reinitialize seed and stream', () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 3, kernelInitializer: initializers.kaimingUniform({ seed: 1, a: 0.2, mode: 'fanOut' }) })] });
    const [k] = reinitialize(model, { seed: 8, firstStream: 3 }) as [ReinitializedWeight];
    expect([k.scheme, k.options, k.stream]).toEqual(['kaimingUniform', { a: 0.2, mode: 'fanOut', convention: 'keras' }, 3]);
    expect(sameBytes(data(model.weights[0]!), nn.kaimingUniform([4, 3], { ...K, seed: 8, stream: 3, a: 0.2, mode: 'fanOut' }))).toBe(true);
    model.dispose();
  });

  it("names reinitialize and the weight when a model's initializer does not fit nninit's checks", () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 2, kernelInitializer: tfl.initializers.randomNormal({ stddev: 1e39 }) })] });
    const before = weightsOf(model);
    expect(() => reinitialize(model, { seed: 1 })).toThrow(/^nninit\.tfjs\.reinitialize: the initializer of weight 0 \(\S+\) is not valid for shape \[2, 2\]: nninit\.normal: options\.std must be/);
    expect(sameBytes(weightsOf(model)[0]!, before[0]!)).toBe(true);
  });
  it('refuses initializers it cannot map unless told to skip them', () => {
    class Custom extends TfInitializerBase {
      static className = 'MyCustomInit';
      apply(shape: number[]): tfc.Tensor { return tfc.fill(shape, 3); }
    }
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 2, kernelInitializer: new Custom() })] });
    const before = weightsOf(model);
    expect(() => reinitialize(model, { seed: 1 })).toThrow(TypeError);
    expect(() => reinitialize(model, { seed: 1 })).toThrow(/MyCustomInit/);
    expect(sameBytes(weightsOf(model)[0]!, before[0]!)).toBe(true);
    const summary = reinitialize(model, { seed: 1, unknown: 'skip' });
    expect(summary.map((s) => [s.scheme, s.stream])).toEqual([[null, 0], ['zeros', 1]]);
    expect(Array.from(weightsOf(model)[0]!)).toEqual([3, 3, 3, 3]);
    model.dispose();
  });

  it('validates its arguments', () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 2 })] });
    expect(() => reinitialize({} as never, { seed: 1 })).toThrow(TypeError);
    expect(() => reinitialize(model, { seed: -1 })).toThrow(RangeError);
    expect(() => reinitialize(model, { firstStream: 2 })).toThrow(/firstStream/);
    expect(() => reinitialize(model, { seed: 1, unknown: 'keep' as never })).toThrow(RangeError);
    model.dispose();
  });
});

describe('errors pass through TF.js, naming what the user called', () => {
  it('an unknown scheme', () => {
    expect(() => new NninitInitializer({ scheme: 'glorotUniformm' as never })).toThrow(RangeError);
    expect(() => new NninitInitializer({ scheme: 'glorotUniformm' as never })).toThrow(/nninit\.tfjs\.NninitInitializer: args\.scheme must be one of .*"glorotUniform"/);
    expect(() => new NninitInitializer({} as never)).toThrow(TypeError);
    expect(() => schemeValues('nope' as never, [2], { seed: 0 })).toThrow(RangeError);
  });
  it('a bad option fails at construction with the factory named', () => {
    expect(() => initializers.orthogonal({ gain: -1 })).toThrow(RangeError);
    expect(() => initializers.orthogonal({ gain: -1 })).toThrow(/^nninit\.tfjs\.initializers\.orthogonal: options\.gain/);
    expect(() => initializers.varianceScaling({ mode: 'fanSum' as never })).toThrow(/^nninit\.tfjs\.initializers\.varianceScaling: options\.mode must be one of/);
    expect(() => initializers.glorotUniform({ seed: 2 ** 64 })).toThrow(RangeError);
    expect(() => initializers.glorotUniform({ dtype: 'float64' } as never)).toThrow(TypeError);
    expect(() => initializers.sparse({ seed: 1 })).toThrow(/^nninit\.tfjs\.initializers\.sparse: options\.sparsity/);
    expect(() => initializers.randomUniform({ minval: 0, low: 0 } as never)).toThrow(TypeError);
  });
  it('a shape the scheme cannot handle, while TF.js builds the layer', () => {
    const make = () => tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 3, biasInitializer: initializers.orthogonal({ seed: 1 }) })] });
    expect(make).toThrow(RangeError);
    expect(make).toThrow('nninit.tfjs.NninitInitializer(orthogonal).apply: shape must be an array of at least 2 dimensions; received an array of length 1');
    const eye4d = () => tfl.sequential({ layers: [tfl.layers.conv2d({ inputShape: [5, 5, 2], filters: 2, kernelSize: 3, kernelInitializer: initializers.eye() })] });
    expect(eye4d).toThrow(RangeError);
    expect(eye4d).toThrow(/^nninit\.tfjs\.NninitInitializer\(eye\)\.apply: shape/);
  });
  it('a non-float32 dtype', () => {
    expect(() => initializers.zeros().apply([2], 'int32')).toThrow(TypeError);
  });
  it('schemeFor maps built-in TF.js initializers', () => {
    expect(schemeFor(tfl.initializers.glorotUniform({}))).toEqual({ scheme: 'glorotUniform', options: {} });
    expect(schemeFor(tfl.initializers.varianceScaling({ scale: 2, mode: 'fanOut', distribution: 'uniform' }))).toEqual({
      scheme: 'varianceScaling', options: { scale: 2, mode: 'fanOut', distribution: 'uniform' },
    });
    expect(schemeFor(tfl.initializers.randomUniform({ minval: -1, maxval: 2 }))).toEqual({ scheme: 'uniform', options: { low: -1, high: 2 } });
    expect(schemeFor(tfl.initializers.orthogonal({ gain: 2 }))).toEqual({ scheme: 'orthogonal', options: { gain: 2 } });
  });
});

describe('docs/tfjs.md examples', () => {
  it('before/after, generator and reinitialize', () => {
    const before = tfl.layers.dense({ units: 8, inputShape: [4], kernelInitializer: tfl.initializers.glorotUniform({ seed: 42 }) });
    const after = tfl.layers.dense({ units: 8, inputShape: [4], kernelInitializer: initializers.glorotUniform({ seed: 42, stream: 0 }) });
    const m = tfl.sequential({ layers: [after] });
    expect(sameBytes(data(m.weights[0]!), nn.glorotUniform([4, 8], { convention: 'keras', seed: 42, stream: 0 }))).toBe(true);
    expect(before.getConfig().kernelInitializer).toMatchObject({ className: 'VarianceScaling' });

    const init = generator(42);
    const model = tfl.sequential({ layers: [
      tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: 'relu',
        kernelInitializer: init.heNormal(), biasInitializer: init.zeros() }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 10, kernelInitializer: init.glorotUniform() }),
    ] });
    expect(sameBytes(data(model.weights[2]!), nn.glorotUniform([144, 10], { ...K, seed: 42, stream: 2 }))).toBe(true);
    const summary = reinitialize(model, { seed: 42 });
    expect(summary[0]).toMatchObject({ index: 0, role: 'kernel', shape: [3, 3, 1, 4], source: 'NninitInitializer', scheme: 'heNormal', seed: 42, stream: 0 });
    expect(summary[3]).toMatchObject({ role: 'bias', source: 'Zeros', scheme: 'zeros', stream: 3 });
    m.dispose();
    model.dispose();
  });
});
