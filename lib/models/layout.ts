/**
 * Where each tensor's values go: the part of it a rank owns (per role a split axis,
 * overridable), as contiguous runs of the whole tensor, and the dtype it is written in.
 */
import { rangeError, typeError } from '../errors.js';
import { readOptions } from '../validate.js';
import { seedWords, type Seed } from '../seed.js';
import { evenSplit, partAlong } from '../tensor.js';
import { isRole, ROLE_NAMES, splitRuleOf, type Role, type SplitRule } from './roles.js';
import { optional, type ResolvedPlan, type ResolvedTensor } from './plan.js';
import type { TensorDType } from './init-spec.js';

/** A split axis override: an axis (negative counts from the end), a rule, or null (replicated). */
export type SplitAxis = number | SplitRule;

/** Options shared by materialize and the file writers. */
export interface OutputSelection {
  /** Seed of the whole model, an integer in [0, 2^64). Required. */
  seed: Seed;
  /** dtype of every floating-point tensor (default: each tensor's plan dtype). int64 buffers stay int64. */
  dtype?: 'float32' | 'float64' | 'bfloat16' | 'float16';
  /** This process's rank, 0 <= rank < worldSize (default 0). */
  rank?: number;
  /** The number of ranks the model is split across (default 1: the whole model). */
  worldSize?: number;
  /** Per role, the axis to split along instead of the default (see ROLES), or null to replicate. */
  splitAxis?: Partial<Record<Role, SplitAxis>>;
}

/** One tensor's local part. */
export interface LocalTensor {
  readonly t: ResolvedTensor;
  /** The split axis, or null when the tensor is replicated (whole on every rank). */
  readonly axis: number | null;
  /** The local shape. */
  readonly shape: readonly number[];
  /** Elements of the local part. */
  readonly numel: number;
  /** Contiguous runs of the whole tensor (row-major) making up the local part, in order. */
  readonly runs: readonly { readonly offset: number; readonly length: number }[];
  readonly dtype: TensorDType;
}

/** A validated selection. */
export interface Selection {
  readonly seed: Seed;
  readonly dtype: TensorDType | undefined;
  readonly rank: number;
  readonly worldSize: number;
  readonly splitAxis: Readonly<Record<string, SplitAxis>>;
  readonly tensors: readonly LocalTensor[];
}

const FLOATS = ['float32', 'float64', 'bfloat16', 'float16'];

/** The option names of {@link OutputSelection}. */
export const SELECTION_KEYS = ['seed', 'dtype', 'rank', 'worldSize', 'splitAxis'];

function ruleAxis(rule: SplitRule, ndim: number, keras: boolean): number | null {
  if (rule === null || ndim === 0) return null;
  if (rule === 'rows') return 0;
  if (ndim === 1) return 0;
  if (rule === 'out') return keras ? ndim - 1 : 0;
  return keras ? ndim - 2 : 1;
}

/** Validates seed, dtype, rank, worldSize and splitAxis in `o` and lays the plan out. */
export function select(fn: string, o: Record<string, unknown>, rp: ResolvedPlan): Selection {
  if (o.seed === undefined) throw typeError(fn, 'options.seed', 'an integer in [0, 2^64) (a model needs an explicit seed to be reproducible)', o.seed);
  seedWords(fn, 'options.seed', o.seed);
  let dtype: TensorDType | undefined;
  if (o.dtype !== undefined) {
    if (typeof o.dtype !== 'string' || !FLOATS.includes(o.dtype)) {
      throw (typeof o.dtype === 'string' ? rangeError : typeError)(fn, 'options.dtype', `one of ${FLOATS.map((d) => JSON.stringify(d)).join(', ')}`, o.dtype);
    }
    dtype = o.dtype as TensorDType;
  }
  let worldSize = 1;
  if (o.worldSize !== undefined) {
    if (typeof o.worldSize !== 'number') throw typeError(fn, 'options.worldSize', 'a positive integer', o.worldSize);
    if (!Number.isSafeInteger(o.worldSize) || o.worldSize < 1) throw rangeError(fn, 'options.worldSize', 'a positive integer', o.worldSize);
    worldSize = o.worldSize;
  }
  let rank = 0;
  if (o.rank !== undefined) {
    if (typeof o.rank !== 'number') throw typeError(fn, 'options.rank', `an integer in [0, ${worldSize}) (below options.worldSize)`, o.rank);
    if (!Number.isSafeInteger(o.rank) || o.rank < 0 || o.rank >= worldSize) throw rangeError(fn, 'options.rank', `an integer in [0, ${worldSize}) (below options.worldSize)`, o.rank);
    rank = o.rank;
  }
  const overrides: Record<string, SplitAxis> = {};
  if (o.splitAxis !== undefined) {
    const s = readOptions(fn, o.splitAxis, ROLE_NAMES, 'options.splitAxis');
    for (const [role, v] of Object.entries(s)) {
      if (v === undefined) continue;
      if (v === null || v === 'out' || v === 'in' || v === 'rows') { overrides[role] = v; continue; }
      if (typeof v !== 'number') throw typeError(fn, `options.splitAxis.${role}`, 'an integer axis, "out", "in", "rows" or null', v);
      if (!Number.isInteger(v)) throw rangeError(fn, `options.splitAxis.${role}`, 'an integer axis, "out", "in", "rows" or null', v);
      overrides[role] = v;
    }
  }
  const tensors: LocalTensor[] = [];
  for (const t of rp.tensors) {
    const spec = t.spec;
    const ndim = t.shape.length;
    const tdtype: TensorDType = spec.dtype === 'int64' ? 'int64' : dtype ?? spec.dtype;
    // Tied tensors take their target's layout, so both names hold the same part.
    const owner = t.tiedIndex >= 0 ? rp.tensors[t.tiedIndex]! : t;
    const role = owner.spec.role;
    const ov = isRole(role) && Object.prototype.hasOwnProperty.call(overrides, role) ? overrides[role] : undefined;
    let axis: number | null;
    const keras = optional(owner.spec, 'layout') === 'keras';
    if (ov === undefined) axis = ruleAxis(splitRuleOf(role), ndim, keras);
    else if (typeof ov === 'number') {
      if (ndim === 0) axis = null;
      else {
        if (ov < -ndim || ov >= ndim) throw rangeError(fn, `options.splitAxis.${role}`, `an axis in [${-ndim}, ${ndim}) for ${spec.name} (shape [${t.shape.join(', ')}])`, ov);
        axis = ov < 0 ? ov + ndim : ov;
      }
    } else axis = ruleAxis(ov, ndim, keras);
    if (worldSize === 1) axis = null;
    if (axis === null) {
      tensors.push({ t, axis: null, shape: t.shape, numel: t.numel, runs: t.numel > 0 ? [{ offset: 0, length: t.numel }] : [], dtype: tdtype });
    } else {
      const [start, end] = evenSplit(t.shape[axis]!, rank, worldSize);
      const r = partAlong(t.shape, axis, start, end);
      const numel = r.shape.reduce((a, b) => a * b, 1);
      tensors.push({ t, axis, shape: r.shape, numel, runs: r.runs, dtype: tdtype });
    }
  }
  return { seed: o.seed as Seed, dtype, rank, worldSize, splitAxis: overrides, tensors };
}
