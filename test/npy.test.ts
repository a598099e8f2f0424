/**
 * The .npy reader and writer against files NumPy itself wrote (test/fixtures/npy, made by
 * scripts/make-npy-fixtures.py with NumPy 2.4.6): every dtype, both byte orders, Fortran
 * order, versions 1.0 / 2.0 / 3.0, 0-d and empty arrays, and malformed files.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeNpy, parseNpy } from '../lib/npy.js';
import { readNpy, writeNpy } from '../lib/files.js';

const DIR = join(__dirname, 'fixtures', 'npy');
const f = (name: string) => join(DIR, name);
const tmp = mkdtempSync(join(tmpdir(), 'nninit-npy-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const range = (n: number, g: (i: number) => number) => Array.from({ length: n }, (_, i) => g(i));

describe('parseNpy / readNpy: files written by NumPy', () => {
  it('float32, little-endian, C order, 3-d', () => {
    const a = readNpy(f('f4-2x3x4.npy'));
    expect(a).toMatchObject({ dtype: 'float32', shape: [2, 3, 4], fortranOrder: false, version: 1 });
    expect(a.data).toBeInstanceOf(Float32Array);
    expect([...a.data as Float32Array]).toEqual(range(24, (i) => (i - 7) / 8));
  });

  it('float64, big-endian', () => {
    const a = readNpy(f('f8-be-3x4.npy'));
    expect(a).toMatchObject({ dtype: 'float64', shape: [3, 4] });
    expect([...a.data as Float64Array]).toEqual(range(12, (i) => (i - 5.5) * 1e-3));
  });

  it('Fortran order comes back in C order (float32 and big-endian int32)', () => {
    const a = readNpy(f('f4-fortran-3x4.npy'));
    expect(a).toMatchObject({ dtype: 'float32', shape: [3, 4], fortranOrder: true });
    expect([...a.data as Float32Array]).toEqual(range(12, (i) => (i * 3 - 4) / 16));
    const b = readNpy(f('i4-fortran-be-2x3x2.npy'));
    expect(b).toMatchObject({ dtype: 'int32', shape: [2, 3, 2], fortranOrder: true });
    expect([...b.data as Int32Array]).toEqual(range(12, (i) => i * 7 - 40));
  });

  it('every integer dtype, bool, float16 and int64', () => {
    expect([...readNpy(f('u1-5.npy')).data as Uint8Array]).toEqual([0, 1, 127, 128, 255]);
    expect([...readNpy(f('i1-4.npy')).data as Int8Array]).toEqual([-128, -1, 0, 127]);
    expect([...readNpy(f('i2-be-3.npy')).data as Int16Array]).toEqual([-32768, 2, 32767]);
    expect([...readNpy(f('u2-3.npy')).data as Uint16Array]).toEqual([0, 1000, 65535]);
    expect([...readNpy(f('u4-3.npy')).data as Uint32Array]).toEqual([0, 1, 4294967295]);
    const b = readNpy(f('b1-2x3.npy'));
    expect(b).toMatchObject({ dtype: 'bool', shape: [2, 3] });
    expect([...b.data as Uint8Array]).toEqual([1, 0, 1, 0, 0, 1]);
    const i8 = readNpy(f('i8-6.npy'));
    expect(i8.dtype).toBe('int64');
    expect([...i8.data as BigInt64Array]).toEqual([0n, 1n, 2n, 9n, -3n, 2n ** 40n]);
    expect([...readNpy(f('u8-2.npy')).data as BigUint64Array]).toEqual([0n, 2n ** 64n - 1n]);
    const h = readNpy(f('f2-4.npy'));
    expect(h).toMatchObject({ dtype: 'float16', shape: [4] });
    expect([...h.data as Float32Array]).toEqual([0.5, -2, 65504, 2 ** -24]);
  });

  it('0-d, empty, version 2.0 and 3.0 files', () => {
    const s = readNpy(f('f8-scalar.npy'));
    expect(s).toMatchObject({ dtype: 'float64', shape: [] });
    expect([...s.data as Float64Array]).toEqual([3.25]);
    const e = readNpy(f('f4-empty-0x5.npy'));
    expect(e).toMatchObject({ shape: [0, 5] });
    expect(e.data.length).toBe(0);
    for (const [name, version] of [['f4-v2-2x2.npy', 2], ['f4-v3-2x2.npy', 3]] as const) {
      const a = readNpy(f(name));
      expect(a.version).toBe(version);
      expect([...a.data as Float32Array]).toEqual([1, 2, 3, 4]);
    }
  });

  it('parseNpy takes a Buffer, a Uint8Array view at an offset, or an ArrayBuffer', () => {
    const bytes = readFileSync(f('f4-2x3x4.npy'));
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    for (const b of [bytes, shifted.subarray(3), new Uint8Array(bytes).buffer]) {
      expect(parseNpy(b).shape).toEqual([2, 3, 4]);
    }
  });
});

describe('malformed and unsupported files: a RangeError that says what is wrong', () => {
  const cases: [string, RegExp][] = [
    ['truncated.npy', /truncated\.npy is not a valid \.npy file: shape \(2, 3, 4\) of '<f4' needs 96 data bytes, but the file has 91 \(truncated\?\)/],
    ['not-npy.npy', /not-npy\.npy is not a valid \.npy file: it does not start with the magic string \\x93NUMPY \(starts with "PK/],
    ['c8-2.npy', /dtype '<c8' is not supported \(supported: b1, i1/],
    ['structured-2.npy', /'descr' .* is a structured dtype/],
  ];
  for (const [name, re] of cases) {
    it(name, () => {
      expect(() => readNpy(f(name))).toThrow(RangeError);
      expect(() => readNpy(f(name))).toThrow(re);
    });
  }

  it('hand-made header faults', () => {
    const good = new Uint8Array(readFileSync(f('f4-2x3x4.npy')));
    const withHeader = (h: string, version = 1) => {
      const out = new Uint8Array(10 + h.length + 96);
      out.set(good.subarray(0, 6));
      out[6] = version;
      new DataView(out.buffer).setUint16(8, h.length, true);
      for (let i = 0; i < h.length; i++) out[10 + i] = h.charCodeAt(i);
      return out;
    };
    expect(() => parseNpy(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 4), }\n", 7))).toThrow(/format version 7\.0/);
    expect(() => parseNpy(withHeader("{'descr': '<f4', 'shape': (2, 3, 4), }\n"))).toThrow(/no 'fortran_order' key/);
    expect(() => parseNpy(withHeader("{'descr': '<f4', 'fortran_order': 0, 'shape': (2, 3, 4), }\n"))).toThrow(/'fortran_order' must be True or False/);
    expect(() => parseNpy(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3, 4), }\n"))).toThrow(/'shape' must be a tuple of non-negative integers/);
    expect(() => parseNpy(withHeader("{'descr': '|f4', 'fortran_order': False, 'shape': (2, 3, 4), }\n"))).toThrow(/'\|f4' has no byte order/);
    expect(() => parseNpy(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 4), \n"))).toThrow(/unexpected end at character 62 of the header/);
    expect(() => parseNpy(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 4)} junk"))).toThrow(/unexpected text after the header/);
    expect(() => parseNpy(new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0xff, 0x00]))).toThrow(/header says it is 255 bytes long/);
    expect(() => parseNpy(new Uint8Array(3))).toThrow(/only 3 bytes/);
  });

  it('not bytes, or an unreadable path: TypeError / Error naming it', () => {
    expect(() => parseNpy('x.npy' as never)).toThrow(TypeError);
    expect(() => readNpy(join(tmp, 'missing.npy'))).toThrow(/nninit\.readNpy: cannot read .*missing\.npy: ENOENT/);
    expect(() => readNpy(undefined as never)).toThrow(TypeError);
  });
});

describe('encodeNpy / writeNpy', () => {
  it('writes the bytes numpy.save writes', () => {
    const data = Float32Array.from(range(24, (i) => (i - 7) / 8));
    expect(Buffer.from(encodeNpy({ data, shape: [2, 3, 4] })).equals(readFileSync(f('f4-2x3x4.npy')))).toBe(true);
    expect(Buffer.from(encodeNpy({ data: Uint8Array.of(0, 1, 127, 128, 255), shape: [5] })).equals(readFileSync(f('u1-5.npy')))).toBe(true);
    expect(Buffer.from(encodeNpy({ data: Uint8Array.of(1, 0, 1, 0, 0, 1), shape: [2, 3], dtype: 'bool' })).equals(readFileSync(f('b1-2x3.npy')))).toBe(true);
    expect(Buffer.from(encodeNpy({ data: Float64Array.of(3.25), shape: [] })).equals(readFileSync(f('f8-scalar.npy')))).toBe(true);
  });

  it('round-trips every typed array through a file', () => {
    const arrays = [Int8Array.of(-1, 2), Int16Array.of(-300, 5), Uint16Array.of(7, 65535), Int32Array.of(-5, 6), Uint32Array.of(1, 2 ** 32 - 1),
      BigInt64Array.of(-1n, 2n ** 62n), BigUint64Array.of(3n, 2n ** 64n - 1n), Float64Array.of(Math.PI, -0)];
    for (const data of arrays) {
      const p = join(tmp, 'rt.npy');
      writeNpy(p, { data, shape: [2] });
      expect([...readNpy(p).data as unknown as number[]]).toEqual([...data as unknown as number[]]);
    }
  });

  it('rejects a shape that does not match, and non-typed data', () => {
    expect(() => encodeNpy({ data: new Float32Array(6), shape: [4, 2] })).toThrow(/array\.shape must be a shape with 6 elements/);
    expect(() => encodeNpy({ data: [1, 2] as never, shape: [2] })).toThrow(TypeError);
    expect(() => encodeNpy({ data: new Float32Array(1), shape: [1], order: 'F' } as never)).toThrow(/unknown option array\.order/);
  });
});
