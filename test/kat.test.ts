import { describe, expect, test } from 'vitest';
import { randomBits, backendInfo } from '../lib/index.js';
import { philoxKat } from './helpers.js';

describe(`Philox4x32-10 known answers (${backendInfo().name})`, () => {
  const lines = philoxKat();
  test('the fixture holds the three Random123 philox4x32_10 vectors', () => {
    expect(lines).toHaveLength(3);
  });
  for (const [i, l] of lines.entries()) {
    test(`vector ${i}: randomBits reproduces Random123`, () => {
      const seed = BigInt(l.key[0]!) + (BigInt(l.key[1]!) << 32n);
      const stream = BigInt(l.ctr[2]!) + (BigInt(l.ctr[3]!) << 32n);
      const block = BigInt(l.ctr[0]!) + (BigInt(l.ctr[1]!) << 32n);
      const out = randomBits(new Uint32Array(4), { seed, stream, offset: block * 4n });
      expect(Array.from(out)).toEqual(l.expected);
      // The same words one at a time, at unaligned starts.
      for (let w = 0; w < 4; w++) {
        const one = randomBits(new Uint32Array(1), { seed, stream, offset: block * 4n + BigInt(w) });
        expect(one[0]).toBe(l.expected[w]);
      }
    });
  }
  test('C++26 std::philox4x32 anchor: the 10000th value of seed 20111115 is 1955073260', () => {
    const out = randomBits(new Uint32Array(1), { seed: 20111115, offset: 9999 });
    expect(out[0]).toBe(1955073260);
    const run = randomBits(new Uint32Array(10000), { seed: 20111115 });
    expect(run[9999]).toBe(1955073260);
  });
});
