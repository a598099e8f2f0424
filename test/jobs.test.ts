/**
 * Jobs (lib/job.ts): validation returns a job (result, kernel plans with packed parameters
 * and the Philox key, post-steps); sync runs it, async awaits it, a shard runs one job over
 * all its runs.
 */
import { describe, expect, test } from 'vitest';
import * as nn from '../lib/index.js';
import { runJob, runJobAsync, type KernelStep, type Step } from '../lib/job.js';
import { fillNormalJob, randomBitsJob } from '../lib/random.js';
import { initSliceJob } from '../lib/shards.js';
import { BITS, NORMAL_F32, NORMAL_F64 } from '../lib/kinds.js';
import { sameBytes } from './helpers.js';

const kernels = (steps: readonly Step[]) => steps.filter((s): s is KernelStep => 'plan' in s);

describe(`jobs (${nn.backendInfo().name})`, () => {
  test('a fill\'s job: one kernel step with its plan, key and offset; nothing written before it runs', () => {
    const out = new Float32Array(6);
    const job = fillNormalJob('fillNormal', out, { seed: 2n ** 40n + 5n, stream: 7, offset: 11, std: 2 });
    expect(job.result).toBe(out);
    const [k] = kernels(job.steps);
    expect(job.steps.length).toBe(1);
    expect(k!.plan.kind).toBe(NORMAL_F32);
    expect(Array.from(k!.plan.params)).toEqual([0, 2]);
    expect(k!.key).toEqual({ k0: 5, k1: 256, s0: 7, s1: 0 });
    expect(k!.offset).toBe(11);
    expect(out.every((v) => v === 0)).toBe(true);
    expect(sameBytes(runJob(job), nn.fillNormal(new Float32Array(6), { seed: 2n ** 40n + 5n, stream: 7, offset: 11, std: 2 }))).toBe(true);
  });
  test('the global stream is taken when the job is made, once; running it is pure', async () => {
    nn.manualSeed(9);
    const job = randomBitsJob('randomBits', new Uint32Array(8), { offset: 2n ** 65n });
    expect(nn.globalSeedState().nextStream).toBe(1n);
    expect(kernels(job.steps)[0]!.plan.kind).toBe(BITS);
    const a = runJob(job).slice();
    const b = (await runJobAsync(job, 'randomBitsAsync')).slice();
    expect(sameBytes(a, b)).toBe(true);
    expect(nn.globalSeedState().nextStream).toBe(1n);
    expect(sameBytes(a, nn.randomBits(new Uint32Array(8), { seed: 9, stream: 0, offset: 2n ** 65n }))).toBe(true);
  });
  test('a column slice of orthogonal is one Gaussian draw and one QR for all its rows', () => {
    const job = initSliceJob('initSlice', nn.orthogonal, [12, 8], { axis: 1, start: 2, end: 5, seed: 3 });
    expect(job.steps.length).toBe(2);
    const [k] = kernels(job.steps);
    expect(k!.plan.kind).toBe(NORMAL_F64);
    expect(k!.out.length).toBe(96);
    const full = nn.orthogonal([12, 8], { seed: 3 });
    const part = runJob(job) as Float32Array;
    for (let r = 0; r < 12; r++) expect(Array.from(part.subarray(3 * r, 3 * r + 3))).toEqual(Array.from(full.subarray(8 * r + 2, 8 * r + 5)));
  });
  test('a column slice checks and plans once: one kernel launch per row, no re-validation', () => {
    const job = initSliceJob('initSlice', nn.kaimingNormal, [40, 30], { axis: 1, start: 3, end: 17, seed: 1 });
    const ks = kernels(job.steps);
    expect(ks.length).toBe(40);
    expect(new Set(ks.map((k) => k.plan)).size).toBe(1);
    expect(ks.map((k) => k.offset)).toEqual(Array.from({ length: 40 }, (_, r) => 30 * r + 3));
  });
  test('a shard\'s out-of-range parameter is refused before any global stream is taken', () => {
    nn.manualSeed(4);
    // std 1e300 does not fit float32: refused when the plan is made, which used to come after the stream was taken.
    expect(() => nn.initSlice(nn.normal, [4, 4], { axis: 1, start: 0, end: 2, std: 1e300 })).toThrow(/^nninit\.initSlice: options\.std/);
    expect(() => nn.initShard(nn.truncatedNormal, [4, 4], { rank: 0, worldSize: 2, a: 3, b: 3 })).toThrow(RangeError);
    expect(nn.globalSeedState().nextStream).toBe(0n);
    nn.initSlice(nn.normal, [4, 4], { axis: 1, start: 0, end: 0 }); // empty: still one stream, as on every rank
    expect(nn.globalSeedState().nextStream).toBe(1n);
  });
  test('preset errors name the preset, not the initializer it is built on', () => {
    expect(() => nn.torchDefaultWeight([3])).toThrow(/^nninit\.torchDefaultWeight: shape/);
    expect(() => nn.torchDefaultWeight([3, 3], { dtype: 'int8' as never })).toThrow(/^nninit\.torchDefaultWeight: options\.dtype/);
    expect(() => nn.torchDefaultWeight([3, 3], { mode: 'fan_out' } as never)).toThrow(/^nninit\.torchDefaultWeight: unknown option options\.mode/);
    expect(() => nn.torchLinear(3, 2, { stream: -1 })).toThrow(/^nninit\.torchLinear: options\.stream/);
  });
});
