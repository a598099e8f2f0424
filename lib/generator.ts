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
