import { describe, expect, it } from 'vitest';
import {
  zeros, ones, constant, uniform, normal, truncatedNormal, xavierUniform, glorotUniform, xavierNormal, glorotNormal,
  kaimingUniform, heUniform, kaimingNormal, heNormal, lecunUniform, lecunNormal, varianceScaling, orthogonal, eye, dirac,
  sparse, calculateGain, computeFans, truncatedNormalStd, fillUniform, fillNormal, fillTruncatedNormal, fromBfloat16,
  fromFloat16, toBfloat16, toFloat16, Generator, torchLinear, torchConv, torchDefaultWeight, torchDefaultBias, manualSeed,
  globalSeedState, type DType,
} from '../lib/index.js';
import { encodeHalf, MAX16 } from '../lib/dtypes.js';

const KERAS_TN = 0.87962566103423978;

function moments(a: ArrayLike<number>): { mean: number; variance: number; min: number; max: number } {
  let s = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < a.length; i++) { const v = a[i]!; s += v; if (v < min) min = v; if (v > max) max = v; }
  const mean = s / a.length;
  let q = 0;
  for (let i = 0; i < a.length; i++) q += (a[i]! - mean) ** 2;
  return { mean, variance: q / (a.length - 1), min, max };
}

/** Mean within 5 standard errors of 0 and variance within 5 standard errors of `variance` (kurtosis k). */
function expectMoments(a: ArrayLike<number>, variance: number, kurtosis: number): void {
  const m = moments(a);
  const n = a.length;
  expect(Math.abs(m.mean)).toBeLessThan(5 * Math.sqrt(variance / n));
  expect(Math.abs(m.variance - variance)).toBeLessThan(5 * variance * Math.sqrt((kurtosis - 1) / n));
}

function decode(a: Float32Array | Float64Array | Uint16Array, dtype: DType): Float64Array {
  const r = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    r[i] = dtype === 'bfloat16' ? fromBfloat16(a[i]!) : dtype === 'float16' ? fromFloat16(a[i]!) : a[i]!;
  }
  return r;
}

function bitsEqual(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

describe('formulas: each initializer equals the core fill with the framework formula', () => {
  const seed = 11;
  const shapes: [string, number[], 'torch' | 'keras' | 'paddle'][] = [
    ['torch linear', [30, 50], 'torch'], ['torch conv1d', [8, 4, 5], 'torch'], ['torch conv2d', [16, 3, 3, 3], 'torch'],
    ['torch conv3d', [4, 2, 3, 3, 3], 'torch'], ['torch grouped conv2d', [16, 2, 3, 3], 'torch'],
    ['keras dense', [50, 30], 'keras'], ['keras conv2d', [3, 3, 3, 16], 'keras'], ['keras conv3d', [3, 3, 3, 2, 4], 'keras'],
    ['paddle linear', [50, 30], 'paddle'], ['paddle conv2d', [16, 3, 3, 3], 'paddle'],
  ];
  for (const [name, shape, layout] of shapes) {
    const n = shape.reduce((a, b) => a * b, 1);
    const { fanIn, fanOut } = computeFans(shape, { layout });
    it(`${name}: xavier / kaiming / lecun uniform bounds`, () => {
      const xb = 1.5 * Math.sqrt(3.0) * Math.sqrt(2.0 / (fanIn + fanOut));
      expect(bitsEqual(xavierUniform(shape, { seed, layout, gain: 1.5 }), fillUniform(new Float32Array(n), { seed, low: -xb, high: xb }))).toBe(true);
      expect(bitsEqual(glorotUniform(shape, { seed, layout, gain: 1.5 }), xavierUniform(shape, { seed, layout, gain: 1.5 }))).toBe(true);
      // Keras GlorotUniform: limit = sqrt(3 scale / fan_avg) (same value up to rounding)
      expect(Math.sqrt(3 / ((fanIn + fanOut) / 2))).toBeCloseTo(xb / 1.5, 14);
      const kb = Math.sqrt(3.0) * (Math.sqrt(2.0) / Math.sqrt(fanIn));
      expect(bitsEqual(kaimingUniform(shape, { seed, layout }), fillUniform(new Float32Array(n), { seed, low: -kb, high: kb }))).toBe(true);
      expect(bitsEqual(heUniform(shape, { seed, layout }), kaimingUniform(shape, { seed, layout }))).toBe(true);
      const kbo = Math.sqrt(3.0) * (calculateGain('leaky_relu', 0.3) / Math.sqrt(fanOut));
      expect(bitsEqual(kaimingUniform(shape, { seed, layout, a: 0.3, mode: 'fan_out' }), fillUniform(new Float32Array(n), { seed, low: -kbo, high: kbo }))).toBe(true);
      const lb = Math.sqrt(3.0) * (1 / Math.sqrt(fanIn));
      expect(bitsEqual(lecunUniform(shape, { seed, layout }), fillUniform(new Float32Array(n), { seed, low: -lb, high: lb }))).toBe(true);
      const vb = Math.sqrt(3 * (2 / Math.sqrt(fanIn * fanOut)));
      expect(bitsEqual(varianceScaling(shape, { seed, layout, scale: 2, mode: 'fan_geo_avg', distribution: 'uniform' }),
        fillUniform(new Float32Array(n), { seed, low: -vb, high: vb }))).toBe(true);
    });
    it(`${name}: normal stds (untruncated) and the keras truncated normal`, () => {
      const xs = Math.sqrt(2.0 / (fanIn + fanOut));
      expect(bitsEqual(xavierNormal(shape, { seed, layout }), fillNormal(new Float32Array(n), { seed, std: xs }))).toBe(true);
      expect(bitsEqual(glorotNormal(shape, { seed, layout }), xavierNormal(shape, { seed, layout }))).toBe(true);
      const ks = calculateGain('tanh') / Math.sqrt(fanIn);
      expect(bitsEqual(kaimingNormal(shape, { seed, layout, nonlinearity: 'tanh' }), fillNormal(new Float32Array(n), { seed, std: ks }))).toBe(true);
      expect(bitsEqual(heNormal(shape, { seed, layout, nonlinearity: 'tanh' }), kaimingNormal(shape, { seed, layout, nonlinearity: 'tanh' }))).toBe(true);
      expect(bitsEqual(lecunNormal(shape, { seed, layout }), fillNormal(new Float32Array(n), { seed, std: 1 / Math.sqrt(fanIn) }))).toBe(true);
      // Keras HeNormal: VS(2, fan_in, truncated_normal): std = sqrt(2/fan_in) / .8796..., cut at 2 std.
      const hs = Math.sqrt(2 / fanIn) / truncatedNormalStd(2);
      const he = heNormal(shape, { seed, layout, convention: 'keras' });
      expect(bitsEqual(he, fillTruncatedNormal(new Float32Array(n), { seed, std: hs, a: -2 * hs, b: 2 * hs }))).toBe(true);
      const vs = varianceScaling(shape, { seed, layout, scale: 2, mode: 'fanIn', distribution: 'truncated_normal' });
      expect(bitsEqual(vs, he)).toBe(true);
      expect(bitsEqual(varianceScaling(shape, { seed, layout, distribution: 'untruncated_normal', mode: 'fanAvg' }),
        fillNormal(new Float32Array(n), { seed, std: Math.sqrt(1 / ((fanIn + fanOut) / 2)) }))).toBe(true);
    });
  }
  it('kaiming defaults are PyTorch\'s: a = 0, fan_in, leaky_relu (gain sqrt 2)', () => {
    expect(bitsEqual(kaimingNormal([20, 10], { seed: 1 }), kaimingNormal([20, 10], { seed: 1, a: 0, mode: 'fan_in', nonlinearity: 'leaky_relu' }))).toBe(true);
    expect(bitsEqual(kaimingNormal([20, 10], { seed: 1 }), kaimingNormal([20, 10], { seed: 1, nonlinearity: 'relu' }))).toBe(true);
    // a is only the leaky_relu slope: ignored for relu, as in PyTorch
    expect(bitsEqual(kaimingNormal([20, 10], { seed: 1, a: 0.5, nonlinearity: 'relu' }), kaimingNormal([20, 10], { seed: 1 }))).toBe(true);
  });
  it('the truncated-normal correction is computed for any cutoff', () => {
    expect(Math.abs(truncatedNormalStd(2) - KERAS_TN)).toBeLessThan(4e-16);
    expect(truncatedNormalStd(3)).toBeCloseTo(0.98657839255810862127, 15);
    expect(truncatedNormalStd(0.5)).toBeCloseTo(0.28388229004432752467, 15);
    expect(truncatedNormalStd(0.001) / 0.00057735023069960836839).toBeCloseTo(1, 14);
    expect(truncatedNormalStd(6)).toBeCloseTo(0.99999996354470216463, 15);
    expect(truncatedNormalStd(40)).toBe(1);
    expect(truncatedNormalStd(Infinity)).toBe(1);
    // Scale or gain 0: zeros for every distribution and truncation (not a complaint about a and b).
    for (const distribution of ['truncatedNormal', 'normal', 'untruncatedNormal', 'uniform'] as const) {
      for (const convention of ['torch', 'keras'] as const) {
        expect(varianceScaling([3, 4], { scale: 0, distribution, convention, seed: 1 }).every((v) => v === 0)).toBe(true);
      }
    }
    expect(xavierNormal([3, 4], { gain: 0, convention: 'keras', seed: 1 }).every((v) => v === 0)).toBe(true);
    expect(kaimingNormal([3, 4], { nonlinearity: 'linear', truncation: 2, seed: 1, dtype: 'bfloat16' }).some((v) => v !== 0)).toBe(true);
    // Tiny cutoffs: t / sqrt(3), never 0 (t^3 underflows in the series).
    for (const t of [1e-200, 2 ** -300, 2 ** -299, 1e-80, 1e-320, Number.MIN_VALUE]) {
      const s = truncatedNormalStd(t);
      expect(s, String(t)).toBeGreaterThan(0);
      expect(Math.abs(s / (t / Math.sqrt(3)) - 1), String(t)).toBeLessThan(t < 1e-300 ? 1e-3 : 4e-16);
    }
    expect(() => truncatedNormalStd(0)).toThrow(RangeError);
    expect(() => truncatedNormalStd(NaN)).toThrow(RangeError);
  });
  it('conventions: torch and paddle are untruncated, keras truncated; core defaults per convention', () => {
    const t = kaimingNormal([100, 100], { seed: 2, convention: 'torch' });
    expect(bitsEqual(t, kaimingNormal([100, 100], { seed: 2 }))).toBe(true);
    expect(bitsEqual(kaimingNormal([100, 100], { seed: 2, convention: 'paddle' }), t)).toBe(true); // square: same fans
    const k = xavierNormal([100, 100], { seed: 2, convention: 'keras' });
    const s = Math.sqrt(2 / 200) / truncatedNormalStd(2);
    expect(Math.max(...k.map(Math.abs))).toBeLessThanOrEqual(Math.fround(2 * s));
    expect(bitsEqual(xavierNormal([100, 100], { seed: 2, convention: 'keras', truncation: Infinity }), xavierNormal([100, 100], { seed: 2 }))).toBe(true);
    expect(bitsEqual(normal([50], { seed: 1 }), fillNormal(new Float32Array(50), { seed: 1, std: 1 }))).toBe(true);
    expect(bitsEqual(normal([50], { seed: 1, convention: 'torch' }), fillNormal(new Float32Array(50), { seed: 1, std: 1 }))).toBe(true);
    expect(bitsEqual(normal([50], { seed: 1, convention: 'keras' }), fillNormal(new Float32Array(50), { seed: 1, std: 0.05 }))).toBe(true);
    expect(bitsEqual(uniform([50], { seed: 1 }), fillUniform(new Float32Array(50), { seed: 1 }))).toBe(true);
    expect(bitsEqual(uniform([50], { seed: 1, convention: 'keras' }), fillUniform(new Float32Array(50), { seed: 1, low: -0.05, high: 0.05 }))).toBe(true);
    expect(bitsEqual(uniform([50], { seed: 1, convention: 'paddle' }), fillUniform(new Float32Array(50), { seed: 1, low: -1, high: 1 }))).toBe(true);
    expect(bitsEqual(truncatedNormal([50], { seed: 1, std: 0.5, convention: 'torch' }), fillTruncatedNormal(new Float32Array(50), { seed: 1, std: 0.5, a: -2, b: 2 }))).toBe(true);
    expect(bitsEqual(truncatedNormal([50], { seed: 1, std: 0.5 }), fillTruncatedNormal(new Float32Array(50), { seed: 1, std: 0.5, a: -2, b: 2 }))).toBe(true);
    expect(bitsEqual(truncatedNormal([50], { seed: 1, std: 0.5, convention: 'keras' }), fillTruncatedNormal(new Float32Array(50), { seed: 1, std: 0.5, a: -1, b: 1 }))).toBe(true);
    // keras varianceScaling: 'normal' is the truncated normal there, untruncated elsewhere (JAX)
    expect(bitsEqual(varianceScaling([30, 20], { seed: 1, distribution: 'normal', convention: 'keras' }), varianceScaling([30, 20], { seed: 1, convention: 'keras' }))).toBe(true);
    expect(bitsEqual(varianceScaling([30, 20], { seed: 1, distribution: 'normal' }), varianceScaling([30, 20], { seed: 1, distribution: 'untruncatedNormal' }))).toBe(true);
  });
});

describe('statistics on large tensors (5 standard errors)', () => {
  const shape = [512, 1024];
  const { fanIn, fanOut } = computeFans(shape);
  const cases: [string, () => ArrayLike<number>, number, number][] = [
    ['xavierUniform', () => xavierUniform(shape, { seed: 1 }), 2 / (fanIn + fanOut), 1.8],
    ['xavierNormal', () => xavierNormal(shape, { seed: 2 }), 2 / (fanIn + fanOut), 3],
    ['kaimingUniform', () => kaimingUniform(shape, { seed: 3 }), 2 / fanIn, 1.8],
    ['kaimingNormal fan_out', () => kaimingNormal(shape, { seed: 4, mode: 'fanOut' }), 2 / fanOut, 3],
    ['lecunNormal', () => lecunNormal(shape, { seed: 5 }), 1 / fanIn, 3],
    ['keras glorotNormal (truncated, corrected)', () => glorotNormal(shape, { seed: 6, convention: 'keras' }), 2 / (fanIn + fanOut), 3],
    ['torch xavierNormal float16 (decoded)', () => decode(xavierNormal(shape, { seed: 12, dtype: 'float16' }), 'float16'), 2 / (fanIn + fanOut), 3],
    ['lecunUniform float64', () => lecunUniform(shape, { seed: 13, dtype: 'float64' }), 1 / fanIn, 1.8],
    ['varianceScaling fanGeoAvg uniform', () => varianceScaling(shape, { seed: 14, mode: 'fanGeoAvg', distribution: 'uniform' }), 1 / Math.sqrt(fanIn * fanOut), 1.8],
    ['varianceScaling truncation 1 (exact variance)', () => varianceScaling(shape, { seed: 7, truncation: 1, scale: 3 }), 3 / fanIn, 3],
    ['varianceScaling truncation 0.3', () => varianceScaling(shape, { seed: 8, truncation: 0.3, dtype: 'float64' }), 1 / fanIn, 1.8],
    // keras layout: [in, out], so fan_in = shape[0] (= the torch fanOut of this shape)
    ['kaimingNormal keras float64', () => kaimingNormal(shape, { seed: 9, convention: 'keras', dtype: 'float64' }), 2 / fanOut, 3],
    ['normal std 0.01', () => normal(shape, { seed: 10, std: 0.01 }), 1e-4, 3],
    ['heNormal bfloat16 (decoded)', () => decode(heNormal(shape, { seed: 11, dtype: 'bfloat16', convention: 'keras' }), 'bfloat16'), 2 / fanOut, 3],
  ];
  for (const [name, make, variance, kurt] of cases) {
    it(name, () => expectMoments(make(), variance, kurt));
  }
  it('truncated variants stay within their bounds', () => {
    for (const t of [0.3, 1, 2, 3]) {
      const w = varianceScaling([256, 256], { seed: 3, truncation: t });
      const s = Math.sqrt(1 / 256) / truncatedNormalStd(t);
      const m = moments(w);
      expect(m.max).toBeLessThanOrEqual(t * s);
      expect(m.min).toBeGreaterThanOrEqual(-t * s);
      expect(m.max).toBeGreaterThan(0.98 * t * s);
    }
    const tn = truncatedNormal([100000], { seed: 4, mean: 1, std: 2, a: 0, b: 1.5 });
    const m = moments(tn);
    expect(m.min).toBeGreaterThanOrEqual(0);
    expect(m.max).toBeLessThanOrEqual(1.5);
  });
  it('uniform bounds: never reaches high', () => {
    const w = kaimingUniform([1000, 100], { seed: 5 });
    const b = Math.sqrt(3) * Math.sqrt(2) / Math.sqrt(100);
    const m = moments(w);
    expect(m.max).toBeLessThan(b);
    expect(m.min).toBeGreaterThanOrEqual(-Math.fround(b));
  });
});

describe('dtypes', () => {
  it('the return type follows the dtype', () => {
    expect(xavierUniform([3, 4], { seed: 0 })).toBeInstanceOf(Float32Array);
    expect(xavierUniform([3, 4], { seed: 0, dtype: 'float64' })).toBeInstanceOf(Float64Array);
    expect(xavierUniform([3, 4], { seed: 0, dtype: 'bfloat16' })).toBeInstanceOf(Uint16Array);
    expect(xavierUniform([3, 4], { seed: 0, dtype: 'float16' })).toBeInstanceOf(Uint16Array);
  });
  it('16-bit values are the float32 values rounded to nearest even', () => {
    const f = kaimingNormal([64, 64], { seed: 3 });
    const b = kaimingNormal([64, 64], { seed: 3, dtype: 'bfloat16' });
    const h = kaimingNormal([64, 64], { seed: 3, dtype: 'float16' });
    for (let i = 0; i < f.length; i++) {
      expect(b[i]).toBe(toBfloat16(f[i]!));
      expect(h[i]).toBe(toFloat16(f[i]!));
    }
  });
  it('encodings: known bit patterns and round-to-nearest-even', () => {
    expect(toBfloat16(1)).toBe(0x3f80);
    expect(toBfloat16(-2)).toBe(0xc000);
    expect(toFloat16(1)).toBe(0x3c00);
    expect(toFloat16(65504)).toBe(0x7bff);
    expect(toFloat16(65520)).toBe(0x7c00);
    expect(toFloat16(2 ** -24)).toBe(1);
    expect(toFloat16(2 ** -25)).toBe(0); // tie to even
    expect(toFloat16(3 * 2 ** -25)).toBe(2); // tie to even
    expect(toFloat16(Math.fround(1 + 2 ** -11))).toBe(0x3c00); // tie: even mantissa
    expect(toFloat16(Math.fround(1 + 3 * 2 ** -11))).toBe(0x3c02);
    expect(toBfloat16(Math.fround(1 + 2 ** -8))).toBe(0x3f80);
    expect(toBfloat16(Math.fround(1 + 3 * 2 ** -8))).toBe(0x3f82);
    for (let h = 0; h < 0x7c00; h += 7) expect(toFloat16(fromFloat16(h))).toBe(h);
    for (let h = 0; h < 0x7f80; h += 7) expect(toBfloat16(fromBfloat16(h))).toBe(h);
  });
  it('the block encoder gives the scalar encoders\' bits for every kind of float32, clamp range and alignment', () => {
    // Bit patterns: every exponent with edge and random mantissas, both signs, NaNs, the
    // float16 overflow and subnormal edges, and random words. (Every one of the 2^32
    // patterns was also compared with the previous encoder once, for the defaults below.)
    const words: number[] = [];
    let x = 12345;
    const rand = (): number => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x; };
    for (let e = 0; e < 256; e++) {
      for (const m of [0, 1, 0x7fff, 0x8000, 0x8001, 0xffff, 0x10000, 0x17fff, 0x18000, 0xfff, 0x1000, 0x1fff, 0x2000, 0x3000, 0x7fffff, rand() & 0x7fffff]) {
        words.push((e << 23) | m, ((e << 23) | m | 0x80000000) >>> 0);
      }
    }
    for (const v of [65519, 65520, 65504, 2 ** -14, 2 ** -24, 2 ** -25, 3 * 2 ** -25, 3.3895313892515355e38, 3.39e38]) {
      const b = new Uint32Array(new Float32Array([v, -v]).buffer);
      words.push(b[0]! - 1, b[0]!, b[0]! + 1, b[1]! - 1, b[1]!, b[1]! + 1);
    }
    for (let i = 0; i < 100000; i++) words.push(rand());
    const src = new Float32Array(new Uint32Array(words).buffer);
    for (const dtype of ['bfloat16', 'float16'] as const) {
      const scalar = dtype === 'bfloat16' ? toBfloat16 : toFloat16;
      const ranges: [number, number][] = [[-MAX16[dtype], MAX16[dtype]], [-0.5, 0.25], [0, 1], [-1, -0], [-Infinity, Infinity]];
      for (const [lo, hi] of ranges) {
        const want = src.map((v) => scalar(v < lo ? lo : v > hi ? hi : v));
        for (const at of [0, 1]) {
          const dst = new Uint16Array(src.length + 3).subarray(1); // odd byte offset: the 32-bit stores realign
          encodeHalf(dtype, src, dst, lo, hi, at);
          let bad = -1;
          for (let i = 0; i < src.length && bad < 0; i++) if (dst[at + i] !== (want[i]! & 0xffff)) bad = i;
          expect(bad, `${dtype} [${lo}, ${hi}] at ${at}: pattern ${bad < 0 ? '' : words[bad]!.toString(16)}`).toBe(-1);
        }
      }
    }
  });
  it('16-bit output never leaves the requested bounds (clamped after rounding)', () => {
    for (const dtype of ['bfloat16', 'float16'] as const) {
      const dec = (a: Uint16Array) => decode(a, dtype);
      // 0.1 is not representable: rounding near it would land above 0.1
      const u = moments(dec(uniform([200000], { seed: 1, low: -0.1, high: 0.1, dtype })));
      expect(u.max).toBeLessThan(0.1);
      expect(u.min).toBeGreaterThanOrEqual(-0.1);
      const t = moments(dec(truncatedNormal([200000], { seed: 2, std: 1, a: -0.3, b: 0.3, dtype })));
      expect(t.max).toBeLessThanOrEqual(0.3);
      expect(t.min).toBeGreaterThanOrEqual(-0.3);
      const k = moments(dec(kaimingUniform([1000, 300], { seed: 3, dtype })));
      expect(k.max).toBeLessThan(Math.sqrt(3) * Math.sqrt(2) / Math.sqrt(300));
      const n = dec(normal([100000], { seed: 4, std: 1e4, dtype }));
      for (const v of n) expect(Number.isFinite(v)).toBe(true);
    }
  });
});

describe('slices: offset + out equals the same part of the whole', () => {
  // Deterministic initializers take no seed or stream (an unknown option is an error).
  const unseeded = ({ seed: _s, stream: _t, ...o }: Record<string, unknown>) => o;
  const shape = [37, 23];
  const total = 37 * 23;
  const inits: [string, (o: Record<string, unknown>) => ArrayLike<number>][] = [
    ['uniform', (o) => uniform(shape, { low: -2, high: 3, ...o })],
    ['normal', (o) => normal(shape, o)],
    ['truncatedNormal', (o) => truncatedNormal(shape, { std: 1, a: -0.5, b: 1.5, ...o })],
    ['xavierUniform', (o) => xavierUniform(shape, o)],
    ['xavierNormal', (o) => xavierNormal(shape, o)],
    ['kaimingUniform', (o) => kaimingUniform(shape, o)],
    ['kaimingNormal', (o) => kaimingNormal(shape, o)],
    ['heNormal keras', (o) => heNormal(shape, { convention: 'keras', ...o })],
    ['lecunUniform', (o) => lecunUniform(shape, o)],
    ['lecunNormal', (o) => lecunNormal(shape, o)],
    ['varianceScaling', (o) => varianceScaling(shape, { truncation: 3.5, ...o })],
    ['orthogonal', (o) => orthogonal(shape, o)],
    ['orthogonal wide', (o) => orthogonal([23, 37], o)],
    ['sparse', (o) => sparse(shape, { sparsity: 0.4, ...o })],
    ['eye', (o) => eye(shape, unseeded(o))],
    ['dirac', (o) => dirac([total / 1, 1, 1] as number[], unseeded(o))],
    ['constant', (o) => constant(shape, 0.3, unseeded(o))],
  ];
  const arrayOf = (dtype: DType, n: number) => dtype === 'float32' ? new Float32Array(n) : dtype === 'float64' ? new Float64Array(n) : new Uint16Array(n);
  for (const [name, f] of inits) {
    it(name, () => {
      for (const dtype of ['float32', 'float64', 'bfloat16', 'float16'] as const) {
        const whole = f({ seed: 5, stream: 9, dtype });
        expect(whole.length).toBe(total);
        for (const [a, b] of [[0, 1], [1, 2], [3, 700], [22, 23 * 5 + 1], [total - 5, total], [400, 851]] as const) {
          const out = arrayOf(dtype, b - a);
          const r = f({ seed: 5, stream: 9, dtype, offset: a, out });
          expect(r).toBe(out);
          expect(bitsEqual(out, Array.prototype.slice.call(whole, a, b))).toBe(true);
          const viaLength = f({ seed: 5, stream: 9, dtype, offset: BigInt(a), length: b - a });
          expect(bitsEqual(viaLength, out)).toBe(true);
        }
      }
    });
  }
  it('offset alone gives the rest of the tensor', () => {
    expect(bitsEqual(kaimingNormal([10, 10], { seed: 1, offset: 90 }), kaimingNormal([10, 10], { seed: 1 }).subarray(90))).toBe(true);
  });
});

describe('orthogonal', () => {
  function maxDev(w: ArrayLike<number>, rows: number, cols: number): number {
    // rows <= cols: W W^T = I; else W^T W = I
    const [p, q, byRow] = rows <= cols ? [rows, cols, true] : [cols, rows, false];
    let dev = 0;
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) {
        let s = 0;
        for (let k = 0; k < q; k++) s += byRow ? w[i * cols + k]! * w[j * cols + k]! : w[k * cols + i]! * w[k * cols + j]!;
        dev = Math.max(dev, Math.abs(s - (i === j ? 1 : 0)));
      }
    }
    return dev;
  }
  for (const [rows, cols] of [[64, 64], [100, 30], [30, 100], [1, 10], [10, 1], [2, 2]] as const) {
    it(`${rows} x ${cols}`, () => {
      const w = orthogonal([rows, cols], { seed: 3 });
      expect(maxDev(w, rows, cols)).toBeLessThanOrEqual(1e-5);
    });
  }
  it('conv shapes flatten as torch (rows = shape[0]) or keras (cols = shape[-1])', () => {
    const w = orthogonal([16, 4, 3, 3], { seed: 1 });
    expect(maxDev(w, 16, 36)).toBeLessThanOrEqual(1e-5);
    const k = orthogonal([3, 3, 4, 16], { seed: 1, layout: 'keras' });
    expect(maxDev(k, 36, 16)).toBeLessThanOrEqual(1e-5);
    expect(bitsEqual(orthogonal([3, 3, 4, 16], { seed: 1, convention: 'keras' }), k)).toBe(true);
  });
  it('gain scales, float64 is orthogonal to 1e-12', () => {
    const w = orthogonal([50, 50], { seed: 2, gain: 2, dtype: 'float64' });
    const u = orthogonal([50, 50], { seed: 2, dtype: 'float64' });
    for (let i = 0; i < w.length; i++) expect(w[i]).toBe(2 * u[i]!);
    expect(maxDev(u, 50, 50)).toBeLessThan(1e-12);
  });
  it('Haar: the sign correction makes E[W] = 0 and the diagonal unbiased', () => {
    // Without Mezzadri's correction the diagonal of Q is biased (negative for Householder).
    let diag = 0;
    const n = 400;
    for (let s = 0; s < n; s++) diag += orthogonal([4, 4], { seed: s })[0]!;
    expect(Math.abs(diag / n)).toBeLessThan(5 * Math.sqrt(0.25 / n));
  });
});

describe('structured', () => {
  it('eye', () => {
    expect(Array.from(eye([2, 3]))).toEqual([1, 0, 0, 0, 1, 0]);
    expect(Array.from(eye([3, 2], { gain: 2 }))).toEqual([2, 0, 0, 2, 0, 0]);
    expect(Array.from(eye([2, 2], { dtype: 'bfloat16' }))).toEqual([0x3f80, 0, 0, 0x3f80]);
    const out = new Float32Array(4).fill(7);
    eye([2, 2], { out });
    expect(Array.from(out)).toEqual([1, 0, 0, 1]);
  });
  function conv(x: Float64Array, c: number, l: number, w: ArrayLike<number>, outC: number, k: number, groups: number): Float64Array {
    // direct 1-D convolution (cross-correlation), stride 1, 'same' zero padding (k // 2 left)
    const y = new Float64Array(outC * l);
    const inPer = c / groups, outPer = outC / groups, pad = Math.floor(k / 2);
    for (let o = 0; o < outC; o++) {
      const g = Math.floor(o / outPer);
      for (let t = 0; t < l; t++) {
        let s = 0;
        for (let i = 0; i < inPer; i++) for (let j = 0; j < k; j++) {
          const p = t + j - pad;
          if (p >= 0 && p < l) s += w[(o * inPer + i) * k + j]! * x[(g * inPer + i) * l + p]!;
        }
        y[o * l + t] = s;
      }
    }
    return y;
  }
  it('dirac acts as the identity in a direct convolution (groups too)', () => {
    const x = Float64Array.from({ length: 6 * 11 }, (_, i) => Math.sin(i) * 3);
    for (const k of [1, 3, 5]) {
      expect(Array.from(conv(x, 6, 11, dirac([6, 6, k]), 6, k, 1))).toEqual(Array.from(x));
      expect(Array.from(conv(x, 6, 11, dirac([6, 3, k], { groups: 2 }), 6, k, 2))).toEqual(Array.from(x));
    }
  });
  it('dirac 2-D centre and groups like PyTorch', () => {
    const w = dirac([4, 2, 3, 3], { groups: 2 });
    const ones: number[] = [];
    w.forEach((v, i) => { if (v === 1) ones.push(i); });
    // t[g*2 + d, d, 1, 1] for g < 2, d < 2
    expect(ones).toEqual([[0, 0], [1, 1], [2, 0], [3, 1]].map(([o, i]) => ((o! * 2 + i!) * 3 + 1) * 3 + 1));
    expect(dirac([2, 5, 4]).indexOf(1)).toBe(2); // even kernel: centre k // 2
  });
  it('sparse: exact zero count per column', () => {
    for (const [rows, cols, sp] of [[100, 30, 0.1], [7, 5, 0.5], [10, 3, 0.99], [10, 3, 0]] as const) {
      const w = sparse([rows, cols], { sparsity: sp, seed: 4 });
      const want = Math.ceil(sp * rows);
      for (let c = 0; c < cols; c++) {
        let z = 0;
        for (let r = 0; r < rows; r++) if (w[r * cols + c] === 0) z++;
        expect(z).toBe(want);
      }
    }
    const w = sparse([100, 30], { sparsity: 0.3, seed: 4 });
    const n = normal([100, 30], { seed: 4, std: 0.01 });
    for (let i = 0; i < w.length; i++) if (w[i] !== 0) expect(w[i]).toBe(n[i]);
  });
});

describe('zero-element shapes are a no-op', () => {
  it('every initializer', () => {
    const before = globalSeedState().nextStream;
    for (const f of [xavierUniform, xavierNormal, kaimingUniform, kaimingNormal, lecunNormal, varianceScaling, orthogonal, uniform, normal, truncatedNormal]) {
      expect((f as (s: number[]) => Float32Array)([0, 5]).length).toBe(0);
      expect((f as (s: number[]) => Float32Array)([3, 0, 2]).length).toBe(0);
    }
    expect(zeros([0]).length).toBe(0);
    expect(eye([0, 3]).length).toBe(0);
    expect(dirac([0, 2, 3]).length).toBe(0);
    expect(sparse([0, 4], { sparsity: 0.5 }).length).toBe(0);
    expect(kaimingNormal([0, 4], { dtype: 'float16' })).toBeInstanceOf(Uint16Array);
    expect(globalSeedState().nextStream).toBe(before);
  });
});

describe('Generator', () => {
  it('each call takes the next stream, in call order', () => {
    const g = new Generator(42);
    const a = g.kaimingNormal([8, 8]);
    const b = g.zeros([8]);
    const c = g.xavierUniform([4, 8], { dtype: 'float64' });
    const d = g.torchLinear(8, 4);
    const e = g.orthogonal([5, 5]);
    expect(bitsEqual(a, kaimingNormal([8, 8], { seed: 42, stream: 0 }))).toBe(true);
    expect(Array.from(b)).toEqual(new Array(8).fill(0));
    expect(bitsEqual(c, xavierUniform([4, 8], { seed: 42, stream: 2, dtype: 'float64' }))).toBe(true);
    const d2 = torchLinear(8, 4, { seed: 42, stream: 3 });
    expect(bitsEqual(d.weight, d2.weight) && bitsEqual(d.bias!, d2.bias!)).toBe(true);
    expect(bitsEqual(d.bias!, torchDefaultBias([4], { fanIn: 8, seed: 42, stream: 4 }))).toBe(true);
    expect(bitsEqual(e, orthogonal([5, 5], { seed: 42, stream: 5 }))).toBe(true);
    expect(g.nextStream).toBe(6n);
  });
  it('a failed call takes no stream; seed and stream options are refused', () => {
    const g = new Generator(1n, 10);
    expect(() => g.kaimingNormal([4, 4], { mode: 'fan_avg' as never })).toThrow(RangeError);
    expect(() => g.normal([4], { seed: 3 } as never)).toThrow(TypeError);
    expect(() => g.normal([4], { stream: 3 } as never)).toThrow(TypeError);
    expect(() => g.normal([4], 5 as never)).toThrow(TypeError);
    expect(g.nextStream).toBe(10n);
    expect(bitsEqual(g.normal([4]), normal([4], { seed: 1, stream: 10 }))).toBe(true);
    expect(() => new Generator(-1)).toThrow(RangeError);
    expect(() => new Generator('1' as never)).toThrow(TypeError);
  });
});

describe('presets: PyTorch module defaults', () => {
  it('nn.Linear: U(+-1/sqrt(in)) for weight and bias', () => {
    const { weight, bias, fanIn } = torchLinear(50, 20, { seed: 3 });
    expect(fanIn).toBe(50);
    // kaiming_uniform_(a = sqrt 5): bound = sqrt(3) * sqrt(2 / (1 + a^2)) / sqrt(fan_in)
    const bw = Math.sqrt(3.0) * (Math.sqrt(2.0 / (1 + Math.sqrt(5) ** 2)) / Math.sqrt(50));
    expect(bw).toBeCloseTo(1 / Math.sqrt(50), 15);
    expect(bitsEqual(weight, fillUniform(new Float32Array(1000), { seed: 3, stream: 0, low: -bw, high: bw }))).toBe(true);
    expect(bitsEqual(bias!, fillUniform(new Float32Array(20), { seed: 3, stream: 1, low: -1 / Math.sqrt(50), high: 1 / Math.sqrt(50) }))).toBe(true);
    expect(bitsEqual(weight, torchDefaultWeight([20, 50], { seed: 3 }))).toBe(true);
    expect(torchLinear(5, 2, { seed: 1, bias: false }).bias).toBeNull();
    expect(Array.from(torchLinear(0, 3, { seed: 1 }).bias!)).toEqual([0, 0, 0]);
  });
  it('nn.Conv2d / grouped / transposed', () => {
    const c = torchConv(6, 12, 3, { seed: 1, groups: 3 });
    expect(c.weightShape).toEqual([12, 2, 3, 3]);
    expect(c.fanIn).toBe(18);
    const t = torchConv(6, 12, [4], { seed: 1, transposed: true, groups: 2 });
    expect(t.weightShape).toEqual([6, 6, 4]);
    expect(t.fanIn).toBe(24); // PyTorch: out/groups * k
    expect(t.bias!.length).toBe(12);
    const d3 = torchConv(2, 4, 3, { spatialDims: 3, seed: 0, dtype: 'float64' });
    expect(d3.weight).toBeInstanceOf(Float64Array);
    expect(d3.weightShape).toEqual([4, 2, 3, 3, 3]);
    expect(() => torchConv(6, 12, 3, { groups: 4 })).toThrow(RangeError);
  });
});

describe('seeding', () => {
  it('without a seed: the global generator, a new stream per call', () => {
    manualSeed(123);
    const a = xavierNormal([5, 5]);
    const b = xavierNormal([5, 5]);
    expect(bitsEqual(a, xavierNormal([5, 5], { seed: 123, stream: 0 }))).toBe(true);
    expect(bitsEqual(b, xavierNormal([5, 5], { seed: 123, stream: 1 }))).toBe(true);
  });
});

describe('bad input: TypeError/RangeError naming the function, out untouched', () => {
  const out = () => new Float32Array(6).fill(42);
  const untouched = (o: Float32Array) => expect(Array.from(o)).toEqual(new Array(6).fill(42));
  const cases: [string, (o: Float32Array) => unknown, typeof TypeError | typeof RangeError, RegExp?][] = [
    ['kaimingNormal', (o) => kaimingNormal([2, 3], { out: o, mode: 'fan_avg' as never }), RangeError,
      /^nninit\.kaimingNormal: options\.mode must be one of "fanIn", "fanOut", "fan_in", "fan_out"; received "fan_avg" \(string\)$/],
    ['kaimingUniform', (o) => kaimingUniform([2, 3], { out: o, nonlinearity: 'softmax' as never }), RangeError, /options\.nonlinearity must be one of/],
    ['kaimingUniform', (o) => kaimingUniform([2, 3], { out: o, a: NaN }), RangeError, /options\.a/],
    ['heNormal', (o) => heNormal([2, 3], { out: o, a: 'x' as never }), TypeError],
    ['xavierUniform', (o) => xavierUniform([2, 3], { out: o, gain: -1 }), RangeError, /nninit\.xavierUniform: options\.gain/],
    ['xavierNormal', (o) => xavierNormal([2, 3], { out: o, gain: NaN }), RangeError],
    ['xavierNormal', (o) => xavierNormal([6], { out: o }), RangeError, /at least 2 dimensions/],
    ['xavierNormal', (o) => xavierNormal([2, 3], { out: o, truncation: 0 }), RangeError, /options\.truncation/],
    ['glorotUniform', (o) => glorotUniform([2, 3], { out: o, layout: 'hwio' as never }), RangeError, /"torch", "keras", "paddle"/],
    ['glorotNormal', (o) => glorotNormal([2, 3], { out: o, convention: 'jax' as never }), RangeError, /options\.convention/],
    ['lecunNormal', (o) => lecunNormal([2, 3], { out: o, fanIn: -1 }), RangeError],
    ['lecunUniform', (o) => lecunUniform([2, 3], { out: o, seed: -1 }), RangeError, /options\.seed/],
    ['lecunUniform', (o) => lecunUniform([2, 3], { out: o, stream: 1.5 }), RangeError, /options\.stream/],
    ['varianceScaling', (o) => varianceScaling([2, 3], { out: o, scale: -1 }), RangeError, /options\.scale/],
    ['varianceScaling', (o) => varianceScaling([2, 3], { out: o, distribution: 'gamma' as never }), RangeError, /"untruncated_normal"/],
    ['varianceScaling', (o) => varianceScaling([2, 3], { out: o, mode: 'fanMax' as never }), RangeError, /"fan_geo_avg"/],
    ['uniform', (o) => uniform([2, 3], { out: o, low: 1, high: 1 }), RangeError, /options\.low/],
    ['uniform', (o) => uniform([2, 3], { out: o, low: Infinity }), RangeError],
    ['normal', (o) => normal([2, 3], { out: o, std: -0.1 }), RangeError, /nninit\.normal: options\.std/],
    ['truncatedNormal', (o) => truncatedNormal([2, 3], { out: o, a: 1, b: 0 }), RangeError, /options\.a/],
    ['truncatedNormal', (o) => truncatedNormal([2, 3], { out: o, a: NaN }), RangeError],
    ['orthogonal', (o) => orthogonal([6], { out: o }), RangeError],
    ['orthogonal', (o) => orthogonal([2, 3], { out: o, gain: -2 }), RangeError],
    ['eye', (o) => eye([6], { out: o }), RangeError, /exactly 2 dimensions/],
    ['eye', (o) => eye([1, 2, 3], { out: o }), RangeError],
    ['dirac', (o) => dirac([3, 2], { out: o }), RangeError, /3 to 5 dimensions/],
    ['dirac', (o) => dirac([3, 2, 1], { out: o, groups: 2 }), RangeError, /divisor/],
    ['dirac', (o) => dirac([3, 2, 1], { out: o, groups: 0 }), RangeError],
    ['sparse', (o) => sparse([2, 3], { out: o, sparsity: 1 }), RangeError, /\[0, 1\)/],
    ['sparse', (o) => sparse([2, 3], { out: o, sparsity: -0.1 }), RangeError],
    ['sparse', (o) => sparse([6, 1, 1] as never, { out: o, sparsity: 0.1 }), RangeError],
    ['constant', (o) => constant([2, 3], NaN, { out: o }), RangeError],
    ['constant', (o) => constant([2, 3], 1e39, { out: o }), RangeError],
    ['kaimingNormal out type', (o) => kaimingNormal([2, 3], { out: o, dtype: 'float64' } as never), TypeError, /options\.out must be a Float64Array/],
    ['kaimingNormal out length', (o) => kaimingNormal([2, 4], { out: o }), RangeError, /options\.out/],
    ['kaimingNormal slice too long', (o) => kaimingNormal([2, 3], { out: o, offset: 1 }), RangeError],
    ['kaimingNormal dtype', (o) => kaimingNormal([2, 3], { out: o, dtype: 'int8' } as never), RangeError, /options\.dtype/],
    ['kaimingNormal shape', (o) => kaimingNormal([2, -3], { out: o }), RangeError, /shape\[1\]/],
    ['kaimingNormal shape NaN', (o) => kaimingNormal([2, NaN], { out: o }), RangeError],
    ['kaimingNormal shape Infinity', (o) => kaimingNormal([2, Infinity], { out: o }), RangeError],
    ['kaimingNormal shape fraction', (o) => kaimingNormal([2, 1.5], { out: o }), RangeError],
    ['kaimingNormal shape string', (o) => kaimingNormal('2,3' as never, { out: o }), TypeError],
    ['kaimingNormal huge', (o) => kaimingNormal([2 ** 27, 2 ** 27], { out: o, offset: 0 }), RangeError],
    ['kaimingNormal options', () => kaimingNormal([2, 3], 'fan_in' as never), TypeError],
  ];
  for (const [name, call, type, msg] of cases) {
    it(`${name}${msg ? ' ' + msg.source.slice(0, 30) : ''}`, () => {
      const o = out();
      let err: unknown;
      try { call(o); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(type);
      expect((err as Error).message).toMatch(/^nninit\.\w+: /);
      if (msg) expect((err as Error).message).toMatch(msg);
      untouched(o);
    });
  }
  it('a huge logical tensor can be generated in slices', () => {
    const big = kaimingNormal([2 ** 20, 2 ** 20], { seed: 1, offset: 2 ** 39, length: 8 });
    expect(big.length).toBe(8);
    expect(() => kaimingNormal([2 ** 20, 2 ** 20], { seed: 1 })).toThrow(RangeError);
  });
});

describe('docs/initializers.md example', () => {
  it('runs as written', () => {
    const w = kaimingNormal([256, 784], { seed: 42 });
    const k = xavierUniform([3, 3, 64, 128], { convention: 'keras', seed: 42, stream: 1 });
    const h = kaimingNormal([256, 784], { seed: 42, dtype: 'bfloat16' });
    const gen = new Generator(42);
    const w1 = gen.kaimingNormal([256, 784]);
    const b1 = gen.zeros([256]);
    expect(w).toBeInstanceOf(Float32Array);
    expect(k.length).toBe(3 * 3 * 64 * 128);
    expect(h).toBeInstanceOf(Uint16Array);
    expect(bitsEqual(w1, w)).toBe(true);
    expect(b1.length).toBe(256);
  });
});
