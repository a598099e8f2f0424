/**
 * Files: safetensors (one file) and .npy (one file per tensor in a folder), written by
 * streaming through a bounded buffer, to a temporary name renamed into place at the end (a
 * failure never leaves a partial file), refusing to replace an existing file unless
 * `overwrite: true`. And readSafetensors for round trips.
 *
 * safetensors format (huggingface/safetensors, "Format"): 8 bytes little-endian u64 N, then
 * N bytes of UTF-8 JSON { name: { dtype, shape, data_offsets: [begin, end] }, ...,
 * "__metadata__": { string: string } }, padded with spaces so the data starts 8-aligned, then
 * the data: every tensor's bytes, little-endian, row-major, contiguous with no gaps (offsets
 * relative to the start of the data). Tensors are laid out by element size, largest first
 * (as the reference writer does), so every tensor is aligned for its dtype.
 */
import {
  closeSync, existsSync, fstatSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync,
  statSync, unlinkSync, write as fsWrite, writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { rangeError, typeError } from '../errors.js';
import { readOptions } from '../validate.js';
import { packageRoot } from '../backend.js';
import { checkPlan, bytesOf, type ModelPlan } from './plan.js';
import { runJob, runJobAsync, type Step } from '../job.js';
import { select, SELECTION_KEYS, type LocalTensor, type OutputSelection, type Selection } from './layout.js';
import { TensorWriter, viewOf, type TensorArray } from './fill.js';
import type { TensorDType } from './init-spec.js';

/** Options of {@link writeSafetensors} and {@link writeNpy}. */
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

let version: string | undefined;
/** The nninit version, from package.json. */
export function nninitVersion(): string {
  if (version === undefined) {
    try {
      version = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
    } catch {
      version = 'unknown';
    }
  }
  return version;
}

interface Checked {
  sel: Selection;
  plan: ModelPlan;
  /** The writers of the tensors the file(s) hold, in data order: every initializer validated before a file exists. */
  writers: TensorWriter[];
  overwrite: boolean;
  bufferBytes: number;
  onProgress: ((written: number, total: number) => void) | undefined;
  path: string;
}

function checkWrite(fn: string, path: unknown, plan: unknown, options: unknown, what = 'path'): Checked {
  if (typeof path !== 'string' || path.length === 0) throw typeError(fn, what, 'a non-empty file path string', path);
  if (path.includes('\0')) throw rangeError(fn, what, 'a path without NUL characters', path);
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
  const full = resolve(path);
  const dir = dirname(full);
  let dirOk = false;
  try { dirOk = statSync(dir).isDirectory(); } catch { dirOk = false; }
  if (!dirOk) throw rangeError(fn, what, `a path in an existing directory (${dir} does not exist or is not a directory)`, path);
  const overwrite = o.overwrite === true;
  if (existsSync(full)) {
    if (!overwrite) throw rangeError(fn, what, 'a path with no existing file (pass options.overwrite: true to replace it)', path);
    if (fn !== 'writeNpy' && fn !== 'writeNpyAsync' && statSync(full).isDirectory()) throw rangeError(fn, what, 'a file path, not a directory', path);
  }
  const writers = dataOrder(sel).map((lt) => new TensorWriter(lt, sel.seed));
  return { sel, plan: rp.plan, writers, overwrite, bufferBytes, onProgress: o.onProgress as Checked['onProgress'], path: full };
}

/** The tensors a file holds, in data order: untied ones, largest element size first (stable). */
function dataOrder(sel: Selection): LocalTensor[] {
  return sel.tensors.filter((lt) => lt.t.tiedIndex < 0).map((lt, i) => ({ lt, i }))
    .sort((a, b) => bytesOf(b.lt.dtype) - bytesOf(a.lt.dtype) || a.i - b.i).map((x) => x.lt);
}

/** The `__metadata__` of a file: enough to reproduce it (plan, seed, dtype, shard). */
function metadataOf(sel: Selection, plan: ModelPlan): Record<string, string> {
  const m: Record<string, string> = {
    format: 'pt',
    nninit: nninitVersion(),
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

interface Layout {
  header: Buffer;
  order: LocalTensor[];
  dataBytes: number;
}

function layoutFile(sel: Selection, plan: ModelPlan, writers: readonly TensorWriter[]): Layout {
  const order = writers.map((w) => w.lt);
  const offsets = new Map<LocalTensor, [number, number]>();
  let at = 0;
  for (const lt of order) {
    const n = lt.numel * bytesOf(lt.dtype);
    offsets.set(lt, [at, at + n]);
    at += n;
  }
  const json: Record<string, unknown> = { __metadata__: metadataOf(sel, plan) };
  for (const lt of sel.tensors) {
    if (lt.t.tiedIndex >= 0) continue;
    json[lt.t.spec.name] = { dtype: SAFETENSORS_DTYPE[lt.dtype], shape: lt.shape, data_offsets: offsets.get(lt) };
  }
  let text = JSON.stringify(json);
  const raw = Buffer.byteLength(text, 'utf8');
  text += ' '.repeat((8 - ((8 + raw) % 8)) % 8);
  const n = Buffer.byteLength(text, 'utf8');
  const header = Buffer.alloc(8 + n);
  header.writeBigUInt64LE(BigInt(n), 0);
  header.write(text, 8, 'utf8');
  return { header, order, dataBytes: at };
}

function tempName(full: string): string {
  return join(dirname(full), `.${basename(full)}.nninit-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

function ioError(fn: string, what: string, path: string, e: unknown): Error {
  const msg = e instanceof Error ? e.message : String(e);
  return new Error(`nninit.${fn}: cannot write ${what} ${JSON.stringify(path)}: ${msg}`, { cause: e });
}

/** Moves the finished temporary file into place: atomically, and never over a file unless overwrite. */
function commit(fn: string, tmp: string, full: string, overwrite: boolean): void {
  if (overwrite) { renameSync(tmp, full); return; }
  try {
    linkSync(tmp, full); // fails with EEXIST instead of replacing
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw rangeError(fn, 'path', 'a path with no existing file (pass options.overwrite: true to replace it)', full);
    if (existsSync(full)) throw rangeError(fn, 'path', 'a path with no existing file (pass options.overwrite: true to replace it)', full);
    renameSync(tmp, full); // a filesystem without hard links
    return;
  }
  unlinkSync(tmp);
}

/** A full buffer: the steps that fill its first `bytes` bytes. */
interface Chunk { readonly steps: Step[]; readonly bytes: number }

/**
 * The data of the tensors of `writers`, buffer by buffer: the views of each tensor's
 * elements in the buffer `bufOf()` returns (all of one size, a multiple of 8, so every view
 * is aligned: tensors come largest element first) and the steps that write them, one job
 * per buffer; a chunk each time the buffer is full and at the end. The views of a chunk are
 * taken after the previous chunk was handed out, so the driver may switch buffers between.
 */
function* chunks(writers: readonly TensorWriter[], bufOf: () => ArrayBuffer): Generator<Chunk, void, void> {
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

/** Writes the first `n` bytes of `u8` at file position `pos`. */
function writeAll(fd: number, u8: Uint8Array, n: number, pos: number): void {
  let done = 0;
  while (done < n) done += writeSync(fd, u8, done, n - done, pos + done);
}

function fail(fn: string, fd: number | null, tmp: string, e: unknown): never {
  if (fd !== null) { try { closeSync(fd); } catch { /* already closed */ } }
  try { unlinkSync(tmp); } catch { /* never created */ }
  throw isSystemError(e) ? ioError(fn, 'file', tmp, e) : e;
}

/** An error from the file system (it has an errno code), as opposed to a caller's or ours. */
function isSystemError(e: unknown): boolean {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && /^E[A-Z]+$/.test((e as NodeJS.ErrnoException).code!);
}

function openTemp(fn: string, full: string): { fd: number; tmp: string } {
  const tmp = tempName(full);
  try {
    return { fd: openSync(tmp, 'wx', 0o644), tmp };
  } catch (e) {
    throw ioError(fn, 'to the directory of', full, e);
  }
}

/**
 * Writes a plan's tensors (whole, or this rank's part) to a safetensors file, streaming
 * through a bounded buffer: memory stays at `bufferBytes` whatever the model's size. The
 * header's `__metadata__` holds format "pt", the nninit version, recipe, config, options,
 * seed, dtype and the whole plan (and for shards rank, world_size and each tensor's split
 * axis), so the file can be reproduced from its header. Tied tensors are not written (as
 * Hugging Face's save_pretrained drops them): load them by tying.
 *
 * @example
 * ```ts
 * writeSafetensors('/tmp/gpt2-tiny.safetensors', recipe('gpt2', { nLayer: 2, nHead: 2, nEmbd: 64 }), { seed: 0, overwrite: true });
 * ```
 */
export function writeSafetensors(path: string, plan: ModelPlan, options: WriteOptions): WriteResult {
  const fn = 'writeSafetensors';
  const { c, lay, fd, tmp, size } = start(fn, path, plan, options);
  try {
    writeSync(fd, lay.header, 0, lay.header.length, 0);
    let pos = lay.header.length;
    const buf = new ArrayBuffer(size);
    const u8 = new Uint8Array(buf);
    for (const { steps, bytes: n } of chunks(c.writers, () => buf)) {
      runJob({ result: undefined, steps });
      writeAll(fd, u8, n, pos);
      pos += n;
      c.onProgress?.(pos - lay.header.length, lay.dataBytes);
    }
    return finish(fn, fd, tmp, c, lay, pos);
  } catch (e) {
    return fail(fn, fd, tmp, e);
  }
}

/** A safetensors file being written: the checked call, its layout, the open temporary file and the staging buffers' size. */
interface Started { c: Checked; lay: Layout; fd: number; tmp: string; size: number }

/** Checks a call (every initializer too), lays the file out, and only then creates the temporary file. */
function start(fn: string, path: unknown, plan: unknown, options: unknown): Started {
  const c = checkWrite(fn, path, plan, options);
  const lay = layoutFile(c.sel, c.plan, c.writers);
  const { fd, tmp } = openTemp(fn, c.path);
  return { c, lay, fd, tmp, size: Math.min(c.bufferBytes, Math.max(8, lay.dataBytes)) };
}

/** Makes the finished temporary file durable and moves it into place. */
function finish(fn: string, fd: number, tmp: string, c: Checked, lay: Layout, pos: number): WriteResult {
  fsyncSync(fd);
  closeSync(fd);
  commit(fn, tmp, c.path, c.overwrite);
  return { path: c.path, dataBytes: lay.dataBytes, fileBytes: pos, tensors: lay.order.length };
}

function writeAt(fd: number, u8: Uint8Array, n: number, pos: number): Promise<void> {
  return new Promise((res, rej) => {
    let done = 0;
    const step = (): void => {
      fsWrite(fd, u8, done, n - done, pos + done, (err, written) => {
        if (err) { rej(err); return; }
        done += written;
        if (done < n) step(); else res();
      });
    };
    step();
  });
}

/**
 * Promise form of {@link writeSafetensors}: the same file, with generation overlapped with
 * I/O (values for the next buffer are computed while the previous one is written, two
 * buffers of `bufferBytes`). Validation errors reject before any file is created.
 */
export async function writeSafetensorsAsync(path: string, plan: ModelPlan, options: WriteOptions): Promise<WriteResult> {
  const fn = 'writeSafetensorsAsync';
  const { c, lay, fd, tmp, size } = start(fn, path, plan, options);
  let inflight: Promise<void> | null = null;
  try {
    await writeAt(fd, lay.header, lay.header.length, 0);
    let pos = lay.header.length;
    const bufs = [new ArrayBuffer(size), new ArrayBuffer(size)];
    let cur = 0;
    // Each chunk is generated into bufs[cur] (kernels on the pool, the event loop free) while
    // the previous chunk, in the other buffer, is written.
    for (const { steps, bytes: n } of chunks(c.writers, () => bufs[cur]!)) {
      await runJobAsync({ result: undefined, steps });
      if (inflight !== null) await inflight;
      const at = pos;
      pos += n;
      inflight = writeAt(fd, new Uint8Array(bufs[cur]!), n, at).then(() => { c.onProgress?.(at + n - lay.header.length, lay.dataBytes); });
      inflight.catch(() => undefined); // handled when awaited below, not an unhandled rejection meanwhile
      cur ^= 1;
    }
    if (inflight !== null) await inflight;
    return finish(fn, fd, tmp, c, lay, pos);
  } catch (e) {
    // Never close the descriptor under a write still in flight (the number could be reused).
    if (inflight !== null) await (inflight as Promise<void>).catch(() => undefined);
    return fail(fn, fd, tmp, e);
  }
}

// ---------------------------------------------------------------------------------------
// .npy

const NPY_DESCR: Partial<Record<TensorDType, string>> = { float64: '<f8', float32: '<f4', float16: '<f2', int64: '<i8' };

/** The .npy file name of a tensor: characters outside [A-Za-z0-9._-] are %XX-escaped (no path separators). */
export function npyFileName(name: string): string {
  let s = '';
  for (const ch of Buffer.from(name, 'utf8')) {
    const c = String.fromCharCode(ch);
    s += /[A-Za-z0-9._-]/.test(c) ? c : `%${ch.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (s === '.' || s === '..') s = s.replace(/\./g, '%2E');
  return `${s}.npy`;
}

/** An .npy v1.0 header for a C-order array. */
function npyHeader(descr: string, shape: readonly number[]): Buffer {
  const sh = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${sh}, }`;
  const total = 10 + dict.length + 1;
  dict += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const h = Buffer.alloc(10 + dict.length);
  h.write('\x93NUMPY', 0, 'latin1');
  h[6] = 1; h[7] = 0;
  h.writeUInt16LE(dict.length, 8);
  h.write(dict, 10, 'latin1');
  return h;
}

/**
 * Writes each tensor (whole, or this rank's part) as `<name>.npy` in a new folder, plus
 * `__metadata__.json` (the same metadata as a safetensors header). bfloat16 has no .npy
 * dtype: use float32 or safetensors. The folder is assembled under a temporary name and
 * renamed into place.
 */
export function writeNpy(dir: string, plan: ModelPlan, options: WriteOptions): WriteResult {
  const fn = 'writeNpy';
  const c = checkWrite(fn, dir, plan, options, 'dir');
  for (const lt of c.sel.tensors) {
    if (NPY_DESCR[lt.dtype] === undefined) throw rangeError(fn, 'options.dtype', `a dtype .npy can hold (float32, float64, float16; ${lt.t.spec.name} would be ${lt.dtype})`, lt.dtype);
  }
  const names = new Set<string>();
  for (const lt of c.sel.tensors) {
    const f = npyFileName(lt.t.spec.name).toLowerCase();
    if (names.has(f)) throw rangeError(fn, 'plan', 'tensor names that map to distinct file names', lt.t.spec.name);
    names.add(f);
  }
  const tmp = tempName(c.path);
  try {
    mkdirSync(tmp);
  } catch (e) {
    throw ioError(fn, 'to the directory of', c.path, e);
  }
  try {
    const buf = new ArrayBuffer(c.bufferBytes);
    const u8 = new Uint8Array(buf);
    const total = c.writers.reduce((s, w) => s + w.lt.numel * bytesOf(w.lt.dtype), 0);
    let data = 0, fileBytes = 0, count = 0;
    for (const w of c.writers) {
      const lt = w.lt;
      const fd = openSync(join(tmp, npyFileName(lt.t.spec.name)), 'wx', 0o644);
      try {
        const h = npyHeader(NPY_DESCR[lt.dtype]!, lt.shape);
        writeSync(fd, h, 0, h.length, 0);
        let pos = h.length;
        for (const { steps, bytes: n } of chunks([w], () => buf)) {
          runJob({ result: undefined, steps });
          writeAll(fd, u8, n, pos);
          pos += n;
          data += n;
          c.onProgress?.(data, total);
        }
        fsyncSync(fd);
        fileBytes += pos;
        count++;
      } finally {
        closeSync(fd);
      }
    }
    const meta = Buffer.from(JSON.stringify(metadataOf(c.sel, c.plan), null, 1) + '\n');
    const mfd = openSync(join(tmp, '__metadata__.json'), 'wx', 0o644);
    try { writeSync(mfd, meta); } finally { closeSync(mfd); }
    fileBytes += meta.length;
    if (existsSync(c.path)) {
      if (!c.overwrite) throw rangeError(fn, 'dir', 'a path with no existing file or folder (pass options.overwrite: true to replace it)', dir);
      const trash = tempName(c.path);
      renameSync(c.path, trash);
      renameSync(tmp, c.path);
      rmSync(trash, { recursive: true, force: true });
    } else {
      renameSync(tmp, c.path);
    }
    return { path: c.path, dataBytes: data, fileBytes, tensors: count };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw isSystemError(e) ? ioError(fn, 'folder', c.path, e) : e;
  }
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

/** A parsed safetensors header. */
export interface SafetensorsHeader {
  metadata: Record<string, string> | null;
  /** Tensors in header order with their byte ranges (relative to dataStart). */
  entries: { name: string; dtype: string; shape: number[]; begin: number; end: number }[];
  /** File offset of the data section: 8 + header length. */
  dataStart: number;
}

const ELEMENT: Readonly<Record<string, number>> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, U16: 2, U32: 4, U64: 8, BOOL: 1 };
const MAX_HEADER = 100_000_000;

/** Reads and checks a safetensors header from an open file (the format's rules: sizes, offsets contiguous and in range). */
function readHeader(fn: string, fd: number, path: string): SafetensorsHeader {
  const size = fstatSync(fd).size;
  const bad = (why: string): Error => new RangeError(`nninit.${fn}: ${JSON.stringify(path)} is not a valid safetensors file: ${why}`);
  if (size < 8) throw bad(`${size} bytes, shorter than the 8-byte header length`);
  const lenBuf = Buffer.alloc(8);
  readSync(fd, lenBuf, 0, 8, 0);
  const n = lenBuf.readBigUInt64LE(0);
  if (n > BigInt(MAX_HEADER) || n > BigInt(size - 8)) throw bad(`header length ${n} exceeds ${n > BigInt(MAX_HEADER) ? 'the 100 MB limit' : 'the file'}`);
  const len = Number(n);
  const hb = Buffer.alloc(len);
  let got = 0;
  while (got < len) {
    const r = readSync(fd, hb, got, len - got, 8 + got);
    if (r === 0) break;
    got += r;
  }
  let json: unknown;
  try { json = JSON.parse(hb.toString('utf8')); } catch (e) { throw bad(`header is not JSON (${(e as Error).message})`); }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw bad('header is not a JSON object');
  let metadata: Record<string, string> | null = null;
  const entries: SafetensorsHeader['entries'] = [];
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

function typedFor(dtype: string, buf: ArrayBuffer, n: number): SafetensorsTensor['data'] {
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

/** One tensor's entry in a safetensors header. */
export type SafetensorsEntry = SafetensorsHeader['entries'][number];

/** Reads elements [start, start + count) of a tensor from an open file into a fresh, aligned typed array. */
function readElements(fd: number, h: SafetensorsHeader, e: SafetensorsEntry, start: number, count: number): SafetensorsTensor['data'] {
  const es = ELEMENT[e.dtype]!;
  const bytes = count * es;
  const at = h.dataStart + e.begin + start * es;
  const buf = new ArrayBuffer(bytes);
  const u8 = new Uint8Array(buf);
  let got = 0;
  while (got < bytes) {
    const r = readSync(fd, u8, got, Math.min(bytes - got, 1 << 30), at + got);
    if (r === 0) throw new RangeError(`nninit.readSafetensors: the file ended inside ${e.name}`);
    got += r;
  }
  return typedFor(e.dtype, buf, count);
}

/** An open safetensors file: its checked header, and reads of element ranges of its tensors. */
export interface SafetensorsReader {
  readonly header: SafetensorsHeader;
  /** Elements [start, start + count) of a tensor, in a fresh aligned array. */
  read(e: SafetensorsEntry, start: number, count: number): SafetensorsTensor['data'];
  close(): void;
}

/** Opens a safetensors file and checks its header (errors name `fn`); close it when done. */
export function openSafetensors(fn: string, path: string): SafetensorsReader {
  let fd: number;
  try { fd = openSync(path, 'r'); } catch (e) { throw new Error(`nninit.${fn}: cannot read ${JSON.stringify(path)}: ${(e as Error).message}`, { cause: e }); }
  try {
    const header = readHeader(fn, fd, path);
    return { header, read: (e, start, count) => readElements(fd, header, e, start, count), close: () => closeSync(fd) };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** The `__metadata__` of a safetensors file (null when it has none). */
export function readMetadata(fn: string, path: string): Record<string, string> | null {
  const f = openSafetensors(fn, path);
  f.close();
  return f.header.metadata;
}

/** A safetensors file read into memory. */
export interface SafetensorsFile {
  /** The `__metadata__` (string to string), or null. */
  metadata: Record<string, string> | null;
  /** Tensors in header order. */
  tensors: Map<string, SafetensorsTensor>;
}

/**
 * Reads a whole safetensors file (any writer's), checking it against the format: header
 * length, JSON, dtypes, shapes, and data offsets that cover the data contiguously.
 * @example
 * ```ts
 * const file = readSafetensors('/tmp/gpt2-tiny.safetensors');
 * file.tensors.get('wte.weight')!.shape; // [50257, 64]
 * ```
 */
export function readSafetensors(path: string): SafetensorsFile {
  const fn = 'readSafetensors';
  if (typeof path !== 'string' || path.length === 0) throw typeError(fn, 'path', 'a non-empty file path string', path);
  const f = openSafetensors(fn, path);
  try {
    const tensors = new Map<string, SafetensorsTensor>();
    for (const e of f.header.entries) tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data: f.read(e, 0, (e.end - e.begin) / ELEMENT[e.dtype]!) });
    return { metadata: f.header.metadata, tensors };
  } finally {
    f.close();
  }
}

export type { TensorArray };
