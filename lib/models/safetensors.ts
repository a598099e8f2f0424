/**
 * The model file formats, host-free (the Node entry's lib/model-files.ts does the file
 * access): what a safetensors file or a folder of .npy files holds for a plan, its header
 * bytes, its data produced chunk by chunk in a bounded buffer, and the parser of a
 * safetensors header.
 *
 * safetensors format (huggingface/safetensors, "Format"): 8 bytes little-endian u64 N, then
 * N bytes of UTF-8 JSON { name: { dtype, shape, data_offsets: [begin, end] }, ...,
 * "__metadata__": { string: string } }, padded with spaces so the data starts 8-aligned, then
 * the data: every tensor's bytes, little-endian, row-major, contiguous with no gaps (offsets
 * relative to the start of the data). Tensors are laid out by element size, largest first
 * (as the reference writer does), so every tensor is aligned for its dtype.
 */
import { rangeError, typeError } from '../errors.js';
import { readOptions } from '../validate.js';
import { VERSION } from '../version.js';
import { npyHeader } from '../npy.js';
import type { Step } from '../job.js';
import { checkPlan, bytesOf, type ModelPlan } from './plan.js';
import { select, SELECTION_KEYS, type LocalTensor, type OutputSelection, type Selection } from './layout.js';
import { TensorWriter, viewOf, type TensorArray } from './fill.js';
import type { TensorDType } from './init-spec.js';

/** Options of the writers (`writeSafetensors`, `writeSafetensorsAsync`, `writeNpyFolder`). */
export interface WriteOptions extends OutputSelection {
  /** Replace an existing file (or folder, for .npy). Default false: an existing one is an error. */
  overwrite?: boolean;
  /** Bytes of each staging buffer (two in the async form), a multiple of 8 >= 65536. Default 8 MiB. */
  bufferBytes?: number;
  /** Called after each buffer is written, with the data bytes written so far and the total. */
  onProgress?: (written: number, total: number) => void;
}

/** What a writer reports. */
export interface WriteResult {
  /** The file (or folder) written. */
  path: string;
  /** Bytes of tensor data written. */
  dataBytes: number;
  /** Bytes of the file(s), headers included. */
  fileBytes: number;
  /** Tensors written (tied ones are not: they share their target's data). */
  tensors: number;
}

const WRITE_KEYS = [...SELECTION_KEYS, 'overwrite', 'bufferBytes', 'onProgress'];
const DEFAULT_BUFFER = 8 * 1024 * 1024;

/** safetensors dtype codes of the plan dtypes. */
export const SAFETENSORS_DTYPE: Readonly<Record<TensorDType, string>> = { float64: 'F64', float32: 'F32', bfloat16: 'BF16', float16: 'F16', int64: 'I64' };

/** A validated write: the selection, the plan, and the writers of the tensors the file(s) hold, in data order. */
export interface WritePlan {
  readonly sel: Selection;
  readonly plan: ModelPlan;
  /** Every initializer validated, before any file exists. */
  readonly writers: readonly TensorWriter[];
  readonly overwrite: boolean;
  readonly bufferBytes: number;
  readonly onProgress: ((written: number, total: number) => void) | undefined;
}

/** Validates a writer's plan and options (every tensor's initializer included). */
export function checkWrite(fn: string, plan: unknown, options: unknown): WritePlan {
  const rp = checkPlan(fn, plan);
  const o = readOptions(fn, options, WRITE_KEYS);
  const sel = select(fn, o, rp);
  if (o.overwrite !== undefined && typeof o.overwrite !== 'boolean') throw typeError(fn, 'options.overwrite', 'a boolean', o.overwrite);
  let bufferBytes = DEFAULT_BUFFER;
  if (o.bufferBytes !== undefined) {
    const b = o.bufferBytes;
    if (typeof b !== 'number') throw typeError(fn, 'options.bufferBytes', 'a multiple of 8 in [65536, 2^30]', b);
    if (!Number.isSafeInteger(b) || b % 8 !== 0 || b < 65536 || b > 2 ** 30) throw rangeError(fn, 'options.bufferBytes', 'a multiple of 8 in [65536, 2^30]', b);
    bufferBytes = b;
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') throw typeError(fn, 'options.onProgress', 'a function', o.onProgress);
  const writers = dataOrder(sel).map((lt) => new TensorWriter(fn, lt, sel.seed));
  return { sel, plan: rp.plan, writers, overwrite: o.overwrite === true, bufferBytes, onProgress: o.onProgress as WritePlan['onProgress'] };
}

/** The tensors a file holds, in data order: untied ones, largest element size first (stable). */
function dataOrder(sel: Selection): LocalTensor[] {
  return sel.tensors.filter((lt) => lt.t.tiedIndex < 0).map((lt, i) => ({ lt, i }))
    .sort((a, b) => bytesOf(b.lt.dtype) - bytesOf(a.lt.dtype) || a.i - b.i).map((x) => x.lt);
}

/** The `__metadata__` of a file: enough to reproduce it (plan, seed, dtype, shard). */
export function metadataOf(sel: Selection, plan: ModelPlan): Record<string, string> {
  const m: Record<string, string> = {
    format: 'pt',
    nninit: VERSION,
    recipe: plan.recipe ?? '',
    config: JSON.stringify(plan.config),
    options: JSON.stringify(plan.options),
    seed: String(sel.seed),
    dtype: sel.dtype ?? 'plan',
  };
  if (sel.worldSize > 1) {
    m.rank = String(sel.rank);
    m.world_size = String(sel.worldSize);
    const split: Record<string, number | null> = {};
    for (const lt of sel.tensors) split[lt.t.spec.name] = lt.axis;
    m.split = JSON.stringify(split);
    if (Object.keys(sel.splitAxis).length > 0) m.split_axis = JSON.stringify(sel.splitAxis);
  }
  m.plan = JSON.stringify({ ...plan, tensors: plan.tensors, totals: plan.totals });
  return m;
}

/** Every runtime nninit supports has TextEncoder and TextDecoder; typed here so the browser build needs no DOM types. */
const Utf8 = globalThis as unknown as {
  TextEncoder: new () => { encode(s: string): Uint8Array };
  TextDecoder: new (label: string, options: { fatal: boolean }) => { decode(b: Uint8Array): string };
};

/** A string as UTF-8 bytes. */
export function utf8(s: string): Uint8Array {
  return new Utf8.TextEncoder().encode(s);
}

/** A safetensors file's layout: its header bytes and the data's size. */
export interface SafetensorsLayout {
  /** The u64 length and the JSON header, padded so the data starts 8-aligned. */
  readonly header: Uint8Array;
  readonly dataBytes: number;
}

/** The header of the safetensors file of a validated write. */
export function safetensorsLayout(w: WritePlan): SafetensorsLayout {
  const offsets = new Map<LocalTensor, [number, number]>();
  let at = 0;
  for (const { lt } of w.writers) {
    const n = lt.numel * bytesOf(lt.dtype);
    offsets.set(lt, [at, at + n]);
    at += n;
  }
  const json: Record<string, unknown> = { __metadata__: metadataOf(w.sel, w.plan) };
  for (const lt of w.sel.tensors) {
    if (lt.t.tiedIndex >= 0) continue;
    json[lt.t.spec.name] = { dtype: SAFETENSORS_DTYPE[lt.dtype], shape: lt.shape, data_offsets: offsets.get(lt) };
  }
  const text = utf8(JSON.stringify(json));
  const n = text.length + ((8 - ((8 + text.length) % 8)) % 8);
  const header = new Uint8Array(8 + n).fill(0x20, 8);
  new DataView(header.buffer).setBigUint64(0, BigInt(n), true);
  header.set(text, 8);
  return { header, dataBytes: at };
}

/** A full buffer: the steps that fill its first `bytes` bytes. */
export interface Chunk { readonly steps: Step[]; readonly bytes: number }

/**
 * The data of the tensors of `writers`, buffer by buffer: the views of each tensor's
 * elements in the buffer `bufOf()` returns (all of one size, a multiple of 8, so every view
 * is aligned: tensors come largest element first) and the steps that write them, one job
 * per buffer; a chunk each time the buffer is full and at the end. The views of a chunk are
 * taken after the previous chunk was handed out, so the driver may switch buffers between.
 */
export function* chunks(writers: readonly TensorWriter[], bufOf: () => ArrayBuffer): Generator<Chunk, void, void> {
  const B = bufOf().byteLength;
  let fill = 0;
  let steps: Step[] = [];
  for (const w of writers) {
    const es = bytesOf(w.lt.dtype);
    for (let from = 0; from < w.lt.numel;) {
      const n = Math.min(w.lt.numel - from, (B - fill) / es);
      steps.push(...w.steps(from, viewOf(w.lt.dtype, bufOf(), fill, n)));
      fill += n * es; from += n;
      if (fill === B) { yield { steps, bytes: fill }; steps = []; fill = 0; }
    }
    w.release();
  }
  if (fill > 0) yield { steps, bytes: fill };
}

// ---------------------------------------------------------------------------------------
// .npy

const NPY_DESCR: Partial<Record<TensorDType, string>> = { float64: '<f8', float32: '<f4', float16: '<f2', int64: '<i8' };

/** The .npy file name of a tensor: characters outside [A-Za-z0-9._-] are %XX-escaped (no path separators). */
export function npyFileName(name: string): string {
  let s = '';
  for (const ch of utf8(name)) {
    const c = String.fromCharCode(ch);
    s += /[A-Za-z0-9._-]/.test(c) ? c : `%${ch.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (s === '.' || s === '..') s = s.replace(/\./g, '%2E');
  return `${s}.npy`;
}

/** One .npy file of a folder: its name and header (the data follows as the writer's chunks). */
export interface NpyFile { readonly name: string; readonly header: Uint8Array; readonly writer: TensorWriter }

/** The files of a folder of .npy files: every dtype must have a .npy descr, and the names must stay distinct on a case-insensitive file system. */
export function npyFiles(fn: string, w: WritePlan): NpyFile[] {
  for (const lt of w.sel.tensors) {
    if (NPY_DESCR[lt.dtype] === undefined) throw rangeError(fn, 'options.dtype', `a dtype .npy can hold (float32, float64, float16; ${lt.t.spec.name} would be ${lt.dtype})`, lt.dtype);
  }
  const names = new Set<string>();
  for (const lt of w.sel.tensors) {
    const f = npyFileName(lt.t.spec.name).toLowerCase();
    if (names.has(f)) throw rangeError(fn, 'plan', 'tensor names that map to distinct file names', lt.t.spec.name);
    names.add(f);
  }
  return w.writers.map((writer) => ({ name: npyFileName(writer.lt.t.spec.name), header: npyHeader(NPY_DESCR[writer.lt.dtype]!, writer.lt.shape), writer }));
}

// ---------------------------------------------------------------------------------------
// Reading

/** One tensor of a safetensors file. */
export interface SafetensorsTensor {
  /** The safetensors dtype code: F64, F32, F16, BF16, I64, I32, I16, I8, U8, U16, U32, U64, BOOL. */
  dtype: string;
  shape: number[];
  /** The values: F16/BF16 as Uint16Array bit patterns, BOOL as Uint8Array. */
  data: Float64Array | Float32Array | Uint16Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint32Array | BigUint64Array;
}

/** A safetensors file read into memory. */
export interface SafetensorsFile {
  /** The `__metadata__` (string to string), or null. */
  metadata: Record<string, string> | null;
  /** Tensors in header order. */
  tensors: Map<string, SafetensorsTensor>;
}

/** A parsed safetensors header. */
export interface SafetensorsHeader {
  metadata: Record<string, string> | null;
  /** Tensors in header order with their byte ranges (relative to dataStart). */
  entries: SafetensorsEntry[];
  /** File offset of the data section: 8 + header length. */
  dataStart: number;
}

/** One tensor's entry in a safetensors header. */
export interface SafetensorsEntry { name: string; dtype: string; shape: number[]; begin: number; end: number }

/** A safetensors file being read: its checked header and element ranges of its tensors, in fresh aligned arrays. */
export interface SafetensorsSource {
  readonly header: SafetensorsHeader;
  read(e: SafetensorsEntry, start: number, count: number): SafetensorsTensor['data'];
}

/** Bytes per element of each safetensors dtype. */
export const ELEMENT: Readonly<Record<string, number>> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, U16: 2, U32: 4, U64: 8, BOOL: 1 };
/** The longest header read (the reference implementation's limit). */
export const MAX_HEADER = 100_000_000;

/** The error of a file that breaks the format. */
export function notSafetensors(fn: string, path: string, why: string): RangeError {
  return new RangeError(`nninit.${fn}: ${JSON.stringify(path)} is not a valid safetensors file: ${why}`);
}

/** The header length a file's first 8 bytes give, checked against the limit and the file's size. */
export function headerLength(fn: string, path: string, first8: Uint8Array, size: number): number {
  if (size < 8) throw notSafetensors(fn, path, `${size} bytes, shorter than the 8-byte header length`);
  const n = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER) || n > BigInt(size - 8)) throw notSafetensors(fn, path, `header length ${n} exceeds ${n > BigInt(MAX_HEADER) ? 'the 100 MB limit' : 'the file'}`);
  return Number(n);
}

/** Parses and checks a safetensors header (the format's rules: dtypes, shapes, offsets contiguous and covering the file's `size` bytes). */
export function parseHeader(fn: string, path: string, bytes: Uint8Array, size: number): SafetensorsHeader {
  const bad = (why: string): RangeError => notSafetensors(fn, path, why);
  const len = bytes.length;
  let json: unknown;
  try {
    json = JSON.parse(new Utf8.TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw bad(`header is not JSON (${(e as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw bad('header is not a JSON object');
  let metadata: Record<string, string> | null = null;
  const entries: SafetensorsEntry[] = [];
  for (const [name, v] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad('__metadata__ is not an object');
      for (const [k, s] of Object.entries(v)) if (typeof s !== 'string') throw bad(`__metadata__.${k} is not a string`);
      metadata = v as Record<string, string>;
      continue;
    }
    const e = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (e === null || typeof e !== 'object') throw bad(`${name} is not an object`);
    if (typeof e.dtype !== 'string' || ELEMENT[e.dtype] === undefined) throw bad(`${name}: unknown dtype ${JSON.stringify(e.dtype)}`);
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) throw bad(`${name}: shape is not a list of non-negative integers`);
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) throw bad(`${name}: data_offsets is not [begin, end]`);
    const numel = (e.shape as number[]).reduce((a, b) => a * b, 1);
    if ((off[1] as number) - (off[0] as number) !== numel * ELEMENT[e.dtype]!) throw bad(`${name}: data_offsets [${off.join(', ')}] do not span ${numel} ${e.dtype} elements`);
    entries.push({ name, dtype: e.dtype, shape: e.shape as number[], begin: off[0] as number, end: off[1] as number });
  }
  const sorted = [...entries].sort((a, b) => a.begin - b.begin);
  let at = 0;
  for (const e of sorted) {
    if (e.begin !== at) throw bad(`${e.name}: data_offsets start at ${e.begin}, expected ${at} (tensors must be contiguous, with no gaps or overlaps)`);
    at = e.end;
  }
  if (8 + len + at !== size) throw bad(`the tensors cover ${at} data bytes but the file holds ${size - 8 - len}`);
  return { metadata, entries, dataStart: 8 + len };
}

/** `n` elements of a safetensors dtype over `buf` (F16/BF16 as bit patterns, BOOL as bytes). */
export function typedFor(dtype: string, buf: ArrayBuffer, n: number): SafetensorsTensor['data'] {
  switch (dtype) {
    case 'F64': return new Float64Array(buf, 0, n);
    case 'F32': return new Float32Array(buf, 0, n);
    case 'F16': case 'BF16': case 'U16': return new Uint16Array(buf, 0, n);
    case 'I64': return new BigInt64Array(buf, 0, n);
    case 'U64': return new BigUint64Array(buf, 0, n);
    case 'I32': return new Int32Array(buf, 0, n);
    case 'U32': return new Uint32Array(buf, 0, n);
    case 'I16': return new Int16Array(buf, 0, n);
    case 'I8': return new Int8Array(buf, 0, n);
    default: return new Uint8Array(buf, 0, n);
  }
}

export type { TensorArray };
