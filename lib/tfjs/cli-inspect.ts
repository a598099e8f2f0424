/**
 * `nninit inspect --model model.json --input batch.npy [--labels y.npy]`: loads a tfjs-layers
 * model from disk ({@link fileIO}) and NumPy batches ({@link readNpy}), runs
 * {@link inspectModel} and prints its table and chart (or JSON). lib/cli.ts loads this file
 * only for `--model`, so the command works without TF.js for everything else.
 *
 * @packageDocumentation
 */
import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import { readNpy, type NpyArray } from '../npy.js';
import { renderChart, renderSvg, renderTable, type ChartMetric } from '../diagnostics/render.js';
import { tfModules } from '../tfjs.js';
import { fileIO } from './file-io.js';
import { inspectModel } from './inspect-model.js';

/** What `nninit inspect --model` was asked. */
export interface ModelCommand {
  model: string;
  /** One .npy file per model input. */
  inputs: string[];
  /** One .npy file per model output, or none. */
  labels: string[];
  seed?: number | bigint;
  metric: ChartMetric;
  json: boolean;
  chart: boolean;
  svg?: string;
  training: boolean;
}

/** Registers a TF.js backend when none is: tfjs-node if installed, else tfjs-backend-cpu (next to the tfjs-core in use). */
export function ensureBackend(): void {
  const { core } = tfModules();
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

function readAll(kind: string, paths: readonly string[]): NpyArray[] {
  return paths.map((p) => {
    try {
      return readNpy(p);
    } catch (e) {
      throw new Error(`${kind} ${p}: ${(e as Error).message.replace(/^nninit\.(readNpy|parseNpy): /, '')}`, { cause: e });
    }
  });
}

/** Runs the command; resolves to the exit code (errors propagate to lib/cli.ts, which prints them). */
export async function runModelCommand(c: ModelCommand, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  ensureBackend();
  const xs = readAll('--input', c.inputs);
  const ys = readAll('--labels', c.labels);
  let model;
  try {
    model = await tfModules().layers.loadLayersModel(fileIO(c.model));
  } catch (e) {
    throw new Error(`--model ${c.model}: ${(e as Error).message.replace(/^nninit\.tfjs\.fileIO: cannot load [^:]*: /, '')}`, { cause: e });
  }
  try {
    let report;
    try {
      report = inspectModel(model, xs.length === 1 ? xs[0]! : xs, {
        ...(ys.length === 0 ? {} : { labels: ys.length === 1 ? ys[0]! : ys }),
        ...(c.seed === undefined ? {} : { seed: c.seed }),
        training: c.training,
      });
    } catch (e) {
      if (e instanceof TypeError || e instanceof RangeError) {
        throw new Error(`${c.inputs.join(',')}${c.labels.length ? ` / ${c.labels.join(',')}` : ''} do not fit ${c.model}: ${e.message.replace(/^nninit\.tfjs\.inspectModel: /, '')}`, { cause: e });
      }
      throw e;
    }
    if (c.json) out(JSON.stringify(report, null, 2) + '\n');
    else {
      out(renderTable(report));
      if (c.chart) out('\n' + renderChart(report, { metric: c.metric }));
    }
    if (c.svg !== undefined) {
      try {
        writeFileSync(c.svg, renderSvg(report, { metric: c.metric }));
      } catch (e) {
        err(`nninit inspect: cannot write ${c.svg}: ${(e as Error).message}\n`);
        return 1;
      }
      err(`nninit inspect: chart written to ${c.svg}\n`);
    }
    return 0;
  } finally {
    model.dispose();
  }
}
