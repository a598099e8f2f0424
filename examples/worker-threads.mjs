// Fill one SharedArrayBuffer from several worker_threads: each worker loads nninit (the
// native addon is context-aware, so every worker gets its own instance) and initializes
// its own element range of the same logical tensor. Because element j depends only on
// (seed, stream, j), the result equals the single-threaded fill bit for bit.
//
//   node examples/worker-threads.mjs [workers]
import { Worker, isMainThread, workerData } from 'node:worker_threads';
import { kaimingNormal, backendInfo } from 'nninit';

const shape = [4096, 1024];
const seed = 2024;

if (isMainThread) {
  const workers = Number(process.argv[2] ?? 4);
  const n = shape[0] * shape[1];
  const shared = new SharedArrayBuffer(n * 4);
  const per = Math.ceil(n / workers);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const start = Math.min(n, w * per);
      const end = Math.min(n, start + per);
      const worker = new Worker(new URL(import.meta.url), { workerData: { shared, start, end } });
      return new Promise((resolve, reject) => {
        worker.on('error', reject);
        worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker exited with ${code}`))));
      });
    }),
  );
  const ms = performance.now() - started;
  const parallel = new Float32Array(shared);
  const single = kaimingNormal(shape, { seed });
  const equal = Buffer.from(parallel.buffer).equals(Buffer.from(single.buffer));
  console.log(`${workers} workers (${backendInfo().name}/${backendInfo().isa}) filled ${n} elements in ${ms.toFixed(1)} ms; equal to the single-threaded fill: ${equal}`);
  process.exitCode = equal ? 0 : 1;
} else {
  const { shared, start, end } = workerData;
  // Fans come from the full shape; offset places this range in the logical tensor.
  kaimingNormal(shape, { seed, out: new Float32Array(shared, start * 4, end - start), offset: start });
}
