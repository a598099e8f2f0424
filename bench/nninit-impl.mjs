// How the benchmark calls nninit (either backend): the distribution fills, whole-model
// initialization and the small-call cases. The same code runs in the native process and in
// the TypeScript-backend worker.
import { sink } from './harness.mjs';

export const SEED = 20240601;

/** Options of the three benchmark distributions: U[0, 1), N(0, 1), N(0, 1) cut to [-2, 2]. */
const DIST_OPTS = {
  uniform: { low: 0, high: 1 },
  normal: { mean: 0, std: 1 },
  truncnormal: { mean: 0, std: 1, a: -2, b: 2 },
};
const FILL = { uniform: 'fillUniform', normal: 'fillNormal', truncnormal: 'fillTruncatedNormal' };
const INIT = { uniform: 'uniform', normal: 'normal', truncnormal: 'truncatedNormal' };

/**
 * A function filling `view` (Float32Array / Float64Array, or Uint16Array for bfloat16) with
 * the distribution, or null when the API does not exist (an older build without the async forms).
 */
export function distFn(nn, dtype, dist, { async = false } = {}) {
  const o = { ...DIST_OPTS[dist], seed: SEED, stream: 7 };
  if (dtype === 'bfloat16') {
    const name = INIT[dist] + (async ? 'Async' : '');
    const f = nn[name];
    if (typeof f !== 'function') return null;
    return (v) => f([v.length], { ...o, dtype: 'bfloat16', out: v });
  }
  const name = FILL[dist] + (async ? 'Async' : '');
  const f = nn[name];
  if (typeof f !== 'function') return null;
  return (v) => f(v, o);
}

const CALLS = {
  normal: ['normal', (p, i) => ({ mean: 0, std: p.init.std, seed: SEED, stream: i })],
  truncnormal: ['truncatedNormal', (p, i) => ({ mean: 0, std: p.init.std, a: -2 * p.init.std, b: 2 * p.init.std, seed: SEED, stream: i })], // cut at mean +- 2 std (TF's truncated_normal; nninit's default cut is torch's [-2, 2])
  kaimingFanOut: ['kaimingNormal', (p, i) => ({ mode: 'fan_out', nonlinearity: 'relu', seed: SEED, stream: i })],
  torchWeight: ['torchDefaultWeight', (p, i) => ({ seed: SEED, stream: i })],
  torchBias: ['torchDefaultBias', (p, i) => ({ fanIn: p.init.fanIn, seed: SEED, stream: i })],
  zeros: ['zeros', () => ({})],
  ones: ['ones', () => ({})],
};

/** Whether every initializer a model needs has an Async form. */
export function hasAsyncModel(nn, params) {
  return params.every((p) => typeof nn[CALLS[p.init.kind][0] + 'Async'] === 'function');
}

/**
 * Initializes every parameter (one nninit call each, stream = parameter index). With
 * `views`, writes into them (`out`); else each call allocates, as `normal(shape)` does.
 * Returns the arrays (the caller keeps them until the timing ends).
 */
export function modelInit(nn, params, views = null) {
  const out = new Array(params.length);
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    const [name, opts] = CALLS[p.init.kind];
    const o = opts(p, i);
    if (views) o.out = views[i];
    out[i] = nn[name](p.shape, o);
  }
  sink.value += out[0][0];
  return out;
}

/** As {@link modelInit}, with the Async forms, all parameters in flight at once. */
export async function modelInitAsync(nn, params, views = null) {
  const out = await Promise.all(params.map((p, i) => {
    const [name, opts] = CALLS[p.init.kind];
    const o = opts(p, i);
    if (views) o.out = views[i];
    return nn[name + 'Async'](p.shape, o);
  }));
  sink.value += out[0][0];
  return out;
}

/** Views of one arena, one per parameter (for the preallocated-output mode). */
export function arenaViews(params, arena) {
  const views = [];
  let off = 0;
  for (const p of params) {
    const n = p.shape.reduce((a, b) => a * b, 1);
    views.push(arena.subarray(off, off + n));
    off += n;
  }
  return views;
}

/**
 * The small-call cases: a 64-element bias and a 4096-element weight, through the in-place
 * fill (`fillNormal(out, ...)`) and through the allocating initializer (`normal([n], ...)`).
 */
export function overheadCases(nn) {
  const cases = [];
  for (const n of [64, 4096]) {
    const buf = new Float32Array(n);
    let s = 0;
    cases.push({ case: n === 64 ? 'bias 64' : 'weight 4096', elements: n, api: 'fillNormal (in place)', run: () => nn.fillNormal(buf, { std: 0.02, seed: SEED, stream: s++ }) });
    cases.push({ case: n === 64 ? 'bias 64' : 'weight 4096', elements: n, api: 'normal([n]) (allocating)', run: () => nn.normal([n], { std: 0.02, seed: SEED, stream: s++ }) });
  }
  return cases;
}
