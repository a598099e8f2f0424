/**
 * orthogonal()'s values, pinned: SHA-256 digests (first 128 bits) of the float64 result at
 * seed 2024, computed with the TypeScript QR of lib/initializers/orthogonal.ts before the
 * native QR was blocked and threaded. Both backends (native and js projects) must keep them:
 * a change here is a change of the values, which needs a major version.
 */
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { orthogonal } from '../lib/index.js';

const ORTHOGONAL_DIGESTS: Array<[[number, number], string]> = [
  [[1, 1], '6c3c396ed6b5c36dcae172271f462051'],
  [[3, 5], '79ac1928bd532781529cd4b09e6218bd'],
  [[5, 3], '6d1488a2059ed4a6a56cd3e9b1fa786a'],
  [[16, 16], '695c8ecb080eff6517f72b988ac1bd2f'],
  [[17, 33], 'd54eea0f7021533a32eb725f4c80a026'],
  [[31, 9], '60bdef6fad48010f7c964e5a87b337bd'],
  [[100, 37], '801823c7d311ff43b8f03ce18d9c57a0'],
  [[37, 100], 'f2ebdec1453dcbc14328f7ea71f9f095'],
  [[129, 257], '0adcaaff4d14a06ee80fd2e985d75be6'],
  [[257, 129], '6a5e0bc95781484340dbadb93ea301d5'],
  [[300, 300], '956c1498bd04eb50683ea4e9d39a2754'],
  [[520, 200], 'ba9caca921e8c446b625685a06585aa8'],
  [[200, 520], 'dfd97f862bbbad19d84681a7e7339ea1'],
  [[640, 640], '31883fe7de0468ec1603679bed275f8e'],
];

function digest(a: Float64Array): string {
  return createHash('sha256').update(Buffer.from(a.buffer, a.byteOffset, a.byteLength)).digest('hex').slice(0, 32);
}

describe('orthogonal() values are pinned', () => {
  test.each(ORTHOGONAL_DIGESTS)('%j', (shape, want) => {
    expect(digest(orthogonal(shape, { seed: 2024, dtype: 'float64' }))).toBe(want);
  });
});
