/** The kernel-kind table (lib/kinds.ts): ids, names, pack/unpack round trips, and the addon's names. */
import { describe, expect, test } from 'vitest';
import { backendInfo } from '../lib/index.js';
import { nativeBinding } from '../lib/backend.js';
import { checkKinds } from '../lib/binding.js';
import { BITS, KINDS, NORMAL_F32, TRUNCATED_NORMAL_F64, UNIFORM_F64, planOf } from '../lib/kinds.js';
import { truncatedNormalParams } from '../lib/params.js';

const NAMES = ['bits', 'uniform-f32', 'uniform-f64', 'normal-f32', 'normal-f64', 'truncated-normal-f32', 'truncated-normal-f64'];

describe(`kernel kinds (${backendInfo().name})`, () => {
  test('one row per kind: index = id, the names shared with the C++ table', () => {
    expect(KINDS.map((k) => k.name)).toEqual(NAMES);
    KINDS.forEach((k, i) => expect(k.id).toBe(i));
    expect(KINDS.map((k) => k.count)).toEqual([3, 3, 3, 2, 2, 12, 12]);
    expect(KINDS.map((k) => k.array)).toEqual(['uint32', 'float32', 'float64', 'float32', 'float64', 'float32', 'float64']);
  });
  test('pack writes the parameters in the addon\'s order', () => {
    expect(Array.from(UNIFORM_F64.pack({ low: -1, scale: 2, upper: 0.5 }))).toEqual([-1, 2, 0.5]);
    expect(Array.from(NORMAL_F32.pack({ mean: 3, std: 4 }))).toEqual([3, 4]);
    const t = truncatedNormalParams('t', 0.5, 2, -1, 3, 'float64');
    expect(Array.from(TRUNCATED_NORMAL_F64.pack(t))).toEqual([t.fast ? 1 : 0, t.mean, t.std, t.lo, t.hi, t.ea, t.d, t.scale, t.flip, t.lpb, t.e0, t.c0]);
    expect(Array.from(BITS.pack({ word: (5n << 34n) * 4n + 4n * 7n + 3n }))).toEqual([7, 5 * 4, 3]);
  });
  test('bits: a slice j words later addresses word + j, wrapping at 2^66', () => {
    const plan = planOf(BITS, { word: (1n << 66n) - 2n });
    const [, q] = BITS.skip(0, plan.params, 3);
    expect(Array.from(q)).toEqual([0, 0, 1]);
    expect(UNIFORM_F64.skip(10, plan.params, 3)[0]).toBe(13);
  });
  test('an addon whose kinds differ from this table is refused', () => {
    expect(() => checkKinds({ kinds: NAMES })).not.toThrow();
    expect(() => checkKinds({ kinds: [...NAMES.slice(0, 3), NAMES[4]!, NAMES[3]!, ...NAMES.slice(5)] })).toThrow(/do not match lib\/kinds.ts/);
    expect(() => checkKinds({ kinds: NAMES.slice(0, 6) })).toThrow(/do not match/);
  });
  if (backendInfo().name === 'native') {
    test('the loaded addon passed the check (its kinds, when it exports them, are this table\'s)', () => {
      const kinds = nativeBinding()!.kinds;
      expect(kinds === undefined || kinds.join() === NAMES.join()).toBe(true);
    });
  }
});
