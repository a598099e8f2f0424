/**
 * The initializer registry: one row per public initializer, the single list from which
 * every other list derives: the package root's exports and their Promise forms, the
 * Generator's methods, the TF.js adapter's schemes and factories, shards, and the
 * diagnostics' names. test/registry.test.ts checks that each row has its async form,
 * Generator method and (when it has one) TF.js scheme.
 */
import type { Job } from '../job.js';
import { OUTPUT_OPTIONS } from '../tensor.js';
import { initJob, type InitDef } from './engine.js';
import * as basic from './basic.js';
import * as vs from './variance-scaling.js';
import * as orth from './orthogonal.js';
import * as st from './structured.js';
import * as presets from './presets.js';

/** An initializer's row. */
export interface InitializerEntry {
  /** Its name: the package root exports it under this name (and `${name}Async`). */
  readonly name: string;
  /** The public function. */
  readonly fn: (...args: never[]) => unknown;
  /**
   * The same call as a job: the name of the public function called (messages name it:
   * `kaimingNormalAsync`, `Generator.kaimingNormal`), then the same arguments; validated,
   * key resolved, steps to run.
   */
  readonly job: (fn: string, ...args: never[]) => Job<unknown>;
  /** Whether it draws random values: accepts `seed` and `stream`, and takes a global stream without a seed. */
  readonly seeded: boolean;
  /** Streams one call uses: a Generator call takes this many. */
  readonly streams: number;
  /** Position of the options argument. */
  readonly optionsAt: number;
  /** Every option name it accepts. */
  readonly known: readonly string[];
  /** For `(shape, options)` initializers: the definition shards run over their runs. */
  readonly def: InitDef | undefined;
  /** Whether nninit/tfjs offers it as a scheme. */
  readonly scheme: boolean;
  /** TF.js's initializer of the same meaning (`tf.initializers[tfjs]`, class name capitalized), or null. */
  readonly tfjs: string | null;
}

interface Row<N extends string, S extends boolean, T extends string | null> extends InitializerEntry {
  readonly name: N;
  readonly scheme: S;
  readonly tfjs: T;
}

function shaped<N extends string, T extends string | null, S extends boolean = true>(
  name: N, fn: (...args: never[]) => unknown, def: InitDef, tfjs: T, scheme?: S,
): Row<N, S, T> {
  const job = (fn: string, shape: unknown, options: unknown): Job<unknown> => initJob(fn, def, shape, options);
  return { name, fn, job, seeded: def.seeded, streams: 1, optionsAt: 1, known: def.known, def, scheme: (scheme ?? true) as S, tfjs };
}

/** Every initializer, in the order lists and messages show them. */
export const INITIALIZERS = [
  shaped('zeros', basic.zeros, basic.ZEROS, 'zeros'),
  shaped('ones', basic.ones, basic.ONES, 'ones'),
  {
    name: 'constant', fn: basic.constant, job: basic.constantJob, seeded: false, streams: 1, optionsAt: 2,
    known: OUTPUT_OPTIONS, def: undefined, scheme: true, tfjs: 'constant',
  } as Row<'constant', true, 'constant'>,
  shaped('uniform', basic.uniform, basic.UNIFORM, 'randomUniform'),
  shaped('normal', basic.normal, basic.NORMAL, 'randomNormal'),
  shaped('truncatedNormal', basic.truncatedNormal, basic.TRUNCATED_NORMAL, 'truncatedNormal'),
  shaped('xavierUniform', vs.xavierUniform, vs.XAVIER_UNIFORM, null),
  shaped('glorotUniform', vs.glorotUniform, vs.XAVIER_UNIFORM, 'glorotUniform'),
  shaped('xavierNormal', vs.xavierNormal, vs.XAVIER_NORMAL, null),
  shaped('glorotNormal', vs.glorotNormal, vs.XAVIER_NORMAL, 'glorotNormal'),
  shaped('kaimingUniform', vs.kaimingUniform, vs.KAIMING_UNIFORM, null),
  shaped('heUniform', vs.heUniform, vs.KAIMING_UNIFORM, 'heUniform'),
  shaped('kaimingNormal', vs.kaimingNormal, vs.KAIMING_NORMAL, null),
  shaped('heNormal', vs.heNormal, vs.KAIMING_NORMAL, 'heNormal'),
  shaped('lecunUniform', vs.lecunUniform, vs.LECUN_UNIFORM, 'leCunUniform'),
  shaped('lecunNormal', vs.lecunNormal, vs.LECUN_NORMAL, 'leCunNormal'),
  shaped('varianceScaling', vs.varianceScaling, vs.VARIANCE_SCALING, 'varianceScaling'),
  shaped('orthogonal', orth.orthogonal, orth.ORTHOGONAL, 'orthogonal'),
  shaped('eye', st.eye, st.EYE, 'identity'),
  shaped('dirac', st.dirac, st.DIRAC, null),
  shaped('sparse', st.sparse, st.SPARSE, null),
  shaped('torchDefaultWeight', presets.torchDefaultWeight, presets.TORCH_WEIGHT, null, false as const),
  shaped('torchDefaultBias', presets.torchDefaultBias, presets.TORCH_BIAS, null, false as const),
  {
    name: 'torchLinear', fn: presets.torchLinear, job: presets.torchLinearJob, seeded: true, streams: 2, optionsAt: 2,
    known: presets.MODULE_OPTIONS, def: undefined, scheme: false, tfjs: null,
  } as Row<'torchLinear', false, null>,
  {
    name: 'torchConv', fn: presets.torchConv, job: presets.torchConvJob, seeded: true, streams: 2, optionsAt: 3,
    known: presets.CONV_OPTIONS, def: undefined, scheme: false, tfjs: null,
  } as Row<'torchConv', false, null>,
] as const;
INITIALIZERS satisfies readonly InitializerEntry[];

type Rows = (typeof INITIALIZERS)[number];
/** The name of every initializer. */
export type InitializerName = Rows['name'];
/** The initializers nninit/tfjs offers as schemes. */
export type SchemeName = Extract<Rows, { scheme: true }>['name'];
/** TF.js's names for the initializers it also has. */
export type TfjsName = NonNullable<Rows['tfjs']>;

const BY_NAME = new Map<string, InitializerEntry>(INITIALIZERS.map((e) => [e.name, e]));
const BY_FN = new Map<unknown, InitializerEntry>(INITIALIZERS.map((e) => [e.fn, e]));

/** The row of a name. */
export function entryNamed(name: string): InitializerEntry {
  const e = BY_NAME.get(name);
  if (e === undefined) throw new Error(`nninit: no initializer named ${name}`);
  return e;
}

/** The row of a public initializer function, or undefined for any other value. */
export function entryOf(fn: unknown): InitializerEntry | undefined {
  return BY_FN.get(fn);
}
