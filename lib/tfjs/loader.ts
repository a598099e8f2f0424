/**
 * Loading TF.js for nninit/tfjs: `@tensorflow/tfjs-layers` and the `@tensorflow/tfjs-core`
 * that copy of tfjs-layers uses, else the `@tensorflow/tfjs` bundle. TF.js is an optional
 * peer dependency: only this subpath loads it. Also the rest of nninit/tfjs's platform
 * access: a backend when none is registered, models on disk ({@link fileIO}) and the
 * monitor's output files. No other file of nninit/tfjs touches `node:` modules.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';
import { typeError } from '../errors.js';

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

/** The loaded modules. */
export const tf = loadTf();

/** The TF.js modules nninit/tfjs loaded (the same instances your code gets from `require`). */
export function tfModules(): TfModules {
  return tf;
}

/** A TF.js initializer (the instance type of `tf.initializers.*`). */
export type TfInitializer = ReturnType<typeof TfLayers.initializers.constant>;

// tfjs-layers does not export its Initializer base class, and getInitializer() accepts an
// object only if it is an `instanceof` that class, so reach it through a built-in one.
/** tfjs-layers' `Initializer` base class (which tfjs-layers does not export), for `instanceof` checks and custom initializers. */
export const TfInitializerBase = Object.getPrototypeOf(tf.layers.initializers.zeros().constructor) as abstract new () => TfInitializer;

/** Registers a TF.js backend when none is: tfjs-node if installed, else tfjs-backend-cpu (next to the tfjs-core in use). */
export function ensureBackend(): void {
  const { core } = tf;
  if (core.engine().backendNames().length > 0) return;
  const req = createRequire(__filename);
  const corePath = req.resolve('@tensorflow/tfjs-core');
  for (const name of ['@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-node']) {
    try {
      req(req.resolve(name, { paths: [dirname(corePath)] }));
      if (core.engine().backendNames().length > 0) return;
    } catch { /* try the next */ }
  }
  throw new Error('no TF.js backend is registered: install @tensorflow/tfjs-backend-cpu (or @tensorflow/tfjs-node) next to nninit');
}

/** Writes a text file (the monitor's history and chart). */
export function writeTextFile(path: string, text: string): void {
  writeFileSync(path, text);
}

// ---------------------------------------------------------------------------------------
// Models on disk: `fileIO(path)`, a TF.js IOHandler over node:fs, so
// `tf.loadLayersModel(fileIO('model.json'))` and `model.save(fileIO('model.json'))` work with
// tfjs-core and tfjs-layers alone (no tfjs-node, whose `file://` scheme this replaces). The
// files are TF.js's: `model.json` (topology, weights manifest, training config) and the
// weight shards its manifest names.

type IO = typeof TfCore.io;
type ModelArtifacts = TfCore.io.ModelArtifacts;
type ModelJSON = TfCore.io.ModelJSON;

function fail(path: string, why: string, cause?: unknown): Error {
  return new Error(`nninit.tfjs.fileIO: cannot load ${path}: ${why}`, cause === undefined ? undefined : { cause });
}

function bytesOf(data: ArrayBuffer | ArrayBuffer[] | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  const parts = Array.isArray(data) ? data : [data];
  const out = new Uint8Array(parts.reduce((a, p) => a + p.byteLength, 0));
  let o = 0;
  for (const p of parts) { out.set(new Uint8Array(p), o); o += p.byteLength; }
  return out;
}

/**
 * An IOHandler reading and writing a TF.js layers model as files: `path` is the
 * `model.json`; saving writes the weights beside it as `<name>.weights.bin` (one shard);
 * loading reads every shard its manifest lists, which must lie in the same directory tree.
 *
 * @example
 * ```ts
 * await model.save(fileIO('out/model.json'));
 * const again = await tf.loadLayersModel(fileIO('out/model.json'));
 * ```
 */
export function fileIO(path: string): TfCore.io.IOHandler {
  if (typeof path !== 'string' || path === '') throw typeError('tfjs.fileIO', 'path', 'the path of a model.json file', path);
  const io: IO = tf.core.io;
  const json = resolve(path);
  const dir = dirname(json);
  return {
    async load(): Promise<ModelArtifacts> {
      let doc: ModelJSON;
      try {
        doc = JSON.parse(readFileSync(json, 'utf8')) as ModelJSON;
      } catch (e) {
        throw fail(path, e instanceof SyntaxError ? `not JSON (${e.message})` : (e as Error).message, e);
      }
      if (doc === null || typeof doc !== 'object' || typeof doc.modelTopology !== 'object' || doc.modelTopology === null) {
        throw fail(path, 'no modelTopology: not a TF.js layers model.json (tfjs.converters.save_keras_model or model.save() write one)');
      }
      const manifest = doc.weightsManifest ?? [];
      if (!Array.isArray(manifest)) throw fail(path, 'weightsManifest is not an array');
      const specs: TfCore.io.WeightsManifestEntry[] = [];
      const shards: Uint8Array[] = [];
      for (const group of manifest) {
        if (!Array.isArray(group?.paths) || !Array.isArray(group?.weights)) throw fail(path, 'a weightsManifest group lacks paths or weights');
        specs.push(...group.weights);
        for (const p of group.paths) {
          const file = resolve(dir, decodeURIComponent(p));
          const rel = relative(dir, file);
          if (rel.startsWith('..') || isAbsolute(rel)) throw fail(path, `weight file ${JSON.stringify(p)} is outside the model's directory`);
          try {
            shards.push(readFileSync(file));
          } catch (e) {
            throw fail(path, `weight file ${p}: ${(e as Error).message}`, e);
          }
        }
      }
      const weightData = bytesOf(shards.map((s) => s.buffer.slice(s.byteOffset, s.byteOffset + s.byteLength) as ArrayBuffer));
      const sizes: Record<string, number> = { float32: 4, int32: 4, uint8: 1, bool: 1, float16: 2, int16: 2, complex64: 8 };
      const need = specs.reduce((a, w) => {
        const q = w.quantization;
        const bytes = q !== undefined ? (q.dtype === 'uint16' || q.dtype === 'float16' ? 2 : 1) : (sizes[w.dtype] ?? 4);
        return a + bytes * (w.shape as number[]).reduce((x, d) => x * d, 1);
      }, 0);
      if (specs.every((w) => w.dtype !== 'string') && need !== weightData.byteLength) {
        throw fail(path, `its weight files hold ${weightData.byteLength} bytes but the manifest's ${specs.length} weights need ${need}`);
      }
      return {
        modelTopology: doc.modelTopology, format: doc.format, generatedBy: doc.generatedBy, convertedBy: doc.convertedBy,
        weightSpecs: specs, weightData: weightData.buffer as ArrayBuffer, trainingConfig: doc.trainingConfig, userDefinedMetadata: doc.userDefinedMetadata,
      };
    },
    async save(artifacts: ModelArtifacts): Promise<TfCore.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) throw new Error('nninit.tfjs.fileIO: can save layers models only (modelTopology is binary)');
      const weightsName = `${basename(json).replace(/\.json$/i, '')}.weights.bin`;
      const data = bytesOf(artifacts.weightData as ArrayBuffer | ArrayBuffer[] | undefined);
      const doc: ModelJSON = {
        modelTopology: artifacts.modelTopology as object, format: artifacts.format ?? 'layers-model', generatedBy: artifacts.generatedBy ?? 'nninit',
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [weightsName], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.trainingConfig === undefined ? {} : { trainingConfig: artifacts.trainingConfig }),
        ...(artifacts.userDefinedMetadata === undefined ? {} : { userDefinedMetadata: artifacts.userDefinedMetadata }),
      };
      writeFileSync(join(dir, weightsName), data);
      writeFileSync(json, JSON.stringify(doc));
      return { modelArtifactsInfo: io.getModelArtifactsInfoForJSON(artifacts) };
    },
  };
}
