/**
 * The nninit/tfjs initializers: {@link NninitInitializer} (a TF.js initializer that runs an
 * nninit scheme, serializable), its factories with TF.js's spellings, a seeded
 * {@link generator}, and {@link schemeFor}, the nninit scheme of a TF.js initializer. The
 * schemes and TF.js names come from the initializer registry.
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';
import { typeError, rangeError } from '../errors.js';
import { oneOf, readOptions, rejectUnknown, withOptions, type Options } from '../validate.js';
import { compactSeed, jsonSeed, resolveSeed, seedValue, seedWords, type Seed } from '../seed.js';
import { combine, runJob, type Job } from '../job.js';
import type { Convention } from '../tensor.js';
import { entryNamed, INITIALIZERS, type InitializerEntry, type SchemeName, type TfjsName } from '../initializers/registry.js';
import { checkInitOptions } from '../initializers/engine.js';
import { checkConstantOptions } from '../initializers/basic.js';
import { tf, TfInitializerBase, type TfInitializer } from './loader.js';

type ConfigDict = TfCore.serialization.ConfigDict;
type Tensor = TfCore.Tensor;
type Opts = Record<string, unknown>;

// ---------------------------------------------------------------------------------------
// Schemes

/** The nninit schemes an {@link NninitInitializer} can run. */
export type Scheme = SchemeName;

/** Every scheme name, in the order error messages list them. */
export const SCHEMES: readonly Scheme[] = INITIALIZERS.filter((e) => e.scheme).map((e) => e.name as Scheme);

/** Options an nninit call takes that TF.js decides here: the tensor's dtype, and which part of it. */
const FORBIDDEN = ['out', 'offset', 'length', 'dtype'] as const;

/**
 * The options a scheme takes here: its nninit options (those of the output target
 * included, to refuse them by name), and seed, stream and convention for every scheme;
 * dirac also takes `layout` (which its TF.js kernels need), constant its `value`.
 */
function schemeKnown(e: InitializerEntry): string[] {
  const extra = e.name === 'dirac' ? ['layout'] : e.name === 'constant' ? ['value'] : [];
  return [...new Set([...e.known, ...extra, 'seed', 'stream', 'convention'])];
}

/**
 * The options of a scheme's nninit call: those it knows (seed and stream only for random
 * schemes), under the keras convention unless `convention` or `layout` is given.
 */
function schemeCall(e: InitializerEntry, o: Options, seed: unknown, stream: unknown): Options {
  const call = Object.create(null) as Options;
  for (const k of e.known) if (o[k] !== undefined && k !== 'seed' && k !== 'stream') call[k] = o[k];
  if (o.convention === undefined && o.layout === undefined && e.known.includes('convention')) call.convention = 'keras';
  if (e.seeded) { call.seed = seed; call.stream = stream; }
  return call;
}

/** The job of a scheme for a shape: the nninit call (see {@link schemeCall}); messages name `fn`. */
function schemeJob(fn: string, scheme: Scheme, shape: readonly number[], options: Options, seed: unknown, stream: unknown, length?: number): Job<Float32Array> {
  const e = entryNamed(scheme);
  const o = withOptions(options, {}); // own properties only (callers may pass plain objects)
  const call = schemeCall(e, o, seed, stream);
  if (length !== undefined) call.length = length;
  if (scheme === 'constant') return basicConstant(fn, shape, o.value, call);
  if (scheme === 'dirac' && (o.layout ?? o.convention ?? 'keras') === 'keras' && shape.length >= 3 && shape.length <= 5) {
    return diracKeras(fn, shape, call);
  }
  return (e.job as (fn: string, s: readonly number[], o: Options) => Job<Float32Array>)(fn, shape, call);
}

/**
 * Checks a scheme's options without a shape: every check that needs none (option names,
 * types and ranges, and parameters that come from the options alone against float32),
 * so an initializer refuses a bad option where it is written. The rest (fans, axes against
 * the rank, a divisor of a dimension) waits for apply(shape).
 */
export function checkSchemeOptions(fn: string, scheme: Scheme, options: Options): void {
  const e = entryNamed(scheme);
  const o = withOptions(options, {});
  const call = schemeCall(e, o, 0, 0);
  if (scheme === 'constant') checkConstantOptions(fn, o.value, call);
  else checkInitOptions(fn, e.def!, call);
}

function basicConstant(fn: string, shape: readonly number[], value: unknown, call: Options): Job<Float32Array> {
  return (entryNamed('constant').job as (fn: string, s: readonly number[], v: unknown, o: Options) => Job<Float32Array>)(fn, shape, value, call);
}

function diracKeras(fn: string, shape: readonly number[], call: Options): Job<Float32Array> {
  // nninit's dirac is defined on torch's [out, in, ...k]; TF.js kernels are [...k, in, out].
  const r = shape.length;
  const groups = call.groups ?? 1;
  if (typeof groups === 'number' && Number.isSafeInteger(groups) && groups >= 1 && shape[r - 1]! % groups !== 0) {
    throw rangeError(fn, 'options.groups', `a divisor of the kernel's output channels (shape[${r - 1}] = ${shape[r - 1]}, keras layout)`, groups);
  }
  const k = shape.slice(0, r - 2);
  const torch = (entryNamed('dirac').job as (fn: string, s: number[], o: Options) => Job<Float32Array>)(fn, [shape[r - 1]!, shape[r - 2]!, ...k], call);
  const t = torch.result as Float32Array;
  const out = new Float32Array(t.length);
  const inC = shape[r - 2]!, outC = shape[r - 1]!;
  let rf = 1;
  for (const d of k) rf *= d;
  return combine(out, [torch, {
    result: out,
    steps: [{
      post: () => {
        for (let oc = 0; oc < outC; oc++) {
          for (let ic = 0; ic < inC; ic++) {
            const src = (oc * inC + ic) * rf;
            for (let p = 0; p < rf; p++) out[(p * inC + ic) * outC + oc] = t[src + p]!;
          }
        }
      },
    }],
  }]);
}

/**
 * Validates a scheme's options on a shape without writing or taking a stream (a job of
 * zero elements of that tensor): every check, those of the shape included.
 */
export function checkScheme(fn: string, scheme: Scheme, shape: readonly number[], o: Options): void {
  schemeJob(fn, scheme, shape, o, 0, 0, 0);
}

/** Runs a scheme (see {@link schemeJob}). */
export function runScheme(fn: string, scheme: Scheme, shape: readonly number[], o: Options, seed: unknown, stream: unknown): Float32Array {
  return runJob(schemeJob(fn, scheme, shape, o, seed, stream));
}

function schemeOf(fn: string, what: string, v: unknown): Scheme {
  if (v === undefined) throw typeError(fn, what, `one of ${SCHEMES.map((s) => JSON.stringify(s)).join(', ')}`, v);
  return oneOf(fn, what, v, SCHEMES, 'zeros');
}

/**
 * nninit's values for a scheme, shape, seed and stream, exactly as an
 * {@link NninitInitializer} with those settings produces them (keras convention unless
 * `options.convention` or `options.layout` say otherwise). No TF.js involved.
 */
export function schemeValues(scheme: Scheme, shape: readonly number[], options: Opts & { seed: Seed; stream?: Seed }): Float32Array {
  const fn = 'tfjs.schemeValues';
  const s = schemeOf(fn, 'scheme', scheme);
  const o = readOptions(fn, options, schemeKnown(entryNamed(s)));
  return runScheme(fn, s, shape, o, o.seed, o.stream);
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
  convention?: Convention;
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
export class NninitInitializer extends TfInitializerBase {
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
    const fn = factoryName ?? 'tfjs.NninitInitializer';
    factoryName = undefined;
    const a = readOptions(fn, args, null, 'args');
    const scheme = schemeOf(fn, 'args.scheme', a.scheme);
    rejectUnknown(fn, a, ['scheme', ...schemeKnown(entryNamed(scheme))], 'args');
    for (const k of FORBIDDEN) {
      if (a[k] !== undefined) throw typeError(fn, `args.${k}`, 'undefined (TF.js chooses the tensor)', a[k]);
    }
    // null: TF.js writes undefined config fields as null.
    const seedIn = a.seed === null ? undefined : decodeSeed(a.seed);
    const streamIn = a.stream === null ? undefined : decodeSeed(a.stream);
    if (seedIn !== undefined) seedWords(fn, 'args.seed', seedIn);
    if (streamIn !== undefined) seedWords(fn, 'args.stream', streamIn);
    const options = Object.create(null) as Opts;
    for (const [k, v] of Object.entries(a)) {
      if (k === 'scheme' || k === 'seed' || k === 'stream' || v === undefined || v === null) continue;
      options[k] = Array.isArray(v) ? v.map(decodeNumber) : decodeNumber(v);
    }
    // Validate what needs no shape now, so a bad option fails where the initializer is
    // written; what depends on the shape (fans, axes, divisors) is checked by apply(shape).
    checkSchemeOptions(fn, scheme, options);
    const key = resolveSeed(fn, seedIn, streamIn);
    this.scheme = scheme;
    this.seed = key.seed;
    this.stream = key.stream;
    this.options = Object.freeze(options);
  }

  /** nninit's values for `shape` (float32, row-major), without TF.js. */
  values(shape: readonly number[]): Float32Array {
    return runScheme(`tfjs.NninitInitializer(${this.scheme}).values`, this.scheme, shape, this.options, this.seed, this.stream);
  }

  /** The TF.js tensor for `shape`. Only float32 is supported (nninit's errors pass through, naming this method and the scheme). */
  apply(shape: TfLayers.Shape, dtype?: TfCore.DataType): Tensor {
    if (dtype !== undefined && dtype !== 'float32') {
      throw typeError(`tfjs.NninitInitializer(${this.scheme}).apply`, 'dtype', '"float32" or undefined', dtype);
    }
    const dims = shape as number[];
    const values = runScheme(`tfjs.NninitInitializer(${this.scheme}).apply`, this.scheme, dims, this.options, this.seed, this.stream);
    return tf.core.tensor(values, dims, 'float32');
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

/**
 * TF.js's argument names, per TF.js initializer, and nninit's names for them (for the
 * factories with TF.js's spellings, and for {@link schemeFor}'s reading of TF.js configs).
 */
const TFJS_ARGS: Readonly<Partial<Record<TfjsName, Readonly<Record<string, string>>>>> = {
  constant: { value: 'value' },
  randomUniform: { minval: 'low', maxval: 'high' },
  randomNormal: { mean: 'mean', stddev: 'std' },
  truncatedNormal: { mean: 'mean', stddev: 'std' },
  identity: { gain: 'gain' },
  orthogonal: { gain: 'gain' },
  varianceScaling: { scale: 'scale', mode: 'mode', distribution: 'distribution' },
};

/**
 * The factory being called, while it constructs its initializer: the constructor's
 * messages name it (`tfjs.initializers.randomNormal`), not the class.
 */
let factoryName: string | undefined;

/** A factory's initializer: args already read into a snapshot we own; messages name `fn`. */
function construct(fn: string, args: Opts): NninitInitializer {
  factoryName = fn;
  try {
    return new NninitInitializer(args as NninitInitializerArgs);
  } finally {
    factoryName = undefined;
  }
}

/** Options of a factory: the scheme's nninit options plus seed and stream. */
export type FactoryArgs = Omit<NninitInitializerArgs, 'scheme'>;
/** A factory of one scheme. */
export type Factory = (args?: FactoryArgs) => NninitInitializer;

/** The names of {@link initializers}: every scheme, and TF.js's names for those TF.js has. */
export type InitializerName = Scheme | TfjsName;

/** A factory's arguments as the scheme's: read once, TF.js's argument names renamed to nninit's. */
function factoryArgs(fn: string, e: InitializerEntry, args: unknown, renames: Readonly<Record<string, string>>): Opts {
  const renamed = Object.entries(renames).filter(([from, to]) => from !== to);
  const o = readOptions(fn, args, [...schemeKnown(e), ...renamed.map(([from]) => from)], 'args');
  for (const [from, to] of renamed) {
    if (o[from] !== undefined) {
      if (o[to] !== undefined) throw typeError(fn, `args.${from}`, `undefined when args.${to} is given`, o[from]);
      o[to] = o[from];
    }
    delete o[from];
  }
  return o;
}

function factories(): Record<InitializerName, (fn: string, args: unknown) => Opts & { scheme: Scheme }> {
  const r = Object.create(null) as Record<string, (fn: string, args: unknown) => Opts & { scheme: Scheme }>;
  for (const e of INITIALIZERS) {
    if (!e.scheme) continue;
    const scheme = e.name as Scheme;
    // The scheme's own name, with TF.js's argument names when TF.js has the same name.
    const own = e.tfjs === e.name ? TFJS_ARGS[e.tfjs as TfjsName] ?? {} : {};
    r[scheme] = (fn, args) => withOptions(factoryArgs(fn, e, args, own), { scheme }) as Opts & { scheme: Scheme };
    if (e.tfjs !== null && e.tfjs !== e.name) {
      const tfArgs = TFJS_ARGS[e.tfjs as TfjsName] ?? {};
      r[e.tfjs] = (fn, args) => withOptions(factoryArgs(fn, e, args, tfArgs), { scheme }) as Opts & { scheme: Scheme };
    }
  }
  return r as Record<InitializerName, (fn: string, args: unknown) => Opts & { scheme: Scheme }>;
}

const FACTORY_ARGS = factories();

/**
 * One factory per nninit scheme, plus TF.js's spellings, so `tf.initializers.X(args)`
 * becomes `initializers.X(args)`: `leCunUniform`, `leCunNormal`, `identity` (eye),
 * `randomUniform` (`minval`/`maxval` → `low`/`high`), `randomNormal` and `truncatedNormal`
 * (`stddev` → `std`). Defaults follow the keras convention, as TF.js's.
 */
export const initializers: { readonly [K in InitializerName]: Factory } = Object.freeze(Object.fromEntries(
  Object.entries(FACTORY_ARGS).map(([name, read]) => {
    const fn = `tfjs.initializers.${name}`;
    return [name, (args?: FactoryArgs) => construct(fn, read(fn, args))];
  }),
) as { readonly [K in InitializerName]: Factory });

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
  const s = seedValue(fn, 'seed', seed);
  let next = seedValue(fn, 'firstStream', firstStream);
  const g: Record<string, unknown> = {};
  for (const [name, read] of Object.entries(FACTORY_ARGS)) {
    g[name] = (args?: unknown) => {
      const f = `${fn}.${name}`;
      const o = read(f, args);
      if (o.seed !== undefined) throw typeError(f, 'args.seed', 'undefined (the generator supplies it)', o.seed);
      if (o.stream !== undefined) throw typeError(f, 'args.stream', 'undefined (the generator supplies it)', o.stream);
      if (next >= 1n << 64n) throw rangeError(f, 'the generator', 'not exhausted (streams below 2^64)', next);
      const init = construct(f, withOptions(o, { seed: compactSeed(s), stream: compactSeed(next) }));
      next += 1n;
      return init;
    };
  }
  Object.defineProperty(g, 'seed', { value: s, enumerable: true });
  Object.defineProperty(g, 'nextStream', { get: () => next, enumerable: true });
  // JSON has no bigint: the same form as a Generator's (numbers when safe, else decimal strings).
  Object.defineProperty(g, 'toJSON', { value: () => ({ seed: jsonSeed(s), nextStream: jsonSeed(next) }) });
  return g as SeededInitializers;
}

// ---------------------------------------------------------------------------------------
// Mapping TF.js initializers to nninit schemes

/** A scheme and its options, the nninit equivalent of a TF.js initializer. */
export interface SchemeSpec {
  scheme: Scheme;
  options: Opts;
}

/** The scheme of each TF.js initializer class (`GlorotUniform`, `RandomUniform`, `Identity`, ...). */
const BY_CLASS = new Map<string, { scheme: Scheme; args: Readonly<Record<string, string>> }>(
  INITIALIZERS.filter((e) => e.tfjs !== null && e.scheme).map((e) => {
    const t = e.tfjs as TfjsName;
    return [t[0]!.toUpperCase() + t.slice(1), { scheme: e.name as Scheme, args: TFJS_ARGS[t] ?? {} }];
  }),
);

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
  const known = name === undefined ? undefined : BY_CLASS.get(name);
  if (known === undefined) return undefined;
  const c = init.getConfig() as Record<string, unknown>;
  const options: Opts = {};
  // Numbers, and the strings of VarianceScaling's mode and distribution; TF.js writes null for unset fields.
  for (const [from, to] of Object.entries(known.args)) {
    const v = c[from];
    if (typeof v === 'number' || typeof v === 'string') options[to] = v;
  }
  return { scheme: known.scheme, options };
}
