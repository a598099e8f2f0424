/**
 * Shards: initialize only part of a logical tensor, with fans from the full shape and
 * values equal to that part of the full tensor, bit for bit. This is what tensor-parallel
 * training needs (fans from the local shard get the variance wrong) and what makes a
 * multi-machine init need no communication: each rank calls nninit with its rank.
 */
import { rangeError, typeError } from './errors.js';
import { index, readOptions, type Options } from './validate.js';
import { resolveKey } from './seed.js';
import { asyncOf, runJob, type Job } from './job.js';
import { checkDtype, checkOut, evenSplit, MAX_ARRAY_LENGTH, partAlong, type ArrayFor, type InitArray, type Shape, type TargetSpec } from './tensor.js';
import { initJob, type Placement } from './initializers/engine.js';
import { entryOf } from './initializers/registry.js';

/** Any nninit initializer: `(shape, options) => array`, honouring `out`, `offset`, `seed`, `stream`. */
export type Initializer<O> = (shape: Shape, options?: O) => InitArray;

/** Which part of the tensor to produce: indices [start, end) along `axis`. */
export interface SliceOptions {
  /** The axis to slice (negative counts from the end). Default 0: rows. */
  axis?: number;
  /** First index along the axis. */
  start: number;
  /** One past the last index along the axis. */
  end: number;
}

/** An even split of a tensor across `worldSize` ranks along `axis`. */
export interface ShardOptions {
  /** This process's rank, 0 <= rank < worldSize. */
  rank: number;
  /** The number of ranks. */
  worldSize: number;
  /** The axis to split (negative counts from the end). Default 0. */
  axis?: number;
}

/** The part of a tensor a slice or shard covers. */
export interface ShardRange {
  /** The axis, normalized to [0, ndim). */
  readonly axis: number;
  readonly start: number;
  readonly end: number;
  /** The local shape: the full shape with `end - start` at `axis`. */
  readonly shape: number[];
  /** Contiguous runs of the full tensor (row-major) that make up the local part, in order. */
  readonly runs: readonly { readonly offset: number; readonly length: number }[];
}

function checkDims(fn: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || shape.length === 0) throw typeError(fn, 'shape', 'a non-empty array of non-negative integers', shape);
  let numel = 1;
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) throw rangeError(fn, 'shape', 'an array of non-negative integers', shape);
    numel *= d;
  }
  if (numel > Number.MAX_SAFE_INTEGER) throw rangeError(fn, 'shape', 'a tensor of at most 2^53 - 1 elements', shape);
  return shape as number[];
}

function checkAxis(fn: string, axis: unknown, ndim: number): number {
  if (axis === undefined) return 0;
  if (typeof axis !== 'number') throw typeError(fn, 'options.axis', `an integer in [-${ndim}, ${ndim})`, axis);
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) throw rangeError(fn, 'options.axis', `an integer in [-${ndim}, ${ndim})`, axis);
  return axis < 0 ? axis + ndim : axis;
}

function rangeOf(dims: number[], axis: number, start: number, end: number): ShardRange {
  const { shape, runs } = partAlong(dims, axis, start, end);
  return { axis, start, end, shape, runs };
}

/**
 * The range [start, end) of `shape` along `axis` as contiguous runs of the full tensor.
 * @example
 * ```ts
 * sliceRange([4, 6], { axis: 1, start: 2, end: 5 }).runs; // 4 runs of 3: offsets 2, 8, 14, 20
 * ```
 */
export function sliceRange(shape: Shape, options: SliceOptions): ShardRange {
  const fn = 'sliceRange';
  const dims = checkDims(fn, shape);
  return sliceOf(fn, dims, readOptions(fn, options, SLICE_OPTIONS));
}

const SLICE_OPTIONS = ['axis', 'start', 'end'];
const SHARD_OPTIONS = ['rank', 'worldSize', 'axis'];

function sliceOf(fn: string, dims: number[], o: Options): ShardRange {
  const axis = checkAxis(fn, o.axis, dims.length);
  const dim = dims[axis]!;
  if (o.start === undefined) throw typeError(fn, 'options.start', `an integer in [0, ${dim}]`, o.start);
  if (o.end === undefined) throw typeError(fn, 'options.end', `an integer in [0, ${dim}]`, o.end);
  const start = index(fn, 'options.start', o.start, 0, dim);
  const end = index(fn, 'options.end', o.end, dim, dim);
  if (end < start) throw rangeError(fn, 'options.end', `at least options.start (${start})`, end);
  return rangeOf(dims, axis, start, end);
}

/**
 * The part of `shape` that `rank` of `worldSize` owns along `axis`: an even split in which
 * the first `dim % worldSize` ranks get one more index (torch.tensor_split's sizes).
 * @example
 * ```ts
 * shardRange([10, 4], { rank: 3, worldSize: 4 }); // rows [8, 10): start 8, end 10, shape [2, 4]
 * ```
 */
export function shardRange(shape: Shape, options: ShardOptions): ShardRange {
  const fn = 'shardRange';
  const dims = checkDims(fn, shape);
  return shardOf(fn, dims, readOptions(fn, options, SHARD_OPTIONS));
}

function shardOf(fn: string, dims: number[], o: Options): ShardRange {
  const axis = checkAxis(fn, o.axis, dims.length);
  if (o.worldSize === undefined) throw typeError(fn, 'options.worldSize', 'a positive integer', o.worldSize);
  const worldSize = index(fn, 'options.worldSize', o.worldSize, 1);
  if (worldSize < 1) throw rangeError(fn, 'options.worldSize', 'a positive integer', o.worldSize);
  if (o.rank === undefined) throw typeError(fn, 'options.rank', `an integer in [0, ${worldSize})`, o.rank);
  const rank = index(fn, 'options.rank', o.rank, 0, worldSize - 1);
  const [start, end] = evenSplit(dims[axis]!, rank, worldSize);
  return rangeOf(dims, axis, start, end);
}

/** The options type of an initializer function. */
export type InitOptionsOf<F> = F extends (shape: Shape, options?: infer O) => unknown ? O : never;
/** The array type an initializer function returns. */
export type ResultOf<F> = F extends (shape: Shape, options?: never) => infer R ? R : never;

/** The initializer's row, for a shard: a `(shape, options)` nninit initializer. */
function shardable(fn: string, init: unknown) {
  const entry = entryOf(init);
  if (entry === undefined || entry.def === undefined) throw typeError(fn, 'init', 'an nninit initializer function', init);
  return { entry, def: entry.def };
}

/**
 * The job of a range: one call of the initializer over the range's runs (its checks and
 * fans once, orthogonal's QR once), with one (seed, stream) for every run.
 */
function rangeJob(fn: string, init: unknown, shape: Shape, which: readonly string[], options: unknown, range: (dims: number[], o: Options) => ShardRange): Job<InitArray> {
  const { entry, def } = shardable(fn, init);
  const o = readOptions(fn, options, [...which, ...entry.known]);
  const r = range(checkDims(fn, shape), o);
  const rest = Object.create(null) as Options;
  for (const [k, v] of Object.entries(o)) if (!which.includes(k)) rest[k] = v;
  for (const k of ['offset', 'length'] as const) {
    if (rest[k] !== undefined) throw typeError(fn, `options.${k}`, 'undefined (the range sets it)', rest[k]);
  }
  let length = 0;
  const runs = r.runs.map((run) => { const at = length; length += run.length; return { ...run, at }; });
  const place: Placement = (name, po): TargetSpec => {
    const dtype = checkDtype(name, po);
    let out: InitArray | undefined;
    if (po.out !== undefined) {
      out = checkOut(name, 'options.out', po.out, dtype);
      if (out.length !== length) throw rangeError(fn, 'options.out', `a typed array of the local part's length (${length})`, po.out);
    } else if (length > MAX_ARRAY_LENGTH) {
      throw rangeError(fn, 'the local part', `at most ${MAX_ARRAY_LENGTH} elements`, length);
    }
    return { dtype, out, runs, length };
  };
  const job = initJob(fn, def, shape, rest, place);
  // Every rank takes one global stream per unseeded call, also when its part is empty, so
  // the ranks' global streams stay in step.
  if (length === 0 && entry.seeded && rest.seed === undefined) resolveKey(fn, undefined, rest.stream);
  return job;
}

/** {@link initSlice} as a job. */
export function initSliceJob<F extends Initializer<never>>(fn: string, init: F, shape: Shape, options: SliceOptions & InitOptionsOf<F>): Job<ResultOf<F>> {
  return rangeJob(fn, init, shape, SLICE_OPTIONS, options, (dims, o) => sliceOf(fn, dims, o)) as Job<ResultOf<F>>;
}

/** {@link initShard} as a job. */
export function initShardJob<F extends Initializer<never>>(fn: string, init: F, shape: Shape, options: ShardOptions & InitOptionsOf<F>): Job<ResultOf<F>> {
  return rangeJob(fn, init, shape, SHARD_OPTIONS, options, (dims, o) => shardOf(fn, dims, o)) as Job<ResultOf<F>>;
}

/**
 * Initializes only indices [start, end) of `shape` along `axis`, with the fans of the full
 * shape and the values of the full tensor: a row range (axis 0) is one contiguous slice; a
 * column range of a row-major matrix is one slice per row.
 * @param init - Any nninit initializer (kaimingNormal, xavierUniform, truncatedNormal, ...).
 * @returns The local part, row-major in the local shape `sliceRange(shape, options).shape`.
 * @example
 * ```ts
 * // Columns 512..1023 of a [4096, 1024] weight, exactly as in the full tensor:
 * const w = initSlice(kaimingNormal, [4096, 1024], { axis: 1, start: 512, end: 1024, seed: 7 });
 * ```
 */
export function initSlice<F extends Initializer<never>>(init: F, shape: Shape, options: SliceOptions & InitOptionsOf<F>): ResultOf<F> {
  return runJob(initSliceJob('initSlice', init, shape, options));
}

/**
 * Initializes the part of a tensor that `rank` of `worldSize` owns along `axis` (see
 * {@link shardRange}), with fans from the full shape: concatenating every rank's result
 * along `axis` gives exactly the single-process tensor. Pass the same seed (and stream) on
 * every rank.
 * @example
 * ```ts
 * // Megatron-style column-parallel linear layer on rank 1 of 4:
 * const w = initShard(xavierUniform, [4096, 1024], { rank: 1, worldSize: 4, axis: 0, seed: 1234 });
 * ```
 */
export function initShard<F extends Initializer<never>>(init: F, shape: Shape, options: ShardOptions & InitOptionsOf<F>): ResultOf<F> {
  return runJob(initShardJob('initShard', init, shape, options));
}

/** Promise form of {@link initSlice}. */
export const initSliceAsync: <F extends Initializer<never>>(init: F, shape: Shape, options: SliceOptions & InitOptionsOf<F>) => Promise<ResultOf<F>> = asyncOf('initSliceAsync', initSliceJob);
/** Promise form of {@link initShard}. */
export const initShardAsync: <F extends Initializer<never>>(init: F, shape: Shape, options: ShardOptions & InitOptionsOf<F>) => Promise<ResultOf<F>> = asyncOf('initShardAsync', initShardJob);

export type { ArrayFor };
