/**
 * Files read by a reader we did not write: NumPy's np.load reads every .npy file writeNpyFolder
 * makes (shape, dtype, values), and NumPy, given only the safetensors header's offsets,
 * finds the same values in the safetensors file. (.ci/run installs python3-numpy when
 * python3 cannot import numpy.)
 */
import { afterAll, describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { materialize, recipe, writeNpyFolder, writeSafetensors } from '../lib/index.js';
import { npyFileName } from '../lib/models/safetensors.js';

const dir = mkdtempSync(join(tmpdir(), 'nninit-numpy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a Python snippet with numpy; returns its stdout parsed as JSON. */
function py(code: string, ...args: string[]): unknown {
  const out = execFileSync('python3', ['-c', code, ...args], { encoding: 'utf8' });
  return JSON.parse(out) as unknown;
}

/** Sum of values and shape/dtype per tensor, as NumPy sees them in .npy files. */
const NPY = `
import json, os, sys, numpy as np
d = sys.argv[1]
out = {}
for f in sorted(os.listdir(d)):
    if not f.endswith('.npy'): continue
    a = np.load(os.path.join(d, f), allow_pickle=False)
    out[f] = {'shape': list(a.shape), 'dtype': str(a.dtype), 'sum': float(a.astype(np.float64).sum()), 'first': float(a.reshape(-1)[0]) if a.size else None}
print(json.dumps(out))
`;

/** The same from a safetensors file, using only its header's offsets. */
const ST = `
import json, sys, numpy as np
raw = open(sys.argv[1], 'rb').read()
n = int.from_bytes(raw[:8], 'little')
h = json.loads(raw[8:8 + n])
h.pop('__metadata__', None)
kinds = {'F32': '<f4', 'F64': '<f8', 'F16': '<f2', 'I64': '<i8'}
out = {}
for k, v in h.items():
    b, e = v['data_offsets']
    a = np.frombuffer(raw[8 + n + b: 8 + n + e], dtype=kinds[v['dtype']]).reshape(v['shape'])
    out[k] = {'shape': list(a.shape), 'sum': float(a.astype(np.float64).sum())}
print(json.dumps(out))
`;

function sumOf(a: ArrayLike<number | bigint>, half: boolean): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += half ? f16(a[i] as number) : Number(a[i]);
  return s;
}
function f16(h: number): number {
  const e = (h >> 10) & 31, m = h & 1023, sg = h & 0x8000 ? -1 : 1;
  return e === 0 ? sg * m * 2 ** -24 : e === 31 ? (m ? NaN : sg * Infinity) : sg * (1024 + m) * 2 ** (e - 25);
}

describe('NumPy reads nninit files', () => {
  test.each(['float32', 'float64', 'float16'] as const)('.npy, %s, with int64 buffers and percent-escaped names', (dtype) => {
    const plan = recipe('resnet', { block: 'basic', layers: [1, 1, 1, 1], numClasses: 7 });
    const out = join(dir, `npy-${dtype}`);
    writeNpyFolder(out, plan, { seed: 5, dtype });
    const seen = py(NPY, out) as Record<string, { shape: number[]; dtype: string; sum: number; first: number | null }>;
    const m = materialize(plan, { seed: 5, dtype });
    expect(Object.keys(seen)).toHaveLength(plan.tensors.length);
    const np = { float32: 'float32', float64: 'float64', float16: 'float16' }[dtype];
    for (const t of plan.tensors) {
      const s = seen[npyFileName(t.name)]!;
      expect(s.shape, t.name).toEqual([...t.shape]);
      expect(s.dtype).toBe(t.dtype === 'int64' ? 'int64' : np);
      const want = sumOf(m.get(t.name)! as ArrayLike<number>, dtype === 'float16' && t.dtype !== 'int64');
      expect(Math.abs(s.sum - want), t.name).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)) + (dtype === 'float16' ? 1e-3 : 1e-6));
    }
    const lstm = recipe('lstm', { inputSize: 3, hiddenSize: 2 }, { style: 'keras' });
    writeNpyFolder(join(dir, `lstm-${dtype}`), lstm, { seed: 1, dtype });
    expect(Object.keys(py(NPY, join(dir, `lstm-${dtype}`)) as object)).toEqual(['lstm%2Flstm_cell%2Fbias.npy', 'lstm%2Flstm_cell%2Fkernel.npy', 'lstm%2Flstm_cell%2Frecurrent_kernel.npy']);
  });

  test('safetensors: NumPy finds every tensor at its header offsets', () => {
    const plan = recipe('resnet', { block: 'bottleneck', layers: [1, 1, 1, 1], numClasses: 3 });
    const file = join(dir, 'r.safetensors');
    writeSafetensors(file, plan, { seed: 9 });
    const seen = py(ST, file) as Record<string, { shape: number[]; sum: number }>;
    const m = materialize(plan, { seed: 9 });
    for (const t of plan.tensors) {
      expect(seen[t.name]!.shape).toEqual([...t.shape]);
      const want = sumOf(m.get(t.name)! as ArrayLike<number>, false);
      expect(Math.abs(seen[t.name]!.sum - want)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want)));
    }
  });
});
