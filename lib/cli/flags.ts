/**
 * What every `nninit` command shares: the output streams, the usage error (exit code 2),
 * the flag parser and the parsers of flag values.
 */

/** Where the CLI writes. Defaults: process.stdout / process.stderr. */
export interface CliIO {
  stdout?: { write(chunk: string): unknown };
  stderr?: { write(chunk: string): unknown };
  /** Package root (where bench/run.mjs lives). Default: found from this file's location. */
  root?: string;
}

/** A bad command line: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string, readonly usage: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A flag takes a value (`--name V` or `--name=V`) or is a switch. */
export type FlagKind = 'string' | 'boolean';

/** Parses `--flags` against `spec`: each at most once, no positional arguments. */
export function parseFlags(args: readonly string[], spec: Record<string, FlagKind>, usage: string): Map<string, string | true> {
  const out = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--') || arg === '--') throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`, usage);
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const kind = spec[name];
    if (kind === undefined) throw new UsageError(`unknown option --${name}`, usage);
    if (out.has(name)) throw new UsageError(`--${name} given twice`, usage);
    if (kind === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`, usage);
      out.set(name, true);
    } else {
      let value: string | undefined;
      if (eq >= 0) value = arg.slice(eq + 1);
      else {
        value = args[i + 1];
        if (value === undefined || (value.startsWith('--') && value.length > 2)) throw new UsageError(`--${name} needs a value`, usage);
        i++;
      }
      if (value === '') throw new UsageError(`--${name} needs a value`, usage);
      out.set(name, value);
    }
  }
  return out;
}

/** An integer flag value in [lo, hi]. */
export function integer(name: string, text: string, lo: number, hi: number, usage: string): number {
  if (!/^\d+$/.test(text) || Number(text) < lo || Number(text) > hi) throw new UsageError(`--${name}: expected an integer in [${lo}, ${hi}]; received ${JSON.stringify(text)}`, usage);
  return Number(text);
}

/** A finite number flag value above `min` (or at least `min` when not `strict`). */
export function real(name: string, text: string, usage: string, min = 0, strict = true): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || (strict ? v <= min : v < min)) {
    throw new UsageError(`--${name}: expected a finite number ${strict ? '>' : '>='} ${min}; received ${JSON.stringify(text)}`, usage);
  }
  return v;
}

/** A byte count: a number, optionally with K, M, G or T (powers of 1024; "GiB", "GB" too). */
export function bytesOf(name: string, text: string, usage: string): number {
  const m = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*(?:([kmgt])(?:i?b)?)?\s*$/i.exec(text);
  const v = m ? Number(m[1]) * 1024 ** ' kmgt'.indexOf((m[2] ?? ' ').toLowerCase()) : NaN;
  if (!(v > 0) || !Number.isFinite(v)) throw new UsageError(`--${name}: expected a number of bytes > 0 such as 8G or 8e9; received ${JSON.stringify(text)}`, usage);
  return v;
}

/** A `--seed` value: an integer in [0, 2^64), a number when it is safe, else a bigint. */
export function seedOf(text: string, usage: string): number | bigint {
  if (!/^\d+$/.test(text) || BigInt(text) >= 1n << 64n) throw new UsageError(`--seed: expected an integer in [0, 2^64); received ${JSON.stringify(text)}`, usage);
  const b = BigInt(text);
  return b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
}
