/**
 * A small single-threaded float32 matrix multiply for the diagnostics. It is not part of
 * the bit-exact value path: it only has to be fast enough for an interactive report
 * (a 20-layer, 512-wide, batch-256 network in well under 2 s) and free of dependencies.
 *
 * Layout: row-major Float32Arrays. The kernel runs in i-k-j order so the innermost loop
 * streams contiguous rows of B and C; it blocks over k so a panel of B stays in cache
 * while every row of A visits it, takes four rows of A and four rows of B per pass (16
 * multiply-adds per 4 loads of B and 4 load/stores of C; measured 1.5-2x faster than a
 * 2x4 tile on V8), and sums each group of four products in binary64 before the store.
 *
 * @packageDocumentation
 */

/** Rows of B per cache panel: KB x n floats (128 x 512 x 4 B = 256 KiB) stay in L2. */
const KB = 128;

/**
 * Computes `C = op(A) * B` for row-major op(A) (m x k), B (k x n) and C (m x n),
 * overwriting C. op(A) is A, or A^T when `transposeA` (then `a` holds k x m): the
 * diagnostics keep activations feature-major, so both the forward pass (W * H) and the
 * backward pass (W^T * G) run without materializing a transpose.
 *
 * @param a - m x k row-major (k x m when `transposeA`).
 * @param b - k x n, row-major.
 * @param c - m x n output (overwritten); must not alias `a` or `b`.
 * @param m - Rows of op(A) and C.
 * @param k - Columns of A, rows of B.
 * @param n - Columns of B and C.
 * @param transposeA - Read `a` as the transpose of op(A). Default false.
 * @returns `c`.
 * @throws RangeError when an array is shorter than its dimensions require.
 */
export function matmul(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number, transposeA = false): Float32Array {
  if (a.length < m * k || b.length < k * n || c.length < m * n) {
    throw new RangeError(`nninit.matmul: arrays too short for ${m}x${k} * ${k}x${n}`);
  }
  // Element (i, p) of op(A) is a[i * rs + p * cs].
  const rs = transposeA ? 1 : k;
  const cs = transposeA ? m : 1;
  c.fill(0, 0, m * n);
  for (let k0 = 0; k0 < k; k0 += KB) {
    const k1 = Math.min(k, k0 + KB);
    let i = 0;
    for (; i + 3 < m; i += 4) rows4(a, b, c, i, rs, cs, n, k0, k1);
    for (; i < m; i++) rows1(a, b, c, i, rs, cs, n, k0, k1);
  }
  return c;
}

/** Four rows of C (i..i+3) += A[i..i+3, k0..k1) * B[k0..k1, :]. */
function rows4(a: Float32Array, b: Float32Array, c: Float32Array, i: number, rs: number, cs: number, n: number, k0: number, k1: number): void {
  const r0 = i * rs, r1 = r0 + rs, r2 = r1 + rs, r3 = r2 + rs;
  const c0 = i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
  let p = k0;
  for (; p + 3 < k1; p += 4) {
    const q0 = p * cs, q1 = q0 + cs, q2 = q1 + cs, q3 = q2 + cs;
    const a00 = a[r0 + q0]!, a01 = a[r0 + q1]!, a02 = a[r0 + q2]!, a03 = a[r0 + q3]!;
    const a10 = a[r1 + q0]!, a11 = a[r1 + q1]!, a12 = a[r1 + q2]!, a13 = a[r1 + q3]!;
    const a20 = a[r2 + q0]!, a21 = a[r2 + q1]!, a22 = a[r2 + q2]!, a23 = a[r2 + q3]!;
    const a30 = a[r3 + q0]!, a31 = a[r3 + q1]!, a32 = a[r3 + q2]!, a33 = a[r3 + q3]!;
    const b0 = p * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
    for (let j = 0; j < n; j++) {
      const v0 = b[b0 + j]!, v1 = b[b1 + j]!, v2 = b[b2 + j]!, v3 = b[b3 + j]!;
      c[c0 + j] = c[c0 + j]! + (a00 * v0 + a01 * v1 + a02 * v2 + a03 * v3);
      c[c1 + j] = c[c1 + j]! + (a10 * v0 + a11 * v1 + a12 * v2 + a13 * v3);
      c[c2 + j] = c[c2 + j]! + (a20 * v0 + a21 * v1 + a22 * v2 + a23 * v3);
      c[c3 + j] = c[c3 + j]! + (a30 * v0 + a31 * v1 + a32 * v2 + a33 * v3);
    }
  }
  for (; p < k1; p++) {
    const q = p * cs;
    const x0 = a[r0 + q]!, x1 = a[r1 + q]!, x2 = a[r2 + q]!, x3 = a[r3 + q]!;
    const bo = p * n;
    for (let j = 0; j < n; j++) {
      const v = b[bo + j]!;
      c[c0 + j] = c[c0 + j]! + x0 * v;
      c[c1 + j] = c[c1 + j]! + x1 * v;
      c[c2 + j] = c[c2 + j]! + x2 * v;
      c[c3 + j] = c[c3 + j]! + x3 * v;
    }
  }
}

/** One row of C (i) += A[i, k0..k1) * B[k0..k1, :]. */
function rows1(a: Float32Array, b: Float32Array, c: Float32Array, i: number, rs: number, cs: number, n: number, k0: number, k1: number): void {
  const ar = i * rs;
  const c0 = i * n;
  let p = k0;
  for (; p + 3 < k1; p += 4) {
    const x0 = a[ar + p * cs]!, x1 = a[ar + (p + 1) * cs]!, x2 = a[ar + (p + 2) * cs]!, x3 = a[ar + (p + 3) * cs]!;
    const b0 = p * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
    for (let j = 0; j < n; j++) {
      c[c0 + j] = c[c0 + j]! + (x0 * b[b0 + j]! + x1 * b[b1 + j]! + x2 * b[b2 + j]! + x3 * b[b3 + j]!);
    }
  }
  for (; p < k1; p++) {
    const x = a[ar + p * cs]!;
    const bo = p * n;
    for (let j = 0; j < n; j++) c[c0 + j] = c[c0 + j]! + x * b[bo + j]!;
  }
}

/**
 * Transposes a row-major rows x cols matrix into `out` (cols x rows).
 *
 * @returns `out` (a new Float32Array when omitted).
 */
export function transpose(src: Float32Array, rows: number, cols: number, out: Float32Array = new Float32Array(rows * cols)): Float32Array {
  if (src.length < rows * cols || out.length < rows * cols) {
    throw new RangeError(`nninit.transpose: arrays too short for ${rows}x${cols}`);
  }
  const T = 32;
  for (let r0 = 0; r0 < rows; r0 += T) {
    const r1 = Math.min(rows, r0 + T);
    for (let c0 = 0; c0 < cols; c0 += T) {
      const c1 = Math.min(cols, c0 + T);
      for (let r = r0; r < r1; r++) {
        for (let c = c0; c < c1; c++) out[c * rows + r] = src[r * cols + c]!;
      }
    }
  }
  return out;
}
