#!/usr/bin/env node
// node bench/ts-processes.mjs [--processes 10] [--log2 24] [--reps 5] [--json FILE]
//
// The TypeScript backend in fresh processes: V8 compiles a kernel from the type feedback of
// its first calls, so a kernel shape it handles unevenly shows up as processes that settle
// at different speeds. Each child process (NNINIT_BACKEND=js) warms up (two calls and at
// least 300 ms per distribution), then times `reps` calls of float32 uniform and normal
// fills; this prints each process's median against the targets (uniform <= 6 ns/element,
// normal <= 15) and how many processes met them. See docs/benchmarks.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const TARGETS = { uniform: 6, normal: 15 };

function parseArgs(argv) {
  const a = { processes: 10, log2: 24, reps: 5, json: null, child: false };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    const num = (name, lo, hi) => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < lo || v > hi) {
        process.stderr.write(`ts-processes: ${name} must be an integer ${lo}..${hi}, got ${JSON.stringify(argv[i])}\n`);
        process.exit(2);
      }
      return v;
    };
    if (x === '--processes') a.processes = num('--processes', 1, 100);
    else if (x === '--log2') a.log2 = num('--log2', 4, 26);
    else if (x === '--reps') a.reps = num('--reps', 1, 101);
    else if (x === '--json') a.json = argv[++i];
    else if (x === '--child') a.child = true;
    else if (x === '--help' || x === '-h') {
      process.stdout.write('usage: node bench/ts-processes.mjs [--processes 10] [--log2 24] [--reps 5] [--json FILE]\n');
      process.exit(0);
    } else {
      process.stderr.write(`ts-processes: unknown argument ${JSON.stringify(x)} (try --help)\n`);
      process.exit(2);
    }
  }
  return a;
}

const now = () => Number(process.hrtime.bigint());
const cpuNow = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) * 1000;
};
const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];

/** One process: warm-up, then `reps` timed calls per distribution (wall and CPU time). */
function child({ log2, reps }) {
  const require = createRequire(import.meta.url);
  const nn = require(join(root, 'dist', 'cjs', 'index.js'));
  if (nn.backendInfo().name !== 'js') throw new Error(`expected the TypeScript backend, got ${nn.backendInfo().name}`);
  const n = 2 ** log2;
  const buf = new Float32Array(n);
  const fills = {
    uniform: () => nn.fillUniform(buf, { low: 0, high: 1, seed: 20240601, stream: 7 }),
    normal: () => nn.fillNormal(buf, { mean: 0, std: 1, seed: 20240601, stream: 7 }),
  };
  const out = {};
  for (const [dist, fill] of Object.entries(fills)) {
    // Warm-up: at least two calls and 300 ms (the JIT compiles the kernels meanwhile).
    const until = now() + 300e6;
    for (let c = 0; c < 2 || now() < until; c++) fill();
    const wall = [];
    const cpu = [];
    for (let r = 0; r < reps; r++) {
      const w0 = now();
      const c0 = cpuNow();
      fill();
      cpu.push((cpuNow() - c0) / n);
      wall.push((now() - w0) / n);
    }
    out[dist] = { median: median(wall), min: Math.min(...wall), cpu: median(cpu) };
  }
  out.checksum = buf[n - 1];
  return out;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(join(root, 'dist', 'cjs', 'index.js'))) {
    process.stderr.write('ts-processes: dist/ is missing; run npm run build:ts first\n');
    process.exit(2);
  }
  if (args.child) {
    process.stdout.write(JSON.stringify(child(args)) + '\n');
    return;
  }
  const self = fileURLToPath(import.meta.url);
  const load0 = os.loadavg()[0];
  const rows = [];
  process.stdout.write(`TypeScript backend, float32 2^${args.log2} elements, ${args.processes} fresh processes, median of ${args.reps} calls after a warm-up of 2 calls and 300 ms (ns/element)\n`);
  process.stdout.write(`target: uniform <= ${TARGETS.uniform}, normal <= ${TARGETS.normal} in every process\n\n`);
  const head = ['process', 'uniform', 'min', 'normal', 'min', 'cpu uniform', 'cpu normal', 'met'];
  process.stdout.write(head.map((h, i) => (i === 0 ? h.padEnd(8) : h.padStart(13))).join('') + '\n');
  for (let p = 1; p <= args.processes; p++) {
    const r = spawnSync(process.execPath, [self, '--child', '--log2', String(args.log2), '--reps', String(args.reps)], {
      env: { ...process.env, NNINIT_BACKEND: 'js' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (r.status !== 0) {
      process.stderr.write(`ts-processes: process ${p} failed (status ${r.status}, signal ${r.signal})\n`);
      process.exit(1);
    }
    const x = JSON.parse(r.stdout.trim().split('\n').pop());
    const met = x.uniform.median <= TARGETS.uniform && x.normal.median <= TARGETS.normal;
    rows.push({ process: p, ...x, met });
    const cells = [x.uniform.median, x.uniform.min, x.normal.median, x.normal.min, x.uniform.cpu, x.normal.cpu].map((v) => v.toFixed(2).padStart(13));
    process.stdout.write(String(p).padEnd(8) + cells.join('') + (met ? 'yes' : 'NO').padStart(13) + '\n');
  }
  const load1 = os.loadavg()[0];
  const met = rows.filter((r) => r.met).length;
  process.stdout.write(`\n${met} of ${rows.length} processes met both targets · load average ${load0.toFixed(2)} -> ${load1.toFixed(2)} on ${os.availableParallelism?.() ?? os.cpus().length} CPUs`);
  process.stdout.write(' (cpu: CPU time per element; well below the wall figure means other work shared the CPU)\n');
  if (args.json) {
    mkdirSync(dirname(resolve(args.json)), { recursive: true });
    writeFileSync(args.json, JSON.stringify({ log2: args.log2, reps: args.reps, targets: TARGETS, load: [load0, load1], node: process.version, rows }, null, 1) + '\n');
  }
}

main();
