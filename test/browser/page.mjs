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
  return {
    userAgent: navigator.userAgent,
    sameModule: ready === nninit.ready,
    before,
    info,
    backend: nninit.backend,
    digests: d,
    ms: performance.now() - t0,
  };
}
