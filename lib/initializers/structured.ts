/**
 * Structured initializers: eye (identity), dirac (identity convolution) and sparse.
 */
import { rangeError, typeError } from '../errors.js';
import { checkSeed } from '../seed.js';
import { randomBits } from '../random.js';
import { defer } from '../async.js';
import { finite } from '../validate.js';
import {
  checkOptions, checkShape, checkTarget, fillPlan, nonNegative, oneIn, plan, resolveSeed, targetArray,
  type ArrayFor, type DType, type InitArray, type OutputOptions, type RandomInitOptions, type Shape, type Target,
} from './common.js';

/** Options of {@link eye}. */
export interface EyeOptions<D extends DType = 'float32'> extends OutputOptions<D> {
  /** Value on the diagonal (Keras' Identity gain), a finite number. Default 1. */
  gain?: number;
}

function checkGainValue(fn: string, o: Record<string, unknown>, dtype: DType): number {
  const gain = finite(fn, 'options.gain', o.gain, 1);
  plan(fn, { kind: 'constant', value: gain }, dtype, { value: 'options.gain' });
  return gain;
}

function fillZeros(t: Target, arr: InitArray): void {
  if (t.out !== undefined) arr.fill(0);
}

/**
 * The 2-D identity (rectangular allowed: ones on the main diagonal), like PyTorch's `eye_`
 * and Keras' `Identity`.
 * @example
 * ```ts
 * const i = eye([3, 3]);   // Float32Array [1,0,0, 0,1,0, 0,0,1]
 * ```
 */
export function eye<D extends DType = 'float32'>(shape: Shape, options?: EyeOptions<D>): ArrayFor<D> {
  const fn = 'eye';
  const o = checkOptions(fn, options);
  const { dims, numel } = checkShape(fn, shape, 2, 2);
  const t = checkTarget(fn, o, numel);
  const gain = checkGainValue(fn, o, t.dtype);
  const arr = targetArray(t);
  if (t.length === 0) return arr as ArrayFor<D>;
  fillZeros(t, arr);
  const one = oneIn(t.dtype, gain);
  const cols = dims[1]!;
  const n = Math.min(dims[0]!, cols);
  // Diagonal element i is at i * (cols + 1); visit only those inside the slice.
  const step = cols + 1;
  const end = t.offset + t.length;
  for (let i = Math.ceil(t.offset / step); i < n && i * step < end; i++) arr[i * step - t.offset] = one;
  return arr as ArrayFor<D>;
}

/** Options of {@link dirac}. */
export interface DiracOptions<D extends DType = 'float32'> extends OutputOptions<D> {
  /** Number of groups: shape[0] must be divisible by it. Default 1. */
  groups?: number;
}

/**
 * The Dirac delta (identity convolution) for 3-, 4- and 5-D weights in torch layout
 * [out, in, ...kernel], PyTorch's `dirac_`: for each group g and d < min(out/groups, in),
 * w[g*out/groups + d, d, k0//2, ...] = 1, all else 0. A convolution with it (stride 1,
 * 'same' padding) copies its input channels.
 * @example
 * ```ts
 * const w = dirac([16, 16, 3, 3]);             // identity 3x3 conv
 * const g = dirac([8, 4, 3], { groups: 2 });   // grouped conv1d
 * ```
 */
export function dirac<D extends DType = 'float32'>(shape: Shape, options?: DiracOptions<D>): ArrayFor<D> {
  const fn = 'dirac';
  const o = checkOptions(fn, options);
  const { dims, numel } = checkShape(fn, shape, 3, 5);
  const t = checkTarget(fn, o, numel);
  const groups = o.groups === undefined ? 1 : o.groups;
  if (typeof groups !== 'number') throw typeError(fn, 'options.groups', 'a positive integer', groups);
  if (!Number.isSafeInteger(groups) || groups < 1) throw rangeError(fn, 'options.groups', 'a positive integer', groups);
  if (dims[0]! % groups !== 0) throw rangeError(fn, 'options.groups', `a divisor of shape[0] (${dims[0]})`, groups);
  const arr = targetArray(t);
  if (t.length === 0) return arr as ArrayFor<D>;
  fillZeros(t, arr);
  const one = oneIn(t.dtype);
  const outPer = dims[0]! / groups;
  const inC = dims[1]!;
  const minDim = Math.min(outPer, inC);
  // Element strides of the row-major tensor and the offset of the kernel centre (k // 2).
  const spatial = dims.slice(2);
  let rf = 1;
  for (const k of spatial) rf *= k;
  let centre = 0;
  let stride = 1;
  for (let i = spatial.length - 1; i >= 0; i--) { centre += Math.floor(spatial[i]! / 2) * stride; stride *= spatial[i]!; }
  const end = t.offset + t.length;
  for (let g = 0; g < groups; g++) {
    for (let d = 0; d < minDim; d++) {
      const idx = ((g * outPer + d) * inC + d) * rf + centre;
      if (idx >= t.offset && idx < end) arr[idx - t.offset] = one;
    }
  }
  return arr as ArrayFor<D>;
}

/** Options of {@link sparse}. */
export interface SparseOptions<D extends DType = 'float32'> extends RandomInitOptions<D> {
  /** Fraction of each column set to zero, in [0, 1): ceil(sparsity * rows) zeros per column. Required. */
  sparsity: number;
  /** Std of the non-zero N(0, std^2) values, >= 0. Default 0.01. */
  std?: number;
}

/** First raw word of the permutation draws: above every word a value kernel uses (< 2^56). */
const PERM_WORDS = 1n << 65n;

/**
 * A sparse 2-D matrix (Martens 2010, PyTorch's `sparse_`): N(0, std^2) values with exactly
 * ceil(sparsity * rows) zeros in every column.
 *
 * The values are those of `normal(shape, { std })` with the same seed and stream. The zero
 * rows of column c come from a partial Fisher–Yates shuffle of 0..rows-1 driven by the same
 * (seed, stream)'s raw words 2^65 + 2 (c rows + i) and the next one (draw i: a 53-bit
 * uniform u, swap position i with i + floor(u (rows - i))), so every column is independent
 * of the slice and of the other columns.
 *
 * @example
 * ```ts
 * const w = sparse([100, 50], { sparsity: 0.9, std: 0.01, seed: 0 }); // 90 zeros per column
 * ```
 */
export function sparse<D extends DType = 'float32'>(shape: Shape, options: SparseOptions<D>): ArrayFor<D> {
  const fn = 'sparse';
  if (options === undefined) throw typeError(fn, 'options', 'an object with a sparsity', options);
  const o = checkOptions(fn, options);
  const { dims, numel } = checkShape(fn, shape, 2, 2);
  const t = checkTarget(fn, o, numel);
  checkSeed(fn, o.seed, o.stream);
  if (o.sparsity === undefined) throw typeError(fn, 'options.sparsity', 'a number in [0, 1)', o.sparsity);
  const sparsity = finite(fn, 'options.sparsity', o.sparsity, 0);
  if (!(sparsity >= 0 && sparsity < 1)) throw rangeError(fn, 'options.sparsity', 'a number in [0, 1)', sparsity);
  const std = nonNegative(fn, 'options.std', o.std, 0.01);
  const arr = targetArray(t);
  if (numel === 0 || t.length === 0) return arr as ArrayFor<D>;
  const p = plan(fn, { kind: 'normal', mean: 0, std }, t.dtype, { std: 'options.std' });
  const key = resolveSeed(fn, o);
  fillPlan(t, arr, p, key);
  defer(() => {
    const rows = dims[0]!, cols = dims[1]!;
    const numZeros = Math.ceil(sparsity * rows);
    if (numZeros === 0) return;
    const zero = oneIn(t.dtype, 0);
    const end = t.offset + t.length;
    // Columns touched by the slice: all of them unless the slice is inside a single row.
    const firstRow = Math.floor(t.offset / cols), lastRow = Math.floor((end - 1) / cols);
    const allCols = lastRow > firstRow;
    const c0 = allCols ? 0 : t.offset - firstRow * cols;
    const c1 = allCols ? cols - 1 : end - 1 - firstRow * cols;
    const perm = new Int32Array(rows);
    for (let i = 0; i < rows; i++) perm[i] = i;
    const words = new Uint32Array(2 * numZeros);
    for (let c = c0; c <= c1; c++) {
      randomBits(words, { seed: key.seed, stream: key.stream, offset: PERM_WORDS + 2n * (BigInt(c) * BigInt(rows)) });
      const swaps = new Int32Array(numZeros);
      for (let i = 0; i < numZeros; i++) {
        const u = ((words[2 * i]! >>> 5) * 67108864 + (words[2 * i + 1]! >>> 6)) * 1.1102230246251565e-16;
        const n = rows - i;
        const j = i + Math.min(n - 1, Math.floor(u * n));
        swaps[i] = j;
        const tmp = perm[i]!; perm[i] = perm[j]!; perm[j] = tmp;
        const idx = perm[i]! * cols + c;
        if (idx >= t.offset && idx < end) arr[idx - t.offset] = zero;
      }
      for (let i = numZeros - 1; i >= 0; i--) { // undo, so perm is the identity again
        const j = swaps[i]!;
        const tmp = perm[i]!; perm[i] = perm[j]!; perm[j] = tmp;
      }
    }
  });
  return arr as ArrayFor<D>;
}
