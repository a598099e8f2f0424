/**
 * Generator: one seed for a whole model. Each method call takes the next stream, in call
 * order (0, 1, 2, ...), so a model's parameters are reproducible from one seed and
 * independent of one another.
 */
import { typeError, rangeError } from './errors.js';
import { checkOptions, u64 } from './validate.js';
import type { Seed } from './seed.js';
import type { ArrayFor, DType, RandomInitOptions, Shape } from './initializers/common.js';
import * as basic from './initializers/basic.js';
import * as vs from './initializers/variance-scaling.js';
import * as orth from './initializers/orthogonal.js';
import * as st from './initializers/structured.js';
import * as presets from './presets.js';
import { asyncOf } from './async.js';

/** An initializer's options without `seed` and `stream`, which the generator supplies. */
export type GeneratorOptions<O> = Omit<O, 'seed' | 'stream'>;

const TWO64 = 1n << 64n;

/**
 * A seeded source of initializers. `new Generator(seed)` has every initializer as a
 * method; call n (counting from 0, or from `firstStream`) uses stream n of that seed, so
 * `gen.kaimingNormal(shape, opts)` equals `kaimingNormal(shape, { ...opts, seed, stream: n })`.
 * Every method call takes one stream, deterministic ones (zeros, eye, ...) included, so
 * changing how one tensor is initialized never shifts the others; torchLinear and
 * torchConv take two (weight, then bias). A call that throws takes none.
 *
 * @example
 * ```ts
 * const gen = new Generator(42);
 * const w1 = gen.kaimingNormal([256, 784]);   // stream 0
 * const b1 = gen.zeros([256]);                // stream 1
 * const w2 = gen.xavierUniform([10, 256]);    // stream 2
 * ```
 */
export class Generator {
  /** The seed, as a bigint. */
  readonly seed: bigint;
  #next: bigint;

  /**
   * @param seed - An integer in [0, 2^64) (number or bigint).
   * @param firstStream - The stream of the first call. Default 0.
   */
  constructor(seed: Seed, firstStream: Seed = 0) {
    const [lo, hi] = u64('Generator', 'seed', seed);
    this.seed = BigInt(lo) + (BigInt(hi) << 32n);
    const [slo, shi] = u64('Generator', 'firstStream', firstStream);
    this.#next = BigInt(slo) + (BigInt(shi) << 32n);
  }

  /** The stream the next call will take. */
  get nextStream(): bigint {
    return this.#next;
  }

  #run<R>(name: string, options: unknown, streams: number, call: (o: Record<string, unknown>) => R): R {
    const fn = `Generator.${name}`;
    const o = options === undefined ? {} : checkOptions(fn, options);
    if (o.seed !== undefined) throw typeError(fn, 'options.seed', 'undefined (the generator supplies it)', o.seed);
    if (o.stream !== undefined) throw typeError(fn, 'options.stream', 'undefined (the generator supplies it)', o.stream);
    if (this.#next + BigInt(streams) > TWO64) throw rangeError(fn, 'the generator', 'not exhausted (streams below 2^64)', this.#next);
    const r = call({ ...o, seed: small(this.seed), stream: small(this.#next) });
    this.#next += BigInt(streams);
    return r;
  }

  /** {@link zeros} (takes a stream). */
  zeros<D extends DType = 'float32'>(shape: Shape, options?: basic.ConstantOptions<D>): ArrayFor<D> {
    return this.#run('zeros', options, 1, (o) => basic.zeros(shape, strip(o) as basic.ConstantOptions<D>));
  }
  /** {@link ones} (takes a stream). */
  ones<D extends DType = 'float32'>(shape: Shape, options?: basic.ConstantOptions<D>): ArrayFor<D> {
    return this.#run('ones', options, 1, (o) => basic.ones(shape, strip(o) as basic.ConstantOptions<D>));
  }
  /** {@link constant} (takes a stream). */
  constant<D extends DType = 'float32'>(shape: Shape, value: number, options?: basic.ConstantOptions<D>): ArrayFor<D> {
    return this.#run('constant', options, 1, (o) => basic.constant(shape, value, strip(o) as basic.ConstantOptions<D>));
  }
  /** {@link uniform}. */
  uniform<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<basic.UniformInitOptions<D>>): ArrayFor<D> {
    return this.#run('uniform', options, 1, (o) => basic.uniform(shape, o as basic.UniformInitOptions<D>));
  }
  /** {@link normal}. */
  normal<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<basic.NormalInitOptions<D>>): ArrayFor<D> {
    return this.#run('normal', options, 1, (o) => basic.normal(shape, o as basic.NormalInitOptions<D>));
  }
  /** {@link truncatedNormal}. */
  truncatedNormal<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<basic.TruncatedNormalInitOptions<D>>): ArrayFor<D> {
    return this.#run('truncatedNormal', options, 1, (o) => basic.truncatedNormal(shape, o as basic.TruncatedNormalInitOptions<D>));
  }
  /** {@link xavierUniform}. */
  xavierUniform<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.XavierUniformOptions<D>>): ArrayFor<D> {
    return this.#run('xavierUniform', options, 1, (o) => vs.xavierUniform(shape, o as vs.XavierUniformOptions<D>));
  }
  /** {@link glorotUniform}. */
  glorotUniform<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.XavierUniformOptions<D>>): ArrayFor<D> {
    return this.#run('glorotUniform', options, 1, (o) => vs.glorotUniform(shape, o as vs.XavierUniformOptions<D>));
  }
  /** {@link xavierNormal}. */
  xavierNormal<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.XavierNormalOptions<D>>): ArrayFor<D> {
    return this.#run('xavierNormal', options, 1, (o) => vs.xavierNormal(shape, o as vs.XavierNormalOptions<D>));
  }
  /** {@link glorotNormal}. */
  glorotNormal<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.XavierNormalOptions<D>>): ArrayFor<D> {
    return this.#run('glorotNormal', options, 1, (o) => vs.glorotNormal(shape, o as vs.XavierNormalOptions<D>));
  }
  /** {@link kaimingUniform}. */
  kaimingUniform<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.KaimingUniformOptions<D>>): ArrayFor<D> {
    return this.#run('kaimingUniform', options, 1, (o) => vs.kaimingUniform(shape, o as vs.KaimingUniformOptions<D>));
  }
  /** {@link heUniform}. */
  heUniform<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.KaimingUniformOptions<D>>): ArrayFor<D> {
    return this.#run('heUniform', options, 1, (o) => vs.heUniform(shape, o as vs.KaimingUniformOptions<D>));
  }
  /** {@link kaimingNormal}. */
  kaimingNormal<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.KaimingNormalOptions<D>>): ArrayFor<D> {
    return this.#run('kaimingNormal', options, 1, (o) => vs.kaimingNormal(shape, o as vs.KaimingNormalOptions<D>));
  }
  /** {@link heNormal}. */
  heNormal<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.KaimingNormalOptions<D>>): ArrayFor<D> {
    return this.#run('heNormal', options, 1, (o) => vs.heNormal(shape, o as vs.KaimingNormalOptions<D>));
  }
  /** {@link lecunUniform}. */
  lecunUniform<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.FanInitOptions<D>>): ArrayFor<D> {
    return this.#run('lecunUniform', options, 1, (o) => vs.lecunUniform(shape, o as vs.FanInitOptions<D>));
  }
  /** {@link lecunNormal}. */
  lecunNormal<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.FanNormalOptions<D>>): ArrayFor<D> {
    return this.#run('lecunNormal', options, 1, (o) => vs.lecunNormal(shape, o as vs.FanNormalOptions<D>));
  }
  /** {@link varianceScaling}. */
  varianceScaling<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.VarianceScalingOptions<D>>): ArrayFor<D> {
    return this.#run('varianceScaling', options, 1, (o) => vs.varianceScaling(shape, o as vs.VarianceScalingOptions<D>));
  }
  /** {@link orthogonal}. */
  orthogonal<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<orth.OrthogonalOptions<D>>): ArrayFor<D> {
    return this.#run('orthogonal', options, 1, (o) => orth.orthogonal(shape, o as orth.OrthogonalOptions<D>));
  }
  /** {@link eye} (takes a stream). */
  eye<D extends DType = 'float32'>(shape: Shape, options?: st.EyeOptions<D>): ArrayFor<D> {
    return this.#run('eye', options, 1, (o) => st.eye(shape, strip(o) as st.EyeOptions<D>));
  }
  /** {@link dirac} (takes a stream). */
  dirac<D extends DType = 'float32'>(shape: Shape, options?: st.DiracOptions<D>): ArrayFor<D> {
    return this.#run('dirac', options, 1, (o) => st.dirac(shape, strip(o) as st.DiracOptions<D>));
  }
  /** {@link sparse}. */
  sparse<D extends DType = 'float32'>(shape: Shape, options: GeneratorOptions<st.SparseOptions<D>>): ArrayFor<D> {
    if (options === undefined) throw typeError('Generator.sparse', 'options', 'an object with a sparsity', options);
    return this.#run('sparse', options, 1, (o) => st.sparse(shape, o as unknown as st.SparseOptions<D>));
  }
  /** {@link torchDefaultWeight}. */
  torchDefaultWeight<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<RandomInitOptions<D>>): ArrayFor<D> {
    return this.#run('torchDefaultWeight', options, 1, (o) => presets.torchDefaultWeight(shape, o as RandomInitOptions<D>));
  }
  /** {@link torchDefaultBias}. */
  torchDefaultBias<D extends DType = 'float32'>(shape: Shape, options: GeneratorOptions<presets.TorchBiasOptions<D>>): ArrayFor<D> {
    if (options === undefined) throw typeError('Generator.torchDefaultBias', 'options', 'an object with a fanIn', options);
    return this.#run('torchDefaultBias', options, 1, (o) => presets.torchDefaultBias(shape, o as unknown as presets.TorchBiasOptions<D>));
  }
  /** {@link torchLinear}: weight on the next stream, bias on the one after (two streams). */
  torchLinear<D extends DType = 'float32'>(inFeatures: number, outFeatures: number, options?: GeneratorOptions<presets.TorchModuleOptions<D>>): presets.TorchParams<D> {
    return this.#run('torchLinear', options, 2, (o) => presets.torchLinear(inFeatures, outFeatures, o as presets.TorchModuleOptions<D>));
  }
  /** {@link torchConv}: weight on the next stream, bias on the one after (two streams). */
  torchConv<D extends DType = 'float32'>(inChannels: number, outChannels: number, kernelSize: number | readonly number[], options?: GeneratorOptions<presets.TorchConvOptions<D>>): presets.TorchParams<D> {
    return this.#run('torchConv', options, 2, (o) => presets.torchConv(inChannels, outChannels, kernelSize, o as presets.TorchConvOptions<D>));
  }

  /** Promise form of {@link Generator.zeros}: takes its stream now, fills off the JS thread. */
  zerosAsync<D extends DType = 'float32'>(shape: Shape, options?: basic.ConstantOptions<D>): Promise<ArrayFor<D>> {
    return asyncOf(() => this.zeros(shape, options))();
  }

  /** Promise form of {@link Generator.ones}: takes its stream now, fills off the JS thread. */
  onesAsync<D extends DType = 'float32'>(shape: Shape, options?: basic.ConstantOptions<D>): Promise<ArrayFor<D>> {
    return asyncOf(() => this.ones(shape, options))();
  }

  /** Promise form of {@link Generator.constant}: takes its stream now, fills off the JS thread. */
  constantAsync<D extends DType = 'float32'>(shape: Shape, value: number, options?: basic.ConstantOptions<D>): Promise<ArrayFor<D>> {
    return asyncOf(() => this.constant(shape, value, options))();
  }

  /** Promise form of {@link Generator.uniform}: takes its stream now, fills off the JS thread. */
  uniformAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<basic.UniformInitOptions<D>>): Promise<ArrayFor<D>> {
    return asyncOf(() => this.uniform(shape, options))();
  }

  /** Promise form of {@link Generator.normal}: takes its stream now, fills off the JS thread. */
  normalAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<basic.NormalInitOptions<D>>): Promise<ArrayFor<D>> {
    return asyncOf(() => this.normal(shape, options))();
  }

  /** Promise form of {@link Generator.truncatedNormal}: takes its stream now, fills off the JS thread. */
  truncatedNormalAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<basic.TruncatedNormalInitOptions<D>>): Promise<ArrayFor<D>> {
    return asyncOf(() => this.truncatedNormal(shape, options))();
  }

  /** Promise form of {@link Generator.xavierUniform}: takes its stream now, fills off the JS thread. */
  xavierUniformAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.XavierUniformOptions<D>>): Promise<ArrayFor<D>> {
    return asyncOf(() => this.xavierUniform(shape, options))();
  }

  /** Promise form of {@link Generator.glorotUniform}: takes its stream now, fills off the JS thread. */
  glorotUniformAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.XavierUniformOptions<D>>): Promise<ArrayFor<D>> {
    return asyncOf(() => this.glorotUniform(shape, options))();
  }

  /** Promise form of {@link Generator.xavierNormal}: takes its stream now, fills off the JS thread. */
  xavierNormalAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.XavierNormalOptions<D>>): Promise<ArrayFor<D>> {
    return asyncOf(() => this.xavierNormal(shape, options))();
  }

  /** Promise form of {@link Generator.glorotNormal}: takes its stream now, fills off the JS thread. */
  glorotNormalAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.XavierNormalOptions<D>>): Promise<ArrayFor<D>> {
    return asyncOf(() => this.glorotNormal(shape, options))();
  }

  /** Promise form of {@link Generator.kaimingUniform}: takes its stream now, fills off the JS thread. */
  kaimingUniformAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.KaimingUniformOptions<D>>): Promise<ArrayFor<D>> {
    return asyncOf(() => this.kaimingUniform(shape, options))();
  }

  /** Promise form of {@link Generator.heUniform}: takes its stream now, fills off the JS thread. */
  heUniformAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.KaimingUniformOptions<D>>): Promise<ArrayFor<D>> {
    return asyncOf(() => this.heUniform(shape, options))();
  }

  /** Promise form of {@link Generator.kaimingNormal}: takes its stream now, fills off the JS thread. */
  kaimingNormalAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.KaimingNormalOptions<D>>): Promise<ArrayFor<D>> {
    return asyncOf(() => this.kaimingNormal(shape, options))();
  }

  /** Promise form of {@link Generator.heNormal}: takes its stream now, fills off the JS thread. */
  heNormalAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.KaimingNormalOptions<D>>): Promise<ArrayFor<D>> {
    return asyncOf(() => this.heNormal(shape, options))();
  }

  /** Promise form of {@link Generator.lecunUniform}: takes its stream now, fills off the JS thread. */
  lecunUniformAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.FanInitOptions<D>>): Promise<ArrayFor<D>> {
    return asyncOf(() => this.lecunUniform(shape, options))();
  }

  /** Promise form of {@link Generator.lecunNormal}: takes its stream now, fills off the JS thread. */
  lecunNormalAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.FanNormalOptions<D>>): Promise<ArrayFor<D>> {
    return asyncOf(() => this.lecunNormal(shape, options))();
  }

  /** Promise form of {@link Generator.varianceScaling}: takes its stream now, fills off the JS thread. */
  varianceScalingAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.VarianceScalingOptions<D>>): Promise<ArrayFor<D>> {
    return asyncOf(() => this.varianceScaling(shape, options))();
  }

  /** Promise form of {@link Generator.orthogonal}: takes its stream now, fills off the JS thread. */
  orthogonalAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<orth.OrthogonalOptions<D>>): Promise<ArrayFor<D>> {
    return asyncOf(() => this.orthogonal(shape, options))();
  }

  /** Promise form of {@link Generator.eye}: takes its stream now, fills off the JS thread. */
  eyeAsync<D extends DType = 'float32'>(shape: Shape, options?: st.EyeOptions<D>): Promise<ArrayFor<D>> {
    return asyncOf(() => this.eye(shape, options))();
  }

  /** Promise form of {@link Generator.dirac}: takes its stream now, fills off the JS thread. */
  diracAsync<D extends DType = 'float32'>(shape: Shape, options?: st.DiracOptions<D>): Promise<ArrayFor<D>> {
    return asyncOf(() => this.dirac(shape, options))();
  }

  /** Promise form of {@link Generator.sparse}: takes its stream now, fills off the JS thread. */
  sparseAsync<D extends DType = 'float32'>(shape: Shape, options: GeneratorOptions<st.SparseOptions<D>>): Promise<ArrayFor<D>> {
    return asyncOf(() => this.sparse(shape, options))();
  }

  /** Promise form of {@link Generator.torchDefaultWeight}: takes its stream now, fills off the JS thread. */
  torchDefaultWeightAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<RandomInitOptions<D>>): Promise<ArrayFor<D>> {
    return asyncOf(() => this.torchDefaultWeight(shape, options))();
  }

  /** Promise form of {@link Generator.torchDefaultBias}: takes its stream now, fills off the JS thread. */
  torchDefaultBiasAsync<D extends DType = 'float32'>(shape: Shape, options: GeneratorOptions<presets.TorchBiasOptions<D>>): Promise<ArrayFor<D>> {
    return asyncOf(() => this.torchDefaultBias(shape, options))();
  }

  /** Promise form of {@link Generator.torchLinear}: takes its stream now, fills off the JS thread. */
  torchLinearAsync<D extends DType = 'float32'>(inFeatures: number, outFeatures: number, options?: GeneratorOptions<presets.TorchModuleOptions<D>>): Promise<presets.TorchParams<D>> {
    return asyncOf(() => this.torchLinear(inFeatures, outFeatures, options))();
  }

  /** Promise form of {@link Generator.torchConv}: takes its stream now, fills off the JS thread. */
  torchConvAsync<D extends DType = 'float32'>(inChannels: number, outChannels: number, kernelSize: number | readonly number[], options?: GeneratorOptions<presets.TorchConvOptions<D>>): Promise<presets.TorchParams<D>> {
    return asyncOf(() => this.torchConv(inChannels, outChannels, kernelSize, options))();
  }
}

/** A bigint as a number when it is a safe integer (the faster path downstream). */
function small(v: bigint): number | bigint {
  return v <= 9007199254740991n ? Number(v) : v;
}

/** Deterministic initializers take no seed: drop the generator's. */
function strip(o: Record<string, unknown>): Record<string, unknown> {
  const { seed: _s, stream: _t, ...rest } = o;
  return rest;

}
