/**
 * `recipe(name, config?, options?)`: a named model's plan, built as its reference
 * implementation names, shapes and initializes it.
 */
import { rangeError, typeError } from '../errors.js';
import { readOptions } from '../validate.js';
import { finishPlan, makePlan, optional, TENSOR_DTYPES, type ModelPlan, type TensorSpec } from './plan.js';
import { applyMup } from './mup.js';
import type { Config, RecipeDef, Built } from './recipes/common.js';
import { gpt2 } from './recipes/gpt2.js';
import { llama } from './recipes/llama.js';
import { bert } from './recipes/bert.js';
import { resnet } from './recipes/resnet.js';
import { lstm } from './recipes/lstm.js';
import { mlp } from './recipes/mlp.js';
import type { ResidualScaling } from './residual.js';
import type { TensorDType } from './init-spec.js';

/** The built-in recipe names. */
export type RecipeName = 'gpt2' | 'llama' | 'bert' | 'resnet' | 'lstm' | 'mlp';

const RECIPES: Readonly<Record<RecipeName, RecipeDef>> = { gpt2, llama, bert, resnet, lstm, mlp };

/** The built-in recipe names, in documentation order. */
export const RECIPE_NAMES: readonly RecipeName[] = Object.freeze(['gpt2', 'llama', 'bert', 'resnet', 'lstm', 'mlp'] as RecipeName[]);

/** Options every recipe accepts (some recipes add their own; see docs/models.md). */
export interface RecipeOptions {
  /** dtype of every floating-point tensor in the plan (default 'float32'). */
  dtype?: 'float32' | 'float64' | 'bfloat16' | 'float16';
  /** How residual branches are scaled with depth: 'gpt2', 'depth', 'fixup', 't-fixup', 'deepnet', 'none' or a number. */
  residualScaling?: ResidualScaling;
  /** 'standard' (default) or 'mup' (needs `base`). */
  parametrization?: 'standard' | 'mup';
  /** muP: the base configuration (a config name or object) whose widths the model is scaled from. */
  base?: string | Record<string, unknown>;
  /** muP: output multiplier of the readout (default 1); the plan's hyper.outputMultiplier is this / widthMultiplier. */
  outputMultiplier?: number;
  /** muP: attention logits are scaled by attentionMultiplier / headDim (default 1). */
  attentionMultiplier?: number;
  /** muP: zero-initialize the readout (mup's readout_zero_init; default false). */
  readoutZeroInit?: boolean;
  /** GPT-2: add GPT2LMHeadModel's lm_head (tied to wte) and the `transformer.` prefix. */
  lmHead?: boolean;
  /** Llama: 'torchtitan' (default) or 'hf' tensor names. */
  names?: 'torchtitan' | 'hf';
  /** BERT: include the pooler (default true). */
  pooler?: boolean;
  /** ResNet: zero the last BatchNorm weight of each residual branch (default false). */
  zeroInitResidual?: boolean;
  /** LSTM: 'torch' (default) or 'keras'. */
  style?: 'torch' | 'keras';
  /** LSTM, Keras style: ones for the forget gate's bias block (default true). */
  unitForgetBias?: boolean;
}

const SHARED = ['dtype', 'residualScaling', 'parametrization', 'base', 'outputMultiplier', 'attentionMultiplier', 'readoutZeroInit'];

/** A recipe's definition by name. */
export function recipeDef(fn: string, name: unknown): RecipeDef {
  if (typeof name !== 'string' || !(RECIPE_NAMES as readonly string[]).includes(name)) {
    throw (typeof name === 'string' ? rangeError : typeError)(fn, 'name', `one of ${RECIPE_NAMES.map((n) => JSON.stringify(n)).join(', ')}`, name);
  }
  return RECIPES[name as RecipeName];
}

const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/**
 * Resolves a config argument (a name, an object of overrides, or undefined) to a checked,
 * complete config: a null-prototype object holding every field, so no field is ever read
 * from a (polluted) prototype.
 */
export function resolveConfig(fn: string, def: RecipeDef, config: unknown, what = 'config'): Config {
  const names = Object.keys(def.configs);
  const check = (c: Config): Config => Object.assign(Object.create(null) as Config, def.check(fn, what, c));
  const needs = (): string => def.configKeys.filter((k) => !own(def.defaults, k)).join(', ');
  const full = (given: Readonly<Record<string, unknown>>): Config => {
    const c = Object.assign(Object.create(null) as Config, def.defaults);
    for (const k of def.configKeys) if (own(given, k) && given[k] !== undefined) c[k] = given[k];
    return c;
  };
  if (config === undefined) {
    if (def.defaultConfig === null) throw typeError(fn, what, `an object with ${needs()} (the ${def.name} recipe has no default)`, config);
    return check(full(def.configs[def.defaultConfig]!));
  }
  if (typeof config === 'string') {
    if (!names.includes(config)) {
      throw rangeError(fn, what, names.length ? `one of ${names.map((n) => JSON.stringify(n)).join(', ')} or a config object` : `a config object (the ${def.name} recipe has no named configs)`, config);
    }
    return check(full(def.configs[config]!));
  }
  const merged = full(readOptions(fn, config, def.configKeys, what));
  for (const k of def.configKeys) {
    if (!own(merged, k)) throw typeError(fn, `${what}.${k}`, `given (the ${def.name} recipe needs ${needs()})`, undefined);
  }
  return check(merged);
}

/**
 * The plan of a named model: every tensor with its reference name, shape, role, serializable
 * init, stream and lrScale, plus totals and hyperparameters. Nothing is allocated.
 *
 * @param name - 'gpt2', 'llama', 'bert', 'resnet', 'lstm' or 'mlp'.
 * @param config - A named configuration ('gpt2-medium', 'llama3-8b', 'resnet50', ...) or an
 *   object of fields (missing fields take the recipe's defaults).
 * @param options - See {@link RecipeOptions}.
 * @example
 * ```ts
 * const plan = recipe('gpt2', 'gpt2');
 * plan.totals.parameters; // 124439808
 * plan.tensors.find((t) => t.name === 'h.0.attn.c_proj.weight')!.init; // { scheme: 'normal', std: 0.02 / Math.sqrt(24) }
 * ```
 */
export function recipe(name: RecipeName, config?: string | Record<string, unknown>, options?: RecipeOptions): ModelPlan {
  return recipeAs('recipe', name, config, options);
}

/** {@link recipe}, with errors naming `fn` (recipeRules reads the same arguments). */
export function recipeAs(fn: string, name: unknown, config: unknown, options: unknown): ModelPlan {
  const def = recipeDef(fn, name);
  const c = resolveConfig(fn, def, config);
  const o = readOptions(fn, options, [...SHARED, ...def.optionKeys]);
  const dtype = o.dtype ?? 'float32';
  if (typeof dtype !== 'string' || !(TENSOR_DTYPES as readonly string[]).includes(dtype) || dtype === 'int64') {
    throw (typeof dtype === 'string' ? rangeError : typeError)(fn, 'options.dtype', 'one of "float32", "float64", "bfloat16", "float16"', dtype);
  }
  const par = o.parametrization ?? 'standard';
  if (par !== 'standard' && par !== 'mup') throw (typeof par === 'string' ? rangeError : typeError)(fn, 'options.parametrization', '"standard" or "mup"', par);
  const mupKeys = ['base', 'outputMultiplier', 'attentionMultiplier', 'readoutZeroInit'];
  if (par !== 'mup') {
    for (const k of mupKeys) if (o[k] !== undefined) throw typeError(fn, `options.${k}`, "undefined unless options.parametrization is 'mup'", o[k]);
  }
  const recipeOptions = Object.create(null) as Record<string, unknown>;
  for (const k of def.optionKeys) if (o[k] !== undefined) recipeOptions[k] = o[k];
  if (o.residualScaling !== undefined) recipeOptions.residualScaling = o.residualScaling;
  const built: Built = def.build(fn, c, recipeOptions);
  let tensors: TensorSpec[] = built.tensors;
  let widthMultiplier = 1, outputMultiplier = 1;
  let attentionScale = built.headDim === null ? null : 1 / Math.sqrt(built.headDim);
  let baseConfig: Config | undefined;
  if (par === 'mup') {
    if (!def.mup) throw rangeError(fn, 'options.parametrization', `"standard" for the ${def.name} recipe (muP is supported by gpt2, llama, bert and mlp)`, par);
    if (o.base === undefined) throw typeError(fn, 'options.base', "the base configuration (a name or object) with parametrization 'mup'", o.base);
    baseConfig = resolveConfig(fn, def, o.base, 'options.base');
    const om = o.outputMultiplier ?? 1;
    const am = o.attentionMultiplier ?? 1;
    for (const [k, v] of [['outputMultiplier', om], ['attentionMultiplier', am]] as const) {
      if (typeof v !== 'number') throw typeError(fn, `options.${k}`, 'a finite number > 0', v);
      if (!Number.isFinite(v) || !(v > 0)) throw rangeError(fn, `options.${k}`, 'a finite number > 0', v);
    }
    const rz = o.readoutZeroInit ?? false;
    if (typeof rz !== 'boolean') throw typeError(fn, 'options.readoutZeroInit', 'a boolean', rz);
    if (rz && tensors.some((t) => t.role === 'output' && optional(t, 'tiedTo') !== undefined)) {
      throw rangeError(fn, 'options.readoutZeroInit', 'false when the readout is tied to the embedding (zeroing it would zero the embedding)', rz);
    }
    const baseBuilt = def.build(fn, baseConfig, recipeOptions);
    tensors = applyMup(fn, tensors, baseBuilt.tensors, { outputMultiplier: om as number, readoutZeroInit: rz });
    widthMultiplier = built.width / baseBuilt.width;
    outputMultiplier = (om as number) / widthMultiplier;
    if (built.headDim !== null) attentionScale = (am as number) / built.headDim;
  }
  if (dtype !== 'float32') tensors = tensors.map((t) => (t.dtype === 'int64' ? t : { ...t, dtype: dtype as TensorDType }));
  for (const t of tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(n * 8)) throw rangeError(fn, 'config', `a model whose tensors have at most 2^50 elements (${t.name} would have ${n})`, config);
  }
  // Every recorded value was validated above (base: the resolved config, never re-read).
  const recorded: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && k !== 'base') recorded[k] = v;
  if (baseConfig !== undefined) recorded.base = baseConfig;
  const plan = makePlan(def.name, c, recorded, tensors, {
    parametrization: par, widthMultiplier, outputMultiplier, attentionScale,
    residualMultiplier: built.residualMultiplier,
    residualScaling: built.residualScaling === null ? null : built.residualScaling,
  });
  return finishPlan(plan, fn, false);
}

/**
 * The named configurations of a recipe (a copy: every field of each).
 * @example
 * ```ts
 * Object.keys(recipeConfigs('gpt2')); // ['gpt2', 'gpt2-medium', 'gpt2-large', 'gpt2-xl']
 * ```
 */
export function recipeConfigs(name: RecipeName): Record<string, Record<string, unknown>> {
  return JSON.parse(JSON.stringify(recipeDef('recipeConfigs', name).configs)) as Record<string, Record<string, unknown>>;
}
