#!/usr/bin/env node
// npm run bench:overhead [-- DIST_ENTRY ...]
//
// The "Call overhead" section of `npm run bench` alone (the same cases, bench/nninit-impl.mjs
// overheadCases, timed by the same harness with the full run's settings), for comparing
// builds of nninit in one process: each entry given (a dist/cjs/index.js; default this
// package's) is measured in turn, the order rotated from round to round, and the median of
// the rounds' medians is printed per case. A change to the per-call path is measured as
// `node bench/overhead.mjs /path/to/before/dist/cjs/index.js dist/cjs/index.js`.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { measure } from './harness.mjs';
import { overheadCases } from './nninit-impl.mjs';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const rounds = 7;
const entries = args.length > 0 ? args.map((a) => resolve(a)) : [resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', 'dist', 'cjs', 'index.js')];
const libs = entries.map((e) => require(e));
const settings = { warmMs: 100, minReps: 31, maxReps: 101, budgetMs: 500, sampleMs: 2 };
const caseSets = libs.map((nn) => overheadCases(nn));
const medians = entries.map(() => caseSets[0].map(() => []));
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < libs.length; k++) {
    const i = (k + r) % libs.length;
    caseSets[i].forEach((c, j) => { medians[i][j].push(measure(c.run, settings).median); });
  }
}
const mid = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`Call overhead: ns per call (median of ${rounds} rounds' medians; backend ${libs[0].backendInfo().name})`);
caseSets[0].forEach((c, j) => {
  console.log(`  ${`${c.case}, ${c.api}`.padEnd(40)} ${entries.map((e, i) => `${mid(medians[i][j]).toFixed(0).padStart(6)} ns`).join('  ')}`);
});
if (entries.length > 1) entries.forEach((e, i) => console.log(`  [${i + 1}] ${e}`));
