// Whole-model files (materialize, the safetensors writers, recipe planning, peak RSS), run in child processes of bench/run.mjs:
//  - `--worker files`: `nninit materialize` of GPT-2 small to a safetensors file on tmpfs
//    (/dev/shm), through the CLI's main() in this process (the command's code path without
//    process start-up), against writing the same number of bytes from one preallocated,
//    paged-in buffer with fs.writeSync (each run writes a fresh file, so both pay tmpfs page
//    allocation); runs interleaved, medians and their ratio. Also the sync and async API
//    writers, and how long recipe('llama', 'llama3-8b') takes to plan.
//  - `--worker rss`: writes Llama 3.2 1B as bfloat16 to tmpfs and reports the process's peak
//    RSS (VmHWM on Linux): a fresh process doing only that.
import { createRequire } from 'node:module';
import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { progress } from './harness.mjs';

const require = createRequire(import.meta.url);
const now = () => Number(process.hrtime.bigint());
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/** tmpfs when there is one (Linux /dev/shm), else the OS temp directory. */
function scratchDir() {
  try { if (statSync('/dev/shm').isDirectory()) return { dir: '/dev/shm', tmpfs: true }; } catch { /* not Linux */ }
  return { dir: tmpdir(), tmpfs: false };
}

const SETTINGS = {
  smoke: { gpt2: { nLayer: 2, nHead: 2, nEmbd: 64 }, reps: 2, big: 'llama3-debug', planReps: 20 },
  quick: { gpt2: 'gpt2', reps: 5, big: 'llama3.2-1b', planReps: 200 },
  full: { gpt2: 'gpt2', reps: 11, big: 'llama3.2-1b', planReps: 1000 },
};

/** The `files` worker: ratio to a plain write, the API writers, plan time. */
export async function workerFiles(distDir, mode) {
  const nn = require(join(distDir, 'index.js'));
  const { main } = require(join(distDir, 'cli.js'));
  const s = SETTINGS[mode];
  const { dir, tmpfs } = scratchDir();
  const path = join(dir, `nninit-bench-${process.pid}.safetensors`);
  const plan = nn.recipe('gpt2', s.gpt2);
  const cfgArg = typeof s.gpt2 === 'string' ? s.gpt2 : JSON.stringify(s.gpt2);
  const quiet = { stdout: { write() {} }, stderr: { write() {} } };
  const clean = () => rmSync(path, { force: true });
  // The baseline's buffer: the file's size, preallocated and paged in once.
  await main(['materialize', '--recipe', 'gpt2', '--config', cfgArg, '--seed', '0', '--out', path], quiet);
  const fileBytes = statSync(path).size;
  clean();
  const buf = Buffer.alloc(fileBytes, 1);
  const variants = {
    writeSync: () => { const fd = openSync(path, 'w'); try { let d = 0; while (d < buf.length) d += writeSync(fd, buf, d, buf.length - d); } finally { closeSync(fd); } },
    cli: () => main(['materialize', '--recipe', 'gpt2', '--config', cfgArg, '--seed', '0', '--out', path], quiet),
    api: () => nn.writeSafetensorsAsync(path, plan, { seed: 0 }),
    apiSync: () => nn.writeSafetensors(path, plan, { seed: 0 }),
  };
  const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let r = -1; r < s.reps; r++) { // r = -1: warm-up
    for (const [k, fn] of Object.entries(variants)) {
      progress(`model files: GPT-2 ${typeof s.gpt2 === 'string' ? 'small' : 'tiny'} to ${dir} (${k}, run ${r + 2}/${s.reps + 1})`);
      const t = now();
      const out = fn();
      if (out && typeof out.then === 'function') {
        const code = await out;
        if (typeof code === 'number' && code !== 0) throw new Error(`nninit materialize exited ${code}`);
      }
      const dt = now() - t;
      clean();
      if (r >= 0) samples[k].push(dt);
    }
  }
  const rows = Object.entries(samples).map(([k, xs]) => ({ impl: k, median: median(xs), min: Math.min(...xs), reps: xs.length }));
  // Planning Llama 3 8B: first call (cold) and the median of repeated calls.
  const t0 = now();
  nn.recipe('llama', 'llama3-8b');
  const first = now() - t0;
  const plans = [];
  for (let i = 0; i < s.planReps; i++) { const a = now(); nn.recipe('llama', 'llama3-8b'); plans.push(now() - a); }
  return {
    dir, tmpfs, model: typeof s.gpt2 === 'string' ? 'GPT-2 small' : 'GPT-2 (2 layers, 64 wide)', fileBytes, params: plan.totals.parameters,
    rows, plan: { first, median: median(plans), min: Math.min(...plans), reps: plans.length },
  };
}

/**
 * This process's peak RSS in bytes: /proc/self/status VmHWM on Linux (the high-water mark
 * of this address space, which starts afresh at exec), else resourceUsage().maxRSS (which
 * Linux carries over from the forking parent across exec, so it is not used there).
 */
function peakRss() {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch { /* not Linux */ }
  return process.resourceUsage().maxRSS * 1024;
}

/** The `rss` worker: peak RSS writing the big model as bfloat16. */
export async function workerRss(distDir, mode) {
  const nn = require(join(distDir, 'index.js'));
  const s = SETTINGS[mode];
  const { dir, tmpfs } = scratchDir();
  const path = join(dir, `nninit-bench-rss-${process.pid}.safetensors`);
  const before = peakRss();
  const plan = nn.recipe('llama', s.big);
  progress(`model files: ${s.big} as bfloat16 to ${dir} (peak RSS)`);
  const t = now();
  try {
    await nn.writeSafetensorsAsync(path, plan, { seed: 0, dtype: 'bfloat16' });
  } finally {
    if (existsSync(path)) rmSync(path, { force: true });
  }
  const ns = now() - t;
  return { dir, tmpfs, model: s.big, params: plan.totals.parameters, bytes: plan.totals.parameters * 2, ns, maxRssBefore: before, maxRss: peakRss() };
}
