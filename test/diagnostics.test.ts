/**
 * Signal-propagation diagnostics: the guide's claims, numerically, on fixed seeds; the
 * verdicts; recommend(); the renderers; argument validation.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspect, THRESHOLDS, type InspectReport } from '../lib/diagnostics/inspect.js';
import { recommend } from '../lib/models/recommend.js';
import { renderChart, renderSvg, renderTable } from '../lib/diagnostics/render.js';
import { gainOf, parseInitializer, resolveInitializer } from '../lib/diagnostics/registry.js';
import { matmul, transpose } from '../lib/diagnostics/matmul.js';
import * as nninit from '../lib/index.js';
import { checkWellFormedXml } from './diagnostics-helpers.js';

const MNIST20 = [784, ...Array<number>(20).fill(512), 10];
/** Hidden layers only (the output layer is linear). */
const hidden = (r: InspectReport) => r.layers.slice(0, -1);

// Shared by several tests: the full 784-512x20-10 network (batch 64 keeps the suite quick).
const cache = new Map<string, InspectReport>();
function run(activation: 'relu' | 'tanh', init: string, layers = MNIST20, batch = 64): InspectReport {
  const key = `${activation}|${init}|${layers.join(',')}|${batch}`;
  let r = cache.get(key);
  if (!r) {
    r = inspect({ layers, activation, init, batch, seed: 7 });
    cache.set(key, r);
  }
  return r;
}

describe('the guide, numerically (seed 7)', () => {
  it('zeros gives one distinct neuron in every layer: symmetric', () => {
    const r = run('relu', 'zeros');
    expect(r.layers).toHaveLength(21);
    for (const l of r.layers) expect(l.distinct).toBe(1);
    expect(r.verdict.status).toBe('symmetric');
    // the same with tanh, and sigmoid (whose zero-weight outputs are all 0.5, not 0)
    for (const l of run('tanh', 'zeros').layers) expect(l.distinct).toBe(1);
    const s = inspect({ layers: [64, 32, 32, 4], activation: 'sigmoid', init: 'zeros', batch: 16 });
    expect(s.layers.map((l) => l.distinct)).toEqual([1, 1, 1]);
    expect(s.layers[0]!.mean).toBe(0.5);
    expect(s.verdict.status).toBe('symmetric');
  });

  it('random inits give as many distinct neurons as units (tanh never kills a neuron)', () => {
    for (const l of run('tanh', 'xavier-normal').layers) expect(l.distinct).toBe(l.fanOut);
  });

  it('N(0, 0.01) with tanh: activation std falls below 1e-6 of the input by layer 20', () => {
    const r = run('tanh', 'normal:0.01');
    expect(r.layers[19]!.std / r.inputStd).toBeLessThan(1e-6);
    // and it falls monotonically, by about 0.01 * sqrt(512) = 0.23 a layer
    for (let i = 1; i < 20; i++) expect(r.layers[i]!.std).toBeLessThan(r.layers[i - 1]!.std);
    expect(r.verdict.status).toBe('vanishing');
  });

  it('Xavier keeps tanh activations std between 0.1 and 1 through 20 layers', () => {
    const r = run('tanh', 'xavier-normal');
    for (const l of hidden(r)) {
      expect(l.std).toBeGreaterThan(0.1);
      expect(l.std).toBeLessThan(1);
    }
    expect(r.verdict.status).toBe('healthy');
  });

  // 50 hidden layers, 256 wide, batch 128. The quantity is the root mean square of the
  // activations relative to the input's: the second moment E[h^2] is what Kaiming's
  // 2 / fanIn preserves through a ReLU (the std of a ReLU output is lower by its mean).
  const DEEP = [256, ...Array<number>(50).fill(256), 10];
  it('Kaiming keeps ReLU activations within [0.5, 2] of the input (rms) through 50 layers', () => {
    const r = inspect({ layers: DEEP, activation: 'relu', init: 'kaiming-normal', batch: 128, seed: 7 });
    const inRms = r.inputStd; // the input is standard normal: mean ~0, so rms ~ std
    expect(hidden(r)).toHaveLength(50);
    for (const l of hidden(r)) {
      expect(l.rms / inRms).toBeGreaterThanOrEqual(0.5);
      expect(l.rms / inRms).toBeLessThanOrEqual(2);
      expect(l.dead).toBeGreaterThan(0.35); // about half of every ReLU layer's outputs are exactly 0
      expect(l.dead).toBeLessThan(0.65);
    }
    expect(r.verdict.status).toBe('healthy');
  });

  it('Xavier with ReLU shrinks them by more than 100x over the same 50 layers', () => {
    const r = inspect({ layers: DEEP, activation: 'relu', init: 'xavier-normal', batch: 128, seed: 7 });
    const last = hidden(r).at(-1)!;
    expect(last.rms / r.inputStd).toBeLessThan(1e-2);
    // each square layer halves the second moment: rms x 1/sqrt(2), so ~2^-25 after 50
    expect(last.rms / r.inputStd).toBeLessThan(1e-6);
    expect(last.rms / r.inputStd).toBeGreaterThan(1e-9);
    expect(r.verdict.status).toBe('vanishing');
  });

  it('LeCun normal keeps SELU activations near unit std (self-normalizing)', () => {
    const r = inspect({ layers: [256, ...Array<number>(20).fill(256), 10], activation: 'selu', init: 'lecun-normal', batch: 128, seed: 7 });
    for (const l of hidden(r)) {
      expect(l.std).toBeGreaterThan(0.8);
      expect(l.std).toBeLessThan(1.25);
      expect(Math.abs(l.mean)).toBeLessThan(0.2);
    }
    expect(r.verdict.status).toBe('healthy');
  });
});

describe('verdicts', () => {
  const NET = [128, ...Array<number>(12).fill(128), 10];
  it('saturated: N(0, 1) weights drive tanh into its flat tails', () => {
    const r = inspect({ layers: NET, activation: 'tanh', init: 'normal:1', batch: 64 });
    expect(r.layers[0]!.saturated).toBeGreaterThan(THRESHOLDS.saturated);
    expect(r.verdict.status).toBe('saturated');
    expect(r.verdict.reason).toMatch(/saturated/);
  });

  it('saturated: sigmoid outside [0.01, 0.99]', () => {
    const r = inspect({ layers: NET, activation: 'sigmoid', init: 'normal:1', batch: 64 });
    expect(r.verdict.status).toBe('saturated');
  });

  it('exploding: N(0, 1) weights with ReLU grow about sqrt(fanIn / 2) a layer', () => {
    const r = inspect({ layers: NET, activation: 'relu', init: 'normal:1', batch: 64 });
    expect(r.signalRatio).toBeGreaterThan(THRESHOLDS.exploding);
    expect(r.verdict.status).toBe('exploding');
  });

  it('vanishing gradients alone: deep sigmoid under Xavier (derivative <= 1/4)', () => {
    const r = inspect({ layers: NET, activation: 'sigmoid', init: 'xavier-normal', batch: 64 });
    expect(r.gradientRatio).toBeLessThan(THRESHOLDS.vanishing);
    expect(r.verdict.status).toBe('vanishing');
    expect(r.verdict.reason).toMatch(/Gradient/);
  });

  it('residual branches explode unscaled, and stay healthy scaled by 1/sqrt(2 depth) (GPT-2)', () => {
    const layers = Array<number>(21).fill(256);
    const plain = inspect({ layers, activation: 'relu', init: 'kaiming-normal', residual: true, batch: 64 });
    expect(plain.layers.slice(0, -1).every((l) => l.residual)).toBe(true);
    expect(plain.layers.at(-1)!.residual).toBe(false);
    expect(plain.verdict.status).toBe('exploding');
    const scale = recommend({ activation: 'relu', depth: 20, residual: true }).branchScale!;
    const scaled = inspect({ layers, activation: 'relu', init: 'kaiming-normal', residual: true, branchScale: scale, batch: 64 });
    expect(scaled.verdict.status).toBe('healthy');
    expect(scaled.signalRatio).toBeLessThan(3);
  });

  it('batch norm rescues a too-small init: pre-activations are standardized', () => {
    const r = inspect({ layers: NET, activation: 'relu', init: 'normal:0.01', batchNorm: true, batch: 64 });
    for (const l of hidden(r)) expect(l.preStd).toBeCloseTo(1, 2);
    expect(r.verdict.status).toBe('healthy');
    expect(inspect({ layers: NET, activation: 'relu', init: 'normal:0.01', batch: 64 }).verdict.status).toBe('vanishing');
  });

  it('float32 underflow is reported as vanishing, not symmetric', () => {
    // N(0, 0.001) with ReLU: x 0.001 * sqrt(256 / 2) = 0.011 a layer; after 25 layers every value is 0
    const r = inspect({ layers: [256, ...Array<number>(25).fill(256), 4], activation: 'relu', init: 'normal:0.001', batch: 16 });
    expect(r.layers.at(-2)!.distinct).toBe(1);
    expect(r.verdict.status).toBe('vanishing');
  });
});

describe('inspect', () => {
  it('is deterministic in the seed, and every initializer of a comparison sees the same input', () => {
    const a = inspect({ layers: [32, 16, 16, 4], activation: 'gelu', init: 'kaiming-uniform', batch: 8, seed: 3 });
    const b = inspect({ layers: [32, 16, 16, 4], activation: 'gelu', init: 'kaiming-uniform', batch: 8, seed: 3 });
    const c = inspect({ layers: [32, 16, 16, 4], activation: 'gelu', init: 'kaiming-uniform', batch: 8, seed: 4n });
    const strip = (r: InspectReport) => ({ ...r, elapsedMs: 0 });
    expect(strip(a)).toEqual(strip(b));
    expect(c.layers[0]!.std).not.toBe(a.layers[0]!.std);
    expect(c.config.seed).toBe('4');
    const d = inspect({ layers: [32, 16, 16, 4], activation: 'gelu', init: 'xavier-uniform', batch: 8, seed: 3 });
    expect(d.inputStd).toBe(a.inputStd);
    expect(d.outputGradStd).toBe(a.outputGradStd);
  });

  it('matches a direct computation on a one-layer linear network', () => {
    // y = W x (layer 1 is the output, linear): gradStd is the std of W^T g.
    const batch = 5, fin = 3, fout = 2, seed = 11;
    const r = inspect({ layers: [fin, fout], activation: 'relu', init: 'xavier-normal', batch, seed });
    const w = nninit.xavierNormal([fout, fin], { seed, stream: 2 }) as Float32Array;
    const x = nninit.fillNormal(new Float32Array(fin * batch), { seed, stream: 0 }); // feature-major
    const g = nninit.fillNormal(new Float32Array(fout * batch), { seed, stream: 1 });
    const y: number[] = [];
    const gin: number[] = [];
    for (let o = 0; o < fout; o++) for (let j = 0; j < batch; j++) { let s = 0; for (let i = 0; i < fin; i++) s += w[o * fin + i]! * x[i * batch + j]!; y.push(s); }
    for (let i = 0; i < fin; i++) for (let j = 0; j < batch; j++) { let s = 0; for (let o = 0; o < fout; o++) s += w[o * fin + i]! * g[o * batch + j]!; gin.push(s); }
    const std = (v: number[]) => { const m = v.reduce((p, q) => p + q, 0) / v.length; return Math.sqrt(v.reduce((p, q) => p + (q - m) ** 2, 0) / v.length); };
    expect(r.layers[0]!.activation).toBe('linear');
    expect(r.layers[0]!.std).toBeCloseTo(std(y), 5);
    expect(r.layers[0]!.gradStd).toBeCloseTo(std(gin), 5);
  });

  it('reports saturation for tanh/sigmoid, dead units for ReLU, null otherwise', () => {
    const base = { layers: [16, 16, 4], batch: 8 };
    const t = inspect({ ...base, activation: 'tanh' });
    expect(t.layers[0]!.saturated).not.toBeNull();
    expect(t.layers[0]!.dead).toBeNull();
    const r = inspect({ ...base, activation: 'relu' });
    expect(r.layers[0]!.dead).toBeGreaterThan(0);
    expect(r.layers[0]!.deadNeurons).not.toBeNull();
    const l = inspect({ ...base, activation: 'leaky_relu', negativeSlope: 0.2 });
    expect(l.layers[0]!.dead).toBeNull();
    expect(l.layers[0]!.saturated).toBeNull();
    for (const act of ['linear', 'selu', 'gelu', 'silu', 'sigmoid'] as const) {
      const x = inspect({ ...base, activation: act, init: 'lecun-normal' });
      expect(Number.isFinite(x.layers[0]!.std)).toBe(true);
      expect(Number.isFinite(x.layers[0]!.gradStd)).toBe(true);
    }
    const out = inspect({ ...base, activation: 'tanh', outputActivation: true });
    expect(out.layers[1]!.activation).toBe('tanh');
  });

  it('uses nninit orthogonal: an orthogonal square linear layer preserves the norm', () => {
    const r = inspect({ layers: [64, 64, 64], activation: 'linear', init: 'orthogonal', batch: 32 });
    expect(r.layers[0]!.rms).toBeCloseTo(r.layers[1]!.rms, 4);
  });

  it('rejects bad options with TypeError/RangeError naming the option and the value', () => {
    const f = inspect as (o: unknown) => unknown;
    expect(() => f(undefined)).toThrow(TypeError);
    expect(() => f({})).toThrow(/nninit\.inspect: options\.layers must be an array/);
    expect(() => f({ layers: [784] })).toThrow(RangeError);
    expect(() => f({ layers: [784, 0] })).toThrow(/options\.layers\[1\] must be an integer in \[1, 65536\]; received 0 \(number\)/);
    expect(() => f({ layers: [4, 2.5] })).toThrow(RangeError);
    expect(() => f({ layers: [4, '2'] })).toThrow(TypeError);
    expect(() => f({ layers: [4, 4], activation: 'softmax' })).toThrow(/options\.activation must be one of .*received "softmax"/);
    expect(() => f({ layers: [4, 4], activation: 3 })).toThrow(TypeError);
    expect(() => f({ layers: [4, 4], init: 'he' })).toThrow(/options\.init must be one of/);
    expect(() => f({ layers: [4, 4], init: 'normal:-1' })).toThrow(RangeError);
    expect(() => f({ layers: [4, 4], init: 'xavier-normal:2' })).toThrow(RangeError);
    expect(() => f({ layers: [4, 4], init: { name: 'kaiming-normal', mode: 'fanout' } })).toThrow(/options\.init\.mode/);
    expect(() => f({ layers: [4, 4], init: { name: 'kaiming-normal', gain: -1 } })).toThrow(/options\.init\.gain/);
    expect(() => f({ layers: [4, 4], init: 5 })).toThrow(TypeError);
    expect(() => f({ layers: [4, 4], batch: 1 })).toThrow(/options\.batch must be an integer in \[2, /);
    expect(() => f({ layers: [4, 4], batch: 3.5 })).toThrow(RangeError);
    expect(() => f({ layers: [65536, 4], batch: 2048 })).toThrow(/options\.batch/);
    expect(() => f({ layers: [4, 4], seed: -1 })).toThrow(/options\.seed/);
    expect(() => f({ layers: [4, 4], seed: 2n ** 64n })).toThrow(RangeError);
    expect(() => f({ layers: [4, 4], residual: 'yes' })).toThrow(/options\.residual must be a boolean; received "yes"/);
    expect(() => f({ layers: [4, 4], batchNorm: 1 })).toThrow(TypeError);
    expect(() => f({ layers: [4, 4], branchScale: 0 })).toThrow(/options\.branchScale/);
    expect(() => f({ layers: [4, 4], negativeSlope: -0.1 })).toThrow(/options\.negativeSlope/);
    expect(() => f([4, 4])).toThrow(TypeError);
  });
});

describe('inspect limits (memory and work estimated up front)', () => {
  it('estimates memory and work up front and refuses beyond maxMemory / maxWork, before allocating', () => {
    // 670 GiB of weights: refused in milliseconds (it used to run for many minutes).
    expect(() => inspect({ layers: Array(10001).fill(4096), batch: 16384 })).toThrow(/options\.layers and options\.batch need about 3\.\d+ TiB of memory, more than options\.maxMemory \(2 GiB\)/);
    expect(() => inspect({ layers: [65536, 65536], batch: 2 })).toThrow(/need about 16 GiB of memory/);
    expect(() => inspect({ layers: [65536, 65536], batch: 2, maxMemory: 2 ** 40, maxWork: 1 })).toThrow(/multiply-adds, more than options\.maxWork \(1\.00\)/);
    expect(() => inspect({ layers: [64, 64], batch: 8, maxMemory: 1000 })).toThrow(RangeError);
    expect(() => inspect({ layers: [64, 64], batch: 8, maxMemory: 0 })).toThrow(/options\.maxMemory must be a number > 0 \(Infinity: no limit\)/);
    expect(() => inspect({ layers: [64, 64], batch: 8, maxWork: '1e9' as never })).toThrow(TypeError);
    // A matrix beyond 2^32 elements is refused whatever the limits.
    expect(() => inspect({ layers: [8, 65536], batch: 1 << 17, maxMemory: Infinity, maxWork: Infinity })).toThrow(/matrices of at most 4294967296 elements \(layer 1 needs 8589934592\)/);
    // Raising a limit lets the same network run; the report says what it cost.
    const r = inspect({ layers: [64, 64, 10], batch: 8, maxMemory: Infinity, maxWork: 1e7, seed: 1 });
    expect(r.config.maxWork).toBe(1e7);
    expect(r.cost.work).toBeGreaterThanOrEqual(2 * 8 * (64 * 64 + 64 * 10));
    expect(r.cost.bytes).toBeGreaterThanOrEqual(4 * (64 * 64 + 64 * 10));
    expect(() => inspect({ layers: [64, 64, 10], batch: 8, maxWork: r.cost.work - 1 })).toThrow(/maxWork/);
    expect(inspect({ layers: [64, 64, 10], batch: 8, maxWork: r.cost.work, seed: 1 }).layers).toHaveLength(2);
  });
  it('the memory estimate bounds what a run really allocates (measured in a child process)', () => {
    const script = `const { inspect } = require(${JSON.stringify(join(__dirname, '..', 'dist', 'cjs', 'index.js'))});
      global.gc();
      const base = process.memoryUsage().rss;
      const r = inspect({ layers: [512, 512, 512, 512, 10], batch: 2048, activation: 'tanh', batchNorm: true });
      process.stdout.write(JSON.stringify({ bytes: r.cost.bytes, rss: process.memoryUsage().rss - base }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['--expose-gc', '-e', script]).toString()) as { bytes: number; rss: number };
    // The estimate covers the resident growth of the run (within the allocator's slack).
    expect(out.rss).toBeLessThan(out.bytes * 1.25 + 32 * 2 ** 20);
  });
});

describe('recommend', () => {
  it('follows the selection strategy', () => {
    expect(recommend({ activation: 'tanh' })).toMatchObject({ initializer: 'xavier-normal', gain: 5 / 3, branchScale: null });
    expect(recommend({ activation: 'sigmoid' })).toMatchObject({ initializer: 'xavier-normal', gain: 1 });
    expect(recommend({ activation: 'linear' }).initializer).toBe('xavier-normal');
    for (const a of ['relu', 'gelu', 'silu'] as const) {
      const r = recommend({ activation: a });
      expect(r.initializer).toBe('kaiming-normal');
      expect(r.mode).toBe('fan_in');
      expect(r.gain).toBe(nninit.calculateGain(a));
    }
    expect(recommend({ activation: 'relu' }).gain).toBe(Math.SQRT2);
    expect(recommend({ activation: 'leaky_relu', negativeSlope: 0.2 }).gain).toBeCloseTo(Math.sqrt(2 / 1.04), 15);
    const s = recommend({ activation: 'selu', depth: 30 });
    expect(s.initializer).toBe('lecun-normal');
    expect(s.std(400, 100)).toBeCloseTo(0.05, 15);
    expect(recommend({ activation: 'relu' }).std(512, 10)).toBeCloseTo(Math.SQRT2 / Math.sqrt(512), 15);
    expect(recommend({ activation: 'tanh' }).std(300, 100)).toBeCloseTo((5 / 3) * Math.sqrt(2 / 400), 15);
  });

  it('scales residual branches by 1/sqrt(2 depth), or zeroes them (Fixup)', () => {
    const r = recommend({ activation: 'relu', depth: 50, residual: true });
    expect(r.branchScale).toBeCloseTo(0.1, 15);
    expect(r.alternative).toMatch(/Fixup/);
    expect(r.reason).toMatch(/GPT-2/);
    expect(r.reason.includes('\n')).toBe(false);
    expect(recommend({ activation: 'relu', depth: 8, batchNorm: true }).reason).toMatch(/batch norm/);
  });

  it('its advice is healthy under inspect', () => {
    for (const activation of ['relu', 'tanh', 'selu', 'leaky_relu', 'gelu'] as const) {
      const rec = recommend({ activation, depth: 20 });
      const r = inspect({ layers: [128, ...Array<number>(20).fill(128), 10], activation, init: rec.initializer, batch: 64 });
      expect(r.verdict.status, activation).toBe('healthy');
    }
  });

  it('rejects bad options', () => {
    const f = recommend as (o: unknown) => unknown;
    expect(() => f(undefined)).toThrow(TypeError);
    expect(() => f({})).toThrow(/nninit\.recommend: options\.activation must be one of/);
    expect(() => f({ activation: 'mish' })).toThrow(RangeError);
    expect(JSON.stringify(f({ activation: 'swish' }))).toBe(JSON.stringify(f({ activation: 'silu' }))); // swish is silu, as calculateGain
    expect(() => f({ activation: 'relu', depth: 0 })).toThrow(/options\.depth must be an integer in \[1, 100000\]; received 0/);
    expect(() => f({ activation: 'relu', depth: '5' })).toThrow(TypeError);
    expect(() => f({ activation: 'relu', residual: 1 })).toThrow(/options\.residual must be a boolean/);
    expect(() => f({ activation: 'relu', batchNorm: 'no' })).toThrow(TypeError);
    expect(() => f({ activation: 'leaky_relu', negativeSlope: NaN })).toThrow(RangeError);
  });
});

describe('registry', () => {
  it('resolves names to nninit initializers in [out, in] layout', () => {
    const ctx = { seed: 5, stream: 9 };
    const x = resolveInitializer(parseInitializer('xavier-normal'), 'tanh')(256, 512, ctx);
    expect(x).toEqual(nninit.xavierNormal([256, 512], { seed: 5, stream: 9 }));
    const k = resolveInitializer(parseInitializer('kaiming-uniform'), 'relu')(64, 300, ctx);
    expect(k).toEqual(nninit.kaimingUniform([64, 300], { nonlinearity: 'relu', seed: 5, stream: 9 }));
    const bound = Math.SQRT2 * Math.sqrt(3 / 300);
    expect(Math.max(...k.map(Math.abs))).toBeLessThanOrEqual(bound);
    const l = resolveInitializer({ name: 'kaiming-normal' }, 'leaky_relu', 0.2)(8, 8, ctx);
    expect(l).toEqual(nninit.kaimingNormal([8, 8], { nonlinearity: 'leaky_relu', a: 0.2, seed: 5, stream: 9 }));
    const n = resolveInitializer(parseInitializer('normal:0.02'), 'relu')(100, 100, ctx);
    expect(n).toEqual(nninit.normal([100, 100], { std: 0.02, seed: 5, stream: 9 }));
    expect(resolveInitializer(parseInitializer('zeros'), 'relu')(3, 4, ctx)).toEqual(new Float32Array(12));
    // an explicit gain: variance scaling with scale gain^2
    const g = resolveInitializer({ name: 'kaiming-normal', gain: 1 }, 'relu')(512, 512, ctx);
    let s2 = 0;
    for (const v of g) s2 += v * v;
    expect(Math.sqrt(s2 / g.length)).toBeCloseTo(1 / Math.sqrt(512), 3);
  });

  it('parses CLI names and gains', () => {
    expect(parseInitializer('normal:0.01')).toEqual({ name: 'normal', std: 0.01 });
    expect(parseInitializer('Kaiming_Normal')).toEqual({ name: 'kaiming-normal' });
    expect(() => parseInitializer('normal:')).toThrow(RangeError);
    expect(() => parseInitializer('normal:1:2')).toThrow(RangeError);
    expect(() => parseInitializer(3 as unknown as string)).toThrow(TypeError);
    expect(gainOf('tanh')).toBe(5 / 3);
    expect(gainOf('selu')).toBe(3 / 4);
    expect(() => gainOf('mish' as 'relu')).toThrow(/nninit\.gainOf: activation must be one of/);
  });
});

describe('matmul', () => {
  it('matches a naive product, with and without a transposed A, for odd sizes', () => {
    const m = 7, k = 13, n = 5;
    const a = nninit.fillNormal(new Float32Array(m * k), { seed: 1 });
    const b = nninit.fillNormal(new Float32Array(k * n), { seed: 2 });
    const c = matmul(a, b, new Float32Array(m * n).fill(NaN), m, k, n);
    const at = transpose(a, m, k);
    const c2 = matmul(at, b, new Float32Array(m * n), m, k, n, true);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
        expect(c[i * n + j]).toBeCloseTo(s, 4);
        expect(c2[i * n + j]).toBeCloseTo(s, 4);
      }
    }
    expect(() => matmul(a, b, new Float32Array(1), m, k, n)).toThrow(RangeError);
  });
});

describe('renderers', () => {
  const a = inspect({ layers: [32, 32, 32, 32, 4], activation: 'tanh', init: 'xavier-normal', batch: 16 });
  const z = inspect({ layers: [32, 32, 32, 32, 4], activation: 'tanh', init: 'zeros', batch: 16 });
  const v = inspect({ layers: [32, 32, 32, 32, 4], activation: 'tanh', init: 'normal:0.001', batch: 16 });

  it('renders a table with one row per layer and the verdict', () => {
    const t = renderTable(a);
    expect(t).toMatch(/^layer\s+in->out\s+mean\s+std\s+rms\s+saturated\s+grad std\s+distinct$/m);
    expect(t.match(/^\s+\d+\s+\d+->\d+/gm)).toHaveLength(4);
    expect(t).toMatch(/verdict: HEALTHY: /);
    const side = renderTable([a, z, v]);
    expect(side).toMatch(/std o xavier-normal\s+std x zeros\s+std \+ normal:0\.001/);
    expect(side).toMatch(/^x zeros\s+SYMMETRIC/m);
    expect(side).toMatch(/^\+ normal:0\.001\s+VANISHING/m);
  });

  it('renders a terminal chart: one marker per layer per series, zeros on their own row', () => {
    const c = renderChart([a, z, v]);
    const plot = c.split('\n').filter((l) => / \|/.test(l)).map((l) => l.slice(l.indexOf('|') + 1));
    const count = (ch: string) => plot.join('').split(ch).length - 1;
    expect(count('o')).toBe(4);
    expect(count('x')).toBe(4);
    expect(count('+')).toBe(4);
    expect(c.split('\n').find((l) => l.trimStart().startsWith('0 |'))).toMatch(/^ {5}0 \| x {3}x {3}x {3}x$/);
    expect(c).toMatch(/o xavier-normal \(healthy\)\s+x zeros \(symmetric\)\s+\+ normal:0\.001 \(vanishing\)/);
    expect(renderChart(a, { metric: 'gradStd' })).toMatch(/^gradient std/);
  });

  it('renders a well-formed SVG with one point per layer per series', () => {
    const svg = renderSvg([a, z, v], { title: 'a <b> & "c"' });
    const { root, elements } = checkWellFormedXml(svg);
    expect(root).toBe('svg');
    expect(svg.match(/<circle class="point"/g)).toHaveLength(12);
    expect(elements.get('polyline')).toBe(3);
    expect(svg).toMatch(/>layer</);
    expect(svg).toMatch(/activation std \(log scale\)/);
    expect(svg).toMatch(/class="legend"/);
    expect(svg).toMatch(/a &lt;b&gt; &amp; &quot;c&quot;/);
    expect(svg.match(/data-clamped="true"/g)).toHaveLength(4); // the zeros series
    expect(() => checkWellFormedXml('<svg><g></svg>')).toThrow();
  });

  it('rejects bad arguments', () => {
    expect(() => renderTable([])).toThrow(RangeError);
    expect(() => renderChart(null as unknown as InspectReport)).toThrow(/nninit\.renderChart: reports\[0\] must be a report/);
    expect(() => renderChart(a, { metric: 'mean' as 'std' })).toThrow(/options\.metric/);
    expect(() => renderSvg(a, { width: 10 })).toThrow(/options\.width/);
    expect(() => renderChart(a, { height: 1.5 })).toThrow(RangeError);
  });
});

describe('public surface', () => {
  it('exports the diagnostics from the package index', () => {
    for (const name of ['inspect', 'recommend', 'renderTable', 'renderChart', 'renderSvg', 'THRESHOLDS', 'matmul', 'parseInitializer', 'resolveInitializer']) {
      expect(typeof (nninit as Record<string, unknown>)[name], name).not.toBe('undefined');
    }
  });
});
