/**
 * Result arrays of the allocating initializers: large ones come from backend.allocateArray (on
 * the native backend advised as transparent huge pages where the OS offers them). For users they must be ordinary arrays: exact byteLength, a plain
 * ArrayBuffer, cloneable and transferable (structuredClone, postMessage,
 * ArrayBuffer.prototype.transfer) with the original detached, and freed by the GC.
 */
import { describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { backendInfo, fillNormal, normal, kaimingUniform, ones } from '../lib/index.js';
import { allocateArray, HUGE_PAGE_MIN_BYTES } from '../lib/backend.js';
import { sameBytes } from './helpers.js';

const dist = join(__dirname, '..', 'dist', 'cjs');

// NNINIT_HUGE_PAGES=1: the huge-page path even where it is off by default (free page reporting).
function node(code: string, args: string[] = []): string {
  return execFileSync(process.execPath, [...args, '-e', code], { env: { ...process.env, NNINIT_HUGE_PAGES: '1' }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 }).toString();
}

describe(`allocated results are ordinary arrays (${backendInfo().name})`, () => {
  const big = (HUGE_PAGE_MIN_BYTES / 4) * 3 + 5; // float32 elements: above the threshold, not a page multiple

  test('allocateArray: type, length, byteLength, a plain zeroed non-resizable ArrayBuffer, below and above the threshold', () => {
    for (const [dtype, Ctor] of [['float32', Float32Array], ['float64', Float64Array], ['bfloat16', Uint16Array], ['float16', Uint16Array]] as const) {
      for (const n of [0, 1, 1000, HUGE_PAGE_MIN_BYTES / Ctor.BYTES_PER_ELEMENT, big]) {
        const a = allocateArray(dtype, n);
        expect(a).toBeInstanceOf(Ctor);
        expect(a.length).toBe(n);
        expect(a.byteOffset).toBe(0);
        expect(a.byteLength).toBe(n * Ctor.BYTES_PER_ELEMENT);
        expect(a.buffer.byteLength).toBe(n * Ctor.BYTES_PER_ELEMENT);
        expect(a.buffer).toBeInstanceOf(ArrayBuffer);
        expect((a.buffer as { resizable?: boolean }).resizable ?? false).toBe(false);
        expect((a as Float64Array).every((x) => x === 0)).toBe(true);
      }
    }
  });

  test('a large initializer result: same values as into a plain array; clone and transfer (structuredClone) like any array', () => {
    const a = normal([big], { seed: 4, std: 0.02 });
    const ref = fillNormal(new Float32Array(big), { seed: 4, std: 0.02 });
    expect(sameBytes(a, ref)).toBe(true);
    expect(a.byteLength).toBe(4 * big);
    const copy = structuredClone(a);
    expect(sameBytes(copy, ref)).toBe(true);
    expect(a.byteLength).toBe(4 * big);
    const moved = structuredClone(a.buffer as ArrayBuffer, { transfer: [a.buffer as ArrayBuffer] });
    expect(a.byteLength).toBe(0); // detached: really transferred, not copied
    expect(a.buffer.byteLength).toBe(0);
    expect(sameBytes(new Float32Array(moved), ref)).toBe(true);
    const w = ones([big], { dtype: 'float64' });
    expect(w.every((x) => x === 1)).toBe(true);
    const k = kaimingUniform([1024, 1024], { seed: 1, dtype: 'bfloat16' });
    expect(k).toBeInstanceOf(Uint16Array);
    expect(k.byteLength).toBe(2 * 1024 * 1024);
  });

  test('postMessage to a worker, structuredClone and ArrayBuffer.prototype.transfer (Node 20: --harmony-rab-gsab-transfer) detach the original (huge pages forced on)', () => {
    const args = typeof (ArrayBuffer.prototype as { transfer?: unknown }).transfer === 'function' ? [] : ['--harmony-rab-gsab-transfer'];
    const out = node(`
      const n = require(${JSON.stringify(join(dist, 'index.js'))});
      const { Worker } = require('node:worker_threads');
      const len = ${big};
      const a = n.kaimingNormal([len, 1], { seed: 2 });
      const ref = n.fillNormal(new Float32Array(len), { seed: 2, std: Math.sqrt(2) });
      const b = n.kaimingNormal([len, 1], { seed: 2 });
      const moved = new Float32Array(b.buffer.transfer());
      const c = n.kaimingNormal([len, 1], { seed: 2 });
      const cloned = new Float32Array(structuredClone(c.buffer, { transfer: [c.buffer] }));
      const w = new Worker("const { parentPort } = require('node:worker_threads'); parentPort.once('message', (m) => { parentPort.postMessage(Buffer.from(m).toString('base64').length); });", { eval: true });
      w.once('message', (len64) => {
        const r = { detachedAfterPost: a.byteLength === 0 && a.buffer.byteLength === 0, received: len64 === Buffer.from(new Uint8Array(ref.buffer)).toString('base64').length,
          detachedAfterTransfer: b.byteLength === 0, moved: Buffer.from(moved.buffer).equals(Buffer.from(ref.buffer)),
          detachedAfterClone: c.byteLength === 0, cloned: Buffer.from(cloned.buffer).equals(Buffer.from(ref.buffer)) };
        process.stdout.write(JSON.stringify(r));
        w.terminate();
      });
      w.postMessage(a.buffer, [a.buffer]);`, args);
    expect(JSON.parse(out)).toEqual({ detachedAfterPost: true, received: true, detachedAfterTransfer: true, moved: true, detachedAfterClone: true, cloned: true });
  });
});
