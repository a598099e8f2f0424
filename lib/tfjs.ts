/**
 * `nninit/tfjs`: nninit initializers inside TensorFlow.js layers models.
 *
 * TF.js is an optional peer dependency: only this subpath loads it (`@tensorflow/tfjs-layers`
 * and the `@tensorflow/tfjs-core` that copy of tfjs-layers uses, else the `@tensorflow/tfjs`
 * bundle), so `nninit` itself never needs it. Values are computed by nninit on the CPU and
 * uploaded with `tf.tensor`, so they are the same bits on every TF.js backend (cpu, wasm,
 * tfjs-node, webgl), equal to nninit's own call for the same shape, seed and stream.
 *
 * It also checks a real model's initialization on a real batch: {@link inspectModel}
 * (per-layer activations, gradients and weights, with `inspect`'s verdicts), {@link lsuv}
 * (layer-sequential unit-variance init) and {@link monitor} (a `model.fit` callback).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-node';
 * import { initializers, reinitialize } from 'nninit/tfjs';
 *
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 256, inputShape: [784], kernelInitializer: initializers.glorotUniform({ seed: 42, stream: 0 }) }),
 * ] });
 * reinitialize(model, { seed: 7 });   // every weight from one seed, one stream each
 * ```
 *
 * @packageDocumentation
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';
import * as nn from './index.js';
import { typeError, rangeError } from './errors.js';
import { checkOptions, oneOf, u64 } from './validate.js';
import { resolveSeed } from './initializers/common.js';
import type { Seed } from './seed.js';

// ---------------------------------------------------------------------------------------
// Loading TF.js

/** The TF.js modules this subpath uses: tfjs-core (tensors, serialization) and tfjs-layers. */
export interface TfModules {
  readonly core: typeof TfCore;
  readonly layers: typeof TfLayers;
}

function loadTf(): TfModules {
  const req = createRequire(__filename);
  let firstError: unknown;
  try {
    const layersPath = req.resolve('@tensorflow/tfjs-layers');
    // The tfjs-core that this tfjs-layers itself uses: two copies would mean two
    // serialization registries and two engines.
    const corePath = req.resolve('@tensorflow/tfjs-core', { paths: [dirname(layersPath)] });
    return { core: req(corePath) as typeof TfCore, layers: req(layersPath) as typeof TfLayers };
  } catch (err) {
    firstError = err;
  }
  try {
    const tf = req('@tensorflow/tfjs') as typeof TfCore & typeof TfLayers;
    return { core: tf, layers: tf };
  } catch {
    const why = firstError instanceof Error ? firstError.message.split('\n')[0] : String(firstError);
    throw new Error(
      `nninit/tfjs: TensorFlow.js is not installed: install @tensorflow/tfjs-layers and @tensorflow/tfjs-core ` +
        `(or @tensorflow/tfjs, or @tensorflow/tfjs-node) next to nninit (${why})`,
      { cause: firstError },
    );
  }
}

const tf = loadTf();

/** The TF.js modules nninit/tfjs loaded (the same instances your code gets from `require`). */
export function tfModules(): TfModules {
  return tf;
}

/** A TF.js initializer (the instance type of `tf.initializers.*`). */
export type TfInitializer = ReturnType<typeof TfLayers.initializers.constant>;
type ConfigDict = TfCore.serialization.ConfigDict;
type Tensor = TfCore.Tensor;
type LayersModel = TfLayers.LayersModel;

// tfjs-layers does not export its Initializer base class, and getInitializer() accepts an
// object only if it is an `instanceof` that class, so reach it through a built-in one.
const InitializerBase = Object.getPrototypeOf(tf.layers.initializers.zeros().constructor) as abstract new () => TfInitializer;

/** tfjs-layers' `Initializer` base class (which tfjs-layers does not export), for `instanceof` checks and custom initializers. */
export const TfInitializerBase = InitializerBase;

// ---------------------------------------------------------------------------------------
// Schemes

/** The nninit schemes an {@link NninitInitializer} can run. */
export type Scheme =
  | 'zeros' | 'ones' | 'constant' | 'uniform' | 'normal' | 'truncatedNormal'
  | 'xavierUniform' | 'glorotUniform' | 'xavierNormal' | 'glorotNormal'
  | 'kaimingUniform' | 'heUniform' | 'kaimingNormal' | 'heNormal'
  | 'lecunUniform' | 'lecunNormal' | 'varianceScaling' | 'orthogonal' | 'eye' | 'dirac' | 'sparse';

/** Every scheme name, in the order error messages list them. */
export const SCHEMES: readonly Scheme[] = [
  'zeros', 'ones', 'constant', 'uniform', 'normal', 'truncatedNormal',
  'xavierUniform', 'glorotUniform', 'xavierNormal', 'glorotNormal',
  'kaimingUniform', 'heUniform', 'kaimingNormal', 'heNormal',
  'lecunUniform', 'lecunNormal', 'varianceScaling', 'orthogonal', 'eye', 'dirac', 'sparse',
];

/** Options an nninit call can take here: everything but the output-target options, which TF.js owns. */
const FORBIDDEN = ['out', 'offset', 'length', 'dtype'] as const;

type Opts = Record<string, unknown>;

function diracKeras(shape: readonly number[], o: Opts): Float32Array {
  // nninit's dirac is defined on torch's [out, in, ...k]; TF.js kernels are [...k, in, out].
  const r = shape.length;
  const k = shape.slice(0, r - 2);
  const torchShape = [shape[r - 1]!, shape[r - 2]!, ...k];
  const t = nn.dirac(torchShape, o) as Float32Array;
  const out = new Float32Array(t.length);
  const inC = shape[r - 2]!, outC = shape[r - 1]!;
  let rf = 1;
  for (const d of k) rf *= d;
  for (let oc = 0; oc < outC; oc++) {
    for (let ic = 0; ic < inC; ic++) {
      const src = (oc * inC + ic) * rf;
      for (let p = 0; p < rf; p++) out[(p * inC + ic) * outC + oc] = t[src + p]!;
    }
  }
  return out;
}

function layoutOf(o: Opts): string {
  return (o.layout ?? o.convention ?? 'keras') as string;
}

/** Runs nninit's scheme: `o` already holds seed, stream and the keras default convention. */
function run(scheme: Scheme, shape: readonly number[], o: Opts): Float32Array {
  switch (scheme) {
    case 'zeros': return nn.zeros(shape, o);
    case 'ones': return nn.ones(shape, o);
    case 'constant': {
      const { value, ...rest } = o;
      return nn.constant(shape, value as number, rest);
    }
    case 'uniform': return nn.uniform(shape, o);
    case 'normal': return nn.normal(shape, o);
    case 'truncatedNormal': return nn.truncatedNormal(shape, o);
    case 'xavierUniform': return nn.xavierUniform(shape, o);
    case 'glorotUniform': return nn.glorotUniform(shape, o);
    case 'xavierNormal': return nn.xavierNormal(shape, o);
    case 'glorotNormal': return nn.glorotNormal(shape, o);
    case 'kaimingUniform': return nn.kaimingUniform(shape, o);
    case 'heUniform': return nn.heUniform(shape, o);
    case 'kaimingNormal': return nn.kaimingNormal(shape, o);
    case 'heNormal': return nn.heNormal(shape, o);
    case 'lecunUniform': return nn.lecunUniform(shape, o);
    case 'lecunNormal': return nn.lecunNormal(shape, o);
    case 'varianceScaling': return nn.varianceScaling(shape, o);
    case 'orthogonal': return nn.orthogonal(shape, o);
    case 'eye': return nn.eye(shape, o);
    case 'dirac': return layoutOf(o) === 'keras' && shape.length >= 3 && shape.length <= 5 ? diracKeras(shape, o) : nn.dirac(shape, o);
    case 'sparse': return nn.sparse(shape, o as unknown as nn.SparseOptions);
  }
}

/**
 * nninit's values for a scheme, shape, seed and stream, exactly as an
 * {@link NninitInitializer} with those settings produces them (keras convention unless
 * `options.convention` or `options.layout` say otherwise). No TF.js involved.
 */
export function schemeValues(scheme: Scheme, shape: readonly number[], options: Opts & { seed: Seed; stream?: Seed }): Float32Array {
  const fn = 'tfjs.schemeValues';
  const s = oneOf(fn, 'scheme', scheme, SCHEMES, 'zeros');
  const o = checkOptions(fn, options);
  return run(s, shape, withDefaults(o));
}

function withDefaults(o: Opts): Opts {
  const r: Opts = { ...o };
  if (r.convention === undefined && r.layout === undefined) r.convention = 'keras';
  return r;
}

// Seeds and streams are stored as numbers when safe, else as decimal strings (JSON has no
// bigint). Non-finite numbers become strings too ('Infinity' → 'infinity' after TF.js's
// snake_case pass), since JSON.stringify turns them into null.
function encode(v: unknown): unknown {
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  if (Array.isArray(v)) return v.map(encode);
  return v;
}

function decodeNumber(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const l = v.toLowerCase();
  if (l === 'infinity' || l === '+infinity') return Infinity;
  if (l === '-infinity') return -Infinity;
  if (l === 'nan') return NaN;
  return v;
}

function decodeSeed(v: unknown): unknown {
  if (typeof v === 'string' && /^[0-9]+$/.test(v)) {
    const b = BigInt(v);
    return b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
  }
  return v;
}

function big(fn: string, name: string, v: unknown): bigint {
  const [lo, hi] = u64(fn, name, v);
  return BigInt(lo) + (BigInt(hi) << 32n);
}

function small(v: number | bigint): number | bigint {
  return typeof v === 'bigint' && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

// ---------------------------------------------------------------------------------------
// The initializer class

/**
 * Arguments of {@link NninitInitializer}: the scheme, its seed and stream, and the
 * options of the nninit function of that name (`gain`, `mode`, `nonlinearity`, `scale`,
 * `distribution`, `truncation`, `low`/`high`, `mean`/`std`, `value` for `constant`,
 * `groups`, `sparsity`, `convention`, `layout`, `fanIn`, ...). `dtype`, `out`, `offset` and
 * `length` are not accepted: TF.js decides the tensor.
 */
export interface NninitInitializerArgs {
  /** The nninit scheme (see {@link SCHEMES}). */
  scheme: Scheme;
  /**
   * Integer in [0, 2^64) (number, bigint or decimal string). Omitted: the process-wide
   * generator's seed (`manualSeed`, `NNINIT_SEED`), read when the instance is constructed.
   */
  seed?: Seed | string;
  /**
   * Integer in [0, 2^64). Omitted: 0 when `seed` is given; otherwise the process-wide
   * generator's next stream, taken when the instance is constructed.
   */
  stream?: Seed | string;
  /** Framework conventions (layout, truncation, defaults). Default `'keras'` (TF.js's layout [...kernel, in, out]). */
  convention?: nn.Convention;
  /** Any other option of the scheme's nninit function. */
  [option: string]: unknown;
}

/**
 * A TF.js initializer (`kernelInitializer`, `biasInitializer`, `recurrentInitializer`, ...)
 * that runs an nninit scheme. Each instance has one (seed, stream), fixed when it is
 * constructed and recorded in its config, so `apply(shape)` equals
 * `nninit[scheme](shape, { convention: 'keras', ...options, seed, stream })` every time
 * (as TF.js's own seeded initializers, applying one instance to two weights of the same
 * shape gives them equal values: give each weight its own stream, e.g. with
 * {@link generator}). Registered with `tf.serialization.registerClass` as
 * `NninitInitializer`, so `model.toJSON()` and `tf.models.modelFromJSON` round-trip it.
 */
export class NninitInitializer extends InitializerBase {
  /** The serialization name. */
  static className = 'NninitInitializer';

  /** The scheme. */
  readonly scheme: Scheme;
  /** The seed (a number when it is a safe integer, else a bigint). */
  readonly seed: number | bigint;
  /** The stream. */
  readonly stream: number | bigint;
  /** The scheme's options (frozen; without seed, stream and scheme). */
  readonly options: Readonly<Opts>;

  constructor(args: NninitInitializerArgs) {
    super();
    const fn = 'tfjs.NninitInitializer';
    const a = checkOptions(fn, args);
    const scheme = oneOf(fn, 'args.scheme', a.scheme, SCHEMES, 'zeros');
    if (a.scheme === undefined) throw typeError(fn, 'args.scheme', `one of ${SCHEMES.map((s) => JSON.stringify(s)).join(', ')}`, a.scheme);
    for (const k of FORBIDDEN) {
      if (a[k] !== undefined) throw typeError(fn, `args.${k}`, 'undefined (TF.js chooses the tensor)', a[k]);
    }
    // null: TF.js writes undefined config fields as null.
    const seedIn = a.seed === null ? undefined : decodeSeed(a.seed);
    const streamIn = a.stream === null ? undefined : decodeSeed(a.stream);
    if (seedIn !== undefined) u64(fn, 'args.seed', seedIn);
    if (streamIn !== undefined) u64(fn, 'args.stream', streamIn);
    const options: Opts = {};
    for (const [k, v] of Object.entries(a)) {
      if (k === 'scheme' || k === 'seed' || k === 'stream' || v === undefined || v === null) continue;
      options[k] = Array.isArray(v) ? v.map(decodeNumber) : decodeNumber(v);
    }
    // Validate the options now, on a probe shape, so a bad option fails where the
    // initializer is written rather than when a layer is built. A zero-length slice
    // writes nothing and takes no global stream.
    const probe = scheme === 'dirac' ? [1, 1, 1] : [2, 2];
    run(scheme, probe, { ...withDefaults(options), seed: 0, stream: 0, length: 0 });
    const key = seedIn === undefined
      ? resolveSeed(fn, streamIn === undefined ? {} : { stream: streamIn })
      : { seed: seedIn as number | bigint, stream: (streamIn ?? 0) as number | bigint };
    this.scheme = scheme;
    this.seed = small(key.seed);
    this.stream = small(key.stream);
    this.options = Object.freeze(options);
  }

  /** nninit's values for `shape` (float32, row-major), without TF.js. */
  values(shape: readonly number[]): Float32Array {
    return run(this.scheme, shape, { ...withDefaults(this.options), seed: this.seed, stream: this.stream });
  }

  /** The TF.js tensor for `shape`. Only float32 is supported (nninit's errors pass through unchanged). */
  apply(shape: TfLayers.Shape, dtype?: TfCore.DataType): Tensor {
    if (dtype !== undefined && dtype !== 'float32') {
      throw typeError(`tfjs.NninitInitializer(${this.scheme}).apply`, 'dtype', '"float32" or undefined', dtype);
    }
    const dims = shape as number[];
    return tf.core.tensor(this.values(dims), dims, 'float32');
  }

  /** The config: `{ scheme, seed, stream, ...options }` (seed/stream as strings beyond 2^53). */
  override getConfig(): ConfigDict {
    const c: Record<string, unknown> = { scheme: this.scheme, seed: encode(this.seed), stream: encode(this.stream) };
    for (const [k, v] of Object.entries(this.options)) c[k] = encode(v);
    return c as ConfigDict;
  }

  /** Rebuilds an instance from {@link getConfig}'s output (ignores TF.js's `customObjects`). */
  static fromConfig<T>(cls: new (args: NninitInitializerArgs) => T, config: ConfigDict): T {
    const { customObjects: _ignored, ...rest } = config as Record<string, unknown>;
    return new cls(rest as unknown as NninitInitializerArgs);
  }
}
tf.core.serialization.registerClass(NninitInitializer as unknown as TfCore.serialization.SerializableConstructor<TfCore.serialization.Serializable>);

// ---------------------------------------------------------------------------------------
// Factories

/** Options of a factory: the scheme's nninit options plus seed and stream. */
export type FactoryArgs = Omit<NninitInitializerArgs, 'scheme'>;
/** A factory of one scheme. */
export type Factory = (args?: FactoryArgs) => NninitInitializer;

function factory(scheme: Scheme): Factory {
  return (args?: FactoryArgs) => new NninitInitializer({ ...checkOptions(`tfjs.initializers.${scheme}`, args), scheme });
}

// TF.js's argument names for the schemes nninit names differently.
function tfjsArgs(scheme: Scheme, rename: Record<string, string>): Factory {
  return (args?: FactoryArgs) => {
    const o = { ...checkOptions(`tfjs.initializers.${scheme}`, args) };
    for (const [from, to] of Object.entries(rename)) {
      if (o[from] !== undefined) {
        if (o[to] !== undefined) throw typeError(`tfjs.initializers.${scheme}`, `args.${from}`, `undefined when args.${to} is given`, o[from]);
        o[to] = o[from];
      }
      delete o[from];
    }
    return new NninitInitializer({ ...o, scheme });
  };
}

/**
 * One factory per nninit scheme, plus TF.js's spellings, so `tf.initializers.X(args)`
 * becomes `initializers.X(args)`: `leCunUniform`, `leCunNormal`, `identity` (eye),
 * `randomUniform` (`minval`/`maxval` → `low`/`high`), `randomNormal` and `truncatedNormal`
 * (`stddev` → `std`). Defaults follow the keras convention, as TF.js's.
 */
export const initializers = {
  zeros: factory('zeros'),
  ones: factory('ones'),
  constant: factory('constant'),
  uniform: factory('uniform'),
  normal: factory('normal'),
  truncatedNormal: tfjsArgs('truncatedNormal', { stddev: 'std' }),
  xavierUniform: factory('xavierUniform'),
  glorotUniform: factory('glorotUniform'),
  xavierNormal: factory('xavierNormal'),
  glorotNormal: factory('glorotNormal'),
  kaimingUniform: factory('kaimingUniform'),
  heUniform: factory('heUniform'),
  kaimingNormal: factory('kaimingNormal'),
  heNormal: factory('heNormal'),
  lecunUniform: factory('lecunUniform'),
  lecunNormal: factory('lecunNormal'),
  varianceScaling: factory('varianceScaling'),
  orthogonal: factory('orthogonal'),
  eye: factory('eye'),
  dirac: factory('dirac'),
  sparse: factory('sparse'),
  // TF.js spellings.
  leCunUniform: factory('lecunUniform'),
  leCunNormal: factory('lecunNormal'),
  identity: factory('eye'),
  randomUniform: tfjsArgs('uniform', { minval: 'low', maxval: 'high' }),
  randomNormal: tfjsArgs('normal', { stddev: 'std' }),
} as const;

/** The names of {@link initializers}. */
export type InitializerName = keyof typeof initializers;

/** A seeded factory: every call takes the next stream of one seed. */
export type SeededInitializers = { readonly [K in InitializerName]: (args?: Omit<FactoryArgs, 'seed' | 'stream'>) => NninitInitializer } & {
  /** The seed. */
  readonly seed: bigint;
  /** The stream the next call takes. */
  readonly nextStream: bigint;
};

/**
 * One seed for a model built layer by layer: call n of any factory takes stream
 * `firstStream + n` (like nninit's `Generator`), and each instance records its stream, so
 * the model's JSON rebuilds it exactly.
 *
 * @example
 * ```ts
 * const init = generator(42);
 * tf.layers.dense({ units: 64, kernelInitializer: init.heNormal(), biasInitializer: init.zeros() });
 * ```
 */
export function generator(seed: Seed, firstStream: Seed = 0): SeededInitializers {
  const fn = 'tfjs.generator';
  const s = big(fn, 'seed', seed);
  let next = big(fn, 'firstStream', firstStream);
  const g: Record<string, unknown> = {};
  for (const [name, make] of Object.entries(initializers) as [InitializerName, Factory][]) {
    g[name] = (args?: FactoryArgs) => {
      const o = checkOptions(`${fn}.${name}`, args);
      if (o.seed !== undefined) throw typeError(`${fn}.${name}`, 'args.seed', 'undefined (the generator supplies it)', o.seed);
      if (o.stream !== undefined) throw typeError(`${fn}.${name}`, 'args.stream', 'undefined (the generator supplies it)', o.stream);
      if (next >= 1n << 64n) throw rangeError(`${fn}.${name}`, 'the generator', 'not exhausted (streams below 2^64)', next);
      const init = make({ ...o, seed: small(s), stream: small(next) });
      next += 1n;
      return init;
    };
  }
  Object.defineProperty(g, 'seed', { value: s, enumerable: true });
  Object.defineProperty(g, 'nextStream', { get: () => next, enumerable: true });
  return g as SeededInitializers;
}

// ---------------------------------------------------------------------------------------
// Mapping TF.js initializers to nninit schemes

/** A scheme and its options, the nninit equivalent of a TF.js initializer. */
export interface SchemeSpec {
  scheme: Scheme;
  options: Opts;
}

function num(c: ConfigDict, k: string): number | undefined {
  const v = (c as Record<string, unknown>)[k];
  return typeof v === 'number' ? v : undefined;
}

function strip(o: Opts): Opts {
  const r: Opts = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) r[k] = v;
  return r;
}

/**
 * The nninit scheme for a TF.js initializer (by its class: `GlorotUniform` → `glorotUniform`,
 * `HeNormal` → `heNormal`, `Orthogonal` → `orthogonal`, `RandomUniform` → `uniform`, ...,
 * with its parameters), or undefined for a class nninit does not know. nninit's keras
 * convention applies: normal-family schemes are truncated at 2 std with the variance
 * corrected (TF.js forgets the correction).
 */
export function schemeFor(init: TfInitializer): SchemeSpec | undefined {
  if (init instanceof NninitInitializer) return { scheme: init.scheme, options: { ...init.options } };
  const name = (init.constructor as { className?: string }).className;
  const c = init.getConfig();
  switch (name) {
    case 'Zeros': return { scheme: 'zeros', options: {} };
    case 'Ones': return { scheme: 'ones', options: {} };
    case 'Constant': return { scheme: 'constant', options: { value: num(c, 'value') } };
    case 'RandomUniform': return { scheme: 'uniform', options: strip({ low: num(c, 'minval'), high: num(c, 'maxval') }) };
    case 'RandomNormal': return { scheme: 'normal', options: strip({ mean: num(c, 'mean'), std: num(c, 'stddev') }) };
    case 'TruncatedNormal': return { scheme: 'truncatedNormal', options: strip({ mean: num(c, 'mean'), std: num(c, 'stddev') }) };
    case 'Identity': return { scheme: 'eye', options: strip({ gain: num(c, 'gain') }) };
    case 'GlorotUniform': return { scheme: 'glorotUniform', options: {} };
    case 'GlorotNormal': return { scheme: 'glorotNormal', options: {} };
    case 'HeUniform': return { scheme: 'heUniform', options: {} };
    case 'HeNormal': return { scheme: 'heNormal', options: {} };
    case 'LeCunUniform': return { scheme: 'lecunUniform', options: {} };
    case 'LeCunNormal': return { scheme: 'lecunNormal', options: {} };
    case 'Orthogonal': return { scheme: 'orthogonal', options: strip({ gain: num(c, 'gain') }) };
    case 'VarianceScaling': {
      const r = c as Record<string, unknown>;
      return { scheme: 'varianceScaling', options: strip({ scale: num(c, 'scale'), mode: r.mode ?? undefined, distribution: r.distribution ?? undefined }) };
    }
    default: return undefined;
  }
}

// ---------------------------------------------------------------------------------------
// reinitialize

/** Options of {@link reinitialize}. */
export interface ReinitializeOptions {
  /** Integer in [0, 2^64). Omitted: each weight takes the process-wide generator's next stream. */
  seed?: Seed;
  /** The stream of weight 0 (weight i takes `firstStream + i`). Default 0. Needs `seed`. */
  firstStream?: Seed;
  /**
   * A weight whose initializer nninit cannot map (a custom class): `'error'` (default,
   * TypeError naming the weight) or `'skip'` (left as is; its stream is still counted, so
   * the other weights keep theirs).
   */
  unknown?: 'error' | 'skip';
  /** Framework conventions for every scheme. Default `'keras'`. */
  convention?: nn.Convention;
}

/** What {@link reinitialize} did to one weight. */
export interface ReinitializedWeight {
  /** Position in `model.weights`. */
  index: number;
  /** The variable's name (`dense_Dense1/kernel`). */
  name: string;
  /** The owning layer's name. */
  layer: string;
  /** The attribute of the layer (or its RNN cell) holding it: `kernel`, `recurrentKernel`, `bias`, `gamma`, ... */
  role: string;
  shape: number[];
  /** The TF.js initializer class configured for it (`GlorotUniform`, `NninitInitializer`, ...), or null if none was found. */
  source: string | null;
  /** The nninit scheme used, or null when skipped. */
  scheme: Scheme | null;
  options: Opts;
  seed: number | bigint;
  stream: number | bigint;
  /** LSTM `unitForgetBias`: the forget-gate quarter of the bias was set to 1. */
  unitForgetBias: boolean;
}

/** @internal The object holding a weight, and the layer it belongs to. */
export interface Owner { layer: string; obj: Record<string, unknown> }

function isLayerLike(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { getConfig?: unknown }).getConfig === 'function'
    && Array.isArray((v as { trainableWeights?: unknown }).trainableWeights);
}

/**
 * @internal Where each weight lives: the object (layer, RNN cell, wrapped layer, ...) holding
 * it as an own property, and that property's name, which names its initializer.
 */
export function locate(model: LayersModel, weights: Set<unknown>): Map<unknown, { owner: Owner; role: string }> {
  const found = new Map<unknown, { owner: Owner; role: string }>();
  const seen = new Set<unknown>();
  const visit = (obj: Record<string, unknown>, layerName: string, depth: number): void => {
    if (seen.has(obj) || depth > 6) return;
    seen.add(obj);
    const owner = { layer: layerName, obj };
    for (const key of Object.keys(obj)) {
      const v = obj[key];
      if (weights.has(v) && !found.has(v)) found.set(v, { owner, role: key });
    }
    for (const key of Object.keys(obj)) {
      const v = obj[key];
      if (key === 'inboundNodes' || key === 'outboundNodes' || key.startsWith('_')) continue;
      if (isLayerLike(v)) visit(v, typeof v.name === 'string' ? v.name : layerName, depth + 1);
      else if (Array.isArray(v)) for (const x of v) if (isLayerLike(x)) visit(x, typeof x.name === 'string' ? x.name : layerName, depth + 1);
    }
  };
  for (const layer of model.layers) visit(layer as unknown as Record<string, unknown>, layer.name, 0);
  return found;
}

/** @internal The initializer configured for a weight of `obj` with that role (`kernel` -> `kernelInitializer`). */
export function initializerOf(obj: Record<string, unknown>, role: string): TfInitializer | undefined {
  const names = [`${role}Initializer`, `${role.replace(/Kernel$/, '')}Initializer`, `${role.replace(/_kernel$/, '')}Initializer`];
  for (const n of names) {
    const v = obj[n];
    if (v instanceof InitializerBase) return v;
  }
  return undefined;
}

/**
 * Re-initializes every weight of a `tf.LayersModel` from one seed: weight i of
 * `model.weights` (its order: every layer's trainable weights in layer order, then the
 * non-trainable ones, e.g. batch-norm moving statistics) takes stream `firstStream + i`.
 * Each weight gets the nninit scheme of its layer's configured initializer
 * ({@link schemeFor}: `kernelInitializer`, `recurrentInitializer`, `biasInitializer`,
 * `gammaInitializer`, `movingVarianceInitializer`, ...), so a default Dense gets
 * glorotUniform kernels and zero biases, an LSTM an orthogonal recurrent kernel, and an
 * LSTM with `unitForgetBias` its bias scheme with the forget-gate quarter set to 1.
 * Values are set with `model.setWeights`; returns what each weight got.
 */
export function reinitialize(model: LayersModel, options?: ReinitializeOptions): ReinitializedWeight[] {
  const fn = 'tfjs.reinitialize';
  if (typeof model !== 'object' || model === null || !Array.isArray((model as { layers?: unknown }).layers) || typeof (model as { setWeights?: unknown }).setWeights !== 'function') {
    throw typeError(fn, 'model', 'a tf.LayersModel', model);
  }
  const o = checkOptions(fn, options);
  if (o.seed !== undefined) u64(fn, 'options.seed', o.seed);
  if (o.firstStream !== undefined) {
    if (o.seed === undefined) throw typeError(fn, 'options.firstStream', 'undefined when options.seed is not given', o.firstStream);
    u64(fn, 'options.firstStream', o.firstStream);
  }
  const unknown = oneOf(fn, 'options.unknown', o.unknown, ['error', 'skip'] as const, 'error');
  const convention = o.convention === undefined ? 'keras' : oneOf(fn, 'options.convention', o.convention, ['torch', 'keras', 'paddle'] as const, 'keras');
  const weights = model.weights;
  const where = locate(model, new Set<unknown>(weights));

  // Plan and validate everything first, so a failure leaves the model untouched and takes no global stream.
  const plans = weights.map((w, index) => {
    const loc = where.get(w);
    const role = loc?.role ?? w.name.split('/').pop() ?? w.name;
    const init = loc === undefined ? undefined : initializerOf(loc.owner.obj, role);
    const spec = init === undefined ? undefined : schemeFor(init);
    const source = init === undefined ? null : (init.constructor as { className?: string }).className ?? init.getClassName();
    if (spec === undefined && unknown === 'error') {
      throw typeError(fn, `the initializer of weight ${index} (${w.name})`,
        'one nninit can map (a built-in TF.js initializer or an NninitInitializer; pass options.unknown: "skip" to leave it)',
        source === null ? undefined : `${source}`);
    }
    const ufb = spec !== undefined && role === 'bias' && loc?.owner.obj.unitForgetBias === true
      && typeof loc.owner.obj.units === 'number' && w.shape[0] === 4 * (loc.owner.obj.units as number);
    const opts: Opts = spec === undefined ? {} : { ...spec.options };
    if (spec !== undefined && opts.convention === undefined && opts.layout === undefined) opts.convention = convention;
    if (spec !== undefined) run(spec.scheme, w.shape as number[], { ...opts, seed: 0, stream: 0, length: 0 });
    return { w, index, role, layer: loc?.owner.layer ?? '', spec, source, opts, ufb };
  });

  const base = o.seed === undefined ? undefined : big(fn, 'options.seed', o.seed);
  const first = o.firstStream === undefined ? 0n : big(fn, 'options.firstStream', o.firstStream);
  if (first + BigInt(weights.length) > 1n << 64n) throw rangeError(fn, 'options.firstStream', `at most 2^64 - ${weights.length} (one stream per weight)`, o.firstStream);
  const summary: ReinitializedWeight[] = [];
  const tensors: Tensor[] = [];
  try {
    for (const p of plans) {
      const key = base === undefined ? resolveSeed(fn, {}) : { seed: base, stream: first + BigInt(p.index) };
      const seed = small(key.seed), stream = small(key.stream);
      if (p.spec === undefined) {
        tensors.push(tf.core.clone(p.w.read()));
      } else {
        const values = run(p.spec.scheme, p.w.shape as number[], { ...p.opts, seed, stream });
        if (p.ufb) {
          const u = values.length / 4;
          values.fill(1, u, 2 * u);
        }
        tensors.push(tf.core.tensor(values, p.w.shape as number[], p.w.dtype));
      }
      summary.push({
        index: p.index, name: p.w.name, layer: p.layer, role: p.role, shape: [...(p.w.shape as number[])],
        source: p.source, scheme: p.spec?.scheme ?? null, options: p.spec === undefined ? {} : p.opts,
        seed, stream, unitForgetBias: p.ufb,
      });
    }
    model.setWeights(tensors);
  } finally {
    for (const t of tensors) t.dispose();
  }
  return summary;
}

// ---------------------------------------------------------------------------------------
// Benchmark helper

/** Options of {@link timeDenseModelBuild}. */
export interface DenseBuildOptions {
  /** `'tfjs'`: TF.js's `'glorotUniform'` string; `'nninit'`: nninit's glorotUniform (one stream per layer). */
  initializer: 'tfjs' | 'nninit';
  /** Number of Dense layers. Default 20. */
  depth?: number;
  /** Units of every layer (and the input width). Default 1024. */
  width?: number;
  /** nninit seed. Default 0. */
  seed?: Seed;
}

/** What {@link timeDenseModelBuild} measured. */
export interface DenseBuildTiming {
  initializer: 'tfjs' | 'nninit';
  depth: number;
  width: number;
  /** Number of parameters built. */
  parameters: number;
  /** Wall time of `tf.sequential` + `model.add` of every layer (weights created and initialized), ms. */
  ms: number;
  /** The TF.js backend that ran (`tf.getBackend()`). */
  backend: string;
  /** nninit's backend and ISA (`native/avx2`, `js/js`). */
  nninit: string;
}

/**
 * Times building a `depth`-layer, `width`-wide Dense model (bias zeros, kernels
 * glorotUniform from TF.js or from nninit), then disposes it. Uses the current TF.js
 * backend; call it a few times and keep the best for a stable number.
 */
export function timeDenseModelBuild(options: DenseBuildOptions): DenseBuildTiming {
  const fn = 'tfjs.timeDenseModelBuild';
  const o = checkOptions(fn, options);
  const which = oneOf(fn, 'options.initializer', o.initializer, ['tfjs', 'nninit'] as const, 'tfjs');
  if (o.initializer === undefined) throw typeError(fn, 'options.initializer', '"tfjs" or "nninit"', o.initializer);
  const depth = (o.depth ?? 20) as number;
  const width = (o.width ?? 1024) as number;
  for (const [k, v] of [['depth', depth], ['width', width]] as const) {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw rangeError(fn, `options.${k}`, 'a positive integer', v);
  }
  const gen = which === 'nninit' ? generator((o.seed ?? 0) as Seed) : undefined;
  const t0 = performance.now();
  const model = tf.layers.sequential();
  for (let i = 0; i < depth; i++) {
    model.add(tf.layers.layers.dense({
      units: width,
      ...(i === 0 ? { inputShape: [width] } : {}),
      kernelInitializer: gen === undefined ? 'glorotUniform' : gen.glorotUniform(),
      biasInitializer: 'zeros',
    }));
  }
  const ms = performance.now() - t0;
  const parameters = model.countParams();
  model.dispose();
  const b = nn.backendInfo();
  return { initializer: which, depth, width, parameters, ms, backend: tf.core.getBackend(), nninit: `${b.name}/${b.isa}` };
}

// ---------------------------------------------------------------------------------------
// Checking a real model's initialization (issue 14): lib/tfjs/*.ts.
export { inspectModel, type InspectModelOptions } from './tfjs/inspect-model.js';
export type { ArrayWithShape, Batch, BatchTensor } from './tfjs/data.js';
export type { ModelReport, ModelLayerReport, ModelWeightReport } from './diagnostics/model-report.js';
export { renderTable, renderChart, renderSvg } from './diagnostics/render.js';
export { parseNpy, readNpy, encodeNpy, writeNpy, type NpyArray, type NpyDtype, type NpyData, type NpyInput } from './npy.js';
export { lsuv, type LsuvOptions, type LsuvReport, type LsuvLayerReport } from './tfjs/lsuv.js';
export {
  monitor, renderMonitorSvg, suggestFix,
  type Monitor, type MonitorOptions, type MonitorWarning, type MonitorHistory, type MonitorStep, type MonitorLayerStep, type MonitorPattern,
} from './tfjs/monitor.js';
export { fileIO } from './tfjs/file-io.js';
