/**
 * `materialize(plan, { seed, dtype?, rank?, worldSize? })`: every tensor of a plan (or this
 * rank's part of it) as typed arrays.
 */
import { rangeError } from '../errors.js';
import { readOptions } from '../validate.js';
import { MAX_ELEMENTS } from '../initializers/common.js';
import { checkPlan, type ModelPlan } from './plan.js';
import { select, SELECTION_KEYS, type LocalTensor, type OutputSelection, type Selection } from './layout.js';
import { allocArray, Filler, type TensorArray } from './fill.js';

/** Options of {@link materialize}. */
export type MaterializeOptions = OutputSelection;

/** The arrays of a plan: float32 → Float32Array, float64 → Float64Array, 16-bit → Uint16Array bits, int64 → BigInt64Array. */
export type Tensors = Map<string, TensorArray>;

function prepare(fn: string, plan: unknown, options: unknown): { sel: Selection; out: Tensors } {
  const rp = checkPlan(fn, plan);
  const o = readOptions(fn, options, SELECTION_KEYS);
  const sel = select(fn, o, rp);
  for (const lt of sel.tensors) {
    if (lt.t.tiedIndex < 0 && lt.numel > MAX_ELEMENTS) {
      throw rangeError(fn, 'plan', `tensors of at most ${MAX_ELEMENTS} elements to hold in memory (${lt.t.spec.name} has ${lt.numel}; write it to a file, or shard it with rank and worldSize)`, lt.numel);
    }
  }
  // Allocate everything before filling anything: an allocation failure leaves nothing half done.
  const out: Tensors = new Map();
  for (const lt of sel.tensors) {
    const t = lt.t;
    out.set(t.spec.name, t.tiedIndex >= 0 ? out.get(sel.tensors[t.tiedIndex]!.t.spec.name)! : allocArray(lt.dtype, lt.numel));
  }
  return { sel, out };
}

/** The ranges to fill: each untied tensor's runs, as (tensor, offset, view) in order; releases each tensor's cache after it. */
function* pieces(sel: Selection, out: Tensors, filler: Filler): Generator<[LocalTensor, number, TensorArray], void, void> {
  for (const lt of sel.tensors) {
    if (lt.t.tiedIndex >= 0) continue;
    const arr = out.get(lt.t.spec.name)!;
    let at = 0;
    for (const r of lt.runs) {
      yield [lt, r.offset, arr.subarray(at, at + r.length) as TensorArray];
      at += r.length;
    }
    filler.release(lt.t);
  }
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
  const { sel, out } = prepare('materialize', plan, options);
  const filler = new Filler(sel.seed);
  for (const [lt, offset, view] of pieces(sel, out, filler)) filler.fill(lt.t, offset, view, lt.dtype);
  return out;
}

/**
 * Promise form of {@link materialize}: validates and allocates synchronously (bad input
 * rejects before any work), then fills tensor by tensor with the kernels off the JS thread.
 * Same values as the sync form.
 */
export async function materializeAsync(plan: ModelPlan, options: MaterializeOptions): Promise<Tensors> {
  const { sel, out } = prepare('materializeAsync', plan, options);
  const filler = new Filler(sel.seed);
  for (const [lt, offset, view] of pieces(sel, out, filler)) await filler.fillAsync(lt.t, offset, view, lt.dtype);
  return out;
}
