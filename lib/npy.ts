/**
 * NumPy `.npy` bytes: a parser and an encoder of the format NumPy documents in
 * `numpy.lib.format` (versions 1.0, 2.0 and 3.0), with no dependency.
 *
 * Why our own: the npm readers we looked at either read only little-endian float32/64 or
 * no Fortran-order arrays, ignore the header's declared size (so a truncated file reads
 * as garbage), or pull in a Python-literal parser for the 100-byte header. The format is
 * small and fixed (magic, version, header length, a Python dict literal with `descr`,
 * `fortran_order` and `shape`, then the raw data), so a strict reader fits in this file
 * and every malformed file gets a message that says what is wrong.
 *
 * Supported dtypes: `b1` (bool), `i1 u1 i2 u2 i4 u4 i8 u8`, `f2 f4 f8`, in either byte
 * order (`<`, `>`, `|`, `=`); Fortran-order arrays are returned in C order.
 *
 * The file functions (`readNpy`, `writeNpy`) are in lib/files.ts: this module runs in
 * browsers too.
 *
 * @packageDocumentation
 */
import { fromFloat16 } from './dtypes.js';
import { typeError } from './errors.js';
import { readOptions } from './validate.js';

/** Every runtime nninit supports has TextDecoder; typed here so the browser build needs no DOM types. */
const Utf8Decoder = (globalThis as unknown as { TextDecoder: new (label: string) => { decode(b: Uint8Array): string } }).TextDecoder;

/** The dtypes {@link parseNpy} reads, by NumPy name. */
export type NpyDtype = 'bool' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'float16' | 'float32' | 'float64';

/** The typed array holding an {@link NpyDtype} (float16 is widened exactly to float32; bool is 0/1 bytes). */
export type NpyData = Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array | Float32Array | Float64Array;

/** A NumPy array read from, or to be written to, a `.npy` file. */
export interface NpyArray {
  /** The element type as NumPy names it. */
  dtype: NpyDtype;
  /** The shape (`[]` for a 0-d array). */
  shape: number[];
  /** The elements in C (row-major) order, in this machine's byte order. */
  data: NpyData;
  /** Whether the file stored the array in Fortran order (`data` is always C order). */
  fortranOrder: boolean;
  /** The format version of the file: 1, 2 or 3. */
  version: number;
}

interface Kind { dtype: NpyDtype; size: number; read: (v: DataView, o: number, le: boolean) => number | bigint; make: (n: number) => NpyData }

const KINDS: Record<string, Kind> = {
  b1: { dtype: 'bool', size: 1, read: (v, o) => (v.getUint8(o) === 0 ? 0 : 1), make: (n) => new Uint8Array(n) },
  i1: { dtype: 'int8', size: 1, read: (v, o) => v.getInt8(o), make: (n) => new Int8Array(n) },
  u1: { dtype: 'uint8', size: 1, read: (v, o) => v.getUint8(o), make: (n) => new Uint8Array(n) },
  i2: { dtype: 'int16', size: 2, read: (v, o, le) => v.getInt16(o, le), make: (n) => new Int16Array(n) },
  u2: { dtype: 'uint16', size: 2, read: (v, o, le) => v.getUint16(o, le), make: (n) => new Uint16Array(n) },
  i4: { dtype: 'int32', size: 4, read: (v, o, le) => v.getInt32(o, le), make: (n) => new Int32Array(n) },
  u4: { dtype: 'uint32', size: 4, read: (v, o, le) => v.getUint32(o, le), make: (n) => new Uint32Array(n) },
  i8: { dtype: 'int64', size: 8, read: (v, o, le) => v.getBigInt64(o, le), make: (n) => new BigInt64Array(n) },
  u8: { dtype: 'uint64', size: 8, read: (v, o, le) => v.getBigUint64(o, le), make: (n) => new BigUint64Array(n) },
  f2: { dtype: 'float16', size: 2, read: (v, o, le) => fromFloat16(v.getUint16(o, le)), make: (n) => new Float32Array(n) },
  f4: { dtype: 'float32', size: 4, read: (v, o, le) => v.getFloat32(o, le), make: (n) => new Float32Array(n) },
  f8: { dtype: 'float64', size: 8, read: (v, o, le) => v.getFloat64(o, le), make: (n) => new Float64Array(n) },
};
const ALIASES: Record<string, string> = { '?': 'b1', b: 'i1', B: 'u1', h: 'i2', H: 'u2', i: 'i4', I: 'u4', l: 'i8', q: 'i8', L: 'u8', Q: 'u8', e: 'f2', f: 'f4', d: 'f8' };
const SUPPORTED = 'b1, i1, u1, i2, u2, i4, u4, i8, u8, f2, f4, f8 (with <, > or |)';
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Most elements one array may hold (2^31 - 1: a typed array's practical limit). */
const MAX_ELEMENTS = 2 ** 31 - 1;

// ---------------------------------------------------------------------------------------
// The header: a Python dict literal such as
//   {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }

type PyValue = string | boolean | number | PyValue[] | { [k: string]: PyValue } | null;

class HeaderParser {
  private i = 0;
  constructor(private readonly s: string, private readonly fail: (why: string) => never) {}
  private ws(): void { while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++; }
  private expect(ch: string): void {
    this.ws();
    if (this.s[this.i] !== ch) this.fail(`expected '${ch}' at character ${this.i} of the header ${JSON.stringify(this.s.trim())}`);
    this.i++;
  }
  value(): PyValue {
    this.ws();
    const c = this.s[this.i];
    if (c === '{') return this.dict();
    if (c === '(' || c === '[') return this.seq(c === '(' ? ')' : ']');
    if (c === "'" || c === '"') return this.str();
    const m = /^(True|False|None|-?\d+L?)/.exec(this.s.slice(this.i));
    if (m === null) this.fail(`unexpected ${c === undefined ? 'end' : JSON.stringify(c)} at character ${this.i} of the header ${JSON.stringify(this.s.trim())}`);
    this.i += m[0].length;
    if (m[0] === 'True') return true;
    if (m[0] === 'False') return false;
    if (m[0] === 'None') return null;
    return Number(m[0].replace('L', ''));
  }
  private str(): string {
    const q = this.s[this.i++]!;
    let out = '';
    while (this.i < this.s.length && this.s[this.i] !== q) {
      if (this.s[this.i] === '\\') this.i++;
      out += this.s[this.i++] ?? '';
    }
    if (this.s[this.i] !== q) this.fail('unterminated string in the header');
    this.i++;
    return out;
  }
  private seq(close: string): PyValue[] {
    this.i++;
    const out: PyValue[] = [];
    for (;;) {
      this.ws();
      if (this.s[this.i] === close) { this.i++; return out; }
      out.push(this.value());
      this.ws();
      if (this.s[this.i] === ',') { this.i++; continue; }
      this.expect(close);
      return out;
    }
  }
  private dict(): { [k: string]: PyValue } {
    this.i++;
    const out: { [k: string]: PyValue } = Object.create(null) as { [k: string]: PyValue };
    for (;;) {
      this.ws();
      if (this.s[this.i] === '}') { this.i++; return out; }
      const k = this.value();
      if (typeof k !== 'string') this.fail('header keys must be strings');
      this.expect(':');
      out[k] = this.value();
      this.ws();
      if (this.s[this.i] === ',') { this.i++; continue; }
      this.expect('}');
      return out;
    }
  }
  end(): void {
    this.ws();
    if (this.i !== this.s.length) this.fail(`unexpected text after the header dict: ${JSON.stringify(this.s.slice(this.i, this.i + 20))}`);
  }
}

function bytesOf(fn: string, what: string, bytes: unknown): Uint8Array {
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  throw typeError(fn, what, 'the bytes of a .npy file (a Uint8Array, Buffer or ArrayBuffer)', bytes);
}

/**
 * Parses the bytes of a `.npy` file.
 *
 * @param bytes - The whole file (Uint8Array, Buffer, any ArrayBuffer view, or ArrayBuffer).
 * @param source - How to name the bytes in error messages (a file name). Default `bytes`.
 * @returns The array, in C order and this machine's byte order; see {@link NpyArray}.
 * @throws TypeError when `bytes` is not bytes; RangeError naming what is wrong when the file
 *   is not a well-formed `.npy` file (magic, version, header, dtype, shape, size).
 * @example
 * ```ts
 * const { dtype, shape, data } = parseNpy(readFileSync('batch.npy'));
 * ```
 */
export function parseNpy(bytes: Uint8Array | ArrayBuffer | ArrayBufferView, source = 'bytes'): NpyArray {
  const fn = 'parseNpy';
  const b = bytesOf(fn, source, bytes);
  const fail = (why: string): never => {
    throw new RangeError(`nninit.${fn}: ${source} is not a valid .npy file: ${why}`);
  };
  if (b.length < 10 || MAGIC.some((m, i) => b[i] !== m)) {
    fail(`it does not start with the magic string \\x93NUMPY (${b.length < 6 ? `only ${b.length} bytes` : `starts with ${JSON.stringify(String.fromCharCode(...b.subarray(0, 6)))}`})`);
  }
  const major = b[6]!, minor = b[7]!;
  if (major < 1 || major > 3 || minor !== 0) fail(`format version ${major}.${minor} is not one of 1.0, 2.0, 3.0`);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (b.length < 8 + lenBytes) fail('the file ends inside the header length');
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes;
  if (start + headerLen > b.length) fail(`the header says it is ${headerLen} bytes long but the file ends after ${b.length - start}`);
  const raw = b.subarray(start, start + headerLen);
  const text = major === 3 ? new Utf8Decoder('utf-8').decode(raw) : String.fromCharCode(...raw);
  const p = new HeaderParser(text, fail);
  const header = p.value();
  p.end();
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail(`the header is not a dict: ${JSON.stringify(text.trim())}`);
  const h = header as Record<string, PyValue>;
  for (const k of ['descr', 'fortran_order', 'shape']) if (!(k in h)) fail(`the header has no '${k}' key: ${JSON.stringify(text.trim())}`);
  const descr = h.descr;
  if (typeof descr !== 'string') fail(`'descr' ${JSON.stringify(descr)} is a structured dtype; only plain numeric dtypes are supported (${SUPPORTED})`);
  const d = descr as string;
  const m = /^([<>|=]?)([a-zA-Z?])(\d*)$/.exec(d);
  const code = m === null ? undefined : m[3] === '' ? ALIASES[m[2]!] : `${m[2]}${m[3]}`;
  const kind = code === undefined ? undefined : KINDS[code];
  if (m === null || kind === undefined) fail(`dtype '${d}' is not supported (supported: ${SUPPORTED})`);
  const order = m![1]!;
  if (order === '|' && kind!.size > 1) fail(`dtype '${d}' has no byte order ('|' is for 1-byte types)`);
  const le = order === '>' ? false : order === '<' || order === '|' || order === '' ? true : HOST_LE;
  if (typeof h.fortran_order !== 'boolean') fail(`'fortran_order' must be True or False; it is ${JSON.stringify(h.fortran_order)}`);
  const fortran = h.fortran_order as boolean;
  const shapeV = h.shape;
  if (!Array.isArray(shapeV) || !shapeV.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0)) {
    fail(`'shape' must be a tuple of non-negative integers; it is ${JSON.stringify(shapeV)}`);
  }
  const shape = shapeV as number[];
  const numel = shape.reduce((a, x) => a * x, 1);
  if (numel > MAX_ELEMENTS) fail(`shape (${shape.join(', ')}) has ${numel} elements, more than ${MAX_ELEMENTS}`);
  const dataStart = start + headerLen;
  const need = numel * kind!.size;
  const have = b.length - dataStart;
  if (have !== need) {
    fail(`shape (${shape.join(', ')}) of '${d}' needs ${need} data bytes, but the file has ${have}${have < need ? ' (truncated?)' : ''}`);
  }
  const out = kind!.make(numel);
  // Fortran order: the file's element k is C-order element perm(k).
  const strides = fortran ? cStrides(shape) : null;
  const counter = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < numel; k++) {
    let dst = k;
    if (strides !== null) {
      dst = 0;
      for (let a = 0; a < shape.length; a++) dst += counter[a]! * strides[a]!;
      for (let a = 0; a < shape.length; a++) { // the first axis varies fastest in Fortran order
        if (++counter[a]! < shape[a]!) break;
        counter[a] = 0;
      }
    }
    (out as unknown as (number | bigint)[])[dst] = kind!.read(view, dataStart + k * kind!.size, le);
  }
  return { dtype: kind!.dtype, shape: [...shape], data: out, fortranOrder: fortran, version: major };
}

function cStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let a = shape.length - 1; a >= 0; a--) { s[a] = acc; acc *= shape[a]!; }
  return s;
}

const DESCR: Record<string, string> = {
  Uint8Array: 'u1', Int8Array: 'i1', Int16Array: 'i2', Uint16Array: 'u2', Int32Array: 'i4', Uint32Array: 'u4',
  BigInt64Array: 'i8', BigUint64Array: 'u8', Float32Array: 'f4', Float64Array: 'f8',
};

/** What {@link encodeNpy} accepts: the data and its shape; `dtype` may say `'bool'` for a Uint8Array of 0/1. */
export interface NpyInput {
  data: NpyData;
  shape: readonly number[];
  /** Only `'bool'` (with a Uint8Array) changes what is written; otherwise the typed array decides. */
  dtype?: NpyDtype;
}

/**
 * The header of a C-order `.npy` file of `descr` (`'<f4'`, `'|b1'`, ...) and `shape`:
 * version 1.0 (2.0 when it would not fit), padded so the data starts at a multiple of 64
 * bytes, exactly as `numpy.save` writes it. Writers that stream the data (the model files)
 * write it first.
 */
export function npyHeader(descr: string, shape: readonly number[]): Uint8Array {
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${tuple}, }`;
  let version = 1;
  let pre = 10;
  let total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  if (total - pre > 0xffff) { version = 2; pre = 12; total = Math.ceil((pre + dict.length + 1) / 64) * 64; }
  dict = dict.padEnd(total - pre - 1, ' ') + '\n';
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const v = new DataView(out.buffer);
  if (version === 1) v.setUint16(8, dict.length, true); else v.setUint32(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[pre + i] = dict.charCodeAt(i);
  return out;
}

/**
 * Encodes an array as a version 1.0 `.npy` file (2.0 when the header would not fit),
 * little-endian, C order, header padded so the data starts at a multiple of 64 bytes,
 * exactly as `numpy.save` writes it.
 *
 * @throws TypeError / RangeError when `data` is not a supported typed array or `shape`
 *   does not match its length.
 */
export function encodeNpy(array: NpyInput): Uint8Array {
  const fn = 'encodeNpy';
  const o = readOptions(fn, array, ['data', 'shape', 'dtype', 'fortranOrder', 'version'], 'array');
  const data = o.data;
  const name = ArrayBuffer.isView(data) ? (data as object).constructor.name : '';
  const code = DESCR[name];
  if (code === undefined) throw typeError(fn, 'array.data', `a typed array (${Object.keys(DESCR).join(', ')})`, data);
  if (!Array.isArray(o.shape) || !o.shape.every((x: unknown) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0)) {
    throw typeError(fn, 'array.shape', 'an array of non-negative integers', o.shape);
  }
  const shape = o.shape as number[];
  const arr = data as NpyData;
  const numel = shape.reduce((a, x) => a * x, 1);
  if (numel !== arr.length) {
    throw new RangeError(`nninit.${fn}: array.shape must be a shape with ${arr.length} elements (data's length); received [${shape.join(', ')}] (${numel} elements)`);
  }
  const descr = o.dtype === 'bool' && name === 'Uint8Array' ? '|b1' : code.endsWith('1') ? `|${code}` : `<${code}`;
  const header = npyHeader(descr, shape);
  const total = header.length;
  const size = arr.BYTES_PER_ELEMENT;
  const out = new Uint8Array(total + arr.length * size);
  out.set(header, 0);
  const src = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
  if (HOST_LE || size === 1) out.set(src, total);
  else for (let i = 0; i < arr.length; i++) for (let k = 0; k < size; k++) out[total + i * size + k] = src[i * size + size - 1 - k]!;
  return out;
}
