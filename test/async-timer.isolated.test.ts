/**
 * The event loop's responsiveness during a large async fill. A latency measurement, so it
 * runs alone (vitest.isolated.config.mts, after the main suites): with other test files
 * saturating both cores the scheduler, not nninit, would decide the gaps.
 */
import { describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { backendInfo } from '../lib/index.js';

const dist = JSON.stringify(join(__dirname, '..', 'dist', 'cjs', 'index.js'));
function node(code: string, args: string[] = []): string {
  return execFileSync(process.execPath, [...args, '-e', code], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

describe(`async responsiveness (${backendInfo().name})`, () => {
  test('a timer keeps ticking during a 2^28-element async fill (largest gap under 50 ms)', () => {
    const n = backendInfo().name === 'native' ? 2 ** 28 : 2 ** 24;
    const out = node(`
      const nn = require(${dist});
      const out = new Float32Array(${n});
      out.fill(1); // fault the pages in first: page faults are the kernel's, not ours
      let last = performance.now(), worst = 0, ticks = 0;
      const t = setInterval(() => { const now = performance.now(); worst = Math.max(worst, now - last); last = now; ticks++; }, 2);
      const start = performance.now();
      nn.fillNormalAsync(out, { seed: 1 }).then(() => {
        clearInterval(t);
        process.stdout.write(JSON.stringify({ worst, ticks, ms: performance.now() - start, last: out[out.length - 1] }));
      });`);
    const r = JSON.parse(out) as { worst: number; ticks: number; ms: number; last: number };
    expect(r.worst).toBeLessThan(50);
    expect(r.ticks).toBeGreaterThan(3);
    expect(r.last).not.toBe(1);
  });

});
