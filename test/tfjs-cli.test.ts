/**
 * `nninit inspect --model model.json --input batch.npy [--labels y.npy]`: a TF.js model saved
 * to disk with fileIO, NumPy batches written with writeNpy (and by NumPy itself), in-process
 * through main() and once through the real launcher; and fileIO's own round trip and errors.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import * as nn from '../lib/index.js';
import { main } from '../lib/cli.js';
import { fileIO, initializers, writeNpy, type ModelReport } from '../lib/tfjs/index.js';
import { checkWellFormedXml } from './diagnostics-helpers.js';
import { quietCpuBackend } from './tfjs-helpers.js';

const ROOT = join(__dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'nninit-tfjs-cli-'));
const MODEL = join(tmp, 'model.json');
const X = join(tmp, 'x.npy'), Y = join(tmp, 'y.npy'), YIDX = join(tmp, 'yidx.npy');

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
  return { code, out, err };
}

beforeAll(async () => {
  await quietCpuBackend();
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [12], units: 16, activation: 'tanh', kernelInitializer: initializers.xavierNormal({ gain: 5 / 3, seed: 1, stream: 0 }) }),
      tfl.layers.dense({ units: 16, activation: 'tanh', kernelInitializer: initializers.xavierNormal({ gain: 5 / 3, seed: 1, stream: 1 }) }),
      tfl.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: initializers.glorotUniform({ seed: 1, stream: 2 }) }),
    ],
  });
  model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  await model.save(fileIO(MODEL), { includeOptimizer: true }); // the training config (loss) comes with the optimizer
  model.dispose();
  writeNpy(X, { data: nn.fillNormal(new Float32Array(32 * 12), { seed: 4 }), shape: [32, 12] });
  const y = new Float32Array(32 * 3);
  for (let i = 0; i < 32; i++) y[i * 3 + (i % 3)] = 1;
  writeNpy(Y, { data: y, shape: [32, 3] });
  writeNpy(YIDX, { data: BigInt64Array.from({ length: 32 }, (_, i) => BigInt(i % 3)), shape: [32] });
});
afterAll(() => { tfc.disposeVariables(); rmSync(tmp, { recursive: true, force: true }); });

describe('fileIO', () => {
  it('saves model.json and its weights, and loads the same model back', async () => {
    expect(existsSync(join(tmp, 'model.weights.bin'))).toBe(true);
    const doc = JSON.parse(readFileSync(MODEL, 'utf8')) as { weightsManifest: { paths: string[] }[]; trainingConfig: { loss: string } };
    expect(doc.weightsManifest[0]!.paths).toEqual(['model.weights.bin']);
    expect(doc.trainingConfig.loss).toBe('categorical_crossentropy');
    const m = await tfl.loadLayersModel(fileIO(MODEL));
    const k = nn.xavierNormal([12, 16], { gain: 5 / 3, seed: 1, stream: 0, convention: 'keras' });
    expect(Buffer.from((m.getWeights()[0]!.dataSync() as Float32Array).buffer).equals(Buffer.from(k.buffer))).toBe(true);
    m.dispose();
  });

  it('says what is wrong with a model that cannot load', async () => {
    const bad = join(tmp, 'bad');
    writeFileSync(`${bad}-1.json`, '{ not json');
    await expect(tfl.loadLayersModel(fileIO(`${bad}-1.json`))).rejects.toThrow(/cannot load .*bad-1\.json: not JSON/);
    writeFileSync(`${bad}-2.json`, JSON.stringify({ weightsManifest: [] }));
    await expect(tfl.loadLayersModel(fileIO(`${bad}-2.json`))).rejects.toThrow(/no modelTopology: not a TF\.js layers model\.json/);
    const doc = JSON.parse(readFileSync(MODEL, 'utf8')) as { weightsManifest: { paths: string[] }[] };
    doc.weightsManifest[0]!.paths = ['../../etc/passwd'];
    writeFileSync(`${bad}-3.json`, JSON.stringify(doc));
    await expect(tfl.loadLayersModel(fileIO(`${bad}-3.json`))).rejects.toThrow(/weight file "\.\.\/\.\.\/etc\/passwd" is outside the model's directory/);
    doc.weightsManifest[0]!.paths = ['short.bin'];
    writeFileSync(join(tmp, 'short.bin'), new Uint8Array(10));
    writeFileSync(`${bad}-4.json`, JSON.stringify(doc));
    await expect(tfl.loadLayersModel(fileIO(`${bad}-4.json`))).rejects.toThrow(/weight files hold 10 bytes but the manifest's 7 weights need 2128/);
    expect(() => fileIO('')).toThrow(TypeError);
  });
});

describe('nninit inspect --model', () => {
  it('prints the table and chart of the model on the batch (random cotangent)', async () => {
    const r = await cli('inspect', '--model', MODEL, '--input', X);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^model sequential_\d+ \(Sequential\), batch 32, training mode, gradients of the random cotangent \(seed 0\)$/m);
    expect(r.out.match(/^\s+\d\s+dense_Dense\d+\s+Dense\s+\[32,\d+\]/gm)).toHaveLength(3);
    expect(r.out).toMatch(/verdict: HEALTHY: /);
    expect(r.out).toMatch(/^activation std by layer \(log scale\)$/m);
  });

  it('with --labels (one-hot or NumPy int64 class indices) uses the compiled loss; --json; --svg', async () => {
    const svg = join(tmp, 'model.svg');
    const r = await cli('inspect', '--model', MODEL, '--input', X, '--labels', Y, '--json', '--svg', svg, '--metric', 'grad');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as ModelReport;
    expect(report.kind).toBe('model');
    expect(report.config.loss).toBe('categoricalCrossentropy');
    expect(report.loss).toBeGreaterThan(0.5);
    expect(report.layers).toHaveLength(3);
    expect(r.err).toBe(`nninit inspect: chart written to ${svg}\n`);
    const chart = readFileSync(svg, 'utf8');
    checkWellFormedXml(chart);
    expect(chart).toContain('gradient std (at each layer&apos;s output) by layer');
    // The NumPy fixture writer's int64 labels against the same model compiled for sparse labels.
    const doc = JSON.parse(readFileSync(MODEL, 'utf8')) as { trainingConfig: { loss: string } };
    doc.trainingConfig.loss = 'sparse_categorical_crossentropy';
    const sparse = join(tmp, 'sparse.json');
    writeFileSync(sparse, JSON.stringify(doc));
    copyFileSync(join(tmp, 'model.weights.bin'), join(tmp, 'model.weights.bin.copy'));
    const s = await cli('inspect', '--model', sparse, '--input', X, '--labels', YIDX, '--json');
    expect(s.err).toBe('');
    const sr = JSON.parse(s.out) as ModelReport;
    expect(sr.config.loss).toBe('sparseCategoricalCrossentropy');
    expect(sr.loss).toBeCloseTo(report.loss!, 5);
  });

  it('--inference and --seed reach inspectModel', async () => {
    const r = await cli('inspect', '--model', MODEL, '--input', X, '--inference', '--seed', '3', '--json');
    expect(r.code, r.err).toBe(0);
    const rep = JSON.parse(r.out) as ModelReport;
    expect(rep.config.training).toBe(false);
    expect(rep.config.seed).toBe(3);
    expect(rep.config.loss).toBeNull();
  });

  it('bad arguments and bad files: exit 2 with the usage, or 1 with what is wrong', async () => {
    const usage = async (args: string[], re: RegExp) => {
      const r = await cli('inspect', ...args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(re);
      expect(r.err).toContain('Usage: nninit inspect');
    };
    await usage(['--model', MODEL], /--model needs --input/);
    await usage(['--model', MODEL, '--input', X, '--layers', '12,3'], /--layers describes a synthetic network; it cannot be used with --model/);
    await usage(['--input', X], /--input needs --model/);
    const fails = async (args: string[], re: RegExp) => {
      const r = await cli('inspect', ...args);
      expect(r.code, r.err).toBe(1);
      expect(r.out).toBe('');
      expect(r.err).toMatch(re);
    };
    const junk = join(tmp, 'junk.npy');
    writeFileSync(junk, 'not a numpy file at all, but long enough');
    await fails(['--model', MODEL, '--input', junk], /--input .*junk\.npy: .*junk\.npy is not a valid \.npy file: it does not start with the magic string/);
    await fails(['--model', MODEL, '--input', join(tmp, 'missing.npy')], /--input .*missing\.npy: cannot read .*ENOENT/);
    await fails(['--model', join(tmp, 'nope.json'), '--input', X], /--model .*nope\.json: ENOENT/);
    const wide = join(tmp, 'wide.npy');
    writeNpy(wide, { data: new Float32Array(32 * 13), shape: [32, 13] });
    await fails(['--model', MODEL, '--input', wide], /do not fit .*model\.json: inputs must be of shape \[batch, 12\] \(model input .*\); received shape \[32, 13\]/);
    const nan = join(tmp, 'nan.npy');
    writeNpy(nan, { data: Float32Array.from({ length: 32 * 12 }, (_, i) => (i === 40 ? NaN : 0)), shape: [32, 12] });
    await fails(['--model', MODEL, '--input', nan], /inputs must be finite numbers \(no NaN or Infinity\); received NaN at element 40 \(example 3\)/);
    await fails(['--model', MODEL, '--input', X, '--labels', YIDX], /options\.labels must be of shape \[batch, 3\] .*; received shape \[32\]/);
    await fails(['--model', MODEL, '--input', X, '--labels', `${Y},${Y}`], /options\.labels must be a tensor .*one per model output/);
  });

  it('runs through bin/nninit.cjs (the compiled CommonJS build)', () => {
    if (!existsSync(join(ROOT, 'dist', 'cjs', 'tfjs', 'inspect-model.js'))) execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-ts.cjs')], { stdio: 'ignore' });
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'nninit.cjs'), 'inspect', '--model', MODEL, '--input', X, '--no-chart'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/verdict: HEALTHY/);
  });
});
