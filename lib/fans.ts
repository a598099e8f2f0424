/**
 * Fan-in and fan-out of a weight shape under each framework's layout convention.
 *
 * | layout   | 2-D          | conv (3-D and up)                   | 0-D / 1-D        |
 * |----------|--------------|-------------------------------------|------------------|
 * | `torch`  | [out, in]    | [out, in/groups, ...kernel] (OIHW)  | error            |
 * | `keras`  | [in, out]    | [...kernel, in/groups, out] (HWIO)  | (1, 1) / (n, n)  |
 * | `paddle` | [in, out]    | [out, in/groups, ...kernel] (OIHW)  | (1, 1) / (n, n)  |
 *
 * The keras layout is also JAX's and TF.js's default. Explicit `inAxis` / `outAxis` /
 * `batchAxis` follow JAX; `fanIn` / `fanOut` override the result (Paddle).
 */
import { rangeError, typeError } from './errors.js';
import { oneOf, readOptions, type Options } from './validate.js';
import { checkConvention, checkShape, CONVENTIONS, type Convention, type Shape } from './tensor.js';

/** The names of {@link FanOptions} other than `convention`. */
export const FAN_OPTIONS: readonly string[] = ['layout', 'inAxis', 'outAxis', 'batchAxis', 'transposed', 'fanIn', 'fanOut'];
const COMPUTE_FANS_OPTIONS = ['convention', ...FAN_OPTIONS];

/** Options that choose how fans are computed from a shape. */
export interface FanOptions {
  /**
   * Where the input and output dimensions are (see the table in the docs): `'torch'`
   * ([out, in, ...kernel], the default), `'keras'` ([...kernel, in, out]; also JAX and
   * TF.js) or `'paddle'` (2-D [in, out], conv like torch). Default: the convention's layout.
   */
  layout?: Convention;
  /** Sets the layout default (and, in initializers, truncation and defaults). */
  convention?: Convention;
  /** JAX-style input axes (negative counts from the end). Giving any axis option ignores `layout`. Default -2. */
  inAxis?: number | readonly number[];
  /** JAX-style output axes. Default -1. */
  outAxis?: number | readonly number[];
  /** JAX-style batch axes, excluded from both fans. Default none. */
  batchAxis?: number | readonly number[];
  /**
   * The shape is a transposed-convolution weight: swap the layout's fans (PyTorch's
   * [in, out/groups, ...k] and Keras' [...k, out, in] put the dimensions the other way
   * round, and both frameworks silently use the swapped fans). Default false.
   */
  transposed?: boolean;
  /** Explicit fan-in (a finite number > 0), overriding the computed one (Paddle). */
  fanIn?: number;
  /** Explicit fan-out (a finite number > 0), overriding the computed one (Paddle). */
  fanOut?: number;
}

/** Fan-in and fan-out. */
export interface Fans {
  fanIn: number;
  fanOut: number;
}

function axes(fn: string, name: string, value: unknown, rank: number, dflt: number[]): number[] {
  if (value === undefined) {
    return dflt.map((a) => {
      if (a < -rank || a >= rank) {
        throw rangeError(fn, 'shape', `an array of at least ${-a} dimensions for the default ${name} (${a})`, rank);
      }
      return a < 0 ? a + rank : a;
    });
  }
  const list: unknown[] = typeof value === 'number' ? [value] : Array.isArray(value) ? value : [];
  if (typeof value !== 'number' && !Array.isArray(value)) {
    throw typeError(fn, `options.${name}`, 'an integer axis or an array of them', value);
  }
  return list.map((a, i) => {
    const what = Array.isArray(value) ? `options.${name}[${i}]` : `options.${name}`;
    if (typeof a !== 'number') throw typeError(fn, what, `an integer in [${-rank}, ${rank})`, a);
    if (!Number.isInteger(a) || a < -rank || a >= rank) throw rangeError(fn, what, `an integer in [${-rank}, ${rank})`, a);
    return a < 0 ? a + rank : a;
  });
}

function fanOverride(fn: string, name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw typeError(fn, `options.${name}`, 'a finite number > 0', value);
  if (!Number.isFinite(value) || !(value > 0)) throw rangeError(fn, `options.${name}`, 'a finite number > 0', value);
  return value;
}

/**
 * Validates the fan options of `o` and computes the fans of `dims` (throws for ranks the
 * layout cannot handle: torch needs 2 dims). Used by every fan-based initializer.
 */
export function fanRule(fn: string, o: Options, dims: readonly number[], convention: Convention | undefined): Fans {
  const layout = oneOf(fn, 'options.layout', o.layout, CONVENTIONS, convention ?? 'torch');
  if (o.transposed !== undefined && typeof o.transposed !== 'boolean') {
    throw typeError(fn, 'options.transposed', 'a boolean', o.transposed);
  }
  const overrideIn = fanOverride(fn, 'fanIn', o.fanIn);
  const overrideOut = fanOverride(fn, 'fanOut', o.fanOut);
  const rank = dims.length;
  let fanIn: number, fanOut: number;
  if (o.inAxis !== undefined || o.outAxis !== undefined || o.batchAxis !== undefined) {
    const ins = axes(fn, 'inAxis', o.inAxis, rank, [-2]);
    const outs = axes(fn, 'outAxis', o.outAxis, rank, [-1]);
    const batch = axes(fn, 'batchAxis', o.batchAxis, rank, []);
    const seen = new Set<number>();
    for (const a of [...ins, ...outs, ...batch]) {
      if (seen.has(a)) throw rangeError(fn, 'options.inAxis, outAxis and batchAxis', 'distinct axes', a);
      seen.add(a);
    }
    let inSize = 1, outSize = 1, rf = 1;
    for (const a of ins) inSize *= dims[a]!;
    for (const a of outs) outSize *= dims[a]!;
    for (let a = 0; a < rank; a++) if (!seen.has(a)) rf *= dims[a]!;
    fanIn = inSize * rf;
    fanOut = outSize * rf;
  } else if (layout === 'torch') {
    if (rank < 2) {
      throw rangeError(fn, 'shape', 'an array of at least 2 dimensions for the torch layout (Fan in and fan out can not be computed for fewer)', dims);
    }
    let rf = 1;
    for (let i = 2; i < rank; i++) rf *= dims[i]!;
    fanIn = dims[1]! * rf;
    fanOut = dims[0]! * rf;
  } else if (rank === 0) {
    fanIn = 1; fanOut = 1;
  } else if (rank === 1) {
    fanIn = dims[0]!; fanOut = dims[0]!;
  } else if (rank === 2) {
    fanIn = dims[0]!; fanOut = dims[1]!;
  } else if (layout === 'keras') {
    let rf = 1;
    for (let i = 0; i < rank - 2; i++) rf *= dims[i]!;
    fanIn = dims[rank - 2]! * rf;
    fanOut = dims[rank - 1]! * rf;
  } else {
    let rf = 1;
    for (let i = 2; i < rank; i++) rf *= dims[i]!;
    fanIn = dims[1]! * rf;
    fanOut = dims[0]! * rf;
  }
  if (o.transposed === true) { const t = fanIn; fanIn = fanOut; fanOut = t; }
  return { fanIn: overrideIn ?? fanIn, fanOut: overrideOut ?? fanOut };
}

/**
 * Fan-in and fan-out of a weight of the given shape.
 *
 * @example
 * ```ts
 * computeFans([64, 3, 3, 3]);                      // { fanIn: 27, fanOut: 576 } (torch OIHW)
 * computeFans([3, 3, 3, 64], { layout: 'keras' }); // { fanIn: 27, fanOut: 576 } (HWIO)
 * computeFans([784, 256], { layout: 'paddle' });   // { fanIn: 784, fanOut: 256 } ([in, out])
 * computeFans([8, 4, 5], { inAxis: 1, outAxis: 2, batchAxis: 0 }); // { fanIn: 4, fanOut: 5 }
 * ```
 */
export function computeFans(shape: Shape, options?: FanOptions): Fans {
  const fn = 'computeFans';
  const o = readOptions(fn, options, COMPUTE_FANS_OPTIONS);
  const { dims } = checkShape(fn, shape);
  return fanRule(fn, o, dims, checkConvention(fn, o.convention));
}
