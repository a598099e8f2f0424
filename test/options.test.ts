/** readOptions: the strict options reader every public function uses. */
import { describe, expect, test } from 'vitest';
import { readOptions, optionHint } from '../lib/validate.js';

const known = ['mean', 'std', 'seed', 'stream', 'low', 'high'] as const;

describe('readOptions', () => {
  test('undefined gives an empty snapshot; own properties are copied', () => {
    expect(Object.keys(readOptions('f', undefined, known))).toEqual([]);
    const o = readOptions('f', { std: 2, seed: 1 }, known);
    expect(o).toEqual({ std: 2, seed: 1 });
    expect(Object.getPrototypeOf(o)).toBeNull();
  });
  test('unknown options are TypeErrors naming the option, with hints', () => {
    expect(() => readOptions('normal', { stddev: 5 }, known)).toThrow(TypeError);
    expect(() => readOptions('normal', { stddev: 5 }, known)).toThrow("nninit.normal: unknown option options.stddev; nninit calls it 'std'");
    expect(() => readOptions('normal', { sed: 1 }, known)).toThrow("unknown option options.sed; did you mean 'seed'?");
    expect(() => readOptions('uniform', { minval: -1 }, known)).toThrow("nninit calls it 'low'");
    expect(() => readOptions('uniform', { a: -1 }, known)).toThrow("nninit calls it 'low'");
    expect(() => readOptions('normal', { zzzzzz: 1 }, known)).toThrow(/unknown option options\.zzzzzz \(known: mean, std/);
    expect(optionHint('zzzzzz', known)).toBe('');
  });
  test('inherited properties are never options (prototype pollution)', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.std = 99;
    try {
      const o = readOptions('f', {}, known);
      expect(o.std).toBeUndefined();
      expect(readOptions('f', Object.create({ std: 3 }), known).std).toBeUndefined();
    } finally {
      delete proto.std;
    }
  });
  test('getters run once; a Proxy is read through its traps once per key', () => {
    let calls = 0;
    const o = readOptions('f', { get std() { calls++; return 4; } }, known);
    expect(o.std).toBe(4);
    expect(o.std).toBe(4);
    expect(calls).toBe(1);
    const seen: string[] = [];
    const p = new Proxy({ mean: 1 }, {
      get(t, k, r) { seen.push(`get ${String(k)}`); return Reflect.get(t, k, r) as unknown; },
      getOwnPropertyDescriptor(t, k) { seen.push(`desc ${String(k)}`); return Reflect.getOwnPropertyDescriptor(t, k); },
    });
    expect(readOptions('f', p, known).mean).toBe(1);
    expect(seen.filter((s) => !s.includes('Symbol('))).toEqual(['desc mean']);
  });
  test('a getter that throws propagates its error', () => {
    expect(() => readOptions('f', { get std(): number { throw new Error('boom'); } }, known)).toThrow('boom');
  });
  test('non-enumerable and symbol keys are ignored', () => {
    const o = { std: 1 };
    Object.defineProperty(o, 'hidden', { value: 1, enumerable: false });
    (o as Record<symbol, unknown>)[Symbol('x')] = 1;
    expect(readOptions('f', o, known)).toEqual({ std: 1 });
  });
  test('only ordinary objects are options objects', () => {
    for (const bad of [null, 3, 'x', true, 1n, [1], new Float32Array(1), () => 1, new Map([['std', 1]]), new Date(0), new String('std'), new Number(1), /x/, Promise.resolve()]) {
      expect(() => readOptions('f', bad, known), String(bad)).toThrow(TypeError);
      expect(() => readOptions('f', bad, known)).toThrow(/nninit\.f: options must be an options object or undefined; received/);
    }
    class Opts { std = 2; }
    expect(readOptions('f', new Opts(), known).std).toBe(2);
    expect(readOptions('f', Object.create(null), known)).toEqual({});
  });
});
