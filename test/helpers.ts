/** Shared test helpers. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Byte-level equality of two typed arrays (bit-exact, -0 and NaN payloads included). */
export function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** Concatenates row-major parts (typed arrays of one kind) along `axis` into the full shape. */
export function concatAlong<T extends Float32Array | Float64Array | Uint16Array | BigInt64Array>(parts: T[], shapes: readonly (readonly number[])[], axis: number, full: readonly number[]): T {
  const out = new (parts[0]!.constructor as new (n: number) => T)(full.reduce((a, b) => a * b, 1));
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= full[i]!;
  let inner = 1;
  for (let i = axis + 1; i < full.length; i++) inner *= full[i]!;
  let at = 0;
  parts.forEach((p, k) => {
    const w = shapes[k]![axis]! * inner;
    for (let o = 0; o < outer; o++) (out as Float32Array).set((p as Float32Array).subarray(o * w, (o + 1) * w), o * full[axis]! * inner + at * inner);
    at += shapes[k]![axis]!;
  });
  return out;
}

/** Index of the first differing element, or -1. */
export function firstDiff(a: Float32Array | Float64Array | Uint32Array, b: Float32Array | Float64Array | Uint32Array): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

export interface KatLine { ctr: number[]; key: number[]; expected: number[] }

/** The philox4x32 known-answer lines of test/fixtures/kat_vectors.txt (Random123). */
export function philoxKat(): KatLine[] {
  const text = readFileSync(join(__dirname, 'fixtures', 'kat_vectors.txt'), 'utf8');
  return text.split('\n')
    .filter((l) => l.startsWith('philox4x32 '))
    .map((l) => {
      const f = l.trim().split(/\s+/).slice(2).map((h) => parseInt(h, 16));
      return { ctr: f.slice(0, 4), key: f.slice(4, 6), expected: f.slice(6, 10) };
    });
}

export type Dist = 'uniform' | 'normal' | 'truncatedNormal';
export const DISTS: Dist[] = ['uniform', 'normal', 'truncatedNormal'];
