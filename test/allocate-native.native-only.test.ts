/**
 * The addon's adviseHugePages, which lib/backend.ts allocateArray uses for large results, and
 * those results' memory coming back (on the TypeScript backend allocateArray is a plain
 * `new Float32Array(n)`).
 */
import { describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HUGE_PAGE_MIN_BYTES, nativeBinding } from '../lib/backend.js';
import type { NativeBinding } from '../lib/binding.js';

const b = nativeBinding() as NativeBinding;
const dist = join(__dirname, '..', 'dist', 'cjs');

function node(code: string, args: string[] = [], env: Record<string, string> = {}): string {
  return execFileSync(process.execPath, [...args, '-e', code], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 }).toString();
}

describe('adviseHugePages', () => {
  test('advises a fresh large buffer when huge pages are enabled, leaves contents alone, refuses non-ArrayBuffers', () => {
    const buf = new ArrayBuffer(16 << 20);
    const view = new Uint8Array(buf);
    view[0] = 7; view[(16 << 20) - 1] = 9; view[5 << 20] = 3;
    expect(b.adviseHugePages(buf)).toBe(b.hugePages);
    expect([view[0], view[(16 << 20) - 1], view[5 << 20]]).toEqual([7, 9, 3]);
    expect(b.adviseHugePages(new ArrayBuffer(1 << 20))).toBe(false); // no whole aligned 2 MiB page
    expect(b.adviseHugePages(new ArrayBuffer(0))).toBe(false);
    expect(() => b.adviseHugePages(new SharedArrayBuffer(8) as never)).toThrow(/adviseHugePages: buffer must be an ArrayBuffer/);
    expect(() => b.adviseHugePages(new Float32Array(4) as never)).toThrow(TypeError);
  });

  test('NNINIT_HUGE_PAGES: auto follows the system, 1 forces (madvise mode), 0 disables, anything else is a load error', () => {
    let mode = 'unavailable';
    try { mode = /\[(\w+)\]/.exec(readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'))![1]!; } catch { /* not Linux */ }
    const run = (value: string): string => {
      try {
        return node(`
          require(${JSON.stringify(join(dist, 'index.js'))}); // installs the Node platform
          const b = require(${JSON.stringify(join(dist, 'backend.js'))}).nativeBinding();
          const buf = new ArrayBuffer(16 << 20);
          process.stdout.write(JSON.stringify([b.hugePages, b.adviseHugePages(buf)]));`, [], { NNINIT_HUGE_PAGES: value });
      } catch (e) {
        return String((e as { stderr?: Buffer }).stderr ?? e);
      }
    };
    const auto = JSON.parse(run('auto')) as [boolean, boolean];
    expect(auto[1]).toBe(auto[0]);
    expect(JSON.parse(run(''))).toEqual(auto);
    if (mode !== 'madvise') expect(auto[0]).toBe(false);
    expect(JSON.parse(run('1'))).toEqual(mode === 'madvise' ? [true, true] : [false, false]);
    expect(JSON.parse(run('0'))).toEqual([false, false]);
    expect(run('yes')).toMatch(/NNINIT_HUGE_PAGES must be "auto", "1" or "0", got "yes"/);
  });

  test('10^4 large allocations (huge pages forced on), every page written, none kept: resident memory grows by less than 64 MB', () => {
    const make = 'n.uniform([len], { seed: i })';
    const out = node(`
      const n = require(${JSON.stringify(join(dist, 'index.js'))});
      const len = ${HUGE_PAGE_MIN_BYTES / 4 + 5};
      let sink = 0;
      for (let i = 0; i < 300; i++) sink += ${make}[i];
      global.gc();
      const maps = () => { try { return require('node:fs').readFileSync('/proc/self/maps', 'utf8').split('\\n').length; } catch { return 0; } };
      const before = process.memoryUsage().rss, mapsBefore = maps();
      for (let i = 0; i < 10000; i++) {
        sink += ${make}[i];
        if (i % 500 === 499) global.gc();
      }
      global.gc();
      process.stdout.write(JSON.stringify({ grewMB: (process.memoryUsage().rss - before) / 1048576, maps: maps() - mapsBefore, sink: Number.isFinite(sink) }));`, ['--expose-gc'], { NNINIT_HUGE_PAGES: '1' });
    const r = JSON.parse(out) as { grewMB: number; maps: number; sink: boolean };
    expect(r.sink).toBe(true);
    expect(r.grewMB).toBeLessThan(64);
    // madvise splits mappings: they must not pile up either (Linux; 0 elsewhere).
    expect(r.maps).toBeLessThan(200);
  });
});
