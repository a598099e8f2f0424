/**
 * The kernel kinds: one row per kernel the backends run, its parameters packed into the
 * Float64Array the addon reads and unpacked for the TypeScript kernel, side by side. A
 * row's index in {@link KINDS} is its kind id, and its name is the addon's name for it
 * (the C++ side has the same table under native/include/nninit/; the addon exports its names as
 * `kinds`, and bindAddon checks they equal these).
 */
import * as js from './kernels/distributions.js';
import type { PhiloxKey } from './kernels/philox.js';

/** The arrays kernels fill. */
export type KernelArray = Float32Array | Float64Array | Uint32Array;

/** Where raw words start: word `word` (0 <= word < 2^66) of the stream. */
export interface BitsParams {
  readonly word: bigint;
}

/** One kernel kind: its id and name, the array it fills, and its parameter layout. */
export interface Kind<P = unknown> {
  /** The id the addon knows it by (its index in {@link KINDS}). */
  readonly id: number;
  readonly name: string;
  /** The element type of the array it fills. */
  readonly array: 'uint32' | 'float32' | 'float64';
  /** Number of packed parameters. */
  readonly count: number;
  /** Packs the parameters in the order the addon reads them. */
  pack(p: P): Float64Array;
  /**
   * The plan of these parameters: the last one made when its packed words are the same
   * (a loop of identical calls allocates no plan; its params are shared, so never written).
   */
  plan(p: P): KernelPlan;
  /** Unpacks the parameters and runs the TypeScript kernel on out[0 ..) = elements offset .. of the stream. */
  run(out: KernelArray, key: PhiloxKey, offset: number, params: Float64Array): void;
  /**
   * The (offset, params) of the slice that starts `j` elements later. Kernels address
   * elements by `offset`; raw bits address words through their parameters instead (a word
   * index may exceed 2^53), so they move those.
   */
  skip(offset: number, params: Float64Array, j: number): [number, Float64Array];
}

/** A kernel kind with its packed parameters: what a job launches. Plans are shared: never write `params`. */
export interface KernelPlan {
  readonly kind: Kind;
  readonly params: Float64Array;
}

function kind<P>(
  id: number, name: string, array: Kind['array'], count: number,
  pack: (p: P, q: Float64Array) => void, run: Kind['run'], skip?: Kind['skip'],
): Kind<P> {
  const scratch = new Float64Array(count);
  let last: KernelPlan | undefined;
  const k: Kind<P> = {
    id, name, array, count,
    pack: (p) => { const q = new Float64Array(count); pack(p, q); return q; },
    plan: (p) => {
      pack(p, scratch);
      if (last !== undefined && sameWords(last.params, scratch)) return last;
      last = { kind: k as Kind, params: scratch.slice() };
      return last;
    },
    run,
    skip: skip ?? ((offset, params, j) => [offset + j, params]),
  };
  return k;
}

/** Whether two packed parameter sets are the same words (-0 is not 0). */
function sameWords(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function packBits(word: bigint, q: Float64Array): void {
  const block = word >> 2n;
  q[0] = Number(block & 0xffffffffn); q[1] = Number(block >> 32n); q[2] = Number(word & 3n);
}

/** Raw Philox words (offset unused): [block lo32, block hi32, skip]. */
export const BITS = kind<BitsParams>(0, 'bits', 'uint32', 3,
  (p, q) => packBits(p.word, q),
  (out, key, _offset, q) => js.bits(out as Uint32Array, key, q[0]!, q[1]!, q[2]!),
  (offset, q, j) => {
    const word = (BigInt(q[0]!) + (BigInt(q[1]!) << 32n)) * 4n + BigInt(q[2]! + j);
    const r = new Float64Array(3);
    packBits(word & ((1n << 66n) - 1n), r);
    return [offset, r];
  });

function packUniform(p: js.UniformParams, q: Float64Array): void {
  q[0] = p.low; q[1] = p.scale; q[2] = p.upper;
}
function unpackUniform(q: Float64Array): js.UniformParams {
  return { low: q[0]!, scale: q[1]!, upper: q[2]! };
}
/** Uniform float32: [low, scale, upper]. */
export const UNIFORM_F32 = kind<js.UniformParams>(1, 'uniform-f32', 'float32', 3, packUniform,
  (out, key, offset, q) => js.uniformF32(out as Float32Array, key, offset, unpackUniform(q)));
/** Uniform float64: [low, scale, upper]. */
export const UNIFORM_F64 = kind<js.UniformParams>(2, 'uniform-f64', 'float64', 3, packUniform,
  (out, key, offset, q) => js.uniformF64(out as Float64Array, key, offset, unpackUniform(q)));

function packNormal(p: js.NormalParams, q: Float64Array): void {
  q[0] = p.mean; q[1] = p.std;
}
function unpackNormal(q: Float64Array): js.NormalParams {
  return { mean: q[0]!, std: q[1]! };
}
/** Normal float32: [mean, std]. */
export const NORMAL_F32 = kind<js.NormalParams>(3, 'normal-f32', 'float32', 2, packNormal,
  (out, key, offset, q) => js.normalF32(out as Float32Array, key, offset, unpackNormal(q)));
/** Normal float64: [mean, std]. */
export const NORMAL_F64 = kind<js.NormalParams>(4, 'normal-f64', 'float64', 2, packNormal,
  (out, key, offset, q) => js.normalF64(out as Float64Array, key, offset, unpackNormal(q)));

function packTruncated(p: js.TruncatedNormalParams, q: Float64Array): void {
  q[0] = p.fast ? 1 : 0; q[1] = p.mean; q[2] = p.std; q[3] = p.lo; q[4] = p.hi;
  q[5] = p.ea; q[6] = p.d; q[7] = p.scale; q[8] = p.flip; q[9] = p.lpb;
  q[10] = p.e0; q[11] = p.c0;
}
function unpackTruncated(q: Float64Array): js.TruncatedNormalParams {
  return {
    fast: q[0] === 1, mean: q[1]!, std: q[2]!, lo: q[3]!, hi: q[4]!,
    ea: q[5]!, d: q[6]!, scale: q[7]!, flip: q[8]!, lpb: q[9]!,
    e0: q[10]!, c0: q[11]!,
  };
}
/** Truncated normal float32: [fast, mean, std, lo, hi, ea, d, scale, flip, lpb, e0, c0]. */
export const TRUNCATED_NORMAL_F32 = kind<js.TruncatedNormalParams>(5, 'truncated-normal-f32', 'float32', 12, packTruncated,
  (out, key, offset, q) => js.truncatedNormalF32(out as Float32Array, key, offset, unpackTruncated(q)));
/** Truncated normal float64: same layout. */
export const TRUNCATED_NORMAL_F64 = kind<js.TruncatedNormalParams>(6, 'truncated-normal-f64', 'float64', 12, packTruncated,
  (out, key, offset, q) => js.truncatedNormalF64(out as Float64Array, key, offset, unpackTruncated(q)));

/** Every kind, indexed by id. */
export const KINDS: readonly Kind[] = [
  BITS, UNIFORM_F32, UNIFORM_F64, NORMAL_F32, NORMAL_F64, TRUNCATED_NORMAL_F32, TRUNCATED_NORMAL_F64,
] as Kind[];

/** A kind and its parameters, packed: what a job launches. */
export function planOf<P>(k: Kind<P>, p: P): KernelPlan {
  return k.plan(p);
}
