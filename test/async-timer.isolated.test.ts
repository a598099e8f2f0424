/**
 * The event loop's responsiveness during a large async fill. It runs alone
 * (vitest.isolated.config.mts, after the main suites), and it asserts a property that holds
 * on a loaded machine too: everything is measured in one child process under the same load,
 * and the async fill is compared with that process's own baselines, never with a fixed
 * number of milliseconds:
 * the timer's worst gap during the async fill is far below the time the sync fill of the
 * same array blocks the thread (half of it, medians over 5 rounds): the work is off the JS
 * thread, or cut into short turns (the staged native fill's copies, the TypeScript
 * backend's slices), where a fill that blocked until done would stall the timer for about
 * the sync fill's time. Both sides are stretched alike by the machine's load. (An idle
 * timer's gaps are measured too and reported, not compared: the JS thread's own share of
 * the work, copies or slices, is stretched by the scheduler under load.)
 * The absolute figures (worst gap in ms) are a benchmark: `node bench/event-loop.mjs`.
 */
import { describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { backendInfo } from '../lib/index.js';

const dist = JSON.stringify(join(__dirname, '..', 'dist', 'cjs', 'index.js'));
function node(code: string): string {
  return execFileSync(process.execPath, ['-e', code], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

describe(`async responsiveness (${backendInfo().name})`, () => {
  test('an async fill keeps the event loop turning: its worst gap is far below the sync fill\'s block', () => {
    const n = backendInfo().name === 'native' ? 2 ** 28 : 2 ** 24;
    const out = node(`
      const nn = require(${dist});
      const out = new Float32Array(${n});
      out.fill(1); // fault the pages in first: page faults are the kernel's, not ours
      // The timer's worst gap while \`until\` is pending, and how long that took.
      function watch(until) {
        return new Promise((resolve) => {
          let last = performance.now(), worst = 0, ticks = 0;
          const start = last;
          const t = setInterval(() => { const now = performance.now(); worst = Math.max(worst, now - last); last = now; ticks++; }, 2);
          until().then(() => { clearInterval(t); resolve({ worst: Math.max(worst, performance.now() - last), ticks, ms: performance.now() - start }); });
        });
      }
      const sleep = (ms) => () => new Promise((r) => setTimeout(r, ms));
      (async () => {
        const rounds = [];
        for (let r = 0; r < 5; r++) {
          let t = performance.now();
          nn.fillNormal(out, { seed: 1, stream: r });
          const sync = performance.now() - t;
          const fill = await watch(() => nn.fillNormalAsync(out, { seed: 1, stream: r }));
          const idle = await watch(sleep(fill.ms));
          rounds.push({ sync, fill, idle });
        }
        process.stdout.write(JSON.stringify({ rounds, last: out[out.length - 1] }));
      })();`);
    const r = JSON.parse(out) as { rounds: { sync: number; fill: { worst: number; ticks: number; ms: number }; idle: { worst: number } }[]; last: number };
    const fillWorst = median(r.rounds.map((x) => x.fill.worst));
    const sync = median(r.rounds.map((x) => x.sync));
    const figures = `fill worst gaps ${r.rounds.map((x) => x.fill.worst.toFixed(1)).join(', ')} ms; idle ${r.rounds.map((x) => x.idle.worst.toFixed(1)).join(', ')} ms; sync fill ${r.rounds.map((x) => x.sync.toFixed(1)).join(', ')} ms`;
    // Off the JS thread, or in short turns: a fill that ran in one piece would stall the timer
    // about as long as the sync fill.
    expect(fillWorst, figures).toBeLessThan(sync / 2);
    expect(median(r.rounds.map((x) => x.fill.ticks)), figures).toBeGreaterThan(3);
    expect(r.last).not.toBe(1);
  });
});
