import { describe, expect, it } from 'vitest';
import { computeFans } from '../lib/index.js';

// Reference formulas, written from each framework's source (see
// ../shared/reference/initializers-in-other-frameworks.md, b.1.2, b.2, b.3, b.5).
function torchFans(s: number[]): [number, number] {
  let rf = 1;
  for (let i = 2; i < s.length; i++) rf *= s[i]!;
  return [s[1]! * rf, s[0]! * rf];
}
function kerasFans(s: number[]): [number, number] {
  if (s.length === 0) return [1, 1];
  if (s.length === 1) return [s[0]!, s[0]!];
  if (s.length === 2) return [s[0]!, s[1]!];
  let rf = 1;
  for (let i = 0; i < s.length - 2; i++) rf *= s[i]!;
  return [s[s.length - 2]! * rf, s[s.length - 1]! * rf];
}
function paddleFans(s: number[]): [number, number] {
  if (s.length === 0) return [1, 1];
  if (s.length === 1) return [s[0]!, s[0]!];
  if (s.length === 2) return [s[0]!, s[1]!];
  return torchFans(s);
}

describe('computeFans', () => {
  const torchShapes: Record<string, number[]> = {
    linear: [256, 784], conv1d: [32, 16, 5], conv2d: [64, 3, 7, 7], conv3d: [8, 4, 3, 3, 3],
    'grouped conv2d (in 32, groups 4)': [64, 8, 3, 3], 'transposed conv2d [in, out/g, k]': [16, 32, 4, 4],
  };
  for (const [name, s] of Object.entries(torchShapes)) {
    it(`torch layout: ${name}`, () => {
      const [fi, fo] = torchFans(s);
      expect(computeFans(s)).toEqual({ fanIn: fi, fanOut: fo });
      expect(computeFans(s, { layout: 'torch' })).toEqual({ fanIn: fi, fanOut: fo });
      expect(computeFans(s, { convention: 'torch' })).toEqual({ fanIn: fi, fanOut: fo });
      expect(computeFans(s, { transposed: true })).toEqual({ fanIn: fo, fanOut: fi });
      const [pi, po] = paddleFans(s);
      expect(computeFans(s, { layout: 'paddle' })).toEqual({ fanIn: pi, fanOut: po });
    });
  }
  const kerasShapes: Record<string, number[]> = {
    dense: [784, 256], conv1d: [5, 16, 32], conv2d: [7, 7, 3, 64], conv3d: [3, 3, 3, 4, 8],
    'grouped conv2d (in 32, groups 4)': [3, 3, 8, 64], 'transposed conv2d [k, out, in]': [4, 4, 32, 16],
    scalar: [], vector: [10],
  };
  for (const [name, s] of Object.entries(kerasShapes)) {
    it(`keras layout: ${name}`, () => {
      const [fi, fo] = kerasFans(s);
      expect(computeFans(s, { layout: 'keras' })).toEqual({ fanIn: fi, fanOut: fo });
      expect(computeFans(s, { convention: 'keras' })).toEqual({ fanIn: fi, fanOut: fo });
      expect(computeFans(s, { layout: 'keras', transposed: true })).toEqual({ fanIn: fo, fanOut: fi });
    });
  }
  it('the same conv in torch and keras layouts has the same fans', () => {
    expect(computeFans([64, 3, 7, 7])).toEqual(computeFans([7, 7, 3, 64], { layout: 'keras' }));
    expect(computeFans([64, 3, 7, 7])).toEqual({ fanIn: 147, fanOut: 3136 });
  });
  it('paddle: 2-D is [in, out], the opposite of torch', () => {
    expect(computeFans([784, 256], { layout: 'paddle' })).toEqual({ fanIn: 784, fanOut: 256 });
    expect(computeFans([784, 256], { convention: 'paddle' })).toEqual({ fanIn: 784, fanOut: 256 });
    expect(computeFans([], { layout: 'paddle' })).toEqual({ fanIn: 1, fanOut: 1 });
    expect(computeFans([7], { layout: 'paddle' })).toEqual({ fanIn: 7, fanOut: 7 });
  });
  it('JAX axes: in/out/batch axes, receptive field is the rest', () => {
    expect(computeFans([3, 3, 16, 32], { inAxis: -2, outAxis: -1 })).toEqual({ fanIn: 144, fanOut: 288 });
    expect(computeFans([8, 4, 5], { inAxis: 1, outAxis: 2, batchAxis: 0 })).toEqual({ fanIn: 4, fanOut: 5 });
    expect(computeFans([2, 3, 4, 5], { inAxis: [0, 1], outAxis: 3 })).toEqual({ fanIn: 24, fanOut: 20 });
    expect(computeFans([6, 7], { outAxis: 0, inAxis: 1 })).toEqual({ fanIn: 7, fanOut: 6 });
    // axes win over the layout
    expect(computeFans([3, 3, 16, 32], { layout: 'torch', inAxis: 2, outAxis: 3 })).toEqual({ fanIn: 144, fanOut: 288 });
  });
  it('explicit overrides (Paddle)', () => {
    expect(computeFans([10, 20], { fanIn: 7 })).toEqual({ fanIn: 7, fanOut: 10 });
    expect(computeFans([10, 20], { fanOut: 3, fanIn: 4 })).toEqual({ fanIn: 4, fanOut: 3 });
  });
  it('zero-size dims give zero fans, not errors', () => {
    expect(computeFans([0, 5])).toEqual({ fanIn: 5, fanOut: 0 });
    expect(computeFans([4, 0, 3])).toEqual({ fanIn: 0, fanOut: 12 });
  });
  it('bad input', () => {
    expect(() => computeFans([5])).toThrow(RangeError);
    expect(() => computeFans([5])).toThrow(/nninit\.computeFans: shape must be/);
    expect(() => computeFans('5' as never)).toThrow(TypeError);
    expect(() => computeFans([2, -1])).toThrow(/shape\[1\]/);
    expect(() => computeFans([2, 1.5])).toThrow(RangeError);
    expect(() => computeFans([2, NaN])).toThrow(RangeError);
    expect(() => computeFans([2, Infinity])).toThrow(RangeError);
    expect(() => computeFans([2 ** 30, 2 ** 30, 2 ** 30])).toThrow(RangeError);
    expect(() => computeFans([2, 3], { layout: 'oihw' as never })).toThrow(/must be one of "torch", "keras", "paddle"; received "oihw"/);
    expect(() => computeFans([2, 3], { convention: 'jax' as never })).toThrow(RangeError);
    expect(() => computeFans([2, 3], { inAxis: 2 })).toThrow(RangeError);
    expect(() => computeFans([2, 3], { inAxis: 0.5 })).toThrow(RangeError);
    expect(() => computeFans([2, 3], { inAxis: 'a' as never })).toThrow(TypeError);
    expect(() => computeFans([2, 3], { inAxis: 0, outAxis: 0 })).toThrow(/distinct/);
    expect(() => computeFans([2, 3], { fanIn: 0 })).toThrow(RangeError);
    expect(() => computeFans([2, 3], { fanIn: NaN })).toThrow(RangeError);
    expect(() => computeFans([2, 3], { fanOut: '3' as never })).toThrow(TypeError);
    expect(() => computeFans([2, 3], { transposed: 1 as never })).toThrow(TypeError);
    expect(() => computeFans([2, 3], 5 as never)).toThrow(TypeError);
  });
});
