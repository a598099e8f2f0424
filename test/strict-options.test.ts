/**
 * Every public function reads its options strictly (lib/validate.ts readOptions): an
 * unknown option is a TypeError naming it (with a hint), only own properties count (a
 * polluted Object.prototype changes nothing), each option is read once, and Map, Date and
 * String objects are not options objects. Both projects run this file (native and js).
 */
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import * as nn from '../lib/index.js';
import * as tfjs from '../lib/tfjs/index.js';
import { INITIALIZERS } from '../lib/initializers/registry.js';

type Call = (options: Record<string, unknown> | undefined) => unknown;

/** `merge({ ...base }, o)`, but keeping o's getters as getters (a spread would call them here). */
function merge(base: Record<string, unknown>, o: Record<string, unknown> | undefined): never {
  return Object.defineProperties({ ...base }, Object.getOwnPropertyDescriptors(o ?? {})) as never;
}

/** Valid arguments for every registry initializer, with the options last. */
function argsOf(name: string): { before: unknown[]; base: Record<string, unknown> } {
  switch (name) {
    case 'constant': return { before: [[3, 4], 0.5], base: { dtype: 'float64' } };
    case 'eye': return { before: [[4, 4]], base: { gain: 2 } };
    case 'dirac': return { before: [[4, 4, 3]], base: { groups: 2 } };
    case 'zeros': case 'ones': return { before: [[3, 4]], base: { dtype: 'float64' } };
    case 'sparse': return { before: [[6, 4]], base: { sparsity: 0.5, seed: 1 } };
    case 'torchDefaultBias': return { before: [[4]], base: { fanIn: 9, seed: 1 } };
    case 'torchLinear': return { before: [3, 2], base: { seed: 1 } };
    case 'torchConv': return { before: [2, 4, 3], base: { seed: 1, groups: 2 } };
    default: return { before: [[6, 4]], base: { seed: 1 } };
  }
}

/** Every public function that takes options: its name in messages and a call with valid options merged in. */
const CALLS: [string, string, Call][] = [
  ['randomBits', 'randomBits', (o) => nn.randomBits(new Uint32Array(5), merge({ seed: 1 }, o))],
  ['fillUniform', 'fillUniform', (o) => nn.fillUniform(new Float32Array(5), merge({ seed: 1 }, o))],
  ['fillNormal', 'fillNormal', (o) => nn.fillNormal(new Float64Array(5), merge({ seed: 1 }, o))],
  ['fillTruncatedNormal', 'fillTruncatedNormal', (o) => nn.fillTruncatedNormal(new Float32Array(5), merge({ seed: 1 }, o))],
  ...INITIALIZERS.map((e): [string, string, Call] => {
    const { before, base } = argsOf(e.name);
    const f = (nn as unknown as Record<string, (...a: unknown[]) => unknown>)[e.name]!;
    return [e.name, e.name, (o) => f(...before, merge({ ...base }, o))];
  }),
  ...INITIALIZERS.map((e): [string, string, Call] => {
    const { before, base } = argsOf(e.name);
    const { seed: _s, ...rest } = base;
    return [`Generator.${e.name}`, `Generator.${e.name}`, (o) => {
      const g = new nn.Generator(5) as unknown as Record<string, (...a: unknown[]) => unknown>;
      return g[e.name]!(...before, merge({ ...rest }, o));
    }];
  }),
  ['initSlice', 'initSlice', (o) => nn.initSlice(nn.kaimingNormal, [6, 4], merge({ start: 1, end: 3, seed: 1 }, o))],
  ['initShard', 'initShard', (o) => nn.initShard(nn.xavierUniform, [6, 4], merge({ rank: 1, worldSize: 2, axis: 1, seed: 1 }, o))],
  ['sliceRange', 'sliceRange', (o) => nn.sliceRange([6, 4], merge({ start: 1, end: 3 }, o))],
  ['shardRange', 'shardRange', (o) => nn.shardRange([6, 4], merge({ rank: 1, worldSize: 2 }, o))],
  ['computeFans', 'computeFans', (o) => nn.computeFans([6, 4, 3], merge({ layout: 'keras' }, o))],
  ['inspect', 'inspect', (o) => nn.inspect(merge({ layers: [8, 8, 4], batch: 4 }, o)).layers.map((l) => l.std)],
  ['checkInspectOptions', 'inspect', (o) => nn.checkInspectOptions(merge({ layers: [8, 8, 4] }, o))],
  ['recommend', 'recommend', (o) => { const r = nn.recommend(merge({ activation: 'relu', depth: 3 }, o)); return [r.initializer, r.gain, r.reason]; }],
  ['renderChart', 'renderChart', (o) => nn.renderChart(report(), merge({ height: 6 }, o))],
  ['renderSvg', 'renderSvg', (o) => nn.renderSvg(report(), merge({ width: 300 }, o))],
  ['tfjs.NninitInitializer', 'tfjs.NninitInitializer', (o) => new tfjs.NninitInitializer(merge({ scheme: 'heNormal', seed: 1 }, o)).values([4, 4])],
  ['tfjs.initializers.randomNormal', 'tfjs.initializers.randomNormal', (o) => tfjs.initializers.randomNormal(merge({ stddev: 2, seed: 1 }, o)).values([3, 3])],
  ['tfjs.initializers.glorotUniform', 'tfjs.initializers.glorotUniform', (o) => tfjs.initializers.glorotUniform(merge({ seed: 1 }, o)).values([3, 3])],
  ['tfjs.generator', 'tfjs.generator.orthogonal', (o) => tfjs.generator(3).orthogonal(merge({ gain: 2 }, o)).values([3, 3])],
  ['tfjs.schemeValues', 'tfjs.schemeValues', (o) => tfjs.schemeValues('uniform', [3, 3], merge({ seed: 1, low: -2 }, o))],
  ['tfjs.reinitialize', 'tfjs.reinitialize', (o) => tfjs.reinitialize(model(), merge({ seed: 4 }, o)).map((w) => [w.scheme, w.stream])],
  ['encodeNpy', 'encodeNpy', (o) => nn.encodeNpy(merge({ data: Float32Array.of(1, 2, 3, 4), shape: [2, 2] }, o))],
  ['tfjs.inspectModel', 'tfjs.inspectModel', (o) => {
    const r = tfjs.inspectModel(checkedModel(), BATCH, merge({ seed: 1 }, o));
    return [r.config, r.layers.map((l) => [l.std, l.gradStd, l.weights.map((w) => w.std)]), r.verdict];
  }],
  ['tfjs.lsuv', 'tfjs.lsuv', (o) => tfjs.lsuv(lsuvModel(), BATCH, merge({ seed: 1 }, o)).layers.map((l) => [l.stream, l.iterations, l.variance, l.scale])],
  ['tfjs.monitor', 'tfjs.monitor', (o) => tfjs.monitor(merge({ batches: 5 }, o)).history],
  ['tfjs.suggestFix', 'tfjs.suggestFix', (o) => tfjs.suggestFix('vanishing', 'tanh', merge({ depth: 3, residual: true }, o))],
  ['recipe', 'recipe', (o) => nn.recipe('gpt2', TINY_GPT2, merge({ residualScaling: 'gpt2' }, o))],
  ['recipeRules', 'recipeRules', (o) => nn.recipeRules('gpt2', TINY_GPT2, merge({ residualScaling: 'gpt2' }, o))],
  ['planFromShapes', 'planFromShapes', (o) => nn.planFromShapes({ 'fc.weight': [4, 3], 'fc.bias': [4] }, RULES, merge({ dtype: 'float64' }, o))],
  ['materialize', 'materialize', (o) => [...nn.materialize(tinyPlan(), merge({ seed: 1 }, o))]],
  ['writeSafetensors', 'writeSafetensors', (o) => fileOf(nn.writeSafetensors(join(scratch(), 'm.safetensors'), tinyPlan(), merge({ seed: 1, overwrite: true }, o)))],
  ['writeNpyFolder', 'writeNpyFolder', (o) => nn.writeNpyFolder(join(scratch(), 'npy'), tinyPlan(), merge({ seed: 1, overwrite: true }, o))],
  ['audit', 'audit', (o) => { const r = nn.audit(tensors(), tinyPlan(), merge({ sample: 100 }, o)); return [r.ok, r.checked, r.tolerance]; }],
];

/** The name of the options argument in messages, where it is not `options`. */
const WHAT: Record<string, string> = {
  'tfjs.NninitInitializer': 'args', 'tfjs.initializers.randomNormal': 'args', 'tfjs.initializers.glorotUniform': 'args', 'tfjs.generator': 'args',
  encodeNpy: 'array', 'tfjs.suggestFix': 'model',
};

/** The polluted values for the calls that run a TF.js model: their own option names only. */
const RUNS_A_MODEL: Record<string, Record<string, unknown>> = {
  'tfjs.inspectModel': { labels: 'nope', seed: 'x', training: 'nope', label: 5, zzBogus: 1 },
  'tfjs.lsuv': { tol: -1, maxIter: 0, seed: 'x', orthonormal: 'nope', training: 'nope', zzBogus: 1 },
};

/** A batch of 4 examples for the model checks. */
const BATCH = { data: Float32Array.from({ length: 16 }, (_, i) => Math.sin(i + 1)), shape: [4, 4] };

/** The models' calls: a two-layer GPT-2, 8 wide, and a custom plan by rules. */
const TINY_GPT2 = { nLayer: 2, nHead: 2, nEmbd: 8, vocabSize: 11, nPositions: 5 };
const RULES: nn.Rule[] = [
  { pattern: '*.weight', role: 'dense', init: { scheme: 'kaimingNormal', nonlinearity: 'relu' } },
  { pattern: '*.bias', role: 'bias', init: 'zeros' },
];
let cachedPlan: nn.ModelPlan | undefined;
function tinyPlan(): nn.ModelPlan {
  cachedPlan ??= nn.recipe('gpt2', TINY_GPT2);
  return cachedPlan;
}
let cachedTensors: nn.Tensors | undefined;
function tensors(): nn.Tensors {
  cachedTensors ??= nn.materialize(tinyPlan(), { seed: 3 });
  return cachedTensors;
}
let dir: string | undefined;
function scratch(): string {
  dir ??= mkdtempSync(join(tmpdir(), 'nninit-strict-'));
  return dir;
}
afterAll(() => { if (dir !== undefined) rmSync(dir, { recursive: true, force: true }); });
/** A write's result and the file's bytes. */
function fileOf(r: nn.WriteResult): unknown {
  return [r, readFileSync(r.path)];
}

let cachedReport: nn.InspectReport | undefined;
function report(): nn.InspectReport {
  cachedReport ??= nn.inspect({ layers: [8, 8, 4], batch: 4 });
  return cachedReport;
}

let cachedModel: tfl.Sequential | undefined;
function model(): tfl.Sequential {
  cachedModel ??= tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [4] })] });
  return cachedModel;
}

/** Two seeded Dense layers: inspectModel only reads it; lsuv gets its own (it rewrites the kernels). */
function mlp(): tfl.Sequential {
  const g = tfjs.generator(9);
  return tfl.sequential({ layers: [
    tfl.layers.dense({ units: 5, inputShape: [4], activation: 'tanh', kernelInitializer: g.glorotNormal() }),
    tfl.layers.dense({ units: 3, kernelInitializer: g.glorotNormal() }),
  ] });
}
let cachedChecked: tfl.Sequential | undefined;
let cachedLsuv: tfl.Sequential | undefined;
function checkedModel(): tfl.Sequential {
  cachedChecked ??= mlp();
  return cachedChecked;
}
function lsuvModel(): tfl.Sequential {
  cachedLsuv ??= mlp();
  return cachedLsuv;
}

beforeAll(async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  await tfc.setBackend('cpu');
  model();
  checkedModel();
  lsuvModel();
  warn.mockRestore();
  log.mockRestore();
});

/** Bytes or JSON of a result, to compare two calls. */
function fingerprint(r: unknown): string {
  return JSON.stringify(r, (_k, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (ArrayBuffer.isView(v)) return `${v.constructor.name}:${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
    return v;
  });
}

describe(`strict options (${nn.backendInfo().name})`, () => {
  for (const [label, fn, call] of CALLS) {
    test(`${label}: an unknown option is a TypeError naming it`, () => {
      const what = WHAT[label] ?? 'options';
      let err: unknown;
      try { call({ zzBogus: 1 }); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(TypeError);
      expect((err as Error).message).toMatch(`nninit.${fn}: unknown option ${what}.zzBogus`);
    });
    test(`${label}: each option is read once`, () => {
      const key = GETTER_KEYS[label] ?? 'seed';
      const value = GETTER_VALUES[key] ?? 1;
      const plain = fingerprint(call({ [key]: value }));
      let reads = 0;
      const o: Record<string, unknown> = {};
      Object.defineProperty(o, key, { enumerable: true, get() { reads++; return value; } });
      expect(fingerprint(call(o))).toBe(plain);
      expect(reads).toBe(1);
    });
  }

  for (const [label, , call] of CALLS) {
    test(`${label}: a polluted Object.prototype changes nothing`, () => {
      const plain = fingerprint(call(undefined));
      const victim = new Float32Array(24);
      const proto = Object.prototype as Record<string, unknown>;
      const pollution: Record<string, unknown> = {
        out: victim, dtype: 'float64', offset: 3, length: 2, seed: 'x', stream: -1, std: -1, mean: NaN, low: 5, high: 4,
        a: 9, b: -9, mode: 'nope', gain: -1, layout: 'nope', convention: 'nope', sparsity: 2, fanIn: -1, activation: 'nope',
        depth: -1, layers: 'nope', batch: -1, scheme: 'nope', zzBogus: 1, truncation: -1, groups: 0, axis: 9, start: 9, end: 0,
        ...RUNS_A_MODEL[label],
      };
      // TF.js itself reads polluted names (a layer's input spec `dtype`, and every name
      // through its for-in loops), so a call that runs a model gets only its own option names,
      // non-enumerable: still seen by any `options.seed` read, invisible to TF.js's for-in.
      const runsModel = RUNS_A_MODEL[label] !== undefined;
      if (runsModel) for (const k of Object.keys(pollution)) if (!(k in RUNS_A_MODEL[label]!)) delete pollution[k];
      let polluted: string;
      try {
        for (const [k, v] of Object.entries(pollution)) {
          if (runsModel) Object.defineProperty(proto, k, { value: v, enumerable: false, writable: true, configurable: true });
          else proto[k] = v;
        }
        polluted = fingerprint(call(undefined));
      } finally {
        for (const k of Object.keys(pollution)) delete proto[k];
      }
      expect(polluted).toBe(plain);
      expect(victim.every((v) => v === 0)).toBe(true);
    });
  }

  test('Map, Date and String objects are not options objects', () => {
    for (const [label, f] of Object.entries(WHOLE)) {
      for (const bad of [new Map([['seed', 1]]), new Date(0), new String('seed')]) {
        expect(() => f(bad), label).toThrow(TypeError);
        expect(() => f(bad), label).toThrow(/must be an options object or undefined/);
      }
    }
  });
});

/** One call per kind of options reader, with `options` as the whole options argument. */
const WHOLE: Record<string, (options: unknown) => unknown> = {
  randomBits: (o) => nn.randomBits(new Uint32Array(5), o as never),
  fillNormal: (o) => nn.fillNormal(new Float32Array(5), o as never),
  kaimingNormal: (o) => nn.kaimingNormal([4, 4], o as never),
  zeros: (o) => nn.zeros([4], o as never),
  torchLinear: (o) => nn.torchLinear(3, 2, o as never),
  'Generator.normal': (o) => new nn.Generator(1).normal([4], o as never),
  initSlice: (o) => nn.initSlice(nn.kaimingNormal, [4, 4], o as never),
  computeFans: (o) => nn.computeFans([4, 4], o as never),
  inspect: (o) => nn.inspect(o as never),
  recommend: (o) => nn.recommend(o as never),
  renderChart: (o) => nn.renderChart(report(), o as never),
  'tfjs.NninitInitializer': (o) => new tfjs.NninitInitializer(o as never),
  'tfjs.initializers.randomNormal': (o) => tfjs.initializers.randomNormal(o as never),
  'tfjs.reinitialize': (o) => tfjs.reinitialize(model(), o as never),
  recipe: (o) => nn.recipe('gpt2', TINY_GPT2, o as never),
  materialize: (o) => nn.materialize(tinyPlan(), o as never),
  writeSafetensors: (o) => nn.writeSafetensors(join(scratch(), 'w.safetensors'), tinyPlan(), o as never),
  audit: (o) => nn.audit(tensors(), tinyPlan(), o as never),
  'tfjs.inspectModel': (o) => tfjs.inspectModel(checkedModel(), BATCH, o as never),
  'tfjs.lsuv': (o) => tfjs.lsuv(lsuvModel(), BATCH, o as never),
  'tfjs.monitor': (o) => tfjs.monitor(o as never),
  'tfjs.suggestFix': (o) => tfjs.suggestFix('dead', 'relu', o as never),
};

const GETTER_KEYS: Record<string, string> = {
  ...Object.fromEntries(INITIALIZERS.map((e) => [`Generator.${e.name}`, 'dtype'])),
  zeros: 'dtype', ones: 'dtype', constant: 'dtype', eye: 'gain', dirac: 'groups',
  sliceRange: 'start', shardRange: 'rank', computeFans: 'layout', inspect: 'batch', checkInspectOptions: 'batch',
  recommend: 'depth', renderChart: 'height', renderSvg: 'width', 'tfjs.generator': 'gain',
  encodeNpy: 'shape', 'tfjs.monitor': 'batches', 'tfjs.suggestFix': 'depth',
  recipe: 'dtype', recipeRules: 'dtype', planFromShapes: 'dtype', audit: 'sigmas',
};
const GETTER_VALUES: Record<string, unknown> = {
  dtype: 'float32', gain: 2, groups: 2, start: 1, rank: 1, layout: 'keras', batch: 4, depth: 3, height: 6, width: 300,
  shape: [2, 2], batches: 5, sigmas: 4,
};

describe('the examples of the issue', () => {
  afterEach(() => { delete (Object.prototype as Record<string, unknown>).out; });
  test('normal({ stddev }) and kaimingNormal({ sed })', () => {
    expect(() => nn.normal([1e5], { stddev: 5 } as never)).toThrow("nninit.normal: unknown option options.stddev; nninit calls it 'std'");
    expect(() => nn.kaimingNormal([4, 4], { sed: 1 } as never)).toThrow("nninit.kaimingNormal: unknown option options.sed; did you mean 'seed'?");
  });
  test('uniform({ minval, maxval }) and PyTorch\'s uniform({ a, b })', () => {
    expect(() => nn.uniform([4], { minval: -1, maxval: 1 } as never)).toThrow("nninit.uniform: unknown option options.minval; nninit calls it 'low'");
    expect(() => nn.uniform([4], { a: -1, b: 1 } as never)).toThrow("nninit.uniform: unknown option options.a; nninit calls it 'low'");
  });
  test('inspect({ activaton }) and recommend({ dept })', () => {
    expect(() => nn.inspect({ layers: [4, 4], activaton: 'tanh' } as never)).toThrow("nninit.inspect: unknown option options.activaton; did you mean 'activation'?");
    expect(() => nn.recommend({ activation: 'relu', dept: 50 } as never)).toThrow("nninit.recommend: unknown option options.dept; did you mean 'depth'?");
  });
  test('the TF.js adapter: randomNormal({ stdev })', () => {
    expect(() => tfjs.initializers.randomNormal({ stdev: 0.5 })).toThrow("nninit.tfjs.initializers.randomNormal: unknown option args.stdev; nninit calls it 'std'");
  });
  test('a getter option is called even with Object.prototype.value set (descriptors are read own-only)', () => {
    const proto = Object.prototype as Record<string, unknown>;
    const o: Record<string, unknown> = {};
    Object.defineProperty(o, 'std', { enumerable: true, get: () => 0.5 });
    const options = merge({ seed: 1, dtype: 'float64' }, o); // before the pollution, which defineProperty would see too
    proto.value = 1e6;
    let w: unknown;
    try { w = nn.normal([64], options); } finally { delete proto.value; }
    expect(fingerprint(w)).toBe(fingerprint(nn.normal([64], { std: 0.5, seed: 1, dtype: 'float64' })));
  });
  test('Object.prototype.out = victim does not make kaimingNormal([4, 4]) write into victim', () => {
    const victim = new Float32Array(16);
    (Object.prototype as Record<string, unknown>).out = victim;
    const w = nn.kaimingNormal([4, 4]);
    expect(w).not.toBe(victim);
    expect(victim.every((v) => v === 0)).toBe(true);
    expect(w.some((v) => v !== 0)).toBe(true);
  });
});
