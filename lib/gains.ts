/**
 * calculateGain: PyTorch's `torch.nn.init.calculate_gain` table exactly, plus gelu, silu,
 * mish, elu and softplus by one rule: variance preservation, gain = 1 / sqrt(E[f(z)^2])
 * for z ~ N(0, 1). That rule gives 1 for linear and sqrt(2) for relu, PyTorch's values.
 * (tanh 5/3 and selu 3/4 are PyTorch's empirical values and are kept as they are.)
 */
import { rangeError, typeError } from './errors.js';
import { exp64, log1p } from './kernels/math.js';

/** Nonlinearity names: PyTorch's spellings and their camelCase forms. */
export type Nonlinearity =
  | 'linear' | 'identity'
  | 'conv1d' | 'conv2d' | 'conv3d'
  | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'convTranspose1d' | 'convTranspose2d' | 'convTranspose3d'
  | 'sigmoid' | 'tanh' | 'relu'
  | 'leaky_relu' | 'leakyRelu'
  | 'selu' | 'gelu' | 'silu' | 'swish' | 'mish' | 'elu' | 'softplus';

/** Every accepted nonlinearity, in the order error messages list them. */
export const NONLINEARITIES: readonly Nonlinearity[] = [
  'linear', 'identity', 'conv1d', 'conv2d', 'conv3d',
  'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d',
  'convTranspose1d', 'convTranspose2d', 'convTranspose3d',
  'sigmoid', 'tanh', 'relu', 'leaky_relu', 'leakyRelu', 'selu',
  'gelu', 'silu', 'swish', 'mish', 'elu', 'softplus',
];

// 1 / sqrt(E[f(z)^2]), z ~ N(0,1), computed with mpmath at 40 digits:
//   mp.dps = 40; phi = lambda z: exp(-z*z/2)/sqrt(2*pi)
//   E = quad(lambda z: f(z)**2 * phi(z), [-inf, -10, -1, 0, 1, 10, inf]); 1/sqrt(E)
/** gelu(z) = z Phi(z) (the exact, erf form): E[f^2] = 0.42522148257029867492. */
const GAIN_GELU = 1.5335304411955352338;
/** silu(z) = z sigmoid(z) (swish): E[f^2] = 0.35577551981735215623. */
const GAIN_SILU = 1.6765324703310911586;
/** mish(z) = z tanh(softplus(z)): E[f^2] = 0.45234219237588277068. */
const GAIN_MISH = 1.486847581273208102;
/** softplus(z) = log(1 + e^z) (beta = 1): E[f^2] = 0.92124590885930027868. */
const GAIN_SOFTPLUS = 1.041866835535301708;
/**
 * For elu with parameter alpha, E[f^2] = 1/2 + alpha^2 K exactly, with
 * K = e^2 Phi(-2) - 2 e^(1/2) Phi(-1) + 1/2 (from E[e^(cz); z < 0] = e^(c^2/2) Phi(-c)),
 * evaluated with mpmath at 40 digits. alpha = 1 gives 1.2451983007007065503.
 */
const ELU_K = 0.1449454174929238630635;

const NAMES: ReadonlySet<string> = new Set(NONLINEARITIES);

function slope(fn: string, name: string, param: unknown, dflt: number): number {
  if (param === undefined || param === null) return dflt;
  if (typeof param !== 'number') throw typeError(fn, name, 'a finite number', param);
  if (!Number.isFinite(param)) throw rangeError(fn, name, 'a finite number', param);
  return param;
}

/**
 * E[(softplus(beta z) / beta)^2] for z ~ N(0,1), by composite Simpson's rule on
 * [-12, 0] and [0, 12] (4096 panels each; the tails beyond 12 sigma are below 1e-31),
 * with our own exp/log1p so the result is the same on every engine.
 */
function softplusSecondMoment(beta: number): number {
  const N = 4096;
  const L = 12;
  const h = L / N;
  const c = 0.3989422804014327; // 1 / sqrt(2 pi)
  const g = (z: number): number => {
    const x = beta * z;
    const sp = (x > 0 ? x : 0) + log1p(exp64(-(x > 0 ? x : -x)));
    const f = sp / beta;
    return f * f * c * exp64(-0.5 * z * z);
  };
  let total = 0;
  for (const sgn of [-1, 1]) {
    let s = g(0) + g(sgn * L);
    for (let i = 1; i < N; i++) s += (i % 2 === 1 ? 4 : 2) * g(sgn * i * h);
    total += (s * h) / 3;
  }
  return total;
}

/**
 * The recommended gain for a nonlinearity: PyTorch's `calculate_gain` table, plus gelu,
 * silu (swish), mish, elu and softplus by variance preservation (1 / sqrt(E[f(z)^2])).
 *
 * | nonlinearity | gain |
 * |---|---|
 * | linear, identity, conv*, conv_transpose*, sigmoid | 1 |
 * | tanh | 5/3 |
 * | relu | sqrt(2) |
 * | leaky_relu | sqrt(2 / (1 + s^2)), s = `param` (default 0.01, as PyTorch) |
 * | selu | 3/4 (PyTorch's empirical value) |
 * | gelu | 1.5335304411955352 |
 * | silu, swish | 1.6765324703310912 |
 * | mish | 1.4868475812732081 |
 * | elu | 1 / sqrt(1/2 + alpha^2 K), alpha = `param` (default 1 → 1.2451983007007066) |
 * | softplus | beta / sqrt(E[softplus(beta z)^2]), beta = `param` (default 1 → 1.0418668355353017) |
 *
 * @param nonlinearity - A PyTorch name (`'leaky_relu'`) or its camelCase form (`'leakyRelu'`).
 * @param param - leaky_relu's negative slope, elu's alpha, softplus' beta (> 0). Must be a
 *   finite number or undefined for every nonlinearity; ignored by those without a parameter.
 * @example
 * ```ts
 * calculateGain('relu');             // 1.4142135623730951
 * calculateGain('leaky_relu', 0.2);  // 1.3867504905630728
 * calculateGain('tanh');             // 1.6666666666666667
 * ```
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  return calculateGainAs('calculateGain', 'nonlinearity', nonlinearity, 'param', param);
}

/** calculateGain under another function's name (for error messages). */
export function calculateGainAs(fn: string, what: string, nonlinearity: unknown, paramName: string, param: unknown): number {
  if (typeof nonlinearity !== 'string' || !NAMES.has(nonlinearity)) {
    const msg = `one of ${NONLINEARITIES.map((a) => JSON.stringify(a)).join(', ')}`;
    if (typeof nonlinearity !== 'string') throw typeError(fn, what, msg, nonlinearity);
    throw rangeError(fn, what, msg, nonlinearity);
  }
  if (typeof param === 'boolean') throw typeError(fn, paramName, 'a finite number (not a boolean)', param);
  switch (nonlinearity as Nonlinearity) {
    case 'leaky_relu':
    case 'leakyRelu': {
      const s = slope(fn, paramName, param, 0.01);
      return Math.sqrt(2.0 / (1 + s * s));
    }
    case 'elu': {
      const alpha = slope(fn, paramName, param, 1);
      if (alpha === 1) return 1 / Math.sqrt(0.5 + ELU_K);
      return 1 / Math.sqrt(0.5 + alpha * alpha * ELU_K);
    }
    case 'softplus': {
      const beta = slope(fn, paramName, param, 1);
      if (!(beta > 0)) throw rangeError(fn, paramName, 'a finite number > 0 (softplus beta)', param);
      if (beta === 1) return GAIN_SOFTPLUS;
      return 1 / Math.sqrt(softplusSecondMoment(beta));
    }
    default:
      slope(fn, paramName, param, 0);
  }
  switch (nonlinearity as Nonlinearity) {
    case 'tanh': return 5.0 / 3;
    case 'relu': return Math.sqrt(2.0);
    case 'selu': return 3.0 / 4;
    case 'gelu': return GAIN_GELU;
    case 'silu':
    case 'swish': return GAIN_SILU;
    case 'mish': return GAIN_MISH;
    default: return 1;
  }
}

/** The activations nninit's advice (`recommend`, the mlp recipe) and diagnostics know. */
export const ACTIVATIONS = ['linear', 'relu', 'leaky_relu', 'tanh', 'sigmoid', 'selu', 'gelu', 'silu'] as const;
/** One of {@link ACTIVATIONS}. */
export type Activation = (typeof ACTIVATIONS)[number];
/** Other names accepted for an activation (as `calculateGain` does): `swish` is silu. */
export const ACTIVATION_ALIASES: Readonly<Record<string, Activation>> = Object.freeze({ swish: 'silu' });
/** An activation as nninit accepts it: one of {@link ACTIVATIONS}, or an alias (`'swish'`). */
export type ActivationName = Activation | 'swish';

/** Validates an activation name (an alias gives its activation); TypeError/RangeError naming `name`. */
export function checkActivation(fn: string, name: string, value: unknown): Activation {
  if (typeof value === 'string') {
    if ((ACTIVATIONS as readonly string[]).includes(value)) return value as Activation;
    if (Object.prototype.hasOwnProperty.call(ACTIVATION_ALIASES, value)) return ACTIVATION_ALIASES[value]!;
  }
  const expected = `one of ${[...ACTIVATIONS, ...Object.keys(ACTIVATION_ALIASES)].map((a) => JSON.stringify(a)).join(', ')}`;
  throw (typeof value === 'string' ? rangeError : typeError)(fn, name, expected, value);
}

/**
 * The recommended gain of an activation: nninit's {@link calculateGain} (PyTorch's table:
 * linear and sigmoid 1, tanh 5/3, relu sqrt(2), leaky_relu sqrt(2 / (1 + slope^2)),
 * selu 3/4; gelu and silu by variance preservation, 1 / sqrt(E[f(z)^2])).
 *
 * @param activationName - One of {@link ACTIVATIONS} (or `'swish'`, silu).
 * @param negativeSlope - leaky_relu's slope (default 0.01).
 */
export function gainOf(activationName: ActivationName, negativeSlope = 0.01): number {
  const fn = 'gainOf';
  const activation = checkActivation(fn, 'activation', activationName);
  if (typeof negativeSlope !== 'number') throw typeError(fn, 'negativeSlope', 'a finite number', negativeSlope);
  if (!Number.isFinite(negativeSlope)) throw rangeError(fn, 'negativeSlope', 'a finite number', negativeSlope);
  return calculateGain(activation, activation === 'leaky_relu' ? negativeSlope : undefined);
}
