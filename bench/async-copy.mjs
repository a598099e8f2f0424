// What async fills of ordinary ArrayBuffers cost now that the JS thread copies each chunk
// in (docs/native.md, "Async calls and your buffer"): for 2^26 float32 elements per kernel,
// the async time over the sync time (medians of alternating runs), the JS thread's own CPU
// time during the async fill (Linux: /proc/self/task/<pid>/schedstat), and the largest gap
// of a 1 ms timer meanwhile.
//   node bench/async-copy.mjs [log2(n)=26] [runs=11]      (after npm run build:ts)
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const nn = require('../dist/cjs/index.js');
const lg = Number(process.argv[2] ?? 26);
const runs = Number(process.argv[3] ?? 11);
const n = 2 ** lg;
const out = new Float32Array(n).fill(1); // paged in: page faults are not the copy's

// The main thread's CPU time in ms (Linux), or null elsewhere.
function threadCpuMs() {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return null;
  }
}

const median = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
const kernels = {
  uniform: [nn.fillUniform, nn.fillUniformAsync, {}],
  normal: [nn.fillNormal, nn.fillNormalAsync, {}],
  'truncated normal [-2, 2]': [nn.fillTruncatedNormal, nn.fillTruncatedNormalAsync, { a: -2, b: 2 }],
};
console.log(`${nn.backendInfo().name} ${nn.backendInfo().isa}, ${nn.getThreads()} threads, 2^${lg} float32, medians of ${runs}`);
for (const [name, [sync, async, opts]] of Object.entries(kernels)) {
  await async(out, { seed: 0, ...opts });
  const ratios = [], syncMs = [], asyncMs = [], cpu = [], gaps = [];
  for (let r = 0; r < runs; r++) {
    let t = performance.now();
    sync(out, { seed: r, ...opts });
    syncMs.push(performance.now() - t);
    let last = performance.now(), worst = 0;
    const timer = setInterval(() => { const now = performance.now(); worst = Math.max(worst, now - last); last = now; }, 1);
    const c0 = threadCpuMs();
    t = performance.now();
    await async(out, { seed: r, ...opts });
    asyncMs.push(performance.now() - t);
    if (c0 !== null) cpu.push(threadCpuMs() - c0);
    clearInterval(timer);
    gaps.push(worst);
    ratios.push(asyncMs[r] / syncMs[r]);
  }
  const f = (x) => x.toFixed(1);
  console.log(`${name}: sync ${f(median(syncMs))} ms, async ${f(median(asyncMs))} ms, async/sync ${median(ratios).toFixed(2)}, ` +
    `JS-thread CPU ${cpu.length ? `${f(median(cpu))} ms (${(median(cpu) * 1e6 / n).toFixed(3)} ns/element)` : 'n/a'}, ` +
    `largest timer gap ${f(median(gaps))} ms (max ${f(Math.max(...gaps))})`);
}
