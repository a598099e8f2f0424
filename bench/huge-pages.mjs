// First touch of 256 MiB of fresh memory with 4 KiB pages and with transparent huge pages
// (the addon's adviseHugePages, i.e. MADV_HUGEPAGE), the way an allocating initializer
// touches it: new ArrayBuffer, then one pass of writes (Float32Array.fill). Each kind is
// timed on memory freed moments ago ("warm") and after a pause of 3 s ("after a pause": on
// VMs with free page reporting, the guest has handed the freed memory back to the host by
// then). See docs/native.md, "Allocating results".
//   node --expose-gc bench/huge-pages.mjs        (after npm run build:ts; Linux)
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
require('../dist/cjs/index.js'); // installs the Node platform
const { nativeBinding } = require('../dist/cjs/backend.js');
const b = nativeBinding();
if (b === null) throw new Error('bench/huge-pages.mjs: needs the native addon');
if (typeof globalThis.gc !== 'function') throw new Error('bench/huge-pages.mjs: run with node --expose-gc');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const bytes = 256 << 20;

async function touch(huge, pauseMs) {
  await sleep(pauseMs);
  let buf = new ArrayBuffer(bytes);
  const advised = huge ? b.adviseHugePages(buf) : false;
  const t = performance.now();
  new Float32Array(buf).fill(1);
  const ms = performance.now() - t;
  buf = null;
  globalThis.gc();
  return { ms, advised };
}

console.log(`huge pages advised here: ${b.hugePages} (NNINIT_HUGE_PAGES=${process.env.NNINIT_HUGE_PAGES ?? 'auto'}; 1 advises regardless of free page reporting)`);
for (const huge of [false, true]) {
  const warm = [], paused = [];
  let advised = false;
  await touch(huge, 0);
  for (let r = 0; r < 5; r++) {
    const w = await touch(huge, 0);
    warm.push(w.ms);
    advised ||= w.advised;
    paused.push((await touch(huge, 3000)).ms);
  }
  const f = (a) => a.map((x) => x.toFixed(0)).join(' ');
  console.log(`${huge ? (advised ? '2 MiB pages' : '2 MiB pages (not advised here)') : '4 KiB pages'}: warm ${f(warm)} ms; after a 3 s pause ${f(paused)} ms`);
}
