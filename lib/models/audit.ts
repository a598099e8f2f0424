/**
 * `audit(tensors | path, plan)`: do these tensors follow the plan? For every tensor: present,
 * shape (or length) right, then per region of one distribution (a concat has several):
 * - constants: every element equals the planned value (after rounding to the dtype);
 * - random: mean and std within `sigmas` standard errors of the planned distribution's
 *   (plus the dtype's rounding), values inside the planned bounds (uniform, truncated
 *   normal), and a Kolmogorov-Smirnov test of an evenly strided sample against the planned
 *   CDF (p >= alpha);
 * - orthogonal: entry std gain / sqrt(max(rows, cols)), and W W^T = gain^2 I (or W^T W)
 *   within the dtype's precision when the whole matrix is at hand.
 * Each problem names the expected and the observed std. Files are streamed tensor by tensor.
 */
import { rangeError, typeError } from '../errors.js';
import { readOptions } from '../validate.js';
import { fromBfloat16, fromFloat16, toBfloat16, toFloat16 } from '../dtypes.js';
import { checkPlan, type ModelPlan, type ResolvedPlan } from './plan.js';
import { select, type LocalTensor } from './layout.js';
import { segments } from './fill.js';
import { cdfOf, initText, momentsOf, plannedOf, type NormalizedInit, type Planned, type TensorDType } from './init-spec.js';
import type { SafetensorsFile, SafetensorsSource, SafetensorsTensor } from './safetensors.js';

/** Options of {@link audit}. */
export interface AuditOptions {
  /** The rank whose part the tensors are (default: the file's metadata, else 0). */
  rank?: number;
  /** The number of ranks (default: the file's metadata, else 1). */
  worldSize?: number;
  /** Split axis overrides used when the parts were made. */
  splitAxis?: Record<string, number | string | null>;
  /** dtype of 16-bit arrays given in memory (Uint16Array): 'bfloat16' or 'float16'. Default: the plan's dtype. */
  dtype?: 'bfloat16' | 'float16' | 'float32' | 'float64';
  /** Standard errors allowed for mean and std. Default 5 (a false alarm per tensor about 6e-7 for a normal). */
  sigmas?: number;
  /** KS test threshold on the p-value. Default 1e-6. */
  alpha?: number;
  /** Elements sampled (evenly strided) for the KS test. Default 20000. */
  sample?: number;
}

/** The observed statistics of a region. */
export interface Observed {
  n: number;
  mean: number;
  std: number;
  min: number;
  max: number;
}

/** One region (a whole tensor, or one part of a concat) of one tensor. */
export interface AuditRegion {
  /** The planned distribution, as text: `normal(std=0.02)`. */
  init: string;
  /** Planned mean and std. */
  expected: { mean: number; std: number };
  observed: Observed;
  /** Kolmogorov-Smirnov statistic and p-value, or null (constants, orthogonal, tiny samples). */
  ks: { d: number; p: number; n: number } | null;
}

/** The audit of one tensor. */
export interface AuditTensor {
  name: string;
  role: string;
  ok: boolean;
  /** Every mismatch, each naming the expected and the observed values. */
  problems: string[];
  regions: AuditRegion[];
}

/** The audit of a set of tensors against a plan. */
export interface AuditReport {
  ok: boolean;
  /** Tensors checked. */
  checked: number;
  /** Tensors with problems (missing ones included). */
  failed: number;
  tensors: AuditTensor[];
  /** Plan tensors absent from the input (tied ones excepted). */
  missing: string[];
  /** Input tensors the plan does not have. */
  unexpected: string[];
  /** The tolerances used. */
  tolerance: { sigmas: number; alpha: number; sample: number };
}

type Num = Float64Array | Float32Array | Uint16Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint32Array | BigUint64Array;
/** A tensor to audit: its shape if known, element count, dtype code if known, and a reader of element ranges. */
interface Input { shape: readonly number[] | null; numel: number; code: string | null; read(start: number, count: number): Num }

/** Elements read at a time from a file. */
const CHUNK = 1 << 20;

function memInput(shape: readonly number[] | null, data: Num, code: string | null): Input {
  return { shape, numel: data.length, code, read: (start, count) => data.subarray(start, start + count) as Num };
}

const EPS: Record<string, number> = { float64: 1e-12, float32: 2e-7, bfloat16: 2 ** -8, float16: 2 ** -11, int64: 0 };

function codeOf(code: string | null, dtype: TensorDType): string {
  return code ?? ({ float64: 'F64', float32: 'F32', bfloat16: 'BF16', float16: 'F16', int64: 'I64' } as const)[dtype];
}

function roundTo(dtype: string, x: number): number {
  if (dtype === 'bfloat16') return fromBfloat16(toBfloat16(x));
  if (dtype === 'float16') return fromFloat16(toFloat16(x));
  if (dtype === 'float32') return Math.fround(x);
  return x;
}

/** Kolmogorov's limiting distribution Q(lambda) = 2 sum (-1)^(k-1) e^(-2 k^2 lambda^2), with Stephens' small-n correction. */
export function ksPValue(d: number, n: number): number {
  const sn = Math.sqrt(n);
  const lambda = (sn + 0.12 + 0.11 / sn) * d;
  if (lambda < 0.2) return 1;
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    sum += k % 2 === 1 ? term : -term;
    if (term < 1e-17) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/** Decoding tables of the 16-bit dtypes (bits → value). */
let BF16: Float32Array | undefined, F16: Float32Array | undefined;
function table(code: 'BF16' | 'F16'): Float32Array {
  if (code === 'BF16') {
    if (BF16 === undefined) { BF16 = new Float32Array(65536); for (let h = 0; h < 65536; h++) BF16[h] = fromBfloat16(h); }
    return BF16;
  }
  if (F16 === undefined) { F16 = new Float32Array(65536); for (let h = 0; h < 65536; h++) F16[h] = fromFloat16(h); }
  return F16;
}

/** Running statistics of one region (sums shifted by the planned mean), and an evenly strided sample. */
class Acc {
  n = 0; s1 = 0; s2 = 0; min = Infinity; max = -Infinity;
  readonly sample: number[] = [];
  constructor(readonly shift: number, readonly stride: number) {}

  /** Adds `vals` (already decoded floats), the first of which is the region's element number `k`. */
  addFloats(vals: Float32Array | Float64Array, k: number): void {
    const c = this.shift;
    let s1 = 0, s2 = 0, mn = this.min, mx = this.max;
    const n = vals.length;
    for (let i = 0; i < n; i++) {
      const x = vals[i]!;
      const y = x - c;
      s1 += y; s2 += y * y;
      if (x < mn) mn = x;
      if (x > mx) mx = x;
    }
    this.s1 += s1; this.s2 += s2; this.min = mn; this.max = mx; this.n += n;
    const st = this.stride;
    for (let i = (st - (k % st)) % st; i < n; i += st) this.sample.push(vals[i]!);
  }

  observed(): Observed {
    const m = this.n > 0 ? this.s1 / this.n : 0;
    const v = this.n > 1 ? (this.s2 - this.n * m * m) / (this.n - 1) : 0;
    return { n: this.n, mean: this.shift + m, std: Math.sqrt(Math.max(v, 0)), min: this.n ? this.min : NaN, max: this.n ? this.max : NaN };
  }
}

/** Decodes a chunk to floats (16-bit through a table; integers by conversion). */
function toFloats(data: Num, code: string, scratch: Float32Array): Float32Array | Float64Array {
  if (data instanceof Float32Array || data instanceof Float64Array) return data;
  const out = scratch.length >= data.length ? scratch.subarray(0, data.length) : new Float32Array(data.length);
  if (code === 'BF16' || code === 'F16') {
    const t = table(code);
    const u = data as Uint16Array;
    for (let i = 0; i < u.length; i++) out[i] = t[u[i]!]!;
    return out;
  }
  const f = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) f[i] = Number(data[i]!);
  return f;
}

const fmt = (x: number): string => (x === 0 ? '0' : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? String(+x.toPrecision(4)) : x.toExponential(3));

function checkRegion(name: string, p: Planned, dtype: string, acc: Acc, o: { sigmas: number; alpha: number }, problems: string[]): AuditRegion['ks'] {
  const obs = acc.observed();
  const exp = momentsOf(p);
  const eps = EPS[dtype] ?? 1e-6;
  if (obs.n === 0) return null;
  if (p.kind === 'constant') {
    const v = roundTo(dtype, p.value);
    if (obs.min !== v || obs.max !== v) {
      problems.push(`${name}: expected every element ${fmt(v)} (std 0); observed mean ${fmt(obs.mean)}, std ${fmt(obs.std)}, range [${fmt(obs.min)}, ${fmt(obs.max)}]`);
    }
    return null;
  }
  const sd = exp.std;
  // Standard error of the sample std: sigma sqrt((kurtosis - 1) / (4 n)); kurtosis 3 (normal) bounds the
  // truncated normal's and orthogonal entries', 1.8 for the uniform.
  const kurt = p.kind === 'uniform' ? 1.8 : 3;
  const seStd = sd * Math.sqrt((kurt - 1) / (4 * obs.n));
  const seMean = sd / Math.sqrt(obs.n);
  const tolStd = o.sigmas * seStd + eps * sd;
  const tolMean = o.sigmas * seMean + eps * (Math.abs(exp.mean) + sd);
  if (Math.abs(obs.std - sd) > tolStd) {
    problems.push(`${name}: expected std ${fmt(sd)}, observed ${fmt(obs.std)} (${fmt(obs.std / sd)}x; tolerance +-${fmt(tolStd)}, ${o.sigmas} standard errors over ${obs.n} elements)`);
  }
  if (Math.abs(obs.mean - exp.mean) > tolMean) {
    problems.push(`${name}: expected mean ${fmt(exp.mean)}, observed ${fmt(obs.mean)} (tolerance +-${fmt(tolMean)}); expected std ${fmt(sd)}, observed ${fmt(obs.std)}`);
  }
  let lo = -Infinity, hi = Infinity;
  if (p.kind === 'uniform') { lo = p.low; hi = p.high; }
  if (p.kind === 'truncatedNormal') { lo = p.a; hi = p.b; }
  const slack = eps * Math.max(Math.abs(lo), Math.abs(hi) === Infinity ? 0 : Math.abs(hi));
  if (obs.min < lo - slack || obs.max > hi + slack) {
    problems.push(`${name}: expected values in [${fmt(lo)}, ${fmt(hi)}], observed [${fmt(obs.min)}, ${fmt(obs.max)}] (expected std ${fmt(sd)}, observed ${fmt(obs.std)})`);
  }
  const cdf = cdfOf(p);
  if (cdf === null || acc.sample.length < 50) return null;
  const xs = Float64Array.from(acc.sample).sort();
  const n = xs.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(xs[i]!);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  const pv = ksPValue(d, n);
  if (pv < o.alpha) problems.push(`${name}: Kolmogorov-Smirnov test rejects ${p.kind} (D = ${fmt(d)}, p = ${pv.toExponential(2)} < ${o.alpha} over ${n} samples); expected std ${fmt(sd)}, observed ${fmt(obs.std)}`);
  return { d, p: pv, n };
}

/** Checks W W^T = gain^2 I (rows <= cols) or W^T W (rows > cols) of a whole orthogonal matrix. */
function checkOrthogonal(name: string, p: Extract<Planned, { kind: 'orthogonal' }>, get: (i: number) => number, dtype: string, problems: string[]): void {
  const { rows, cols, gain } = p;
  if (rows * cols > 1 << 22) return;
  const wide = rows <= cols;
  const k = wide ? rows : cols, len = wide ? cols : rows;
  const m = new Float64Array(rows * cols);
  for (let i = 0; i < m.length; i++) m[i] = get(i);
  const at = (v: number, j: number): number => (wide ? m[v * cols + j]! : m[j * cols + v]!);
  let worst = 0;
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let s = 0;
      for (let j = 0; j < len; j++) s += at(a, j) * at(b, j);
      worst = Math.max(worst, Math.abs(s - (a === b ? gain * gain : 0)));
    }
  }
  const tol = (dtype === 'float64' ? 1e-10 : dtype === 'float32' ? 1e-4 : dtype === 'float16' ? 1e-2 : 5e-2) * gain * gain * Math.max(1, Math.sqrt(len) / 8);
  if (worst > tol) problems.push(`${name}: expected ${wide ? 'W W^T' : 'W^T W'} = ${fmt(gain * gain)} I, observed a deviation of ${fmt(worst)} (tolerance ${fmt(tol)})`);
}

function auditTensor(lt: LocalTensor, owner: LocalTensor, input: Input, dtype: TensorDType, o: { sigmas: number; alpha: number; sample: number }): AuditTensor {
  // A tied tensor holds its target's values: audit them against the target's init.
  const t = owner.t;
  const name = lt.t.spec.name;
  const problems: string[] = [];
  const regions: AuditRegion[] = [];
  const rep = (): AuditTensor => ({ name, role: lt.t.spec.role, ok: problems.length === 0, problems, regions });
  if (input.shape !== null) {
    if (input.shape.join(',') !== lt.shape.join(',')) {
      problems.push(`${name}: expected shape [${lt.shape.join(', ')}], observed [${input.shape.join(', ')}]`);
      return rep();
    }
  }
  if (input.numel !== lt.numel) {
    problems.push(`${name}: expected ${lt.numel} elements (shape [${lt.shape.join(', ')}]), observed ${input.numel}`);
    return rep();
  }
  const code = codeOf(input.code, dtype);
  const scratch = new Float32Array(CHUNK);
  const planned = new Map<NormalizedInit, { p: Planned; acc: Acc }>();
  // Pieces of one distribution each, at their positions in the local data.
  const pieces: { init: NormalizedInit; at: number; length: number }[] = [];
  let base = 0;
  for (const r of lt.runs) {
    for (const s of segments(t, r.offset, r.length)) pieces.push({ init: s.init, at: base + s.at, length: s.length });
    base += r.length;
  }
  const counts = new Map<NormalizedInit, number>();
  for (const s of pieces) counts.set(s.init, (counts.get(s.init) ?? 0) + s.length);
  for (const [init, count] of counts) {
    const p = plannedOf(init, t.shape);
    planned.set(init, { p, acc: new Acc(momentsOf(p).mean, Math.max(1, Math.ceil(count / o.sample))) });
  }
  const seen = new Map<NormalizedInit, number>();
  for (const s of pieces) {
    const r = planned.get(s.init)!;
    let k = seen.get(s.init) ?? 0;
    for (let j = 0; j < s.length; j += CHUNK) {
      const n = Math.min(CHUNK, s.length - j);
      r.acc.addFloats(toFloats(input.read(s.at + j, n), code, scratch), k);
      k += n;
    }
    seen.set(s.init, k);
  }
  const whole = lt.axis === null;
  for (const [init, r] of planned) {
    const label = t.init.scheme === 'concat' ? `${name} (${initText(init)} part)` : name;
    const ks = checkRegion(label, r.p, dtype, r.acc, o, problems);
    if (r.p.kind === 'orthogonal' && whole && problems.length === 0 && lt.numel <= 1 << 22) {
      const all = toFloats(input.read(0, lt.numel), code, new Float32Array(0));
      checkOrthogonal(label, r.p, (i) => all[i]!, dtype, problems);
    }
    regions.push({ init: initText(init), expected: momentsOf(r.p), observed: r.acc.observed(), ks });
  }
  return rep();
}

/** Tensors to audit: materialize's Map, readSafetensors' result, or a record of name → typed array or { data, shape, dtype }. */
export type AuditTensors = Map<string, unknown> | SafetensorsFile | Record<string, unknown>;

/** Opens a safetensors file by path (the Node entry's; host-free code has none). */
export type FileOpener = (path: string) => SafetensorsSource & { close(): void };

function asInput(fn: string, name: string, v: unknown): Input {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return memInput(null, v as Num, null);
  if (v !== null && typeof v === 'object' && ArrayBuffer.isView((v as SafetensorsTensor).data)) {
    const x = v as SafetensorsTensor;
    return memInput(Array.isArray(x.shape) ? x.shape : null, x.data, typeof x.dtype === 'string' ? x.dtype : null);
  }
  throw typeError(fn, `tensors.get(${JSON.stringify(name)})`, 'a typed array or { data, shape, dtype }', v);
}

/**
 * Audits tensors against a plan (see the module comment): `tensors` is materialize's Map,
 * readSafetensors' result, or a record of name → typed array or { data, shape, dtype }.
 * The Node entry's `audit` also takes the path of a safetensors file.
 * @example
 * ```ts
 * const plan = recipe('gpt2', { nLayer: 2, nHead: 2, nEmbd: 64 });
 * const report = audit(materialize(plan, { seed: 1 }), plan);
 * report.ok; // true
 * ```
 */
export function audit(tensors: AuditTensors, plan?: ModelPlan, options?: AuditOptions): AuditReport {
  return auditWith(tensors, plan, options, null);
}

/**
 * {@link audit}, where a string is the path of a safetensors file that `open` reads
 * (streamed tensor by tensor; its metadata gives rank and worldSize of a shard, and its
 * plan when `plan` is omitted). The file is opened after the options are checked.
 */
export function auditWith(tensors: AuditTensors | string, plan: ModelPlan | undefined, options: AuditOptions | undefined, open: FileOpener | null): AuditReport {
  const fn = 'audit';
  const o = readOptions(fn, options, ['rank', 'worldSize', 'splitAxis', 'dtype', 'sigmas', 'alpha', 'sample']);
  const num = (k: string, d: number, ok: (x: number) => boolean, what: string): number => {
    const v = o[k];
    if (v === undefined) return d;
    if (typeof v !== 'number') throw typeError(fn, `options.${k}`, what, v);
    if (!ok(v)) throw rangeError(fn, `options.${k}`, what, v);
    return v;
  };
  const tol = {
    sigmas: num('sigmas', 5, (x) => Number.isFinite(x) && x > 0, 'a finite number > 0'),
    alpha: num('alpha', 1e-6, (x) => x > 0 && x < 1, 'a number in (0, 1)'),
    sample: num('sample', 20000, (x) => Number.isSafeInteger(x) && x >= 50, 'an integer >= 50'),
  };
  if (o.dtype !== undefined && !['bfloat16', 'float16', 'float32', 'float64'].includes(o.dtype as string)) {
    throw (typeof o.dtype === 'string' ? rangeError : typeError)(fn, 'options.dtype', 'one of "bfloat16", "float16", "float32", "float64"', o.dtype);
  }
  let file: (SafetensorsSource & { close(): void }) | null = null;
  const path = typeof tensors === 'string' ? tensors : null;
  try {
    if (path !== null) {
      if (open === null) throw typeError(fn, 'tensors', "a Map of tensors, readSafetensors() output or a record (files are read by the Node entry's audit)", path);
      if (path.length === 0) throw typeError(fn, 'tensors', 'a non-empty path, or tensors', path);
      file = open(path);
    } else if (tensors === null || typeof tensors !== 'object') {
      throw typeError(fn, 'tensors', `a Map of tensors, readSafetensors() output, a record${open === null ? '' : ', or a file path'}`, tensors);
    }
    const header = file?.header ?? null;
    const meta = header?.metadata ?? null;
    let rp: ResolvedPlan;
    if (plan === undefined) {
      if (meta?.plan === undefined) throw typeError(fn, 'plan', 'a plan (the input carries no nninit plan in its metadata)', plan);
      rp = checkPlan(fn, JSON.parse(meta.plan) as unknown, 'the file\'s plan');
    } else {
      rp = checkPlan(fn, plan);
    }
    const sel = select(fn, {
      seed: 0,
      rank: o.rank ?? (meta?.rank !== undefined ? Number(meta.rank) : undefined),
      worldSize: o.worldSize ?? (meta?.world_size !== undefined ? Number(meta.world_size) : undefined),
      splitAxis: o.splitAxis ?? (meta?.split_axis !== undefined ? JSON.parse(meta.split_axis) as unknown : undefined),
    }, rp);
    // The inputs by name.
    const names: string[] = [];
    let lookup: (name: string) => Input | undefined;
    if (header !== null) {
      const byName = new Map(header.entries.map((e) => [e.name, e]));
      names.push(...byName.keys());
      lookup = (name) => {
        const e = byName.get(name);
        if (e === undefined) return undefined;
        return { shape: e.shape, numel: e.shape.reduce((a, b) => a * b, 1), code: e.dtype, read: (start, count) => file!.read(e, start, count) as Num };
      };
    } else if (tensors instanceof Map) {
      names.push(...(tensors.keys() as IterableIterator<string>));
      lookup = (name) => (tensors.has(name) ? asInput(fn, name, tensors.get(name)) : undefined);
    } else if ((tensors as SafetensorsFile).tensors instanceof Map) {
      const m = (tensors as SafetensorsFile).tensors;
      names.push(...m.keys());
      lookup = (name) => (m.has(name) ? asInput(fn, name, m.get(name)) : undefined);
    } else {
      const rec = tensors as Record<string, unknown>;
      names.push(...Object.keys(rec));
      lookup = (name) => (Object.prototype.hasOwnProperty.call(rec, name) ? asInput(fn, name, rec[name]) : undefined);
    }
    const report: AuditReport = { ok: true, checked: 0, failed: 0, tensors: [], missing: [], unexpected: [], tolerance: tol };
    const known = new Set(rp.tensors.map((t) => t.spec.name));
    report.unexpected = names.filter((n) => !known.has(n));
    for (const lt of sel.tensors) {
      const input = lookup(lt.t.spec.name);
      if (input === undefined) {
        if (lt.t.tiedIndex < 0) report.missing.push(lt.t.spec.name);
        continue;
      }
      let dtype: TensorDType = lt.dtype;
      const probe = input.read(0, 0);
      if (input.code === null && probe instanceof Uint16Array) {
        dtype = (o.dtype as TensorDType | undefined) ?? (lt.dtype === 'bfloat16' || lt.dtype === 'float16' ? lt.dtype : 'bfloat16');
        if (o.dtype === undefined && lt.dtype !== 'bfloat16' && lt.dtype !== 'float16') {
          throw typeError(fn, 'options.dtype', `"bfloat16" or "float16" to read the Uint16Array of ${lt.t.spec.name} (its plan dtype is ${lt.dtype})`, o.dtype);
        }
      } else if (input.code !== null) {
        dtype = ({ F64: 'float64', F32: 'float32', BF16: 'bfloat16', F16: 'float16', I64: 'int64' } as Record<string, TensorDType>)[input.code] ?? lt.dtype;
      } else if (probe instanceof Float64Array) dtype = 'float64';
      else if (probe instanceof Float32Array) dtype = 'float32';
      const r = auditTensor(lt, lt.t.tiedIndex >= 0 ? sel.tensors[lt.t.tiedIndex]! : lt, input, dtype, tol);
      report.tensors.push(r);
      report.checked++;
      if (!r.ok) report.failed++;
    }
    report.failed += report.missing.length + report.unexpected.length;
    report.ok = report.failed === 0;
    return report;
  } finally {
    file?.close();
  }
}
