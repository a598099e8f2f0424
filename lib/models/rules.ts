/**
 * Custom models: `planFromShapes(shapes, rules)` maps each named tensor to the first rule
 * whose pattern matches its whole name. Patterns are globs (`*` any run of characters
 * without a dot, `**` any run, `?` one character other than a dot, `{a,b}` alternatives,
 * `\` escapes) or RegExps (tested against the whole name: anchor them yourself if needed).
 * A tensor no rule matches is an error naming it. Each built-in recipe is also available as
 * a rule set (`recipeRules`), so a checkpoint's header can be planned as the recipe plans it.
 */
import { rangeError, typeError } from '../errors.js';
import { readOptions } from '../validate.js';
import { isRole, ROLE_NAMES, type Role } from './roles.js';
import { finishPlan, makePlan, optional, TENSOR_DTYPES, type ModelPlan, type TensorSpec } from './plan.js';
import type { FanLayout, InitSpec, TensorDType } from './init-spec.js';
import { recipeAs, type RecipeName, type RecipeOptions } from './recipe.js';

/** One rule: a name pattern and what a matching tensor is. */
export interface Rule {
  /** A glob (see the module comment) or a RegExp. */
  pattern: string | RegExp;
  role: Role;
  init: InitSpec;
  /** Default 1. */
  lrScale?: number;
  /** Default: planFromShapes' dtype option, else 'float32'. */
  dtype?: TensorDType;
  /** Share the values of this (earlier) tensor. */
  tiedTo?: string;
  /** 'torch' ([out, in], default) or 'keras' ([in, out]): the split axes of 'out'/'in' roles. */
  layout?: FanLayout;
  /** A buffer, not a parameter. */
  buffer?: boolean;
}

/** Tensor shapes by name: a record, a Map, a list of [name, shape] or { name, shape }, or readSafetensors' result. */
export type Shapes =
  | Readonly<Record<string, readonly number[]>>
  | ReadonlyMap<string, readonly number[] | { readonly shape: readonly number[] }>
  // A TF.js LayerVariable's shape is typed (number | null)[]; weights always have numbers.
  | readonly (readonly [string, readonly number[]] | { readonly name: string; readonly shape: readonly (number | null)[] })[]
  | { readonly tensors: ReadonlyMap<string, { readonly shape: readonly number[] }> };

/** Options of {@link planFromShapes}. */
export interface PlanFromShapesOptions {
  /** dtype of tensors whose rule sets none (default 'float32'). */
  dtype?: 'float32' | 'float64' | 'bfloat16' | 'float16';
}

/** Compiles a glob to an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let depth = 0;
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '\\' && i + 1 < glob.length) { re += glob[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'); continue; }
    if (ch === '*') {
      if (glob[i + 1] === '*') { re += '.*'; i++; } else re += '[^.]*';
    } else if (ch === '?') re += '[^.]';
    else if (ch === '{') { re += '(?:'; depth++; }
    else if (ch === '}' && depth > 0) { re += ')'; depth--; }
    else if (ch === ',' && depth > 0) re += '|';
    else re += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  if (depth !== 0) throw new SyntaxError(`unbalanced { in ${JSON.stringify(glob)}`);
  return new RegExp(`^${re}$`);
}

/** Escapes a literal name for use as a glob. */
export function escapeGlob(name: string): string {
  return name.replace(/[\\*?{},]/g, '\\$&');
}

interface CompiledRule { test: RegExp; rule: Rule; index: number }

function compileRules(fn: string, rules: unknown): CompiledRule[] {
  if (!Array.isArray(rules) || rules.length === 0) throw typeError(fn, 'rules', 'a non-empty array of { pattern, role, init }', rules);
  return rules.map((r: unknown, i: number) => {
    const w = `rules[${i}]`;
    const o = readOptions(fn, r, ['pattern', 'role', 'init', 'lrScale', 'dtype', 'tiedTo', 'layout', 'buffer'], w);
    let test: RegExp;
    if (o.pattern instanceof RegExp) {
      test = new RegExp(o.pattern.source, o.pattern.flags.replace(/[gy]/g, ''));
    } else if (typeof o.pattern === 'string' && o.pattern.length > 0) {
      try { test = globToRegExp(o.pattern); } catch (e) { throw rangeError(fn, `${w}.pattern`, `a valid glob (${(e as Error).message})`, o.pattern); }
    } else {
      throw typeError(fn, `${w}.pattern`, 'a non-empty glob string or a RegExp', o.pattern);
    }
    if (!isRole(o.role)) throw (typeof o.role === 'string' ? rangeError : typeError)(fn, `${w}.role`, `one of ${ROLE_NAMES.join(', ')}`, o.role);
    if (o.dtype !== undefined && (typeof o.dtype !== 'string' || !(TENSOR_DTYPES as readonly string[]).includes(o.dtype))) {
      throw (typeof o.dtype === 'string' ? rangeError : typeError)(fn, `${w}.dtype`, `one of ${TENSOR_DTYPES.join(', ')}`, o.dtype);
    }
    if (o.tiedTo !== undefined && typeof o.tiedTo !== 'string') throw typeError(fn, `${w}.tiedTo`, 'a tensor name', o.tiedTo);
    return { test, rule: o as unknown as Rule, index: i };
  });
}

function shapeList(fn: string, shapes: unknown): [string, unknown][] {
  if (shapes instanceof Map) return [...shapes.entries()].map(([k, v]) => [k, v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as { shape: unknown }).shape : v]);
  if (Array.isArray(shapes)) {
    return shapes.map((e: unknown, i: number) => {
      if (Array.isArray(e) && e.length === 2) return [e[0], e[1]] as [string, unknown];
      if (e !== null && typeof e === 'object') return [(e as { name: string }).name, (e as { shape: unknown }).shape];
      throw typeError(fn, `shapes[${i}]`, 'a [name, shape] pair or { name, shape }', e);
    });
  }
  if (shapes !== null && typeof shapes === 'object') {
    const t = Object.prototype.hasOwnProperty.call(shapes, 'tensors') ? (shapes as { tensors?: unknown }).tensors : undefined;
    if (t instanceof Map) return shapeList(fn, t);
    return Object.keys(shapes).map((k) => [k, (shapes as Record<string, unknown>)[k]]);
  }
  throw typeError(fn, 'shapes', 'a record or Map of name → shape, a list of [name, shape], or readSafetensors() output', shapes);
}

/**
 * Plans a custom model from its tensor shapes and an ordered rule list: each tensor takes
 * the first rule whose pattern matches its name; its stream is its index in `shapes`.
 * @throws RangeError naming the first tensor no rule matches.
 * @example
 * ```ts
 * const plan = planFromShapes({ 'fc1.weight': [256, 784], 'fc1.bias': [256] }, [
 *   { pattern: '*.weight', role: 'dense', init: { scheme: 'kaimingNormal', nonlinearity: 'relu' } },
 *   { pattern: '*.bias', role: 'bias', init: 'zeros' },
 * ]);
 * ```
 */
export function planFromShapes(shapes: Shapes, rules: readonly Rule[], options?: PlanFromShapesOptions): ModelPlan {
  const fn = 'planFromShapes';
  const compiled = compileRules(fn, rules);
  const o = readOptions(fn, options, ['dtype']);
  const dtype = o.dtype ?? 'float32';
  if (typeof dtype !== 'string' || !['float32', 'float64', 'bfloat16', 'float16'].includes(dtype)) {
    throw (typeof dtype === 'string' ? rangeError : typeError)(fn, 'options.dtype', 'one of "float32", "float64", "bfloat16", "float16"', dtype);
  }
  const list = shapeList(fn, shapes);
  const tensors: TensorSpec[] = [];
  const streams = new Map<string, number>();
  list.forEach(([name, shape], i) => {
    if (typeof name !== 'string' || name.length === 0) throw typeError(fn, `shapes[${i}] name`, 'a non-empty string', name);
    const hit = compiled.find((c) => c.test.test(name));
    if (hit === undefined) throw rangeError(fn, 'rules', `rules that match every tensor; no rule matches ${JSON.stringify(name)}`, name);
    const r = hit.rule;
    if (!Array.isArray(shape)) throw typeError(fn, `the shape of ${JSON.stringify(name)}`, 'an array of non-negative integers', shape);
    const stream = r.tiedTo !== undefined && streams.has(r.tiedTo) ? streams.get(r.tiedTo)! : i;
    const t: TensorSpec = {
      name, shape: [...(shape as number[])], dtype: r.dtype ?? (dtype as TensorDType), role: r.role, init: r.init, stream, lrScale: r.lrScale ?? 1,
      ...(r.tiedTo === undefined ? {} : { tiedTo: r.tiedTo }),
      ...(r.layout === undefined ? {} : { layout: r.layout }),
      ...(r.buffer === undefined ? {} : { buffer: r.buffer }),
    };
    streams.set(name, stream);
    tensors.push(t);
  });
  return finishPlan(makePlan(null, null, null, JSON.parse(JSON.stringify(tensors)) as TensorSpec[]), fn);
}

/**
 * A built-in recipe as a rule list: tensors that differ only in their layer numbers and share
 * role, init, dtype, layout and lrScale become one glob (`h.*.attn.c_proj.weight`); the rest
 * are exact names. Applied by planFromShapes to the recipe's own shapes in its order, it
 * gives the recipe's plan.
 * @example
 * ```ts
 * const rules = recipeRules('gpt2', 'gpt2-medium');
 * rules.find((r) => r.pattern === 'h.*.attn.c_proj.weight')!.init; // { scheme: 'normal', std: 0.02 / Math.sqrt(48) }
 * ```
 */
export function recipeRules(name: RecipeName, config?: string | Record<string, unknown>, options?: RecipeOptions): Rule[] {
  const plan = recipeAs('recipeRules', name, config, options);
  const key = (t: TensorSpec): string => JSON.stringify([t.role, t.init, t.dtype, optional(t, 'layout') ?? null, t.lrScale, optional(t, 'tiedTo') ?? null, optional(t, 'buffer') ?? null]);
  const groups = new Map<string, TensorSpec[]>();
  const globOf = (n: string): string => escapeGlob(n).split('.').map((seg) => (/^\d+$/.test(seg) ? '*' : seg)).join('.');
  for (const t of plan.tensors) {
    const g = globOf(t.name);
    const list = groups.get(g);
    if (list === undefined) groups.set(g, [t]); else list.push(t);
  }
  const rules: Rule[] = [];
  const done = new Set<string>();
  for (const t of plan.tensors) {
    const g = globOf(t.name);
    const list = groups.get(g)!;
    const uniform = list.every((x) => key(x) === key(list[0]!));
    const pattern = uniform ? g : escapeGlob(t.name);
    if (done.has(pattern)) continue;
    done.add(pattern);
    rules.push({
      pattern, role: t.role, init: t.init,
      ...(t.lrScale === 1 ? {} : { lrScale: t.lrScale }),
      dtype: t.dtype,
      ...(optional(t, 'tiedTo') === undefined ? {} : { tiedTo: t.tiedTo! }),
      ...(optional(t, 'layout') === undefined ? {} : { layout: t.layout! }),
      ...(optional(t, 'buffer') === undefined ? {} : { buffer: t.buffer! }),
    });
  }
  return rules;
}
