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
import { rangeError, typeError } from '../errors.js';
import { nativeBinding, wasmKernels } from '../backend.js';
import { nonNegative, oneOf } from '../validate.js';
import { normalPlan, requireFinite, span, QMAX } from '../params.js';
import { encodeHalf, MAX16 } from '../dtypes.js';
import { inSlices, inSteps, runJob, type Step } from '../job.js';
import type { PhiloxKey } from '../kernels/philox.js';
import {
  allocate, CONVENTIONS, MAX_ARRAY_LENGTH, type ArrayFor, type Convention, type DType, type RandomInitOptions, type Run,
  type Shape, type Target,
} from '../tensor.js';
import { initJob, shapeOf, RANDOM_OPTIONS, type InitDef } from './engine.js';

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
  const steps = householderQSteps(a, m, n);
  while (steps.next().done !== true);
}

/**
 * {@link householderQ} in steps: the same operations in the same order, paused after each
 * reflection applied to a pair of columns, each reflector copied and each column's sign
 * flipped, so that no step touches more than about two columns of m elements and
 * orthogonalAsync without the addon can run it between event-loop turns (a tall matrix's
 * panel of 16 columns was one step, tens of milliseconds at m = 2^20). householderQ runs it
 * to the end.
 */
export function* householderQSteps(a: Float64Array, m: number, n: number): Generator<undefined, void, undefined> {
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
      yield* reflectPairs(a, m, k, k + 1, k1, a, ck + k, len, bk);
      yield;
    }
    for (let j = k1; j < n; j += 2) {
      const je = Math.min(j + 2, n);
      for (let k = k0; k < k1; k++) reflect(a, m, k, j, je, a, k * m + k, m - k, beta[k]!);
      yield;
    }
  }
  // Q = H_0 ... H_{n-1} [I; 0], accumulated backwards: before step k, column k is e_k
  // and columns > k hold H_{k+1} ... H_{n-1} applied to their unit vectors.
  const vb = new Float64Array(Math.min(BLOCK, n) * m); // holds at most min(BLOCK, n) reflectors
  for (let k1 = n; k1 > 0; k1 -= BLOCK) {
    const k0 = Math.max(0, k1 - BLOCK);
    for (let k = k0; k < k1; k++) { vb.set(a.subarray(k * m + k, k * m + m), (k - k0) * m); yield; }
    for (let j = k1; j < n; j += 2) {
      const je = Math.min(j + 2, n);
      for (let k = k1 - 1; k >= k0; k--) reflect(a, m, k, j, je, vb, (k - k0) * m, m - k, beta[k]!);
      yield;
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
      yield;
      yield* reflectPairs(a, m, k, k + 1, k1, vb, vo, len, bk);
    }
  }
  for (let j = 0; j < n; j++) {
    if (sign[j] === -1) {
      const cj = j * m;
      for (let i = 0; i < m; i++) a[cj + i] = -a[cj + i]!;
      yield;
    }
  }
}

/**
 * {@link reflect} on columns [j0, n) a pair at a time, pausing after each pair: the same
 * operations (each column's result does not depend on the pairing), so that no step of
 * {@link householderQSteps} touches more than two columns of m elements.
 */
function* reflectPairs(a: Float64Array, m: number, r: number, j0: number, n: number, vec: Float64Array, vo: number, len: number, beta: number): Generator<undefined, void, undefined> {
  for (let j = j0; j < n; j += 2) {
    reflect(a, m, r, j, Math.min(j + 2, n), vec, vo, len, beta);
    yield;
  }
}

/** Elements written per pass of {@link writeOrthogonal} (its float64 staging buffer). */
const WRITE_CHUNK = 4096;
const staging = new Float64Array(WRITE_CHUNK);

/**
 * Writes elements [from, to) of the row-major rows x cols matrix W = gain S, with
 * S[i][j] = src[j rows + i] (colMajor) or src[i cols + j], into run `r` of the target, in
 * its dtype (float32 rounded to nearest, 16-bit encoded as encodeHalf does). The product is
 * skipped for gain 1. native/src/orthogonal_write.cc is the same write in C++, bit for bit.
 */
export function writeOrthogonal(t: Target, src: Float64Array, rows: number, cols: number, colMajor: boolean, gain: number, r: Run, from: number, to: number): void {
  for (let e0 = from; e0 < to; e0 += WRITE_CHUNK) {
    const e1 = Math.min(to, e0 + WRITE_CHUNK);
    const v = e1 - e0 === WRITE_CHUNK ? staging : staging.subarray(0, e1 - e0);
    if (colMajor) {
      let i = Math.floor(e0 / cols), j = e0 - i * cols;
      for (let k = 0; k < v.length; k++) {
        const x = src[j * rows + i]!;
        v[k] = gain !== 1 ? x * gain : x;
        if (++j === cols) { j = 0; i++; }
      }
    } else {
      for (let k = 0; k < v.length; k++) { const x = src[e0 + k]!; v[k] = gain !== 1 ? x * gain : x; }
    }
    const at = r.at + e0 - r.offset;
    if (t.dtype === 'float64' || t.dtype === 'float32') (t.out as Float32Array | Float64Array).set(v, at);
    else encodeHalf(t.dtype, v, t.out as Uint16Array, -MAX16[t.dtype], MAX16[t.dtype], at);
  }
}

/** Rows [i0, i1) of the row-major rows x cols matrix src, transposed into dst (column-major). */
function transposeRows(src: Float64Array, rows: number, cols: number, dst: Float64Array, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) for (let j = 0; j < cols; j++) dst[j * rows + i] = src[i * cols + j]!;
}

/** The element type code of native/include/nninit/orthogonal_write.h. */
const WRITE_TYPE: Readonly<Record<DType, number>> = { float32: 0, float64: 1, bfloat16: 2, float16: 3 };

/** A caller's `out` must keep its buffer while an async call writes it in turns. */
function stillAttached(fn: string, t: Target): void {
  if (t.given && t.out.length !== t.length) {
    throw typeError(fn, 'options.out', `kept attached with its ${t.length} elements until the promise settles (it was detached or resized during the call)`, t.out);
  }
}

/**
 * The steps of one orthogonal matrix: the Gaussian (float64, the call's key), then the QR
 * and the write into the target (the gain, the dtype). Sync: on this thread (the QR in the
 * addon or the wasm module when there is one, which also transpose). Async: nothing of size
 * rows x cols runs on the JavaScript thread. With the addon, the QR (with its transposes)
 * runs on the pool and the write on a libuv thread (orthogonalWriteAsync); without it (the
 * wasm QR is one call on this thread), the transposes, the QR (householderQSteps) and the
 * write run in slices of a few milliseconds between event-loop turns. Same bits every way.
 */
function orthogonalSteps(fn: string, t: Target, key: PhiloxKey, rows: number, cols: number, gain: number): Step[] {
  const numel = rows * cols;
  const native = nativeBinding();
  const write = native?.orthogonalWriteAsync?.bind(native);
  // With the addon, the Gaussian lives in a SharedArrayBuffer (it is this call's own, never
  // handed out): the pool then fills it, and factors it, in place, where an ordinary buffer
  // would be copied through the JavaScript thread (native/src/async.cc).
  const g = native !== null && write !== undefined && typeof SharedArrayBuffer === 'function'
    ? new Float64Array(new SharedArrayBuffer(numel * 8)) : new Float64Array(numel);
  // g is rows x cols row-major. Tall (rows >= cols): QR of g, whose columns are strided, so
  // transpose into column-major first. Wide: QR of g^T (cols x rows), whose column-major
  // storage is g itself; the result Q (cols x rows, column-major) is already W = Q^T row-major.
  const tall = rows >= cols;
  const m = tall ? rows : cols, n = tall ? cols : rows;
  /** Writes W from q: row-major (g after an addon or wasm QR), or the column-major Q of a tall TypeScript QR. */
  const writeAll = (q: Float64Array, colMajor: boolean): void => {
    for (const r of t.runs) writeOrthogonal(t, q, rows, cols, colMajor, gain, r, r.offset, r.offset + r.length);
  };
  const post = (): void => {
    if (native !== null) {
      native.householderQ(g, m, n, tall); // the addon transposes around its QR (rowMajor)
      return writeAll(g, false);
    }
    // The wasm QR transposes too; it declines (false) a matrix that does not fit in its 4 GiB.
    const wasm = wasmKernels();
    if (wasm !== null && wasm.householderQ(g, m, n, tall)) return writeAll(g, false);
    let q = g;
    if (tall) { q = new Float64Array(numel); transposeRows(g, rows, cols, q, 0, rows); }
    householderQ(q, m, n);
    writeAll(q, tall);
  };
  const async = async (): Promise<void> => {
    if (native !== null && write !== undefined) {
      await native.householderQAsync(g, m, n, tall);
      // Into the result, which no one else holds yet; or into scratch that this thread copies
      // into a caller's out (which JavaScript could detach or resize meanwhile), in turns.
      const dst = t.given ? allocate(t.dtype, t.length) : t.out;
      await write(g, rows, cols, false, gain, dst, WRITE_TYPE[t.dtype], Float64Array.from(t.runs.flatMap((r) => [r.offset, r.length, r.at])));
      if (dst !== t.out) {
        await inSlices(t.length, (a, b) => { stillAttached(fn, t); (t.out as Float32Array).set((dst as Float32Array).subarray(a, b), a); });
      }
      return;
    }
    let q = g;
    if (tall) {
      q = new Float64Array(numel);
      await inSlices(rows, (i0, i1) => transposeRows(g, rows, cols, q, i0, i1));
    }
    await inSteps(householderQSteps(q, m, n));
    for (const r of t.runs) {
      await inSlices(r.length, (a, b) => { stillAttached(fn, t); writeOrthogonal(t, q, rows, cols, tall, gain, r, r.offset + a, r.offset + b); });
    }
  };
  return [{ plan: normalPlan(fn, 0, 1, 'float64'), key, out: g, offset: 0 }, { post, async }];
}

/** Its definition, for the registry. */
export const ORTHOGONAL: InitDef = {
  known: ['gain', 'layout', 'convention', ...RANDOM_OPTIONS],
  seeded: true,
  minDims: 2,
  whole: true,
  prepare: (fn, o, info, dtype, convention) => {
    const gain = nonNegative(fn, 'options.gain', o.gain, 1);
    requireFinite(fn, dtype, -gain * QMAX, gain * QMAX, 'options.gain', gain,
      () => `the entries reach ±gain (1 + 2^-20 with the QR's rounding): ${span(-gain * QMAX, gain * QMAX)}`);
    const layout = oneOf(fn, 'options.layout', o.layout, CONVENTIONS, convention ?? 'torch');
    return () => {
      const { numel, dims } = shapeOf(info);
      if (numel > MAX_ARRAY_LENGTH) {
        throw rangeError(fn, 'shape', `a matrix of at most ${MAX_ARRAY_LENGTH} elements (the QR needs the whole matrix)`, dims);
      }
      const rows = layout === 'keras' ? numel / dims[dims.length - 1]! : dims[0]!;
      const cols = numel / rows;
      return (t, key) => orthogonalSteps(fn, t, key, rows, cols, gain);
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
