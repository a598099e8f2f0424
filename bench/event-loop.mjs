// The event loop during async calls: the largest gap of a 1 ms timer while an async call
// is pending, next to the same timer's largest gap with nothing running (same process,
// same load), medians over rounds. README: async calls never block the event loop.
//   node bench/event-loop.mjs [--rounds N] [--only NAME]   (after npm run build:ts)
//   NNINIT_BACKEND=js node bench/event-loop.mjs            (the TypeScript backend)
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const n = require('../dist/cjs/index.js');

const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf('--rounds') + 1] || 5);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;

/** The timer's largest gap while `run()` is pending, and how long it was pending. */
function watch(run) {
  return new Promise((resolve, reject) => {
    let last = performance.now(), worst = 0;
    const start = last;
    const t = setInterval(() => { const now = performance.now(); worst = Math.max(worst, now - last); last = now; }, 1);
    run().then(() => {
      clearInterval(t);
      const end = performance.now();
      resolve({ worst: Math.max(worst, end - last), ms: end - start });
    }, (e) => { clearInterval(t); reject(e); });
  });
}
const idle = (ms) => () => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const f = (x) => x.toFixed(1).padStart(7);

const cases = [
  ['fillNormalAsync 2^26 float32', () => { const o = new Float32Array(2 ** 26); return () => n.fillNormalAsync(o, { seed: 1 }); }],
  ['orthogonalAsync [262144, 64]', () => () => n.orthogonalAsync([262144, 64], { seed: 1 })],
  ['orthogonalAsync [1048576, 16]', () => () => n.orthogonalAsync([1048576, 16], { seed: 1 })],
  ['orthogonalAsync [16, 1048576]', () => () => n.orthogonalAsync([16, 1048576], { seed: 1 })],
  ['orthogonalAsync [1048576, 16] bfloat16', () => () => n.orthogonalAsync([1048576, 16], { seed: 1, dtype: 'bfloat16' })],
  ['orthogonalAsync [1024, 1024]', () => () => n.orthogonalAsync([1024, 1024], { seed: 1 })],
];

const info = n.backendInfo();
console.log(`event-loop gaps: ${info.name} ${info.isa}, ${rounds} rounds, load ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log(`${'call'.padEnd(42)} ${'worst gap ms'.padStart(12)} ${'idle gap ms'.padStart(12)} ${'call ms'.padStart(9)}   (medians; worst gap: min-max)`);
for (const [name, make] of cases) {
  if (only !== null && !name.includes(only)) continue;
  const run = make();
  await run(); // warm up (JIT, pages, pool)
  const gaps = [], idles = [], mss = [];
  for (let r = 0; r < rounds; r++) {
    const w = await watch(run);
    const i = await watch(idle(w.ms));
    gaps.push(w.worst); idles.push(i.worst); mss.push(w.ms);
  }
  console.log(`${name.padEnd(42)} ${f(median(gaps))}      ${f(median(idles))}      ${f(median(mss))}   (${Math.min(...gaps).toFixed(1)}-${Math.max(...gaps).toFixed(1)})`);
}
