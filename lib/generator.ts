/**
 * Generator: one seed for a whole model. Each method call takes the next stream, in call
 * order (0, 1, 2, ...), so a model's parameters are reproducible from one seed and
 * independent of one another.
 */
import { typeError, rangeError } from './errors.js';
import { readOptions, withOptions } from './validate.js';
import { compactSeed, jsonSeed, seedValue, type Seed } from './seed.js';
import { runJob, startAsync, type Job } from './job.js';
import type { ArrayFor, DType, RandomInitOptions, Shape } from './tensor.js';
import type * as basic from './initializers/basic.js';
import type * as vs from './initializers/variance-scaling.js';
import type * as orth from './initializers/orthogonal.js';
import type * as st from './initializers/structured.js';
import type * as presets from './initializers/presets.js';
import { INITIALIZERS, type InitializerEntry } from './initializers/registry.js';

/** An initializer's options without `seed` and `stream`, which the generator supplies. */
export type GeneratorOptions<O> = Omit<O, 'seed' | 'stream'>;

const TWO64 = 1n << 64n;

/**
 * A seeded source of initializers. `new Generator(seed)` has every initializer as a
 * method; call n (counting from 0, or from `firstStream`) uses stream n of that seed, so
 * `gen.kaimingNormal(shape, opts)` equals `kaimingNormal(shape, { ...opts, seed, stream: n })`.
 * Every method call takes one stream, deterministic ones (zeros, eye, ...) included, so
 * changing how one tensor is initialized never shifts the others; torchLinear and
 * torchConv take two (weight, then bias). A call that throws takes none. Each method has a
 * Promise form (`kaimingNormalAsync`) that takes its stream at the call.
 *
 * The methods are the registry's initializers (lib/initializers/registry.ts), installed
 * from it; the interface below declares their types.
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
    this.seed = seedValue('Generator', 'seed', seed);
    this.#next = seedValue('Generator', 'firstStream', firstStream);
  }

  /** The stream the next call will take. */
  get nextStream(): bigint {
    return this.#next;
  }

  /**
   * The generator's state as JSON can hold it (`JSON.stringify(gen)` calls this): seed and
   * next stream as numbers when they are safe integers, else as decimal strings.
   * {@link Generator.fromJSON} restores it.
   */
  toJSON(): { seed: number | string; nextStream: number | string } {
    return { seed: jsonSeed(this.seed), nextStream: jsonSeed(this.#next) };
  }

  /**
   * The generator that {@link Generator.toJSON} describes (a parsed object or the JSON
   * text): its next call takes the recorded stream.
   * @example
   * ```ts
   * const saved = JSON.stringify(gen);
   * const again = Generator.fromJSON(saved);   // continues where gen stood
   * ```
   */
  static fromJSON(state: string | { seed: number | string | bigint; nextStream: number | string | bigint }): Generator {
    const fn = 'Generator.fromJSON';
    let s: unknown = state;
    if (typeof s === 'string') {
      try {
        s = JSON.parse(s);
      } catch {
        throw typeError(fn, 'state', 'a Generator\'s JSON text or object', state);
      }
    }
    // null, arrays and undefined are no generator state (readOptions would take undefined as no options).
    if (s === null || typeof s !== 'object' || Array.isArray(s)) throw typeError(fn, 'state', 'a Generator\'s JSON text or object', state);
    const o = readOptions(fn, s, ['seed', 'nextStream'], 'state');
    const read = (name: string, v: unknown): Seed => {
      if (v === undefined) throw typeError(fn, `state.${name}`, 'an integer in [0, 2^64) (number, bigint or decimal string)', v);
      return typeof v === 'string' && /^[0-9]+$/.test(v) ? BigInt(v) : (v as Seed);
    };
    const seed = seedValue(fn, 'state.seed', read('seed', o.seed));
    const next = seedValue(fn, 'state.nextStream', read('nextStream', o.nextStream));
    return new Generator(seed, next);
  }

  /**
   * The job of a method call (`fn`: `Generator.kaimingNormal` or its Async form, which every
   * message names): the options read once (seed and stream refused: the generator supplies
   * them), the initializer's job on the next stream(s), which are taken only once the job
   * exists.
   */
  #job(fn: string, e: InitializerEntry, args: unknown[]): Job<unknown> {
    const o = readOptions(fn, args[e.optionsAt], e.known);
    if (o.seed !== undefined) throw typeError(fn, 'options.seed', 'undefined (the generator supplies it)', o.seed);
    if (o.stream !== undefined) throw typeError(fn, 'options.stream', 'undefined (the generator supplies it)', o.stream);
    if (this.#next + BigInt(e.streams) > TWO64) throw rangeError(fn, 'the generator', 'not exhausted (streams below 2^64)', this.#next);
    const call = args.slice(0, e.optionsAt);
    call[e.optionsAt] = e.seeded ? withOptions(o, { seed: compactSeed(this.seed), stream: compactSeed(this.#next) }) : o;
    const job = (e.job as (fn: string, ...a: unknown[]) => Job<unknown>)(fn, ...call);
    this.#next += BigInt(e.streams);
    return job;
  }

  static {
    const proto = Generator.prototype as unknown as Record<string, unknown>;
    for (const e of INITIALIZERS) {
      const fn = `Generator.${e.name}`;
      const fnAsync = `${fn}Async`;
      proto[e.name] = function (this: Generator, ...args: unknown[]): unknown {
        return runJob(this.#job(fn, e, args));
      };
      proto[`${e.name}Async`] = function (this: Generator, ...args: unknown[]): Promise<unknown> {
        return startAsync(fnAsync, () => this.#job(fnAsync, e, args));
      };
    }
  }
}

/** Every initializer, as a method taking the generator's next stream(s). */
export interface Generator {
  /** {@link zeros} (takes a stream). */
  zeros<D extends DType = 'float32'>(shape: Shape, options?: basic.ConstantOptions<D>): ArrayFor<D>;
  /** {@link ones} (takes a stream). */
  ones<D extends DType = 'float32'>(shape: Shape, options?: basic.ConstantOptions<D>): ArrayFor<D>;
  /** {@link constant} (takes a stream). */
  constant<D extends DType = 'float32'>(shape: Shape, value: number, options?: basic.ConstantOptions<D>): ArrayFor<D>;
  /** {@link uniform}. */
  uniform<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<basic.UniformInitOptions<D>>): ArrayFor<D>;
  /** {@link normal}. */
  normal<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<basic.NormalInitOptions<D>>): ArrayFor<D>;
  /** {@link truncatedNormal}. */
  truncatedNormal<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<basic.TruncatedNormalInitOptions<D>>): ArrayFor<D>;
  /** {@link xavierUniform}. */
  xavierUniform<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.XavierUniformOptions<D>>): ArrayFor<D>;
  /** {@link glorotUniform}. */
  glorotUniform<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.XavierUniformOptions<D>>): ArrayFor<D>;
  /** {@link xavierNormal}. */
  xavierNormal<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.XavierNormalOptions<D>>): ArrayFor<D>;
  /** {@link glorotNormal}. */
  glorotNormal<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.XavierNormalOptions<D>>): ArrayFor<D>;
  /** {@link kaimingUniform}. */
  kaimingUniform<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.KaimingUniformOptions<D>>): ArrayFor<D>;
  /** {@link heUniform}. */
  heUniform<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.KaimingUniformOptions<D>>): ArrayFor<D>;
  /** {@link kaimingNormal}. */
  kaimingNormal<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.KaimingNormalOptions<D>>): ArrayFor<D>;
  /** {@link heNormal}. */
  heNormal<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.KaimingNormalOptions<D>>): ArrayFor<D>;
  /** {@link lecunUniform}. */
  lecunUniform<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.FanInitOptions<D>>): ArrayFor<D>;
  /** {@link lecunNormal}. */
  lecunNormal<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.FanNormalOptions<D>>): ArrayFor<D>;
  /** {@link varianceScaling}. */
  varianceScaling<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.VarianceScalingOptions<D>>): ArrayFor<D>;
  /** {@link orthogonal}. */
  orthogonal<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<orth.OrthogonalOptions<D>>): ArrayFor<D>;
  /** {@link eye} (takes a stream). */
  eye<D extends DType = 'float32'>(shape: Shape, options?: st.EyeOptions<D>): ArrayFor<D>;
  /** {@link dirac} (takes a stream). */
  dirac<D extends DType = 'float32'>(shape: Shape, options?: st.DiracOptions<D>): ArrayFor<D>;
  /** {@link sparse}. */
  sparse<D extends DType = 'float32'>(shape: Shape, options: GeneratorOptions<st.SparseOptions<D>>): ArrayFor<D>;
  /** {@link torchDefaultWeight}. */
  torchDefaultWeight<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<RandomInitOptions<D>>): ArrayFor<D>;
  /** {@link torchDefaultBias}. */
  torchDefaultBias<D extends DType = 'float32'>(shape: Shape, options: GeneratorOptions<presets.TorchBiasOptions<D>>): ArrayFor<D>;
  /** {@link torchLinear}: weight on the next stream, bias on the one after (two streams). */
  torchLinear<D extends DType = 'float32'>(inFeatures: number, outFeatures: number, options?: GeneratorOptions<presets.TorchModuleOptions<D>>): presets.TorchParams<D>;
  /** {@link torchConv}: weight on the next stream, bias on the one after (two streams). */
  torchConv<D extends DType = 'float32'>(inChannels: number, outChannels: number, kernelSize: number | readonly number[], options?: GeneratorOptions<presets.TorchConvOptions<D>>): presets.TorchParams<D>;
  /** Promise form of {@link Generator.zeros}: takes its stream now, fills off the JS thread. */
  zerosAsync<D extends DType = 'float32'>(shape: Shape, options?: basic.ConstantOptions<D>): Promise<ArrayFor<D>>;
  /** Promise form of {@link Generator.ones}: takes its stream now, fills off the JS thread. */
  onesAsync<D extends DType = 'float32'>(shape: Shape, options?: basic.ConstantOptions<D>): Promise<ArrayFor<D>>;
  /** Promise form of {@link Generator.constant}: takes its stream now, fills off the JS thread. */
  constantAsync<D extends DType = 'float32'>(shape: Shape, value: number, options?: basic.ConstantOptions<D>): Promise<ArrayFor<D>>;
  /** Promise form of {@link Generator.uniform}: takes its stream now, fills off the JS thread. */
  uniformAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<basic.UniformInitOptions<D>>): Promise<ArrayFor<D>>;
  /** Promise form of {@link Generator.normal}: takes its stream now, fills off the JS thread. */
  normalAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<basic.NormalInitOptions<D>>): Promise<ArrayFor<D>>;
  /** Promise form of {@link Generator.truncatedNormal}: takes its stream now, fills off the JS thread. */
  truncatedNormalAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<basic.TruncatedNormalInitOptions<D>>): Promise<ArrayFor<D>>;
  /** Promise form of {@link Generator.xavierUniform}: takes its stream now, fills off the JS thread. */
  xavierUniformAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.XavierUniformOptions<D>>): Promise<ArrayFor<D>>;
  /** Promise form of {@link Generator.glorotUniform}: takes its stream now, fills off the JS thread. */
  glorotUniformAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.XavierUniformOptions<D>>): Promise<ArrayFor<D>>;
  /** Promise form of {@link Generator.xavierNormal}: takes its stream now, fills off the JS thread. */
  xavierNormalAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.XavierNormalOptions<D>>): Promise<ArrayFor<D>>;
  /** Promise form of {@link Generator.glorotNormal}: takes its stream now, fills off the JS thread. */
  glorotNormalAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.XavierNormalOptions<D>>): Promise<ArrayFor<D>>;
  /** Promise form of {@link Generator.kaimingUniform}: takes its stream now, fills off the JS thread. */
  kaimingUniformAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.KaimingUniformOptions<D>>): Promise<ArrayFor<D>>;
  /** Promise form of {@link Generator.heUniform}: takes its stream now, fills off the JS thread. */
  heUniformAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.KaimingUniformOptions<D>>): Promise<ArrayFor<D>>;
  /** Promise form of {@link Generator.kaimingNormal}: takes its stream now, fills off the JS thread. */
  kaimingNormalAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.KaimingNormalOptions<D>>): Promise<ArrayFor<D>>;
  /** Promise form of {@link Generator.heNormal}: takes its stream now, fills off the JS thread. */
  heNormalAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.KaimingNormalOptions<D>>): Promise<ArrayFor<D>>;
  /** Promise form of {@link Generator.lecunUniform}: takes its stream now, fills off the JS thread. */
  lecunUniformAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.FanInitOptions<D>>): Promise<ArrayFor<D>>;
  /** Promise form of {@link Generator.lecunNormal}: takes its stream now, fills off the JS thread. */
  lecunNormalAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.FanNormalOptions<D>>): Promise<ArrayFor<D>>;
  /** Promise form of {@link Generator.varianceScaling}: takes its stream now, fills off the JS thread. */
  varianceScalingAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<vs.VarianceScalingOptions<D>>): Promise<ArrayFor<D>>;
  /** Promise form of {@link Generator.orthogonal}: takes its stream now, fills off the JS thread. */
  orthogonalAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<orth.OrthogonalOptions<D>>): Promise<ArrayFor<D>>;
  /** Promise form of {@link Generator.eye}: takes its stream now, fills off the JS thread. */
  eyeAsync<D extends DType = 'float32'>(shape: Shape, options?: st.EyeOptions<D>): Promise<ArrayFor<D>>;
  /** Promise form of {@link Generator.dirac}: takes its stream now, fills off the JS thread. */
  diracAsync<D extends DType = 'float32'>(shape: Shape, options?: st.DiracOptions<D>): Promise<ArrayFor<D>>;
  /** Promise form of {@link Generator.sparse}: takes its stream now, fills off the JS thread. */
  sparseAsync<D extends DType = 'float32'>(shape: Shape, options: GeneratorOptions<st.SparseOptions<D>>): Promise<ArrayFor<D>>;
  /** Promise form of {@link Generator.torchDefaultWeight}: takes its stream now, fills off the JS thread. */
  torchDefaultWeightAsync<D extends DType = 'float32'>(shape: Shape, options?: GeneratorOptions<RandomInitOptions<D>>): Promise<ArrayFor<D>>;
  /** Promise form of {@link Generator.torchDefaultBias}: takes its stream now, fills off the JS thread. */
  torchDefaultBiasAsync<D extends DType = 'float32'>(shape: Shape, options: GeneratorOptions<presets.TorchBiasOptions<D>>): Promise<ArrayFor<D>>;
  /** Promise form of {@link Generator.torchLinear}: takes its stream now, fills off the JS thread. */
  torchLinearAsync<D extends DType = 'float32'>(inFeatures: number, outFeatures: number, options?: GeneratorOptions<presets.TorchModuleOptions<D>>): Promise<presets.TorchParams<D>>;
  /** Promise form of {@link Generator.torchConv}: takes its stream now, fills off the JS thread. */
  torchConvAsync<D extends DType = 'float32'>(inChannels: number, outChannels: number, kernelSize: number | readonly number[], options?: GeneratorOptions<presets.TorchConvOptions<D>>): Promise<presets.TorchParams<D>>;
}
