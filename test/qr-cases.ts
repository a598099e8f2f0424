/**
 * The cases shared by the tests of the compiled QRs (native/src/qr.cc): the addon's
 * householderQ (test/orthogonal-native.native-only.test.ts) and the wasm module's
 * (test/parity-wasm.wasm-only.test.ts), each against the TypeScript householderQ of
 * lib/initializers/orthogonal.ts, which defines the bits.
 */
import { createHash } from 'node:crypto';
import { fillNormal } from '../lib/index.js';
import { householderQ } from '../lib/initializers/orthogonal.js';
import { firstDiff, sameBytes } from './helpers.js';

/** A compiled householderQ: overwrites a (m x n, column-major, or row by row with rowMajor) with Q. */
export type CompiledQr = (a: Float64Array, m: number, n: number, rowMajor?: boolean) => void;

/** len N(0, 1) doubles of `seed` (stream 11). */
export function gaussian(len: number, seed: number): Float64Array {
  return fillNormal(new Float64Array(len), { seed, stream: 11 });
}

/** A small deterministic PRNG for shapes (not part of the values). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Transposes the row-major rows x cols a (a copy: no arithmetic). */
export function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j]!;
  return t;
}

/**
 * Runs the TypeScript QR and `qr` on copies of the column-major m x n matrix a (`qr` on its
 * transpose, with rowMajor) and throws at the first difference in the bytes. Returns `qr`'s
 * Q, column-major.
 */
export function expectSameQr(label: string, qr: CompiledQr, a: Float64Array, m: number, n: number, rowMajor = false): Float64Array {
  const ts = a.slice();
  householderQ(ts, m, n);
  let got: Float64Array;
  if (rowMajor) {
    const rm = transpose(a, n, m);
    qr(rm, m, n, true);
    got = transpose(rm, m, n);
  } else {
    got = a.slice();
    qr(got, m, n);
  }
  if (!sameBytes(ts, got)) {
    const i = firstDiff(ts, got);
    throw new Error(`${m}x${n}${rowMajor ? ' rowMajor' : ''}: first difference at ${i} (column-major): ts ${ts[i]} ${label} ${got[i]}`);
  }
  return got;
}

/**
 * Shapes around the tile widths (2 columns: SSE2, NEON, wasm; 4: AVX2; 8: AVX-512), the leaf
 * (8 reflections), orthogonal.ts's block (16) and the outer blocks (32; 64 above 2^22
 * elements: see LARGE_ORTHOGONAL_DIGESTS).
 */
export const BLOCK_SHAPES: ReadonlyArray<readonly [number, number]> = [
  [9, 7], [40, 33], [65, 64], [100, 97], [257, 129], [300, 300], [520, 203], [1030, 1030],
];

/** The input of a BLOCK_SHAPES case. */
export const blockInput = (m: number, n: number): Float64Array => gaussian(m * n, m * 7 + n);

/** 150 random square and tall shapes up to 70 (wide ones are their transposes). */
export function randomShapes(): Array<[number, number]> {
  const r = lcg(7);
  const out: Array<[number, number]> = [];
  for (let c = 0; c < 150; c++) {
    const a = 1 + Math.floor(r() * 70), b = 1 + Math.floor(r() * 70);
    const m = Math.max(a, b);
    out.push([m, c % 5 === 0 ? m : Math.min(a, b)]);
  }
  return out;
}

/** Edits of a 9 x 6 matrix: zero and repeated columns, signed zeros, subnormals, huge, NaN, Infinity. */
export const DEGENERATE_9X6: ReadonlyArray<(a: Float64Array) => void> = (() => {
  const m = 9;
  return [
    (a) => a.fill(0, 2 * m, 3 * m), // a zero column
    (a) => a.fill(-0),
    (a) => a.fill(0),
    (a) => a.copyWithin(m, 0, m), // two equal columns
    (a) => { for (let i = 0; i < a.length; i++) a[i] = a[i]! * 1e-310; }, // subnormals (FTZ/DAZ would flush them)
    (a) => { for (let i = 0; i < a.length; i++) a[i] = a[i]! * 1e-160; }, // squares underflow
    (a) => { for (let i = 0; i < a.length; i++) a[i] = a[i]! * 1e160; }, // squares overflow
    (a) => { a[3] = NaN; },
    (a) => { a[m + 1] = Infinity; },
    (a) => { a[0] = -0; a[1] = 0; },
    (a) => { for (let i = 0; i < a.length; i++) a[i] = i % m === i / m ? 1 : 0; }, // identity: x0 >= 0
    (a) => { for (let i = 0; i < a.length; i++) a[i] = i % m === i / m ? -1 : 0; },
  ];
})();

/**
 * Edits of a 45 x 40 matrix: zero-norm reflections (skipped within their 16-column block),
 * signed zeros, NaN and infinities, across the leaves and blocks.
 */
export const ZERO_NORM_45X40: ReadonlyArray<(a: Float64Array) => void> = (() => {
  const m = 45;
  const zero = (a: Float64Array, c: number): void => { for (let i = 0; i < m; i++) a[c * m + i] = i & 1 ? -0 : 0; };
  return [
    (a) => a.fill(-0),
    (a) => { for (let i = 0; i < a.length; i++) a[i] = i % 3 ? -0 : 0; },
    (a) => { for (const c of [0, 7, 8, 15, 16, 31]) zero(a, c); for (let i = 0; i < a.length; i += 5) a[i] = -0; },
    (a) => { zero(a, 0); a[m + 5] = Infinity; },
    (a) => { zero(a, 0); a[20 * m + 5] = Infinity; },
    (a) => { zero(a, 17); a[18 * m + 30] = NaN; },
    (a) => { zero(a, 3); a[4 * m + 44] = Infinity; a[39 * m + 44] = -Infinity; },
    (a) => { for (let i = 0; i < a.length; i++) a[i] = a[i]! * 1e-310; },
    (a) => { a[20 * m + 30] = NaN; },
  ];
})();

/** The first 128 bits of the SHA-256 of a's bytes, in hex. */
export function digest(a: ArrayBufferView): string {
  return createHash('sha256').update(Buffer.from(a.buffer, a.byteOffset, a.byteLength)).digest('hex').slice(0, 32);
}

/**
 * Digests of orthogonal(shape, { seed: 2024, dtype: 'float64' }) at sizes the TypeScript
 * backend takes too long for, computed with the unblocked native QR that the blocked one
 * replaced (equal to the TypeScript QR where that was run: 1024^2 and 1100 x 1500).
 * [2100, 2050] takes the 64-reflection outer blocks (above 2^22 elements; so do [65600, 65]
 * and [65, 65600] in test/orthogonal-digest.test.ts).
 */
export const LARGE_ORTHOGONAL_DIGESTS: ReadonlyArray<[[number, number], string]> = [
  [[1024, 1024], '4ec0b23e92dc88ed8e2b026f282f5dcc'],
  [[4096, 1024], '6d19fd311a1c8414e2ade6ff60c1c341'],
  [[1024, 4096], '09f471796917416a62f5ef397d408640'],
  [[1100, 1500], '86b0d953c227fb7056b30a7a3b0c28a3'],
  [[1500, 1100], 'a995b48f6530ee83773de169a537fa8a'],
  [[2048, 2048], '6825b7d0c6d71235979e288db6f0b146'],
  [[2100, 2050], '3ba44e67fe0be8caab272d3844641195'],
  [[300, 2200], '779c4171abea6b074b7561e8723ef733'],
];
