/**
 * Module-default presets people port: PyTorch's nn.Linear and nn.Conv*d `reset_parameters`.
 *
 * PyTorch initializes those weights with kaiming_uniform_(a = sqrt 5), which is
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the bias with U(-1/sqrt(fan_in), 1/sqrt(fan_in))
 * (0 when fan_in = 0), fan_in taken from the weight's shape[1] times the kernel size.
 */
import { rangeError, typeError } from '../errors.js';
import { finite, oneOf, readOptions, withOptions, type Options } from '../validate.js';
import { checkSeed, seedValue } from '../seed.js';
import { combine, runJob, type Job } from '../job.js';
import { DTYPES, type ArrayFor, type DType, type RandomInitOptions, type Shape } from '../tensor.js';
import { kaimingMake } from './variance-scaling.js';
import { distDef, initJob, RANDOM_OPTIONS } from './engine.js';

const kaimingUniformRule = kaimingMake('uniform');
const SQRT5 = Math.sqrt(5);

/** torchDefaultWeight's definition, for the registry. */
export const TORCH_WEIGHT = distDef(RANDOM_OPTIONS, true, (fn, o, info, c) => kaimingUniformRule(fn, withOptions(o, { a: SQRT5 }), info, c));

/** torchDefaultBias's definition, for the registry. */
export const TORCH_BIAS = distDef(['fanIn', ...RANDOM_OPTIONS], true, (fn, o) => {
  if (o.fanIn === undefined) throw typeError(fn, 'options.fanIn', 'a non-negative number', o.fanIn);
  const fanIn = finite(fn, 'options.fanIn', o.fanIn, 0);
  if (!(fanIn >= 0)) throw rangeError(fn, 'options.fanIn', 'a non-negative number', fanIn);
  return () => {
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    return { kind: 'uniform', low: -bound, high: bound };
  };
});

/**
 * PyTorch's default weight init for nn.Linear / nn.Conv*d (weight in torch layout):
 * kaiming_uniform_(a = sqrt 5), i.e. U(+-1/sqrt(fan_in)), bound computed with PyTorch's
 * float64 expressions.
 * @example
 * ```ts
 * const w = torchDefaultWeight([128, 64], { seed: 0 }); // nn.Linear(64, 128).weight
 * ```
 */
export function torchDefaultWeight<D extends DType = 'float32'>(shape: Shape, options?: RandomInitOptions<D>): ArrayFor<D> {
  return runJob(initJob('torchDefaultWeight', TORCH_WEIGHT, shape, options)) as ArrayFor<D>;
}

/** Options of {@link torchDefaultBias}. */
export interface TorchBiasOptions<D extends DType = 'float32'> extends RandomInitOptions<D> {
  /** The weight's fan-in (shape[1] times the kernel size), an integer >= 0. Required. */
  fanIn: number;
}

/**
 * PyTorch's default bias init for nn.Linear / nn.Conv*d: U(+-1/sqrt(fanIn)), zeros when fanIn is 0.
 * @example
 * ```ts
 * const b = torchDefaultBias([128], { fanIn: 64, seed: 0, stream: 1 });
 * ```
 */
export function torchDefaultBias<D extends DType = 'float32'>(shape: Shape, options: TorchBiasOptions<D>): ArrayFor<D> {
  return runJob(initJob('torchDefaultBias', TORCH_BIAS, shape, options)) as ArrayFor<D>;
}

/** Options of {@link torchLinear} and {@link torchConv}. */
export interface TorchModuleOptions<D extends DType = 'float32'> {
  /** Create a bias (default true); false gives `bias: null`. */
  bias?: boolean;
  /** Output dtype of both tensors. Default 'float32'. */
  dtype?: D;
  /** Seed, as in every random initializer. */
  seed?: number | bigint;
  /** The weight's stream; the bias takes stream + 1. Default 0 with a seed, else two global streams. */
  stream?: number | bigint;
}

/** A module's parameters. */
export interface TorchParams<D extends DType = 'float32'> {
  /** The weight, row-major in torch layout. */
  weight: ArrayFor<D>;
  /** The bias (length out), or null. */
  bias: ArrayFor<D> | null;
  /** The weight's shape. */
  weightShape: number[];
  /** fan_in used for the bounds. */
  fanIn: number;
}

/** The option names of torchLinear. */
export const MODULE_OPTIONS: readonly string[] = ['bias', 'dtype', 'seed', 'stream'];
/** The option names of torchConv. */
export const CONV_OPTIONS: readonly string[] = [...MODULE_OPTIONS, 'groups', 'transposed', 'spatialDims'];

function moduleOptions(fn: string, options: unknown, known: readonly string[]): { o: Options; bias: boolean; next: bigint | undefined } {
  const o = readOptions(fn, options, known);
  if (o.bias !== undefined && typeof o.bias !== 'boolean') throw typeError(fn, 'options.bias', 'a boolean', o.bias);
  oneOf(fn, 'options.dtype', o.dtype, DTYPES, 'float32');
  checkSeed(fn, o.seed, o.stream);
  let next: bigint | undefined;
  if (o.stream !== undefined) {
    next = seedValue(fn, 'options.stream', o.stream) + 1n;
    if (o.bias !== false && next >= 1n << 64n) throw rangeError(fn, 'options.stream', 'below 2^64 - 1 (the bias takes stream + 1)', o.stream);
  } else if (o.seed !== undefined) {
    next = 1n; // with a seed, the stream defaults to 0: the bias takes 1
  }
  return { o, bias: o.bias !== false, next };
}

function positiveInt(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number') throw typeError(fn, name, 'a positive integer', v);
  if (!Number.isSafeInteger(v) || v < 1) throw rangeError(fn, name, 'a positive integer', v);
  return v;
}

/** The module's job: its weight (on `stream`), then its bias (on the next stream). */
function build<D extends DType>(fn: string, shape: number[], outLen: number, m: ReturnType<typeof moduleOptions>): Job<TorchParams<D>> {
  let rf = 1;
  for (let i = 2; i < shape.length; i++) rf *= shape[i]!;
  const fanIn = shape[1]! * rf;
  const { o } = m;
  const common = { dtype: o.dtype as D | undefined, seed: o.seed as number | bigint | undefined };
  const weight = initJob(fn, TORCH_WEIGHT, shape, { ...common, stream: o.stream as number | bigint | undefined });
  const bias = m.bias ? initJob(fn, TORCH_BIAS, [outLen], { ...common, fanIn, stream: m.next }) : null;
  const result = { weight: weight.result as ArrayFor<D>, bias: bias === null ? null : bias.result as ArrayFor<D>, weightShape: shape, fanIn };
  return combine(result, bias === null ? [weight] : [weight, bias]);
}

/** {@link torchLinear} as a job. */
export function torchLinearJob<D extends DType = 'float32'>(fn: string, inFeatures: number, outFeatures: number, options?: TorchModuleOptions<D>): Job<TorchParams<D>> {
  const inF = positiveIntOrZero(fn, 'inFeatures', inFeatures);
  const outF = positiveIntOrZero(fn, 'outFeatures', outFeatures);
  return build<D>(fn, [outF, inF], outF, moduleOptions(fn, options, MODULE_OPTIONS));
}

/**
 * The parameters of PyTorch's `nn.Linear(inFeatures, outFeatures)` as `reset_parameters`
 * makes them: weight [out, in] ~ U(+-1/sqrt(in)) on `stream`, bias [out] ~ U(+-1/sqrt(in))
 * on stream + 1.
 * @example
 * ```ts
 * const { weight, bias } = torchLinear(784, 256, { seed: 0 });
 * ```
 */
export function torchLinear<D extends DType = 'float32'>(inFeatures: number, outFeatures: number, options?: TorchModuleOptions<D>): TorchParams<D> {
  return runJob(torchLinearJob('torchLinear', inFeatures, outFeatures, options));
}

function positiveIntOrZero(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number') throw typeError(fn, name, 'a non-negative integer', v);
  if (!Number.isSafeInteger(v) || v < 0) throw rangeError(fn, name, 'a non-negative integer', v);
  return v;
}

/** Options of {@link torchConv}. */
export interface TorchConvOptions<D extends DType = 'float32'> extends TorchModuleOptions<D> {
  /** Groups; both channel counts must be divisible by it. Default 1. */
  groups?: number;
  /** ConvTranspose*d: weight [in, out/groups, ...k] (PyTorch then takes fan_in = out/groups * k). Default false. */
  transposed?: boolean;
  /** With a number kernelSize: 1, 2 (default) or 3 spatial dims. */
  spatialDims?: 1 | 2 | 3;
}

/** {@link torchConv} as a job. */
export function torchConvJob<D extends DType = 'float32'>(fn: string, inChannels: number, outChannels: number, kernelSize: number | readonly number[], options?: TorchConvOptions<D>): Job<TorchParams<D>> {
  const inC = positiveInt(fn, 'inChannels', inChannels);
  const outC = positiveInt(fn, 'outChannels', outChannels);
  const m = moduleOptions(fn, options, CONV_OPTIONS);
  const o = m.o;
  const groups = o.groups === undefined ? 1 : positiveInt(fn, 'options.groups', o.groups);
  if (inC % groups !== 0) throw rangeError(fn, 'options.groups', `a divisor of inChannels (${inC})`, groups);
  if (outC % groups !== 0) throw rangeError(fn, 'options.groups', `a divisor of outChannels (${outC})`, groups);
  if (o.transposed !== undefined && typeof o.transposed !== 'boolean') throw typeError(fn, 'options.transposed', 'a boolean', o.transposed);
  let k: number[];
  if (typeof kernelSize === 'number') {
    const sd = o.spatialDims === undefined ? 2 : o.spatialDims;
    if (sd !== 1 && sd !== 2 && sd !== 3) throw rangeError(fn, 'options.spatialDims', 'one of 1, 2, 3', sd);
    const ks = positiveInt(fn, 'kernelSize', kernelSize);
    k = new Array<number>(sd).fill(ks);
  } else if (Array.isArray(kernelSize)) {
    if (o.spatialDims !== undefined) throw typeError(fn, 'options.spatialDims', 'undefined when kernelSize is an array', o.spatialDims);
    if (kernelSize.length < 1 || kernelSize.length > 3) throw rangeError(fn, 'kernelSize', 'an array of 1 to 3 positive integers', kernelSize);
    k = kernelSize.map((v, i) => positiveInt(fn, `kernelSize[${i}]`, v));
  } else {
    throw typeError(fn, 'kernelSize', 'a positive integer or an array of 1 to 3 of them', kernelSize);
  }
  const shape = o.transposed === true ? [inC, outC / groups, ...k] : [outC, inC / groups, ...k];
  return build<D>(fn, shape, outC, m);
}

/**
 * The parameters of PyTorch's `nn.Conv{1,2,3}d` (or `ConvTranspose*d` with `transposed`)
 * as `reset_parameters` makes them: weight [out, in/groups, ...k] (transposed:
 * [in, out/groups, ...k]) ~ U(+-1/sqrt(fan_in)) on `stream`, fan_in = shape[1] * prod(k)
 * as PyTorch computes it, and bias [out] ~ U(+-1/sqrt(fan_in)) on stream + 1.
 * @example
 * ```ts
 * const { weight, bias } = torchConv(3, 64, 3, { seed: 0 });       // Conv2d(3, 64, 3)
 * const c1 = torchConv(16, 32, [5], { groups: 4, seed: 0 });        // Conv1d(16, 32, 5, groups=4)
 * ```
 */
export function torchConv<D extends DType = 'float32'>(inChannels: number, outChannels: number, kernelSize: number | readonly number[], options?: TorchConvOptions<D>): TorchParams<D> {
  return runJob(torchConvJob('torchConv', inChannels, outChannels, kernelSize, options));
}
