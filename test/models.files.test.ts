/**
 * Files: the safetensors writer against the format specification (huggingface/safetensors
 * README "Format": u64 LE header length, JSON header with dtype / shape / data_offsets,
 * optional string-to-string __metadata__, contiguous data, 8-byte aligned start), the round
 * trip, per-rank files joining to the single-process file byte for byte, reproduction from
 * the header, .npy files, and failures that leave nothing behind.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  materialize, readSafetensors, recipe, writeNpyFolder, writeSafetensors, writeSafetensorsAsync, type ModelPlan,
} from '../lib/index.js';
import { sameBytes } from './helpers.js';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'nninit-files-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });
const f = (name: string): string => join(dir, name);
/** Files in the test directory: no temporary file may survive a call. */
const leftovers = (): string[] => readdirSync(dir).filter((n) => n.includes('.nninit-'));

const tiny = { nLayer: 2, nHead: 2, nEmbd: 32, vocabSize: 100, nPositions: 16 };

/** Parses a safetensors file by the specification, independently of readSafetensors. */
function parseSpec(buf: Buffer): { n: number; header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>; meta: Record<string, string> } {
  const n = Number(buf.readBigUInt64LE(0));
  const text = buf.subarray(8, 8 + n).toString('utf8');
  expect(text.startsWith('{')).toBe(true);
  const json = JSON.parse(text) as Record<string, unknown>;
  const meta = json.__metadata__ as Record<string, string>;
  delete json.__metadata__;
  return { n, header: json as never, meta };
}

describe('safetensors writer against the format specification', () => {
  test.each(['float32', 'bfloat16', 'float16', 'float64'] as const)('%s: header, offsets contiguous, alignment, values', (dtype) => {
    const plan = recipe('resnet', { block: 'basic', layers: [1, 1, 1, 1], numClasses: 10 });
    const path = f(`r-${dtype}.safetensors`);
    const res = writeSafetensors(path, plan, { seed: 3, dtype });
    const buf = readFileSync(path);
    expect(res.fileBytes).toBe(buf.length);
    const { n, header, meta } = parseSpec(buf);
    expect((8 + n) % 8).toBe(0); // data starts 8-aligned (header padded with spaces)
    expect(buf.subarray(8, 8 + n).toString('utf8')).toMatch(/\}\s*$/);
    const code = { float32: 'F32', bfloat16: 'BF16', float16: 'F16', float64: 'F64' }[dtype];
    const size = { F32: 4, BF16: 2, F16: 2, F64: 8, I64: 8 } as Record<string, number>;
    const entries = Object.entries(header).sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0]);
    let at = 0;
    for (const [name, e] of entries) {
      expect(e.data_offsets[0], name).toBe(at);
      const numel = e.shape.reduce((a, b) => a * b, 1);
      expect(e.data_offsets[1] - e.data_offsets[0]).toBe(numel * size[e.dtype]!);
      expect((8 + n + e.data_offsets[0]) % size[e.dtype]!).toBe(0); // every tensor aligned for its dtype
      expect(e.dtype).toBe(name.endsWith('num_batches_tracked') ? 'I64' : code);
      at = e.data_offsets[1];
    }
    expect(8 + n + at).toBe(buf.length); // no trailing bytes
    expect(Object.keys(header)).toEqual(plan.tensors.map((t) => t.name)); // header lists tensors in plan order
    expect(meta).toMatchObject({ format: 'pt', recipe: 'resnet', seed: '3', dtype });
    const m = materialize(plan, { seed: 3, dtype });
    for (const [name, e] of entries) {
      const bytes = buf.subarray(8 + n + e.data_offsets[0], 8 + n + e.data_offsets[1]);
      const want = m.get(name)!;
      expect(Buffer.from(want.buffer, want.byteOffset, want.byteLength).equals(bytes), name).toBe(true);
    }
  });

  test('readSafetensors round trip; metadata reproduces the file', () => {
    const plan = recipe('gpt2', tiny, { residualScaling: 'depth' });
    const path = f('gpt2.safetensors');
    writeSafetensors(path, plan, { seed: 12345678901234567890n, dtype: 'bfloat16' });
    const file = readSafetensors(path);
    const m = materialize(plan, { seed: 12345678901234567890n, dtype: 'bfloat16' });
    for (const [name, a] of m) {
      const t = file.tensors.get(name)!;
      expect(t.dtype).toBe('BF16');
      expect(sameBytes(t.data, a), name).toBe(true);
    }
    const meta = file.metadata!;
    expect(meta.nninit).toBe(JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version);
    expect(JSON.parse(meta.config!)).toEqual(plan.config);
    expect(JSON.parse(meta.options!)).toEqual({ residualScaling: 'depth' });
    // From the header alone: the same recipe call, or the stored plan, rewrites the same bytes.
    const again = recipe(meta.recipe as 'gpt2', JSON.parse(meta.config!), JSON.parse(meta.options!));
    writeSafetensors(f('again.safetensors'), again, { seed: BigInt(meta.seed!), dtype: meta.dtype as 'bfloat16' });
    expect(readFileSync(f('again.safetensors')).equals(readFileSync(path))).toBe(true);
    writeSafetensors(f('fromplan.safetensors'), JSON.parse(meta.plan!) as ModelPlan, { seed: BigInt(meta.seed!), dtype: 'bfloat16' });
    expect(readFileSync(f('fromplan.safetensors')).subarray(-1000).equals(readFileSync(path).subarray(-1000))).toBe(true);
  });

  test('tied tensors are written once (as save_pretrained does)', () => {
    const plan = recipe('llama', { dim: 32, nLayers: 1, nHeads: 2, vocabSize: 50, multipleOf: 16, tieWordEmbeddings: true }, { names: 'hf' });
    writeSafetensors(f('tied.safetensors'), plan, { seed: 0 });
    const file = readSafetensors(f('tied.safetensors'));
    expect(file.tensors.has('lm_head.weight')).toBe(false);
    expect(file.tensors.has('model.embed_tokens.weight')).toBe(true);
    expect(file.tensors.size).toBe(plan.tensors.length - 1);
  });

  test('the async writer (generation overlapped with I/O) writes the same bytes, with progress', async () => {
    const plan = recipe('gpt2', { ...tiny, nEmbd: 128 });
    writeSafetensors(f('s.safetensors'), plan, { seed: 1, bufferBytes: 65536 });
    const seen: number[] = [];
    const total = plan.totals.bytes;
    const r = await writeSafetensorsAsync(f('a.safetensors'), plan, { seed: 1, bufferBytes: 65536, onProgress: (d, t) => { seen.push(d); expect(t).toBe(total); } });
    expect(readFileSync(f('a.safetensors')).equals(readFileSync(f('s.safetensors')))).toBe(true);
    expect(r.dataBytes).toBe(plan.totals.bytes);
    expect(seen.at(-1)).toBe(plan.totals.bytes);
    expect(seen.length).toBe(Math.ceil(plan.totals.bytes / 65536));
    // An error thrown by the callback is the caller's: it comes back as is, and no file is left.
    const boom = new Error('stop');
    await expect(writeSafetensorsAsync(f('cb.safetensors'), plan, { seed: 1, bufferBytes: 65536, onProgress: () => { throw boom; } })).rejects.toBe(boom);
    expect(() => writeSafetensors(f('cb.safetensors'), plan, { seed: 1, bufferBytes: 65536, onProgress: () => { throw boom; } })).toThrow(boom);
    expect(existsSync(f('cb.safetensors'))).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  test('per-rank files joined equal the world-size-1 file byte for byte (world sizes 2, 3, 8)', () => {
    const plan = recipe('llama', { dim: 48, nLayers: 2, nHeads: 3, nKvHeads: 1, vocabSize: 70, multipleOf: 16 });
    const whole = f('ws1.safetensors');
    writeSafetensors(whole, plan, { seed: 8, dtype: 'bfloat16' });
    const ref = readFileSync(whole);
    const { n: refN, header: refHeader } = parseSpec(ref);
    for (const ws of [2, 3, 8]) {
      const ranks = Array.from({ length: ws }, (_, r) => {
        const p = f(`ws${ws}-r${r}.safetensors`);
        writeSafetensors(p, plan, { seed: 8, dtype: 'bfloat16', rank: r, worldSize: ws });
        return readSafetensors(p);
      });
      const split = JSON.parse(ranks[0]!.metadata!.split!) as Record<string, number | null>;
      expect(ranks[1]!.metadata).toMatchObject({ rank: '1', world_size: String(ws) });
      // Join: for each tensor, concatenate the ranks' parts along its recorded axis.
      const joined: Buffer[] = [];
      const order = Object.entries(refHeader).sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0]);
      for (const [name, e] of order) {
        const axis = split[name]!;
        const parts = ranks.map((r) => r.tensors.get(name)!);
        let data: Buffer;
        if (axis === null) data = Buffer.from(parts[0]!.data.buffer);
        else {
          const outer = e.shape.slice(0, axis).reduce((a, b) => a * b, 1);
          const inner = e.shape.slice(axis + 1).reduce((a, b) => a * b, 1) * 2;
          const rows: Buffer[] = [];
          for (let o = 0; o < outer; o++) for (const p of parts) rows.push(Buffer.from(p.data.buffer).subarray(o * p.shape[axis]! * inner, (o + 1) * p.shape[axis]! * inner));
          data = Buffer.concat(rows);
        }
        joined.push(data);
      }
      expect(Buffer.concat(joined).equals(ref.subarray(8 + refN)), `world size ${ws}`).toBe(true);
    }
  });
});

describe('.npy folders', () => {
  test('one .npy per tensor (NumPy format 1.0) plus the metadata', () => {
    const plan = recipe('lstm', { inputSize: 3, hiddenSize: 4 }, { style: 'keras' });
    const out = f('npy');
    writeNpyFolder(out, plan, { seed: 2 });
    expect(readdirSync(out).sort()).toEqual(['__metadata__.json', 'lstm%2Flstm_cell%2Fbias.npy', 'lstm%2Flstm_cell%2Fkernel.npy', 'lstm%2Flstm_cell%2Frecurrent_kernel.npy']);
    const buf = readFileSync(join(out, 'lstm%2Flstm_cell%2Fkernel.npy'));
    expect(buf.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
    expect([buf[6], buf[7]]).toEqual([1, 0]);
    const hl = buf.readUInt16LE(8);
    expect((10 + hl) % 64).toBe(0);
    expect(buf.subarray(10, 10 + hl).toString('latin1')).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(3, 16\), \}\s*\n$/);
    const want = materialize(plan, { seed: 2 }).get('lstm/lstm_cell/kernel')!;
    expect(buf.subarray(10 + hl).equals(Buffer.from(want.buffer))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, '__metadata__.json'), 'utf8'))).toMatchObject({ recipe: 'lstm', seed: '2' });
    expect(() => writeNpyFolder(out, plan, { seed: 2 })).toThrow(/overwrite/);
    writeNpyFolder(out, plan, { seed: 3, overwrite: true });
    expect(() => writeNpyFolder(f('npy16'), plan, { seed: 2, dtype: 'bfloat16' })).toThrow(/\.npy can hold/);
    expect(existsSync(f('npy16'))).toBe(false);
    expect(leftovers()).toEqual([]);
  });
});

describe('failures leave no file behind', () => {
  const plan = recipe('gpt2', tiny);
  test('an existing file is refused unless overwrite: true', async () => {
    const p = f('exists.safetensors');
    writeFileSync(p, 'keep me');
    expect(() => writeSafetensors(p, plan, { seed: 0 })).toThrow(RangeError);
    expect(() => writeSafetensors(p, plan, { seed: 0 })).toThrow(/overwrite: true/);
    await expect(writeSafetensorsAsync(p, plan, { seed: 0 })).rejects.toThrow(/overwrite: true/);
    expect(readFileSync(p, 'utf8')).toBe('keep me');
    writeSafetensors(p, plan, { seed: 0, overwrite: true });
    expect(readSafetensors(p).tensors.size).toBe(plan.tensors.length);
    expect(leftovers()).toEqual([]);
  });

  test('an unwritable or missing directory', () => {
    expect(() => writeSafetensors(join(dir, 'no', 'such', 'x.safetensors'), plan, { seed: 0 })).toThrow(/existing directory/);
    if (process.getuid?.() !== 0) {
      const ro = f('ro');
      writeNpyFolder(ro, recipe('mlp', { widths: [2, 2] }), { seed: 0 });
      chmodSync(ro, 0o500);
      try {
        expect(() => writeSafetensors(join(ro, 'x.safetensors'), plan, { seed: 0 })).toThrow(/cannot write/);
      } finally { chmodSync(ro, 0o700); }
      expect(readdirSync(ro).some((n) => n.includes('.nninit-'))).toBe(false);
    }
    expect(() => writeSafetensors('/proc/nninit-test.safetensors', plan, { seed: 0 })).toThrow(/cannot write/);
    expect(leftovers()).toEqual([]);
  });

  test('bad options: missing seed, rank >= worldSize, a directory path, a bad bufferBytes', () => {
    const p = f('never.safetensors');
    expect(() => writeSafetensors(p, plan, {} as never)).toThrow(/options\.seed/);
    expect(() => writeSafetensors(p, plan, { seed: 0, rank: 3, worldSize: 3 })).toThrow(/options\.rank/);
    expect(() => writeSafetensors(p, plan, { seed: 0, bufferBytes: 1000 })).toThrow(/bufferBytes/);
    expect(() => writeSafetensors(dir, plan, { seed: 0, overwrite: true })).toThrow(/not a directory/);
    expect(() => writeSafetensors(p, plan, { seed: 0, dtype: 'int8' as never })).toThrow(/options\.dtype/);
    expect(() => writeSafetensors('', plan, { seed: 0 })).toThrow(TypeError);
    expect(existsSync(p)).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  test('readSafetensors rejects malformed files with the reason', () => {
    const good = f('good.safetensors');
    writeSafetensors(good, recipe('mlp', { widths: [2, 3] }), { seed: 0 });
    const buf = readFileSync(good);
    const bad = f('bad.safetensors');
    writeFileSync(bad, buf.subarray(0, buf.length - 4));
    expect(() => readSafetensors(bad)).toThrow(/tensors cover .* data bytes/);
    const b2 = Buffer.from(buf);
    b2.writeBigUInt64LE(10n ** 12n, 0);
    writeFileSync(bad, b2);
    expect(() => readSafetensors(bad)).toThrow(/header length/);
    writeFileSync(bad, Buffer.from([1, 2, 3]));
    expect(() => readSafetensors(bad)).toThrow(/shorter than/);
    expect(() => readSafetensors(f('missing.safetensors'))).toThrow(/cannot read/);
  });
});
