/**
 * orthogonal()'s values, pinned: SHA-256 digests (first 128 bits) of the float64 result at
 * seed 2024, computed with the TypeScript QR of lib/initializers/orthogonal.ts (those up to
 * [640, 640] before the native QR was blocked and threaded). Every backend (the native, js
 * and wasm projects) must keep them: a change here is a change of the values, which needs a
 * major version. Larger shapes: LARGE_ORTHOGONAL_DIGESTS (test/qr-cases.ts).
 */
import { describe, expect, test } from 'vitest';
import { orthogonal } from '../lib/index.js';
import { digest } from './qr-cases.js';

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
  // Past the wasm and SSE2 tile (2 columns), the leaf (8), the 32-reflection outer blocks,
  // and, above 2^22 elements, the 64-reflection ones (tall: the transposes in the QR; wide).
  [[130, 67], '5ab35372d5b27041e94595f000313f2a'],
  [[67, 130], 'c3472a739feff961fb1b0caac8c9933e'],
  [[65600, 65], 'f6e33af38005127f1e02ec65f39436a9'],
  [[65, 65600], '7d74fa6110d81d8658818d6b9522919e'],
];

describe('orthogonal() values are pinned', () => {
  test.each(ORTHOGONAL_DIGESTS)('%j', (shape, want) => {
    expect(digest(orthogonal(shape, { seed: 2024, dtype: 'float64' }))).toBe(want);
  });
});
