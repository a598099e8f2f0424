/**
 * The WebAssembly kernels (native/wasm/nninit.wasm) against the TypeScript kernels that define
 * the bits, byte for byte: every kernel kind, lengths 0..1100 and 2^20 (several scratch
 * chunks), offsets up to 2^40 + 3, views that break alignment, raw words beyond 2^64, and
 * the Householder QR (native/src/qr.cc on one thread with qr_wasm.cc's simd128 tiles),
 * column-major and row by row, with the native QR's cases (test/qr-cases.ts). (Runs in the
 * wasm project; it loads the module itself.)
 */
import { describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { backendInfo, orthogonal } from '../lib/index.js';
import { BITS, type KernelPlan } from '../lib/kinds.js';
import { runJs } from '../lib/backend.js';
import { householderQ } from '../lib/initializers/orthogonal.js';
import { normalPlan, truncatedNormalPlan, uniformPlan, type Width } from '../lib/params.js';
import type { PhiloxKey } from '../lib/kernels/philox.js';
import { loadWasmNode } from '../lib/node.js';
import { firstDiff, sameBytes } from './helpers.js';
import {
  BLOCK_SHAPES, DEGENERATE_9X6, LARGE_ORTHOGONAL_DIGESTS, ZERO_NORM_45X40, blockInput, digest, expectSameQr, gaussian,
  randomShapes, transpose, type CompiledQr,
} from './qr-cases.js';

const wasm = loadWasmNode(join(__dirname, '..'));
const key: PhiloxKey = { k0: 0x12345678, k1: 0x9abcdef0, s0: 7, s1: 1 };

interface Case { name: string; plan: KernelPlan; width: Width }
function cases(): Case[] {
  const out: Case[] = [];
  for (const width of ['float32', 'float64'] as const) {
    out.push({ name: `uniform ${width}`, plan: uniformPlan('t', -0.3, 0.7, width), width });
    out.push({ name: `normal ${width}`, plan: normalPlan('t', 0.25, 1.5, width), width });
    for (const [label, a, b] of [['[-2,2]', -2, 2], ['[-1,9]', -1, 9], ['[5,6]', 5, 6], ['[-51,-50]', -51, -50], ['[0,inf)', 0, Infinity], ['[-7,7]', -7, 7]] as const) {
      out.push({ name: `truncatedNormal ${label} ${width}`, plan: truncatedNormalPlan('t', 0, 1, a, b, width), width });
    }
  }
  return out;
}

const OFFSETS = [0, 1, 3, 5, 2 ** 32 - 1, 2 ** 40 + 3];

/** n elements; misaligned: the view starts one element into its buffer. */
function alloc(width: Width, n: number, misalign: boolean): Float32Array | Float64Array {
  if (width === 'float32') return new Float32Array(new ArrayBuffer((n + 1) * 4), misalign ? 4 : 0, n);
  return new Float64Array(new ArrayBuffer((n + 1) * 8), misalign ? 8 : 0, n);
}

describe('wasm kernels equal the TypeScript kernels bit for bit', () => {
  for (const c of cases()) {
    test(`${c.name}: lengths 0..1100, offsets ${OFFSETS.join(', ')}, misaligned views`, () => {
      for (const offset of OFFSETS) {
        const ref = alloc(c.width, 1100, false);
        runJs(c.plan, ref, key, offset);
        for (let n = 0; n <= 1100; n++) {
          const out = alloc(c.width, n, n % 2 === 1);
          wasm.fill(c.plan, out, key, offset);
          const d = firstDiff(out, ref.subarray(0, n));
          if (d !== -1) throw new Error(`${c.name} offset ${offset} length ${n}: element ${d} wasm ${out[d]} vs js ${ref[d]}`);
        }
      }
    });
  }

  test('2^20 elements of every kernel (several 256 KiB scratch chunks), misaligned, odd offset', () => {
    for (const c of cases()) {
      const ref = alloc(c.width, (1 << 20) + 3, false);
      runJs(c.plan, ref, key, 12345);
      const out = alloc(c.width, (1 << 20) + 3, true);
      wasm.fill(c.plan, out, key, 12345);
      expect(firstDiff(out, ref), c.name).toBe(-1);
    }
  });

  test('raw words: every start within a block, counters that wrap at 2^64, across chunks', () => {
    for (const [lo, hi, skip] of [[0, 0, 0], [5, 0, 3], [0xffffffff, 0xffffffff, 1], [123, 0x80000000, 2], [0xfffffff0, 0xffffffff, 3], [0xffffff00, 7, 0]]) {
      for (const n of [0, 1, 3, 4, 5, 15, 16, 17, 63, 64, 65, 1000, (1 << 18) - 1, (1 << 18) + 5, (1 << 19) + 3]) {
        const p = new Float64Array([lo!, hi!, skip!]);
        const plan: KernelPlan = { kind: BITS, params: p };
        const out = new Uint32Array(n);
        const ref = new Uint32Array(n);
        wasm.fill(plan, out, key, 0);
        runJs(plan, ref, key, 0);
        expect(firstDiff(out, ref), `bits ${lo} ${hi} ${skip} ${n}`).toBe(-1);
        expect(Array.from(p), 'the caller\'s params are not modified').toEqual([lo, hi, skip]);
      }
    }
  });

  test('the fill writes nothing outside its view', () => {
    for (const c of cases().slice(0, 4)) {
      for (const n of [1, 7, 64, 1000, (1 << 18) + 1]) {
        const bytes = c.width === 'float32' ? 4 : 8;
        const buf = new ArrayBuffer((n + 4) * bytes);
        new Uint8Array(buf).fill(0xa5);
        const view = c.width === 'float32' ? new Float32Array(buf, 2 * bytes, n) : new Float64Array(buf, 2 * bytes, n);
        wasm.fill(c.plan, view, key, 3);
        const u8 = new Uint8Array(buf);
        for (let i = 0; i < 2 * bytes; i++) expect(u8[i]).toBe(0xa5);
        for (let i = (n + 2) * bytes; i < u8.length; i++) expect(u8[i]).toBe(0xa5);
      }
    }
  });
});

describe('wasm householderQ equals the TypeScript one', () => {
  const qr: CompiledQr = (a, m, n, rowMajor) => {
    if (!wasm.householderQ(a, m, n, rowMajor)) throw new Error(`wasm householderQ declined ${m}x${n}`);
  };
  const expectSame = (a: Float64Array, m: number, n: number, rowMajor = false): Float64Array =>
    expectSameQr('wasm', qr, a, m, n, rowMajor);

  test('every m x n with 1 <= n <= m <= 20, and random shapes up to 70, column-major and row by row', () => {
    for (const rowMajor of [false, true]) {
      for (let m = 1; m <= 20; m++) for (let n = 1; n <= m; n++) expectSame(gaussian(m * n, m * 100 + n), m, n, rowMajor);
      randomShapes().forEach(([m, n], c) => expectSame(gaussian(m * n, 1000 + c), m, n, rowMajor));
    }
  });

  test.each(BLOCK_SHAPES)('%i x %i (around the tile, leaf and block widths), column-major and row by row', (m, n) => {
    const q = expectSame(blockInput(m, n), m, n);
    const rm = transpose(blockInput(m, n), n, m); // row-major m x n
    qr(rm, m, n, true);
    expect(sameBytes(rm, transpose(q, n, m))).toBe(true);
  });

  test('degenerate inputs: zero and repeated columns, signed zeros, subnormals, huge, NaN, Infinity', () => {
    const base = gaussian(9 * 6, 5);
    for (const change of DEGENERATE_9X6) {
      for (const rowMajor of [false, true]) {
        const a = base.slice();
        change(a);
        expectSame(a, 9, 6, rowMajor);
      }
    }
  });

  test('zero-norm reflections (skipped within their 16-column block), signed zeros, NaN and infinities, n > 16', () => {
    for (const change of ZERO_NORM_45X40) {
      for (const rowMajor of [false, true]) {
        const a = gaussian(45 * 40, 77);
        change(a);
        expectSame(a, 45, 40, rowMajor);
      }
    }
  });

  test('a longer array and subarray views: only the first m * n elements change', () => {
    for (const rowMajor of [false, true]) {
      const buf = gaussian(200, 9);
      const view = buf.subarray(3, 3 + 7 * 5 + 4);
      const copy = view.slice();
      expect(wasm.householderQ(view, 7, 5, rowMajor)).toBe(true);
      const ts = rowMajor ? transpose(copy.subarray(0, 35), 7, 5) : copy.slice(0, 35); // column-major
      householderQ(ts, 7, 5);
      expect(sameBytes(view.subarray(0, 35), rowMajor ? transpose(ts, 5, 7) : ts)).toBe(true);
      expect(Array.from(view.subarray(35))).toEqual(Array.from(copy.subarray(35)));
      expect(Array.from(buf.subarray(0, 3))).toEqual(Array.from(gaussian(200, 9).subarray(0, 3)));
    }
  });

  test('a matrix beyond 64 MiB runs, and its memory is released afterwards', () => {
    const m = (9 << 20) + 3, n = 1; // 72 MiB
    expectSame(gaussian(m * n, 9), m, n);
    expect(wasm.memoryBytes()).toBe(0);
    expectSame(gaussian(6 * 4, 2), 6, 4); // a fresh instance
    expect(wasm.memoryBytes()).toBeGreaterThan(0);
    expect(wasm.memoryBytes()).toBeLessThan(64 << 20);
  });

  test('a matrix beyond 4 GiB of wasm memory is declined with the input untouched', () => {
    const a = new Float64Array([1, 2, 3]);
    expect(wasm.householderQ(a, 70000, 8000)).toBe(false);
    expect(wasm.householderQ(a, 2 ** 29, 1)).toBe(false); // exactly 4 GiB: no 32-bit wrap-around
    expect(wasm.householderQ(a, 2 ** 29 - 2 ** 16, 1)).toBe(false); // the matrix fits, not with its scratch
    expect(wasm.householderQ(a, 3 * 2 ** 26, 1, true)).toBe(false); // 1.5 GiB fits, not with its row-major copy
    expect(Array.from(a)).toEqual([1, 2, 3]);
  });
});

describe('orthogonal() on the wasm backend', () => {
  // test/orthogonal-digest.test.ts has the smaller shapes (every project), the 64-reflection
  // outer blocks (above 2^22 elements) wide and tall included. Here: square (the transposes in
  // wasm), wide, tall past 2^22 elements, and wide with many rows; the addon runs them all
  // (one thread takes 1.5-7 s on each of the others).
  const paths = new Set(['[1024,1024]', '[1100,1500]', '[2100,2050]', '[300,2200]']);
  const large = LARGE_ORTHOGONAL_DIGESTS.filter(([shape]) => paths.has(JSON.stringify(shape)));

  test('the backend is wasm', () => {
    expect(backendInfo()).toMatchObject({ name: 'wasm', isa: 'simd128' });
    expect(large).toHaveLength(paths.size);
  });

  test.each(large)('orthogonal(%j) keeps its digest', (shape, hex) => {
    expect(digest(orthogonal(shape, { seed: 2024, dtype: 'float64' }))).toBe(hex);
  });
});
