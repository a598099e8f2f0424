/**
 * Files for Node users: the `.npy` reader and writer over node:fs (the bytes are parsed
 * and encoded by lib/npy.ts, which the browser entry can use too). Exported by the Node
 * entries only.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { encodeNpy, parseNpy, type NpyArray, type NpyInput } from './npy.js';
import { typeError } from './errors.js';

/**
 * Reads a `.npy` file from disk ({@link parseNpy} of its bytes).
 *
 * @throws Error when the file cannot be read (the message names the path); RangeError when
 *   it is not a well-formed `.npy` file.
 */
export function readNpy(path: string): NpyArray {
  if (typeof path !== 'string' || path === '') throw typeError('readNpy', 'path', 'a file path', path);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`nninit.readNpy: cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return parseNpy(bytes, path);
}

/** Writes {@link encodeNpy}'s bytes to `path`. */
export function writeNpy(path: string, array: NpyInput): void {
  if (typeof path !== 'string' || path === '') throw typeError('writeNpy', 'path', 'a file path', path);
  writeFileSync(path, encodeNpy(array));
}
