/**
 * The std an initializer plans for a weight of a given shape: what a weight's actual std is
 * compared with in `inspectModel`, so a wrong fan or gain, weights set by other code, or
 * TF.js's uncorrected truncated normals show.
 *
 * @packageDocumentation
 */
import { momentsOf, plannedOf, SCHEME_NAMES, type Scheme } from '../models/init-spec.js';
import type { SchemeSpec } from './initializer.js';

/**
 * The population std of the values `spec` (an nninit scheme with its options, as
 * `schemeFor` maps a TF.js initializer) plans for `shape`, under nninit's keras convention
 * unless the options name a convention or layout; null for schemes without a distribution
 * (`dirac`, `sparse`) or options it cannot evaluate.
 *
 * The distribution is the initializer's own (the models' plan: the registry definition's
 * rule, with nninit's defaults and variance-corrected truncated normals), and its std is
 * exact for every family: a uniform's (high - low) / sqrt(12), a truncated normal's over
 * its bounds (`truncatedNormal(std)` is cut at 2 std without correction, as Keras and TF.js
 * do, so it plans 0.8796 std). Orthogonal: gain / sqrt(max(rows, cols)) of the flattened
 * matrix; eye: the std of its 0/gain entries.
 */
export function plannedStd(spec: SchemeSpec, shape: readonly number[]): number | null {
  const o = spec.options;
  if (spec.scheme === 'eye') {
    if (shape.length !== 2) return null;
    const g = typeof o.gain === 'number' && Number.isFinite(o.gain) ? o.gain : 1;
    const n = shape[0]! * shape[1]!;
    const k = Math.min(shape[0]!, shape[1]!);
    const mean = (k * g) / n;
    return Math.sqrt(Math.max(0, (k * g * g) / n - mean * mean));
  }
  if (!(SCHEME_NAMES as readonly string[]).includes(spec.scheme)) return null; // dirac, sparse: no distribution
  const keras = o.convention === undefined && o.layout === undefined ? { convention: 'keras' } : {};
  try {
    return momentsOf(plannedOf({ scheme: spec.scheme as Scheme, fields: { ...o, ...keras } }, shape)).std;
  } catch {
    return null;
  }
}
