/**
 * One kernel-kind table per language, the same ids and names: the addon's `kinds` (from
 * native/include/nninit/kinds.h) against lib/kinds.ts, and the addon's own checks of a kind.
 */
import { describe, expect, test } from 'vitest';
import { nativeBinding } from '../lib/backend.js';
import type { NativeBinding } from '../lib/binding.js';
import { KINDS, NORMAL_F64 } from '../lib/kinds.js';

const binding = nativeBinding() as NativeBinding;

describe('kernel kinds (the addon)', () => {
  test("the addon exports its kind names, in id order, and they equal lib/kinds.ts's", () => {
    expect(binding.kinds).toBeDefined();
    expect(binding.kinds).toEqual(KINDS.map((k) => k.name));
    expect(binding.kinds).toEqual(['bits', 'uniform-f32', 'uniform-f64', 'normal-f32', 'normal-f64', 'truncated-normal-f32', 'truncated-normal-f64']);
  });

  test('the addon rejects a kind id outside the table, and names the kind in type errors', () => {
    const out = new Float32Array(4);
    expect(() => binding.fill(KINDS.length, out, new Uint32Array(4), 0, new Float64Array(12))).toThrow(/kind must be an integer 0\.\.6/);
    expect(() => binding.fill(NORMAL_F64.id, out, new Uint32Array(4), 0, new Float64Array(12))).toThrow(/out must be a Float64Array for kind normal-f64/);
  });
});
