/**
 * The Promise form of every fill and initializer: `xAsync(...)` takes the same arguments as
 * `x(...)`, validates and takes its seed/stream synchronously (bad input rejects before any
 * work starts), runs the fill off the JS thread, and resolves with the filled array.
 * Results equal the sync call's, bit for bit. See lib/async.ts for how.
 */
import { asyncOf } from './async.js';
import type { ArrayFor, DType, Shape, RandomInitOptions } from './initializers/common.js';

import * as random from './random.js';
import * as basic from './initializers/basic.js';
import * as vs from './initializers/variance-scaling.js';
import * as orth from './initializers/orthogonal.js';
import * as st from './initializers/structured.js';
import * as presets from './presets.js';

/** Promise form of {@link random.randomBits | randomBits}. */
export const randomBitsAsync: (out: Uint32Array, options?: random.RandomOptions) => Promise<Uint32Array> = asyncOf(random.randomBits) as never;

/** Promise form of {@link random.fillUniform | fillUniform}. */
export const fillUniformAsync: <T extends random.FloatArray>(out: T, options?: random.UniformOptions) => Promise<T> = asyncOf(random.fillUniform) as never;

/** Promise form of {@link random.fillNormal | fillNormal}. */
export const fillNormalAsync: <T extends random.FloatArray>(out: T, options?: random.NormalOptions) => Promise<T> = asyncOf(random.fillNormal) as never;

/** Promise form of {@link random.fillTruncatedNormal | fillTruncatedNormal}. */
export const fillTruncatedNormalAsync: <T extends random.FloatArray>(out: T, options?: random.TruncatedNormalOptions) => Promise<T> = asyncOf(random.fillTruncatedNormal) as never;

/** Promise form of {@link basic.zeros | zeros}. */
export const zerosAsync: <D extends DType = 'float32'>(shape: Shape, options?: basic.ConstantOptions<D>) => Promise<ArrayFor<D>> = asyncOf(basic.zeros) as never;

/** Promise form of {@link basic.ones | ones}. */
export const onesAsync: <D extends DType = 'float32'>(shape: Shape, options?: basic.ConstantOptions<D>) => Promise<ArrayFor<D>> = asyncOf(basic.ones) as never;

/** Promise form of {@link basic.constant | constant}. */
export const constantAsync: <D extends DType = 'float32'>(shape: Shape, value: number, options?: basic.ConstantOptions<D>) => Promise<ArrayFor<D>> = asyncOf(basic.constant) as never;

/** Promise form of {@link basic.uniform | uniform}. */
export const uniformAsync: <D extends DType = 'float32'>(shape: Shape, options?: basic.UniformInitOptions<D>) => Promise<ArrayFor<D>> = asyncOf(basic.uniform) as never;

/** Promise form of {@link basic.normal | normal}. */
export const normalAsync: <D extends DType = 'float32'>(shape: Shape, options?: basic.NormalInitOptions<D>) => Promise<ArrayFor<D>> = asyncOf(basic.normal) as never;

/** Promise form of {@link basic.truncatedNormal | truncatedNormal}. */
export const truncatedNormalAsync: <D extends DType = 'float32'>(shape: Shape, options?: basic.TruncatedNormalInitOptions<D>) => Promise<ArrayFor<D>> = asyncOf(basic.truncatedNormal) as never;

/** Promise form of {@link vs.xavierUniform | xavierUniform}. */
export const xavierUniformAsync: <D extends DType = 'float32'>(shape: Shape, options?: vs.XavierUniformOptions<D>) => Promise<ArrayFor<D>> = asyncOf(vs.xavierUniform) as never;

/** Promise form of {@link vs.glorotUniform | glorotUniform}. */
export const glorotUniformAsync: <D extends DType = 'float32'>(shape: Shape, options?: vs.XavierUniformOptions<D>) => Promise<ArrayFor<D>> = asyncOf(vs.glorotUniform) as never;

/** Promise form of {@link vs.xavierNormal | xavierNormal}. */
export const xavierNormalAsync: <D extends DType = 'float32'>(shape: Shape, options?: vs.XavierNormalOptions<D>) => Promise<ArrayFor<D>> = asyncOf(vs.xavierNormal) as never;

/** Promise form of {@link vs.glorotNormal | glorotNormal}. */
export const glorotNormalAsync: <D extends DType = 'float32'>(shape: Shape, options?: vs.XavierNormalOptions<D>) => Promise<ArrayFor<D>> = asyncOf(vs.glorotNormal) as never;

/** Promise form of {@link vs.kaimingUniform | kaimingUniform}. */
export const kaimingUniformAsync: <D extends DType = 'float32'>(shape: Shape, options?: vs.KaimingUniformOptions<D>) => Promise<ArrayFor<D>> = asyncOf(vs.kaimingUniform) as never;

/** Promise form of {@link vs.heUniform | heUniform}. */
export const heUniformAsync: <D extends DType = 'float32'>(shape: Shape, options?: vs.KaimingUniformOptions<D>) => Promise<ArrayFor<D>> = asyncOf(vs.heUniform) as never;

/** Promise form of {@link vs.kaimingNormal | kaimingNormal}. */
export const kaimingNormalAsync: <D extends DType = 'float32'>(shape: Shape, options?: vs.KaimingNormalOptions<D>) => Promise<ArrayFor<D>> = asyncOf(vs.kaimingNormal) as never;

/** Promise form of {@link vs.heNormal | heNormal}. */
export const heNormalAsync: <D extends DType = 'float32'>(shape: Shape, options?: vs.KaimingNormalOptions<D>) => Promise<ArrayFor<D>> = asyncOf(vs.heNormal) as never;

/** Promise form of {@link vs.lecunUniform | lecunUniform}. */
export const lecunUniformAsync: <D extends DType = 'float32'>(shape: Shape, options?: vs.FanInitOptions<D>) => Promise<ArrayFor<D>> = asyncOf(vs.lecunUniform) as never;

/** Promise form of {@link vs.lecunNormal | lecunNormal}. */
export const lecunNormalAsync: <D extends DType = 'float32'>(shape: Shape, options?: vs.FanNormalOptions<D>) => Promise<ArrayFor<D>> = asyncOf(vs.lecunNormal) as never;

/** Promise form of {@link vs.varianceScaling | varianceScaling}. */
export const varianceScalingAsync: <D extends DType = 'float32'>(shape: Shape, options?: vs.VarianceScalingOptions<D>) => Promise<ArrayFor<D>> = asyncOf(vs.varianceScaling) as never;

/** Promise form of {@link orth.orthogonal | orthogonal}. */
export const orthogonalAsync: <D extends DType = 'float32'>(shape: Shape, options?: orth.OrthogonalOptions<D>) => Promise<ArrayFor<D>> = asyncOf(orth.orthogonal) as never;

/** Promise form of {@link st.eye | eye}. */
export const eyeAsync: <D extends DType = 'float32'>(shape: Shape, options?: st.EyeOptions<D>) => Promise<ArrayFor<D>> = asyncOf(st.eye) as never;

/** Promise form of {@link st.dirac | dirac}. */
export const diracAsync: <D extends DType = 'float32'>(shape: Shape, options?: st.DiracOptions<D>) => Promise<ArrayFor<D>> = asyncOf(st.dirac) as never;

/** Promise form of {@link st.sparse | sparse}. */
export const sparseAsync: <D extends DType = 'float32'>(shape: Shape, options: st.SparseOptions<D>) => Promise<ArrayFor<D>> = asyncOf(st.sparse) as never;

/** Promise form of {@link presets.torchDefaultWeight | torchDefaultWeight}. */
export const torchDefaultWeightAsync: <D extends DType = 'float32'>(shape: Shape, options?: RandomInitOptions<D>) => Promise<ArrayFor<D>> = asyncOf(presets.torchDefaultWeight) as never;

/** Promise form of {@link presets.torchDefaultBias | torchDefaultBias}. */
export const torchDefaultBiasAsync: <D extends DType = 'float32'>(shape: Shape, options: presets.TorchBiasOptions<D>) => Promise<ArrayFor<D>> = asyncOf(presets.torchDefaultBias) as never;

/** Promise form of {@link presets.torchLinear | torchLinear}. */
export const torchLinearAsync: <D extends DType = 'float32'>(inFeatures: number, outFeatures: number, options?: presets.TorchModuleOptions<D>) => Promise<presets.TorchParams<D>> = asyncOf(presets.torchLinear) as never;

/** Promise form of {@link presets.torchConv | torchConv}. */
export const torchConvAsync: <D extends DType = 'float32'>(inChannels: number, outChannels: number, kernelSize: number | readonly number[], options?: presets.TorchConvOptions<D>) => Promise<presets.TorchParams<D>> = asyncOf(presets.torchConv) as never;
