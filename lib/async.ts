/**
 * The Promise forms of every fill and initializer.
 *
 * An async call runs the sync function in capture mode: all validation, parameter
 * derivation and seed/stream resolution happen synchronously (so bad input rejects before
 * any work and global streams are taken in call order), while each kernel launch and each
 * step that reads a kernel's output (16-bit encoding, the orthogonal QR, sparse zeroing) is
 * recorded as a step. The steps then run in order: kernels on the native thread pool off
 * the JS thread (the addon holds a reference to the buffer until it is done), or, on the
 * TypeScript backend, in slices between event-loop turns. The output array is referenced
 * by the pending Promise until it resolves.
 */

type Step = () => void | Promise<void>;

let steps: Step[] | null = null;

/** True while an async call is being captured: kernels must be recorded, not run. */
export function capturing(): boolean {
  return steps !== null;
}

/** Records a kernel launch (capture mode only). */
export function pushStep(step: Step): void {
  steps!.push(step);
}

/**
 * Runs `fn` now, or, while an async call is being captured, after every kernel recorded
 * before it has finished. Use it for any work that reads a kernel's output.
 */
export function defer(fn: () => void): void {
  if (steps !== null) steps.push(fn);
  else fn();
}

/** Wraps a sync fill or initializer into its Promise form (see the module comment). */
export function asyncOf<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => Promise<R> {
  return (...args: A): Promise<R> => {
    const outer = steps;
    steps = [];
    let result: R;
    let recorded: Step[];
    try {
      result = fn(...args);
      recorded = steps;
    } catch (err) {
      return Promise.reject(err);
    } finally {
      steps = outer;
    }
    if (recorded.length === 0) return Promise.resolve(result);
    return (async () => {
      for (const step of recorded) await step();
      return result;
    })();
  };
}
