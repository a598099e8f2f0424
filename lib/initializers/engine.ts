/**
 * The planning driver every initializer runs through. A call becomes a job in one pass:
 * read the options, check the shape, the target (dtype, `out`, the runs of the full tensor
 * to produce), the seed and the initializer's own options; derive the distribution and
 * its kernel plan; only then resolve the Philox key (which may take a global stream) and
 * lay out the steps that write every run. So a failed call never touches `out` and never
 * consumes a global stream, and a shard (many runs) is validated once.
 */
import { rangeError } from '../errors.js';
import { readOptions, type Options } from '../validate.js';
import { checkSeed, resolveKey, SEED_OPTIONS } from '../seed.js';
import { normalPlan, requireFinite, truncatedNormalPlan, uniformPlan, type ParamNames } from '../params.js';
import type { KernelPlan } from '../kinds.js';
import type { PhiloxKey } from '../kernels/philox.js';
import { ceilF32, floorF32, ceil16, floor16, below16, encodeHalf, encodeIn, MAX16, type Half } from '../dtypes.js';
import { done, type Job, type Step } from '../job.js';
import { detachedError } from '../backend.js';
import {
  checkConvention, checkDtype, checkShape, checkTarget, targetOf, OUTPUT_OPTIONS, type Convention, type DType, type InitArray, type Run,
  type ShapeInfo, type Target, type TargetSpec,
} from '../tensor.js';

/** A core distribution with its parameters (absolute bounds for the truncated normal). */
export type Dist =
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'uniform'; readonly low: number; readonly high: number }
  | { readonly kind: 'normal'; readonly mean: number; readonly std: number }
  | { readonly kind: 'truncatedNormal'; readonly mean: number; readonly std: number; readonly a: number; readonly b: number };

/** Parameter names used in error messages for a distribution's fields. */
export type DistNames = ParamNames;

/**
 * A validated distribution: for 16-bit dtypes the clamp range of the float32 values, and
 * (for random distributions) the kernel with its packed parameters.
 */
export interface Plan {
  readonly dist: Dist;
  readonly lo: number;
  readonly hi: number;
  readonly kernel?: KernelPlan;
}

/**
 * Validates a distribution against a dtype (every check the fill functions would make,
 * under this function's name) and reduces degenerate ones (std 0, an empty symmetric
 * uniform) to constants.
 */
export function plan(fn: string, dist: Dist, dtype: DType, names: DistNames = {}): Plan {
  const width = dtype === 'float64' ? 'float64' : 'float32';
  const half: Half | undefined = dtype === 'bfloat16' || dtype === 'float16' ? dtype : undefined;
  let d = dist;
  if (d.kind === 'normal' && (d.std === 0 || (width === 'float32' && Math.fround(d.std) === 0))) d = { kind: 'constant', value: d.mean };
  if (d.kind === 'truncatedNormal' && (d.std === 0 || (width === 'float32' && Math.fround(d.std) === 0))) {
    if (!(d.a < d.b)) throw rangeError(fn, names.a ?? 'options.a', `less than ${names.b ?? 'options.b'} (${d.b})`, d.a);
    d = { kind: 'constant', value: Math.min(Math.max(d.mean, d.a), d.b) };
  }
  if (d.kind === 'uniform' && d.low === -d.high && d.high >= 0 && (d.high === 0 || (width === 'float32' && Math.fround(d.high) === 0))) {
    d = { kind: 'constant', value: 0 };
  }
  let lo = -Infinity, hi = Infinity;
  let kernel: KernelPlan | undefined;
  switch (d.kind) {
    case 'constant': {
      requireFinite(fn, dtype, d.value, d.value, names.value ?? 'value', d.value, () => 'the value itself');
      break;
    }
    case 'uniform': {
      kernel = uniformPlan(fn, d.low, d.high, dtype, names);
      if (half !== undefined) {
        lo = ceil16(half, Math.max(ceilF32(d.low), -MAX16[half]));
        hi = Math.min(below16(half, d.high), MAX16[half]);
        if (!(lo <= hi)) {
          throw rangeError(fn, names.low ?? 'options.low', `such that some ${half} lies in [low, high) = [${d.low}, ${d.high})`, d.low);
        }
      }
      break;
    }
    case 'normal': {
      kernel = normalPlan(fn, d.mean, d.std, dtype, names);
      if (half !== undefined) { lo = -MAX16[half]; hi = MAX16[half]; }
      break;
    }
    case 'truncatedNormal': {
      kernel = truncatedNormalPlan(fn, d.mean, d.std, d.a, d.b, dtype, names);
      if (half !== undefined) {
        lo = ceil16(half, Math.max(ceilF32(d.a), -MAX16[half]));
        hi = floor16(half, Math.min(floorF32(d.b), MAX16[half]));
        if (!(lo <= hi)) {
          throw rangeError(fn, names.a ?? 'options.a', `such that some ${half} lies in [a, b] = [${d.a}, ${d.b}]`, d.a);
        }
      }
      break;
    }
  }
  return kernel === undefined ? { dist: d, lo, hi } : { dist: d, lo, hi, kernel };
}

/** Elements per scratch chunk when producing 16-bit output. */
const HALF_CHUNK = 65536;

/**
 * The steps that fill every run of the target from a validated plan: a kernel per run
 * (float dtypes), or per chunk of a float32 scratch buffer followed by its 16-bit encoding,
 * or a constant fill. The scratch is ours, so an async call's `out` can be detached or
 * shrunk while a chunk is drawn: each encoding first checks it, and rejects as a kernel
 * writing `out` would ({@link detachedError}, naming `fn`).
 */
function planSteps(fn: string, t: Target, p: Plan, key: PhiloxKey): Step[] {
  const k = p.kernel;
  const dtype = t.dtype;
  if (k === undefined) {
    const v = (p.dist as { value: number }).value;
    const value = encodeIn(dtype, v);
    return [{ post: () => { for (const r of t.runs) t.out.fill(value, r.at, r.at + r.length); } }];
  }
  if (dtype === 'float32' || dtype === 'float64') {
    const out = t.out as Float32Array | Float64Array;
    return t.runs.map((r) => ({ plan: k, key, out: r.at === 0 && r.length === out.length ? out : out.subarray(r.at, r.at + r.length), offset: r.offset }));
  }
  const out = t.out as Uint16Array;
  const total = out.length;
  const longest = t.runs.reduce((m, r) => Math.max(m, r.length), 0);
  const scratch = new Float32Array(Math.min(HALF_CHUNK, longest));
  const steps: Step[] = [];
  for (const r of t.runs) {
    for (let s = 0; s < r.length; s += HALF_CHUNK) {
      const m = Math.min(HALF_CHUNK, r.length - s);
      const view = m === scratch.length ? scratch : scratch.subarray(0, m);
      const at = r.at + s;
      steps.push({ plan: k, key, out: view, offset: r.offset + s });
      steps.push({
        post: () => {
          if (out.length < total) throw detachedError(fn, out, total);
          encodeHalf(dtype, view, out, p.lo, p.hi, at);
        },
      });
    }
  }
  return steps;
}

/** The index in `t.out` of element `idx` of the full tensor, or -1 when no run holds it (runs are sorted). */
export function indexIn(runs: readonly Run[], idx: number): number {
  let lo = 0, hi = runs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const r = runs[mid]!;
    if (idx < r.offset) hi = mid - 1;
    else if (idx >= r.offset + r.length) lo = mid + 1;
    else return r.at + idx - r.offset;
  }
  return -1;
}

/** Writes the steps of a non-empty target, given the Philox key (random initializers only). */
export type Writer = (t: Target, key: PhiloxKey) => Step[];

/**
 * An initializer family's own checks: validate its options (always, before anything is
 * allocated) and return the function that builds the writer, which runs only for a
 * non-empty output and may still reject (e.g. parameters the dtype cannot represent).
 *
 * Without a shape (`info` undefined: {@link checkInitOptions}, for an initializer written
 * before it meets its shape, as TF.js's are), it runs every check that needs no shape (the
 * options, and the parameters that come from them alone against the dtype) and returns a
 * builder that is never called.
 */
export type Prepare = (fn: string, o: Options, info: ShapeInfo | undefined, dtype: DType, convention: Convention | undefined) => () => Writer;

/** An initializer's definition, for {@link initJob}. */
export interface InitDef {
  /** Every option name it accepts. */
  readonly known: readonly string[];
  /** Whether it draws random values (takes `seed` and `stream`, and a global stream without a seed). */
  readonly seeded: boolean;
  readonly minDims?: number;
  readonly maxDims?: number;
  readonly prepare: Prepare;
  /**
   * For a distribution-based initializer ({@link distDef}): its checks and the thunk of the
   * distribution every element is drawn from, so callers can state what a call draws
   * (model plans, audits) with the initializer's own formulas.
   */
  readonly dist?: DistRule;
  /**
   * Its values depend on the whole tensor at once (orthogonal's QR): any target costs the
   * whole computation, so a caller writing one tensor in many pieces computes it once.
   */
  readonly whole?: boolean;
}

/** A distribution-based initializer's rule: validate the options, then (thunk) the distribution. */
export type DistRule = (fn: string, o: Options, info: ShapeInfo | undefined, convention: Convention | undefined) => () => Dist;

/**
 * Where a call's output goes: by default `options.out`/`offset`/`length` (one run); shards
 * pass their runs. Gets the options snapshot and the validated shape.
 */
export type Placement = (fn: string, o: Options, info: ShapeInfo) => TargetSpec;

/** The key of an initializer that draws nothing. */
const NO_KEY: PhiloxKey = { k0: 0, k1: 0, s0: 0, s1: 0 };

/** The seed's and the family's checks of a call whose options and shape are read: the writer's builder. */
function prepared(fn: string, def: InitDef, o: Options, info: ShapeInfo, dtype: DType): () => Writer {
  if (def.seeded) checkSeed(fn, o.seed, o.stream);
  return def.prepare(fn, o, info, dtype, checkConvention(fn, o.convention));
}

/** The job of one initializer call (see the module comment). */
export function initJob(fn: string, def: InitDef, shape: unknown, options: unknown, place?: Placement): Job<InitArray> {
  const o = readOptions(fn, options, def.known);
  const info = checkShape(fn, shape, def.minDims ?? 0, def.maxDims ?? Infinity);
  const spec = place === undefined ? checkTarget(fn, o, info.numel) : place(fn, o, info);
  const build = prepared(fn, def, o, info, spec.dtype);
  // A non-empty tensor's parameters are checked against the dtype also when this call
  // produces none of it (a zero-length slice), so such a call validates the whole tensor.
  const write = info.numel === 0 ? undefined : build();
  const t = targetOf(spec);
  if (write === undefined || t.length === 0) return done(t.out);
  const key = def.seeded ? resolveKey(fn, o.seed, o.stream) : NO_KEY;
  return { result: t.out, steps: write(t, key) };
}

/**
 * The checks of an initializer call that need no shape: option names, types and ranges,
 * the seed, and the parameters that come from the options alone against the dtype. What
 * depends on the shape (fans, axes against the rank, dims a divisor must divide) waits for
 * the call itself. Nothing is allocated, written or drawn.
 */
export function checkInitOptions(fn: string, def: InitDef, options: unknown): void {
  const o = readOptions(fn, options, def.known);
  const dtype = checkDtype(fn, o);
  if (def.seeded) checkSeed(fn, o.seed, o.stream);
  def.prepare(fn, o, undefined, dtype, checkConvention(fn, o.convention));
}

/** The shape of a builder that needs one (prepare runs builders only with a shape). */
export function shapeOf<T>(info: T | undefined): T {
  if (info === undefined) throw new Error('nninit: internal error: a builder that needs the shape ran without one');
  return info;
}

/**
 * A call validated once whose targets come later: the checks of {@link initJob} for a
 * tensor of `shape` in `dtype` (options, shape, seed, the family's, the distribution's
 * against the dtype), the key resolved once; then the steps that write any target of the
 * tensor (runs of it, in `dtype`). Models write one tensor into many staging buffers with
 * it. `options` holds no output options (dtype, out, offset, length): the targets say them.
 */
export function initWriter(fn: string, def: InitDef, shape: unknown, options: unknown, dtype: DType): (t: Target) => Step[] {
  const o = readOptions(fn, options, def.known);
  const info = checkShape(fn, shape, def.minDims ?? 0, def.maxDims ?? Infinity);
  const build = prepared(fn, def, o, info, dtype);
  if (info.numel === 0) return () => [];
  const write = build();
  const key = def.seeded ? resolveKey(fn, o.seed, o.stream) : NO_KEY;
  return (t) => (t.length === 0 ? [] : write(t, key));
}

/** The writer of a distribution: validates it against the dtype ({@link plan}), then fills every run. */
export function distWriter(fn: string, dist: Dist, dtype: DType, names?: DistNames): Writer {
  const p = plan(fn, dist, dtype, names);
  return (t, key) => planSteps(fn, t, p, key);
}

/**
 * A distribution-based initializer: `make` validates its options and returns the
 * distribution's thunk (run for non-empty output only). `shapeFree`: the thunk does not use
 * the shape (the distribution comes from the options alone, as normal's does), so it is
 * planned against the dtype also without a shape.
 */
export function distDef(known: readonly string[], seeded: boolean, make: DistRule, names?: DistNames, shapeFree = false): InitDef {
  return {
    known, seeded, dist: make,
    prepare: (fn, o, info, dtype, convention) => {
      const thunk = make(fn, o, info, convention);
      if (info === undefined && shapeFree) plan(fn, thunk(), dtype, names);
      return () => distWriter(fn, thunk(), dtype, names);
    },
  };
}

/** The option names of every random initializer: output, slice, seed and stream. */
export const RANDOM_OPTIONS: readonly string[] = [...OUTPUT_OPTIONS, ...SEED_OPTIONS];
