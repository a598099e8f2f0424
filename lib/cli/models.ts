/**
 * The model commands of the `nninit` CLI: `nninit plan`, `nninit materialize`, `nninit audit`.
 * lib/cli.ts dispatches to them; each returns the exit code (0 ok, 1 failure, 2 bad arguments).
 */
import { readFileSync } from 'node:fs';
import { integer, parseFlags, seedOf, UsageError, type CliIO } from './flags.js';
import { recipe, RECIPE_NAMES, recipeDef, type RecipeName, type RecipeOptions } from '../models/recipe.js';
import { checkPlan, optional, type ModelPlan } from '../models/plan.js';
import { initText, momentsOf, plannedOf } from '../models/init-spec.js';
import type { AuditReport } from '../models/audit.js';
import { audit, readMetadata, writeNpyFolder, writeSafetensorsAsync } from '../model-files.js';

/** Usage of `nninit plan`. */
export const PLAN_USAGE = `Usage: nninit plan --recipe NAME [options]

  --recipe NAME            ${RECIPE_NAMES.join(', ')}
  --config NAME|JSON       a named config (gpt2-medium, llama3-8b, resnet50, ...) or a JSON object
  --options JSON           recipe options as JSON ({"residualScaling":"depth","names":"hf"})
  --residual-scaling S     gpt2, depth, fixup, t-fixup, deepnet, none, or a number
  --dtype D                float32 (default), float64, bfloat16, float16
  --json                   print the plan as JSON (for materialize --plan)
`;

/** Usage of `nninit materialize`. */
export const MATERIALIZE_USAGE = `Usage: nninit materialize (--recipe NAME [--config ...] [--options JSON] | --plan FILE.json) --seed N --out PATH [options]

  --seed N                 the model's seed, an integer in [0, 2^64)   (required)
  --out PATH               the file to write (a folder with --format npy)   (required)
  --dtype D                float32, float64, bfloat16, float16   (default: the plan's)
  --rank R                 write rank R's part ...
  --world-size W           ... of W ranks (tensors split per role, see docs/models.md)
  --format F               safetensors (default) or npy
  --overwrite              replace an existing file
  --no-progress            no progress bar (it is shown on a terminal)
`;

/** Usage of `nninit audit`. */
export const AUDIT_USAGE = `Usage: nninit audit FILE.safetensors [--recipe NAME [--config ...] [--options JSON] | --plan FILE.json] [options]

Checks every tensor of the file against the plan (the file's own nninit metadata when no
recipe or plan is given): shape, mean and std within --sigmas standard errors, bounds, and a
Kolmogorov-Smirnov test. Exit code 1 when anything does not match.

  --sigmas S               standard errors allowed (default 5)
  --alpha A                KS p-value threshold (default 1e-6)
  --json                   print the report as JSON
`;

type Out = (s: string) => void;

function json(flag: string, text: string, usage: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UsageError(`--${flag}: not valid JSON (${(e as Error).message})`, usage);
  }
}

function configArg(text: string | undefined, usage: string): string | Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  return text.trimStart().startsWith('{') ? json('config', text, usage) as Record<string, unknown> : text;
}

function recipeOptions(f: Map<string, string | true>, usage: string): RecipeOptions {
  const o = (f.has('options') ? json('options', f.get('options') as string, usage) : {}) as Record<string, unknown>;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new UsageError('--options: expected a JSON object', usage);
  const rs = f.get('residual-scaling') as string | undefined;
  if (rs !== undefined) o.residualScaling = /^[\d.]+(e-?\d+)?$/.test(rs) ? Number(rs) : rs;
  const dt = f.get('dtype') as string | undefined;
  if (dt !== undefined && usage === PLAN_USAGE) o.dtype = dt;
  return o as RecipeOptions;
}

function planArg(f: Map<string, string | true>, usage: string): ModelPlan {
  if (f.has('plan')) {
    if (f.has('recipe') || f.has('config') || f.has('options')) throw new UsageError('--plan excludes --recipe, --config and --options', usage);
    const file = f.get('plan') as string;
    let text: string;
    try { text = readFileSync(file, 'utf8'); } catch (e) { throw new UsageError(`--plan: cannot read ${file}: ${(e as Error).message}`, usage); }
    return checkPlan('plan', json('plan', text, usage)).plan;
  }
  const r = f.get('recipe') as string | undefined;
  if (r === undefined) throw new UsageError('--recipe (or --plan) is required', usage);
  if (!(RECIPE_NAMES as readonly string[]).includes(r)) throw new UsageError(`--recipe: expected one of ${RECIPE_NAMES.join(', ')}; received ${JSON.stringify(r)}`, usage);
  return recipe(r as RecipeName, configArg(f.get('config') as string | undefined, usage), recipeOptions(f, usage));
}

const int = (n: number): string => n.toLocaleString('en-US');
const num = (x: number): string => (x === 0 ? '0' : Math.abs(x) >= 1e-4 && Math.abs(x) < 1e5 ? String(+x.toPrecision(4)) : x.toExponential(3));

function table(head: string[], rows: string[][], right: boolean[]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (right[i] ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join('  ').trimEnd();
  return [line(head), w.map((x) => '-'.repeat(x)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

function bytes(n: number): string {
  const u = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < u.length - 1) { v /= 1000; i++; }
  return `${i === 0 ? v : v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ${u[i]}`;
}

/** The plan as a table: name, shape, dtype, role, init, std, lrScale; then totals and hyperparameters. */
export function renderPlan(plan: ModelPlan): string {
  const rp = checkPlan('renderPlan', plan);
  const rows = rp.tensors.map((t) => {
    const m = momentsOf(plannedOf(t.init, t.shape));
    const tiedTo = optional(t.spec, 'tiedTo');
    const init = tiedTo !== undefined ? `tied to ${tiedTo}` : initText(t.init);
    return [t.spec.name, `[${t.shape.join(', ')}]`, t.spec.role, init, num(m.std), num(t.spec.lrScale)];
  });
  let s = table(['name', 'shape', 'role', 'init', 'std', 'lrScale'], rows, [false, false, false, false, true, true]);
  const tt = plan.totals;
  const dtypes = [...new Set(plan.tensors.filter((t) => t.dtype !== 'int64').map((t) => t.dtype))].join(', ');
  s += `\n${plan.recipe ?? 'custom'}${plan.config ? ` ${JSON.stringify(plan.config)}` : ''}\n`;
  s += `${int(tt.tensors)} tensors, ${int(tt.parameters)} parameters${tt.buffers ? ` + ${int(tt.buffers)} buffer elements` : ''}, ${int(tt.bytes)} bytes (${bytes(tt.bytes)}, ${dtypes})\n`;
  const h = plan.hyper;
  const hy = [`parametrization ${h.parametrization}`];
  if (h.residualScaling !== null) hy.push(`residual scaling ${h.residualScaling}`);
  if (h.attentionScale !== null) hy.push(`attention scale ${num(h.attentionScale)}`);
  if (h.parametrization === 'mup') hy.push(`width multiplier ${num(h.widthMultiplier)}`, `output multiplier ${num(h.outputMultiplier)}`);
  if (h.residualMultiplier !== 1) hy.push(`residual multiplier ${num(h.residualMultiplier)}`);
  s += hy.join(', ') + '\n';
  return s;
}

/**
 * Runs a command; an argument error from the API (TypeError / RangeError) is printed as
 * `nninit <command>: <function>: <message>` and exits 1. Usage errors go to main().
 */
export async function runModelCommand(cmd: string, run: () => number | Promise<number>, err: Out): Promise<number> {
  try {
    return await run();
  } catch (e) {
    if ((e instanceof TypeError || e instanceof RangeError) && !(e instanceof UsageError)) {
      err(`nninit ${cmd}: ${e.message.replace(/^nninit\./, '')}\n`);
      return 1;
    }
    throw e;
  }
}

/** `nninit plan`. */
export function cliPlan(args: readonly string[], out: Out): number {
  const U = PLAN_USAGE;
  const f = parseFlags(args, { help: 'boolean', recipe: 'string', config: 'string', options: 'string', 'residual-scaling': 'string', dtype: 'string', json: 'boolean' }, U);
  if (f.has('help')) { out(U); return 0; }
  const plan = planArg(f, U);
  out(f.has('json') ? JSON.stringify(plan, null, 1) + '\n' : renderPlan(plan));
  return 0;
}

function integerFlag(name: string, text: string | undefined, usage: string, lo: number, hi: number): number | undefined {
  return text === undefined ? undefined : integer(name, text, lo, hi, usage);
}

/** A progress bar on a terminal: bytes, rate, ETA; redrawn at most every 100 ms. */
export function progressBar(write: Out, label: string): { update(done: number, total: number): void; finish(): void } {
  const t0 = Date.now();
  let last = 0;
  let shown = false;
  const draw = (done: number, total: number): void => {
    const frac = total > 0 ? done / total : 1;
    const width = 24;
    const fill = Math.round(frac * width);
    const secs = (Date.now() - t0) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const eta = rate > 0 ? (total - done) / rate : 0;
    write(`\r${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${(100 * frac).toFixed(0).padStart(3)}%  ${bytes(done)} / ${bytes(total)}  ${bytes(rate)}/s  ETA ${eta < 1 ? '<1' : eta.toFixed(0)} s   `);
    shown = true;
  };
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      draw(done, total);
    },
    finish() { if (shown) write('\n'); },
  };
}

/** `nninit materialize`. */
export async function cliMaterialize(args: readonly string[], io: CliIO, out: Out, err: Out): Promise<number> {
  const U = MATERIALIZE_USAGE;
  const f = parseFlags(args, {
    help: 'boolean', recipe: 'string', config: 'string', options: 'string', plan: 'string', 'residual-scaling': 'string', seed: 'string', dtype: 'string',
    out: 'string', rank: 'string', 'world-size': 'string', format: 'string', overwrite: 'boolean', 'no-progress': 'boolean',
  }, U);
  if (f.has('help')) { out(U); return 0; }
  const seedText = f.get('seed') as string | undefined;
  if (seedText === undefined) throw new UsageError('--seed is required (a model needs an explicit seed to be reproducible)', U);
  const seed = seedOf(seedText, U);
  const path = f.get('out') as string | undefined;
  if (path === undefined) throw new UsageError('--out is required', U);
  const format = (f.get('format') as string | undefined) ?? 'safetensors';
  if (format !== 'safetensors' && format !== 'npy') throw new UsageError(`--format: expected safetensors or npy; received ${JSON.stringify(format)}`, U);
  const worldSize = integerFlag('world-size', f.get('world-size') as string | undefined, U, 1, 1 << 20);
  const rank = integerFlag('rank', f.get('rank') as string | undefined, U, 0, 1 << 20);
  if (rank !== undefined && worldSize === undefined) throw new UsageError('--rank needs --world-size', U);
  if (rank !== undefined && worldSize !== undefined && rank >= worldSize) throw new UsageError(`--rank: expected an integer below --world-size (${worldSize}); received ${rank}`, U);
  const plan = planArg(f, U);
  const stderr = io.stderr ?? process.stderr;
  const tty = (stderr as { isTTY?: boolean }).isTTY === true && !f.has('no-progress');
  const bar = tty ? progressBar(err, `nninit materialize`) : null;
  const options = {
    seed,
    ...(f.has('dtype') ? { dtype: f.get('dtype') as 'float32' } : {}),
    ...(worldSize === undefined ? {} : { worldSize, rank: rank ?? 0 }),
    ...(f.has('overwrite') ? { overwrite: true } : {}),
    ...(bar === null ? {} : { onProgress: (d: number, t: number) => bar.update(d, t) }),
  };
  const t0 = Date.now();
  const r = format === 'npy' ? writeNpyFolder(path, plan, options) : await writeSafetensorsAsync(path, plan, options);
  bar?.finish();
  const secs = (Date.now() - t0) / 1000;
  const part = worldSize === undefined ? '' : `, rank ${rank ?? 0} of ${worldSize}`;
  err(`nninit materialize: wrote ${r.path} (${r.tensors} tensors, ${bytes(r.fileBytes)}${part}) in ${secs.toFixed(2)} s\n`);
  return 0;
}

/** The audit report as text: one line per tensor with problems, then a summary. */
export function renderAudit(r: AuditReport): string {
  let s = '';
  const bad = r.tensors.filter((t) => !t.ok);
  for (const t of bad) for (const p of t.problems) s += `MISMATCH ${p}\n`;
  for (const m of r.missing) s += `MISSING  ${m}\n`;
  for (const u of r.unexpected) s += `EXTRA    ${u} (not in the plan)\n`;
  s += `${r.ok ? 'OK' : 'FAILED'}: ${r.checked} tensors checked, ${r.failed} with problems (tolerance: ${r.tolerance.sigmas} standard errors, KS p >= ${r.tolerance.alpha}, ${r.tolerance.sample} samples)\n`;
  return s;
}

/** `nninit audit`. */
export function cliAudit(args: readonly string[], out: Out): number {
  const U = AUDIT_USAGE;
  const file = args[0] !== undefined && !args[0].startsWith('--') ? args[0] : undefined;
  const rest = file === undefined ? args : args.slice(1);
  const f = parseFlags(rest, { help: 'boolean', recipe: 'string', config: 'string', options: 'string', plan: 'string', 'residual-scaling': 'string', sigmas: 'string', alpha: 'string', json: 'boolean' }, U);
  if (f.has('help')) { out(U); return 0; }
  if (file === undefined) throw new UsageError('the file to audit is required (nninit audit FILE.safetensors ...)', U);
  let plan: ModelPlan | undefined;
  if (f.has('recipe') && !f.has('config') && !f.has('options')) {
    // Take config and options from the file when it was written by nninit with the same recipe.
    let meta: Record<string, string> | null = null;
    try { meta = readMetadata('audit', file); } catch { meta = null; }
    const name = f.get('recipe') as string;
    recipeDef('audit', name);
    if (meta?.recipe === name && meta.config !== undefined) {
      const opts = meta.options ? JSON.parse(meta.options) as Record<string, unknown> : {};
      delete opts.dtype;
      plan = recipe(name as RecipeName, JSON.parse(meta.config) as Record<string, unknown>, { ...opts, ...recipeOptions(f, U) } as RecipeOptions);
    }
  }
  if (plan === undefined && (f.has('recipe') || f.has('plan'))) plan = planArg(f, U);
  const num2 = (k: string): number | undefined => {
    const v = f.get(k) as string | undefined;
    if (v === undefined) return undefined;
    const x = Number(v);
    if (v.trim() === '' || !Number.isFinite(x) || x <= 0) throw new UsageError(`--${k}: expected a positive number; received ${JSON.stringify(v)}`, U);
    return x;
  };
  const sigmas = num2('sigmas'), alpha = num2('alpha');
  const report = audit(file, plan, { ...(sigmas === undefined ? {} : { sigmas }), ...(alpha === undefined ? {} : { alpha }) });
  out(f.has('json') ? JSON.stringify(report, null, 1) + '\n' : renderAudit(report));
  return report.ok ? 0 : 1;
}
