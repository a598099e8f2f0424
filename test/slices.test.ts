import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { fillNormal, fillTruncatedNormal, fillUniform, randomBits, backendInfo } from '../lib/index.js';
import { sameBytes } from './helpers.js';

type Fill = (out: Float32Array | Float64Array, o: { seed: number; stream: number; offset: number }) => void;
const fills: Record<string, Fill> = {
  uniform: (out, o) => { fillUniform(out, { ...o, low: -3, high: 5 }); },
  normal: (out, o) => { fillNormal(out, { ...o, mean: 1, std: 2 }); },
  'truncatedNormal fast': (out, o) => { fillTruncatedNormal(out, { ...o, a: -2, b: 2 }); },
  'truncatedNormal tail': (out, o) => { fillTruncatedNormal(out, { ...o, a: 3, b: 7 }); },
};

describe(`slices equal the slice of the whole (${backendInfo().name})`, () => {
  for (const [name, fill] of Object.entries(fills)) {
    for (const Ctor of [Float32Array, Float64Array]) {
      test(`${name} ${Ctor.name}`, () => {
        fc.assert(
          fc.property(
            fc.integer({ min: 0, max: 600 }), fc.integer({ min: 0, max: 600 }), fc.integer({ min: 0, max: 600 }),
            fc.integer({ min: 0, max: 2 ** 31 }), fc.constantFrom(0, 1, 2 ** 32 - 1, 2 ** 40 + 3, 2 ** 52 + 1),
            (x, y, extra, seed, base) => {
              const a = Math.min(x, y), b = Math.max(x, y);
              const whole = new Ctor(b + extra);
              fill(whole, { seed, stream: 3, offset: base });
              const part = new Ctor(b - a);
              fill(part, { seed, stream: 3, offset: base + a });
              expect(sameBytes(part, whole.subarray(a, b))).toBe(true);
            },
          ),
          { numRuns: 150 },
        );
      });
    }
  }
  test('raw bits', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 300 }), fc.bigInt({ min: 0n, max: (1n << 64n) }), (x, y, base) => {
      const a = Math.min(x, y), b = Math.max(x, y);
      const whole = randomBits(new Uint32Array(b), { seed: 9n, stream: 2n ** 63n, offset: base });
      const part = randomBits(new Uint32Array(b - a), { seed: 9n, stream: 2n ** 63n, offset: base + BigInt(a) });
      expect(sameBytes(part, whole.subarray(a, b))).toBe(true);
    }), { numRuns: 150 });
  });
});
