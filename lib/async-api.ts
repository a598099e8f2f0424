/**
 * The Promise form of every fill and initializer: `xAsync(...)` takes the same arguments as
 * `x(...)`, validates and takes its seed/stream synchronously (bad input rejects before any
 * work starts), runs the fill off the JS thread, and resolves with the filled array.
 * Results equal the sync call's, bit for bit: both run the same job (lib/job.ts). Every
 * rejection names the Promise form (`kaimingNormalAsync`), also when it comes from the
 * initializer's checks or from `out` being detached during the fill.
 */
import { asyncOf, type JobBuilder } from './job.js';
import { entryOf } from './initializers/registry.js';
import * as random from './random.js';
import * as basic from './initializers/basic.js';
import * as vs from './initializers/variance-scaling.js';
import * as orth from './initializers/orthogonal.js';
import * as st from './initializers/structured.js';
import * as presets from './initializers/presets.js';

/** The Promise form of an initializer: its registry row's job, run by {@link asyncOf} under `${name}Async`. */
function asyncForm<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => Promise<R> {
  const e = entryOf(fn);
  if (e === undefined) throw new Error(`nninit: ${fn.name} is not in the initializer registry`);
  return asyncOf(`${e.name}Async`, e.job as unknown as JobBuilder<A, R>);
}

/** Promise form of {@link random.randomBits | randomBits}. */
export const randomBitsAsync = asyncOf('randomBitsAsync', random.randomBitsJob);

/** Promise form of {@link random.fillUniform | fillUniform}. */
export const fillUniformAsync = asyncOf('fillUniformAsync', random.fillUniformJob);

/** Promise form of {@link random.fillNormal | fillNormal}. */
export const fillNormalAsync = asyncOf('fillNormalAsync', random.fillNormalJob);

/** Promise form of {@link random.fillTruncatedNormal | fillTruncatedNormal}. */
export const fillTruncatedNormalAsync = asyncOf('fillTruncatedNormalAsync', random.fillTruncatedNormalJob);

/** Promise form of {@link basic.zeros | zeros}. */
export const zerosAsync = asyncForm(basic.zeros);

/** Promise form of {@link basic.ones | ones}. */
export const onesAsync = asyncForm(basic.ones);

/** Promise form of {@link basic.constant | constant}. */
export const constantAsync = asyncForm(basic.constant);

/** Promise form of {@link basic.uniform | uniform}. */
export const uniformAsync = asyncForm(basic.uniform);

/** Promise form of {@link basic.normal | normal}. */
export const normalAsync = asyncForm(basic.normal);

/** Promise form of {@link basic.truncatedNormal | truncatedNormal}. */
export const truncatedNormalAsync = asyncForm(basic.truncatedNormal);

/** Promise form of {@link vs.xavierUniform | xavierUniform}. */
export const xavierUniformAsync = asyncForm(vs.xavierUniform);

/** Promise form of {@link vs.glorotUniform | glorotUniform}. */
export const glorotUniformAsync = asyncForm(vs.glorotUniform);

/** Promise form of {@link vs.xavierNormal | xavierNormal}. */
export const xavierNormalAsync = asyncForm(vs.xavierNormal);

/** Promise form of {@link vs.glorotNormal | glorotNormal}. */
export const glorotNormalAsync = asyncForm(vs.glorotNormal);

/** Promise form of {@link vs.kaimingUniform | kaimingUniform}. */
export const kaimingUniformAsync = asyncForm(vs.kaimingUniform);

/** Promise form of {@link vs.heUniform | heUniform}. */
export const heUniformAsync = asyncForm(vs.heUniform);

/** Promise form of {@link vs.kaimingNormal | kaimingNormal}. */
export const kaimingNormalAsync = asyncForm(vs.kaimingNormal);

/** Promise form of {@link vs.heNormal | heNormal}. */
export const heNormalAsync = asyncForm(vs.heNormal);

/** Promise form of {@link vs.lecunUniform | lecunUniform}. */
export const lecunUniformAsync = asyncForm(vs.lecunUniform);

/** Promise form of {@link vs.lecunNormal | lecunNormal}. */
export const lecunNormalAsync = asyncForm(vs.lecunNormal);

/** Promise form of {@link vs.varianceScaling | varianceScaling}. */
export const varianceScalingAsync = asyncForm(vs.varianceScaling);

/** Promise form of {@link orth.orthogonal | orthogonal}. */
export const orthogonalAsync = asyncForm(orth.orthogonal);

/** Promise form of {@link st.eye | eye}. */
export const eyeAsync = asyncForm(st.eye);

/** Promise form of {@link st.dirac | dirac}. */
export const diracAsync = asyncForm(st.dirac);

/** Promise form of {@link st.sparse | sparse}. */
export const sparseAsync = asyncForm(st.sparse);

/** Promise form of {@link presets.torchDefaultWeight | torchDefaultWeight}. */
export const torchDefaultWeightAsync = asyncForm(presets.torchDefaultWeight);

/** Promise form of {@link presets.torchDefaultBias | torchDefaultBias}. */
export const torchDefaultBiasAsync = asyncForm(presets.torchDefaultBias);

/** Promise form of {@link presets.torchLinear | torchLinear}. */
export const torchLinearAsync = asyncForm(presets.torchLinear);

/** Promise form of {@link presets.torchConv | torchConv}. */
export const torchConvAsync = asyncForm(presets.torchConv);
