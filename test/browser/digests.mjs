// The digest of every initializer and fill, computed the same way in Node (under each
// backend) and in a real browser page (test/browser.wasm-only.test.ts, bench/browser.mjs):
// equal digests = equal bytes. Plain ES module with no Node built-in: Web Crypto's SHA-256,
// which Node (>= 19) and browser pages on localhost both have.

const SEED = 20260101;

/** name -> () => a typed array (or several) to digest; `nn` is the nninit module. */
export function cases(nn) {
  const s = { seed: SEED };
  const c = {};
  for (const dtype of ['float32', 'float64', 'float16', 'bfloat16']) {
    const d = { ...s, dtype };
    c[`uniform ${dtype}`] = () => nn.uniform([129, 7], { ...d, low: -0.3, high: 0.7 });
    c[`normal ${dtype}`] = () => nn.normal([1001], { ...d, mean: 0.5, std: 2 });
    c[`truncatedNormal ${dtype}`] = () => nn.truncatedNormal([1001], { ...d, std: 0.02 });
    c[`xavierUniform ${dtype}`] = () => nn.xavierUniform([64, 33], d);
    c[`kaimingNormal ${dtype}`] = () => nn.kaimingNormal([16, 3, 3, 3], d);
    c[`orthogonal ${dtype}`] = () => nn.orthogonal([24, 40], d);
  }
  const d = s;
  Object.assign(c, {
    zeros: () => nn.zeros([5, 3]),
    ones: () => nn.ones([5, 3], { dtype: 'float64' }),
    constant: () => nn.constant([7], 0.25),
    glorotUniform: () => nn.glorotUniform([30, 20], { ...d, convention: 'keras' }),
    xavierNormal: () => nn.xavierNormal([30, 20], d),
    glorotNormal: () => nn.glorotNormal([30, 20], { ...d, convention: 'keras' }),
    kaimingUniform: () => nn.kaimingUniform([40, 20], { ...d, nonlinearity: 'leaky_relu', a: 0.1 }),
    heUniform: () => nn.heUniform([40, 20], d),
    heNormal: () => nn.heNormal([40, 20], { ...d, convention: 'keras' }),
    lecunUniform: () => nn.lecunUniform([40, 20], d),
    lecunNormal: () => nn.lecunNormal([40, 20], d),
    varianceScaling: () => nn.varianceScaling([50, 10], { ...d, scale: 2, mode: 'fan_avg', distribution: 'truncated_normal' }),
    'orthogonal tall': () => nn.orthogonal([70, 20], { ...d, gain: 1.5, dtype: 'float64' }),
    // Odd columns past the 2-column tiles, the 16-column TypeScript blocks and 32-reflection outer blocks.
    'orthogonal blocks': () => [nn.orthogonal([300, 131], { ...d, dtype: 'float64' }), nn.orthogonal([67, 200], { ...d, dtype: 'float64' })],
    eye: () => nn.eye([6, 9]),
    dirac: () => nn.dirac([4, 2, 3, 3]),
    sparse: () => nn.sparse([50, 20], { ...d, sparsity: 0.3, std: 0.1 }),
    torchDefaultWeight: () => nn.torchDefaultWeight([64, 32], d),
    torchDefaultBias: () => nn.torchDefaultBias([64], { ...d, fanIn: 32 }),
    torchLinear: () => { const p = nn.torchLinear(33, 17, d); return [p.weight, p.bias]; },
    torchConv: () => { const p = nn.torchConv(3, 8, 3, d); return [p.weight, p.bias]; },
    Generator: () => { const g = new nn.Generator(SEED, 5); return [g.xavierUniform([20, 10]), g.normal([33])]; },
    // Whole models (host-free: the browser entry has them too), every tensor in plan order.
    'materialize gpt2 (bfloat16, rank 1 of 3)': () => [...nn.materialize(
      nn.recipe('gpt2', { nLayer: 2, nHead: 2, nEmbd: 32, vocabSize: 50, nPositions: 16 }), { seed: SEED, dtype: 'bfloat16', rank: 1, worldSize: 3 },
    ).values()],
    'materialize lstm keras (orthogonal, unit forget bias)': () => [...nn.materialize(nn.recipe('lstm', { inputSize: 5, hiddenSize: 8 }, { style: 'keras' }), { seed: SEED }).values()],
    randomBits: () => nn.randomBits(new Uint32Array(1003), { ...d, stream: 2n ** 63n + 5n, offset: 2n ** 64n + 1n }),
    'fills, every kernel, lengths straddling SIMD widths, offsets past 2^32': () => {
      const out = [];
      for (const T of [Float32Array, Float64Array]) {
        for (const n of [1, 7, 64, 1003, 70001]) {
          for (const offset of [0, 5, 2 ** 32 - 1, 2 ** 40 + 3]) {
            const o = { ...d, stream: 3, offset };
            out.push(nn.fillUniform(new T(n), { ...o, low: -0.25, high: 0.75 }));
            out.push(nn.fillNormal(new T(n), { ...o, mean: 0.5, std: 2 }));
            out.push(nn.fillTruncatedNormal(new T(n), { ...o, std: 0.02 }));
            out.push(nn.fillTruncatedNormal(new T(n), { ...o, a: 4, b: Infinity }));
          }
        }
      }
      return out;
    },
  });
  return c;
}

const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');

/** SHA-256 (hex) of each case's bytes: { name: digest }. */
export async function digests(nn) {
  const out = {};
  for (const [name, run] of Object.entries(cases(nn))) {
    const r = run();
    const arrays = Array.isArray(r) ? r : [r];
    const total = arrays.reduce((t, a) => t + a.byteLength, 0);
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const a of arrays) {
      bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
      at += a.byteLength;
    }
    out[name] = hex(await globalThis.crypto.subtle.digest('SHA-256', bytes));
  }
  return out;
}
