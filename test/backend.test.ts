import { describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { backend, backendInfo, setIsa, NninitBackendError } from '../lib/index.js';

const dist = JSON.stringify(join(__dirname, '..', 'dist', 'cjs', 'index.js'));
function run(env: Record<string, string | undefined>, code = `process.stdout.write(JSON.stringify(require(${dist}).backendInfo()))`): { out: string; err: string; status: number } {
  try {
    const out = execFileSync(process.execPath, ['-e', code], { env: { ...process.env, ...env }, stdio: 'pipe' }).toString();
    return { out, err: '', status: 0 };
  } catch (e) {
    const x = e as { stdout: Buffer; stderr: Buffer; status: number };
    return { out: String(x.stdout), err: String(x.stderr), status: x.status };
  }
}

describe('backend selection', () => {
  test('backend describes the implementation in use', () => {
    expect(['native', 'wasm', 'js']).toContain(backend.name);
    expect(backend.name).toBe(process.env.NNINIT_BACKEND);
    if (backend.name === 'js') {
      expect(backend.isa).toBe('js');
      expect(backend.reason).toMatch(/NNINIT_BACKEND=js/);
    } else if (backend.name === 'wasm') {
      expect(backend).toMatchObject({ isa: 'simd128', available: ['simd128'], reason: 'NNINIT_BACKEND=wasm' });
    } else {
      expect(backend.reason).toBeNull();
      expect(backend.available).toContain(backend.isa);
      expect(backend.available.at(-1)).toBe('scalar');
    }
  });
  test('NNINIT_BACKEND=js forces the TypeScript kernels', () => {
    const r = run({ NNINIT_BACKEND: 'js' });
    expect(JSON.parse(r.out)).toMatchObject({ name: 'js', isa: 'js', reason: 'NNINIT_BACKEND=js' });
  });
  test('an unknown NNINIT_BACKEND is a clear error', () => {
    const r = run({ NNINIT_BACKEND: 'gpu' });
    expect(r.status).not.toBe(0);
    expect(r.err).toContain('NNINIT_BACKEND must be "js", "wasm", "native" or "auto"; received "gpu"');
  });
  // Each project runs the tests of its own backend (no skipped cases).
  if (backend.name === 'native') test('NNINIT_ISA forces each available ISA; unknown or unsupported ones are clear errors, never SIGILL', () => {
    for (const isa of backend.available) {
      const r = run({ NNINIT_BACKEND: 'native', NNINIT_ISA: isa });
      expect(JSON.parse(r.out)).toMatchObject({ name: 'native', isa });
    }
    const bad = run({ NNINIT_BACKEND: 'native', NNINIT_ISA: 'avx1024' });
    expect(bad.status).toBe(1);
    expect(bad.err).toContain('avx1024');
    const arm = run({ NNINIT_BACKEND: 'native', NNINIT_ISA: process.arch === 'x64' ? 'neon' : 'avx2' });
    expect(arm.status).toBe(1);
    expect(arm.err).toMatch(/neon|avx2/);
  });
  if (backend.name === 'native') test('setIsa switches at run time and rejects what the CPU cannot run', () => {
    for (const isa of backend.available) {
      setIsa(isa);
      expect(backendInfo().isa).toBe(isa);
    }
    setIsa('auto');
    expect(backendInfo().isa).toBe(backend.available[0]);
    expect(() => setIsa('avx1024')).toThrow(NninitBackendError);
  });
  if (backend.name !== 'native') test('setIsa on the wasm and TypeScript backends explains that the addon is not in use', () => {
    expect(() => setIsa('avx2')).toThrow(/native addon is not in use/);
    expect(() => setIsa('auto')).not.toThrow();
    expect(() => setIsa(backend.isa)).not.toThrow();
    expect(backendInfo()).toEqual(backend);
  });
});
