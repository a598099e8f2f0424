// Trains a bad (tanh, N(0, 0.01)) and a good (ReLU, He) 6-layer MLP for 30 batches with
// nninit/tfjs's monitor and writes docs/monitor-bad.svg and docs/monitor-good.svg.
//   npm run build:ts && node examples/monitor-charts.mjs [outdir]
// Needs @tensorflow/tfjs-core, -layers and -backend-cpu (the devDependencies).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
const require = createRequire(import.meta.url);
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const tl = require('@tensorflow/tfjs-layers');
const nn = require('../dist/cjs/index.js');
const { initializers, monitor } = require('../dist/cjs/tfjs/index.js');

const out = process.argv[2] ?? fileURLToPath(new URL('../docs', import.meta.url));
await tf.setBackend('cpu');
const STEPS = 30, BATCH = 16, IN = 16, OUT = 4, n = STEPS * BATCH;
const x = tf.tensor(nn.fillNormal(new Float32Array(n * IN), { seed: 1 }), [n, IN]);
const y = tf.tensor(nn.fillNormal(new Float32Array(n * OUT), { seed: 2 }), [n, OUT]);

async function run(name, label, activation, kernel) {
  const model = tl.sequential();
  for (let i = 0; i < 6; i++) {
    model.add(tl.layers.dense({ units: i === 5 ? OUT : 32, activation: i === 5 ? 'linear' : activation, kernelInitializer: kernel(i), ...(i === 0 ? { inputShape: [IN] } : {}) }));
  }
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
  const m = monitor({ batches: STEPS, label, svg: join(out, `monitor-${name}.svg`), onWarning: (w) => console.log(w.message) });
  await model.fit(x, y, { epochs: 1, batchSize: BATCH, shuffle: false, callbacks: [m], verbose: 0 });
  console.log(`${name}: ${m.warnings.length} warnings; loss ${m.history.steps[0].loss.toFixed(4)} -> ${m.history.steps.at(-1).loss.toFixed(4)}; wrote ${join(out, `monitor-${name}.svg`)}`);
}
await run('bad', 'tanh MLP, N(0, 0.01)', 'tanh', (i) => initializers.normal({ std: 0.01, seed: 3, stream: i }));
await run('good', 'ReLU MLP, He normal', 'relu', (i) => initializers.heNormal({ seed: 3, stream: i }));
