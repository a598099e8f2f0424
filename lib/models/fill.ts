/**
 * Fills element ranges of a plan's tensors through the initializers' slice interface
 * (`offset` + `out`): a range of a tensor equals that range of the whole tensor, whatever
 * the chunking, so files, shards and in-memory tensors agree byte for byte.
 *
 * Concat specs are split at part boundaries along their axis, each piece drawn from its
 * part's initializer at the same element indices. Schemes that need the whole tensor at once
 * (orthogonal's QR) are computed whole once per tensor and sliced.
 */
import type { InitArray } from '../initializers/common.js';
import type { Seed } from '../seed.js';
import { schemeDef, type FillTarget, type NormalizedInit, type TensorDType } from './init-spec.js';
import type { ResolvedTensor } from './plan.js';

/** Any array a plan tensor materializes as. */
export type TensorArray = Float32Array | Float64Array | Uint16Array | BigInt64Array;

/** A new zeroed array of `n` elements of `dtype`. */
export function allocArray(dtype: TensorDType, n: number): TensorArray {
  switch (dtype) {
    case 'float32': return new Float32Array(n);
    case 'float64': return new Float64Array(n);
    case 'int64': return new BigInt64Array(n);
    default: return new Uint16Array(n);
  }
}

/** A typed view of `bytes` bytes of `buf` at `byteOffset` for `dtype`. */
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

/** One initializer call. */
interface Call {
  def: ReturnType<typeof schemeDef>;
  shape: number[];
  fields: Readonly<Record<string, unknown>>;
  target: FillTarget;
}

/** Fills ranges of tensors for one seed, caching whole-tensor schemes. */
export class Filler {
  /** Whole-tensor values per tensor and (concat) part. */
  private readonly whole = new Map<ResolvedTensor, Map<NormalizedInit, TensorArray>>();

  private cached(t: ResolvedTensor, init: NormalizedInit): TensorArray | undefined {
    return this.whole.get(t)?.get(init);
  }

  private keep(t: ResolvedTensor, init: NormalizedInit, w: TensorArray): void {
    let m = this.whole.get(t);
    if (m === undefined) { m = new Map(); this.whole.set(t, m); }
    m.set(init, w);
  }

  constructor(private readonly seed: Seed) {}

  /**
   * The initializer calls that write elements [offset, offset + out.length) of `t` into
   * `out`; the caller runs each (sync or awaited) before asking for the next, so the copy out
   * of a whole-tensor result runs after its call.
   */
  private *calls(t: ResolvedTensor, offset: number, out: TensorArray, dtype: Exclude<TensorDType, 'int64'>): Generator<Call, void, void> {
    for (const s of segments(t, offset, out.length)) {
      const def = schemeDef(s.init.scheme as never);
      const target = { seed: this.seed, stream: t.spec.stream, offset: s.offset, out: out.subarray(s.at, s.at + s.length) as InitArray, dtype };
      if (!def.whole) { yield { def, shape: [...t.shape], fields: s.init.fields, target }; continue; }
      let w = this.cached(t, s.init);
      if (w === undefined) {
        w = allocArray(dtype, t.numel);
        yield { def, shape: [...t.shape], fields: s.init.fields, target: { ...target, offset: 0, out: w as InitArray } };
        this.keep(t, s.init, w);
      }
      (target.out as Float32Array).set((w as Float32Array).subarray(s.offset, s.offset + s.length));
    }
  }

  /** Writes elements [offset, offset + out.length) of tensor `t` (in `dtype`) into `out`. */
  fill(t: ResolvedTensor, offset: number, out: TensorArray, dtype: TensorDType): void {
    if (out.length === 0) return;
    if (dtype === 'int64') { fillInt(t.init, out as BigInt64Array); return; }
    for (const c of this.calls(t, offset, out, dtype)) c.def.run(c.shape, c.fields, c.target);
  }

  /** {@link fill} with the initializers' Promise forms (kernels off the JS thread). */
  async fillAsync(t: ResolvedTensor, offset: number, out: TensorArray, dtype: TensorDType): Promise<void> {
    if (out.length === 0) return;
    if (dtype === 'int64') { fillInt(t.init, out as BigInt64Array); return; }
    for (const c of this.calls(t, offset, out, dtype)) await c.def.runAsync(c.shape, c.fields, c.target);
  }

  /** Drops the whole-tensor cache of `t` (after its last range). */
  release(t: ResolvedTensor): void {
    this.whole.delete(t);
  }
}

function fillInt(init: NormalizedInit, out: BigInt64Array): void {
  const v = init.scheme === 'ones' ? 1n : init.scheme === 'constant' ? BigInt(init.fields.value as number) : 0n;
  out.fill(v);
}
