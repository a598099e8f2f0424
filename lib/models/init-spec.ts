/**
 * Serializable initializer specs: `{ scheme, ...options }` where `scheme` names an nninit
 * initializer of the registry (lib/initializers/registry.ts) and the other fields are
 * exactly that initializer's options, JSON values only (`'zeros'` and `'ones'` may be
 * written as bare strings). The registry maps each scheme to its definition, so a spec read
 * back from JSON runs the same initializer with the same options, its defaults included.
 * Every initializer that draws each element from one distribution is a scheme, and
 * orthogonal; the structured ones (eye, dirac, sparse) are not, as audits could not check them.
 *
 * `concat` is the one composite: it splits the tensor along an axis into parts, and part k's
 * region takes the values that part k's initializer gives for the *whole* tensor at those
 * positions (same stream, same element indices, fans from the whole shape). A padding row
 * of zeros or Keras' unit forget bias are concats.
 */
import { rangeError, typeError } from '../errors.js';
import { readOptions, type Options } from '../validate.js';
import { SEED_OPTIONS, type Seed } from '../seed.js';
import { checkConvention, checkShape, OUTPUT_OPTIONS, type Convention, type DType, type RandomInitOptions, type Target } from '../tensor.js';
import type { Step } from '../job.js';
import { calculateGain, type Nonlinearity } from '../gains.js';
import { erf } from '../normal-cdf.js';
import { initWriter, plan, type Dist, type InitDef } from '../initializers/engine.js';
import { constantDef, type NormalInitOptions, type TruncatedNormalInitOptions, type UniformInitOptions } from '../initializers/basic.js';
import type {
  FanInitOptions, FanNormalOptions, KaimingNormalOptions, KaimingUniformOptions, VarianceScalingOptions, XavierNormalOptions, XavierUniformOptions,
} from '../initializers/variance-scaling.js';
import type { OrthogonalOptions } from '../initializers/orthogonal.js';
import type { TorchBiasOptions } from '../initializers/presets.js';
import { INITIALIZERS, type InitializerEntry } from '../initializers/registry.js';

/** A tensor's dtype in a plan: a float dtype, or int64 for integer buffers (BatchNorm's num_batches_tracked). */
export type TensorDType = DType | 'int64';

/** A weight layout for split axes: torch `[out, in, ...k]` or Keras `[...k, in, out]`. */
export type FanLayout = 'torch' | 'keras';

/** The spec of scheme S: the initializer's options O without those the plan sets (dtype, out, offset, length, seed, stream). */
export type SchemeSpec<S extends string, O> = { scheme: S } & Omit<O, keyof RandomInitOptions>;

/** A serializable initializer spec. Each object form maps 1:1 onto the nninit initializer of the same name. */
export type InitSpec =
  | 'zeros'
  | 'ones'
  | { scheme: 'zeros' }
  | { scheme: 'ones' }
  | { scheme: 'constant'; value: number }
  | SchemeSpec<'uniform', UniformInitOptions> & { low: number; high: number }
  | SchemeSpec<'normal', NormalInitOptions> & { std: number }
  | SchemeSpec<'truncatedNormal', TruncatedNormalInitOptions> & { std: number; a: number; b: number }
  | SchemeSpec<'xavierUniform' | 'glorotUniform', XavierUniformOptions>
  | SchemeSpec<'xavierNormal' | 'glorotNormal', XavierNormalOptions>
  | SchemeSpec<'kaimingUniform' | 'heUniform', KaimingUniformOptions>
  | SchemeSpec<'kaimingNormal' | 'heNormal', KaimingNormalOptions>
  | SchemeSpec<'lecunUniform', FanInitOptions>
  | SchemeSpec<'lecunNormal', FanNormalOptions>
  | SchemeSpec<'varianceScaling', VarianceScalingOptions>
  | SchemeSpec<'orthogonal', OrthogonalOptions>
  | { scheme: 'torchDefaultWeight' }
  | SchemeSpec<'torchDefaultBias', TorchBiasOptions>
  | { scheme: 'concat'; axis: number; parts: readonly { size: number; init: InitSpec }[] };

/** The scheme names. */
export type Scheme = Exclude<InitSpec, string>['scheme'];

/** The registry rows usable as schemes: one distribution per element, or orthogonal. */
const ROWS: ReadonlyMap<string, InitializerEntry> = new Map(
  INITIALIZERS.filter((e) => e.name === 'constant' || e.def?.dist !== undefined || e.name === 'orthogonal').map((e) => [e.name, e]),
);

/** Every scheme name, in the registry's order, then concat. */
export const SCHEME_NAMES: readonly Scheme[] = Object.freeze([...ROWS.keys(), 'concat'] as Scheme[]);

/** The option names a scheme's spec may give: the initializer's, less those the plan sets. */
function paramsOf(e: InitializerEntry): readonly string[] {
  if (e.name === 'constant') return ['value'];
  return e.known.filter((k) => !OUTPUT_OPTIONS.includes(k) && !SEED_OPTIONS.includes(k));
}
const PARAMS: ReadonlyMap<string, readonly string[]> = new Map([...ROWS].map(([name, e]) => [name, ['scheme', ...paramsOf(e)]]));

/**
 * Parameters a spec must state: the constant's value, and those of the basic distributions,
 * whose defaults differ between frameworks (nninit's follow `convention`), so a plan read
 * anywhere says what it draws.
 */
const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  constant: ['value'], uniform: ['low', 'high'], normal: ['std'], truncatedNormal: ['std', 'a', 'b'],
};

/** A validated, normalized spec: an object with `scheme` and only the fields given. */
export interface NormalizedInit {
  readonly scheme: Scheme;
  readonly fields: Readonly<Options>;
  /** For concat: the axis (normalized) and the parts with their coordinate ranges. */
  readonly concat?: { readonly axis: number; readonly parts: readonly { readonly start: number; readonly end: number; readonly init: NormalizedInit }[] };
}

/** A field's value, copied: what JSON holds (a finite number, a string, a boolean, or an array of them). */
function jsonField(fn: string, what: string, v: unknown, nested = false): unknown {
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw rangeError(fn, what, 'a finite number (JSON has no Infinity or NaN)', v);
    return v;
  }
  if (!nested && Array.isArray(v)) {
    const out: unknown[] = [];
    for (let i = 0; i < v.length; i++) out.push(jsonField(fn, `${what}[${i}]`, v[i], true));
    return out;
  }
  throw typeError(fn, what, 'a JSON value: a finite number, a string, a boolean, or an array of them', v);
}

const SPEC_FORMS = `"zeros", "ones" or an object { scheme, ... } with scheme one of ${SCHEME_NAMES.join(', ')}`;

/**
 * Validates an init spec for a tensor of `shape` and `dtype` (its fields as JSON values,
 * then every check of the initializer itself for that shape and dtype) and returns it
 * normalized. Errors name `what` (e.g. `plan.tensors[3].init`); `probed` remembers the
 * combinations already checked.
 */
export function checkInit(fn: string, what: string, spec: unknown, shape: readonly number[], dtype: TensorDType, probed?: Set<string>): NormalizedInit {
  if (typeof spec === 'string') {
    if (spec !== 'zeros' && spec !== 'ones') throw rangeError(fn, what, SPEC_FORMS, spec);
    return { scheme: spec, fields: {} };
  }
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) throw typeError(fn, what, SPEC_FORMS, spec);
  const desc = Object.getOwnPropertyDescriptor(spec, 'scheme');
  const scheme: unknown = desc !== undefined && Object.prototype.hasOwnProperty.call(desc, 'value') ? desc.value : undefined;
  if (scheme === 'concat') return checkConcat(fn, what, spec, shape, dtype, probed);
  const known = typeof scheme === 'string' ? PARAMS.get(scheme) : undefined;
  if (known === undefined) {
    throw (typeof scheme === 'string' ? rangeError : typeError)(fn, `${what}.scheme`, `one of ${SCHEME_NAMES.join(', ')}`, scheme);
  }
  const o = readOptions(fn, spec, known, what);
  const fields = Object.create(null) as Options;
  for (const k of known) {
    if (k !== 'scheme' && o[k] !== undefined) fields[k] = jsonField(fn, `${what}.${k}`, o[k]);
  }
  const init: NormalizedInit = { scheme: scheme as Scheme, fields };
  const required = REQUIRED[scheme as string] ?? [];
  for (const k of required) {
    if (fields[k] === undefined) throw typeError(fn, `${what}.${k}`, `given (${String(scheme)} needs ${required.join(', ')})`, undefined);
  }
  if (dtype === 'int64') {
    if (scheme !== 'zeros' && scheme !== 'ones' && !(scheme === 'constant' && Number.isSafeInteger(fields.value))) {
      throw rangeError(fn, what, 'zeros, ones or an integer constant for an int64 tensor', specOf(init));
    }
    return init;
  }
  // The initializer's own checks, under its own name, writing nothing (once per combination:
  // the key is built from the validated snapshot, never from the caller's object).
  const key = `${String(scheme)}|${JSON.stringify(fields)}|${shape.join(',')}|${dtype}`;
  if (probed?.has(key)) return init;
  probed?.add(key);
  checkedWriterOf(fn, what, init, shape, dtype, 0, 0);
  return init;
}

/**
 * {@link writerOf}, with the initializer's refusal said as the caller's: `nninit.fn: what
 * (spec) is not valid for shape [..] in dtype: nninit.<initializer>: ...`, so the message
 * names both the function the user called and the initializer whose check failed.
 */
export function checkedWriterOf(
  fn: string, what: string, init: NormalizedInit, shape: readonly number[], dtype: DType, seed: Seed, stream: number,
): (t: Target) => Step[] {
  try {
    return writerOf(init, shape, dtype, seed, stream);
  } catch (e) {
    if (e instanceof TypeError || e instanceof RangeError) {
      const E = e instanceof TypeError ? TypeError : RangeError;
      throw new E(`nninit.${fn}: ${what} (${JSON.stringify(specOf(init))}) is not valid for shape [${shape.join(', ')}] in ${dtype}: ${e.message}`);
    }
    throw e;
  }
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

/** The registry definition a (non-concat) spec runs. */
function defOf(init: NormalizedInit): InitDef {
  if (init.scheme === 'constant') return constantDef(init.fields.value as number);
  const e = ROWS.get(init.scheme);
  if (e?.def === undefined) throw new Error(`nninit: ${init.scheme} is not a scheme of one tensor`);
  return e.def;
}

/** The spec's options as its initializer reads them (a constant's value is its argument, in its definition). */
function optionsOf(init: NormalizedInit): Options {
  const o = Object.assign(Object.create(null) as Options, init.fields);
  if (init.scheme === 'constant') delete o.value;
  return o;
}

/**
 * The writer of a (non-concat) spec for a tensor of `shape` in `dtype`, validated once
 * (every check of the initializer) with the key of (seed, stream): the steps that write any
 * target of the tensor. Distributions and orthogonal write exactly their target's runs.
 */
export function writerOf(init: NormalizedInit, shape: readonly number[], dtype: DType, seed: Seed, stream: number): (t: Target) => Step[] {
  const def = defOf(init);
  const o = optionsOf(init);
  if (def.seeded) { o.seed = seed; o.stream = stream; }
  return initWriter(init.scheme, def, [...shape], o, dtype);
}

/** Whether a (non-concat) spec's values depend on the whole tensor at once (orthogonal). */
export function isWhole(init: NormalizedInit): boolean {
  return init.scheme !== 'concat' && defOf(init).whole === true;
}

// ---------------------------------------------------------------------------------------
// The planned distribution of a spec, for plan tables and audits.

/** The distribution a spec draws each element from (for orthogonal: its entries' scale). */
export type Planned =
  | Dist
  | { readonly kind: 'orthogonal'; readonly gain: number; readonly rows: number; readonly cols: number }
  | { readonly kind: 'concat'; readonly axis: number; readonly parts: readonly { readonly start: number; readonly end: number; readonly planned: Planned }[] };

/**
 * The distribution a normalized spec draws from, for a tensor of `shape`: the
 * initializer's own (its formulas and defaults), with degenerate ones (std 0, an empty
 * symmetric uniform) as the constants they are.
 */
export function plannedOf(init: NormalizedInit, shape: readonly number[]): Planned {
  const name = init.scheme;
  if (init.scheme === 'concat') {
    const c = init.concat!;
    return { kind: 'concat', axis: c.axis, parts: c.parts.map((p) => ({ start: p.start, end: p.end, planned: plannedOf(p.init, shape) })) };
  }
  const o = optionsOf(init);
  const convention: Convention | undefined = checkConvention(name, o.convention);
  if (name === 'orthogonal') {
    checkShape(name, [...shape], 2); // a matrix, as the initializer requires
    const keras = (o.layout ?? convention) === 'keras';
    const numel = shape.reduce((a, b) => a * b, 1);
    const rows = keras ? numel / shape[shape.length - 1]! : shape[0]!;
    return { kind: 'orthogonal', gain: (o.gain as number | undefined) ?? 1, rows, cols: numel / rows };
  }
  const rule = defOf(init).dist!;
  return plan(name, rule(name, o, checkShape(name, [...shape]), convention)(), 'float64').dist;
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
 * `0.02 / math.sqrt(2 * n_layer)` is the same double). For the recipes' own specs, which
 * give the parameters they scale.
 */
export function scaleInit(spec: InitSpec, mul: number, div = 1): InitSpec {
  if (mul === 1 && div === 1) return spec;
  if (mul === 0) return 'zeros';
  const f = mul / div;
  if (typeof spec === 'string') return spec === 'zeros' ? spec : { scheme: 'constant', value: f };
  // Own fields only: a spec is plain data, a polluted prototype adds nothing to it.
  const s = Object.assign(Object.create(null), spec) as Options & { scheme: Scheme };
  const need = (k: string): number => {
    if (typeof s[k] !== 'number') throw new Error(`nninit: scaleInit needs ${s.scheme}'s ${k}`);
    return s[k] as number;
  };
  const scale = (q: number): number => (mul === 1 ? q : q * mul) / div;
  const sc = (k: string): number => scale(need(k));
  const mean = s.mean === undefined ? {} : { mean: sc('mean') };
  switch (s.scheme) {
    case 'zeros': return spec;
    case 'ones': return { scheme: 'constant', value: f };
    case 'constant': return { scheme: 'constant', value: sc('value') };
    case 'uniform': return { scheme: 'uniform', low: sc('low'), high: sc('high') };
    case 'normal': return { ...s, std: sc('std'), ...mean } as InitSpec;
    case 'truncatedNormal': return { ...s, std: sc('std'), a: sc('a'), b: sc('b'), ...mean } as InitSpec;
    case 'xavierUniform': case 'xavierNormal': case 'glorotUniform': case 'glorotNormal': case 'orthogonal':
      return { ...s, gain: s.gain === undefined ? f : sc('gain') } as InitSpec;
    case 'varianceScaling': return { ...s, scale: ((s.scale as number | undefined) ?? 1) * f * f } as InitSpec;
    case 'kaimingNormal': case 'kaimingUniform': case 'heNormal': case 'heUniform': case 'lecunNormal': case 'lecunUniform': {
      // gain^2 / fan as a varianceScaling scale (same fans, same distribution family).
      const { scheme, nonlinearity, a, mode, ...fans } = s;
      const nl = (nonlinearity as Nonlinearity | undefined) ?? 'leaky_relu';
      const lecun = scheme === 'lecunNormal' || scheme === 'lecunUniform';
      const gain = lecun ? 1 : calculateGain(nl, nl === 'leaky_relu' || nl === 'leakyRelu' ? ((a as number | undefined) ?? 0) : undefined);
      const uniformDist = scheme === 'kaimingUniform' || scheme === 'heUniform' || scheme === 'lecunUniform';
      // Their normals are untruncated unless a truncation is given (Keras' convention: 2, varianceScaling's default).
      const truncated = s.truncation !== undefined || s.convention === 'keras';
      return {
        ...fans, scheme: 'varianceScaling', scale: gain * gain * f * f,
        mode: lecun ? 'fanIn' : ((mode as string | undefined) ?? 'fanIn'),
        distribution: uniformDist ? 'uniform' : truncated ? 'truncatedNormal' : 'untruncatedNormal',
      } as InitSpec;
    }
    case 'torchDefaultWeight': return { scheme: 'varianceScaling', scale: f * f / 3, mode: 'fanIn', distribution: 'uniform' };
    case 'torchDefaultBias': {
      const fi = need('fanIn');
      return fi > 0 ? { scheme: 'uniform', low: -scale(1 / Math.sqrt(fi)), high: scale(1 / Math.sqrt(fi)) } : 'zeros';
    }
    case 'concat': {
      const parts = s.parts as readonly { size: number; init: InitSpec }[];
      return { scheme: 'concat', axis: s.axis as number, parts: parts.map((p) => ({ size: p.size, init: scaleInit(p.init, mul, div) })) };
    }
  }
}
