/**
 * The addon's householderQAsync over a matrix whose buffer JavaScript transfers or shrinks
 * while the QR runs: it works on a copy and copies back only into the same, intact memory,
 * else rejects with code NNINIT_DETACHED. 20 rounds in a process of its own (--expose-gc).
 */
import { describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const backend = JSON.stringify(join(__dirname, '..', 'dist', 'cjs', 'backend.js'));
const index = JSON.stringify(join(__dirname, '..', 'dist', 'cjs', 'index.js'));

describe('native householderQAsync over a changing buffer', () => {
  test('transferred (then GC and a victim) or shrunk mid-QR: rejects, nothing written; intact: the sync bytes (x20)', () => {
    const code = `
      require(${index}); // installs the Node platform
      const b = require(${backend}).nativeBinding();
      const m = 600, k = 300;
      const input = new Float64Array(m * k);
      for (let i = 0; i < input.length; i++) input[i] = Math.sin(i * 0.37) + (i % 7) * 0.01;
      const ref = input.slice(); b.householderQ(ref, m, k);
      const zeros = (a) => a.every((x) => x === 0);
      const settle = (p) => p.then(() => ({ ok: true }), (e) => ({ ok: false, e }));
      (async () => {
        const out = { rejected: 0, codes: new Set(), victims: 0, moved: 0, intact: 0, message: '' };
        for (let iter = 0; iter < 20; iter++) {
          const a = input.slice();
          const p1 = settle(b.householderQAsync(a, m, k));
          const moved = new Float64Array(structuredClone(a.buffer, { transfer: [a.buffer] }));
          global.gc();
          const victim = new Float64Array(m * k);
          const rab = new ArrayBuffer(8 * m * k, { maxByteLength: 8 * m * k });
          new Float64Array(rab).set(input);
          const p2 = settle(b.householderQAsync(new Float64Array(rab), m, k));
          rab.resize(8 * m);
          const c = input.slice();
          const p3 = b.householderQAsync(c, m, k);
          const [r1, r2] = [await p1, await p2];
          await p3;
          for (const r of [r1, r2]) if (!r.ok) { out.rejected++; out.codes.add(r.e.code); out.message = r.e.message; }
          if (zeros(victim)) out.victims++;
          if (Buffer.from(moved.buffer).equals(Buffer.from(input.buffer))) out.moved++;
          if (Buffer.from(c.buffer).equals(Buffer.from(ref.buffer))) out.intact++;
        }
        out.codes = [...out.codes];
        process.stdout.write(JSON.stringify(out));
      })();`;
    const r = JSON.parse(execFileSync(process.execPath, ['--expose-gc', '-e', code], { env: process.env, timeout: 120_000 }).toString()) as
      { rejected: number; codes: string[]; victims: number; moved: number; intact: number; message: string };
    expect(r.rejected).toBe(40);
    expect(r.codes).toEqual(['NNINIT_DETACHED']);
    expect(r.message).toMatch(/^householderQAsync: a was detached or resized during the call/);
    expect(r.victims).toBe(20); // untouched
    expect(r.moved).toBe(20); // the transferred matrix still holds the input: the QR never wrote it
    expect(r.intact).toBe(20);
  });
});
