/**
 * Jobs: every call runs in two phases. Validation checks everything (arguments, options,
 * parameters, representability in the dtype), derives the kernel plans, resolves the Philox
 * key (taking a global stream if no seed was given) and returns a {@link Job}: the result
 * and the steps that write it. Nothing is written before the job exists, so a failed call
 * never touches `out` and never takes a global stream.
 *
 * The same job then runs synchronously ({@link runJob}) or asynchronously
 * ({@link runJobAsync}: kernels on the native thread pool, or in TypeScript slices between
 * event-loop turns), with the same bits. Internal code passes keys to kernels, never seeds.
 */
import type { PhiloxKey } from './kernels/philox.js';
import type { KernelArray, KernelPlan } from './kinds.js';
import { runKernel, runKernelAsync } from './backend.js';
import { nextTurn, now } from './platform.js';

/** A kernel launch: out[0 ..) gets elements offset .. of the key's stream under `plan`. */
export interface KernelStep {
  readonly plan: KernelPlan;
  readonly key: PhiloxKey;
  readonly out: KernelArray;
  readonly offset: number;
}

/**
 * Work after (or between) kernels: a write that reads earlier steps' output (16-bit
 * encoding, the orthogonal QR, sparse zeroing) or needs none (constants, structured
 * initializers). `async`, when present, is its off-thread form.
 */
export interface PostStep {
  readonly post: () => void;
  readonly async?: () => Promise<void>;
}

/** One step of a job. */
export type Step = KernelStep | PostStep;

/** A validated call: its result, and the steps that write it, in order. */
export interface Job<R> {
  readonly result: R;
  readonly steps: readonly Step[];
}

/** A job whose result needs no writing. */
export function done<R>(result: R): Job<R> {
  return { result, steps: [] };
}

/** Runs a job's steps on the calling thread and returns its result. */
export function runJob<R>(job: Job<R>): R {
  for (const s of job.steps) {
    if ('plan' in s) runKernel(s.plan, s.out, s.key, s.offset);
    else s.post();
  }
  return job.result;
}

/**
 * Runs a job's steps off the JavaScript thread where they can be (kernels; post steps with
 * an async form) and resolves with its result. Steps start synchronously, so a small job
 * is written before this returns. `fn` is the public function the caller called (e.g.
 * `kaimingNormalAsync`): a rejection raised while the job runs (its output detached
 * meanwhile) names it, as the job's own checks do.
 */
export async function runJobAsync<R>(job: Job<R>, fn: string): Promise<R> {
  for (const s of job.steps) {
    if ('plan' in s) await runKernelAsync(s.plan, s.out, s.key, s.offset, fn);
    else if (s.async !== undefined) await s.async();
    else s.post();
  }
  return job.result;
}

/**
 * A job builder: the public function's name (for every message), then that function's
 * arguments. One builder serves the sync form and the Promise form, each under its own name.
 */
export type JobBuilder<A extends unknown[], R> = (fn: string, ...args: A) => Job<R>;

/**
 * The Promise form `fn` of a job builder: validates and takes its global stream now (bad
 * input rejects before any work starts), writes with {@link runJobAsync}. Every error names
 * `fn`.
 */
export function asyncOf<A extends unknown[], R>(fn: string, build: JobBuilder<A, R>): (...args: A) => Promise<R> {
  return (...args: A): Promise<R> => startAsync(fn, () => build(fn, ...args));
}

/** Builds a job (a throw becomes the rejection) and runs it with {@link runJobAsync}. */
export function startAsync<R>(fn: string, build: () => Job<R>): Promise<R> {
  let job: Job<R>;
  try {
    job = build();
  } catch (err) {
    return Promise.reject(err);
  }
  return runJobAsync(job, fn);
}

/** Target length of one slice of TypeScript work between event-loop turns. */
const SLICE_MS = 4;

/**
 * Runs `run(from, to)` over [0, total) in slices of about {@link SLICE_MS} between
 * event-loop turns, for post steps done in TypeScript: the first slice is one unit, then
 * each slice's size follows the measured speed (at most doubling), so no slice blocks the
 * loop for long whatever a unit costs.
 */
export async function inSlices(total: number, run: (from: number, to: number) => void): Promise<void> {
  let size = 1;
  for (let i = 0; i < total;) {
    if (i > 0) await nextTurn();
    const j = Math.min(total, i + size);
    const started = now();
    run(i, j);
    const ms = now() - started;
    i = j;
    size = Math.max(1, Math.min(2 * size, Math.floor(ms > 0 ? (size * SLICE_MS) / ms : 2 * size)));
  }
}

/** Runs a generator of small steps to its end, about {@link SLICE_MS} of steps per event-loop turn. */
export async function inSteps(steps: Generator<unknown, void, unknown>): Promise<void> {
  for (;;) {
    const started = now();
    do {
      if (steps.next().done === true) return;
    } while (now() - started < SLICE_MS);
    await nextTurn();
  }
}

/** One job of several: their steps in order, with a result of the caller's choosing. */
export function combine<R>(result: R, jobs: readonly Job<unknown>[]): Job<R> {
  return { result, steps: jobs.flatMap((j) => j.steps) };
}
