/**
 * Async fills whose output JavaScript takes away, shrinks or grows while the fill runs:
 * transfer by structuredClone or postMessage (then GC, then a new "victim" array that may
 * reuse the freed memory), ArrayBuffer.prototype.transfer, a resizable buffer shrunk or
 * grown, worker termination, and SharedArrayBuffers (plain and growable). Each case runs 20
 * times in a process of its own (--expose-gc): no crash, no write into memory the fill does
 * not own, and a promise that resolves with the right values or rejects with the clear
 * error. Both backends.
 */
import { describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { backendInfo } from '../lib/index.js';

const dist = JSON.stringify(join(__dirname, '..', 'dist', 'cjs', 'index.js'));

/** Runs `body` (an async function body with `n` = nninit) 20 times in a fresh node; returns what it printed. */
function run(body: string, args: string[] = []): Record<string, unknown> {
  const code = `
    const n = require(${dist});
    const zeros = (a) => { for (let i = 0; i < a.length; i++) if (a[i] !== 0) return false; return true; };
    const same = (a, b) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    const settle = (p) => p.then((v) => ({ ok: true, v }), (e) => ({ ok: false, e }));
    (async () => {
      const out = {};
      for (let iter = 0; iter < 20; iter++) {
        ${body}
      }
      process.stdout.write(JSON.stringify(out));
    })().catch((e) => { process.stdout.write(JSON.stringify({ crashed: String(e && e.stack || e) })); });`;
  const stdout = execFileSync(process.execPath, ['--expose-gc', ...args, '-e', code], {
    env: process.env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000,
  }).toString();
  return JSON.parse(stdout) as Record<string, unknown>;
}

const DETACHED = /^nninit\.fillTruncatedNormalAsync: out was detached or resized during the fill \(it must keep its buffer and its \d+ elements until the promise settles\); received Float64Array\(\d+\)$/;

describe(`async fills over buffers that change under them (${backendInfo().name})`, () => {
  test('transfer by structuredClone, then GC and a victim array: rejects, the victim stays zero (x20)', () => {
    const r = run(`
      n.setThreads(1);
      let a = new Float64Array(1 << 22);
      const p = settle(n.fillTruncatedNormalAsync(a, { seed: 1, a: 5, b: 6 }));
      structuredClone(a.buffer, { transfer: [a.buffer] }); // detached; the new owner is garbage
      global.gc();
      const victim = new Float64Array(1 << 22);
      const s = await p;
      out.rejected = (out.rejected || 0) + (s.ok ? 0 : 1);
      out.message = s.ok ? 'resolved' : s.e.message;
      out.type = s.ok ? null : s.e.constructor.name;
      out.victimsTouched = (out.victimsTouched || 0) + (zeros(victim) ? 0 : 1);
      out.detachedLength = a.length;
      n.setThreads(0);`);
    expect(r.crashed).toBeUndefined();
    expect(r.rejected).toBe(20);
    expect(r.type).toBe('TypeError');
    expect(r.message).toMatch(DETACHED);
    expect(r.message).toContain('its 4194304 elements');
    expect(r.victimsTouched).toBe(0);
  });

  test('transfer by postMessage (2^22 x20 and 2^25 once): rejects, the victim stays zero', () => {
    const r = run(`
      const len = iter === 19 ? 1 << 25 : 1 << 22;
      const a = new Float64Array(len);
      const p = settle(n.fillTruncatedNormalAsync(a, { seed: 1, a: 5, b: 6 }));
      const { port1, port2 } = new MessageChannel();
      port1.postMessage(a.buffer, [a.buffer]);
      port1.close(); port2.close();
      global.gc();
      const victim = new Float64Array(len);
      const s = await p;
      out.rejected = (out.rejected || 0) + (s.ok ? 0 : 1);
      out.message = s.ok ? 'resolved' : s.e.message;
      out.victimsTouched = (out.victimsTouched || 0) + (zeros(victim) ? 0 : 1);`);
    expect(r.crashed).toBeUndefined();
    expect(r.rejected).toBe(20);
    expect(r.message).toMatch(DETACHED);
    expect(r.victimsTouched).toBe(0);
  });

  test('ArrayBuffer.prototype.transfer (Node 20: --harmony-rab-gsab-transfer): rejects; the new buffer is untouched (x20)', () => {
    const args = typeof (ArrayBuffer.prototype as { transfer?: unknown }).transfer === 'function' ? [] : ['--harmony-rab-gsab-transfer'];
    const r = run(`
      if (typeof ArrayBuffer.prototype.transfer !== 'function') throw new Error('no ArrayBuffer.prototype.transfer');
      const a = new Float64Array(1 << 22);
      const p = settle(n.fillTruncatedNormalAsync(a, { seed: 1, a: 5, b: 6 }));
      const moved = new Float64Array(a.buffer.transfer());
      const s = await p;
      out.rejected = (out.rejected || 0) + (s.ok ? 0 : 1);
      out.message = s.ok ? 'resolved' : s.e.message;
      // The TypeScript backend wrote its first slice before the transfer; nothing after it.
      let written = 0; for (let i = 0; i < moved.length; i++) if (moved[i] !== 0) written++;
      out.maxWritten = Math.max(out.maxWritten || 0, written);`, args);
    expect(r.crashed).toBeUndefined();
    expect(r.rejected).toBe(20);
    expect(r.message).toMatch(DETACHED);
    // Native: nothing reaches the buffer after the call returned; TypeScript: at most its first slice.
    expect(r.maxWritten).toBeLessThanOrEqual(backendInfo().name === 'native' ? 0 : 256);
  });

  test('a resizable buffer shrunk mid-fill rejects; grown mid-fill resolves with the right values (x20)', () => {
    const r = run(`
      const buf = new ArrayBuffer(1 << 27, { maxByteLength: 1 << 27 });
      const s1 = settle(n.fillTruncatedNormalAsync(new Float64Array(buf), { seed: 1, a: 5, b: 6 }));
      buf.resize(1 << 26);
      const fixed = new ArrayBuffer(1 << 26, { maxByteLength: 1 << 27 });
      const s2 = settle(n.fillTruncatedNormalAsync(new Float64Array(fixed, 0, 1 << 23), { seed: 1, a: 5, b: 6 }));
      fixed.resize(1 << 20); // the fixed-length view is now out of bounds
      // (V8 11 runs kernels slowly on resizable-buffer views: a modest size for the TypeScript backend.)
      const grow = new ArrayBuffer(1 << 21, { maxByteLength: 1 << 26 });
      const view = new Float64Array(grow); // length-tracking
      const s3 = settle(n.fillTruncatedNormalAsync(view, { seed: 3, a: -1, b: 2 }));
      grow.resize(1 << 26);
      const [r1, r2, r3] = [await s1, await s2, await s3];
      out.shrunkRejected = (out.shrunkRejected || 0) + (r1.ok ? 0 : 1) + (r2.ok ? 0 : 1);
      out.message = r1.ok ? 'resolved' : r1.e.message;
      const ref = n.fillTruncatedNormal(new Float64Array(1 << 18), { seed: 3, a: -1, b: 2 });
      out.grownOk = (out.grownOk || 0) + (r3.ok && r3.v === view && same(view.subarray(0, 1 << 18), ref) && zeros(view.subarray(1 << 18)) ? 1 : 0);`);
    expect(r.crashed).toBeUndefined();
    expect(r.shrunkRejected).toBe(40);
    expect(r.message).toMatch(DETACHED);
    expect(r.grownOk).toBe(20);
  });

  test('SharedArrayBuffer views, plain and growable (grown mid-fill), resolve with the right values (x20)', () => {
    const r = run(`
      const len = 1 << 21;
      const ref = n.fillNormal(new Float32Array(len), { seed: iter, std: 2 });
      const plain = new Float32Array(new SharedArrayBuffer(4 * len));
      const gsab = new SharedArrayBuffer(4 * len, { maxByteLength: 16 * len });
      const tracking = new Float32Array(gsab);
      const fixed = new Float32Array(new SharedArrayBuffer(8 * len, { maxByteLength: 16 * len }), 4 * len, len);
      const ps = [plain, tracking, fixed].map((a) => settle(n.fillNormalAsync(a, { seed: iter, std: 2 })));
      gsab.grow(16 * len);
      fixed.buffer.grow(12 * len);
      global.gc();
      const rs = await Promise.all(ps);
      out.ok = (out.ok || 0) + (rs.every((x) => x.ok) && same(plain, ref) && same(tracking.subarray(0, len), ref) && zeros(tracking.subarray(len)) && same(fixed, ref) ? 1 : 0);
      out.grownLength = tracking.length;`);
    expect(r.crashed).toBeUndefined();
    expect(r.ok).toBe(20);
    expect(r.grownLength).toBe(4 * 2 ** 21);
  });

  test('worker_threads terminated mid-fill: own buffers and a shared one; the parent survives, shared values right or untouched (x20)', () => {
    const r = run(`
      const { Worker } = require('node:worker_threads');
      const len = 1 << 21;
      const sab = new SharedArrayBuffer(4 * len);
      const src = "const n = require(" + JSON.stringify(${dist}) + "); const { parentPort, workerData } = require('node:worker_threads');" +
        "for (let i = 0; i < 4; i++) n.fillNormalAsync(new Float32Array(1 << 21), { seed: i });" +
        "n.fillUniformAsync(new Float32Array(workerData), { seed: 9 });" +
        "const t = new Float64Array(1 << 20); n.fillTruncatedNormalAsync(t, { seed: 2, a: 5, b: 6 }).catch(() => {}); structuredClone(t.buffer, { transfer: [t.buffer] });" +
        "parentPort.postMessage('go');";
      const w = new Worker(src, { eval: true, workerData: sab });
      await new Promise((res) => w.once('message', res));
      await w.terminate();
      global.gc();
      const victim = new Float32Array(len);
      const got = new Float32Array(sab);
      const ref = n.fillUniform(new Float32Array(len), { seed: 9 });
      let bad = 0; for (let i = 0; i < len; i++) if (got[i] !== 0 && got[i] !== ref[i]) bad++;
      out.bad = (out.bad || 0) + bad;
      out.victimsTouched = (out.victimsTouched || 0) + (zeros(victim) ? 0 : 1);
      out.survived = iter + 1;`);
    expect(r.crashed).toBeUndefined();
    expect(r.survived).toBe(20);
    expect(r.bad).toBe(0);
    expect(r.victimsTouched).toBe(0);
  });

  test("the array of a fill that completes is the caller's, intact, even with transfers of other buffers around it (x20)", () => {
    const r = run(`
      const a = new Float32Array(3_000_001);
      const b = new Float64Array(1 << 20);
      const pa = n.fillNormalAsync(a, { seed: iter, offset: 5 });
      const pb = settle(n.fillNormalAsync(b, { seed: iter }));
      structuredClone(b.buffer, { transfer: [b.buffer] });
      global.gc();
      const got = await pa;
      const rb = await pb;
      out.ok = (out.ok || 0) + (got === a && same(a, n.fillNormal(new Float32Array(3_000_001), { seed: iter, offset: 5 })) && !rb.ok ? 1 : 0);`);
    expect(r.crashed).toBeUndefined();
    expect(r.ok).toBe(20);
  });
});
