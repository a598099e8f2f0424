/**
 * The tensor vocabulary every layer above the kernels speaks: shapes, dtypes, framework
 * conventions, and the output target of a call (its array and the runs of the full tensor
 * it holds), with the checks that validate them.
 */
import { typeError, rangeError } from './errors.js';
import { attached, index, isTypedArray, oneOf, typedArrayName, MAX_SAFE } from './validate.js';
import type { SeedOptions } from './seed.js';
import { allocateArray } from './backend.js';

/** Output dtypes. `bfloat16` and `float16` are returned as a `Uint16Array` of bit patterns. */
export type DType = 'float32' | 'float64' | 'bfloat16' | 'float16';

/** The array type a dtype produces: `float32` → `Float32Array`, `float64` → `Float64Array`, 16-bit → `Uint16Array`. */
export type ArrayFor<D extends DType> = D extends 'float64'
  ? Float64Array
  : D extends 'bfloat16' | 'float16'
    ? Uint16Array
    : Float32Array;

/** Any array an initializer can return. */
export type InitArray = Float32Array | Float64Array | Uint16Array;

/** A tensor shape: non-negative integers, outermost first. */
export type Shape = readonly number[];

/**
 * A framework whose conventions an initializer can follow: its weight layout (where the
 * input and output dimensions are, see `computeFans`), truncation and defaults.
 */
export type Convention = 'torch' | 'keras' | 'paddle';

/** The valid dtypes, in the order error messages list them. */
export const DTYPES: readonly DType[] = ['float32', 'float64', 'bfloat16', 'float16'];
/** The valid conventions (and layouts). */
export const CONVENTIONS: readonly Convention[] = ['torch', 'keras', 'paddle'];

/** The longest array nninit allocates (V8's typed-array length limit). */
export const MAX_ARRAY_LENGTH = 4294967296;

/** Options every initializer accepts: the output (dtype, `out`) and the slice of the tensor to produce. */
export interface OutputOptions<D extends DType = 'float32'> {
  /**
   * Output dtype. Default: the one `out` implies (a Float32Array or Float64Array), else
   * `'float32'`. The return type follows it (TypeScript infers it from `dtype` only).
   */
  dtype?: D;
  /**
   * Fill this array in place instead of allocating (its type must match `dtype`). Without
   * `offset` or `length` its length must equal the shape's element count; with them it is
   * the slice [offset, offset + out.length).
   */
  out?: ArrayFor<D>;
  /** Index in the full tensor of the first element produced. Default 0. Fans always come from the full shape. */
  offset?: number | bigint;
  /** Number of elements produced when `out` is not given. Default: the rest of the tensor after `offset`. */
  length?: number;
}

/** The names of {@link OutputOptions}. */
export const OUTPUT_OPTIONS: readonly string[] = ['dtype', 'out', 'offset', 'length'];

/** Options of a random initializer: output, slice, seed and stream. */
export interface RandomInitOptions<D extends DType = 'float32'> extends OutputOptions<D>, SeedOptions {}

/** A validated shape. */
export interface ShapeInfo {
  readonly dims: readonly number[];
  readonly numel: number;
}

/** Validates a shape: an array of non-negative safe integers whose product is at most 2^53 - 1. */
export function checkShape(fn: string, shape: unknown, minDims = 0, maxDims = Infinity): ShapeInfo {
  if (!Array.isArray(shape)) throw typeError(fn, 'shape', 'an array of non-negative integers', shape);
  const dims: number[] = [];
  let numel = 1;
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    if (typeof d !== 'number') throw typeError(fn, `shape[${i}]`, 'a non-negative integer', d);
    if (!Number.isSafeInteger(d) || d < 0) throw rangeError(fn, `shape[${i}]`, 'a non-negative integer', d);
    dims.push(d);
    numel *= d;
  }
  if (dims.length < minDims || dims.length > maxDims) {
    const what = maxDims === Infinity
      ? `an array of at least ${minDims} dimensions`
      : minDims === maxDims ? `an array of exactly ${minDims} dimensions` : `an array of ${minDims} to ${maxDims} dimensions`;
    throw rangeError(fn, 'shape', what, shape);
  }
  if (numel > MAX_SAFE) throw rangeError(fn, 'shape', 'a shape of at most 2^53 - 1 elements', shape);
  return { dims, numel };
}

/** A convention option, or undefined. */
export function checkConvention(fn: string, value: unknown): Convention | undefined {
  if (value === undefined) return undefined;
  return oneOf(fn, 'options.convention', value, CONVENTIONS, 'torch');
}

/** A contiguous run of the full tensor: elements [offset, offset + length) stored at out[at ..]. */
export interface Run {
  readonly offset: number;
  readonly length: number;
  readonly at: number;
}

/** A part of a tensor: its local shape and the contiguous runs of the full tensor (row-major) it is made of, in order. */
export interface Part {
  readonly shape: number[];
  readonly runs: readonly { readonly offset: number; readonly length: number }[];
}

/** Indices [start, end) along `axis` of a tensor of `dims` (all already validated), as a {@link Part}. */
export function partAlong(dims: readonly number[], axis: number, start: number, end: number): Part {
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= dims[i]!;
  let inner = 1;
  for (let i = axis + 1; i < dims.length; i++) inner *= dims[i]!;
  const dim = dims[axis]!;
  const shape = dims.slice();
  shape[axis] = end - start;
  const runs: { offset: number; length: number }[] = [];
  const length = (end - start) * inner;
  if (length > 0) {
    if (axis === 0 || outer === 1) runs.push({ offset: start * inner, length });
    else for (let i = 0; i < outer; i++) runs.push({ offset: (i * dim + start) * inner, length });
  }
  return { shape, runs };
}

/** torch.tensor_split's sizes: the indices [start, end) that `rank` of `worldSize` owns of `dim` (the first `dim % worldSize` ranks get one more). */
export function evenSplit(dim: number, rank: number, worldSize: number): [number, number] {
  const base = Math.floor(dim / worldSize);
  const extra = dim % worldSize;
  const start = rank * base + Math.min(rank, extra);
  return [start, start + base + (rank < extra ? 1 : 0)];
}

/** Where a call writes: its dtype, its array, and the runs of the full tensor the array holds, in order. */
export interface Target {
  readonly dtype: DType;
  readonly out: InitArray;
  /** Whether `out` is the caller's array (then every element must be written: it may hold old values). */
  readonly given: boolean;
  readonly runs: readonly Run[];
  /** Total number of elements: the sum of the runs' lengths. */
  readonly length: number;
}

/** A validated target before its array exists (allocation comes after every check). */
export interface TargetSpec {
  readonly dtype: DType;
  readonly out: InitArray | undefined;
  readonly runs: readonly Run[];
  readonly length: number;
}

/** The typed array a dtype needs, as error messages name it. */
function arrayTypeOf(dtype: DType): string {
  return dtype === 'float32' ? 'a Float32Array' : dtype === 'float64' ? 'a Float64Array' : 'a Uint16Array';
}

/** The typed-array type each dtype is stored in. */
const ARRAY_NAMES: Readonly<Record<DType, string>> = { float32: 'Float32Array', float64: 'Float64Array', bfloat16: 'Uint16Array', float16: 'Uint16Array' };

/** Validates that `out` is an attached typed array (of any realm) of the type `dtype` needs. */
export function checkOut(fn: string, name: string, out: unknown, dtype: DType): InitArray {
  if (!isTypedArray(out, ARRAY_NAMES[dtype])) throw typeError(fn, name, `${arrayTypeOf(dtype)} (options.dtype is "${dtype}")`, out);
  attached(fn, name, out as InitArray);
  return out as InitArray;
}

/**
 * The dtype of a call: `options.dtype`, else the one `options.out` implies (a Float32Array
 * or Float64Array says it; a Uint16Array holds either 16-bit dtype, so it needs
 * `options.dtype`), else float32.
 */
export function checkDtype(fn: string, o: Record<string, unknown>): DType {
  if (o.dtype !== undefined || o.out === undefined) return oneOf(fn, 'options.dtype', o.dtype, DTYPES, 'float32');
  const name = typedArrayName(o.out);
  if (name === 'Float32Array') return 'float32';
  if (name === 'Float64Array') return 'float64';
  if (name === 'Uint16Array') {
    throw typeError(fn, 'options.dtype', '"bfloat16" or "float16" when options.out is a Uint16Array (it holds either)', o.dtype);
  }
  throw typeError(fn, 'options.out', 'a Float32Array, Float64Array or Uint16Array', o.out);
}

/** Validates dtype, out, offset and length against a tensor of `numel` elements: one run. */
export function checkTarget(fn: string, o: Record<string, unknown>, numel: number): TargetSpec {
  const dtype = checkDtype(fn, o);
  const sliced = o.offset !== undefined || o.length !== undefined;
  const offset = index(fn, 'options.offset', o.offset, 0);
  if (offset > numel) throw rangeError(fn, 'options.offset', `an integer in [0, ${numel}] (the tensor's element count)`, o.offset);
  let out: InitArray | undefined;
  let length: number;
  if (o.out !== undefined) {
    out = checkOut(fn, 'options.out', o.out, dtype);
    length = out.length;
    if (o.length !== undefined && o.length !== length) {
      throw rangeError(fn, 'options.length', `undefined or options.out.length (${length})`, o.length);
    }
    if (!sliced && length !== numel) {
      throw rangeError(fn, 'options.out', `of length ${numel} (the shape's element count) unless options.offset or options.length is given`, o.out);
    }
  } else {
    length = index(fn, 'options.length', o.length, numel - offset);
  }
  if (offset + length > numel) {
    throw rangeError(fn, 'options.offset + length', `at most the tensor's element count (${numel})`, offset + length);
  }
  if (out === undefined && length > MAX_ARRAY_LENGTH) {
    throw rangeError(fn, 'the output length', `at most ${MAX_ARRAY_LENGTH} elements (pass options.offset and options.length to generate slices)`, length);
  }
  return { dtype, out, runs: length === 0 ? [] : [{ offset, length, at: 0 }], length };
}

/** A new zeroed array of `length` elements of `dtype`. */
export function allocate(dtype: DType, length: number): InitArray {
  return allocateArray(dtype, length);
}

/** The target with its array: the caller's, or a new one. */
export function targetOf(t: TargetSpec): Target {
  const given = t.out !== undefined;
  return { dtype: t.dtype, out: t.out ?? allocate(t.dtype, t.length), given, runs: t.runs, length: t.length };
}
