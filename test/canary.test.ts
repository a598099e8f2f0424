import { describe, expect, test } from 'vitest';
import { fillNormal, fillTruncatedNormal, fillUniform, randomBits, backendInfo } from '../lib/index.js';

const CANARY = 8;
describe(`fills never write outside their view (${backendInfo().name})`, () => {
  const cases: [string, (v: Float32Array | Float64Array) => void][] = [
    ['uniform', (v) => fillUniform(v, { seed: 1 })],
    ['normal', (v) => fillNormal(v, { seed: 1 })],
    ['truncatedNormal', (v) => fillTruncatedNormal(v, { seed: 1 })],
    ['truncatedNormal log path', (v) => fillTruncatedNormal(v, { seed: 1, a: -1, b: 9 })],
  ];
  for (const [name, fill] of cases) {
    for (const Ctor of [Float32Array, Float64Array]) {
      test(`${name} ${Ctor.name}`, () => {
        for (const len of [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63, 65, 127, 129, 1000, 4099]) {
          for (const start of [CANARY, CANARY + 1, CANARY + 3]) {
            const backing = new Ctor(len + start + CANARY);
            backing.fill(-12345.5);
            const view = backing.subarray(start, start + len);
            fill(view);
            for (let i = 0; i < start; i++) expect(backing[i]).toBe(-12345.5);
            for (let i = start + len; i < backing.length; i++) expect(backing[i]).toBe(-12345.5);
            for (let i = 0; i < len; i++) expect(view[i]).not.toBe(-12345.5);
          }
        }
      });
    }
  }
  test('randomBits', () => {
    for (const len of [0, 1, 3, 4, 5, 15, 16, 17, 1000]) {
      const backing = new Uint32Array(len + 2 * CANARY).fill(0xdeadbeef);
      randomBits(backing.subarray(CANARY + 1, CANARY + 1 + len), { seed: 5, offset: 3 });
      for (let i = 0; i <= CANARY; i++) expect(backing[i]).toBe(0xdeadbeef);
      for (let i = CANARY + 1 + len; i < backing.length; i++) expect(backing[i]).toBe(0xdeadbeef);
    }
  });
});
