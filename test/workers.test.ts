import { describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { backendInfo } from '../lib/index.js';

describe(`worker_threads (${backendInfo().name})`, () => {
  test('4 workers filling parts of one SharedArrayBuffer equal the single-threaded fill', () => {
    const out = execFileSync(process.execPath, [join(__dirname, '..', 'examples', 'worker-threads.mjs'), '4'], {
      cwd: join(__dirname, '..'),
      env: process.env,
    }).toString();
    expect(out).toContain('4 workers');
    expect(out).toContain(`(${backendInfo().name}/`);
    expect(out.trim().endsWith('equal to the single-threaded fill: true')).toBe(true);
  });
});
