/** Argument validation shared by every public function. All checks run before any write. */
import { rangeError, typeError } from './errors.js';

export const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * An options snapshot from {@link readOptions}: own properties only, each read once, in an
 * object without a prototype (so a polluted `Object.prototype` is never read through it).
 */
export type Options = Record<string, unknown>;

/**
 * An empty object without a prototype, for a snapshot of `n` options. V8 makes
 * `Object.create(null)` a dictionary-mode object: the cheapest to make, but its hash table
 * grows at the fourth store (a fourth option, such as `out`, doubled readOptions' cost) and
 * its reads are lookups. Beyond 3 options, `Object.setPrototypeOf({}, null)` (a runtime call,
 * then a fast shape) is cheaper. Either way the prototype is gone before any store, so no
 * setter on a polluted `Object.prototype` sees one (`__proto__` is an ordinary own key).
 */
export function emptyOptions(n = 0): Options {
  return (n > 3 ? Object.setPrototypeOf({}, null) : Object.create(null)) as Options;
}

/** A snapshot with some options set or replaced (still without a prototype). */
export function withOptions(o: Options, extra: Options): Options {
  return Object.assign(emptyOptions(4), o, extra);
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

/** A finite number >= 0 (default when undefined). */
export function nonNegative(fn: string, name: string, value: unknown, dflt: number): number {
  if (value === undefined) return dflt;
  if (typeof value !== 'number') throw typeError(fn, name, 'a finite number >= 0', value);
  if (!Number.isFinite(value) || !(value >= 0)) throw rangeError(fn, name, 'a finite number >= 0', value);
  return value;
}

/** A boolean (default when undefined). */
export function bool(fn: string, name: string, value: unknown, dflt: boolean): boolean {
  if (value === undefined) return dflt;
  if (typeof value !== 'boolean') throw typeError(fn, name, 'a boolean', value);
  return value;
}

/** An integer in [lo, hi] (default when undefined and a default is given). */
export function intIn(fn: string, name: string, value: unknown, lo: number, hi: number, dflt?: number): number {
  if (value === undefined && dflt !== undefined) return dflt;
  if (typeof value !== 'number') throw typeError(fn, name, `an integer in [${lo}, ${hi}]`, value);
  if (!Number.isInteger(value) || value < lo || value > hi) throw rangeError(fn, name, `an integer in [${lo}, ${hi}]`, value);
  return value;
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

/**
 * %TypedArray%.prototype[Symbol.toStringTag]'s getter: the [[TypedArrayName]] of a typed
 * array of any realm (an iframe, `vm.runInNewContext`, a worker's module instance), and
 * undefined for anything else, Proxies and objects with a forged toStringTag included.
 * `instanceof Float32Array` is true only for this realm's arrays.
 */
const typedArrayTag = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype) as object, Symbol.toStringTag)!.get!;

/** The typed-array type of `value` ('Float32Array', ...) whatever its realm, or undefined. */
export function typedArrayName(value: unknown): string | undefined {
  return typedArrayTag.call(value) as string | undefined;
}

/** Whether `value` is a typed array of type `name` ('Float32Array', ...) from any realm. */
export function isTypedArray<T extends ArrayBufferView>(value: unknown, name: string): value is T {
  return typedArrayTag.call(value) === name;
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
 * @param known - Every option name the function accepts; null when the caller checks the
 *   names itself (with {@link rejectUnknown}) because they depend on an option's value.
 * @param what - The argument's name in messages (default `options`).
 */
export function readOptions(fn: string, options: unknown, known: readonly string[] | null, what = 'options'): Options {
  if (options === undefined) return emptyOptions();
  const tag = options !== null && typeof options === 'object' ? Object.prototype.toString.call(options) : '';
  if (tag !== '[object Object]' || Array.isArray(options) || ArrayBuffer.isView(options)) {
    throw typeError(fn, what, 'an options object or undefined', options);
  }
  const obj = options as object;
  // getOwnPropertyNames, not Reflect.ownKeys: string keys only (symbols are never options),
  // and several times faster on ordinary objects; a Proxy still sees one ownKeys trap.
  const names = Object.getOwnPropertyNames(obj);
  const snapshot = emptyOptions(names.length);
  for (const key of names) {
    const desc = Reflect.getOwnPropertyDescriptor(obj, key);
    if (desc === undefined || desc.enumerable !== true) continue;
    if (known !== null && !known.includes(key)) throw unknownOption(fn, what, key, known);
    snapshot[key] = Object.prototype.hasOwnProperty.call(desc, 'value') ? desc.value : desc.get === undefined ? undefined : Reflect.apply(desc.get, obj, []);
  }
  return snapshot;
}

function unknownOption(fn: string, what: string, key: string, known: readonly string[]): TypeError {
  return new TypeError(`nninit.${fn}: unknown option ${what}.${key}${optionHint(key, known)} (known: ${known.join(', ')})`);
}

/** Rejects the first name of a snapshot that is not in `known`, as {@link readOptions} does. */
export function rejectUnknown(fn: string, o: Options, known: readonly string[], what = 'options'): void {
  for (const key of Object.keys(o)) if (!known.includes(key)) throw unknownOption(fn, what, key, known);
}
