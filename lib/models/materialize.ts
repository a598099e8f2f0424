/**
 * `materialize(plan, { seed, dtype?, rank?, worldSize? })`: every tensor of a plan (or this
 * rank's part of it) as typed arrays.
 */
import { rangeError } from '../errors.js';
import { readOptions } from '../validate.js';
import { MAX_ARRAY_LENGTH } from '../tensor.js';
import { asyncOf, runJob, type Job, type Step } from '../job.js';
import { checkPlan, type ModelPlan } from './plan.js';
import { select, SELECTION_KEYS, type OutputSelection } from './layout.js';
import { allocArray, TensorWriter, type TensorArray } from './fill.js';

/** Options of {@link materialize}. */
export type MaterializeOptions = OutputSelection;

/** The arrays of a plan: float32 → Float32Array, float64 → Float64Array, 16-bit → Uint16Array bits, int64 → BigInt64Array. */
export type Tensors = Map<string, TensorArray>;

/**
 * The job of a materialize call: the plan, the options and every tensor's initializer
 * validated, every array allocated (an allocation failure leaves nothing half done), then
 * one job of each tensor's steps over its local runs.
 */
function materializeJob(fn: string, plan: unknown, options: unknown): Job<Tensors> {
  const rp = checkPlan(fn, plan);
  const sel = select(fn, readOptions(fn, options, SELECTION_KEYS), rp);
  for (const lt of sel.tensors) {
    if (lt.t.tiedIndex < 0 && lt.numel > MAX_ARRAY_LENGTH) {
      throw rangeError(fn, 'plan', `tensors of at most ${MAX_ARRAY_LENGTH} elements to hold in memory (${lt.t.spec.name} has ${lt.numel}; write it to a file, or shard it with rank and worldSize)`, lt.numel);
    }
  }
  const writers = sel.tensors.map((lt) => (lt.t.tiedIndex < 0 ? new TensorWriter(fn, lt, sel.seed) : null));
  const out: Tensors = new Map();
  for (const lt of sel.tensors) {
    const t = lt.t;
    out.set(t.spec.name, t.tiedIndex >= 0 ? out.get(sel.tensors[t.tiedIndex]!.t.spec.name)! : allocArray(lt.dtype, lt.numel));
  }
  const steps: Step[] = [];
  writers.forEach((w, i) => { if (w !== null) steps.push(...w.steps(0, out.get(sel.tensors[i]!.t.spec.name)!)); });
  return { result: out, steps };
}

/**
 * Materializes a plan: a Map from tensor name to its values, whole or this rank's part
 * (`rank` of `worldSize`, split per role along its documented axis; see ROLES), equal to
 * that part of the whole tensor. Tied tensors share one array. Deterministic in (plan, seed):
 * the same on every backend, thread count and machine.
 *
 * @example
 * ```ts
 * const tensors = materialize(recipe('gpt2', { nLayer: 2, nHead: 2, nEmbd: 64 }), { seed: 0 });
 * tensors.get('h.0.attn.c_attn.weight'); // Float32Array(12288), N(0, 0.02^2)
 * ```
 */
export function materialize(plan: ModelPlan, options: MaterializeOptions): Tensors {
  return runJob(materializeJob('materialize', plan, options));
}

/**
 * Promise form of {@link materialize}: validates and allocates synchronously (bad input
 * rejects before any work), then writes with the kernels off the JS thread. Same values as
 * the sync form.
 */
export const materializeAsync: (plan: ModelPlan, options: MaterializeOptions) => Promise<Tensors> = asyncOf('materializeAsync', materializeJob);
