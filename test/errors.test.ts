/** Bad input: every argument of every core function gives a clear error and leaves `out` untouched. */
import { describe, expect, test } from 'vitest';
import { fillNormal, fillTruncatedNormal, fillUniform, randomBits, manualSeed, backendInfo } from '../lib/index.js';

type AnyFn = (out: unknown, options?: unknown) => unknown;
const floatFns: [string, AnyFn][] = [
  ['fillUniform', fillUniform as AnyFn],
  ['fillNormal', fillNormal as AnyFn],
  ['fillTruncatedNormal', fillTruncatedNormal as AnyFn],
];

function expectRejected(fn: AnyFn, name: string, out: Float32Array | Float64Array | Uint32Array, options: unknown, kind: typeof TypeError | typeof RangeError, mention: string): void {
  const before = out.slice();
  let err: unknown;
  try {
    fn(out, options);
  } catch (e) {
    err = e;
  }
  expect(err, `${name} ${JSON.stringify(options, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`).toBeInstanceOf(kind);
  const msg = (err as Error).message;
  expect(msg).toContain(`nninit.${name}`);
  expect(msg).toContain(mention);
  expect(msg).toContain('received');
  expect(Buffer.from(out.buffer, out.byteOffset, out.byteLength).equals(Buffer.from(before.buffer))).toBe(true);
}

const badNumbers: [unknown, typeof TypeError | typeof RangeError][] = [
  ['1', TypeError], [null, TypeError], [{}, TypeError], [1n, TypeError], [NaN, RangeError],
  [Infinity, RangeError], [-Infinity, RangeError],
];

describe(`bad input (${backendInfo().name})`, () => {
  for (const [name, fn] of floatFns) {
    test(`${name}: out must be a Float32Array or Float64Array`, () => {
      for (const out of [undefined, null, 3, [1, 2], new Int32Array(3), new Uint8Array(4), new Float32Array(3).buffer, 'abc']) {
        expect(() => fn(out, { seed: 1 })).toThrow(TypeError);
        expect(() => fn(out, { seed: 1 })).toThrow(/nninit\.\w+: out must be a Float32Array or Float64Array; received/);
      }
    });
    test(`${name}: options must be an object`, () => {
      for (const o of [null, 3, 'x', [1], new Float32Array(1)]) expectRejected(fn, name, new Float32Array(4), o, TypeError, 'options');
    });
    test(`${name}: seed, stream and offset`, () => {
      const out = new Float32Array(8).fill(7);
      for (const [v, k] of [[-1, RangeError], [1.5, RangeError], [NaN, RangeError], [2 ** 53, RangeError], [2n ** 64n, RangeError], [-1n, RangeError], ['1', TypeError], [null, TypeError]] as const) {
        expectRejected(fn, name, out, { seed: v }, k, 'options.seed');
        expectRejected(fn, name, out, { seed: 1, stream: v }, k, 'options.stream');
      }
      for (const [v, k] of [[-1, RangeError], [0.5, RangeError], [2 ** 53, RangeError], [Infinity, RangeError], ['0', TypeError]] as const) {
        expectRejected(fn, name, out, { seed: 1, offset: v }, k, 'options.offset');
      }
      // offset + length beyond 2^53
      expectRejected(fn, name, out, { seed: 1, offset: 2 ** 53 - 4 }, RangeError, 'options.offset');
    });
  }
  test('fillUniform: low and high', () => {
    const f = fillUniform as AnyFn;
    for (const [v, k] of badNumbers) {
      expectRejected(f, 'fillUniform', new Float64Array(4), { seed: 1, low: v }, k, 'options.low');
      expectRejected(f, 'fillUniform', new Float64Array(4), { seed: 1, high: v }, k, 'options.high');
    }
    expectRejected(f, 'fillUniform', new Float32Array(4), { seed: 1, low: 1, high: 1 }, RangeError, 'options.low');
    expectRejected(f, 'fillUniform', new Float32Array(4), { seed: 1, low: 2, high: 1 }, RangeError, 'options.low');
    expectRejected(f, 'fillUniform', new Float64Array(4), { seed: 1, low: -1.7e308, high: 1.7e308 }, RangeError, 'options.high - options.low');
    // No float32 lies in [1 + 1e-9, 1 + 2e-9).
    expectRejected(f, 'fillUniform', new Float32Array(4), { seed: 1, low: 1 + 1e-9, high: 1 + 2e-9 }, RangeError, 'float32');
  });
  test('fillNormal / fillTruncatedNormal: mean and std', () => {
    for (const [name, f] of floatFns.slice(1)) {
      for (const [v, k] of badNumbers) {
        expectRejected(f, name, new Float32Array(4), { seed: 1, mean: v }, k, 'options.mean');
        expectRejected(f, name, new Float32Array(4), { seed: 1, std: v }, k, 'options.std');
      }
      for (const v of [0, -1, -0]) expectRejected(f, name, new Float32Array(4), { seed: 1, std: v }, RangeError, 'options.std');
      expectRejected(f, name, new Float32Array(4), { seed: 1, std: 1e300 }, RangeError, 'options.std');
    }
  });
  test('fillTruncatedNormal: a and b', () => {
    const f = fillTruncatedNormal as AnyFn;
    for (const [v, k] of [['1', TypeError], [null, TypeError], [NaN, RangeError]] as const) {
      expectRejected(f, 'fillTruncatedNormal', new Float32Array(4), { seed: 1, a: v }, k, 'options.a');
      expectRejected(f, 'fillTruncatedNormal', new Float32Array(4), { seed: 1, b: v }, k, 'options.b');
    }
    expectRejected(f, 'fillTruncatedNormal', new Float32Array(4), { seed: 1, a: 1, b: 1 }, RangeError, 'options.a');
    expectRejected(f, 'fillTruncatedNormal', new Float32Array(4), { seed: 1, a: 2, b: -2 }, RangeError, 'options.a');
    expectRejected(f, 'fillTruncatedNormal', new Float64Array(4), { seed: 1, a: -1, b: -1 + 2 ** -52 }, RangeError, 'options.b - options.a');
    // 10^9 sigma out is still a valid (extreme-tail) interval.
    const far = fillTruncatedNormal(new Float64Array(64), { seed: 1, a: 1e9, b: 1e9 + 1 });
    expect(far.every((v) => v >= 1e9 && v <= 1e9 + 1)).toBe(true);
  });
  test('randomBits: out, offset', () => {
    const f = randomBits as AnyFn;
    for (const out of [new Float32Array(2), new Int32Array(2), [1], null]) expect(() => f(out, { seed: 1 })).toThrow(TypeError);
    expectRejected(f, 'randomBits', new Uint32Array(4), { seed: 1, offset: -1 }, RangeError, 'options.offset');
    expectRejected(f, 'randomBits', new Uint32Array(4), { seed: 1, offset: 2n ** 66n - 3n }, RangeError, 'options.offset');
    expect(() => f(new Uint32Array(4), { seed: 1, offset: 2n ** 66n - 4n })).not.toThrow();
  });
  test('detached buffers are rejected, not silently ignored', () => {
    for (const [name, fn] of [...floatFns, ['randomBits', randomBits as AnyFn] as [string, AnyFn]]) {
      const buf = new ArrayBuffer(32);
      const out = name === 'randomBits' ? new Uint32Array(buf) : new Float32Array(buf);
      structuredClone(buf, { transfer: [buf] });
      expect(() => fn(out, { seed: 1 })).toThrow(TypeError);
      expect(() => fn(out, { seed: 1 })).toThrow(/attached/);
    }
  });
  test('manualSeed validates its seed', () => {
    expect(() => manualSeed(-1)).toThrow(RangeError);
    expect(() => manualSeed(1.5)).toThrow(/nninit.manualSeed: seed/);
    expect(() => manualSeed('1' as unknown as number)).toThrow(TypeError);
  });
  test('a failed unseeded call does not consume a global stream', async () => {
    const { globalSeedState } = await import('../lib/index.js');
    const before = globalSeedState().nextStream;
    expect(() => fillNormal(new Float32Array(2), { std: -1 })).toThrow(RangeError);
    expect(globalSeedState().nextStream).toBe(before);
  });
});
