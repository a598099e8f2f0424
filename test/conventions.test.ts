/**
 * The README's table of defaults per convention is the contract: each default cell of the
 * core distributions is read from the README and checked against the code (a call without
 * the option equals a call that passes the README's value), and a call without a
 * convention equals the `torch` column.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { normal, orthogonal, truncatedNormal, uniform, xavierNormal, type Convention } from '../lib/index.js';
import { sameBytes } from './helpers.js';

const README = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
const CONVENTIONS: Convention[] = ['torch', 'keras', 'paddle'];

/** The cells of the defaults table's row whose first cell is `name`, by convention. */
function row(name: string): Record<Convention, string> {
  const lines = README.split('\n');
  const start = lines.findIndex((l) => l.startsWith('| default | `torch` (the default) | `keras`'));
  if (start < 0) throw new Error('README: no table of defaults per convention');
  const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'));
  const line = lines.slice(start, end).find((l) => l.startsWith(`| ${name} |`));
  if (line === undefined) throw new Error(`README: no row ${name} in the table of defaults`);
  const cells = line.split('|').slice(2, 5).map((c) => c.trim());
  return { torch: cells[0]!, keras: cells[1]!, paddle: cells[2]! };
}

/** "mean 0, std 0.05, a mean - 2 std" -> { mean: '0', std: '0.05', a: 'mean - 2 std' }. */
function fields(cell: string): Record<string, string> {
  const r: Record<string, string> = {};
  for (const part of cell.split(',')) {
    const m = /^\s*(\w+)\s+(.+?)\s*$/.exec(part);
    if (m) r[m[1]!] = m[2]!;
  }
  return r;
}

/** A cell value: a number, or "mean -/+ 2 std" evaluated. */
function value(text: string, mean: number, std: number): number {
  const m = /^mean ([-+]) 2 std$/.exec(text);
  if (m) return m[1] === '-' ? mean - 2 * std : mean + 2 * std;
  const v = Number(text);
  if (!Number.isFinite(v)) throw new Error(`README: cannot read ${JSON.stringify(text)}`);
  return v;
}

const shape = [40, 30];

describe('the README table of defaults per convention', () => {
  test('uniform', () => {
    const cells = row('`uniform`');
    for (const c of CONVENTIONS) {
      const f = fields(cells[c]);
      const low = value(f.low!, 0, 0), high = value(f.high!, 0, 0);
      expect(sameBytes(uniform(shape, { convention: c, seed: 1 }), uniform(shape, { convention: c, seed: 1, low, high }))).toBe(true);
    }
  });
  test('normal', () => {
    const cells = row('`normal`');
    for (const c of CONVENTIONS) {
      const f = fields(cells[c]);
      const mean = value(f.mean!, 0, 0), std = value(f.std!, 0, 0);
      expect(sameBytes(normal(shape, { convention: c, seed: 1 }), normal(shape, { convention: c, seed: 1, mean, std }))).toBe(true);
    }
  });
  test('truncatedNormal', () => {
    const cells = row('`truncatedNormal`');
    for (const c of CONVENTIONS) {
      const f = fields(cells[c]);
      const mean = value(f.mean!, 0, 0), std = value(f.std!, 0, 0);
      const a = value(f.a!, mean, std), b = value(f.b!, mean, std);
      expect(sameBytes(truncatedNormal(shape, { convention: c, seed: 1 }), truncatedNormal(shape, { convention: c, seed: 1, mean, std, a, b }))).toBe(true);
    }
    // A mean given without bounds moves keras' relative bounds, not torch's absolute ones.
    expect(truncatedNormal([1000], { mean: 10, seed: 1 }).every((v) => v >= -2 && v <= 2)).toBe(true);
    expect(truncatedNormal([1000], { mean: 10, convention: 'keras', seed: 1 }).every((v) => v >= 9.899 && v <= 10.101)).toBe(true);
  });
  test('PyTorch values: normal() is N(0, 1), truncatedNormal() is N(0, 1) cut at [-2, 2]', () => {
    const n = normal([100000], { seed: 3 });
    const mean = n.reduce((s, v) => s + v, 0) / n.length;
    const sd = Math.sqrt(n.reduce((s, v) => s + (v - mean) ** 2, 0) / n.length);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(sd - 1)).toBeLessThan(0.02);
    const t = truncatedNormal([100000], { seed: 3 });
    expect(Math.min(...t)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...t)).toBeLessThanOrEqual(2);
    expect(Math.max(...t)).toBeGreaterThan(1.99);
  });
  test('no convention is the torch column, for every row', () => {
    const s = [6, 5, 3, 3];
    expect(sameBytes(uniform(s, { seed: 2 }), uniform(s, { seed: 2, convention: 'torch' }))).toBe(true);
    expect(sameBytes(normal(s, { seed: 2 }), normal(s, { seed: 2, convention: 'torch' }))).toBe(true);
    expect(sameBytes(truncatedNormal(s, { seed: 2 }), truncatedNormal(s, { seed: 2, convention: 'torch' }))).toBe(true);
    expect(sameBytes(xavierNormal(s, { seed: 2 }), xavierNormal(s, { seed: 2, convention: 'torch' }))).toBe(true);
    expect(sameBytes(orthogonal(s, { seed: 2 }), orthogonal(s, { seed: 2, convention: 'torch' }))).toBe(true);
    expect(row('`normal`').torch).toBe('mean 0, std 1');
  });
});
