/**
 * reinitialize: every weight of a TF.js layers model from one nninit seed, each with the
 * nninit scheme of the initializer its layer was configured with.
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';
import { typeError, rangeError } from '../errors.js';
import { oneOf, readOptions } from '../validate.js';
import { compactSeed, resolveSeed, seedValue, seedWords, type Seed } from '../seed.js';
import { CONVENTIONS, type Convention } from '../tensor.js';
import { tf, TfInitializerBase, type TfInitializer } from './loader.js';
import { checkScheme, runScheme, schemeFor, type Scheme } from './initializer.js';

type Tensor = TfCore.Tensor;
type LayersModel = TfLayers.LayersModel;
type Opts = Record<string, unknown>;

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
  convention?: Convention;
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
    if (v instanceof TfInitializerBase) return v;
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
  const o = readOptions(fn, options, ['seed', 'firstStream', 'unknown', 'convention']);
  if (o.seed !== undefined) seedWords(fn, 'options.seed', o.seed);
  if (o.firstStream !== undefined) {
    if (o.seed === undefined) throw typeError(fn, 'options.firstStream', 'undefined when options.seed is not given', o.firstStream);
    seedWords(fn, 'options.firstStream', o.firstStream);
  }
  const unknown = oneOf(fn, 'options.unknown', o.unknown, ['error', 'skip'] as const, 'error');
  const convention = oneOf(fn, 'options.convention', o.convention, CONVENTIONS, 'keras');
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
    if (spec !== undefined) {
      try {
        checkScheme(spec.scheme, spec.scheme, w.shape as number[], opts);
      } catch (e) {
        // The scheme's options come from the model's initializer, not the caller's: say
        // which weight, then the scheme's own message.
        if (!(e instanceof TypeError || e instanceof RangeError)) throw e;
        const E = e instanceof TypeError ? TypeError : RangeError;
        throw new E(`nninit.${fn}: the initializer of weight ${index} (${w.name}) is not valid for shape [${w.shape.join(', ')}]: ${e.message}`);
      }
    }
    return { w, index, role, layer: loc?.owner.layer ?? '', spec, source, opts, ufb };
  });

  const base = o.seed === undefined ? undefined : seedValue(fn, 'options.seed', o.seed);
  const first = o.firstStream === undefined ? 0n : seedValue(fn, 'options.firstStream', o.firstStream);
  if (first + BigInt(weights.length) > 1n << 64n) throw rangeError(fn, 'options.firstStream', `at most 2^64 - ${weights.length} (one stream per weight)`, o.firstStream);
  const summary: ReinitializedWeight[] = [];
  const tensors: Tensor[] = [];
  try {
    for (const p of plans) {
      const key = base === undefined ? resolveSeed(fn, undefined, undefined) : { seed: base, stream: first + BigInt(p.index) };
      const seed = compactSeed(key.seed), stream = compactSeed(key.stream);
      if (p.spec === undefined) {
        tensors.push(tf.core.clone(p.w.read()));
      } else {
        const values = runScheme(fn, p.spec.scheme, p.w.shape as number[], p.opts, seed, stream);
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
