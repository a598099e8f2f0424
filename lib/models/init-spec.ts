/**
 * Serializable initializer specs: `{ scheme, ...options }` where `scheme` names an nninit
 * initializer and the other fields are exactly that initializer's options (`'zeros'` and
 * `'ones'` may be written as bare strings). One table maps each scheme to its function, so a
 * spec read back from JSON runs the same initializer with the same options.
 *
 * `concat` is the one composite: it splits the tensor along an axis into parts, and part k's
 * region takes the values that part k's initializer gives for the *whole* tensor at those
 * positions (same stream, same element indices, fans from the whole shape). A padding row
 * of zeros or Keras' unit forget bias are concats.
 */
import { rangeError, typeError } from '../errors.js';
import { readOptions } from '../validate.js';
import { computeFans } from '../fans.js';
import { calculateGain, type Nonlinearity } from '../gains.js';
import { erf } from '../normal-cdf.js';
import { constant, normal, ones, truncatedNormal, uniform, zeros } from '../initializers/basic.js';
import {
  kaimingNormal, kaimingUniform, lecunNormal, lecunUniform, truncatedNormalStd, varianceScaling, xavierNormal, xavierUniform,
} from '../initializers/variance-scaling.js';
import { orthogonal } from '../initializers/orthogonal.js';
import { torchDefaultBias, torchDefaultWeight } from '../presets.js';
import * as asyncApi from '../async-api.js';
import type { DType, InitArray } from '../initializers/common.js';

/** A tensor's dtype in a plan: a float dtype, or int64 for integer buffers (BatchNorm's num_batches_tracked). */
export type TensorDType = DType | 'int64';

/** A weight layout for fan computation: torch `[out, in, ...k]` or Keras `[...k, in, out]`. */
export type FanLayout = 'torch' | 'keras';

/** A serializable initializer spec. Each object form maps 1:1 onto the nninit function of the same name. */
export type InitSpec =
  | 'zeros'
  | 'ones'
  | { scheme: 'zeros' }
  | { scheme: 'ones' }
  | { scheme: 'constant'; value: number }
  | { scheme: 'uniform'; low: number; high: number }
  | { scheme: 'normal'; std: number; mean?: number }
  | { scheme: 'truncatedNormal'; std: number; a: number; b: number; mean?: number }
  | { scheme: 'xavierUniform'; gain?: number; layout?: FanLayout }
  | { scheme: 'xavierNormal'; gain?: number; layout?: FanLayout; truncation?: number }
  | { scheme: 'kaimingUniform'; mode?: 'fanIn' | 'fanOut'; nonlinearity?: Nonlinearity; a?: number; layout?: FanLayout }
  | { scheme: 'kaimingNormal'; mode?: 'fanIn' | 'fanOut'; nonlinearity?: Nonlinearity; a?: number; layout?: FanLayout; truncation?: number }
  | { scheme: 'lecunUniform'; layout?: FanLayout }
  | { scheme: 'lecunNormal'; layout?: FanLayout; truncation?: number }
  | { scheme: 'varianceScaling'; scale?: number; mode?: 'fanIn' | 'fanOut' | 'fanAvg' | 'fanGeoAvg'; distribution?: 'uniform' | 'truncatedNormal' | 'untruncatedNormal'; layout?: FanLayout; truncation?: number }
  | { scheme: 'orthogonal'; gain?: number; layout?: FanLayout }
  | { scheme: 'torchDefaultWeight' }
  | { scheme: 'torchDefaultBias'; fanIn: number }
  | { scheme: 'concat'; axis: number; parts: readonly { size: number; init: InitSpec }[] };

/** The scheme names. */
export type Scheme = Exclude<InitSpec, string>['scheme'];

/** Where and how much one initializer call writes. */
export interface FillTarget {
  seed: number | bigint;
  stream: number | bigint;
  /** Index of out[0] in the whole tensor. */
  offset: number;
  out: InitArray;
  dtype: DType;
}

type Fields = Record<string, unknown>;
type Run = (shape: number[], f: Fields, t: FillTarget) => InitArray;
type RunAsync = (shape: number[], f: Fields, t: FillTarget) => Promise<InitArray>;

interface SchemeDef {
  readonly params: readonly string[];
  readonly required: readonly string[];
  /** Values depend on the whole tensor at once (orthogonal's QR): computed whole, then sliced. */
  readonly whole: boolean;
  readonly run: Run;
  readonly runAsync: RunAsync;
}

type Fn = (shape: number[], o: Fields) => InitArray;
type FnAsync = (shape: number[], o: Fields) => Promise<InitArray>;

function opts(f: Fields, t: FillTarget, random: boolean): Fields {
  const o: Fields = { ...f, dtype: t.dtype, out: t.out, offset: t.offset };
  if (random) { o.seed = t.seed; o.stream = t.stream; }
  return o;
}

function def(fn: unknown, fnAsync: unknown, params: string[], required: string[], random = true, whole = false): SchemeDef {
  const f = fn as Fn, fa = fnAsync as FnAsync;
  return {
    params, required, whole,
    run: (shape, fields, t) => f(shape, opts(fields, t, random)),
    runAsync: (shape, fields, t) => fa(shape, opts(fields, t, random)),
  };
}

const FAN = ['layout'];

/** The scheme table: options each accepts, and the nninit function it runs. */
const SCHEMES: Readonly<Record<Exclude<Scheme, 'concat'>, SchemeDef>> = {
  zeros: def(zeros, asyncApi.zerosAsync, [], [], false),
  ones: def(ones, asyncApi.onesAsync, [], [], false),
  constant: {
    params: ['value'], required: ['value'], whole: false,
    run: (shape, f, t) => constant(shape, f.value as number, { dtype: t.dtype, out: t.out, offset: t.offset } as never),
    runAsync: (shape, f, t) => asyncApi.constantAsync(shape, f.value as number, { dtype: t.dtype, out: t.out, offset: t.offset } as never),
  },
  uniform: def(uniform, asyncApi.uniformAsync, ['low', 'high'], ['low', 'high']),
  normal: def(normal, asyncApi.normalAsync, ['std', 'mean'], ['std']),
  truncatedNormal: def(truncatedNormal, asyncApi.truncatedNormalAsync, ['std', 'mean', 'a', 'b'], ['std', 'a', 'b']),
  xavierUniform: def(xavierUniform, asyncApi.xavierUniformAsync, ['gain', ...FAN], []),
  xavierNormal: def(xavierNormal, asyncApi.xavierNormalAsync, ['gain', 'truncation', ...FAN], []),
  kaimingUniform: def(kaimingUniform, asyncApi.kaimingUniformAsync, ['mode', 'nonlinearity', 'a', ...FAN], []),
  kaimingNormal: def(kaimingNormal, asyncApi.kaimingNormalAsync, ['mode', 'nonlinearity', 'a', 'truncation', ...FAN], []),
  lecunUniform: def(lecunUniform, asyncApi.lecunUniformAsync, [...FAN], []),
  lecunNormal: def(lecunNormal, asyncApi.lecunNormalAsync, ['truncation', ...FAN], []),
  varianceScaling: def(varianceScaling, asyncApi.varianceScalingAsync, ['scale', 'mode', 'distribution', 'truncation', ...FAN], []),
  orthogonal: def(orthogonal, asyncApi.orthogonalAsync, ['gain', 'layout'], [], true, true),
  torchDefaultWeight: def(torchDefaultWeight, asyncApi.torchDefaultWeightAsync, [], []),
  torchDefaultBias: def(torchDefaultBias, asyncApi.torchDefaultBiasAsync, ['fanIn'], ['fanIn']),
};

/** Every scheme name, in the order error messages list them. */
export const SCHEME_NAMES: readonly Scheme[] = Object.freeze([...Object.keys(SCHEMES) as Exclude<Scheme, 'concat'>[], 'concat']);

const MODES = ['fanIn', 'fanOut'];
const VS_MODES = ['fanIn', 'fanOut', 'fanAvg', 'fanGeoAvg'];
const VS_DISTS = ['uniform', 'truncatedNormal', 'untruncatedNormal'];
const LAYOUTS: readonly FanLayout[] = ['torch', 'keras'];

/** A validated, normalized spec: an object with `scheme` and only the fields given. */
export interface NormalizedInit {
  readonly scheme: Scheme;
  readonly fields: Readonly<Fields>;
  /** For concat: the axis (normalized) and the parts with their coordinate ranges. */
  readonly concat?: { readonly axis: number; readonly parts: readonly { readonly start: number; readonly end: number; readonly init: NormalizedInit }[] };
}

function finiteField(fn: string, what: string, v: unknown): number {
  if (typeof v !== 'number') throw typeError(fn, what, 'a finite number', v);
  if (!Number.isFinite(v)) throw rangeError(fn, what, 'a finite number (JSON has no Infinity or NaN)', v);
  return v;
}

function strField(fn: string, what: string, v: unknown, allowed: readonly string[]): string {
  if (typeof v !== 'string' || !allowed.includes(v)) {
    const msg = `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`;
    throw (typeof v === 'string' ? rangeError : typeError)(fn, what, msg, v);
  }
  return v;
}

/**
 * Validates an init spec for a tensor of `shape` and `dtype` (every field, then a
 * zero-length dry run of the initializer, which checks what it checks) and returns it
 * normalized. Errors name `what` (e.g. `plan.tensors[3].init`).
 */
export function checkInit(fn: string, what: string, spec: unknown, shape: readonly number[], dtype: TensorDType, probed?: Set<string>): NormalizedInit {
  let scheme: unknown;
  let raw: unknown = spec;
  if (typeof spec === 'string') {
    if (spec !== 'zeros' && spec !== 'ones') throw rangeError(fn, what, `"zeros", "ones" or an object { scheme, ... } with scheme one of ${SCHEME_NAMES.join(', ')}`, spec);
    return { scheme: spec, fields: {} };
  }
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw typeError(fn, what, `"zeros", "ones" or an object { scheme, ... } with scheme one of ${SCHEME_NAMES.join(', ')}`, spec);
  }
  const desc = Object.getOwnPropertyDescriptor(spec, 'scheme');
  scheme = desc === undefined ? undefined : 'value' in desc ? desc.value : undefined;
  if (typeof scheme !== 'string' || !(SCHEME_NAMES as readonly string[]).includes(scheme)) {
    throw (typeof scheme === 'string' ? rangeError : typeError)(fn, `${what}.scheme`, `one of ${SCHEME_NAMES.join(', ')}`, scheme);
  }
  if (scheme === 'concat') return checkConcat(fn, what, raw, shape, dtype, probed);
  const d = SCHEMES[scheme as Exclude<Scheme, 'concat'>];
  const o = readOptions(fn, raw, ['scheme', ...d.params], what);
  const fields: Fields = {};
  for (const k of d.params) {
    const v = o[k];
    if (v === undefined) {
      if (d.required.includes(k)) throw typeError(fn, `${what}.${k}`, `given (${scheme} needs ${d.required.join(', ')})`, v);
      continue;
    }
    switch (k) {
      case 'layout': fields[k] = strField(fn, `${what}.${k}`, v, LAYOUTS); break;
      case 'mode': fields[k] = strField(fn, `${what}.${k}`, v, scheme === 'varianceScaling' ? VS_MODES : MODES); break;
      case 'distribution': fields[k] = strField(fn, `${what}.${k}`, v, VS_DISTS); break;
      case 'nonlinearity':
        if (typeof v !== 'string') throw typeError(fn, `${what}.${k}`, 'a nonlinearity name such as "relu"', v);
        fields[k] = v;
        break;
      default: fields[k] = finiteField(fn, `${what}.${k}`, v);
    }
  }
  if (dtype === 'int64') {
    if (scheme !== 'zeros' && scheme !== 'ones' && !(scheme === 'constant' && Number.isSafeInteger(fields.value))) {
      throw rangeError(fn, what, 'zeros, ones or an integer constant for an int64 tensor', spec);
    }
    return { scheme: scheme as Scheme, fields };
  }
  // The initializer's own checks, under its own name, without writing anything (once per
  // combination: the key is built from the validated snapshot, never from the caller's object).
  const key = `${scheme}|${JSON.stringify(fields)}|${shape.join(',')}|${dtype}`;
  if (probed?.has(key)) return { scheme: scheme as Scheme, fields };
  probed?.add(key);
  const probe = dtype === 'float64' ? new Float64Array(0) : dtype === 'float32' ? new Float32Array(0) : new Uint16Array(0);
  try {
    d.run([...shape], fields, { seed: 0, stream: 0, offset: 0, out: probe, dtype });
  } catch (e) {
    if (e instanceof TypeError || e instanceof RangeError) {
      const E = e instanceof TypeError ? TypeError : RangeError;
      throw new E(`nninit.${fn}: ${what} (${JSON.stringify(spec)}) is not valid for shape [${shape.join(', ')}]: ${e.message}`);
    }
    throw e;
  }
  return { scheme: scheme as Scheme, fields };
}

function checkConcat(fn: string, what: string, raw: unknown, shape: readonly number[], dtype: TensorDType, probed?: Set<string>): NormalizedInit {
  const o = readOptions(fn, raw, ['scheme', 'axis', 'parts'], what);
  const ndim = shape.length;
  if (typeof o.axis !== 'number') throw typeError(fn, `${what}.axis`, `an integer in [${-ndim}, ${ndim})`, o.axis);
  if (!Number.isInteger(o.axis) || o.axis < -ndim || o.axis >= ndim) throw rangeError(fn, `${what}.axis`, `an integer in [${-ndim}, ${ndim})`, o.axis);
  const axis = o.axis < 0 ? o.axis + ndim : o.axis;
  if (!Array.isArray(o.parts) || o.parts.length === 0) throw typeError(fn, `${what}.parts`, 'a non-empty array of { size, init }', o.parts);
  const parts: { start: number; end: number; init: NormalizedInit }[] = [];
  const specs: { size: number; init: InitSpec }[] = [];
  let at = 0;
  (o.parts as unknown[]).forEach((p: unknown, i: number) => {
    const w = `${what}.parts[${i}]`;
    const po = readOptions(fn, p, ['size', 'init'], w);
    if (typeof po.size !== 'number') throw typeError(fn, `${w}.size`, 'a positive integer', po.size);
    if (!Number.isSafeInteger(po.size) || po.size < 1) throw rangeError(fn, `${w}.size`, 'a positive integer', po.size);
    const init = checkInit(fn, `${w}.init`, po.init, shape, dtype, probed);
    if (init.scheme === 'concat') throw rangeError(fn, `${w}.init`, 'not a concat (concats do not nest)', po.init);
    parts.push({ start: at, end: at + po.size, init });
    specs.push({ size: po.size, init: specOf(init) });
    at += po.size;
  });
  if (at !== shape[axis]) throw rangeError(fn, `${what}.parts`, `sizes summing to shape[${axis}] = ${shape[axis]}`, at);
  return { scheme: 'concat', fields: { axis, parts: specs }, concat: { axis, parts } };
}

/** The spec a normalized init came from (the validated snapshot, not the caller's object). */
export function specOf(init: NormalizedInit): InitSpec {
  if (init.scheme === 'concat') return { scheme: 'concat', axis: init.concat!.axis, parts: init.fields.parts as { size: number; init: InitSpec }[] };
  return { scheme: init.scheme, ...init.fields } as InitSpec;
}

/** The scheme definition (not for concat). */
export function schemeDef(scheme: Exclude<Scheme, 'concat'>): SchemeDef {
  return SCHEMES[scheme];
}

// ---------------------------------------------------------------------------------------
// The planned distribution of a spec, for plan tables and audits.

/** The distribution a spec draws each element from (for orthogonal: its entries' scale). */
export type Planned =
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'normal'; readonly mean: number; readonly std: number }
  | { readonly kind: 'truncatedNormal'; readonly mean: number; readonly std: number; readonly a: number; readonly b: number }
  | { readonly kind: 'uniform'; readonly low: number; readonly high: number }
  | { readonly kind: 'orthogonal'; readonly gain: number; readonly rows: number; readonly cols: number }
  | { readonly kind: 'concat'; readonly axis: number; readonly parts: readonly { readonly start: number; readonly end: number; readonly planned: Planned }[] };

function fansOf(shape: readonly number[], f: Fields): { fanIn: number; fanOut: number } {
  return computeFans(shape, { layout: (f.layout as FanLayout | undefined) ?? 'torch' });
}

function fromStd(kind: 'uniform' | 'normal', std: number, truncation: number | undefined): Planned {
  if (kind === 'uniform') { const b = Math.sqrt(3.0) * std; return { kind: 'uniform', low: -b, high: b }; }
  if (truncation === undefined) return { kind: 'normal', mean: 0, std };
  const s = std / truncatedNormalStd(truncation);
  return { kind: 'truncatedNormal', mean: 0, std: s, a: -truncation * s, b: truncation * s };
}

/** The distribution a normalized spec draws from, for a tensor of `shape` (same formulas as the initializers). */
export function plannedOf(init: NormalizedInit, shape: readonly number[]): Planned {
  const f = init.fields;
  const num = (k: string, d: number): number => (f[k] as number | undefined) ?? d;
  const trunc = f.truncation as number | undefined;
  switch (init.scheme) {
    case 'zeros': return { kind: 'constant', value: 0 };
    case 'ones': return { kind: 'constant', value: 1 };
    case 'constant': return { kind: 'constant', value: f.value as number };
    case 'uniform': return { kind: 'uniform', low: f.low as number, high: f.high as number };
    case 'normal': return { kind: 'normal', mean: num('mean', 0), std: f.std as number };
    case 'truncatedNormal': return { kind: 'truncatedNormal', mean: num('mean', 0), std: f.std as number, a: f.a as number, b: f.b as number };
    case 'xavierUniform':
    case 'xavierNormal': {
      const { fanIn, fanOut } = fansOf(shape, f);
      const std = num('gain', 1) * Math.sqrt(2.0 / (fanIn + fanOut));
      return fromStd(init.scheme === 'xavierUniform' ? 'uniform' : 'normal', std, trunc);
    }
    case 'kaimingUniform':
    case 'kaimingNormal': {
      const { fanIn, fanOut } = fansOf(shape, f);
      const nl = (f.nonlinearity as Nonlinearity | undefined) ?? 'leaky_relu';
      const gain = calculateGain(nl, nl === 'leaky_relu' || nl === 'leakyRelu' ? num('a', 0) : undefined);
      const std = gain / Math.sqrt(f.mode === 'fanOut' ? fanOut : fanIn);
      return fromStd(init.scheme === 'kaimingUniform' ? 'uniform' : 'normal', std, trunc);
    }
    case 'lecunUniform':
    case 'lecunNormal': {
      const std = 1 / Math.sqrt(fansOf(shape, f).fanIn);
      return fromStd(init.scheme === 'lecunUniform' ? 'uniform' : 'normal', std, trunc);
    }
    case 'varianceScaling': {
      const { fanIn, fanOut } = fansOf(shape, f);
      const mode = (f.mode as string | undefined) ?? 'fanIn';
      const den = mode === 'fanIn' ? fanIn : mode === 'fanOut' ? fanOut : mode === 'fanAvg' ? (fanIn + fanOut) / 2 : Math.sqrt(fanIn * fanOut);
      const variance = num('scale', 1) / den;
      const dist = (f.distribution as string | undefined) ?? 'truncatedNormal';
      if (dist === 'uniform') { const l = Math.sqrt(3 * variance); return { kind: 'uniform', low: -l, high: l }; }
      return fromStd('normal', Math.sqrt(variance), dist === 'truncatedNormal' ? trunc ?? 2 : undefined);
    }
    case 'orthogonal': {
      const keras = f.layout === 'keras';
      const numel = shape.reduce((a, b) => a * b, 1);
      const rows = keras ? numel / shape[shape.length - 1]! : shape[0]!;
      return { kind: 'orthogonal', gain: num('gain', 1), rows, cols: numel / rows };
    }
    case 'torchDefaultWeight': {
      const b = 1 / Math.sqrt(computeFans(shape, { layout: 'torch' }).fanIn);
      return { kind: 'uniform', low: -b, high: b };
    }
    case 'torchDefaultBias': {
      const fi = f.fanIn as number;
      const b = fi > 0 ? 1 / Math.sqrt(fi) : 0;
      return b === 0 ? { kind: 'constant', value: 0 } : { kind: 'uniform', low: -b, high: b };
    }
    case 'concat': {
      const c = init.concat!;
      return { kind: 'concat', axis: c.axis, parts: c.parts.map((p) => ({ start: p.start, end: p.end, planned: plannedOf(p.init, shape) })) };
    }
  }
}

const INV_SQRT_2PI = 0.3989422804014327;
const phi = (x: number): number => (Number.isFinite(x) ? INV_SQRT_2PI * Math.exp(-0.5 * x * x) : 0);
/** The standard normal CDF. */
export function normalCdf(x: number): number {
  if (x === Infinity) return 1;
  if (x === -Infinity) return 0;
  return 0.5 * (1 + erf(x * Math.SQRT1_2));
}

/** Mean and standard deviation of a planned distribution (concat: over the whole tensor, by region sizes). */
export function momentsOf(p: Planned): { mean: number; std: number } {
  switch (p.kind) {
    case 'constant': return { mean: p.value, std: 0 };
    case 'normal': return { mean: p.mean, std: p.std };
    case 'uniform': return { mean: (p.low + p.high) / 2, std: (p.high - p.low) / Math.sqrt(12) };
    case 'truncatedNormal': {
      const al = (p.a - p.mean) / p.std, be = (p.b - p.mean) / p.std;
      const z = normalCdf(be) - normalCdf(al);
      const d = (phi(al) - phi(be)) / z;
      const aTerm = Number.isFinite(al) ? al * phi(al) : 0;
      const bTerm = Number.isFinite(be) ? be * phi(be) : 0;
      const v = 1 + (aTerm - bTerm) / z - d * d;
      return { mean: p.mean + p.std * d, std: p.std * Math.sqrt(Math.max(v, 0)) };
    }
    case 'orthogonal': return { mean: 0, std: p.gain / Math.sqrt(Math.max(p.rows, p.cols)) };
    case 'concat': {
      let n = 0, s1 = 0, s2 = 0;
      for (const part of p.parts) {
        const w = part.end - part.start;
        const m = momentsOf(part.planned);
        n += w; s1 += w * m.mean; s2 += w * (m.std * m.std + m.mean * m.mean);
      }
      const mean = s1 / n;
      return { mean, std: Math.sqrt(Math.max(s2 / n - mean * mean, 0)) };
    }
  }
}

/**
 * The standard normal CDF to about 1e-7 (the Chebyshev-fitted erfc of Numerical Recipes,
 * fractional error < 1.2e-7): for goodness-of-fit tests, fast and far finer than any test's
 * resolution. Not used to derive parameters.
 */
function approxNormalCdf(x: number): number {
  const z = -x * Math.SQRT1_2;
  const a = Math.abs(z);
  const t = 1 / (1 + 0.5 * a);
  const r = t * Math.exp(-a * a - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
    + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return 0.5 * (z >= 0 ? r : 2 - r);
}

/** The CDF of a planned continuous distribution (null for constants, orthogonal and concat), to about 1e-7. */
export function cdfOf(p: Planned): ((x: number) => number) | null {
  switch (p.kind) {
    case 'normal': return (x) => approxNormalCdf((x - p.mean) / p.std);
    case 'uniform': return (x) => (x <= p.low ? 0 : x >= p.high ? 1 : (x - p.low) / (p.high - p.low));
    case 'truncatedNormal': {
      const lo = approxNormalCdf((p.a - p.mean) / p.std), hi = approxNormalCdf((p.b - p.mean) / p.std);
      return (x) => (x <= p.a ? 0 : x >= p.b ? 1 : (approxNormalCdf((x - p.mean) / p.std) - lo) / (hi - lo));
    }
    default: return null;
  }
}

/** A short text for tables: `normal(std=0.02)`, `ones`, `concat(axis 0: zeros x1, normal(std=0.02) x30521)`. */
export function initText(init: NormalizedInit): string {
  if (init.scheme === 'concat') {
    const c = init.concat!;
    return `concat(axis ${c.axis}: ${c.parts.map((p) => `${initText(p.init)} x${p.end - p.start}`).join(', ')})`;
  }
  const keys = Object.keys(init.fields);
  if (keys.length === 0) return init.scheme;
  const val = (v: unknown): string => (typeof v === 'number' ? String(+v.toPrecision(6)) : String(v));
  return `${init.scheme}(${keys.map((k) => `${k}=${val(init.fields[k])}`).join(', ')})`;
}

/**
 * Scales an init spec: every element is multiplied by mul / div (mul 0 gives zeros). Each
 * parameter is computed as `q * mul / div`, so a division alone stays one division (HF's
 * `0.02 / math.sqrt(2 * n_layer)` is the same double).
 */
export function scaleInit(spec: InitSpec, mul: number, div = 1): InitSpec {
  if (mul === 1 && div === 1) return spec;
  if (mul === 0) return 'zeros';
  const sc = (q: number): number => (mul === 1 ? q : q * mul) / div;
  const f = mul / div;
  if (typeof spec === 'string') return spec === 'zeros' ? spec : { scheme: 'constant', value: f };
  const s = spec as Fields & { scheme: Scheme };
  const mean = s.mean === undefined ? {} : { mean: sc(s.mean as number) };
  switch (s.scheme) {
    case 'zeros': return spec;
    case 'ones': return { scheme: 'constant', value: f };
    case 'constant': return { scheme: 'constant', value: sc(s.value as number) };
    case 'uniform': return { scheme: 'uniform', low: sc(s.low as number), high: sc(s.high as number) };
    case 'normal': return { ...s, std: sc(s.std as number), ...mean } as InitSpec;
    case 'truncatedNormal': return { ...s, std: sc(s.std as number), a: sc(s.a as number), b: sc(s.b as number), ...mean } as InitSpec;
    case 'xavierUniform': case 'xavierNormal': case 'orthogonal':
      return { ...s, gain: sc((s.gain as number | undefined) ?? 1) } as InitSpec;
    case 'varianceScaling': return { ...s, scale: ((s.scale as number | undefined) ?? 1) * f * f } as InitSpec;
    case 'kaimingNormal': case 'kaimingUniform': case 'lecunNormal': case 'lecunUniform': {
      // gain^2 / fan as a varianceScaling scale (same fans, same distribution family).
      const nl = (s.nonlinearity as Nonlinearity | undefined) ?? 'leaky_relu';
      const lecun = s.scheme === 'lecunNormal' || s.scheme === 'lecunUniform';
      const gain = lecun ? 1 : calculateGain(nl, nl === 'leaky_relu' || nl === 'leakyRelu' ? ((s.a as number | undefined) ?? 0) : undefined);
      const uniformDist = s.scheme === 'kaimingUniform' || s.scheme === 'lecunUniform';
      const out: Fields = {
        scheme: 'varianceScaling', scale: gain * gain * f * f,
        mode: lecun ? 'fanIn' : ((s.mode as string | undefined) ?? 'fanIn'),
        distribution: uniformDist ? 'uniform' : s.truncation === undefined ? 'untruncatedNormal' : 'truncatedNormal',
      };
      if (s.truncation !== undefined) out.truncation = s.truncation;
      if (s.layout !== undefined) out.layout = s.layout;
      return out as InitSpec;
    }
    case 'torchDefaultWeight': return { scheme: 'varianceScaling', scale: f * f / 3, mode: 'fanIn', distribution: 'uniform' };
    case 'torchDefaultBias': {
      const fi = s.fanIn as number;
      return fi > 0 ? { scheme: 'uniform', low: -sc(1 / Math.sqrt(fi)), high: sc(1 / Math.sqrt(fi)) } : 'zeros';
    }
    case 'concat': {
      const parts = s.parts as readonly { size: number; init: InitSpec }[];
      return { scheme: 'concat', axis: s.axis as number, parts: parts.map((p) => ({ size: p.size, init: scaleInit(p.init, mul, div) })) };
    }
  }
}
