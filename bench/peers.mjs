// The peers a Node user reaches for, each doing the same work as nninit: `n` values of the
// same dtype and distribution (uniform [0, 1), normal(0, 1), normal(0, 1) truncated to
// [-2, 2]), values kept. Writers that can fill a caller's buffer do so (the same buffer
// nninit fills); TF.js allocates its own tensor, which we read back with dataSync() (on
// the cpu backend that is the tensor's own storage) before disposing it.
import { createRequire } from 'node:module';
import { sink } from './harness.mjs';

const require = createRequire(import.meta.url);

/** Loads TF.js (core + cpu backend + layers) quietly; returns { tf, tl }. */
export async function loadTfjs() {
  const warn = console.warn;
  const log = console.log;
  console.warn = () => {};
  console.log = () => {};
  try {
    const tf = require('@tensorflow/tfjs-core');
    require('@tensorflow/tfjs-backend-cpu');
    const tl = require('@tensorflow/tfjs-layers');
    await tf.setBackend('cpu');
    await tf.ready();
    tf.zeros([1]).dispose(); // the cpu backend prints its banner on the first write
    return { tf, tl };
  } finally {
    console.warn = warn;
    console.log = log;
  }
}

const TWO_PI = 2 * Math.PI;

function mathUniform(out) {
  const n = out.length;
  for (let i = 0; i < n; i++) out[i] = Math.random();
}

// Box-Muller: one pair of uniforms gives two normals.
function mathNormal(out) {
  const n = out.length;
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - Math.random()));
    const t = TWO_PI * Math.random();
    out[i] = r * Math.cos(t);
    if (i + 1 < n) out[i + 1] = r * Math.sin(t);
  }
}

// Box-Muller with rejection outside [-2, 2] (what TF.js and most hand-written code do).
function mathTruncNormal(out) {
  const n = out.length;
  let i = 0;
  while (i < n) {
    const r = Math.sqrt(-2 * Math.log(1 - Math.random()));
    const t = TWO_PI * Math.random();
    const z0 = r * Math.cos(t);
    const z1 = r * Math.sin(t);
    if (z0 >= -2 && z0 <= 2) out[i++] = z0;
    if (i < n && z1 >= -2 && z1 <= 2) out[i++] = z1;
  }
}

/**
 * The peer list for one dtype and distribution: [{ name, family, run(view) }], each named by
 * what it is (package and function, or the hand-written method). `view` is the caller's
 * buffer of the right length and dtype. Empty for dtypes no peer supports.
 */
export function peersFor(dtype, dist, { tf, tl }) {
  if (dtype === 'bfloat16') return []; // no peer produces bfloat16
  const stdUniform = require('@stdlib/random-array-uniform');
  const stdNormal = require('@stdlib/random-array-normal');
  const baseNormal = require('@stdlib/random-base-normal');
  const peers = [];
  const tfRead = (t) => {
    const v = t.dataSync();
    sink.value += v[v.length - 1];
    t.dispose();
  };
  if (dtype === 'float32') {
    const [op, init] = dist === 'uniform'
      ? ['randomUniform', tl.initializers.randomUniform({ minval: 0, maxval: 1 })]
      : dist === 'normal'
        ? ['randomNormal', tl.initializers.randomNormal({ mean: 0, stddev: 1 })]
        : ['truncatedNormal', tl.initializers.truncatedNormal({ mean: 0, stddev: 1 })];
    const core = dist === 'uniform' ? (n) => tf.randomUniform([n], 0, 1, 'float32')
      : dist === 'normal' ? (n) => tf.randomNormal([n], 0, 1, 'float32')
        : (n) => tf.truncatedNormal([n], 0, 1, 'float32');
    peers.push({ name: `TF.js tf.${op} (cpu backend)`, family: 'tfjs-core', run: (v) => tfRead(core(v.length)) });
    peers.push({ name: `TF.js initializers.${op}`, family: 'tfjs-layers', run: (v) => tfRead(init.apply([v.length], 'float32')) });
  }
  if (dist === 'uniform') {
    peers.push({ name: '@stdlib/random-array-uniform (assign)', family: 'stdlib', run: (v) => stdUniform.assign(0, 1, v) });
    peers.push({ name: 'Math.random loop', family: 'math-random', run: mathUniform });
  } else if (dist === 'normal') {
    peers.push({ name: '@stdlib/random-array-normal (assign)', family: 'stdlib', run: (v) => stdNormal.assign(0, 1, v) });
    peers.push({ name: 'Math.random + Box-Muller', family: 'math-random', run: mathNormal });
  } else {
    // @stdlib has no truncated normal: fill with its normal, redraw values outside [-2, 2].
    peers.push({
      name: '@stdlib/random-array-normal + redraw outside [-2, 2]',
      family: 'stdlib',
      run: (v) => {
        stdNormal.assign(0, 1, v);
        for (let i = 0; i < v.length; i++) {
          let z = v[i];
          while (z < -2 || z > 2) z = baseNormal(0, 1);
          v[i] = z;
        }
      },
    });
    peers.push({ name: 'Math.random + Box-Muller + rejection', family: 'math-random', run: mathTruncNormal });
  }
  return peers;
}

/**
 * One TF.js initialization of a whole model, the way its reference does it (std resolved in
 * bench/models.mjs; TF.js's heNormal would truncate and use fan_in, so the ResNet convs use
 * randomNormal with the Kaiming fan_out std). Returns the value arrays (kept by the caller).
 */
export function tfjsModelInit(params, { tf, tl }) {
  const out = new Array(params.length);
  for (let i = 0; i < params.length; i++) {
    const { shape, init } = params[i];
    let ini;
    switch (init.kind) {
      case 'normal':
      case 'kaimingFanOut':
        ini = tl.initializers.randomNormal({ mean: 0, stddev: init.std });
        break;
      case 'truncnormal':
        ini = tl.initializers.truncatedNormal({ mean: 0, stddev: init.std });
        break;
      case 'torchWeight':
      case 'torchBias':
        ini = tl.initializers.randomUniform({ minval: -init.bound, maxval: init.bound });
        break;
      case 'zeros':
        ini = tl.initializers.zeros();
        break;
      case 'ones':
        ini = tl.initializers.ones();
        break;
      default:
        throw new Error(`unknown init ${init.kind}`);
    }
    const t = ini.apply(shape, 'float32');
    out[i] = t.dataSync();
    t.dispose();
  }
  sink.value += out[0][0];
  return out;
}
