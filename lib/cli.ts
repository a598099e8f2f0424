/**
 * The `nninit` command: `nninit inspect`, `nninit recommend`, `nninit bench`, and the model
 * commands `nninit plan`, `nninit materialize`, `nninit audit` (lib/cli/models.ts, loaded
 * when used). What the commands share is in lib/cli/flags.ts.
 *
 * {@link main} takes the arguments and injectable output streams and resolves to the exit
 * code (0 success, 1 failure at run time, 2 bad arguments), so tests run it in-process;
 * `bin/nninit.cjs` is the launcher.
 *
 * @packageDocumentation
 */
import { packageRoot } from './node.js'; // first: the Node platform is in place before the API runs
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkInspectOptions, inspect, type InspectOptions, type InspectReport } from './diagnostics/inspect.js';
import { recommend } from './models/recommend.js';
import { ACTIVATION_ALIASES, ACTIVATIONS, INITIALIZER_NAMES, type Activation } from './diagnostics/registry.js';
import { renderChart, renderSvg, renderTable, type ChartMetric, type Report } from './diagnostics/render.js';
import type { NpyArray } from './npy.js';
import { readNpy } from './files.js';
import { bytesOf, integer, parseFlags, real, seedOf, UsageError, type CliIO } from './cli/flags.js';

export type { CliIO };

/** The activations the CLI takes, aliases included (swish = silu, as calculateGain). */
const ACTIVATION_NAMES = [...ACTIVATIONS, ...Object.keys(ACTIVATION_ALIASES)].join(', ');

/** The top-level usage text. */
export const USAGE = `Usage: nninit <command> [options]

Commands:
  inspect     signal propagation through a network (or a TF.js model on a batch), layer by layer, with a verdict
  recommend   the initializer and gain for an activation, depth and architecture
  bench       run the benchmarks (node bench/run.mjs [args])
  plan        a model's tensors: names, shapes, roles, inits, std, lrScale, totals
  materialize write a model (or one rank's part) to safetensors or .npy
  audit       check a safetensors file against its plan

Run "nninit <command> --help" for a command's options; "nninit --version" prints the version.
`;

/** Usage of `nninit inspect`. */
export const INSPECT_USAGE = `Usage: nninit inspect [options]
       nninit inspect --model model.json --input batch.npy [--labels y.npy] [options]

  --layers LIST        widths, input first; NxK repeats N K times   (default 784,512x20,10)
  --activation NAME    ${ACTIVATION_NAMES}   (default relu)
  --init NAME          ${INITIALIZER_NAMES.join(', ')}; normal:STD, uniform:BOUND
                       (default kaiming-normal)
  --compare A,B,...    several initializers side by side (instead of --init)
  --batch N            examples in the batch, >= 2   (default 256)
  --seed N             seed of input, gradient and weights   (default 0)
  --residual           x + f(Wx) where a layer's input and output widths match
  --batch-norm         standardize hidden pre-activations over the batch
  --branch-scale S     multiply residual layers' weights by S (e.g. 1/sqrt(2*depth))
  --negative-slope S   leaky_relu slope   (default 0.01)
  --output-activation  apply the activation on the last layer too (default: linear)
  --metric std|grad    what the chart plots   (default std)
  --max-memory BYTES   refuse a network estimated to need more memory, e.g. 8G
                       (default 2G; K, M, G, T are powers of 1024)
  --max-work N         refuse a network estimated to need more multiply-adds, e.g. 1e12
                       (default 1e11, about half a minute)
  --svg FILE           also write the chart as SVG
  --json               print the report(s) as JSON instead of table and chart
  --no-chart           table only

A real TF.js model (needs @tensorflow/tfjs-core, -layers and a backend installed):
  --model FILE         a tfjs-layers model.json, weight files beside it
  --input A.npy[,B]    the batch, one NumPy .npy file per model input
  --labels Y.npy[,..]  targets for the model's compiled loss (default: a random
                       unit-variance gradient, seeded by --seed)
  --inference          batch norm on its moving statistics (default: batch statistics)
  (with --model, --seed, --metric, --svg, --json and --no-chart apply as above)
`;

/** Usage of `nninit recommend`. */
export const RECOMMEND_USAGE = `Usage: nninit recommend --activation NAME [options]

  --activation NAME    ${ACTIVATION_NAMES}   (required)
  --depth N            weight layers, or residual blocks with --residual   (default 1)
  --residual           residual connections
  --batch-norm         batch normalization
  --negative-slope S   leaky_relu slope   (default 0.01)
  --json               print the recommendation as JSON
`;

/** Usage of `nninit bench`. */
export const BENCH_USAGE = `Usage: nninit bench [args...]

Runs node bench/run.mjs from the package root with the remaining arguments.
`;

/** Parses `784,512x20,10` into widths. */
export function parseLayers(text: string): number[] {
  const widths: number[] = [];
  for (const item of text.split(',')) {
    const m = /^\s*(\d+)(?:x(\d+))?\s*$/.exec(item);
    if (!m) throw new UsageError(`--layers: bad item ${JSON.stringify(item)} (expected N or NxK, as in 784,512x20,10)`, INSPECT_USAGE);
    const w = Number(m[1]);
    const k = m[2] === undefined ? 1 : Number(m[2]);
    if (w < 1 || w > 65536) throw new UsageError(`--layers: width ${m[1]} must be in [1, 65536]`, INSPECT_USAGE);
    if (k < 1 || widths.length + k > 10001) throw new UsageError(`--layers: repeat count ${m[2]} must be >= 1 and give at most 10001 widths`, INSPECT_USAGE);
    for (let j = 0; j < k; j++) widths.push(w);
  }
  if (widths.length < 2) throw new UsageError('--layers: needs at least 2 widths (input and output)', INSPECT_USAGE);
  return widths;
}

function activationOf(text: string, usage: string): Activation {
  const a = text.toLowerCase().replace(/-/g, '_');
  if ((ACTIVATIONS as readonly string[]).includes(a)) return a as Activation;
  if (Object.prototype.hasOwnProperty.call(ACTIVATION_ALIASES, a)) return ACTIVATION_ALIASES[a]!;
  throw new UsageError(`--activation: expected one of ${ACTIVATION_NAMES}; received ${JSON.stringify(text)}`, usage);
}


function cliInspect(args: readonly string[], out: (s: string) => void, err: (s: string) => void): number | Promise<number> {
  const f = parseFlags(args, {
    help: 'boolean', layers: 'string', activation: 'string', init: 'string', compare: 'string', batch: 'string', seed: 'string',
    residual: 'boolean', 'batch-norm': 'boolean', 'branch-scale': 'string', 'negative-slope': 'string', 'output-activation': 'boolean',
    metric: 'string', svg: 'string', json: 'boolean', 'no-chart': 'boolean', 'max-memory': 'string', 'max-work': 'string',
    model: 'string', input: 'string', labels: 'string', inference: 'boolean',
  }, INSPECT_USAGE);
  if (f.has('help')) { out(INSPECT_USAGE); return 0; }
  const U = INSPECT_USAGE;
  if (f.has('model')) return cliInspectModel(f, out, err);
  for (const k of ['input', 'labels', 'inference']) if (f.has(k)) throw new UsageError(`--${k} needs --model`, U);
  const str = (k: string): string | undefined => f.get(k) as string | undefined;
  if (f.has('init') && f.has('compare')) throw new UsageError('--init and --compare are exclusive', U);
  const base: Omit<InspectOptions, 'init'> = { layers: parseLayers(str('layers') ?? '784,512x20,10') };
  if (f.has('activation')) base.activation = activationOf(str('activation')!, U);
  if (f.has('batch')) base.batch = integer('batch', str('batch')!, 2, 1 << 20, U);
  if (f.has('seed')) base.seed = seedOf(str('seed')!, U);
  if (f.has('residual')) base.residual = true;
  if (f.has('batch-norm')) base.batchNorm = true;
  if (f.has('output-activation')) base.outputActivation = true;
  if (f.has('branch-scale')) base.branchScale = real('branch-scale', str('branch-scale')!, U);
  if (f.has('negative-slope')) base.negativeSlope = real('negative-slope', str('negative-slope')!, U, 0, false);
  if (f.has('max-memory')) base.maxMemory = bytesOf('max-memory', str('max-memory')!, U);
  if (f.has('max-work')) base.maxWork = real('max-work', str('max-work')!, U);
  const metric = metricOf(f, U);
  const inits = f.has('compare') ? str('compare')!.split(',').map((s) => s.trim()) : [str('init') ?? 'kaiming-normal'];
  if (inits.length > 8) throw new UsageError('--compare: at most 8 initializers', U);
  const configs: InspectOptions[] = inits.map((init) => ({ ...base, init }));
  for (const c of configs) {
    try {
      checkInspectOptions(c);
    } catch (e) {
      if (e instanceof TypeError || e instanceof RangeError) {
        // "nninit.inspect: options.batchNorm must be ..." -> "--batch-norm must be ..."
        const msg = e.message
          .replace(/^nninit\.inspect: /, '')
          .replace(/options\.(\w+)/g, (_m, k: string) => `--${k === 'init' && f.has('compare') ? 'compare' : k.replace(/[A-Z]/g, (ch) => '-' + ch.toLowerCase())}`);
        throw new UsageError(msg, U);
      }
      throw e;
    }
  }
  const reports: InspectReport[] = configs.map((c) => inspect(c));
  return print(reports, f, metric, out, err);
}

function metricOf(f: Map<string, string | true>, usage: string): ChartMetric {
  if (!f.has('metric')) return 'std';
  const m = f.get('metric') as string;
  if (m !== 'std' && m !== 'grad') throw new UsageError(`--metric: expected std or grad; received ${JSON.stringify(m)}`, usage);
  return m === 'grad' ? 'gradStd' : 'std';
}

/** The reports as JSON, or table and chart; and the SVG chart when --svg names a file. */
function print(reports: Report[], f: Map<string, string | true>, metric: ChartMetric, out: (s: string) => void, err: (s: string) => void): number {
  if (f.has('json')) {
    out(JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2) + '\n');
  } else {
    out(renderTable(reports));
    if (!f.has('no-chart')) out('\n' + renderChart(reports, { metric }));
  }
  const svg = f.get('svg') as string | undefined;
  if (svg !== undefined) {
    try {
      writeFileSync(svg, renderSvg(reports, { metric }));
    } catch (e) {
      err(`nninit inspect: cannot write ${svg}: ${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    }
    err(`nninit inspect: chart written to ${svg}\n`);
  }
  return 0;
}

const SYNTHETIC_ONLY = ['layers', 'activation', 'init', 'compare', 'batch', 'residual', 'batch-norm', 'branch-scale', 'negative-slope', 'output-activation', 'max-memory', 'max-work'];

function readAll(kind: string, paths: readonly string[]): NpyArray[] {
  return paths.map((p) => {
    try {
      return readNpy(p);
    } catch (e) {
      throw new Error(`${kind} ${p}: ${(e as Error).message.replace(/^nninit\.(readNpy|parseNpy): /, '')}`, { cause: e });
    }
  });
}

/**
 * `nninit inspect --model model.json --input batch.npy [--labels y.npy]`: loads the
 * tfjs-layers model (nninit/tfjs's fileIO) and the NumPy batches, runs inspectModel and
 * prints its report as the synthetic one. nninit/tfjs is loaded only here, so every other
 * command works without TF.js.
 */
async function cliInspectModel(f: Map<string, string | true>, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const U = INSPECT_USAGE;
  const given = SYNTHETIC_ONLY.filter((k) => f.has(k));
  if (given.length > 0) throw new UsageError(`--${given[0]} describes a synthetic network; it cannot be used with --model`, U);
  const list = (k: string): string[] => (f.has(k) ? (f.get(k) as string).split(',').map((s) => s.trim()).filter((s) => s !== '') : []);
  const path = f.get('model') as string;
  const inputs = list('input');
  const labels = list('labels');
  if (inputs.length === 0) throw new UsageError('--model needs --input (a .npy batch per model input)', U);
  const metric = metricOf(f, U);
  const seed = f.has('seed') ? seedOf(f.get('seed') as string, U) : undefined;
  const { ensureBackend, fileIO, tfModules } = await import('./tfjs/loader.js');
  const { inspectModel } = await import('./tfjs/inspect-model.js');
  ensureBackend();
  const xs = readAll('--input', inputs);
  const ys = readAll('--labels', labels);
  let model;
  try {
    model = await tfModules().layers.loadLayersModel(fileIO(path));
  } catch (e) {
    throw new Error(`--model ${path}: ${(e as Error).message.replace(/^nninit\.tfjs\.fileIO: cannot load [^:]*: /, '')}`, { cause: e });
  }
  let report;
  try {
    report = inspectModel(model, xs.length === 1 ? xs[0]! : xs, {
      ...(ys.length === 0 ? {} : { labels: ys.length === 1 ? ys[0]! : ys }),
      ...(seed === undefined ? {} : { seed }),
      training: !f.has('inference'),
    });
  } catch (e) {
    if (e instanceof TypeError || e instanceof RangeError) {
      throw new Error(`${inputs.join(',')}${labels.length ? ` / ${labels.join(',')}` : ''} do not fit ${path}: ${e.message.replace(/^nninit\.tfjs\.inspectModel: /, '')}`, { cause: e });
    }
    throw e;
  } finally {
    model.dispose();
  }
  return print([report], f, metric, out, err);
}

function cliRecommend(args: readonly string[], out: (s: string) => void): number {
  const U = RECOMMEND_USAGE;
  const f = parseFlags(args, { help: 'boolean', activation: 'string', depth: 'string', residual: 'boolean', 'batch-norm': 'boolean', 'negative-slope': 'string', json: 'boolean' }, U);
  if (f.has('help')) { out(U); return 0; }
  const a = f.get('activation') as string | undefined;
  if (a === undefined) throw new UsageError('--activation is required', U);
  const activation = activationOf(a, U);
  const depth = f.has('depth') ? integer('depth', f.get('depth') as string, 1, 100000, U) : 1;
  const negativeSlope = f.has('negative-slope') ? real('negative-slope', f.get('negative-slope') as string, U, 0, false) : undefined;
  const r = recommend({ activation, depth, residual: f.has('residual'), batchNorm: f.has('batch-norm'), ...(negativeSlope === undefined ? {} : { negativeSlope }) });
  if (f.has('json')) {
    const { std: _std, ...rest } = r;
    out(JSON.stringify({ ...rest, activation, depth, residual: f.has('residual'), batchNorm: f.has('batch-norm') }, null, 2) + '\n');
    return 0;
  }
  const g = +r.gain.toPrecision(6);
  const lines = [
    `initializer   ${r.initializer}${r.mode ? ` (mode ${r.mode})` : ''}`,
    `gain          ${g}   std = ${r.formula}; ${+r.std(512, 512).toPrecision(4)} for a 512x512 layer`,
  ];
  if (r.branchScale !== null) {
    lines.push(`branch scale  ${+r.branchScale.toPrecision(4)} on the last layer of each residual branch (1/sqrt(2*${depth}), GPT-2)`);
    lines.push(`alternative   ${r.alternative}`);
  }
  lines.push(`reason        ${r.reason}`);
  const flags = [`--layers 512x${Math.min(depth, 10000) + 1}`, `--activation ${activation}`, `--init ${r.initializer}`];
  if (f.has('residual')) flags.push('--residual', `--branch-scale ${+r.branchScale!.toPrecision(4)}`);
  if (f.has('batch-norm')) flags.push('--batch-norm');
  lines.push(`check it      nninit inspect ${flags.join(' ')}`);
  out(lines.join('\n') + '\n');
  return 0;
}

function cliBench(args: readonly string[], io: CliIO, out: (s: string) => void, err: (s: string) => void): Promise<number> | number {
  if (args[0] === '--help') { out(BENCH_USAGE); return 0; }
  const root = io.root ?? packageRoot();
  const script = join(root, 'bench', 'run.mjs');
  if (!existsSync(script)) {
    err(`nninit bench: ${script} not found: the package's bench/ folder is missing (reinstall nninit, or run npm run bench in a clone)\n`);
    return 1;
  }
  return new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: root, stdio: ['inherit', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8').on('data', (d: string) => out(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => err(d));
    child.on('error', (e) => { err(`nninit bench: ${e.message}\n`); resolve(1); });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** The package's version, from its package.json. */
function version(io: CliIO): string {
  const root = io.root ?? packageRoot();
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Runs the `nninit` command line.
 *
 * @param argv - The arguments after the program name (`process.argv.slice(2)`).
 * @param io - Output streams and package root; defaults to the process's.
 * @returns The exit code: 0 success, 1 run-time failure, 2 bad arguments (a one-line
 *   message and the usage on stderr).
 * @example
 * ```ts
 * const code = await main(['recommend', '--activation', 'tanh', '--depth', '20']);
 * ```
 */
export async function main(argv: readonly string[], io: CliIO = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const out = (s: string): void => { stdout.write(s); };
  const err = (s: string): void => { stderr.write(s); };
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case undefined:
        throw new UsageError('missing command', USAGE);
      case '--help':
      case '-h':
      case 'help':
        out(USAGE);
        return 0;
      case '--version':
      case '-v':
        if (rest.length > 0) throw new UsageError(`${cmd} takes no arguments`, USAGE);
        out(`${version(io)}\n`);
        return 0;
      case 'inspect':
        return await cliInspect(rest, out, err);
      case 'recommend':
        return cliRecommend(rest, out);
      case 'bench':
        return await cliBench(rest, io, out, err);
      case 'plan':
      case 'materialize':
      case 'audit': {
        const m = await import('./cli/models.js');
        const run = cmd === 'plan' ? () => m.cliPlan(rest, out) : cmd === 'audit' ? () => m.cliAudit(rest, out) : () => m.cliMaterialize(rest, io, out, err);
        return await m.runModelCommand(cmd, run, err);
      }
      default:
        throw new UsageError(`unknown command ${JSON.stringify(cmd)}`, USAGE);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      err(`nninit${cmd && ['inspect', 'recommend', 'bench', 'plan', 'materialize', 'audit'].includes(cmd) ? ' ' + cmd : ''}: ${e.message}\n\n${e.usage}`);
      return 2;
    }
    err(`nninit: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
