/** What every recipe shares: config checks and the recipe definition interface. */
import { rangeError, typeError } from '../../errors.js';
import type { TensorSpec } from '../plan.js';
import type { ResidualScaling } from '../residual.js';

/** A resolved configuration: every field set. */
export type Config = Record<string, unknown>;

/** What a recipe builds. */
export interface Built {
  tensors: TensorSpec[];
  /** The width muP scales (nEmbd, dim, hidden size, the MLP's hidden width). */
  width: number;
  /** Attention head dimension, or null without attention. */
  headDim: number | null;
  /** The residual scaling applied (null when the model has no residual branches). */
  residualScaling: ResidualScaling | null;
  /** DeepNet's alpha, else 1. */
  residualMultiplier: number;
}

/** A recipe: named configurations, config and option names, and the builder. */
export interface RecipeDef {
  readonly name: string;
  /** One line for docs and the CLI. */
  readonly description: string;
  /** Named configurations (complete). */
  readonly configs: Readonly<Record<string, Config>>;
  /** The configuration used when none is given (a key of configs), or null if one is required. */
  readonly defaultConfig: string | null;
  /** Values of the fields an explicit config object may omit. */
  readonly defaults: Readonly<Config>;
  /** Every config field name. */
  readonly configKeys: readonly string[];
  /** Options besides the shared ones (dtype, residualScaling, parametrization, base, ...). */
  readonly optionKeys: readonly string[];
  /** Whether `parametrization: 'mup'` is supported. */
  readonly mup: boolean;
  /** Validates a merged config (every field present) and returns it normalized. */
  check(fn: string, what: string, c: Config): Config;
  /** Builds the tensors for a checked config and the recipe's options. */
  build(fn: string, c: Config, o: Record<string, unknown>): Built;
}

/** A positive integer config field. */
export function posInt(fn: string, what: string, v: unknown): number {
  if (typeof v !== 'number') throw typeError(fn, what, 'a positive integer', v);
  if (!Number.isSafeInteger(v) || v < 1) throw rangeError(fn, what, 'a positive integer', v);
  return v;
}

/** A non-negative integer config field. */
export function nonNegInt(fn: string, what: string, v: unknown): number {
  if (typeof v !== 'number') throw typeError(fn, what, 'a non-negative integer', v);
  if (!Number.isSafeInteger(v) || v < 0) throw rangeError(fn, what, 'a non-negative integer', v);
  return v;
}

/** A finite positive number. */
export function posNum(fn: string, what: string, v: unknown): number {
  if (typeof v !== 'number') throw typeError(fn, what, 'a finite number > 0', v);
  if (!Number.isFinite(v) || !(v > 0)) throw rangeError(fn, what, 'a finite number > 0', v);
  return v;
}

/** `heads` must divide `width`. */
export function divides(fn: string, what: string, heads: number, width: number, widthName: string): void {
  if (width % heads !== 0) throw rangeError(fn, what, `a divisor of ${widthName} (${width})`, heads);
}
