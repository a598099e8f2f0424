/**
 * Structured initializers: eye (identity), dirac (identity convolution) and sparse.
 */
import { rangeError, typeError } from '../errors.js';
import { runKernel } from '../backend.js';
import { finite, nonNegative, type Options } from '../validate.js';
import { BITS, planOf } from '../kinds.js';
import { encodeIn } from '../dtypes.js';
import { runJob, type Step } from '../job.js';
import type { PhiloxKey } from '../kernels/philox.js';
import {
  OUTPUT_OPTIONS, type ArrayFor, type DType, type OutputOptions, type RandomInitOptions, type Shape, type Target,
} from '../tensor.js';
import { distWriter, indexIn, initJob, plan, RANDOM_OPTIONS, type InitDef } from './engine.js';

/** Options of {@link eye}. */
export interface EyeOptions<D extends DType = 'float32'> extends OutputOptions<D> {
  /** Value on the diagonal (Keras' Identity gain), a finite number. Default 1. */
  gain?: number;
}

function checkGainValue(fn: string, o: Options, dtype: DType): number {
  const gain = finite(fn, 'options.gain', o.gain, 1);
  plan(fn, { kind: 'constant', value: gain }, dtype, { value: 'options.gain' });
  return gain;
}

/** The caller's array may hold old values: clear it before writing the structure. */
function clearGiven(t: Target): void {
  if (t.given) t.out.fill(0);
}

/** Its definition, for the registry. */
export const EYE: InitDef = {
  known: ['gain', ...OUTPUT_OPTIONS],
  seeded: false,
  minDims: 2,
  maxDims: 2,
  prepare: (fn, o, info, dtype) => {
    const gain = checkGainValue(fn, o, dtype);
    return () => (t) => [{
      post: () => {
        clearGiven(t);
        const one = encodeIn(t.dtype, gain);
        const cols = info.dims[1]!;
        const n = Math.min(info.dims[0]!, cols);
        // Diagonal element i is at i * (cols + 1); visit only those inside each run.
        const step = cols + 1;
        for (const r of t.runs) {
          const end = r.offset + r.length;
          for (let i = Math.ceil(r.offset / step); i < n && i * step < end; i++) t.out[r.at + i * step - r.offset] = one;
        }
      },
    }];
  },
};

/**
 * The 2-D identity (rectangular allowed: ones on the main diagonal), like PyTorch's `eye_`
 * and Keras' `Identity`.
 * @example
 * ```ts
 * const i = eye([3, 3]);   // Float32Array [1,0,0, 0,1,0, 0,0,1]
 * ```
 */
export function eye<D extends DType = 'float32'>(shape: Shape, options?: EyeOptions<D>): ArrayFor<D> {
  return runJob(initJob('eye', EYE, shape, options)) as ArrayFor<D>;
}

/** Options of {@link dirac}. */
export interface DiracOptions<D extends DType = 'float32'> extends OutputOptions<D> {
  /** Number of groups: shape[0] must be divisible by it. Default 1. */
  groups?: number;
}

/** Its definition, for the registry. */
export const DIRAC: InitDef = {
  known: ['groups', ...OUTPUT_OPTIONS],
  seeded: false,
  minDims: 3,
  maxDims: 5,
  prepare: (fn, o, info) => {
    const dims = info.dims;
    const groups = o.groups === undefined ? 1 : o.groups;
    if (typeof groups !== 'number') throw typeError(fn, 'options.groups', 'a positive integer', groups);
    if (!Number.isSafeInteger(groups) || groups < 1) throw rangeError(fn, 'options.groups', 'a positive integer', groups);
    if (dims[0]! % groups !== 0) throw rangeError(fn, 'options.groups', `a divisor of shape[0] (${dims[0]})`, groups);
    return () => (t) => [{
      post: () => {
        clearGiven(t);
        const one = encodeIn(t.dtype);
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
        for (let g = 0; g < groups; g++) {
          for (let d = 0; d < minDim; d++) {
            const at = indexIn(t.runs, ((g * outPer + d) * inC + d) * rf + centre);
            if (at >= 0) t.out[at] = one;
          }
        }
      },
    }];
  },
};

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
  return runJob(initJob('dirac', DIRAC, shape, options)) as ArrayFor<D>;
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

/** The column intervals [c0, c1] of a cols-wide row-major matrix that the runs touch, merged and sorted. */
function touchedColumns(t: Target, cols: number): [number, number][] {
  const spans: [number, number][] = [];
  for (const r of t.runs) {
    const end = r.offset + r.length;
    // All columns unless the run is inside a single row.
    const firstRow = Math.floor(r.offset / cols), lastRow = Math.floor((end - 1) / cols);
    if (lastRow > firstRow) return [[0, cols - 1]];
    spans.push([r.offset - firstRow * cols, end - 1 - firstRow * cols]);
  }
  spans.sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const sp of spans) {
    const last = merged[merged.length - 1];
    if (last !== undefined && sp[0] <= last[1] + 1) last[1] = Math.max(last[1], sp[1]);
    else merged.push([sp[0], sp[1]]);
  }
  return merged;
}

/** Sets the zeros of every column the target touches (after the normal values are written). */
function zeroColumns(t: Target, key: PhiloxKey, rows: number, cols: number, numZeros: number): void {
  const zero = encodeIn(t.dtype, 0);
  const perm = new Int32Array(rows);
  for (let i = 0; i < rows; i++) perm[i] = i;
  const words = new Uint32Array(2 * numZeros);
  const swaps = new Int32Array(numZeros);
  for (const [c0, c1] of touchedColumns(t, cols)) {
    for (let c = c0; c <= c1; c++) {
      runKernel(planOf(BITS, { word: PERM_WORDS + 2n * (BigInt(c) * BigInt(rows)) }), words, key, 0);
      for (let i = 0; i < numZeros; i++) {
        const u = ((words[2 * i]! >>> 5) * 67108864 + (words[2 * i + 1]! >>> 6)) * 1.1102230246251565e-16;
        const n = rows - i;
        const j = i + Math.min(n - 1, Math.floor(u * n));
        swaps[i] = j;
        const tmp = perm[i]!; perm[i] = perm[j]!; perm[j] = tmp;
        const at = indexIn(t.runs, perm[i]! * cols + c);
        if (at >= 0) t.out[at] = zero;
      }
      for (let i = numZeros - 1; i >= 0; i--) { // undo, so perm is the identity again
        const j = swaps[i]!;
        const tmp = perm[i]!; perm[i] = perm[j]!; perm[j] = tmp;
      }
    }
  }
}

/** Its definition, for the registry. */
export const SPARSE: InitDef = {
  known: ['sparsity', 'std', ...RANDOM_OPTIONS],
  seeded: true,
  minDims: 2,
  maxDims: 2,
  prepare: (fn, o, info, dtype) => {
    if (o.sparsity === undefined) throw typeError(fn, 'options.sparsity', 'a number in [0, 1)', o.sparsity);
    const sparsity = finite(fn, 'options.sparsity', o.sparsity, 0);
    if (!(sparsity >= 0 && sparsity < 1)) throw rangeError(fn, 'options.sparsity', 'a number in [0, 1)', sparsity);
    const std = nonNegative(fn, 'options.std', o.std, 0.01);
    return () => {
      const values = distWriter(fn, { kind: 'normal', mean: 0, std }, dtype, { std: 'options.std' });
      const rows = info.dims[0]!, cols = info.dims[1]!;
      const numZeros = Math.ceil(sparsity * rows);
      return (t, key): Step[] => {
        const steps = values(t, key);
        if (numZeros > 0) steps.push({ post: () => zeroColumns(t, key, rows, cols, numZeros) });
        return steps;
      };
    };
  },
};

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
  return runJob(initJob('sparse', SPARSE, shape, options)) as ArrayFor<D>;
}
