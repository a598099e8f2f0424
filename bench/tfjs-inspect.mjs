// inspectModel's cost against the work it cannot avoid: on a `layers`-deep,
// `width`-wide ReLU MLP (He init, last layer 10 wide, mean squared error) and a batch of
// `batch`, the median time of inspectModel(model, x, { labels }) over the median of one
// model.predict(x) plus one tf.variableGrads of the compiled loss on the same batch. Each
// rep runs the three in turn (so load drifts hit them alike). The issue asks for at most 2x.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { progress, sink } from './harness.mjs';
import { loadTfjs } from './peers.mjs';

const require = createRequire(import.meta.url);

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

export async function tfjsInspectBench(root, spec) {
  const path = join(root, 'dist', 'cjs', 'tfjs', 'index.js');
  if (!existsSync(path)) return null;
  const t = await loadTfjs();
  const { tf, tl } = t;
  const nninitTfjs = require(path);
  const nn = require(join(root, 'dist', 'cjs', 'index.js'));
  const { layers: L, width: W, batch: B, reps } = spec;
  const gen = nninitTfjs.generator(1);
  const model = tl.sequential();
  for (let i = 0; i < L; i++) {
    const last = i === L - 1;
    model.add(tl.layers.dense({ units: last ? 10 : W, activation: last ? 'linear' : 'relu', kernelInitializer: gen.heNormal(), biasInitializer: 'zeros', ...(i === 0 ? { inputShape: [W] } : {}) }));
  }
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const xData = nn.fillNormal(new Float32Array(B * W), { seed: 2 });
  const yData = nn.fillNormal(new Float32Array(B * 10), { seed: 3 });
  const x = tf.tensor(xData, [B, W]);
  const y = tf.tensor(yData, [B, 10]);
  const inner = model.model ?? model;
  const lossFn = inner.lossFunctions[0];
  const vars = model.trainableWeights.map((w) => w.read());
  const runs = {
    predict: () => { const p = model.predict(x); sink.value += p.dataSync()[0]; p.dispose(); },
    variableGrads: () => {
      const { value, grads } = tf.variableGrads(() => tf.mean(lossFn(y, model.apply(x, { training: true }))), vars);
      sink.value += value.dataSync()[0];
      value.dispose();
      for (const g of Object.values(grads)) { sink.value += g.dataSync()[0]; g.dispose(); }
    },
    inspectModel: () => { const r = nninitTfjs.inspectModel(model, { data: xData, shape: [B, W] }, { labels: { data: yData, shape: [B, 10] } }); sink.value += r.loss; },
  };
  const ms = { predict: [], variableGrads: [], inspectModel: [] };
  for (const k of Object.keys(runs)) runs[k](); // warm-up
  for (let r = 0; r < reps; r++) {
    for (const k of Object.keys(runs)) {
      progress(`TF.js inspectModel cost: ${k} (${r + 1}/${reps})`);
      const t0 = process.hrtime.bigint();
      runs[k]();
      ms[k].push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  x.dispose();
  y.dispose();
  model.dispose();
  const med = Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, median(v)]));
  return {
    layers: L, width: W, batch: B, reps, backend: tf.getBackend(), ms, median: med,
    ratio: med.inspectModel / (med.predict + med.variableGrads),
  };
}
