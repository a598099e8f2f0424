/**
 * Every error names the function the user called: the Promise form (`kaimingNormalAsync`,
 * not `kaimingNormal`) for its validation and for an `out` detached during the fill, a
 * Generator method, initSlice/initShard around an initializer, and materialize when the
 * initializer refuses the dtype materialize's options chose (which also names the tensor
 * and the initializer). Runs on every backend project.
 */
import { describe, expect, test } from 'vitest';
import * as nn from '../lib/index.js';
import { INITIALIZERS, type InitializerEntry } from '../lib/initializers/registry.js';

type AnyFn = (...args: unknown[]) => unknown;
const api = nn as unknown as Record<string, AnyFn>;

/** Valid leading arguments of an initializer (those before its options). */
function leading(e: InitializerEntry): unknown[] {
  if (e.name === 'constant') return [[4, 4], 0.5];
  if (e.name === 'torchLinear') return [4, 4];
  if (e.name === 'torchConv') return [2, 2, 3];
  return [e.name === 'dirac' ? [4, 4, 3] : [4, 4]];
}

/** A call of `fn` with options `o` that must fail. */
async function failure(fn: AnyFn, args: unknown[]): Promise<Error> {
  try {
    await fn(...args);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe(`errors name the function called (${nn.backendInfo().name})`, () => {
  test.each(INITIALIZERS.map((e) => [e.name, e] as const))('%sAsync: an unknown option and a check of the initializer', async (name, e) => {
    const asyncFn = api[`${name}Async`]!;
    const bad = [...leading(e)];
    bad[e.optionsAt] = { bogus: 1 };
    const err = await failure(asyncFn, bad);
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toMatch(new RegExp(`^nninit\\.${esc(name)}Async: unknown option options\\.bogus`));
    // The initializer's own check (here a dtype it does not know), past the option names.
    const dtype = [...leading(e)];
    dtype[e.optionsAt] = { dtype: 'int8' };
    const err2 = await failure(asyncFn, dtype);
    expect(err2.message).toMatch(new RegExp(`^nninit\\.${esc(name)}Async: options\\.dtype must be one of`));
    // The sync form and the Generator's methods name themselves.
    expect(() => api[name]!(...dtype)).toThrow(new RegExp(`^nninit\\.${esc(name)}: options\\.dtype`));
    const g = new nn.Generator(1) as unknown as Record<string, AnyFn>;
    expect(() => g[name]!.call(g, ...dtype)).toThrow(new RegExp(`^nninit\\.Generator\\.${esc(name)}: options\\.dtype`));
    const gErr = await failure((...a) => g[`${name}Async`]!.call(g, ...a), dtype);
    expect(gErr.message).toMatch(new RegExp(`^nninit\\.Generator\\.${esc(name)}Async: options\\.dtype`));
  });

  test("kaimingNormalAsync's out of the wrong length (the issue's call)", async () => {
    await expect(nn.kaimingNormalAsync([4, 4], { seed: 1, out: new Float32Array(3) })).rejects.toThrow(
      /^nninit\.kaimingNormalAsync: options\.out must be of length 16/,
    );
  });

  test('the fills: randomBitsAsync, fillUniformAsync, fillNormalAsync, fillTruncatedNormalAsync', async () => {
    await expect(nn.randomBitsAsync(new Float32Array(2) as never)).rejects.toThrow(/^nninit\.randomBitsAsync: out must be a Uint32Array/);
    await expect(nn.fillUniformAsync(new Float32Array(2), { low: NaN })).rejects.toThrow(/^nninit\.fillUniformAsync: options\.low/);
    await expect(nn.fillNormalAsync(new Float32Array(2), { std: -1 })).rejects.toThrow(/^nninit\.fillNormalAsync: options\.std/);
    await expect(nn.fillTruncatedNormalAsync(new Float32Array(2), { a: NaN })).rejects.toThrow(/^nninit\.fillTruncatedNormalAsync: options\.a/);
  });

  test.each([
    ['float32', Float32Array],
    ['float16', Uint16Array],
  ] as const)('an out detached during kaimingNormalAsync (%s) names kaimingNormalAsync', async (dtype, Ctor) => {
    const out = new Ctor(2048 * 2048);
    const p = nn.kaimingNormalAsync([2048, 2048], { seed: 1, out, dtype } as never);
    structuredClone(out.buffer, { transfer: [out.buffer] });
    await expect(p).rejects.toThrow(/^nninit\.kaimingNormalAsync: out was detached or resized during the fill/);
  });

  test('a Generator async method whose out is detached names the method', async () => {
    const out = new Float32Array(2048 * 2048);
    const p = new nn.Generator(3).xavierUniformAsync([2048, 2048], { out });
    structuredClone(out.buffer, { transfer: [out.buffer] });
    await expect(p).rejects.toThrow(/^nninit\.Generator\.xavierUniformAsync: out was detached/);
  });

  test('initSlice and initShard (and their Promise forms) name themselves for the initializer\'s checks', async () => {
    const slice = { axis: 0, start: 0, end: 2, seed: 1 };
    expect(() => nn.initSlice(nn.kaimingNormal, [4, 4], { ...slice, mode: 'x' as never })).toThrow(/^nninit\.initSlice: options\.mode must be one of/);
    await expect(nn.initSliceAsync(nn.kaimingNormal, [4, 4], { ...slice, mode: 'x' as never })).rejects.toThrow(/^nninit\.initSliceAsync: options\.mode/);
    expect(() => nn.initShard(nn.truncatedNormal, [4, 4], { rank: 0, worldSize: 2, seed: 1, std: -1 })).toThrow(/^nninit\.initShard: options\.std/);
    await expect(nn.initShardAsync(nn.orthogonal, [4], { rank: 0, worldSize: 2, seed: 1 })).rejects.toThrow(/^nninit\.initShardAsync: shape/);
  });

  test("materialize: a spec the dtype of materialize's options cannot hold names materialize, the tensor and the initializer", async () => {
    const json = JSON.parse(JSON.stringify(nn.recipe('gpt2', { nLayer: 1, nHead: 2, nEmbd: 8, vocabSize: 10, nPositions: 4 }))) as { tensors: { name: string; init: unknown }[] };
    json.tensors.find((x) => x.name === 'h.0.attn.c_proj.weight')!.init = { scheme: 'constant', value: 1e6 };
    const plan = json as unknown as nn.ModelPlan;
    // Valid in the plan's float32 (a constant spec materializes)...
    expect(Array.from((nn.materialize(plan, { seed: 0 }).get('h.0.attn.c_proj.weight') as Float32Array).slice(0, 2))).toEqual([1e6, 1e6]);
    // ...not in float16.
    const msg = /^nninit\.materialize: tensor 'h\.0\.attn\.c_proj\.weight' \(\{"scheme":"constant","value":1000000\}\) is not valid for shape \[8, 8\] in float16: nninit\.constant: value must be such that every value is finite in float16/;
    expect(() => nn.materialize(plan, { seed: 0, dtype: 'float16' })).toThrow(msg);
    await expect(nn.materializeAsync(plan, { seed: 0, dtype: 'float16' })).rejects.toThrow(/^nninit\.materializeAsync: tensor 'h\.0\.attn\.c_proj\.weight'/);
  });
});
