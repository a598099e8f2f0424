import { describe, expect, it } from 'vitest';
import { calculateGain } from '../lib/index.js';

describe('calculateGain', () => {
  it("PyTorch's table exactly", () => {
    for (const n of ['linear', 'identity', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d',
      'conv_transpose3d', 'convTranspose1d', 'convTranspose2d', 'convTranspose3d', 'sigmoid'] as const) {
      expect(calculateGain(n)).toBe(1);
    }
    expect(calculateGain('tanh')).toBe(5.0 / 3);
    expect(calculateGain('relu')).toBe(Math.sqrt(2.0));
    expect(calculateGain('selu')).toBe(0.75);
    expect(calculateGain('leaky_relu')).toBe(Math.sqrt(2.0 / (1 + 0.01 ** 2)));
    expect(calculateGain('leaky_relu', 0)).toBe(Math.sqrt(2));
    expect(calculateGain('leakyRelu', 0.2)).toBe(Math.sqrt(2.0 / (1 + 0.2 ** 2)));
    expect(calculateGain('leaky_relu', Math.sqrt(5))).toBe(Math.sqrt(2.0 / (1 + Math.sqrt(5) ** 2)));
  });
  // 1/sqrt(E[f(z)^2]) by mpmath quadrature at 40 digits (independent of lib/gains.ts's constants
  // only for the parameterized cases, which lib/gains.ts computes at run time).
  it('variance-preservation gains', () => {
    expect(calculateGain('gelu')).toBeCloseTo(1.5335304411955352338, 15);
    expect(calculateGain('silu')).toBeCloseTo(1.6765324703310911586, 15);
    expect(calculateGain('swish')).toBe(calculateGain('silu'));
    expect(calculateGain('mish')).toBeCloseTo(1.486847581273208102, 15);
    expect(calculateGain('softplus')).toBeCloseTo(1.041866835535301708, 15);
    expect(calculateGain('elu')).toBeCloseTo(1.2451983007007065503, 14);
    expect(calculateGain('elu', 0.5)).toBeCloseTo(1.3655948588382176664, 14);
    expect(calculateGain('softplus', 2)).toBeCloseTo(1.3103050139512805558, 11);
    expect(calculateGain('softplus', 1.0000001)).toBeCloseTo(1.041866835535301708, 6);
  });
  it('the rule reproduces relu and linear: a Monte-Carlo check of E[f(z)^2] for gelu', () => {
    // E[gelu(z)^2] by midpoint quadrature in plain Math (test-only, independent of lib/).
    const erf = (x: number) => { // Abramowitz-Stegun 7.1.26 is too coarse; use a series
      let s = x, t = x; for (let n = 1; n < 80; n++) { t *= -x * x / n; s += t / (2 * n + 1); } return 2 / Math.sqrt(Math.PI) * s;
    };
    let e = 0; const h = 1e-3;
    for (let z = -8 + h / 2; z < 8; z += h) { const f = z * 0.5 * (1 + erf(z / Math.SQRT2)); e += f * f * Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI) * h; }
    expect(calculateGain('gelu')).toBeCloseTo(1 / Math.sqrt(e), 8);
  });
  it('bad input', () => {
    expect(() => calculateGain('softmax' as never)).toThrow(RangeError);
    expect(() => calculateGain('softmax' as never)).toThrow(/nninit\.calculateGain: nonlinearity must be one of "linear"/);
    expect(() => calculateGain(3 as never)).toThrow(TypeError);
    expect(() => calculateGain('leaky_relu', NaN)).toThrow(RangeError);
    expect(() => calculateGain('leaky_relu', Infinity)).toThrow(RangeError);
    expect(() => calculateGain('leaky_relu', true as never)).toThrow(TypeError);
    expect(() => calculateGain('leaky_relu', '0.1' as never)).toThrow(TypeError);
    expect(() => calculateGain('softplus', 0)).toThrow(RangeError);
    expect(() => calculateGain('relu', NaN)).toThrow(RangeError);
  });
});
