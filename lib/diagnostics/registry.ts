/**
 * The initializers the diagnostics know by name ('kaiming-normal', 'normal:0.01', ...): a
 * selection of the initializer registry's, in kebab case,
 * each resolved to a function `(rows, cols, { seed, stream }) => Float32Array` that returns
 * a weight matrix in PyTorch's [out, in] layout (rows = fan-out, cols = fan-in).
 *
 * Every entry calls nninit's own initializers (zeros, normal, uniform, xavierNormal,
 * kaimingNormal, lecunNormal, orthogonal, ...), so a report diagnoses exactly the weights
 * a user would get from the library with the same seed and stream.
 *
 * @packageDocumentation
 */
import { rangeError, typeError } from '../errors.js';
import { gainOf, type Activation } from '../gains.js';
import { normal as normalInit, uniform as uniformInit, zeros as zerosInit } from '../initializers/basic.js';
import { orthogonal as orthogonalInit } from '../initializers/orthogonal.js';
import {
  kaimingNormal, kaimingUniform, lecunNormal, lecunUniform, varianceScaling, xavierNormal, xavierUniform,
} from '../initializers/variance-scaling.js';
import type { Seed } from '../seed.js';
import { readOptions } from '../validate.js';
import type { InitializerName } from '../initializers/registry.js';

// The activations and their gains live with the gains (the mlp recipe and recommend use them too).
export { ACTIVATIONS, ACTIVATION_ALIASES, checkActivation, gainOf, type Activation, type ActivationName } from '../gains.js';

/** The nninit initializers the diagnostics simulate, by their registry names. */
const DIAGNOSED = [
  'zeros', 'normal', 'uniform', 'xavierNormal', 'xavierUniform', 'kaimingNormal', 'kaimingUniform',
  'lecunNormal', 'lecunUniform', 'orthogonal',
] as const satisfies readonly InitializerName[];

/** A registry name in the diagnostics' (and the CLI's) spelling: `kaimingNormal` → `kaiming-normal`. */
type Kebab<S extends string> = S extends `${infer H}${infer T}` ? `${H extends Uppercase<H> ? `-${Lowercase<H>}` : H}${Kebab<T>}` : S;

/** The base names the diagnostics know; `normal` and `uniform` take a parameter (`normal:0.01`). */
export const INITIALIZER_NAMES = DIAGNOSED.map((n) => n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)) as readonly Kebab<(typeof DIAGNOSED)[number]>[];

/** An initializer with its options, as {@link inspect} accepts it. */
export interface InitializerSpec {
  /** A registry name: see {@link INITIALIZER_NAMES}; `normal:0.01` / `uniform:0.05` carry their parameter. */
  name: string;
  /** normal: the std (default 0.01); uniform: the bound b of U(-b, b) (default 0.05). */
  std?: number;
  /**
   * Multiplies the variance-scaling formula (or the orthogonal matrix). Default: Xavier,
   * LeCun and orthogonal 1 (PyTorch's default), Kaiming the gain of the network's
   * activation ({@link gainOf}).
   */
  gain?: number;
  /** Kaiming's fan: 'fan_in' (default, preserves the forward signal) or 'fan_out' (the backward one). */
  mode?: 'fan_in' | 'fan_out';
}

/** Context the registry passes to every initializer. */
export interface InitContext {
  /** Seed of the whole network. */
  seed: Seed;
  /** The stream of this layer's weight tensor. */
  stream: Seed;
}

/** A resolved initializer: returns a fresh rows x cols ([out, in]) Float32Array. */
export type InitFn = (rows: number, cols: number, ctx: InitContext) => Float32Array;

/**
 * Parses `'name'` or `'name:param'` (the CLI form) into an {@link InitializerSpec}.
 *
 * @throws TypeError for a non-string; RangeError for an unknown name or a bad parameter.
 */
export function parseInitializer(text: string, fn = 'parseInitializer', what = 'initializer'): InitializerSpec {
  if (typeof text !== 'string') throw typeError(fn, what, 'a string such as "kaiming-normal" or "normal:0.01"', text);
  const [rawName, param, extra] = text.trim().split(':');
  const name = (rawName ?? '').toLowerCase().replace(/_/g, '-');
  if (!(INITIALIZER_NAMES as readonly string[]).includes(name) || extra !== undefined) {
    throw rangeError(fn, what, `one of ${INITIALIZER_NAMES.join(', ')} (normal and uniform may add ":<std or bound>")`, text);
  }
  if (param === undefined) return specOf(name, undefined, undefined, undefined);
  if (name !== 'normal' && name !== 'uniform') {
    throw rangeError(fn, what, `a parameter only on normal or uniform (as in "normal:0.01")`, text);
  }
  const v = Number(param);
  if (param.trim() === '' || !Number.isFinite(v) || !(v > 0)) {
    throw rangeError(fn, what, `a positive finite number after "${name}:"`, text);
  }
  return specOf(name, v, undefined, undefined);
}

/**
 * A normalized spec: only the fields given, each an own property, every absent one
 * explicitly undefined so that reading it never reaches Object.prototype.
 */
function specOf(name: string, std: number | undefined, gain: number | undefined, mode: InitializerSpec['mode']): InitializerSpec {
  const spec: InitializerSpec = { name };
  Object.defineProperties(spec, {
    std: { value: std, enumerable: std !== undefined, writable: true, configurable: true },
    gain: { value: gain, enumerable: gain !== undefined, writable: true, configurable: true },
    mode: { value: mode, enumerable: mode !== undefined, writable: true, configurable: true },
  });
  return spec;
}

function positiveOpt(fn: string, what: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number') throw typeError(fn, what, 'a finite number > 0', v);
  if (!Number.isFinite(v) || !(v > 0)) throw rangeError(fn, what, 'a finite number > 0', v);
  return v;
}

/**
 * Validates an initializer given as a string (`'xavier-normal'`, `'normal:0.02'`) or an
 * {@link InitializerSpec} object and returns the normalized spec.
 */
export function checkInitializer(fn: string, what: string, value: unknown): InitializerSpec {
  if (typeof value === 'string') return parseInitializer(value, fn, what);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw typeError(fn, what, 'an initializer name or { name, std?, gain?, mode? }', value);
  }
  const o = readOptions(fn, value, ['name', 'std', 'gain', 'mode'], what);
  const base = parseInitializer(o.name as string, fn, `${what}.name`);
  const std = positiveOpt(fn, `${what}.std`, o.std) ?? base.std;
  const gain = positiveOpt(fn, `${what}.gain`, o.gain);
  if (o.mode !== undefined && o.mode !== 'fan_in' && o.mode !== 'fan_out') {
    throw (typeof o.mode === 'string' ? rangeError : typeError)(fn, `${what}.mode`, '"fan_in" or "fan_out"', o.mode);
  }
  return specOf(base.name, std, gain, o.mode as InitializerSpec['mode']);
}

/** A short label for tables and legends: `kaiming-normal`, `normal:0.01`, `xavier-normal(gain=1.667)`. */
export function initializerLabel(spec: InitializerSpec): string {
  let s = spec.name;
  if (spec.std !== undefined) s += `:${spec.std}`;
  const extras: string[] = [];
  if (spec.gain !== undefined) extras.push(`gain=${+spec.gain.toPrecision(4)}`);
  if (spec.mode !== undefined) extras.push(spec.mode);
  return extras.length ? `${s}(${extras.join(',')})` : s;
}

/**
 * Resolves a spec to a weight factory for a network with the given activation.
 *
 * Formulas (fanIn = cols, fanOut = rows): Xavier std = gain * sqrt(2 / (fanIn + fanOut)),
 * bound = gain * sqrt(6 / (fanIn + fanOut)); Kaiming std = gain / sqrt(fan), bound =
 * gain * sqrt(3 / fan), gain = calculateGain(activation) unless given; LeCun std =
 * gain / sqrt(fanIn), bound = gain * sqrt(3 / fanIn); orthogonal: gain * Q of a QR.
 */
export function resolveInitializer(spec: InitializerSpec, activation: Activation, negativeSlope = 0.01): InitFn {
  spec = checkInitializer('resolveInitializer', 'spec', spec);
  const g = spec.gain ?? 1;
  const mode = spec.mode ?? 'fan_in';
  // Kaiming with an explicit gain, and LeCun with a gain != 1, are variance scaling with scale gain^2.
  const scaled = (rows: number, cols: number, ctx: InitContext, gain: number, m: 'fan_in' | 'fan_out', uniform: boolean): Float32Array =>
    varianceScaling([rows, cols], { scale: gain * gain, mode: m, distribution: uniform ? 'uniform' : 'untruncatedNormal', seed: ctx.seed, stream: ctx.stream });
  const kaimingOpts = (ctx: InitContext) => ({
    nonlinearity: activation,
    ...(activation === 'leaky_relu' ? { a: negativeSlope } : {}),
    mode,
    seed: ctx.seed,
    stream: ctx.stream,
  });
  switch (spec.name) {
    case 'zeros':
      return (rows, cols) => zerosInit([rows, cols]);
    case 'normal':
      return (rows, cols, ctx) => normalInit([rows, cols], { mean: 0, std: (spec.std ?? 0.01) * g, seed: ctx.seed, stream: ctx.stream });
    case 'uniform':
      return (rows, cols, ctx) => {
        const b = (spec.std ?? 0.05) * g;
        return uniformInit([rows, cols], { low: -b, high: b, seed: ctx.seed, stream: ctx.stream });
      };
    case 'xavier-normal':
      return (rows, cols, ctx) => xavierNormal([rows, cols], { gain: g, seed: ctx.seed, stream: ctx.stream });
    case 'xavier-uniform':
      return (rows, cols, ctx) => xavierUniform([rows, cols], { gain: g, seed: ctx.seed, stream: ctx.stream });
    case 'kaiming-normal':
      return (rows, cols, ctx) => (spec.gain !== undefined ? scaled(rows, cols, ctx, spec.gain, mode, false) : kaimingNormal([rows, cols], kaimingOpts(ctx)));
    case 'kaiming-uniform':
      return (rows, cols, ctx) => (spec.gain !== undefined ? scaled(rows, cols, ctx, spec.gain, mode, true) : kaimingUniform([rows, cols], kaimingOpts(ctx)));
    case 'lecun-normal':
      return (rows, cols, ctx) => (g !== 1 ? scaled(rows, cols, ctx, g, 'fan_in', false) : lecunNormal([rows, cols], { seed: ctx.seed, stream: ctx.stream }));
    case 'lecun-uniform':
      return (rows, cols, ctx) => (g !== 1 ? scaled(rows, cols, ctx, g, 'fan_in', true) : lecunUniform([rows, cols], { seed: ctx.seed, stream: ctx.stream }));
    case 'orthogonal':
      return (rows, cols, ctx) => orthogonalInit([rows, cols], { gain: g, seed: ctx.seed, stream: ctx.stream });
    default:
      throw rangeError('resolveInitializer', 'spec.name', `one of ${INITIALIZER_NAMES.join(', ')}`, spec.name);
  }
}
