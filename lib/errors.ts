/**
 * Error helpers. Argument problems are plain TypeError / RangeError whose message names
 * the function, the argument, what was expected and what was given (DESIGN.md section 7);
 * backend problems use {@link NninitBackendError}.
 */

/** Describes a value for an error message: `-1 (number)`, `"abc" (string)`, `Float32Array(3)`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `${value}n (bigint)`;
  if (typeof value === 'number') return `${Object.is(value, -0) ? '-0' : String(value)} (number)`;
  if (typeof value === 'string') return `${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)} (string)`;
  if (typeof value === 'boolean' || typeof value === 'symbol') return `${String(value)} (${typeof value})`;
  if (typeof value === 'function') return 'a function';
  if (ArrayBuffer.isView(value)) {
    const name = value.constructor?.name ?? 'TypedArray';
    const len = (value as { length?: number }).length;
    return len === undefined ? name : `${name}(${len})`;
  }
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
}

/** A TypeError: `fn: what must be expected; received <value>`. */
export function typeError(fn: string, what: string, expected: string, value: unknown): TypeError {
  return new TypeError(`nninit.${fn}: ${what} must be ${expected}; received ${describe(value)}`);
}

/** A RangeError: `fn: what must be expected; received <value>`. */
export function rangeError(fn: string, what: string, expected: string, value: unknown): RangeError {
  return new RangeError(`nninit.${fn}: ${what} must be ${expected}; received ${describe(value)}`);
}

/**
 * A TypeError or RangeError whose received part is already a description (`shape [32, 13]`,
 * `NaN at element 40`), for checks of data rather than of a single argument value.
 */
export function dataError(kind: 'type' | 'range', fn: string, what: string, expected: string, received: string): TypeError | RangeError {
  const msg = `nninit.${fn}: ${what} must be ${expected}; received ${received}`;
  return kind === 'type' ? new TypeError(msg) : new RangeError(msg);
}

/** Raised when a backend or ISA is forced but cannot be used. */
export class NninitBackendError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NninitBackendError';
  }
}
