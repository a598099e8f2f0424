/**
 * Writing a plan's tensors. Each tensor's initializer is validated once, for its dtype and
 * shape, with its key (lib/initializers/engine.ts initWriter); it then writes any range of
 * the tensor's local part as the steps of one job over the runs of the whole tensor that
 * range holds (a rank's part of a column-split weight is many runs). A range of a tensor
 * equals that range of the whole tensor, whatever the chunking, so files, shards and
 * in-memory tensors agree byte for byte.
 *
 * A concat writes each part over its runs inside the range (every scheme writes exactly the
 * runs of its target, so the parts share the range's array). Schemes whose values depend
 * on the whole tensor (orthogonal's QR) are computed once per tensor when it is written in
 * pieces, and copied from.
 */
import type { Seed } from '../seed.js';
import type { Step } from '../job.js';
import { allocateArray } from '../backend.js';
import type { DType, InitArray, Run, Target } from '../tensor.js';
import { checkedWriterOf, isWhole, type NormalizedInit, type TensorDType } from './init-spec.js';
import type { ResolvedTensor } from './plan.js';
import type { LocalTensor } from './layout.js';

/** Any array a plan tensor materializes as. */
export type TensorArray = Float32Array | Float64Array | Uint16Array | BigInt64Array;

/** A new zeroed array of `n` elements of `dtype` (large float ones advised as huge pages, as the initializers' results are). */
export function allocArray(dtype: TensorDType, n: number): TensorArray {
  return dtype === 'int64' ? new BigInt64Array(n) : allocateArray(dtype, n);
}

/** A typed view of `n` elements of `buf` at `byteOffset` for `dtype`. */
export function viewOf(dtype: TensorDType, buf: ArrayBuffer, byteOffset: number, n: number): TensorArray {
  switch (dtype) {
    case 'float32': return new Float32Array(buf, byteOffset, n);
    case 'float64': return new Float64Array(buf, byteOffset, n);
    case 'int64': return new BigInt64Array(buf, byteOffset, n);
    default: return new Uint16Array(buf, byteOffset, n);
  }
}

/** A piece of a range with one (non-concat) init: elements [offset, offset + length) of the tensor, at position `at` of the range. */
export interface Segment { init: NormalizedInit; offset: number; length: number; at: number }

/** Splits [offset, offset + length) of a tensor into pieces with one (non-concat) init each. */
export function segments(t: ResolvedTensor, offset: number, length: number): Segment[] {
  const init = t.init;
  if (init.scheme !== 'concat') return [{ init, offset, length, at: 0 }];
  const { axis, parts } = init.concat!;
  const shape = t.shape;
  let inner = 1;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i]!;
  const dim = shape[axis]!;
  const out: Segment[] = [];
  const end = offset + length;
  let i = offset;
  while (i < end) {
    const row = Math.floor(i / inner);
    const c = row % dim;
    const base = (row - c) * inner;
    let k = 0;
    while (parts[k]!.end <= c) k++;
    const segEnd = Math.min(end, base + parts[k]!.end * inner);
    out.push({ init: parts[k]!.init, offset: i, length: segEnd - i, at: i - offset });
    i = segEnd;
  }
  return out;
}

/** One tensor's local part, ready to write (see the module comment). */
export class TensorWriter {
  /** The writer of each (non-concat) init of the tensor. */
  private readonly writers = new Map<NormalizedInit, (t: Target) => Step[]>();
  /** Where each local run starts in the local part. */
  private readonly starts: number[] = [];
  private readonly whole: boolean;
  /** The whole local part of a whole-tensor scheme, once computed. */
  private local: TensorArray | undefined;

  /**
   * Validates the tensor's initializer(s) for its dtype; a refusal names `fn` (the public
   * function called) and the tensor, then the initializer's own message.
   */
  constructor(fn: string, readonly lt: LocalTensor, seed: Seed) {
    const t = lt.t;
    let at = 0;
    for (const r of lt.runs) { this.starts.push(at); at += r.length; }
    const inits = t.init.scheme === 'concat' ? t.init.concat!.parts.map((p) => p.init) : [t.init];
    this.whole = lt.dtype !== 'int64' && inits.some(isWhole);
    if (lt.dtype === 'int64') return;
    for (const init of inits) this.writers.set(init, checkedWriterOf(fn, `tensor '${t.spec.name}'`, init, t.shape, lt.dtype, seed, t.spec.stream));
  }

  /** The steps that write elements [from, from + out.length) of the local part into `out`. */
  steps(from: number, out: TensorArray): Step[] {
    if (out.length === 0) return [];
    if (this.lt.dtype === 'int64') return [{ post: () => fillInt(this.lt.t.init, out as BigInt64Array) }];
    if (!this.whole || (from === 0 && out.length === this.lt.numel)) return this.direct(from, out as InitArray);
    const first = this.local === undefined;
    const local = (this.local ??= allocArray(this.lt.dtype, this.lt.numel));
    const copy: Step = { post: () => { (out as Float32Array).set((local as Float32Array).subarray(from, from + out.length)); } };
    return first ? [...this.direct(0, local as InitArray), copy] : [copy];
  }

  /** Drops the whole-tensor values kept between pieces. */
  release(): void {
    this.local = undefined;
  }

  /** The runs of the whole tensor that local elements [from, from + n) are, positioned in the range. */
  private runsOf(from: number, n: number): Run[] {
    const runs = this.lt.runs, starts = this.starts;
    let lo = 0, hi = runs.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >>> 1; if (starts[mid]! <= from) lo = mid; else hi = mid - 1; }
    const out: Run[] = [];
    for (let i = lo, pos = from, end = from + n; pos < end; i++) {
      const r = runs[i]!, into = pos - starts[i]!;
      const length = Math.min(r.length - into, end - pos);
      out.push({ offset: r.offset + into, length, at: pos - from });
      pos += length;
    }
    return out;
  }

  private direct(from: number, out: InitArray): Step[] {
    const dtype = this.lt.dtype as DType;
    const runs = this.runsOf(from, out.length);
    const t = this.lt.t;
    if (t.init.scheme !== 'concat') return this.writers.get(t.init)!({ dtype, out, given: true, runs, length: out.length });
    // Each part over its own runs of the range.
    const byPart = new Map<NormalizedInit, Run[]>();
    for (const r of runs) {
      for (const s of segments(t, r.offset, r.length)) {
        let list = byPart.get(s.init);
        if (list === undefined) byPart.set(s.init, (list = []));
        list.push({ offset: s.offset, length: s.length, at: r.at + s.at });
      }
    }
    const steps: Step[] = [];
    for (const [init, list] of byPart) {
      const length = list.reduce((a, r) => a + r.length, 0);
      steps.push(...this.writers.get(init)!({ dtype, out, given: true, runs: list, length }));
    }
    return steps;
  }
}

function fillInt(init: NormalizedInit, out: BigInt64Array): void {
  const v = init.scheme === 'ones' ? 1n : init.scheme === 'constant' ? BigInt(init.fields.value as number) : 0n;
  out.fill(v);
}
