/**
 * The std an initializer plans for a weight of a given shape: what a weight's actual std is
 * compared with in `inspectModel`, so a wrong fan or gain, weights set by other code, or
 * TF.js's uncorrected truncated normals show.
 *
 * @packageDocumentation
 */
import { computeFans, type FanOptions } from '../fans.js';
import { calculateGain, type Nonlinearity } from '../gains.js';
import { truncatedNormalStd } from '../initializers/variance-scaling.js';
import type { SchemeSpec } from './initializer.js';

const FAN_KEYS = ['layout', 'convention', 'inAxis', 'outAxis', 'batchAxis', 'transposed', 'fanIn', 'fanOut'] as const;

function num(o: Record<string, unknown>, k: string, d: number): number {
  const v = o[k];
  return typeof v === 'number' && Number.isFinite(v) ? v : d;
}

/**
 * The population std of the values `spec` (an nninit scheme with its options, as
 * `schemeFor` maps a TF.js initializer) plans for `shape`, under nninit's keras convention
 * unless the options say otherwise; null for schemes without a closed form here (`dirac`,
 * `sparse`) or options it cannot evaluate.
 *
 * Fan-based schemes plan gain^2 / fan (Glorot: 2 / (fanIn + fanOut); He: 2 / fanIn; LeCun:
 * 1 / fanIn; variance scaling: scale / fan), whatever the distribution: nninit's uniform
 * bound is sqrt(3) std and its truncated normals are variance-corrected. Orthogonal:
 * gain / sqrt(max(rows, cols)) of the flattened matrix. `truncatedNormal(std)` is cut at
 * 2 std without correction (as Keras and TF.js), so it plans 0.8796 std.
 */
export function plannedStd(spec: SchemeSpec, shape: readonly number[]): number | null {
  const o = spec.options;
  try {
    const fanOpts: Record<string, unknown> = {};
    for (const k of FAN_KEYS) if (o[k] !== undefined) fanOpts[k] = o[k];
    if (fanOpts.layout === undefined && fanOpts.convention === undefined) fanOpts.convention = 'keras';
    const fans = () => computeFans(shape, fanOpts as FanOptions);
    const keras = (o.convention ?? 'keras') === 'keras';
    switch (spec.scheme) {
      case 'zeros': case 'ones': case 'constant':
        return 0;
      case 'uniform': {
        const low = num(o, 'low', keras ? -0.05 : 0), high = num(o, 'high', keras ? 0.05 : 1);
        return (high - low) / Math.sqrt(12);
      }
      case 'normal':
        return num(o, 'std', keras ? 0.05 : 1);
      case 'truncatedNormal': {
        if (o.a !== undefined || o.b !== undefined) return null;
        return num(o, 'std', keras ? 0.05 : 1) * (keras ? truncatedNormalStd(2) : 1);
      }
      case 'xavierUniform': case 'glorotUniform': case 'xavierNormal': case 'glorotNormal': {
        const f = fans();
        return num(o, 'gain', 1) * Math.sqrt(2 / (f.fanIn + f.fanOut));
      }
      case 'kaimingUniform': case 'heUniform': case 'kaimingNormal': case 'heNormal': {
        const f = fans();
        const nl = (o.nonlinearity ?? 'leaky_relu') as Nonlinearity;
        const leaky = nl === 'leaky_relu' || (nl as string) === 'leakyRelu';
        const gain = calculateGain(nl, leaky ? num(o, 'a', 0) : undefined);
        const fan = o.mode === 'fanOut' || o.mode === 'fan_out' ? f.fanOut : f.fanIn;
        return gain / Math.sqrt(fan);
      }
      case 'lecunUniform': case 'lecunNormal':
        return 1 / Math.sqrt(fans().fanIn);
      case 'varianceScaling': {
        const f = fans();
        const mode = (o.mode ?? 'fanIn') as string;
        const denom = mode === 'fanIn' || mode === 'fan_in' ? f.fanIn
          : mode === 'fanOut' || mode === 'fan_out' ? f.fanOut
            : mode === 'fanAvg' || mode === 'fan_avg' ? (f.fanIn + f.fanOut) / 2 : Math.sqrt(f.fanIn * f.fanOut);
        return Math.sqrt(num(o, 'scale', 1) / denom);
      }
      case 'orthogonal': {
        if (shape.length < 2) return null;
        const cols = shape[shape.length - 1]!;
        const rows = shape.reduce((a, x) => a * x, 1) / cols;
        return num(o, 'gain', 1) / Math.sqrt(Math.max(rows, cols));
      }
      case 'eye': {
        if (shape.length !== 2) return null;
        const g = num(o, 'gain', 1);
        const n = shape[0]! * shape[1]!;
        const mean = (Math.min(shape[0]!, shape[1]!) * g) / n;
        return Math.sqrt(Math.max(0, (Math.min(shape[0]!, shape[1]!) * g * g) / n - mean * mean));
      }
      default:
        return null;
    }
  } catch {
    return null;
  }
}
