/** Argument validation shared by every public function. All checks run before any write. */
import { rangeError, typeError } from './errors.js';

export const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const TWO64 = 18446744073709551616n;

/** Options must be undefined or a plain object. */
export function checkOptions(fn: string, options: unknown): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options) || ArrayBuffer.isView(options)) {
    throw typeError(fn, 'options', 'an object or undefined', options);
  }
  return options as Record<string, unknown>;
}

/** A finite number (default when undefined). */
export function finite(fn: string, name: string, value: unknown, dflt: number): number {
  if (value === undefined) return dflt;
  if (typeof value !== 'number') throw typeError(fn, name, 'a finite number', value);
  if (!Number.isFinite(value)) throw rangeError(fn, name, 'a finite number', value);
  return value;
}

/** A number that is not NaN (infinities allowed). */
export function notNaN(fn: string, name: string, value: unknown, dflt: number): number {
  if (value === undefined) return dflt;
  if (typeof value !== 'number') throw typeError(fn, name, 'a number', value);
  if (Number.isNaN(value)) throw rangeError(fn, name, 'a number, not NaN', value);
  return value;
}

/** A finite number > 0. */
export function positive(fn: string, name: string, value: unknown, dflt: number): number {
  const v = finite(fn, name, value, dflt);
  if (!(v > 0)) throw rangeError(fn, name, 'a finite number > 0', value);
  return v;
}

/** A non-negative safe integer (number), default when undefined. */
export function index(fn: string, name: string, value: unknown, dflt: number, max = MAX_SAFE): number {
  if (value === undefined) return dflt;
  if (typeof value === 'bigint') {
    if (value < 0n || value > BigInt(max)) throw rangeError(fn, name, `an integer in [0, ${max}]`, value);
    return Number(value);
  }
  if (typeof value !== 'number') throw typeError(fn, name, 'a non-negative integer', value);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw rangeError(fn, name, `an integer in [0, ${max}]`, value);
  }
  return value;
}

/** An integer 0 <= v < 2^64 as number (safe integer) or bigint; returned as [lo32, hi32]. */
export function u64(fn: string, name: string, value: unknown): [number, number] {
  if (typeof value === 'bigint') {
    if (value < 0n || value >= TWO64) throw rangeError(fn, name, 'an integer in [0, 2^64)', value);
    return [Number(value & 0xffffffffn), Number(value >> 32n)];
  }
  if (typeof value !== 'number') throw typeError(fn, name, 'a non-negative safe integer or a bigint', value);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw rangeError(fn, name, 'a non-negative safe integer (or a bigint below 2^64)', value);
  }
  const lo = value % 4294967296;
  return [lo, (value - lo) / 4294967296];
}

/** A string among `allowed`. */
export function oneOf<T extends string>(fn: string, name: string, value: unknown, allowed: readonly T[], dflt: T): T {
  if (value === undefined) return dflt;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    const msg = `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`;
    if (typeof value !== 'string') throw typeError(fn, name, msg, value);
    throw rangeError(fn, name, msg, value);
  }
  return value as T;
}

/** The buffer must be attached: a transferred buffer reads as empty and would silently no-op. */
export function attached(fn: string, name: string, arr: ArrayBufferView): void {
  if (arr.byteLength !== 0) return;
  let detached = false;
  try {
    arr.buffer.slice(0, 0); // throws on a detached buffer
  } catch {
    detached = true;
  }
  if (detached) throw typeError(fn, name, 'a typed array over an attached (not transferred) buffer', arr);
}

/**
 * Other frameworks' names for nninit options, keyed by their name: an unknown option
 * spelled this way is answered with "nninit calls it '<ours>'" when the function knows
 * the nninit name.
 */
const FOREIGN_NAMES: Readonly<Record<string, readonly string[]>> = {
  stddev: ['std'], stdev: ['std'], sigma: ['std'], scale: ['std', 'gain'], loc: ['mean'], mu: ['mean'],
  minval: ['low'], maxval: ['high'], min: ['low', 'a'], max: ['high', 'b'], a: ['low'], b: ['high'],
  lower: ['low', 'a'], upper: ['high', 'b'], from: ['low'], to: ['high'],
  random_seed: ['seed'], randomSeed: ['seed'], rng: ['seed'], generator: ['seed'], key: ['seed'],
  nonlinearity: ['activation'], activation: ['nonlinearity'], mode: ['fanMode'], fan_mode: ['mode'],
  in_axis: ['inAxis'], out_axis: ['outAxis'], batch_axis: ['batchAxis'], dim: ['axis'], world_size: ['worldSize'],
};

/** Levenshtein distance, capped: small option names only. */
function editDistance(a: string, b: string): number {
  const al = a.toLowerCase(), bl = b.toLowerCase();
  const prev = new Array<number>(bl.length + 1);
  for (let j = 0; j <= bl.length; j++) prev[j] = j;
  for (let i = 1; i <= al.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= bl.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (al[i - 1] === bl[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[bl.length]!;
}

function isSubsequence(a: string, b: string): boolean {
  let i = 0;
  for (let j = 0; j < b.length && i < a.length; j++) if (a[i] === b[j]) i++;
  return i === a.length;
}

/** The hint for an unknown option name: another framework's name, or a near miss of a known one. */
export function optionHint(name: string, known: readonly string[]): string {
  const foreign = Object.prototype.hasOwnProperty.call(FOREIGN_NAMES, name) ? FOREIGN_NAMES[name]! : [];
  const ours = foreign.find((k) => known.includes(k));
  if (ours !== undefined) return `; nninit calls it '${ours}'`;
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    // A dropped letter ('sed' for 'seed') beats a changed one ('std') at the same distance.
    const d = 2 * editDistance(name, k) - (isSubsequence(name.toLowerCase(), k.toLowerCase()) ? 1 : 0);
    if (d < bestD) { bestD = d; best = k; }
  }
  bestD = Math.ceil(bestD / 2);
  const limit = name.length <= 3 ? 1 : name.length <= 6 ? 2 : 3;
  if (best !== undefined && (bestD <= limit || best.toLowerCase() === name.toLowerCase())) return `; did you mean '${best}'?`;
  return '';
}

/**
 * Reads an options argument strictly: `undefined` gives `{}`; otherwise it must be an
 * ordinary object (not an array, typed array, function, Map, Date, boxed primitive, ...).
 * Only its own enumerable string-keyed properties are options: inherited ones (a polluted
 * `Object.prototype`) are never seen. Each is read exactly once (a getter runs once, a
 * Proxy's traps run once per key) into a null-prototype snapshot, so later code cannot
 * observe a value changing under it. A property not in `known` is a TypeError naming it,
 * with a suggestion when one is close. Symbol keys are ignored.
 *
 * @param fn - The public function's name, for messages.
 * @param options - The caller's argument.
 * @param known - Every option name the function accepts.
 * @param what - The argument's name in messages (default `options`).
 */
export function readOptions(fn: string, options: unknown, known: readonly string[], what = 'options'): Record<string, unknown> {
  const snapshot = Object.create(null) as Record<string, unknown>;
  if (options === undefined) return snapshot;
  const tag = options !== null && typeof options === 'object' ? Object.prototype.toString.call(options) : '';
  if (tag !== '[object Object]' || Array.isArray(options) || ArrayBuffer.isView(options)) {
    throw typeError(fn, what, 'an options object or undefined', options);
  }
  const obj = options as object;
  for (const key of Reflect.ownKeys(obj)) {
    if (typeof key !== 'string') continue;
    const desc = Reflect.getOwnPropertyDescriptor(obj, key);
    if (desc === undefined || desc.enumerable !== true) continue;
    if (!known.includes(key)) {
      throw new TypeError(`nninit.${fn}: unknown option ${what}.${key}${optionHint(key, known)} (known: ${known.join(', ')})`);
    }
    snapshot[key] = 'value' in desc ? desc.value : desc.get === undefined ? undefined : Reflect.apply(desc.get, obj, []);
  }
  return snapshot;
}
