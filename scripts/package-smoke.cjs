#!/usr/bin/env node
// Smoke test of an installed nninit package (used by scripts/test-package.sh and the
// release workflow). Run it from a directory whose node_modules has nninit:
//   node package-smoke.cjs [--expect-backend native|wasm|js] [--expect-isa NAME] [--all-isas]
// Prints one JSON line: { backend, isa, available, reason, warnings, hash, isaHashes }.
// `hash` is a SHA-256 over every kernel x dtype (uniform, normal, truncated normal fast and
// tail paths, raw bits), with lengths that leave SIMD tails, odd offsets, a large fill that
// runs on the thread pool, and a few initializers. Equal hashes = equal bits.
// Exits 1 when an expectation fails.
'use strict';
const crypto = require('node:crypto');

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const warnings = [];
process.on('warning', (w) => warnings.push(`${w.name}: ${w.message}`));

const nninit = require('nninit');

function hashAll() {
  const h = crypto.createHash('sha256');
  const add = (a) => h.update(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  const seed = 20260101;
  for (const n of [1, 7, 1003, 1 << 18]) {
    for (const T of [Float32Array, Float64Array]) {
      for (const offset of [0, 5, 4294967301]) {
        const o = { seed, stream: 3, offset };
        add(nninit.fillUniform(new T(n), { ...o, low: -0.25, high: 0.75 }));
        add(nninit.fillNormal(new T(n), { ...o, mean: 0.5, std: 2 }));
        add(nninit.fillTruncatedNormal(new T(n), { ...o, std: 0.02 })); // [-2, 2]: fast path
        add(nninit.fillTruncatedNormal(new T(n), { ...o, a: 4, b: Infinity })); // far tail
      }
    }
    add(nninit.randomBits(new Uint32Array(n), { seed, offset: 9 }));
  }
  for (const dtype of ['float32', 'float64']) {
    add(nninit.xavierUniform([256, 128], { seed, dtype }));
    add(nninit.kaimingNormal([64, 3, 3, 3], { seed, dtype }));
    add(nninit.truncatedNormal([1000], { seed, dtype, std: 0.02 }));
    add(nninit.orthogonal([32, 48], { seed, dtype }));
  }
  return h.digest('hex');
}

async function main() {
  const info = nninit.backendInfo();
  const hash = hashAll();
  // Async fills go through the native thread pool (or JS slices): same bits.
  const a = new Float32Array(300001);
  const b = new Float32Array(300001);
  nninit.fillNormal(a, { seed: 5, offset: 11 });
  if (typeof nninit.fillNormalAsync === 'function') await nninit.fillNormalAsync(b, { seed: 5, offset: 11 });
  else nninit.fillNormal(b, { seed: 5, offset: 11 });
  const asyncEqual = Buffer.compare(Buffer.from(a.buffer), Buffer.from(b.buffer)) === 0;
  const isaHashes = {};
  if (args.includes('--all-isas') && info.name === 'native') {
    for (const isa of info.available) {
      nninit.setIsa(isa);
      isaHashes[isa] = hashAll();
    }
    nninit.setIsa('auto');
  }
  await new Promise((r) => setImmediate(r)); // let queued warnings arrive
  const out = { backend: info.name, isa: info.isa, available: info.available, reason: info.reason, warnings, hash, asyncEqual, isaHashes };
  console.log(JSON.stringify(out));
  const problems = [];
  const eb = opt('--expect-backend');
  const ei = opt('--expect-isa');
  if (eb && info.name !== eb) problems.push(`backend is ${info.name}, expected ${eb} (${info.reason})`);
  if (ei && info.isa !== ei) problems.push(`isa is ${info.isa}, expected ${ei}`);
  if (!asyncEqual) problems.push('async fill differs from the sync fill');
  for (const [isa, h] of Object.entries(isaHashes)) if (h !== hash) problems.push(`isa ${isa} hash differs`);
  for (const p of problems) console.error(`package-smoke: ${p}`);
  process.exitCode = problems.length ? 1 : 0;
}
main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
