// The timing loop of bench/browser.mjs, run unchanged by Node (the wasm backend) and by a
// headless Chromium page (the browser entry): fill 2^24 float32 with each distribution,
// median ns per element after warm-up. No Node built-ins (performance.now only).

const DISTS = {
  uniform: (nn, out) => nn.fillUniform(out, { low: 0, high: 1, seed: 20240601, stream: 7 }),
  normal: (nn, out) => nn.fillNormal(out, { mean: 0, std: 1, seed: 20240601, stream: 7 }),
  truncnormal: (nn, out) => nn.fillTruncatedNormal(out, { mean: 0, std: 1, a: -2, b: 2, seed: 20240601, stream: 7 }),
};

/** { dist: { median, min, reps } } in ns per element; `n` elements, `reps` timed calls each. */
export function timeDistributions(nn, { n = 2 ** 24, reps = 9, warm = 3 } = {}) {
  const out = new Float32Array(n);
  out.fill(1); // paged in
  const res = {};
  for (const [dist, fill] of Object.entries(DISTS)) {
    for (let i = 0; i < warm; i++) fill(nn, out);
    const t = [];
    for (let i = 0; i < reps; i++) {
      const a = performance.now();
      fill(nn, out);
      t.push(((performance.now() - a) * 1e6) / n);
    }
    t.sort((x, y) => x - y);
    res[dist] = { median: t[t.length >> 1], min: t[0], reps };
  }
  return res;
}
