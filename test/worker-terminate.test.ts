import { describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { backendInfo } from '../lib/index.js';

const dist = JSON.stringify(join(__dirname, '..', 'dist', 'cjs', 'index.js'));

describe(`worker_threads terminated with fills in flight (${backendInfo().name})`, () => {
  test('20 workers terminated while their async fills run: the parent survives and exits 0', () => {
    // The parent never loads nninit itself, so the addon's last user goes away with the
    // last worker while pool threads may still be filling.
    const code = `
      const { Worker } = require('node:worker_threads');
      const src = "const n = require(" + JSON.stringify(${dist}) + "); for (let i = 0; i < 5; i++) n.fillNormalAsync(new Float32Array(1 << 21), { seed: i }); require('node:worker_threads').parentPort.postMessage('go');";
      (async () => {
        for (let r = 0; r < 20; r++) {
          const w = new Worker(src, { eval: true });
          await new Promise((res) => w.once('message', res));
          await w.terminate();
        }
        process.stdout.write('survived');
      })();`;
    const out = execFileSync(process.execPath, ['-e', code], { env: process.env }).toString();
    expect(out).toBe('survived');
  });
});
