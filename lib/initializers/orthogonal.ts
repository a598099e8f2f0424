/**
 * orthogonal: a (semi-)orthogonal matrix from the QR decomposition of a Gaussian matrix,
 * with the sign correction of Mezzadri (math-ph/0609050) so it is Haar-distributed.
 *
 * Bits are defined by this file's algorithm: the Gaussian is fillNormal's (float64, the
 * call's seed and stream, element i*cols + j of the rows x cols matrix), then
 * Householder QR in float64 with only + - * / sqrt in a fixed order (dot products are
 * accumulated in 4 interleaved partial sums combined as (s0 + s1) + (s2 + s3), then the
 * tail), so the result is the same on every engine. A native port must keep this order:
 * native/src/qr.cc is one (the addon's householderQ, used when the addon is loaded, and
 * the wasm backend's).
 */
import { rangeError } from '../errors.js';
import { nativeBinding, wasmKernels } from '../backend.js';
import { nonNegative, oneOf } from '../validate.js';
import { normalPlan } from '../params.js';
import { runJob } from '../job.js';
import {
  CONVENTIONS, MAX_ARRAY_LENGTH, type ArrayFor, type Convention, type DType, type RandomInitOptions, type Shape,
} from '../tensor.js';
import { initJob, writeValues, RANDOM_OPTIONS, type InitDef } from './engine.js';

/** Options of {@link orthogonal}. */
export interface OrthogonalOptions<D extends DType = 'float32'> extends RandomInitOptions<D> {
  /** Multiplier, a finite number >= 0. Default 1. */
  gain?: number;
  /**
   * How the shape flattens to a matrix: `'torch'` and `'paddle'` (rows = shape[0], cols =
   * the product of the rest; the default) or `'keras'` (rows = product of all but the
   * last, cols = shape[-1]; also JAX and TF.js).
   */
  layout?: Convention;
  /** Sets the layout default. */
  convention?: Convention;
}

function dot(a: Float64Array, ia: number, b: Float64Array, ib: number, n: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[ia + i]! * b[ib + i]!;
    s1 += a[ia + i + 1]! * b[ib + i + 1]!;
    s2 += a[ia + i + 2]! * b[ib + i + 2]!;
    s3 += a[ia + i + 3]! * b[ib + i + 3]!;
  }
  let s = (s0 + s1) + (s2 + s3);
  for (; i < n; i++) s += a[ia + i]! * b[ib + i]!;
  return s;
}

/**
 * Applies I - beta v v^T (v = vec[vo .. vo + len)) to rows [r, r + len) of columns
 * [j0, n) of the column-major matrix a (column stride m). Columns go in pairs so v is read
 * once per pair; each column's dot product keeps the order of {@link dot}, so the result
 * does not depend on the pairing.
 */
function reflect(a: Float64Array, m: number, r: number, j0: number, n: number, vec: Float64Array, vo: number, len: number, beta: number): void {
  let j = j0;
  for (; j + 1 < n; j += 2) {
    const p = j * m + r, q = p + m;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    let i = 0;
    for (; i + 3 < len; i += 4) {
      const v0 = vec[vo + i]!, v1 = vec[vo + i + 1]!, v2 = vec[vo + i + 2]!, v3 = vec[vo + i + 3]!;
      s0 += v0 * a[p + i]!; s1 += v1 * a[p + i + 1]!; s2 += v2 * a[p + i + 2]!; s3 += v3 * a[p + i + 3]!;
      t0 += v0 * a[q + i]!; t1 += v1 * a[q + i + 1]!; t2 += v2 * a[q + i + 2]!; t3 += v3 * a[q + i + 3]!;
    }
    let s = (s0 + s1) + (s2 + s3);
    let t = (t0 + t1) + (t2 + t3);
    for (; i < len; i++) { s += vec[vo + i]! * a[p + i]!; t += vec[vo + i]! * a[q + i]!; }
    s *= beta; t *= beta;
    for (i = 0; i < len; i++) {
      const vi = vec[vo + i]!;
      a[p + i] = a[p + i]! - s * vi;
      a[q + i] = a[q + i]! - t * vi;
    }
  }
  if (j < n) {
    const p = j * m + r;
    const s = beta * dot(vec, vo, a, p, len);
    for (let i = 0; i < len; i++) a[p + i] = a[p + i]! - s * vec[vo + i]!;
  }
}

/** Reflectors per block: the trailing columns are visited once per block instead of once per reflector. */
const BLOCK = 16;

/**
 * Thin Q (m x n, m >= n) of the matrix whose column j is a[j*m .. j*m + m) (column-major),
 * overwritten by Q (column-major) with each column multiplied by sign(R_jj) (+1 for a zero
 * diagonal). Householder reflections stored below the diagonal, Q accumulated backwards.
 *
 * Blocking only interchanges loops: every column still receives the same reflections in
 * the same order with the same operations as the unblocked algorithm, so the bits do not
 * depend on BLOCK (it keeps a column in cache while a block of reflectors is applied), with
 * one exception: a zero-norm reflection (beta = 0) is skipped for the later columns of its
 * own block and applied, with beta = 0, to the others, which only NaN bits can show. The
 * native QR (native/src/qr.cc) keeps that rule.
 */
export function householderQ(a: Float64Array, m: number, n: number): void {
  const beta = new Float64Array(n);
  const sign = new Float64Array(n);
  for (let k0 = 0; k0 < n; k0 += BLOCK) {
    const k1 = Math.min(k0 + BLOCK, n);
    for (let k = k0; k < k1; k++) {
      const ck = k * m;
      const len = m - k;
      const norm2 = dot(a, ck + k, a, ck + k, len);
      const x0 = a[ck + k]!;
      const norm = Math.sqrt(norm2);
      if (norm === 0) { beta[k] = 0; sign[k] = 1; continue; }
      const alpha = x0 >= 0 ? -norm : norm; // R_kk
      sign[k] = alpha > 0 ? 1 : -1;
      const v0 = x0 - alpha;
      a[ck + k] = v0;
      const vv = norm2 - x0 * x0 + v0 * v0;
      const bk = 2 / vv;
      beta[k] = bk;
      reflect(a, m, k, k + 1, k1, a, ck + k, len, bk);
    }
    for (let j = k1; j < n; j += 2) {
      const je = Math.min(j + 2, n);
      for (let k = k0; k < k1; k++) reflect(a, m, k, j, je, a, k * m + k, m - k, beta[k]!);
    }
  }
  // Q = H_0 ... H_{n-1} [I; 0], accumulated backwards: before step k, column k is e_k
  // and columns > k hold H_{k+1} ... H_{n-1} applied to their unit vectors.
  const vb = new Float64Array(Math.min(BLOCK, n) * m); // holds at most min(BLOCK, n) reflectors
  for (let k1 = n; k1 > 0; k1 -= BLOCK) {
    const k0 = Math.max(0, k1 - BLOCK);
    for (let k = k0; k < k1; k++) vb.set(a.subarray(k * m + k, k * m + m), (k - k0) * m);
    for (let j = k1; j < n; j += 2) {
      const je = Math.min(j + 2, n);
      for (let k = k1 - 1; k >= k0; k--) reflect(a, m, k, j, je, vb, (k - k0) * m, m - k, beta[k]!);
    }
    for (let k = k1 - 1; k >= k0; k--) {
      const ck = k * m;
      const len = m - k;
      const vo = (k - k0) * m;
      const bk = beta[k]!;
      for (let i = 0; i < k; i++) a[ck + i] = 0;
      const bv0 = bk * vb[vo]!;
      a[ck + k] = 1 - bv0 * vb[vo]!;
      for (let i = 1; i < len; i++) a[ck + k + i] = 0 - bv0 * vb[vo + i]!;
      reflect(a, m, k, k + 1, k1, vb, vo, len, bk);
    }
  }
  for (let j = 0; j < n; j++) {
    if (sign[j] === -1) {
      const cj = j * m;
      for (let i = 0; i < m; i++) a[cj + i] = -a[cj + i]!;
    }
  }
}

/** Its definition, for the registry. */
export const ORTHOGONAL: InitDef = {
  known: ['gain', 'layout', 'convention', ...RANDOM_OPTIONS],
  seeded: true,
  minDims: 2,
  whole: true,
  prepare: (fn, o, info, _dtype, convention) => {
    const gain = nonNegative(fn, 'options.gain', o.gain, 1);
    const layout = oneOf(fn, 'options.layout', o.layout, CONVENTIONS, convention ?? 'torch');
    return () => {
      const numel = info.numel;
      if (numel > MAX_ARRAY_LENGTH) {
        throw rangeError(fn, 'shape', `a matrix of at most ${MAX_ARRAY_LENGTH} elements (the QR needs the whole matrix)`, info.dims);
      }
      const dims = info.dims;
      const rows = layout === 'keras' ? numel / dims[dims.length - 1]! : dims[0]!;
      const cols = numel / rows;
      const gaussian = normalPlan(fn, 0, 1, 'float64');
      return (t, key) => {
        const g = new Float64Array(numel);
        // g is rows x cols row-major. Tall (rows >= cols): QR of g, whose columns are strided, so
        // transpose into column-major first. Wide: QR of g^T (cols x rows), whose column-major
        // storage is g itself; the result Q (cols x rows, column-major) is already W = Q^T row-major.
        const tall = rows >= cols;
        const m = tall ? rows : cols, n = tall ? cols : rows;
        const finish = (): void => {
          if (gain !== 1) for (let i = 0; i < g.length; i++) g[i] = g[i]! * gain;
          writeValues(t, g);
        };
        const native = nativeBinding();
        if (native !== null) {
          // The addon does the transposes itself (rowMajor = tall): the same copies, natively.
          const qr = native.householderQ.bind(native);
          const qrAsync = native.householderQAsync.bind(native);
          return [
            { plan: gaussian, key, out: g, offset: 0 },
            {
              post: () => { qr(g, m, n, tall); finish(); },
              async: async () => { await qrAsync(g, m, n, tall); finish(); },
            },
          ];
        }
        // The wasm QR does the transposes too (rowMajor = tall), like the addon. It declines
        // (false) a matrix that does not fit in its 4 GiB; TypeScript then runs it.
        const wasm = wasmKernels();
        const runQr = (): void => {
          if (wasm !== null && wasm.householderQ(g, m, n, tall)) return;
          if (!tall) return householderQ(g, m, n);
          const q = new Float64Array(numel);
          for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) q[j * rows + i] = g[i * cols + j]!;
          householderQ(q, m, n);
          for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) g[i * cols + j] = q[j * rows + i]!;
        };
        return [
          { plan: gaussian, key, out: g, offset: 0 },
          { post: () => { runQr(); finish(); } },
        ];
      };
    };
  },
};

/**
 * A (semi-)orthogonal matrix times `gain`: rows = shape[0], cols = the product of the rest
 * (PyTorch, Paddle), or Keras' flattening with `layout: 'keras'`. Rows are orthonormal when
 * rows <= cols, columns otherwise. Computed in float64 by Householder QR of an N(0, 1)
 * matrix with Mezzadri's sign correction (Haar-distributed), then rounded to the dtype
 * (16-bit dtypes work: the rounding happens after the QR).
 *
 * Slices: `offset` and `out`/`length` give any element range of the full matrix; each call
 * computes the whole QR (a shard computes it once for all its runs).
 *
 * @example
 * ```ts
 * const w = orthogonal([256, 256], { seed: 0 });            // W W^T = I
 * const rnn = orthogonal([512, 128], { gain: 1, seed: 1 });  // orthonormal columns
 * ```
 */
export function orthogonal<D extends DType = 'float32'>(shape: Shape, options?: OrthogonalOptions<D>): ArrayFor<D> {
  return runJob(initJob('orthogonal', ORTHOGONAL, shape, options)) as ArrayFor<D>;
}
