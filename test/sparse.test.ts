/**
 * sparse's slices: a slice costs memory in proportion to the slice (the
 * rows it holds are followed through the shuffle's swaps), rows beyond 2^31 work, and the
 * values stay those of the whole matrix (the golden digests hold them too).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { backendInfo, initSlice, normal, randomBits, sparse } from '../lib/index.js';
import { sameBytes } from './helpers.js';

/**
 * sparse's mask by its definition (docs/initializers.md), independently: a partial
 * Fisher-Yates shuffle of 0 .. rows-1 per column, over a Map (so any number of rows),
 * with draw i from raw words 2^65 + 2 (c rows + i) and the next. Returns whether row r of
 * column c is zero.
 */
function zeroRows(rows: number, c: number, numZeros: number, seed: number): Set<number> {
  const words = randomBits(new Uint32Array(2 * numZeros), { seed, offset: (1n << 65n) + 2n * BigInt(c) * BigInt(rows) });
  const perm = new Map<number, number>();
  const at = (p: number) => perm.get(p) ?? p;
  const zeros = new Set<number>();
  for (let i = 0; i < numZeros; i++) {
    const u = ((words[2 * i]! >>> 5) * 67108864 + (words[2 * i + 1]! >>> 6)) * 1.1102230246251565e-16;
    const n = rows - i;
    const j = i + Math.min(n - 1, Math.floor(u * n));
    const a = at(i), b = at(j);
    perm.set(i, b); perm.set(j, a);
    zeros.add(b);
  }
  return zeros;
}

describe(`sparse slices (${backendInfo().name})`, () => {
  test('any slice equals the same part of the whole matrix (slices holding a few rows or most of them)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 4 }), fc.double({ min: 0, max: 0.999, noNaN: true }),
      fc.nat(), fc.nat(), fc.integer({ min: 0, max: 5 }),
      (rows, cols, sparsity, a, b, seed) => {
        const whole = sparse([rows, cols], { sparsity, seed });
        const n = rows * cols;
        const offset = a % n, length = 1 + (b % Math.min(n - offset, 64));
        const part = sparse([rows, cols], { sparsity, seed, offset, length });
        expect(sameBytes(part, whole.subarray(offset, offset + length))).toBe(true);
        const c = a % cols;
        const col = initSlice(sparse as never, [rows, cols], { axis: 1, start: c, end: c + 1, sparsity, seed } as never) as Float32Array;
        expect(sameBytes(col, Float32Array.from({ length: rows }, (_, r) => whole[r * cols + c]!))).toBe(true);
      },
    ), { numRuns: 60 });
  });

  test('the mask is the definition\'s, for few and many rows of a column', () => {
    const rows = 4000, sparsity = 0.9;
    const k = Math.ceil(sparsity * rows);
    const zeros = zeroRows(rows, 0, k, 3);
    const whole = sparse([rows, 1], { sparsity, seed: 3 });
    const values = normal([rows, 1], { std: 0.01, seed: 3 });
    for (let r = 0; r < rows; r++) expect(whole[r]).toBe(zeros.has(r) ? 0 : values[r]);
    for (const r of [0, 1, 2, 1999, 3998, 3999]) {
      expect(sparse([rows, 1], { sparsity, seed: 3, offset: r, length: 1 })[0]).toBe(whole[r]);
    }
  });

  test('rows beyond 2^31 (an Int32Array wrapped): a slice matches the definition', () => {
    const rows = 2 ** 31 + 1000, sparsity = 1e-8;
    const k = Math.ceil(sparsity * rows); // 22 zero rows
    const zeros = [...zeroRows(rows, 0, k, 7)].sort((x, y) => x - y);
    expect(zeros.length).toBe(k);
    for (const r of [...zeros.slice(0, 4), rows - 3, 2 ** 31 + 1]) { // some zeros, and rows past 2^31
      const offset = Math.max(0, r - 2);
      const s = sparse([rows, 1], { sparsity, seed: 7, offset, length: 5 });
      const v = normal([rows, 1], { std: 0.01, seed: 7, offset, length: 5 });
      for (let i = 0; i < 5; i++) expect(s[i]).toBe(zeros.includes(offset + i) ? 0 : v[i]);
    }
  });

  test('a one-element slice of a 5e7-row column allocates nothing in proportion to the rows', () => {
    // Before: two rows-long arrays and 2 x 0.99 rows words (808 MB, 9.9 s, for one value).
    const script = `const { sparse } = require(${JSON.stringify(join(__dirname, '..', 'dist', 'cjs', 'index.js'))});
      const before = process.memoryUsage().rss;
      const v = sparse([5e7, 1], { sparsity: 0.99, length: 1, seed: 1 });
      process.stdout.write(JSON.stringify({ grew: process.memoryUsage().rss - before, length: v.length }));`;
    const r = JSON.parse(execFileSync(process.execPath, ['-e', script]).toString()) as { grew: number; length: number };
    expect(r.length).toBe(1);
    expect(r.grew).toBeLessThan(64 * 2 ** 20);
  });
});
