/**
 * Native vs TypeScript, bit for bit: every kernel x dtype x ISA this CPU runs, lengths
 * straddling every lane width, offsets up to 2^40, views that break alignment.
 * (Runs in the native project only; the js project has nothing to compare.)
 */
import { afterAll, describe, expect, test } from 'vitest';
import { backendInfo, setIsa } from '../lib/index.js';
import { BITS, planOf, type KernelPlan } from '../lib/kinds.js';
import { runJs, runKernel } from '../lib/backend.js';
import { normalPlan, truncatedNormalPlan, uniformPlan, type Width } from '../lib/params.js';
import type { PhiloxKey } from '../lib/kernels/philox.js';
import { firstDiff } from './helpers.js';

const info = backendInfo();
const key: PhiloxKey = { k0: 0x12345678, k1: 0x9abcdef0, s0: 7, s1: 1 };

interface Case { name: string; plan: KernelPlan; width: Width }
function cases(): Case[] {
  const out: Case[] = [];
  for (const width of ['float32', 'float64'] as const) {
    const f = width === 'float32' ? 'F32' : 'F64';
    out.push({ name: `uniform ${width}`, plan: uniformPlan('t', -0.3, 0.7, width), width });
    out.push({ name: `normal ${width}`, plan: normalPlan('t', 0.25, 1.5, width), width });
    for (const [label, a, b] of [['[-2,2]', -2, 2], ['[-1,9]', -1, 9], ['[5,6]', 5, 6], ['[-51,-50]', -51, -50], ['[0,inf)', 0, Infinity], ['[-7,7]', -7, 7]] as const) {
      out.push({ name: `truncatedNormal ${label} ${width}`, plan: truncatedNormalPlan('t', 0, 1, a, b, width), width });
    }
    void f;
  }
  return out;
}

const LENGTHS = [...Array.from({ length: 1101 }, (_, i) => i)];
const OFFSETS = [0, 1, 3, 5, 2 ** 32 - 1, 2 ** 40 + 3];

function alloc(width: Width, n: number, misalign: boolean): Float32Array | Float64Array {
  if (width === 'float32') return new Float32Array(new ArrayBuffer((n + 1) * 4), misalign ? 4 : 0, n);
  return new Float64Array(new ArrayBuffer((n + 1) * 8), misalign ? 8 : 0, n);
}

describe('native kernels equal the TypeScript kernels bit for bit', () => {
  test('runs on the native backend (this file belongs to the native project only)', () => {
    expect(info.name).toBe('native');
  });
  afterAll(() => setIsa('auto'));
  test('this CPU runs the expected ISAs', () => {
    expect(info.available[info.available.length - 1]).toBe('scalar');
    if (process.arch === 'x64') expect(info.available).toContain('sse2');
  });
  for (const c of cases()) {
    test(`${c.name}: every ISA, lengths 0..1100, offsets ${OFFSETS.join(', ')}, misaligned views`, () => {
      for (const offset of OFFSETS) {
        // The TypeScript reference for the longest length; shorter ones are its prefixes
        // (slices are exact: test/slices.test.ts).
        const ref = alloc(c.width, 1100, false);
        runJs(c.plan, ref, key, offset);
        const lengths = offset === 0 ? LENGTHS : LENGTHS.filter((n) => n < 70 || n % 37 === 0 || n % 64 < 2 || n % 64 === 63);
        for (const isa of info.available) {
          setIsa(isa);
          for (const n of lengths) {
            const nat = alloc(c.width, n, n % 2 === 1);
            runKernel(c.plan, nat, key, offset);
            const d = firstDiff(nat, ref.subarray(0, n));
            if (d !== -1) {
              throw new Error(`${isa} ${c.name} offset ${offset} length ${n}: element ${d} native ${nat[d]} vs js ${ref[d]}`);
            }
          }
        }
      }
    });
  }
  test('2^20 elements of every kernel on every ISA', () => {
    for (const c of cases()) {
      const ref = alloc(c.width, 1 << 20, false);
      runJs(c.plan, ref, key, 12345);
      for (const isa of info.available) {
        setIsa(isa);
        const nat = alloc(c.width, 1 << 20, true);
        runKernel(c.plan, nat, key, 12345);
        expect(firstDiff(nat, ref), `${isa} ${c.name}`).toBe(-1);
      }
    }
  });
  test('raw bits on every ISA, including blocks beyond 2^53 words', () => {
    for (const isa of info.available) {
      setIsa(isa);
      for (const [lo, hi, skip] of [[0, 0, 0], [5, 0, 3], [0xffffffff, 0xffffffff, 1], [123, 0x80000000, 2]]) {
        for (const n of [0, 1, 3, 4, 5, 15, 16, 17, 63, 64, 65, 1000]) {
          const nat = new Uint32Array(n);
          const ref = new Uint32Array(n);
          const p = planOf(BITS, { word: ((BigInt(lo!) + (BigInt(hi!) << 32n)) << 2n) + BigInt(skip!) });
          runKernel(p, nat, key, 0);
          runJs(p, ref, key, 0);
          expect(firstDiff(nat, ref), `${isa} bits ${lo} ${hi} ${skip} ${n}`).toBe(-1);
        }
      }
    }
  });
});
