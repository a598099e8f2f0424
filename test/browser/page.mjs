// The test pages' code (bundled by Vite in test/browser.wasm-only.test.ts): imports nninit by
// its bare name, which a browser bundler resolves through the "browser" export condition,
// and nninit/browser; run() reports what a user would see.
import * as nninit from 'nninit';
import { ready } from 'nninit/browser';
import { digests } from './digests.mjs';

export async function run() {
  const before = nninit.backendInfo();
  const info = await nninit.ready();
  const t0 = performance.now();
  const d = await digests(nninit);
  // The models' in-memory audit, and its refusal of a path (files are the Node entry's).
  const plan = nninit.recipe('gpt2', { nLayer: 2, nHead: 2, nEmbd: 32, vocabSize: 50, nPositions: 16 });
  const audited = nninit.audit(nninit.materialize(plan, { seed: 1 }), plan, { sample: 200 }).ok;
  let auditPath = '';
  try { nninit.audit('model.safetensors', plan); } catch (err) { auditPath = String(err.message); }
  return {
    audit: { ok: audited, path: auditPath },
    userAgent: navigator.userAgent,
    sameModule: ready === nninit.ready,
    before,
    info,
    backend: nninit.backend,
    digests: d,
    ms: performance.now() - t0,
  };
}
