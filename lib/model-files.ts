/**
 * Model files for Node users (the formats are lib/models/safetensors.ts's): a plan written
 * to a safetensors file, or to a folder of .npy files, streamed through a bounded buffer to
 * a temporary name renamed into place at the end (a failure never leaves a partial file),
 * refusing to replace an existing file unless `overwrite: true`; `readSafetensors` for round
 * trips; and `audit`, which also reads a file by path. Exported by the Node entries only.
 */
import {
  closeSync, existsSync, fstatSync, fsyncSync, linkSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync,
  unlinkSync, write as fsWrite, writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { rangeError, typeError } from './errors.js';
import { runJob, runJobAsync } from './job.js';
import { bytesOf, type ModelPlan } from './models/plan.js';
import { auditWith, type AuditOptions, type AuditReport, type AuditTensors } from './models/audit.js';
import {
  checkWrite, chunks, ELEMENT, headerLength, metadataOf, npyFiles, parseHeader, safetensorsLayout, typedFor, utf8,
  type SafetensorsEntry, type SafetensorsFile, type SafetensorsHeader, type SafetensorsSource, type SafetensorsTensor,
  type WriteOptions, type WritePlan, type WriteResult,
} from './models/safetensors.js';

/** A validated write and the absolute path it goes to. */
interface Checked extends WritePlan { readonly path: string }

/**
 * Validates a write: the path (a string in an existing directory; an existing file only
 * with `overwrite`), the plan and the options, every tensor's initializer included: all
 * before anything is created.
 */
function check(fn: string, path: unknown, plan: unknown, options: unknown, folder: boolean): Checked {
  const what = folder ? 'dir' : 'path';
  if (typeof path !== 'string' || path.length === 0) throw typeError(fn, what, 'a non-empty file path string', path);
  if (path.includes('\0')) throw rangeError(fn, what, 'a path without NUL characters', path);
  const w = checkWrite(fn, plan, options);
  const full = resolve(path);
  const dir = dirname(full);
  let dirOk = false;
  try { dirOk = statSync(dir).isDirectory(); } catch { dirOk = false; }
  if (!dirOk) throw rangeError(fn, what, `a path in an existing directory (${dir} does not exist or is not a directory)`, path);
  if (existsSync(full)) {
    if (!w.overwrite) throw rangeError(fn, what, 'a path with no existing file (pass options.overwrite: true to replace it)', path);
    if (!folder && statSync(full).isDirectory()) throw rangeError(fn, what, 'a file path, not a directory', path);
  }
  return { ...w, path: full };
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

/** A safetensors file being written: the checked call, its header, the open temporary file and the staging buffers' size. */
interface Started { c: Checked; header: Uint8Array; dataBytes: number; fd: number; tmp: string; size: number }

/** Checks a call (every initializer too), lays the file out, and only then creates the temporary file. */
function start(fn: string, path: unknown, plan: unknown, options: unknown): Started {
  const c = check(fn, path, plan, options, false);
  const { header, dataBytes } = safetensorsLayout(c);
  const { fd, tmp } = openTemp(fn, c.path);
  return { c, header, dataBytes, fd, tmp, size: Math.min(c.bufferBytes, Math.max(8, dataBytes)) };
}

/** Makes the finished temporary file durable and moves it into place. */
function finish(fn: string, s: Started, pos: number): WriteResult {
  fsyncSync(s.fd);
  closeSync(s.fd);
  commit(fn, s.tmp, s.c.path, s.c.overwrite);
  return { path: s.c.path, dataBytes: s.dataBytes, fileBytes: pos, tensors: s.c.writers.length };
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
  const s = start(fn, path, plan, options);
  try {
    writeAll(s.fd, s.header, s.header.length, 0);
    let pos = s.header.length;
    const buf = new ArrayBuffer(s.size);
    const u8 = new Uint8Array(buf);
    for (const { steps, bytes: n } of chunks(s.c.writers, () => buf)) {
      runJob({ result: undefined, steps });
      writeAll(s.fd, u8, n, pos);
      pos += n;
      s.c.onProgress?.(pos - s.header.length, s.dataBytes);
    }
    return finish(fn, s, pos);
  } catch (e) {
    return fail(fn, s.fd, s.tmp, e);
  }
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
  const s = start(fn, path, plan, options);
  let inflight: Promise<void> | null = null;
  try {
    await writeAt(s.fd, s.header, s.header.length, 0);
    let pos = s.header.length;
    const bufs = [new ArrayBuffer(s.size), new ArrayBuffer(s.size)];
    let cur = 0;
    // Each chunk is generated into bufs[cur] (kernels on the pool, the event loop free) while
    // the previous chunk, in the other buffer, is written.
    for (const { steps, bytes: n } of chunks(s.c.writers, () => bufs[cur]!)) {
      await runJobAsync({ result: undefined, steps }, fn);
      if (inflight !== null) await inflight;
      const at = pos;
      pos += n;
      inflight = writeAt(s.fd, new Uint8Array(bufs[cur]!), n, at).then(() => { s.c.onProgress?.(at + n - s.header.length, s.dataBytes); });
      inflight.catch(() => undefined); // handled when awaited below, not an unhandled rejection meanwhile
      cur ^= 1;
    }
    if (inflight !== null) await inflight;
    return finish(fn, s, pos);
  } catch (e) {
    // Never close the descriptor under a write still in flight (the number could be reused).
    if (inflight !== null) await (inflight as Promise<void>).catch(() => undefined);
    return fail(fn, s.fd, s.tmp, e);
  }
}

/**
 * Writes each tensor (whole, or this rank's part) as `<name>.npy` in a new folder, plus
 * `__metadata__.json` (the same metadata as a safetensors header). bfloat16 has no .npy
 * dtype: use float32 or safetensors. The folder is assembled under a temporary name and
 * renamed into place. (`writeNpy` writes one array to one file.)
 *
 * @example
 * ```ts
 * writeNpyFolder('/tmp/gpt2-tiny-npy', recipe('gpt2', { nLayer: 2, nHead: 2, nEmbd: 64 }), { seed: 0, overwrite: true });
 * ```
 */
export function writeNpyFolder(dir: string, plan: ModelPlan, options: WriteOptions): WriteResult {
  const fn = 'writeNpyFolder';
  const c = check(fn, dir, plan, options, true);
  const files = npyFiles(fn, c);
  const tmp = tempName(c.path);
  try {
    mkdirSync(tmp);
  } catch (e) {
    throw ioError(fn, 'to the directory of', c.path, e);
  }
  try {
    const buf = new ArrayBuffer(c.bufferBytes);
    const u8 = new Uint8Array(buf);
    const total = files.reduce((s, f) => s + f.writer.lt.numel * bytesOf(f.writer.lt.dtype), 0);
    let data = 0, fileBytes = 0;
    for (const f of files) {
      const fd = openSync(join(tmp, f.name), 'wx', 0o644);
      try {
        writeAll(fd, f.header, f.header.length, 0);
        let pos = f.header.length;
        for (const { steps, bytes: n } of chunks([f.writer], () => buf)) {
          runJob({ result: undefined, steps });
          writeAll(fd, u8, n, pos);
          pos += n;
          data += n;
          c.onProgress?.(data, total);
        }
        fsyncSync(fd);
        fileBytes += pos;
      } finally {
        closeSync(fd);
      }
    }
    const meta = utf8(JSON.stringify(metadataOf(c.sel, c.plan), null, 1) + '\n');
    const mfd = openSync(join(tmp, '__metadata__.json'), 'wx', 0o644);
    try { writeAll(mfd, meta, meta.length, 0); } finally { closeSync(mfd); }
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
    return { path: c.path, dataBytes: data, fileBytes, tensors: files.length };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw isSystemError(e) ? ioError(fn, 'folder', c.path, e) : e;
  }
}

// ---------------------------------------------------------------------------------------
// Reading

/** An open safetensors file (see {@link SafetensorsSource}); close it when done. */
export interface SafetensorsReader extends SafetensorsSource {
  close(): void;
}

/** Reads `n` bytes at `pos` (fewer at the end of the file). */
function readAt(fd: number, n: number, pos: number): Uint8Array {
  const out = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const r = readSync(fd, out, got, Math.min(n - got, 1 << 30), pos + got);
    if (r === 0) break;
    got += r;
  }
  return got === n ? out : out.subarray(0, got);
}

/** Opens a safetensors file and checks its header (errors name `fn`). */
export function openSafetensors(fn: string, path: string): SafetensorsReader {
  let fd: number;
  try { fd = openSync(path, 'r'); } catch (e) { throw new Error(`nninit.${fn}: cannot read ${JSON.stringify(path)}: ${(e as Error).message}`, { cause: e }); }
  try {
    const size = fstatSync(fd).size;
    const len = headerLength(fn, path, readAt(fd, 8, 0), size);
    const header: SafetensorsHeader = parseHeader(fn, path, readAt(fd, len, 8), size);
    const read = (e: SafetensorsEntry, start: number, count: number): SafetensorsTensor['data'] => {
      const es = ELEMENT[e.dtype]!;
      const bytes = readAt(fd, count * es, header.dataStart + e.begin + start * es);
      if (bytes.length !== count * es) throw new RangeError(`nninit.${fn}: the file ended inside ${e.name}`);
      return typedFor(e.dtype, bytes.buffer as ArrayBuffer, count);
    };
    return { header, read, close: () => closeSync(fd) };
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

/**
 * Audits tensors against a plan (the models' `audit`: shape, then per region of one
 * distribution mean and std within `sigmas` standard errors, bounds and a KS test), and
 * also a safetensors file by path, streamed tensor by tensor: its metadata gives rank and
 * worldSize of a shard, and its plan when `plan` is omitted.
 * @example
 * ```ts
 * const plan = recipe('gpt2', { nLayer: 2, nHead: 2, nEmbd: 64 });
 * writeSafetensors('/tmp/gpt2-audit.safetensors', plan, { seed: 1, overwrite: true });
 * audit('/tmp/gpt2-audit.safetensors').ok; // true
 * ```
 */
export function audit(tensors: AuditTensors | string, plan?: ModelPlan, options?: AuditOptions): AuditReport {
  return auditWith(tensors, plan, options, (path) => openSafetensors('audit', path));
}
