/**
 * `fileIO(path)`: a TF.js IOHandler over node:fs, so `tf.loadLayersModel(fileIO('model.json'))`
 * and `model.save(fileIO('model.json'))` work with tfjs-core and tfjs-layers alone (no
 * tfjs-node, whose `file://` scheme this replaces). The files are TF.js's: `model.json`
 * (topology, weights manifest, training config) and the weight shards its manifest names.
 *
 * @packageDocumentation
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type * as TfCore from '@tensorflow/tfjs-core';
import { typeError } from '../errors.js';
import { tfModules } from '../tfjs.js';

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
  const io: IO = tfModules().core.io;
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
