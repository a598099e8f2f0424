/**
 * The initializer registry (lib/initializers/registry.ts) is the one list: every row has its
 * export, its async form, its Generator method (sync and async, taking its streams) and, when
 * nninit/tfjs offers it, its TF.js scheme and factories; nothing else claims to be one.
 */
import { describe, expect, test } from 'vitest';
import * as nn from '../lib/index.js';
import * as tfjs from '../lib/tfjs/index.js';
import { INITIALIZER_NAMES } from '../lib/diagnostics/registry.js';
import { INITIALIZERS, entryOf } from '../lib/initializers/registry.js';
import { sameBytes } from './helpers.js';

const api = nn as unknown as Record<string, unknown>;

/** Arguments of a call of each row (the options last, seeded where the row takes a seed). */
function argsOf(name: string, seeded: boolean): unknown[] {
  const seed = seeded ? { seed: 3, stream: 1 } : {};
  switch (name) {
    case 'constant': return [[3, 4], 0.5, {}];
    case 'dirac': return [[4, 4, 3], {}];
    case 'sparse': return [[6, 4], { sparsity: 0.5, ...seed }];
    case 'torchDefaultBias': return [[4], { fanIn: 9, ...seed }];
    case 'torchLinear': return [3, 2, seed];
    case 'torchConv': return [2, 4, 3, seed];
    default: return [[6, 4], seed];
  }
}

function bytesOf(r: unknown): Uint8Array[] {
  if (ArrayBuffer.isView(r)) return [new Uint8Array(r.buffer, r.byteOffset, r.byteLength)];
  const p = r as { weight: Float32Array; bias: Float32Array | null };
  return [...bytesOf(p.weight), ...(p.bias === null ? [] : bytesOf(p.bias))];
}

describe('the initializer registry', () => {
  test('names are unique; each row is the package export of its name', () => {
    const names = INITIALIZERS.map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    for (const e of INITIALIZERS) {
      expect(api[e.name], e.name).toBe(e.fn);
      expect(entryOf(e.fn)).toBe(e);
    }
  });
  test('every row has its async form, with the sync call\'s bytes', async () => {
    for (const e of INITIALIZERS) {
      const f = api[`${e.name}Async`] as (...a: unknown[]) => Promise<unknown>;
      expect(typeof f, `${e.name}Async`).toBe('function');
      const sync = (e.fn as (...a: unknown[]) => unknown)(...argsOf(e.name, e.seeded));
      const async = await f(...argsOf(e.name, e.seeded));
      bytesOf(sync).forEach((b, i) => expect(sameBytes(b, bytesOf(async)[i]!), e.name).toBe(true));
    }
  });
  test('every row is a Generator method (and its async form) taking `streams` streams', async () => {
    for (const e of INITIALIZERS) {
      const g = new nn.Generator(3, 1) as unknown as Record<string, (...a: unknown[]) => unknown>;
      const args = argsOf(e.name, false);
      const r = g[e.name]!(...args);
      expect((g as unknown as nn.Generator).nextStream, e.name).toBe(1n + BigInt(e.streams));
      const want = (e.fn as (...a: unknown[]) => unknown)(...argsOf(e.name, e.seeded));
      bytesOf(r).forEach((b, i) => expect(sameBytes(b, bytesOf(want)[i]!), e.name).toBe(true));
      const a = await (g[`${e.name}Async`]!(...args) as Promise<unknown>);
      expect((g as unknown as nn.Generator).nextStream).toBe(1n + 2n * BigInt(e.streams));
      expect(bytesOf(a).length).toBe(bytesOf(r).length);
    }
  });
  test('the rows nninit/tfjs offers are exactly its schemes, each with its factories', () => {
    expect(tfjs.SCHEMES).toEqual(INITIALIZERS.filter((e) => e.scheme).map((e) => e.name));
    const factories = tfjs.initializers as unknown as Record<string, unknown>;
    for (const e of INITIALIZERS.filter((x) => x.scheme)) {
      expect(typeof factories[e.name], e.name).toBe('function');
      if (e.tfjs !== null) expect(typeof factories[e.tfjs], e.tfjs).toBe('function');
    }
    const expected = new Set(INITIALIZERS.filter((e) => e.scheme).flatMap((e) => (e.tfjs === null ? [e.name] : [e.name, e.tfjs])));
    expect(new Set(Object.keys(factories))).toEqual(expected);
  });
  test('no export outside the registry has an async form but the fills, shards and the models\' writers', () => {
    const withAsync = Object.keys(api).filter((k) => k.endsWith('Async')).map((k) => k.slice(0, -5)).sort();
    const others = ['fillNormal', 'fillTruncatedNormal', 'fillUniform', 'initShard', 'initSlice', 'randomBits', 'materialize', 'writeSafetensors'];
    expect(withAsync).toEqual([...INITIALIZERS.map((e) => e.name), ...others].sort());
  });
  test('the diagnostics\' names are registry rows in kebab case', () => {
    const rows = new Set<string>(INITIALIZERS.map((e) => e.name));
    for (const n of INITIALIZER_NAMES) expect(rows.has(n.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase())), n).toBe(true);
  });
});
