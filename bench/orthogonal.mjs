// orthogonal(): nninit (native on 1 and all threads; the WebAssembly backend, one thread, and
// the TypeScript backend at the smaller shapes, each in a child process) against its LAPACK peer, bench/lapack-peer.c: the steps of
// torch.nn.init.orthogonal_ (PyTorch 1.13) with ?geqrf + ?orgqr from OpenBLAS, in float32
// (what PyTorch does for a float32 weight) and float64 (nninit's precision), on 1 and all
// threads. The peer is compiled here when OpenBLAS is installed (Debian: libopenblas-dev);
// without it the section says so and shows nninit alone.
//
//   node bench/orthogonal.mjs [--smoke|--quick|--full]   this section alone
//   (npm run bench runs it after the other sections)
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { measure, progress, progressDone, sink } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const require = createRequire(import.meta.url);

/**
 * Shapes [rows, cols] and calls per sample set, per mode; ts, wasm: how many of the shapes the
 * TypeScript and WebAssembly backends run.
 */
const MODES = {
  smoke: { shapes: [[64, 64], [96, 40]], reps: () => 2, ts: 2, wasm: 2 },
  quick: { shapes: [[256, 256], [1024, 1024], [4096, 1024], [4096, 4096]], reps: (n) => (n <= 1 << 16 ? 15 : n <= 1 << 20 ? 7 : n <= 1 << 22 ? 3 : 2), ts: 2, wasm: 3 },
  full: { shapes: [[256, 256], [1024, 1024], [4096, 1024], [4096, 4096]], reps: (n) => (n <= 1 << 16 ? 41 : n <= 1 << 20 ? 15 : 5), ts: 2, wasm: 3 },
};

/** The child backends: the NNINIT_BACKEND value, the row name, and how many shapes (MODES). */
const CHILDREN = {
  js: { impl: 'nninit TypeScript', shapes: (cfg) => cfg.ts, reps: (cfg, n) => Math.max(2, Math.min(cfg.reps(n), 5)) },
  wasm: { impl: 'nninit wasm', shapes: (cfg) => cfg.wasm, reps: (cfg, n) => cfg.reps(n) },
};

const PEER_BIN = join(root, 'build', 'bench', 'lapack-peer');
const PEER_SRC = join(here, 'lapack-peer.c');
export const PEER_MISSING = 'LAPACK peer not installed (apt-get install libopenblas-dev)';

/** Builds the peer when it is missing or older than its source; null when it cannot be built. */
function buildPeer() {
  try {
    if (existsSync(PEER_BIN) && statSync(PEER_BIN).mtimeMs >= statSync(PEER_SRC).mtimeMs) return { bin: PEER_BIN };
    mkdirSync(dirname(PEER_BIN), { recursive: true });
    execFileSync(process.env.CC || 'cc', ['-O2', '-std=c11', PEER_SRC, '-o', PEER_BIN, '-lopenblas', '-lm'], { stdio: ['ignore', 'ignore', 'pipe'] });
    return { bin: PEER_BIN };
  } catch (err) {
    const why = String(err?.stderr ?? err?.message ?? err).split('\n').find((l) => l.trim()) ?? '';
    return { bin: null, why };
  }
}

function runPeer(bin, threads, reps, dtype, [rows, cols]) {
  const r = spawnSync(bin, [String(threads), String(reps), dtype, `${rows}x${cols}`], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`lapack-peer failed (status ${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/** nninit rows of one backend for the given shapes (in this process). */
function nninitRows(nn, shapes, repsOf, variants) {
  const rows = [];
  for (const [r, c] of shapes) {
    const out = new Float32Array(r * c);
    for (const v of variants) {
      v.enter();
      progress(`orthogonal: ${v.impl} [${r}, ${c}]`);
      let seed = 0;
      const m = measure(() => {
        nn.orthogonal([r, c], { seed: seed++, out });
        sink.value += out[0];
      }, { single: true, warmMs: 0, minReps: repsOf(r * c), maxReps: repsOf(r * c), budgetMs: 0 });
      rows.push({ rows: r, cols: c, impl: v.impl, kind: v.kind, threads: v.threads, median: m.median / 1e6, min: m.min / 1e6, reps: m.reps });
    }
  }
  return rows;
}

/** A child backend's rows (CHILDREN), from a child process (the backend is chosen at load). */
function childRows(backend, mode) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--worker', backend, mode], {
    env: { ...process.env, NNINIT_BACKEND: backend }, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 22,
  });
  if (r.status !== 0) throw new Error(`orthogonal ${CHILDREN[backend].impl} worker failed (status ${r.status})`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/**
 * Runs the section: nninit native (when loaded) on 1 and all threads, the WebAssembly and
 * TypeScript backends on the first `wasm` and `ts` shapes, and the LAPACK peer. Returns
 * { shapes, rows, peer }.
 */
export function orthogonalBench(nn, mode) {
  const cfg = MODES[mode] ?? MODES.quick;
  const info = nn.backendInfo();
  const nproc = os.availableParallelism ? os.availableParallelism() : os.cpus().length;
  const counts = [...new Set([1, nproc])];
  const rows = [];
  const peer = buildPeer();
  const res = { shapes: cfg.shapes, threads: counts, rows, peer: { available: peer.bin !== null, why: peer.bin ? null : peer.why, core: null } };
  for (const shape of cfg.shapes) {
    const reps = cfg.reps(shape[0] * shape[1]);
    // nninit first, then the peer, per shape (the same order for every shape).
    if (info.name === 'native') {
      const variants = counts.map((t) => ({ impl: `nninit native ${t}T`, kind: 'native', threads: t, enter() { nn.setIsa('auto'); nn.setThreads(t); } }));
      rows.push(...nninitRows(nn, [shape], () => reps, variants));
    }
    if (peer.bin) {
      for (const dtype of ['float32', 'float64']) {
        for (const t of counts) {
          progress(`orthogonal: LAPACK ${dtype} ${t}T [${shape[0]}, ${shape[1]}]`);
          const p = runPeer(peer.bin, t, reps, dtype, shape);
          res.peer.core = p.core;
          rows.push({ rows: shape[0], cols: shape[1], impl: `LAPACK ${dtype} ${t}T`, kind: 'peer', dtype, threads: t, median: p.median_ms, min: p.min_ms, qr: p.qr_median_ms, reps, error: p.orthogonality_error });
        }
      }
    }
  }
  if (info.name === 'native') nn.setThreads(0);
  rows.push(...childRows('wasm', mode), ...childRows('js', mode));
  progressDone();
  return res;
}

const fmt = (ms) => (ms === undefined ? '-' : ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

/** The section as text. */
export function renderOrthogonal(o) {
  if (!o) return '';
  const t = o.threads[o.threads.length - 1];
  const impls = [`nninit native 1T`, `nninit native ${t}T`, 'nninit wasm', 'nninit TypeScript', `LAPACK float32 1T`, `LAPACK float32 ${t}T`, `LAPACK float64 1T`, `LAPACK float64 ${t}T`]
    .filter((v, i, a) => a.indexOf(v) === i);
  const get = (shape, impl) => o.rows.find((r) => r.rows === shape[0] && r.cols === shape[1] && r.impl === impl);
  let s = '\n== orthogonal(): nninit vs LAPACK (torch.nn.init.orthogonal_\'s steps) ==\n';
  s += 'ms per call, median (min) over repeated calls after one warm-up; float32 result. nninit: the whole call (normal\n';
  s += 'fill, QR in float64, sign correction, transposes). LAPACK: ?geqrf + ?orgqr with the copies, sign correction and\n';
  s += 'transposes of orthogonal_, without its normal fill (which favours the peer). ratio = nninit / LAPACK float32 on\n';
  s += 'the same threads (at most 1 is the target at 1024^2; PyTorch 1.13 took 135 ms there in one run on this kind of\n';
  s += 'machine). NT = N threads; nninit wasm runs on one thread.\n';
  if (!o.peer.available) s += `${PEER_MISSING}${o.peer.why ? ` [${o.peer.why}]` : ''}\n`;
  else s += `LAPACK: OpenBLAS, ${o.peer.core} kernels\n`;
  const cols = ['shape', ...impls, 'ratio 1T', `ratio ${t}T`];
  const table = [cols];
  for (const shape of o.shapes) {
    const line = [`[${shape[0]}, ${shape[1]}]`];
    for (const impl of impls) {
      const r = get(shape, impl);
      line.push(r ? `${fmt(r.median)} (${fmt(r.min)})` : '-');
    }
    for (const th of [1, t]) {
      const a = get(shape, `nninit native ${th}T`), b = get(shape, `LAPACK float32 ${th}T`);
      line.push(a && b ? (a.median / b.median).toFixed(2) : '-');
    }
    if (t === 1) line.pop();
    table.push(line);
  }
  if (t === 1) table[0].pop();
  const widths = table[0].map((_, i) => Math.max(...table.map((l) => (l[i] ?? '').length)));
  for (const l of table) s += l.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ') + '\n';
  return s;
}

async function main() {
  const args = process.argv.slice(2);
  const nn = require(join(root, 'dist', 'cjs', 'index.js'));
  if (args[0] === '--worker') {
    const child = CHILDREN[args[1]];
    const cfg = MODES[args[2]] ?? MODES.quick;
    console.log = console.error;
    if (nn.backendInfo().name !== args[1]) throw new Error(`the ${args[1]} backend did not load: ${nn.backendInfo().reason}`);
    const shapes = cfg.shapes.slice(0, child.shapes(cfg));
    const rows = nninitRows(nn, shapes, (n) => child.reps(cfg, n), [{ impl: child.impl, kind: args[1], threads: 1, enter() {} }]);
    progressDone();
    process.stdout.write(JSON.stringify(rows) + '\n');
    return;
  }
  const mode = args.includes('--smoke') ? 'smoke' : args.includes('--full') ? 'full' : 'quick';
  process.stdout.write(renderOrthogonal(orthogonalBench(nn, mode)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    progressDone();
    process.stderr.write(`bench/orthogonal: ${err?.stack ?? err}\n`);
    process.exit(1);
  });
}
