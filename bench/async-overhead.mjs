// Async overhead per call: `await fillUniformAsync(out)` against the sync fill of the same
// buffer, sequentially, median of 7 rounds of 300 calls (the target: at most 30 us per call).
//   node bench/async-overhead.mjs        (after npm run build:ts)
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const n = require('../dist/cjs/index.js');

for (const size of [1 << 14, 1 << 15, 1 << 16, 1 << 18]) {
  const out = new Float32Array(size);
  for (let i = 0; i < 200; i++) {
    n.fillUniform(out, { seed: 1 });
    await n.fillUniformAsync(out, { seed: 1 });
  }
  const sync = [];
  const async = [];
  for (let r = 0; r < 7; r++) {
    let t = process.hrtime.bigint();
    for (let i = 0; i < 300; i++) n.fillUniform(out, { seed: 1, stream: i });
    sync.push(Number(process.hrtime.bigint() - t) / 300);
    t = process.hrtime.bigint();
    for (let i = 0; i < 300; i++) await n.fillUniformAsync(out, { seed: 1, stream: i });
    async.push(Number(process.hrtime.bigint() - t) / 300);
  }
  sync.sort((a, b) => a - b);
  async.sort((a, b) => a - b);
  const us = (ns) => (ns / 1000).toFixed(1);
  console.log(`2^${Math.log2(size)} float32 uniform: sync ${us(sync[3])} us, async ${us(async[3])} us, overhead ${us(async[3] - sync[3])} us per call`);
}
