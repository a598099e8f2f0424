/**
 * The platform seam: the few things nninit needs from its host that differ between Node and
 * browsers. The Node entry (lib/index.ts, through lib/node.ts) and the browser entry
 * (lib/browser.ts) each install one before anything runs a kernel; everything else imports
 * only this file, so the browser build contains no Node built-in.
 */
import type { WasmKernels } from './wasm/kernels.js';

/** What a host provides. */
export interface Platform {
  /** 'node' or 'browser' (for messages). */
  readonly name: string;
  /** Whether a native addon could be here (Node): only then is serving without it worth a warning. */
  readonly nativeExpected: boolean;
  /** An NNINIT_* setting (environment variable in Node), or undefined. */
  env(name: string): string | undefined;
  /** Reports one warning (process.emitWarning in Node, console.warn in browsers). */
  warn(message: string): void;
  /**
   * The native addon module as loaded, unchecked (lib/binding.ts's bindAddon checks and
   * types it); throws an Error saying why it cannot load.
   */
  loadNative(): unknown;
  /**
   * The WebAssembly kernels; throws an Error saying why they cannot run. Returns null while
   * they are still loading (browsers, before `await ready()`).
   */
  loadWasm(): WasmKernels | null;
}

/** Before an entry installs its platform (a module imported on its own): no addon, no wasm. */
const bare: Platform = {
  name: 'bare',
  nativeExpected: false,
  env: () => undefined,
  warn: (message) => (globalThis as { console?: { warn(m: string): void } }).console?.warn(message),
  loadNative: () => {
    throw new Error('no native addon loader (import nninit through its package entry)');
  },
  loadWasm: () => {
    throw new Error('no WebAssembly loader (import nninit through its package entry)');
  },
};

let current: Platform = bare;
const listeners: (() => void)[] = [];

/** Installs the host's platform; the backend is chosen again on next use. */
export function setPlatform(p: Platform): void {
  current = p;
  for (const f of listeners) f();
}

/** The installed platform. */
export function platform(): Platform {
  return current;
}

/** Calls `f` whenever the platform changes or asks for a new backend choice (backend.ts). */
export function onPlatformChange(f: () => void): void {
  listeners.push(f);
}

/** Asks the backend to choose again (the browser entry, once the wasm module is compiled). */
export function platformChanged(): void {
  for (const f of listeners) f();
}

interface Timers {
  setImmediate?: (f: () => void) => unknown;
  setTimeout?: (f: () => void, ms: number) => unknown;
  MessageChannel?: new () => { port1: { onmessage: (() => void) | null; close(): void }; port2: { postMessage(m: unknown): void; close(): void } };
}

/**
 * Resolves on a later event-loop turn, without the 4 ms clamp of nested setTimeout in
 * browsers: setImmediate in Node, a MessageChannel message elsewhere.
 */
export function nextTurn(): Promise<void> {
  const g = globalThis as unknown as Timers;
  return new Promise((resolve) => {
    if (typeof g.setImmediate === 'function') {
      g.setImmediate(resolve);
    } else if (typeof g.MessageChannel === 'function') {
      const ch = new g.MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        ch.port2.close();
        resolve();
      };
      ch.port2.postMessage(0);
    } else {
      g.setTimeout!(resolve, 0);
    }
  });
}

/** Milliseconds from a monotonic clock (performance.now where there is one). */
export function now(): number {
  const p = (globalThis as { performance?: { now(): number } }).performance;
  return p !== undefined ? p.now() : Date.now();
}
