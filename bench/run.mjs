#!/usr/bin/env node
// npm run bench [-- --full | --smoke] [--json FILE] [--svg FILE]
//
// nninit native (every ISA this CPU runs, forced in turn; 1 thread and all threads when
// setThreads exists; async forms when they exist) is measured in this process. The
// TypeScript and WebAssembly backends are chosen at load, so each runs in a child process:
// the WebAssembly backend alone (NNINIT_BACKEND=wasm, `--worker wasm`), the TypeScript
// backend together with the peers (NNINIT_BACKEND=js, `--worker js`), away from the native
// figures (TF.js's heap and allocations). In that child every cell (dtype, distribution,
// size) measures the TypeScript backend and each peer one after another, the order
// reversed from one cell to the next, so that neither side always runs first. Children
// print their figures as JSON on stdout and their progress on stderr. See
// docs/benchmarks.md.
import { createRequire } from 'node:module';
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { measure, measureAsync, progress, progressDone, sink, startTime } from './harness.mjs';
import { models as modelList } from './models.mjs';
import { distFn, modelInit, modelInitAsync, hasAsyncModel, arenaViews, overheadCases, SEED } from './nninit-impl.mjs';
import { peersFor, loadTfjs, tfjsModelInit } from './peers.mjs';
import { renderTables, renderSvg, analyze } from './report.mjs';
import { workerFiles, workerRss } from './model-files.mjs';
import { tfjsInspectBench } from './tfjs-inspect.mjs';
import { orthogonalBench, renderOrthogonal } from './orthogonal.mjs';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const distEntry = join(root, 'dist', 'cjs', 'index.js');

export const DISTS = ['uniform', 'normal', 'truncnormal'];
const BYTES = { float32: 4, float64: 8, bfloat16: 2 };

// Repetition settings per mode. dist: one (impl, dtype, distribution, size) cell.
const MODES = {
  smoke: {
    sizes: [2 ** 10, 2 ** 12],
    dtypes: ['float32', 'float64', 'bfloat16'],
    dist: { warmMs: 0, minReps: 2, maxReps: 2, budgetMs: 0, sampleMs: 0.2 },
    jsWarmMs: 0,
    tinyModels: true,
    nativeModel: { minReps: 2, maxReps: 2, budgetMs: 0 },
    slowModel: { minReps: 2, maxReps: 2, budgetMs: 0, skipAboveMs: Infinity },
    overhead: { warmMs: 0, minReps: 3, maxReps: 3, budgetMs: 0, sampleMs: 0.2 },
    tfjsModel: { layers: 2, width: 64, reps: 2 },
    tfjsInspect: { layers: 3, width: 32, batch: 16, reps: 2 },
  },
  quick: {
    sizes: [2 ** 10, 2 ** 16, 2 ** 20, 2 ** 24],
    dtypes: ['float32'],
    // capMs: a cell whose calls take seconds (slow peers, an unoptimized TS backend) stops
    // after this long with fewer samples (flagged `capped`), to keep the quick run quick.
    dist: { warmMs: 30, minReps: 3, maxReps: 9, budgetMs: 200, sampleMs: 4, capMs: 2000 },
    // jsWarmMs: the least warm-up of a JavaScript row (TypeScript backend, peers): V8 compiles
    // a hot function on another thread while the interpreter runs it at a steady, slow pace,
    // so a short warm-up can look settled before the compiled code arrives (measured: a
    // 2^10 row at 595 ns median against a 7.3 ns minimum after 35 ms of warm-up).
    jsWarmMs: 300,
    tinyModels: false,
    nativeModel: { minReps: 3, maxReps: 7, budgetMs: 1000 },
    // skipAboveMs: a slow implementation whose model run is estimated (from its own ns per
    // element above) to take longer than this is skipped in the quick run and listed as such.
    slowModel: { minReps: 2, maxReps: 2, budgetMs: 0, capMs: 4000, skipAboveMs: 8000 },
    overhead: { warmMs: 50, minReps: 15, maxReps: 31, budgetMs: 150, sampleMs: 2 },
    tfjsModel: null,
    tfjsInspect: null,
  },
  full: {
    sizes: [2 ** 10, 2 ** 16, 2 ** 20, 2 ** 24, 2 ** 26],
    dtypes: ['float32', 'float64', 'bfloat16'],
    dist: { warmMs: 100, minReps: 5, maxReps: 25, budgetMs: 1500, sampleMs: 10, capMs: 30000 },
    jsWarmMs: 500,
    tinyModels: false,
    nativeModel: { minReps: 5, maxReps: 11, budgetMs: 3000 },
    slowModel: { minReps: 3, maxReps: 5, budgetMs: 10000, capMs: 60000, skipAboveMs: Infinity },
    overhead: { warmMs: 100, minReps: 31, maxReps: 101, budgetMs: 500, sampleMs: 2 },
    tfjsModel: { layers: 20, width: 1024, reps: 5 },
    tfjsInspect: { layers: 20, width: 512, batch: 256, reps: 7 },
  },
};

function parseArgs(argv) {
  const a = { mode: 'quick', json: null, svg: null, worker: null };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '--full') a.mode = 'full';
    else if (x === '--smoke') a.mode = 'smoke';
    else if (x === '--quick') a.mode = 'quick';
    else if (x === '--mode') a.mode = argv[++i];
    else if (x === '--json') a.json = argv[++i];
    else if (x === '--svg') a.svg = argv[++i];
    else if (x === '--worker') a.worker = argv[++i];
    else if (x === '--help' || x === '-h') {
      process.stdout.write('usage: npm run bench [-- --full | --smoke] [--json FILE] [--svg FILE]\n');
      process.exit(0);
    } else {
      process.stderr.write(`bench: unknown argument ${JSON.stringify(x)} (try --help)\n`);
      process.exit(2);
    }
  }
  if (!MODES[a.mode]) {
    process.stderr.write(`bench: unknown mode ${JSON.stringify(a.mode)}\n`);
    process.exit(2);
  }
  if ((a.json !== null && !a.json) || (a.svg !== null && !a.svg)) {
    process.stderr.write('bench: --json and --svg need a file name\n');
    process.exit(2);
  }
  return a;
}

/** Builds dist/ when it is missing (a fresh clone after `npm install --ignore-scripts`, say). */
function ensureBuilt() {
  if (existsSync(distEntry)) return;
  process.stderr.write('bench: dist/ is missing; running scripts/build-ts.cjs\n');
  execFileSync(process.execPath, [join(root, 'scripts', 'build-ts.cjs')], { stdio: ['ignore', 2, 2], cwd: root });
}

/** One shared, pre-touched buffer; typed views of it per dtype and size. */
function makeBuffer(cfg) {
  const maxBytes = Math.max(...cfg.sizes) * Math.max(...cfg.dtypes.map((d) => BYTES[d]));
  const ab = new ArrayBuffer(maxBytes);
  new Uint8Array(ab).fill(1);
  return (dtype, n) => (dtype === 'float32' ? new Float32Array(ab, 0, n) : dtype === 'float64' ? new Float64Array(ab, 0, n) : new Uint16Array(ab, 0, n));
}

const log2 = (n) => `2^${Math.log2(n)}`;
const DNAME = { uniform: 'uniform', normal: 'normal', truncnormal: 'truncated normal' };

// ---------------------------------------------------------------------------------------
// The nninit part, shared by the native process and the TypeScript worker.

function nninitDistributions(nn, cfg, label, variants, rows, viewFor) {
  for (const dtype of cfg.dtypes) {
    for (const dist of DISTS) {
      for (const size of cfg.sizes) {
        const view = viewFor(dtype, size);
        for (const v of variants) {
          const fn = distFn(nn, dtype, dist);
          if (fn === null) continue;
          v.enter();
          progress(`${label}: ${v.impl} ${DNAME[dist]} ${dtype} ${log2(size)}`);
          const r = measure(() => fn(view), cfg.dist);
          rows.push({ dtype, dist, size, impl: v.impl, kind: v.kind, isa: v.isa, threads: v.threads, async: false, ...r });
        }
      }
    }
  }
}

async function nninitDistributionsAsync(nn, cfg, variants, rows, viewFor) {
  for (const dtype of cfg.dtypes) {
    for (const dist of DISTS) {
      for (const size of cfg.sizes) {
        const view = viewFor(dtype, size);
        for (const v of variants) {
          const fn = distFn(nn, dtype, dist, { async: true });
          if (fn === null) continue;
          v.enter();
          progress(`native: ${v.impl} ${DNAME[dist]} ${dtype} ${log2(size)}`);
          const r = await measureAsync(() => fn(view), cfg.dist);
          rows.push({ dtype, dist, size, impl: v.impl, kind: v.kind, isa: v.isa, threads: v.threads, async: true, ...r });
        }
      }
    }
  }
}

/**
 * Native float64 normal at the headline size, default ISA, one thread: the float64 / float32
 * target needs it even when the run measures float32 only.
 */
function normalF64Extra(nn, cfg, rows, isa, setT) {
  const size = cfg.sizes.includes(2 ** 24) ? 2 ** 24 : Math.max(...cfg.sizes);
  const r = rows.find((x) => x.dtype === 'float64' && x.dist === 'normal' && x.size === size && x.kind === 'native' && x.isa === isa && x.threads === 1 && !x.async);
  if (r) return { size, nsPerElement: r.median / size };
  const view = new Float64Array(size).fill(1);
  nn.setIsa(isa);
  setT(1);
  progress(`native: ${isa} 1T normal float64 ${log2(size)} (for the float64 / float32 target)`);
  const fn = distFn(nn, 'float64', 'normal');
  const m = measure(() => fn(view), cfg.dist);
  return { size, nsPerElement: m.median / size };
}

/** ns per element of one implementation at the largest float32 size, per distribution. */
function speedOf(distRows, pred) {
  const f32 = distRows.filter((r) => r.dtype === 'float32' && pred(r));
  if (!f32.length) return null;
  const size = Math.max(...f32.map((r) => r.size));
  const sp = {};
  for (const r of f32) if (r.size === size) sp[r.dist] = r.median / r.size;
  return sp;
}

const DIST_OF = { normal: 'normal', kaimingFanOut: 'normal', truncnormal: 'truncnormal', torchWeight: 'uniform', torchBias: 'uniform', zeros: null, ones: null };

/** Estimated ms for one model run at the given per-element speeds. */
function estimateMs(params, sp) {
  let ns = 0;
  for (const p of params) {
    const d = DIST_OF[p.init.kind];
    if (d && sp?.[d] !== undefined) ns += sp[d] * p.shape.reduce((a, b) => a * b, 1);
  }
  return ns / 1e6;
}

function nninitModels(nn, cfg, label, variants, rows) {
  // JIT warm-up on the small configurations (same code paths).
  for (const m of modelList({ tiny: true })) modelInit(nn, m.params);
  for (const m of modelList({ tiny: cfg.tinyModels })) {
    let arena = null;
    let views = null;
    for (const v of variants) {
      if (v.mode === 'out' && arena === null) {
        arena = new Float32Array(m.count);
        views = arenaViews(m.params, arena);
      }
      v.enter();
      progress(`${label}: ${m.name} ${v.impl} (${v.mode === 'out' ? 'into preallocated' : 'allocating'})`);
      let kept = null;
      const run = () => { kept = modelInit(nn, m.params, v.mode === 'out' ? views : null); };
      // The warm-up run also pages in the arena.
      const r = measure(run, { ...cfg.nativeModel, single: true });
      kept = null;
      rows.push({ model: m.name, params: m.count, impl: v.impl, kind: v.kind, isa: v.isa, threads: v.threads, async: false, mode: v.mode, ...r });
    }
    arena = null;
    views = null;
  }
}

/** The floor for a model: allocate its arrays and write each once (fill), or fill preallocated ones. */
function memoryModels(cfg, rows) {
  for (const m of modelList({ tiny: cfg.tinyModels })) {
    const sizes = m.params.map((p) => p.shape.reduce((a, b) => a * b, 1));
    const arena = new Float32Array(m.count);
    const views = arenaViews(m.params, arena);
    for (const mode of ['alloc', 'out']) {
      progress(`memory limit: ${m.name} (${mode === 'out' ? 'into preallocated' : 'allocating'})`);
      let kept = null;
      const run = mode === 'out'
        ? () => { for (const v of views) v.fill(0.5); }
        : () => { kept = sizes.map((n) => new Float32Array(n).fill(0.5)); };
      const r = measure(run, { ...cfg.nativeModel, single: true });
      kept = null;
      rows.push({ model: m.name, params: m.count, impl: 'TypedArray.fill (memory limit)', kind: 'memory', isa: null, threads: 1, async: false, mode, ...r });
    }
  }
}

async function nninitModelsAsync(nn, cfg, variants, rows) {
  for (const m of modelList({ tiny: cfg.tinyModels })) {
    if (!hasAsyncModel(nn, m.params)) continue;
    for (const v of variants) {
      v.enter();
      progress(`native: ${m.name} ${v.impl}`);
      let kept = null;
      const r = await measureAsync(async () => { kept = await modelInitAsync(nn, m.params); }, { ...cfg.nativeModel, single: true });
      kept = null;
      rows.push({ model: m.name, params: m.count, impl: v.impl, kind: v.kind, isa: v.isa, threads: v.threads, async: true, mode: 'alloc', ...r });
    }
  }
}

function nninitOverhead(nn, cfg, impl, rows) {
  for (const c of overheadCases(nn)) {
    progress(`${impl}: call overhead ${c.case} ${c.api}`);
    const r = measure(c.run, cfg.overhead);
    rows.push({ case: c.case, elements: c.elements, api: c.api, impl, ...r });
  }
}

// ---------------------------------------------------------------------------------------
// Children.

/** The WebAssembly backend, in a child forced to it. */
async function workerWasm(cfg) {
  const nn = require(distEntry);
  const info = nn.backendInfo();
  if (info.name !== 'wasm') throw new Error(`worker wasm: expected the wasm backend, got ${info.name} (${info.reason})`);
  const out = { distributions: [], models: [], overhead: [], skipped: [] };
  const viewFor = makeBuffer(cfg);
  const variants = [{ impl: `nninit wasm ${info.isa}`, kind: 'wasm', isa: info.isa, threads: 1, async: false, mode: 'alloc', enter() {} }];
  nninitDistributions(nn, cfg, 'WebAssembly', variants, out.distributions, viewFor);
  nninitOverhead(nn, cfg, 'wasm', out.overhead);
  nninitModels(nn, cfg, 'WebAssembly', variants, out.models);
  return out;
}

/** The TypeScript backend and the peers, in a child forced to the TypeScript backend. */
async function workerJs(cfg) {
  const nn = require(distEntry);
  const info = nn.backendInfo();
  if (info.name !== 'js') throw new Error(`worker js: expected the TypeScript backend, got ${info.name}`);
  // Installed without devDependencies, the peers cannot load: only nninit is measured.
  const t = missingPeers().length === 0 ? await loadTfjs() : null;
  const out = { distributions: [], models: [], overhead: [], skipped: [] };
  const viewFor = makeBuffer(cfg);
  const ts = { impl: 'nninit TypeScript', kind: 'ts', isa: 'js', threads: 1, async: false, mode: 'alloc', enter() {} };
  let cell = 0;
  for (const dtype of cfg.dtypes) {
    for (const dist of DISTS) {
      const impls = [];
      const fn = distFn(nn, dtype, dist);
      if (fn !== null) impls.push({ ...ts, run: fn });
      if (t !== null) peersFor(dtype, dist, t).forEach((p, rank) => impls.push({ impl: p.name, kind: 'peer', family: p.family, rank, isa: null, threads: 1, async: false, run: p.run }));
      for (const size of cfg.sizes) {
        const view = viewFor(dtype, size);
        for (const x of cell++ % 2 ? [...impls].reverse() : impls) {
          progress(`JavaScript: ${x.impl} ${DNAME[dist]} ${dtype} ${log2(size)}`);
          const r = measure(() => x.run(view), { ...cfg.dist, warmMs: Math.max(cfg.dist.warmMs, cfg.jsWarmMs) });
          const { run, enter, mode, ...row } = x;
          out.distributions.push({ dtype, dist, size, ...row, ...r });
        }
      }
    }
  }
  nninitOverhead(nn, cfg, 'ts', out.overhead);
  // Whole models: nninit TypeScript and TF.js in turn, the order reversed from one model to
  // the next; the tiny configurations first warm up both (same code paths).
  for (const m of modelList({ tiny: true })) {
    modelInit(nn, m.params);
    if (t !== null) tfjsModelInit(m.params, t);
  }
  const speed = {
    ts: speedOf(out.distributions, (r) => r.kind === 'ts'),
    tfjs: speedOf(out.distributions, (r) => r.family === 'tfjs-layers'),
  };
  const runners = [
    { impl: 'nninit TypeScript', kind: 'ts', speed: speed.ts, run: (m) => modelInit(nn, m.params) },
    { impl: 'TF.js initializers', kind: 'peer', speed: speed.tfjs, run: (m) => tfjsModelInit(m.params, t) },
  ].filter((x) => t !== null || x.kind !== 'peer');
  modelList({ tiny: cfg.tinyModels }).forEach((m, i) => {
    for (const x of i % 2 ? [...runners].reverse() : runners) {
      const est = estimateMs(m.params, x.speed);
      if (est > cfg.slowModel.skipAboveMs) {
        out.skipped.push({ model: m.name, params: m.count, impl: x.impl, kind: x.kind, estimatedMs: est, why: `estimated ${(est / 1000).toFixed(0)} s per run from its ns/element; --full runs it` });
        continue;
      }
      progress(`JavaScript: ${m.name} ${x.impl} (allocating)`);
      let kept = null;
      const r = measure(() => { kept = x.run(m); }, { ...cfg.slowModel, single: true, warmed: true });
      r.capped = r.reps < cfg.slowModel.minReps;
      kept = null;
      out.models.push({ model: m.name, params: m.count, impl: x.impl, kind: x.kind, isa: x.kind === 'ts' ? 'js' : null, threads: 1, async: false, mode: 'alloc', ...r });
    }
  });
  return out;
}

/** The peers' packages (devDependencies) that cannot be loaded here. */
function missingPeers() {
  const names = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-layers',
    '@stdlib/random-array-uniform', '@stdlib/random-array-normal', '@stdlib/random-base-normal'];
  return names.filter((n) => { try { require.resolve(n); return false; } catch { return true; } });
}

function runWorker(kind, mode) {
  const env = { ...process.env, NNINIT_BENCH_T0: String(startTime) };
  if (kind === 'js' || kind === 'wasm') env.NNINIT_BACKEND = kind;
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--worker', kind, '--mode', mode], {
    env, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024, encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`bench worker ${kind} failed (status ${r.status}, signal ${r.signal})`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

// ---------------------------------------------------------------------------------------
// TF.js model building: a 20-layer, 1024-wide Dense model.

async function tfjsModelBuild(nn, spec) {
  const t = await loadTfjs();
  const { tf, tl } = t;
  const { layers: L, width: W, reps } = spec;
  let integration = null;
  const integPath = join(root, 'dist', 'cjs', 'tfjs', 'index.js');
  if (existsSync(integPath)) {
    try {
      const mod = require(integPath);
      if (typeof mod.initializers?.glorotUniform === 'function' && typeof mod.generator === 'function') integration = mod;
    } catch { /* measured without it */ }
  }
  // kernelInitializer: one for every layer, or a function of the layer index.
  const build = (kernelInitializer) => {
    const model = tl.sequential();
    for (let i = 0; i < L; i++) {
      const init = typeof kernelInitializer === 'function' ? kernelInitializer(i) : kernelInitializer;
      model.add(tl.layers.dense({ units: W, kernelInitializer: init, biasInitializer: 'zeros', ...(i === 0 ? { inputShape: [W] } : {}) }));
    }
    return model;
  };
  const variants = [
    { impl: 'TF.js glorotUniform (built-in)', run: () => build('glorotUniform') },
    {
      impl: 'nninit glorotUniform + setWeights',
      run: () => {
        const model = build('zeros');
        model.layers.forEach((layer, i) => {
          const w = nn.glorotUniform([W, W], { convention: 'keras', seed: SEED, stream: i });
          const k = tf.tensor2d(w, [W, W]);
          const b = tf.zeros([W]);
          layer.setWeights([k, b]);
          k.dispose();
          b.dispose();
        });
        return model;
      },
    },
  ];
  if (integration) {
    variants.push({
      impl: 'nninit/tfjs glorotUniform',
      run: () => {
        const gen = integration.generator(SEED); // one stream per layer
        return build(() => gen.glorotUniform());
      },
    });
  }
  const rows = [];
  for (const v of variants) {
    progress(`TF.js model build: ${v.impl}`);
    v.run().dispose(); // warm-up
    const samples = [];
    for (let r = 0; r < reps; r++) {
      const t0 = process.hrtime.bigint();
      const model = v.run();
      const dt = Number(process.hrtime.bigint() - t0);
      const ws = model.getWeights();
      sink.value += ws[0].dataSync()[0];
      model.dispose();
      samples.push(dt);
    }
    samples.sort((a, b) => a - b);
    rows.push({ impl: v.impl, layers: L, width: W, params: L * (W * W + W), median: samples[samples.length >> 1], min: samples[0], reps });
  }
  return { layers: L, width: W, integration: integration !== null, rows };
}

// ---------------------------------------------------------------------------------------

function cpuModel() {
  let model = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) model = m[1].trim();
  } catch { /* not Linux */ }
  return model.replace(/\s+/g, ' ');
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const cfg = MODES[args.mode];
  ensureBuilt();
  if (args.worker !== null) {
    // Children: only JSON on stdout.
    console.log = console.error;
    const distDir = dirname(distEntry);
    const out = args.worker === 'js' ? await workerJs(cfg)
      : args.worker === 'wasm' ? await workerWasm(cfg)
        : args.worker === 'files' ? await workerFiles(distDir, args.mode)
          : args.worker === 'rss' ? await workerRss(distDir, args.mode)
            : null;
    if (out === null) throw new Error(`unknown worker ${args.worker}`);
    progressDone();
    process.stdout.write(JSON.stringify({ ...out, sink: sink.value }) + '\n');
    return;
  }

  const t0 = Date.now();
  const nn = require(distEntry);
  const info = nn.backendInfo();
  const native = info.name === 'native';
  const hasThreads = typeof nn.setThreads === 'function';
  const nproc = os.availableParallelism ? os.availableParallelism() : os.cpus().length;
  const threadCounts = hasThreads ? [...new Set([1, nproc])] : [1];
  const defaultIsa = info.isa;
  const isas = native ? [...info.available] : [];
  const res = {
    meta: {
      date: new Date().toISOString(),
      mode: args.mode,
      cpu: cpuModel(),
      logicalCpus: nproc,
      platform: `${process.platform}-${process.arch}`,
      node: process.version,
      v8: process.versions.v8,
      nninit: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version,
      backend: { name: info.name, isa: defaultIsa, available: [...info.available], reason: info.reason },
      isas,
      threads: { api: hasThreads, counts: threadCounts, available: nproc },
      async: { fill: typeof nn.fillNormalAsync === 'function' },
      sizes: cfg.sizes,
      dtypes: cfg.dtypes,
      seed: SEED,
    },
    distributions: [],
    models: [],
    overhead: [],
    skipped: [],
    extra: {},
  };
  const viewFor = makeBuffer(cfg);
  const setT = (t) => { if (hasThreads) nn.setThreads(t); };
  const all = threadCounts[threadCounts.length - 1];

  // Native: every ISA (forced in turn) x thread count; then the async forms.
  const nativeVariants = [];
  for (const isa of isas) {
    for (const t of threadCounts) {
      nativeVariants.push({ impl: `nninit native ${isa} ${t}T`, kind: 'native', isa, threads: t, async: false, enter() { nn.setIsa(isa); setT(t); } });
    }
  }
  const asyncVariants = native && res.meta.async.fill
    ? [{ impl: `nninit native ${defaultIsa} ${all}T async`, kind: 'native', isa: defaultIsa, threads: all, async: true, enter() { nn.setIsa('auto'); setT(all); } }]
    : [];
  const memVariant = [{ impl: 'TypedArray.fill (memory limit)', kind: 'memory', isa: null, threads: 1, async: false }];

  // Memory limit on the same buffer.
  for (const dtype of cfg.dtypes) {
    for (const size of cfg.sizes) {
      const view = viewFor(dtype, size);
      progress(`memory limit: ${dtype}.fill ${log2(size)}`);
      const r = measure(() => view.fill(dtype === 'bfloat16' ? 0x3f80 : 0.5), cfg.dist);
      for (const dist of DISTS) res.distributions.push({ dtype, dist, size, ...memVariant[0], ...r });
    }
  }
  if (native) {
    nninitDistributions(nn, cfg, 'native', nativeVariants, res.distributions, viewFor);
    res.extra.normalF64 = normalF64Extra(nn, cfg, res.distributions, defaultIsa, setT);
    await nninitDistributionsAsync(nn, cfg, asyncVariants, res.distributions, viewFor);
    nn.setIsa('auto');
    setT(1);
    nninitOverhead(nn, cfg, 'native', res.overhead);
    const modelVariants = [];
    for (const t of threadCounts) {
      for (const mode of ['alloc', 'out']) {
        modelVariants.push({ impl: `nninit native ${defaultIsa} ${t}T`, kind: 'native', isa: defaultIsa, threads: t, mode, enter() { nn.setIsa('auto'); setT(t); } });
      }
    }
    nninitModels(nn, cfg, 'native', modelVariants, res.models);
    memoryModels(cfg, res.models);
    await nninitModelsAsync(nn, cfg, asyncVariants.map((v) => ({ ...v })), res.models);
    if (hasThreads) nn.setThreads(nproc);
  } else {
    process.stderr.write(`bench: the native addon is not in use (${info.reason}); native rows are skipped\n`);
  }

  const js = runWorker('js', args.mode);
  const wasm = runWorker('wasm', args.mode);
  const missing = missingPeers();
  if (missing.length > 0) {
    // An installed package has no devDependencies: nninit is measured, the peers are listed as skipped.
    process.stderr.write(`bench: peers not installed (${missing.join(', ')}); their rows are skipped\n`);
    res.skipped.push({ model: 'the peer rows', impl: 'TF.js and @stdlib', kind: 'peer', why: `not installed: ${missing.join(', ')}; npm install them to compare` });
  }
  res.distributions.push(...wasm.distributions, ...js.distributions);
  res.models.push(...wasm.models, ...js.models);
  res.overhead.push(...wasm.overhead, ...js.overhead);
  res.skipped.push(...js.skipped, ...wasm.skipped);
  res.tfjsModel = cfg.tfjsModel && missing.length === 0 ? await tfjsModelBuild(nn, cfg.tfjsModel) : null;
  res.tfjsInspect = cfg.tfjsInspect && missing.length === 0 ? await tfjsInspectBench(root, cfg.tfjsInspect) : null;
  res.orthogonal = orthogonalBench(nn, args.mode);
  // Whole-model files: each in its own process, so RSS and page cache are its own.
  res.modelFiles = { ...runWorker('files', args.mode), rss: runWorker('rss', args.mode) };
  res.meta.seconds = (Date.now() - t0) / 1000;
  res.meta.checksum = sink.value + js.sink + wasm.sink;
  progressDone();

  analyze(res);
  process.stdout.write(renderTables(res));
  process.stdout.write(renderOrthogonal(res.orthogonal));
  if (args.json) {
    mkdirSync(dirname(resolve(args.json)), { recursive: true });
    writeFileSync(args.json, JSON.stringify(res, null, 1) + '\n');
    process.stderr.write(`bench: wrote ${args.json}\n`);
  }
  if (args.svg) {
    mkdirSync(dirname(resolve(args.svg)), { recursive: true });
    writeFileSync(args.svg, renderSvg(res));
    process.stderr.write(`bench: wrote ${args.svg}\n`);
  }
}

main().catch((err) => {
  progressDone();
  process.stderr.write(`bench: ${err?.stack ?? err}\n`);
  process.exit(1);
});
