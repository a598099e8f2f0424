/** `nninit plan`, `nninit materialize`, `nninit audit`: in-process through main(), progress bar on a fake terminal. */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../lib/cli.js';
import { materialize, readSafetensors, recipe, writeSafetensors } from '../lib/index.js';
import { sameBytes } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'nninit-models-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(argv: string[], tty = false): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: { write: (s: string) => (out += s) }, stderr: Object.assign({ write: (s: string) => (err += s) }, tty ? { isTTY: true } : {}) });
  return { code, out, err };
}

const TINY = '{"nLayer":2,"nHead":2,"nEmbd":32,"vocabSize":100,"nPositions":16}';

describe('nninit plan', () => {
  it('GPT-2 small: one row per tensor (name, shape, role, init, std, lrScale) and the totals', async () => {
    const r = await cli(['plan', '--recipe', 'gpt2', '--config', 'gpt2']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^name\s+shape\s+role\s+init\s+std\s+lrScale$/m);
    expect(r.out).toMatch(/^h\.0\.attn\.c_proj\.weight\s+\[768, 768\]\s+attention-out\s+normal\(std=0\.00408248\)\s+0\.004082\s+1$/m);
    expect(r.out).toMatch(/^wte\.weight\s+\[50257, 768\]\s+embedding\s+normal\(std=0\.02\)\s+0\.02\s+1$/m);
    expect(r.out).toMatch(/^ln_f\.bias\s+\[768\]\s+norm-bias\s+zeros\s+0\s+1$/m);
    expect(r.out.split('\n').filter((l) => /^(wte|wpe|h\.|ln_f)/.test(l))).toHaveLength(148);
    expect(r.out).toMatch(/^148 tensors, 124,439,808 parameters, 497,759,232 bytes \(498 MB, float32\)$/m);
    expect(r.out).toMatch(/^parametrization standard, residual scaling gpt2, attention scale 0\.125$/m);
  });

  it('llama3-8b with options; --json round-trips through materialize --plan', async () => {
    const r = await cli(['plan', '--recipe', 'llama', '--config', 'llama3-8b', '--options', '{"names":"hf"}']);
    expect(r.out).toMatch(/^291 tensors, 8,030,261,248 parameters/m);
    expect(r.out).toMatch(/^model\.layers\.31\.mlp\.down_proj\.weight\s+\[4096, 14336\]\s+mlp-out\s+truncatedNormal\(std=0\.0025, a=-2, b=2\)\s+0\.0025\s+1$/m);
    const j = await cli(['plan', '--recipe', 'gpt2', '--config', TINY, '--residual-scaling', 'depth', '--json']);
    const file = join(tmp, 'plan.json');
    writeFileSync(file, j.out);
    const m = await cli(['materialize', '--plan', file, '--seed', '3', '--out', join(tmp, 'p.safetensors')]);
    expect(m.code).toBe(0);
    const want = materialize(recipe('gpt2', JSON.parse(TINY) as never, { residualScaling: 'depth' }), { seed: 3 });
    const got = readSafetensors(join(tmp, 'p.safetensors'));
    for (const [k, v] of want) expect(sameBytes(got.tensors.get(k)!.data, v), k).toBe(true);
  });

  it('usage errors exit 2 with the usage; bad configs exit 1 with the message', async () => {
    const a = await cli(['plan']);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/^nninit plan: --recipe \(or --plan\) is required\n\nUsage: nninit plan/);
    const b = await cli(['plan', '--recipe', 'gpt5']);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/--recipe: expected one of gpt2, llama/);
    const c = await cli(['plan', '--recipe', 'gpt2', '--config', '{"nHead":5}']);
    expect(c.code).toBe(1);
    expect(c.err).toMatch(/config\.nHead must be a divisor of nEmbd \(768\)/);
    const d = await cli(['plan', '--recipe', 'gpt2', '--config', '{oops']);
    expect(d.code).toBe(2);
    expect(d.err).toMatch(/--config: not valid JSON/);
  });
});

describe('nninit materialize and audit', () => {
  it('writes the file the API writes; rank files; refuses to overwrite; audits clean', async () => {
    const out = join(tmp, 'm.safetensors');
    const r = await cli(['materialize', '--recipe', 'gpt2', '--config', TINY, '--seed', '0', '--dtype', 'bfloat16', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^nninit materialize: wrote .*m\.safetensors \(28 tensors, .*\) in [\d.]+ s\n$/);
    writeSafetensors(join(tmp, 'api.safetensors'), recipe('gpt2', JSON.parse(TINY) as never), { seed: 0, dtype: 'bfloat16' });
    expect(readFileSync(out).equals(readFileSync(join(tmp, 'api.safetensors')))).toBe(true);
    const again = await cli(['materialize', '--recipe', 'gpt2', '--config', TINY, '--seed', '0', '--out', out]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/overwrite: true/);
    const rk = await cli(['materialize', '--recipe', 'gpt2', '--config', TINY, '--seed', '0', '--out', join(tmp, 'r1.safetensors'), '--rank', '1', '--world-size', '8']);
    expect(rk.code).toBe(0);
    expect(readSafetensors(join(tmp, 'r1.safetensors')).metadata).toMatchObject({ rank: '1', world_size: '8' });
    const bad = await cli(['materialize', '--recipe', 'gpt2', '--config', TINY, '--seed', '0', '--out', join(tmp, 'r9.safetensors'), '--rank', '9', '--world-size', '8']);
    expect(bad.code).toBe(2);
    expect(existsSync(join(tmp, 'r9.safetensors'))).toBe(false);
    const a = await cli(['audit', out, '--recipe', 'gpt2']);
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/^OK: 28 tensors checked, 0 with problems/m);
    expect((await cli(['audit', join(tmp, 'r1.safetensors')])).code).toBe(0);
  });

  it('audit exits 1 on a GPT-2 whose c_proj weights were left at 0.02, naming each', async () => {
    const file = join(tmp, 'bad.safetensors');
    const cfg = JSON.parse(TINY) as Record<string, unknown>;
    writeSafetensors(file, recipe('gpt2', cfg as never, { residualScaling: 'none' }), { seed: 1 });
    const r = await cli(['audit', file, '--recipe', 'gpt2', '--config', TINY]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^MISMATCH h\.1\.mlp\.c_proj\.weight: expected std 0\.01, observed 0\.0[12]/m);
    expect(r.out).toMatch(/^FAILED: 28 tensors checked, 4 with problems/m);
    const j = await cli(['audit', file, '--recipe', 'gpt2', '--config', TINY, '--json']);
    expect(JSON.parse(j.out).failed).toBe(4);
    expect((await cli(['audit'])).code).toBe(2);
  });

  it('shows a progress bar (bytes, rate, ETA) on a terminal, and none otherwise', async () => {
    const t = await cli(['materialize', '--recipe', 'gpt2', '--config', TINY, '--seed', '0', '--out', join(tmp, 'tty.safetensors')], true);
    expect(t.code).toBe(0);
    expect(t.err).toMatch(/\rnninit materialize \[#+\] 100%  [\d.]+ [KM]?B \/ [\d.]+ [KM]?B  [\d.]+ [KMG]?B\/s  ETA <1 s/);
    const n = await cli(['materialize', '--recipe', 'gpt2', '--config', TINY, '--seed', '0', '--out', join(tmp, 'notty.safetensors')]);
    expect(n.err).not.toMatch(/\r/);
  });

  it('writes .npy folders', async () => {
    const r = await cli(['materialize', '--recipe', 'lstm', '--config', '{"inputSize":3,"hiddenSize":4}', '--seed', '0', '--format', 'npy', '--out', join(tmp, 'npy')]);
    expect(r.code).toBe(0);
    expect(existsSync(join(tmp, 'npy', 'weight_ih_l0.npy'))).toBe(true);
  });
});
