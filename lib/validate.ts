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
