// The timing of bench/browser.mjs, the same code in Node (the wasm backend) and in a headless
// Chromium page (the browser entry): one fill of 2^24 float32 with a distribution, in ns per
// element. No Node built-ins (performance.now only).

const FILLS = {
  uniform: (nn, out) => nn.fillUniform(out, { low: 0, high: 1, seed: 20240601, stream: 7 }),
  normal: (nn, out) => nn.fillNormal(out, { mean: 0, std: 1, seed: 20240601, stream: 7 }),
  truncnormal: (nn, out) => nn.fillTruncatedNormal(out, { mean: 0, std: 1, a: -2, b: 2, seed: 20240601, stream: 7 }),
};
export const DISTS = Object.keys(FILLS);

/**
 * A timer over one paged-in buffer of `n` float32: time(dist) runs one fill of all of it;
 * time(dist, k) runs k fills of consecutive 2^20-element parts and returns the fastest (on a
 * machine other jobs share, a long call is always interrupted; the best short call is the
 * speed of one core). Both in ns per element.
 */
export function makeTimer(nn, n = 2 ** 24) {
  const out = new Float32Array(n);
  out.fill(1);
  const part = 2 ** 20; // ~1 ms: browsers coarsen performance.now() to 0.1 ms
  return (dist, k = 0) => {
    if (k === 0) {
      const a = performance.now();
      FILLS[dist](nn, out);
      return ((performance.now() - a) * 1e6) / n;
    }
    let best = Infinity;
    for (let i = 0; i < k; i++) {
      const j = (i * part) % n;
      const view = out.subarray(j, j + part);
      const a = performance.now();
      FILLS[dist](nn, view);
      best = Math.min(best, performance.now() - a);
    }
    return (best * 1e6) / part;
  };
}
