/**
 * `monitor(options)`: a TF.js training callback that watches each layer's activations and
 * gradients, and the loss, over the first batches of `model.fit`, and warns once per layer
 * and pattern (vanishing, exploding, dead, saturated) with a fix from `recommend`.
 *
 * @packageDocumentation
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';
import { THRESHOLDS, fmt, pct } from '../diagnostics/inspect.js';
import { moments } from '../diagnostics/network.js';
import type { ModelReport } from '../diagnostics/model-report.js';
import { recommend } from '../models/recommend.js';
import type { Activation } from '../diagnostics/registry.js';
import { renderSvg, type ChartMetric } from '../diagnostics/render.js';
import { rangeError, typeError } from '../errors.js';
import { bool, intIn, readOptions } from '../validate.js';
import { tfModules, writeTextFile } from './loader.js';
import { PASS_THROUGH, activationOf, classOf, instrument, leaves, outputStats, type AnyLayer, type Leaf } from './instrument.js';

type Tensor = TfCore.Tensor;

/** The patterns the monitor warns about. */
export type MonitorPattern = 'vanishing' | 'exploding' | 'dead' | 'saturated';

/** One warning: the layer, the pattern, when, and what to do. */
export interface MonitorWarning {
  layer: string;
  className: string;
  pattern: MonitorPattern;
  /** The recorded step (0-based batch count since training began) and its epoch and batch. */
  step: number;
  epoch: number;
  batch: number;
  /** The quantity that crossed its threshold (a ratio or a fraction). */
  value: number;
  /** The whole warning, as printed. */
  message: string;
  /** The suggested fix alone. */
  fix: string;
}

/** One layer at one step. */
export interface MonitorLayerStep {
  name: string;
  /** Std of the layer's output over the batch (null when it is not a float tensor). */
  std: number | null;
  /** Std of the gradient of the loss at the layer's output. */
  gradStd: number | null;
  saturated: number | null;
  dead: number | null;
  deadNeurons: number | null;
}

/** One recorded training step. */
export interface MonitorStep {
  step: number;
  epoch: number;
  batch: number;
  loss: number | null;
  /** Std of the batch's floating-point inputs. */
  inputStd: number | null;
  /** Std of the gradient at the (first) model output. */
  outputGradStd: number | null;
  layers: MonitorLayerStep[];
  /** Every layer and pattern beyond its threshold at this step (warned or not: warnings come once). */
  flags: { layer: string; pattern: MonitorPattern }[];
}

/** Everything the monitor recorded. */
export interface MonitorHistory {
  label: string;
  /** How many batches it records. */
  batches: number;
  layers: { name: string; className: string; activation: string | null }[];
  steps: MonitorStep[];
  warnings: MonitorWarning[];
}

/** Options of {@link monitor}. */
export interface MonitorOptions {
  /** Record the first N batches of training (then the layers run unobserved). Default 50. */
  batches?: number;
  /**
   * Called once per layer and pattern. Default: `process.emitWarning(message, { type:
   * 'NninitMonitorWarning' })` (console.warn where there is no process).
   */
  onWarning?: (warning: MonitorWarning) => void;
  /** Write the history as JSON to this file when training ends. */
  json?: string;
  /** Write the chart (activation and gradient std by layer at a few recorded batches) as SVG to this file when training ends. */
  svg?: string;
  /** The model's name in the chart and the warnings. Default: the model's name. */
  label?: string;
}

/** The callback {@link monitor} returns: pass it in `model.fit(x, y, { callbacks: [m] })`. */
export interface Monitor extends TfLayers.Callback {
  /** What has been recorded so far (also after training). */
  readonly history: MonitorHistory;
  /** The warnings issued so far. */
  readonly warnings: readonly MonitorWarning[];
  /** The chart of the history (see {@link renderMonitorSvg}). */
  renderSvg(): string;
  /** The history as a JSON string. */
  toJSON(): MonitorHistory;
}

const KNOWN = ['batches', 'onWarning', 'json', 'svg', 'label'] as const;
const NORMALIZATION = new Set(['BatchNormalization', 'LayerNormalization']);

/** The activation `recommend` knows for a TF.js activation name. */
function recommendActivation(a: string | null): Activation {
  switch (a) {
    case 'relu': case 'relu6': case 'elu': case 'thresholdedRelu': return 'relu';
    case 'leakyRelu': case 'prelu': return 'leaky_relu';
    case 'tanh': case 'softsign': return 'tanh';
    case 'sigmoid': case 'hardSigmoid': return 'sigmoid';
    case 'selu': return 'selu';
    case 'gelu': case 'gelu_new': return 'gelu';
    case 'swish': case 'mish': return 'silu';
    default: return 'linear';
  }
}

const PATTERNS: readonly MonitorPattern[] = ['vanishing', 'exploding', 'dead', 'saturated'];

/** The model's shape as {@link suggestFix} reads it. */
export interface SuggestFixModel {
  /** Weight layers (normalization layers not counted). Default 1. */
  depth?: number;
  /** The model has residual connections (an `Add` layer). Default false. */
  residual?: boolean;
  /** The model has batch or layer normalization. Default false. */
  batchNorm?: boolean;
}

/**
 * The suggested fix for a pattern on a layer with that activation (a TF.js activation name,
 * or null), from {@link recommend} for the model's depth, residual connections and
 * normalization.
 *
 * @throws TypeError / RangeError for an unknown pattern, a non-string activation or bad
 *   `model` fields (read strictly, as options).
 */
export function suggestFix(pattern: MonitorPattern, activation: string | null, model?: SuggestFixModel): string {
  const fn = 'tfjs.suggestFix';
  if (typeof pattern !== 'string' || !PATTERNS.includes(pattern)) {
    throw (typeof pattern === 'string' ? rangeError : typeError)(fn, 'pattern', `one of ${PATTERNS.map((p) => JSON.stringify(p)).join(', ')}`, pattern);
  }
  if (activation !== null && typeof activation !== 'string') throw typeError(fn, 'activation', 'a TF.js activation name or null', activation);
  const o = readOptions(fn, model, ['depth', 'residual', 'batchNorm'], 'model');
  const depth = intIn(fn, 'model.depth', o.depth, 0, 100000, 1);
  const residual = bool(fn, 'model.residual', o.residual, false);
  const batchNorm = bool(fn, 'model.batchNorm', o.batchNorm, false);
  const act = recommendActivation(activation);
  const r = recommend({ activation: act, depth: Math.max(1, depth), residual, batchNorm });
  const g = +r.gain.toPrecision(4);
  const code = r.initializer === 'lecun-normal' ? 'initializers.lecunNormal()'
    : r.initializer === 'xavier-normal' ? (g === 1 ? 'initializers.glorotNormal()' : `initializers.xavierNormal({ gain: ${g} })`)
      : act === 'relu' ? 'initializers.heNormal()' : `initializers.kaimingNormal({ nonlinearity: '${act}' })`;
  const init = `${r.initializer}${r.mode === null ? '' : ` (${r.mode})`} with gain ${g} for ${act} (kernelInitializer: ${code} from nninit/tfjs), or lsuv(model, batch) before training`;
  switch (pattern) {
    case 'dead': return `units that output zero for every example get no gradient: ${init}; keep biases at zero, lower the learning rate, or use leaky_relu.`;
    case 'saturated': return `the weights are too large for ${activation}: ${init}.`;
    case 'exploding': return `${init}; if it starts well and grows later, lower the learning rate.`;
    default: return `${init}.${r.branchScale !== null ? ` Scale each residual branch by ${+r.branchScale.toPrecision(3)}.` : ''}`;
  }
}

interface LayerMeta {
  leaf: Leaf; className: string; activation: string | null; fedByInput: boolean; check: boolean; isOutput: boolean;
  /** False for a layer feeding a normalization layer: its scale (and its gradient's, 1 / scale) does not propagate. */
  checkScale: boolean;
}

function lossOf(logs: unknown): number | null {
  const v = (logs as { loss?: unknown } | undefined)?.loss;
  if (typeof v === 'number') return v;
  if (v !== null && typeof v === 'object' && typeof (v as { dataSync?: unknown }).dataSync === 'function') {
    return ((v as Tensor).dataSync()[0] as number | undefined) ?? null;
  }
  return null;
}

function emit(w: MonitorWarning): void {
  const p = (globalThis as { process?: { emitWarning?: (m: string, o: object) => void } }).process;
  if (typeof p?.emitWarning === 'function') p.emitWarning(w.message, { type: 'NninitMonitorWarning' });
  else console.warn(w.message);
}

type CallbackClass = new () => TfLayers.Callback;
let MonitorClass: (new (o: Required<Pick<MonitorOptions, 'batches'>> & MonitorOptions) => Monitor) | undefined;

function monitorClass(): NonNullable<typeof MonitorClass> {
  if (MonitorClass !== undefined) return MonitorClass;
  const Base = tfModules().layers.Callback as unknown as CallbackClass;
  class NninitMonitor extends Base {
    readonly history: MonitorHistory;
    private readonly opts: MonitorOptions & { batches: number };
    private restore: (() => void) | undefined;
    private recording = false;
    private epoch = 0;
    private current = new Map<AnyLayer, MonitorLayerStep>();
    private inputStd: number | null = null;
    private outputGradStd: number | null = null;
    private meta: LayerMeta[] = [];
    private warned = new Set<string>();
    private shape = { depth: 1, residual: false, batchNorm: false };

    constructor(o: MonitorOptions & { batches: number }) {
      super();
      this.opts = o;
      this.history = { label: o.label ?? '', batches: o.batches, layers: [], steps: [], warnings: [] };
    }

    get warnings(): readonly MonitorWarning[] { return this.history.warnings; }

    override async onTrainBegin(): Promise<void> {
      const model = (this as unknown as { model: TfLayers.LayersModel | null }).model;
      if (model === null || model === undefined) return;
      this.detach();
      if (this.history.label === '') this.history.label = model.name;
      const outs = new Set(model.outputLayers as unknown[]);
      const list = leaves(model);
      this.meta = list.map((leaf) => {
        const cls = classOf(leaf.layer);
        const nodes = (leaf.layer.inboundNodes ?? []) as { inboundLayers?: unknown[] }[];
        const out = (leaf.layer.outboundNodes ?? []) as { outboundLayer?: unknown }[];
        return {
          leaf, className: cls, activation: activationOf(leaf.layer),
          fedByInput: nodes.some((n) => (n.inboundLayers ?? []).some((l) => classOf(l) === 'InputLayer')),
          check: !PASS_THROUGH.has(cls), isOutput: outs.has(leaf.layer),
          checkScale: !out.some((n) => NORMALIZATION.has(classOf(n.outboundLayer))),
        };
      });
      this.shape = {
        depth: list.filter((l) => (l.layer.trainableWeights as unknown[]).length > 0 && !NORMALIZATION.has(classOf(l.layer))).length,
        residual: list.some((l) => classOf(l.layer) === 'Add'),
        batchNorm: list.some((l) => NORMALIZATION.has(classOf(l.layer))),
      };
      this.history.layers = this.meta.map((m) => ({ name: m.leaf.path, className: m.className, activation: m.activation }));
      if (this.history.steps.length >= this.opts.batches) return;
      const byLayer = new Map(this.meta.map((m) => [m.leaf.layer, m]));
      this.restore = instrument(model, {
        active: () => this.recording,
        onCall: ({ leaf, inputs, outputs }) => {
          if (this.current.has(leaf.layer)) return;
          const m = byLayer.get(leaf.layer);
          const y = outputs[0];
          const rec: MonitorLayerStep = { name: leaf.path, std: null, gradStd: null, saturated: null, dead: null, deadNeurons: null };
          if (y !== undefined && y.dtype === 'float32') {
            const s = outputStats(y, m?.activation ?? null, leaf.layer.dataFormat === 'channelsFirst');
            Object.assign(rec, { std: s.std, saturated: s.saturated, dead: s.dead, deadNeurons: s.deadNeurons });
          }
          const x0 = inputs[0];
          if (m?.fedByInput && this.inputStd === null && x0 !== undefined && x0.dtype === 'float32') this.inputStd = moments(x0.dataSync() as Float32Array).std;
          this.current.set(leaf.layer, rec);
        },
        onGrad: (leaf, k, dy) => {
          const rec = this.current.get(leaf.layer);
          if (rec === undefined || k !== 0 || rec.gradStd !== null) return;
          rec.gradStd = moments(dy.dataSync() as Float32Array).std;
          if (byLayer.get(leaf.layer)?.isOutput && this.outputGradStd === null) this.outputGradStd = rec.gradStd;
        },
      });
    }

    override async onEpochBegin(epoch: number): Promise<void> { this.epoch = epoch; }

    override async onBatchBegin(): Promise<void> {
      if (this.restore === undefined) return;
      this.recording = true;
      this.current = new Map();
      this.inputStd = null;
      this.outputGradStd = null;
    }

    override async onBatchEnd(batch: number, logs?: unknown): Promise<void> {
      if (!this.recording) return;
      this.recording = false;
      const step: MonitorStep = {
        step: this.history.steps.length, epoch: this.epoch, batch, loss: lossOf(logs), inputStd: this.inputStd, outputGradStd: this.outputGradStd,
        layers: this.meta.map((m) => this.current.get(m.leaf.layer) ?? { name: m.leaf.path, std: null, gradStd: null, saturated: null, dead: null, deadNeurons: null }),
        flags: [],
      };
      this.history.steps.push(step);
      this.check(step);
      if (this.history.steps.length >= this.opts.batches) this.detach();
    }

    override async onTrainEnd(): Promise<void> {
      this.detach();
      if (this.opts.json !== undefined) writeTextFile(this.opts.json, JSON.stringify(this.history, null, 1) + '\n');
      if (this.opts.svg !== undefined) writeTextFile(this.opts.svg, this.renderSvg());
    }

    renderSvg(): string { return renderMonitorSvg(this.history); }

    toJSON(): MonitorHistory { return this.history; }

    private detach(): void {
      this.recording = false;
      this.restore?.();
      this.restore = undefined;
    }

    private warn(m: LayerMeta, pattern: MonitorPattern, step: MonitorStep, value: number, what: string): void {
      step.flags.push({ layer: m.leaf.path, pattern });
      const key = `${m.leaf.path}\u0000${pattern}`;
      if (this.warned.has(key)) return;
      this.warned.add(key);
      const fix = suggestFix(pattern, m.activation, this.shape);
      const message = `nninit monitor: layer ${m.leaf.path} (${m.className}${m.activation === null ? '' : `, ${m.activation}`}) is ${pattern} at batch ${step.step}: ${what}. Suggested fix: ${fix}`;
      const w: MonitorWarning = { layer: m.leaf.path, className: m.className, pattern, step: step.step, epoch: step.epoch, batch: step.batch, value, message, fix };
      this.history.warnings.push(w);
      (this.opts.onWarning ?? emit)(w);
    }

    private check(step: MonitorStep): void {
      const T = THRESHOLDS;
      this.meta.forEach((m, i) => {
        const l = step.layers[i]!;
        if (!m.check || l.std === null) return;
        if (!Number.isFinite(l.std) || (l.gradStd !== null && !Number.isFinite(l.gradStd))) {
          this.warn(m, 'exploding', step, NaN, 'its activations or gradients overflowed float32 (Infinity or NaN)');
          return;
        }
        const a = step.inputStd !== null && step.inputStd > 0 && m.checkScale && !m.isOutput ? l.std / step.inputStd : null;
        const g = l.gradStd !== null && step.outputGradStd !== null && step.outputGradStd > 0 && m.checkScale ? l.gradStd / step.outputGradStd : null;
        if (a !== null && a > T.exploding) this.warn(m, 'exploding', step, a, `activation std ${fmt(l.std)} is ${fmt(a)}x the input's (threshold ${T.exploding}x)`);
        else if (g !== null && g > T.exploding) this.warn(m, 'exploding', step, g, `gradient std ${fmt(l.gradStd!)} is ${fmt(g)}x the output gradient's (threshold ${T.exploding}x)`);
        if (a !== null && a < T.vanishing) this.warn(m, 'vanishing', step, a, `activation std ${fmt(l.std)} is ${fmt(a)}x the input's (threshold ${T.vanishing})`);
        else if (g !== null && g < T.vanishing) this.warn(m, 'vanishing', step, g, `gradient std ${fmt(l.gradStd!)} is ${fmt(g)}x the output gradient's (threshold ${T.vanishing})`);
        if (!m.isOutput && l.saturated !== null && l.saturated > T.saturated) {
          this.warn(m, 'saturated', step, l.saturated, `${pct(l.saturated)} of its ${m.activation} outputs are saturated (threshold ${pct(T.saturated)})`);
        }
        if (!m.isOutput && l.deadNeurons !== null && l.deadNeurons > T.saturated) {
          this.warn(m, 'dead', step, l.deadNeurons, `${pct(l.deadNeurons)} of its units are zero for the whole batch (threshold ${pct(T.saturated)})`);
        }
      });
    }
  }
  MonitorClass = NninitMonitor as unknown as NonNullable<typeof MonitorClass>;
  return MonitorClass;
}

/**
 * A TF.js `Callback` for `model.fit` that records, over the first `batches` batches (default
 * 50), each layer's activation std and gradient std (at its output) and the loss, and warns
 * once per layer and pattern: **vanishing** or **exploding** (activation std against the
 * input's, or gradient std against the output gradient's, beyond {@link THRESHOLDS}),
 * **saturated** (tanh or sigmoid outputs over 50% saturated) or **dead** (over 50% of a
 * ReLU layer's units zero for the whole batch), naming the layer and a fix from
 * `recommend`. The layers are observed by wrapping their `call` during those batches
 * only; the values the model computes are unchanged. Pass-through layers (dropout,
 * flatten, reshape, ...) are recorded but not warned about, nor the activation and
 * gradient scale of a layer that feeds a normalization layer (which undoes it), nor the
 * activation scale of output layers.
 *
 * @example
 * ```ts
 * const m = monitor({ batches: 30, svg: 'monitor.svg' });
 * await model.fit(x, y, { epochs: 1, batchSize: 32, callbacks: [m] });
 * m.warnings; // [] for a good initialization
 * ```
 * @throws TypeError / RangeError for bad options.
 */
export function monitor(options?: MonitorOptions): Monitor {
  const fn = 'tfjs.monitor';
  const o = readOptions(fn, options, KNOWN);
  const batches = o.batches ?? 50;
  if (typeof batches !== 'number') throw typeError(fn, 'options.batches', 'an integer in [1, 100000]', batches);
  if (!Number.isInteger(batches) || batches < 1 || batches > 100000) throw rangeError(fn, 'options.batches', 'an integer in [1, 100000]', batches);
  if (o.onWarning !== undefined && typeof o.onWarning !== 'function') throw typeError(fn, 'options.onWarning', 'a function', o.onWarning);
  for (const k of ['json', 'svg', 'label'] as const) {
    if (o[k] !== undefined && (typeof o[k] !== 'string' || o[k] === '')) throw typeError(fn, `options.${k}`, k === 'label' ? 'a non-empty string' : 'a file path', o[k]);
  }
  const Cls = monitorClass();
  return new Cls({ ...(o as MonitorOptions), batches });
}

/** The statuses a step's chart series shows, in the verdict grammar. */
function stepStatus(s: MonitorStep): ModelReport['verdict']['status'] {
  const w = (s.flags ?? []).map((x) => x.pattern);
  if (w.includes('exploding')) return 'exploding';
  if (w.includes('vanishing')) return 'vanishing';
  if (w.includes('saturated') || w.includes('dead')) return 'saturated';
  return 'healthy';
}

/**
 * The monitor's chart: activation std (top) and gradient std (bottom) by layer, log scale,
 * one series for each of up to 6 recorded batches spread over the history (first and last
 * included), drawn by `renderSvg`; each legend entry gives the batch, its loss and the
 * worst pattern present at it (in the verdict grammar: dead counts as saturated).
 */
export function renderMonitorSvg(history: MonitorHistory): string {
  if (history === null || typeof history !== 'object' || !Array.isArray(history.steps)) throw typeError('renderMonitorSvg', 'history', 'a monitor history', history);
  const steps = history.steps;
  if (steps.length === 0) throw rangeError('renderMonitorSvg', 'history', 'a history with at least one recorded batch', history);
  const k = Math.min(6, steps.length);
  const picks = [...new Set(Array.from({ length: k }, (_, i) => Math.round((i * (steps.length - 1)) / Math.max(1, k - 1))))].map((i) => steps[i]!);
  const reports = picks.map((s) => ({
    kind: 'model',
    config: { label: `batch ${s.step}${s.loss === null ? '' : `, loss ${+s.loss.toPrecision(4)}`}` },
    layers: s.layers.map((l) => ({ std: l.std, gradStd: l.gradStd })),
    verdict: { status: stepStatus(s), reason: '' },
  })) as unknown as ModelReport[];
  const panel = (metric: ChartMetric, title: string) => renderSvg(reports, { metric, title, pixelHeight: 420 + 18 * reports.length }).replace(/^<\?xml[^>]*>\n/, '');
  const a = panel('std', `${history.label}: activation std by layer, first ${steps.length} batches`);
  const b = panel('gradStd', `${history.label}: gradient std at each layer's output`);
  const W = 760, H = 420 + 18 * reports.length;
  const nest = (svg: string, y: number) => svg.replace(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" /, `<svg y="${y}" `);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${2 * H}" viewBox="0 0 ${W} ${2 * H}" font-family="sans-serif" font-size="12">`,
    `<title>${history.label.replace(/[<>&"']/g, '')}: nninit monitor</title>`,
    nest(a, 0).trimEnd(),
    nest(b, H).trimEnd(),
    '</svg>',
  ].join('\n') + '\n';
}
