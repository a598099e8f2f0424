/**
 * Loading TF.js for nninit/tfjs: `@tensorflow/tfjs-layers` and the `@tensorflow/tfjs-core`
 * that copy of tfjs-layers uses, else the `@tensorflow/tfjs` bundle. TF.js is an optional
 * peer dependency: only this subpath loads it.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';

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
