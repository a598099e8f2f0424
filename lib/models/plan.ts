/**
 * Model plans: a model as data. A plan is an ordered list of tensor specs (name, shape,
 * dtype, role, init, stream, lrScale, tiedTo) plus totals and the hyperparameters a trainer
 * needs with them (output multiplier, attention scale, residual multiplier). Nothing is
 * allocated; a plan is plain JSON-serializable data, and a plan read back from JSON
 * materializes the same bytes.
 *
 * Streams: each tensor's stream is fixed by whoever builds the plan (recipes and
 * planFromShapes: its index in the plan; a tied tensor: its target's), so adding or
 * removing tensors after it never changes its values.
 */
import { rangeError, typeError } from '../errors.js';
import { readOptions } from '../validate.js';
import { MAX_ARRAY_LENGTH } from '../tensor.js';
import { isRole, ROLE_NAMES, type Role } from './roles.js';
import { checkInit, specOf, type FanLayout, type InitSpec, type NormalizedInit, type TensorDType } from './init-spec.js';

/** One tensor of a plan. */
export interface TensorSpec {
  /** The name in the reference implementation's state dict. */
  readonly name: string;
  /** The full (unsharded) shape, in the reference's layout. */
  readonly shape: readonly number[];
  /** The dtype it is materialized in unless `materialize` overrides floats. */
  readonly dtype: TensorDType;
  /** What the tensor does (see ROLES). */
  readonly role: Role;
  /** The serializable initializer spec. */
  readonly init: InitSpec;
  /** The Philox stream of its values (fixed by the plan's builder). */
  readonly stream: number;
  /** Multiplier of the base learning rate for this tensor (muP; 1 otherwise). */
  readonly lrScale: number;
  /** The tensor whose values this one shares (weight tying): not written to files, one array in `materialize`. */
  readonly tiedTo?: string;
  /** `'torch'` ([out, in, ...k], the default) or `'keras'` ([...k, in, out]; also Conv1D): where 'out' and 'in' split axes are. */
  readonly layout?: FanLayout;
  /** A buffer (running statistics), not a trainable parameter: left out of the parameter count. */
  readonly buffer?: boolean;
}

/** The hyperparameters that go with a plan. */
export interface PlanHyper {
  /** `'standard'` or `'mup'`. */
  readonly parametrization: 'standard' | 'mup';
  /** muP: the model's width over the base width (1 otherwise). */
  readonly widthMultiplier: number;
  /** Multiply the readout's input (or logits) by this (muP: outputMultiplier / widthMultiplier; 1 otherwise). */
  readonly outputMultiplier: number;
  /** Attention logits scale: 1/sqrt(headDim), or muP's attentionMultiplier/headDim; null without attention. */
  readonly attentionScale: number | null;
  /** Residual branch multiplier alpha in x * alpha + f(x) (DeepNet; 1 otherwise). */
  readonly residualMultiplier: number;
  /** The residual scaling applied ('gpt2', 'depth', 'fixup', 't-fixup', 'deepnet', a number, or null). */
  readonly residualScaling: string | number | null;
}

/** Counts of a plan. */
export interface PlanTotals {
  /** Tensors in the plan (tied ones included). */
  readonly tensors: number;
  /** Trainable parameters: elements of the tensors that are neither tied nor buffers. */
  readonly parameters: number;
  /** Elements of buffers (running statistics). */
  readonly buffers: number;
  /** Bytes of the distinct tensors (tied ones once) at their plan dtypes: what a file holds. */
  readonly bytes: number;
}

/** A model as data (see the module comment). */
export interface ModelPlan {
  readonly format: 'nninit.plan';
  readonly version: 1;
  /** The recipe that made it, or null (planFromShapes). */
  readonly recipe: string | null;
  /** The resolved configuration (every field), or null. */
  readonly config: Readonly<Record<string, unknown>> | null;
  /** The recipe options given (residualScaling, parametrization, ...), or null. */
  readonly options: Readonly<Record<string, unknown>> | null;
  readonly hyper: PlanHyper;
  readonly tensors: readonly TensorSpec[];
  readonly totals: PlanTotals;
}

/** A validated tensor. */
export interface ResolvedTensor {
  readonly spec: TensorSpec;
  readonly index: number;
  readonly shape: readonly number[];
  readonly numel: number;
  readonly init: NormalizedInit;
  /** Index of the tied target, or -1. */
  readonly tiedIndex: number;
}

/** A validated plan. */
export interface ResolvedPlan {
  readonly plan: ModelPlan;
  readonly tensors: readonly ResolvedTensor[];
  readonly byName: ReadonlyMap<string, ResolvedTensor>;
}

/** The plan dtypes. */
export const TENSOR_DTYPES: readonly TensorDType[] = ['float32', 'float64', 'bfloat16', 'float16', 'int64'];

/** A tensor spec's optional field, own properties only: a plan is plain data, and a polluted prototype adds nothing to it. */
export function optional<K extends 'tiedTo' | 'layout' | 'buffer'>(t: TensorSpec, k: K): TensorSpec[K] {
  return Object.prototype.hasOwnProperty.call(t, k) ? t[k] : undefined;
}

/** Bytes per element. */
export function bytesOf(dtype: TensorDType): number {
  return dtype === 'float64' || dtype === 'int64' ? 8 : dtype === 'float32' ? 4 : 2;
}

function numelOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Computes the totals of a list of tensor specs. */
export function totalsOf(tensors: readonly TensorSpec[]): PlanTotals {
  let parameters = 0, buffers = 0, bytes = 0;
  for (const t of tensors) {
    if (optional(t, 'tiedTo') !== undefined) continue;
    const n = numelOf(t.shape);
    if (optional(t, 'buffer') === true) buffers += n; else parameters += n;
    bytes += n * bytesOf(t.dtype);
  }
  return { tensors: tensors.length, parameters, buffers, bytes };
}

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as object)) deepFreeze(v);
  }
  return o;
}

/** Plans built by nninit (frozen, validated): materialize skips revalidating them. */
const trusted = new WeakMap<object, ResolvedPlan>();
/** Recipe plans (frozen, built from validated configs by our own code): resolved on first use. */
const pending = new WeakSet<object>();

/**
 * Freezes a plan built by nninit. With `validate` (planFromShapes: user rules) it is
 * validated now; a recipe's plan, made by this package from a checked config, is resolved
 * on first use without re-reading its own fields (planning an 8B model stays well under a
 * millisecond).
 */
export function finishPlan(plan: ModelPlan, fn: string, validate = true): ModelPlan {
  deepFreeze(plan);
  if (validate) trusted.set(plan, resolve(fn, plan, 'plan'));
  else pending.add(plan);
  return plan;
}

/** The normalized form of a spec this package wrote (no checks needed). */
function normalizeOwn(spec: InitSpec, shape: readonly number[]): NormalizedInit {
  if (typeof spec === 'string') return { scheme: spec, fields: {} };
  const { scheme, ...fields } = spec as { scheme: NormalizedInit['scheme'] } & Record<string, unknown>;
  if (scheme !== 'concat') return { scheme, fields };
  const c = spec as Extract<InitSpec, { scheme: 'concat' }>;
  const axis = c.axis < 0 ? c.axis + shape.length : c.axis;
  let at = 0;
  const parts = c.parts.map((p) => ({ start: at, end: (at += p.size), init: normalizeOwn(p.init, shape) }));
  return { scheme, fields: { axis, parts: c.parts }, concat: { axis, parts } };
}

function resolveOwn(plan: ModelPlan): ResolvedPlan {
  const tensors: ResolvedTensor[] = [];
  const byName = new Map<string, ResolvedTensor>();
  plan.tensors.forEach((spec, index) => {
    const r: ResolvedTensor = {
      spec, index, shape: spec.shape, numel: numelOf(spec.shape), init: normalizeOwn(spec.init, spec.shape),
      tiedIndex: optional(spec, 'tiedTo') === undefined ? -1 : byName.get(spec.tiedTo!)!.index,
    };
    tensors.push(r);
    byName.set(spec.name, r);
  });
  return { plan, tensors, byName };
}

const TOP = ['format', 'version', 'recipe', 'config', 'options', 'hyper', 'tensors', 'totals'];
const TENSOR_KEYS = ['name', 'shape', 'dtype', 'role', 'init', 'stream', 'lrScale', 'tiedTo', 'layout', 'buffer'];
const HYPER_DEFAULT: PlanHyper = { parametrization: 'standard', widthMultiplier: 1, outputMultiplier: 1, attentionScale: null, residualMultiplier: 1, residualScaling: null };

/**
 * Validates a plan (a recipe's, or one read back from JSON): every tensor's fields, names
 * unique, tiedTo naming an earlier untied tensor of the same shape, every init valid for its
 * shape. Returns the resolved form.
 */
export function checkPlan(fn: string, plan: unknown, what = 'plan'): ResolvedPlan {
  if (plan !== null && typeof plan === 'object') {
    const t = trusted.get(plan);
    if (t !== undefined) return t;
    if (pending.has(plan)) {
      const r = resolveOwn(plan as ModelPlan);
      trusted.set(plan, r);
      return r;
    }
  }
  return resolve(fn, plan, what);
}

function resolve(fn: string, plan: unknown, what: string): ResolvedPlan {
  const o = readOptions(fn, plan, TOP, what);
  if (o.format !== undefined && o.format !== 'nninit.plan') throw rangeError(fn, `${what}.format`, '"nninit.plan"', o.format);
  if (o.version !== undefined && o.version !== 1) throw rangeError(fn, `${what}.version`, '1', o.version);
  if (!Array.isArray(o.tensors)) throw typeError(fn, `${what}.tensors`, 'an array of tensor specs', o.tensors);
  const tensors: ResolvedTensor[] = [];
  const byName = new Map<string, ResolvedTensor>();
  // Plans repeat the same (init, shape) per layer: dry-run each combination once.
  const probed = new Set<string>();
  const list = o.tensors as unknown[];
  for (let i = 0; i < list.length; i++) {
    const w = `${what}.tensors[${i}]`;
    const s = readOptions(fn, list[i], TENSOR_KEYS, w);
    if (typeof s.name !== 'string' || s.name.length === 0) throw typeError(fn, `${w}.name`, 'a non-empty string', s.name);
    const name = s.name;
    if (byName.has(name)) throw rangeError(fn, `${w}.name`, 'unique in the plan', name);
    if (!Array.isArray(s.shape)) throw typeError(fn, `${w}.shape`, 'an array of non-negative integers', s.shape);
    const shape: number[] = [];
    (s.shape as unknown[]).forEach((d, j) => {
      if (typeof d !== 'number') throw typeError(fn, `${w}.shape[${j}]`, 'a non-negative integer', d);
      if (!Number.isSafeInteger(d) || d < 0) throw rangeError(fn, `${w}.shape[${j}]`, 'a non-negative integer', d);
      shape.push(d);
    });
    const numel = numelOf(shape);
    if (numel > MAX_ARRAY_LENGTH * 8) throw rangeError(fn, `${w}.shape`, 'a tensor of at most 2^35 elements', shape);
    const dtype = s.dtype ?? 'float32';
    if (typeof dtype !== 'string' || !(TENSOR_DTYPES as readonly string[]).includes(dtype)) {
      throw (typeof dtype === 'string' ? rangeError : typeError)(fn, `${w}.dtype`, `one of ${TENSOR_DTYPES.join(', ')}`, dtype);
    }
    if (!isRole(s.role)) throw (typeof s.role === 'string' ? rangeError : typeError)(fn, `${w}.role`, `one of ${ROLE_NAMES.join(', ')}`, s.role);
    const stream = s.stream;
    if (typeof stream !== 'number') throw typeError(fn, `${w}.stream`, 'a non-negative safe integer', stream);
    if (!Number.isSafeInteger(stream) || stream < 0) throw rangeError(fn, `${w}.stream`, 'a non-negative safe integer', stream);
    const lr = s.lrScale ?? 1;
    if (typeof lr !== 'number') throw typeError(fn, `${w}.lrScale`, 'a finite number > 0', lr);
    if (!Number.isFinite(lr) || !(lr > 0)) throw rangeError(fn, `${w}.lrScale`, 'a finite number > 0', lr);
    if (s.layout !== undefined && s.layout !== 'torch' && s.layout !== 'keras') throw rangeError(fn, `${w}.layout`, '"torch" or "keras"', s.layout);
    if (s.buffer !== undefined && typeof s.buffer !== 'boolean') throw typeError(fn, `${w}.buffer`, 'a boolean', s.buffer);
    let tiedIndex = -1;
    if (s.tiedTo !== undefined) {
      const target = typeof s.tiedTo === 'string' ? byName.get(s.tiedTo) : undefined;
      if (target === undefined) throw rangeError(fn, `${w}.tiedTo`, 'the name of an earlier tensor of the plan', s.tiedTo);
      if (target.tiedIndex >= 0) throw rangeError(fn, `${w}.tiedTo`, `an untied tensor (${target.spec.name} is itself tied to ${target.spec.tiedTo})`, s.tiedTo);
      if (target.shape.join(',') !== shape.join(',') || target.spec.dtype !== dtype) {
        throw rangeError(fn, `${w}.tiedTo`, `a tensor of the same shape [${shape.join(', ')}] and dtype ${String(dtype)}`, s.tiedTo);
      }
      tiedIndex = target.index;
    }
    const init = checkInit(fn, `${w}.init`, s.init, shape, dtype as TensorDType, probed);
    const spec: TensorSpec = {
      name, shape, dtype: dtype as TensorDType, role: s.role, init: specOf(init), stream, lrScale: lr,
      ...(s.tiedTo === undefined ? {} : { tiedTo: s.tiedTo as string }),
      ...(s.layout === undefined ? {} : { layout: s.layout as FanLayout }),
      ...(s.buffer === undefined ? {} : { buffer: s.buffer as boolean }),
    };
    const r: ResolvedTensor = { spec, index: i, shape, numel, init, tiedIndex };
    tensors.push(r);
    byName.set(name, r);
  }
  const hyper: Record<string, unknown> = { ...HYPER_DEFAULT };
  if (o.hyper !== undefined && o.hyper !== null) {
    const h = readOptions(fn, o.hyper, Object.keys(HYPER_DEFAULT), `${what}.hyper`);
    for (const [k, v] of Object.entries(h)) {
      const ok = k === 'parametrization' ? v === 'standard' || v === 'mup'
        : k === 'residualScaling' ? v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))
          : k === 'attentionScale' ? v === null || (typeof v === 'number' && Number.isFinite(v)) : typeof v === 'number' && Number.isFinite(v);
      if (!ok) throw typeError(fn, `${what}.hyper.${k}`, 'a value of the documented type (see PlanHyper)', v);
      hyper[k] = v;
    }
  }
  const resolved: ModelPlan = {
    format: 'nninit.plan', version: 1,
    recipe: typeof o.recipe === 'string' ? o.recipe : null,
    config: plainJson(fn, `${what}.config`, o.config) as ModelPlan['config'],
    options: plainJson(fn, `${what}.options`, o.options) as ModelPlan['options'],
    hyper: hyper as unknown as PlanHyper,
    tensors: tensors.map((t) => t.spec),
    totals: totalsOf(tensors.map((t) => t.spec)),
  };
  return { plan: resolved, tensors, byName };
}

/** A JSON object (or null) copied by one serialization: later reads see a snapshot. */
function plainJson(fn: string, what: string, v: unknown): Record<string, unknown> | null {
  if (v === undefined || v === null) return null;
  let text: string | undefined;
  try { text = JSON.stringify(v); } catch (e) { throw typeError(fn, what, `a JSON-serializable object (${(e as Error).message})`, v); }
  const copy = text === undefined ? null : JSON.parse(text) as unknown;
  if (copy === null || typeof copy !== 'object' || Array.isArray(copy)) throw typeError(fn, what, 'an object or null', v);
  return copy as Record<string, unknown>;
}

/** Collects tensor specs in order, each stream its index unless given. */
export class PlanBuilder {
  readonly tensors: TensorSpec[] = [];

  /** Adds a tensor; returns it. */
  add(name: string, shape: readonly number[], role: Role, init: InitSpec, given: Partial<Pick<TensorSpec, 'dtype' | 'tiedTo' | 'layout' | 'buffer' | 'lrScale' | 'stream'>> = {}): TensorSpec {
    const extra = Object.assign(Object.create(null), given) as typeof given;
    const t: TensorSpec = {
      name, shape: [...shape], dtype: extra.dtype ?? 'float32', role, init,
      stream: extra.stream ?? (extra.tiedTo !== undefined ? this.tensors.find((x) => x.name === extra.tiedTo)?.stream : undefined) ?? this.tensors.length,
      lrScale: extra.lrScale ?? 1,
      ...(extra.tiedTo === undefined ? {} : { tiedTo: extra.tiedTo }),
      ...(extra.layout === undefined ? {} : { layout: extra.layout }),
      ...(extra.buffer === undefined ? {} : { buffer: extra.buffer }),
    };
    this.tensors.push(t);
    return t;
  }
}

/** Assembles a plan object (not yet frozen). */
export function makePlan(recipe: string | null, config: Record<string, unknown> | null, options: Record<string, unknown> | null, tensors: TensorSpec[], hyper: Partial<PlanHyper> = {}): ModelPlan {
  return {
    format: 'nninit.plan', version: 1, recipe, config, options,
    hyper: { ...HYPER_DEFAULT, ...hyper },
    tensors,
    totals: totalsOf(tensors),
  };
}
