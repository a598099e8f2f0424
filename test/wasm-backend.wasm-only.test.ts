/**
 * Choosing the WebAssembly backend, in child processes on a copy of the built package
 * without the native addon: it serves after one warning when the addon is missing; a
 * missing, corrupted or foreign .wasm, or an engine without WebAssembly SIMD, falls back to
 * TypeScript with the reason, and is a clear error under NNINIT_BACKEND=wasm.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
let pkg: string;

beforeAll(() => {
  pkg = mkdtempSync(join(tmpdir(), 'nninit-wasm-'));
  cpSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  cpSync(join(ROOT, 'dist', 'cjs'), join(pkg, 'dist', 'cjs'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
});
afterAll(() => rmSync(pkg, { recursive: true, force: true }));

/** Puts `bytes` (or nothing) at native/wasm/nninit.wasm of the copy. */
function wasmFile(bytes: Uint8Array | null): void {
  rmSync(join(pkg, 'native'), { recursive: true, force: true });
  if (bytes === null) return;
  mkdirSync(join(pkg, 'native', 'wasm'), { recursive: true });
  writeFileSync(join(pkg, 'native', 'wasm', 'nninit.wasm'), bytes);
}

const PROBE = `
const warnings = [];
process.on('warning', (w) => warnings.push(w.message));
const n = require(${JSON.stringify('__PKG__/dist/cjs/index.js')});
const w = n.xavierUniform([33, 17], { seed: 5 });
const t = n.truncatedNormal([1001], { seed: 5, dtype: 'float64' });
const q = n.orthogonal([12, 9], { seed: 5 });
const h = require('node:crypto').createHash('sha256');
for (const a of [w, t, q]) h.update(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
setImmediate(() => process.stdout.write(JSON.stringify({ info: n.backendInfo(), warnings, hash: h.digest('hex') })));
`;

interface Probe { info: { name: string; isa: string; reason: string | null }; warnings: string[]; hash: string }
function run(env: Record<string, string>, preload?: string): { out: Probe | null; err: string; status: number } {
  const args = preload ? ['-r', preload] : [];
  try {
    const out = execFileSync(process.execPath, [...args, '-e', PROBE.replace('__PKG__', pkg)], {
      env: { ...process.env, NNINIT_BACKEND: '', ...env }, stdio: 'pipe', cwd: pkg,
    }).toString();
    return { out: JSON.parse(out) as Probe, err: '', status: 0 };
  } catch (e) {
    const x = e as { stderr: Buffer; status: number };
    return { out: null, err: String(x.stderr), status: x.status };
  }
}

const good = readFileSync(join(ROOT, 'native', 'wasm', 'nninit.wasm'));
let reference = '';

describe('the wasm backend when the native addon is missing', () => {
  test('it serves by default, with exactly one warning saying why; the values are the TypeScript ones', () => {
    wasmFile(good);
    const r = run({});
    expect(r.status).toBe(0);
    expect(r.out!.info).toMatchObject({ name: 'wasm', isa: 'simd128' });
    expect(r.out!.info.reason).toMatch(/^native addon unavailable: /);
    expect(r.out!.warnings).toHaveLength(1);
    expect(r.out!.warnings[0]).toMatch(/using the WebAssembly backend \(same values/);
    const js = run({ NNINIT_BACKEND: 'js' });
    expect(js.out!.info.name).toBe('js');
    expect(r.out!.hash).toBe(js.out!.hash);
    reference = js.out!.hash;
    expect(run({ NNINIT_BACKEND: 'wasm' }).out).toMatchObject({ info: { name: 'wasm', reason: 'NNINIT_BACKEND=wasm' }, warnings: [] });
  });

  const broken: [string, Uint8Array | null, RegExp][] = [
    ['a missing', null, /nninit\.wasm is missing/],
    ['an empty', new Uint8Array(0), /not a valid WebAssembly module/],
    ['a truncated', good.subarray(0, good.length >> 1), /not a valid WebAssembly module/],
    ['a corrupted', (() => { const b = Uint8Array.from(good); for (let i = 200; i < b.length; i += 97) b[i]! ^= 0x5a; return b; })(), /not a valid WebAssembly module/],
    ['another module\'s', new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), /lacks the export "memory"/],
  ];
  for (const [what, bytes, message] of broken) {
    test(`${what} .wasm: TypeScript serves with the reason; NNINIT_BACKEND=wasm is a clear error`, () => {
      wasmFile(bytes);
      const r = run({});
      expect(r.status).toBe(0);
      expect(r.out!.info.name).toBe('js');
      expect(r.out!.info.reason).toMatch(/^native addon unavailable: .*; WebAssembly unavailable: /);
      expect(r.out!.info.reason).toMatch(message);
      expect(r.out!.warnings).toHaveLength(1);
      expect(r.out!.warnings[0]).toMatch(/using the TypeScript backend/);
      if (reference) expect(r.out!.hash).toBe(reference);
      const forced = run({ NNINIT_BACKEND: 'wasm' });
      expect(forced.status).toBe(1);
      expect(forced.err).toMatch(/NNINIT_BACKEND=wasm but the WebAssembly module could not be loaded: /);
      expect(forced.err).toMatch(message);
    });
  }

  test('an engine without WebAssembly SIMD (an old browser) falls back to TypeScript with the reason', () => {
    wasmFile(good);
    const preload = join(pkg, 'no-simd.cjs');
    // What such an engine does: SIMD modules do not validate or compile.
    writeFileSync(preload, `
      const M = WebAssembly.Module;
      WebAssembly.validate = () => false;
      WebAssembly.Module = function () { throw new WebAssembly.CompileError('invalid SIMD opcode'); };
      void M;`);
    const r = run({}, preload);
    expect(r.out!.info.name).toBe('js');
    expect(r.out!.info.reason).toMatch(/WebAssembly unavailable: this JavaScript engine has no WebAssembly SIMD \(simd128\)/);
    expect(r.out!.warnings).toHaveLength(1);
    const forced = run({ NNINIT_BACKEND: 'wasm' }, preload);
    expect(forced.status).toBe(1);
    expect(forced.err).toMatch(/no WebAssembly SIMD/);
  });
});
