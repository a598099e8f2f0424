/**
 * Renders {@link inspect} reports: a terminal table, a terminal chart (log-scale y) and an
 * SVG chart. Several reports render side by side (one column or series per report).
 *
 * @packageDocumentation
 */
import { typeError, rangeError } from '../errors.js';
import { readOptions } from '../validate.js';
import type { InspectReport } from './inspect.js';
import { isModelReport, type ModelReport } from './model-report.js';

/** What the renderers draw: {@link inspect}'s reports, or `inspectModel`'s (nninit/tfjs). */
export type Report = InspectReport | ModelReport;

/** Which per-layer quantity a chart plots. */
export type ChartMetric = 'std' | 'gradStd';

/** Options of {@link renderChart} and {@link renderSvg}. */
export interface ChartOptions {
  /** 'std' (activation std, default) or 'gradStd' (gradient std at the layer's input). */
  metric?: ChartMetric;
  /** Terminal chart: rows of the plot area (default 12, grown to one row per decade up to 25). SVG: ignored. */
  height?: number;
  /** SVG: width and height in pixels (default 760 x 420). */
  width?: number;
  /** SVG: pixel height (default 420). */
  pixelHeight?: number;
  /** Chart title; a default names the metric. */
  title?: string;
}

/** Markers of the series in the terminal chart, in order. */
export const MARKERS = ['o', 'x', '+', '*', '#', '@', '%', '&'] as const;
/** Colors of the series in the SVG chart, in order. */
export const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'] as const;

function checkReports(fn: string, reports: unknown): Report[] {
  const list = Array.isArray(reports) ? reports : [reports];
  if (list.length === 0) throw rangeError(fn, 'reports', 'a report or a non-empty array of reports', reports);
  list.forEach((r, i) => {
    if (r === null || typeof r !== 'object' || !Array.isArray((r as InspectReport).layers)) {
      throw typeError(fn, `reports[${i}]`, 'a report returned by inspect() or inspectModel()', r);
    }
  });
  if (list.some((r) => isModelReport(r)) && !list.every((r) => isModelReport(r))) {
    throw typeError(fn, 'reports', 'reports of one kind (all from inspect() or all from inspectModel())', reports);
  }
  return list as Report[];
}

function chartOptions(fn: string, options: unknown): Required<Omit<ChartOptions, 'title'>> & { title: string | undefined; heightGiven: boolean } {
  const o = readOptions(fn, options, ['metric', 'height', 'width', 'pixelHeight', 'title']);
  if (o.metric !== undefined && o.metric !== 'std' && o.metric !== 'gradStd') {
    throw (typeof o.metric === 'string' ? rangeError : typeError)(fn, 'options.metric', '"std" or "gradStd"', o.metric);
  }
  const int = (name: string, lo: number, hi: number, d: number): number => {
    const v = o[name];
    if (v === undefined) return d;
    if (typeof v !== 'number') throw typeError(fn, `options.${name}`, `an integer in [${lo}, ${hi}]`, v);
    if (!Number.isInteger(v) || v < lo || v > hi) throw rangeError(fn, `options.${name}`, `an integer in [${lo}, ${hi}]`, v);
    return v;
  };
  if (o.title !== undefined && typeof o.title !== 'string') throw typeError(fn, 'options.title', 'a string', o.title);
  return {
    metric: (o.metric as ChartMetric | undefined) ?? 'std',
    height: int('height', 4, 100, 12),
    width: int('width', 200, 10000, 760),
    pixelHeight: int('pixelHeight', 150, 10000, 420),
    title: o.title as string | undefined,
    heightGiven: o.height !== undefined,
  };
}

/** Formats a statistic in 8 characters or fewer: 0.824, 1.5e-13, 3.4e+7. */
export function formatValue(x: number): string {
  if (x === 0) return '0';
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Inf' : '-Inf';
  const a = Math.abs(x);
  if (a >= 0.001 && a < 10000) return String(+x.toPrecision(3));
  return x.toExponential(1).replace('e+', 'e+').replace(/e([+-])(\d)$/, 'e$1$2');
}

function pct(x: number | null): string {
  return x === null ? '-' : `${(100 * x).toFixed(1)}%`;
}

function pad(s: string, w: number, left = false): string {
  return left ? s.padEnd(w) : s.padStart(w);
}

/** `784 -> 512x20 -> 10`: the widths with runs collapsed. */
export function describeLayers(widths: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < widths.length; ) {
    let j = i;
    while (j + 1 < widths.length && widths[j + 1] === widths[i]) j++;
    const n = j - i + 1;
    parts.push(n > 1 ? `${widths[i]}x${n}` : String(widths[i]));
    i = j + 1;
  }
  return parts.join(' -> ');
}

function headline(r: InspectReport): string {
  const c = r.config;
  const extras = [c.residual ? 'residual' : '', c.batchNorm ? 'batch norm' : '', c.branchScale !== 1 ? `branch scale ${+c.branchScale.toPrecision(4)}` : '']
    .filter(Boolean)
    .join(', ');
  return `${describeLayers(c.layers)}, ${c.activation}, batch ${c.batch}, seed ${c.seed}${extras ? ', ' + extras : ''}`;
}

/**
 * A terminal table. One report: per layer the widths, activation mean, std and rms, the
 * saturated or dead fraction, the gradient std and the distinct neurons, then the
 * verdict. Several reports (same layers): one activation-std and one gradient-std column
 * per report, then one verdict line per report.
 */
export function renderTable(reports: Report | readonly Report[]): string {
  const all = checkReports('renderTable', reports);
  if (isModelReport(all[0])) return renderModelTable(all as ModelReport[]);
  const list = all as InspectReport[];
  const lines: string[] = [];
  if (list.length === 1) {
    const r = list[0]!;
    const act = r.config.activation;
    const fracName = act === 'relu' ? 'dead' : act === 'tanh' || act === 'sigmoid' ? 'saturated' : '';
    lines.push(`${headline(r)}, init ${r.config.label}`);
    lines.push('');
    const head = ['layer', 'in->out', 'mean', 'std', 'rms', fracName, 'grad std', 'distinct'];
    const rows = r.layers.map((l) => [
      String(l.index),
      `${l.fanIn}->${l.fanOut}${l.residual ? '+' : ''}`,
      formatValue(l.mean),
      formatValue(l.std),
      formatValue(l.rms),
      fracName === '' ? '' : pct(l.activation === 'linear' ? null : fracName === 'dead' ? l.dead : l.saturated),
      formatValue(l.gradStd),
      String(l.distinct),
    ]);
    lines.push(...grid(head, rows));
    lines.push('');
    lines.push(`input std ${formatValue(r.inputStd)}, output gradient std ${formatValue(r.outputGradStd)}; grad std is taken at each layer's input${r.layers.some((l) => l.residual) ? '; + marks a residual layer' : ''}; ${(r.elapsedMs / 1000).toFixed(2)} s`);
    lines.push(`verdict: ${r.verdict.status.toUpperCase()}: ${r.verdict.reason}`);
    return lines.join('\n') + '\n';
  }
  const first = list[0]!;
  lines.push(headline(first));
  lines.push('');
  const labels = list.map((r, i) => `${MARKERS[i % MARKERS.length]} ${r.config.label}`);
  const head = ['layer', 'in->out', ...labels.map((l) => `std ${l}`), ...list.map((_, i) => `grad ${MARKERS[i % MARKERS.length]}`)];
  const rows = first.layers.map((l, li) => [
    String(l.index),
    `${l.fanIn}->${l.fanOut}`,
    ...list.map((r) => formatValue(r.layers[li]?.std ?? NaN)),
    ...list.map((r) => formatValue(r.layers[li]?.gradStd ?? NaN)),
  ]);
  lines.push(...grid(head, rows));
  lines.push('');
  const w = Math.max(...list.map((r) => r.config.label.length));
  for (const [i, r] of list.entries()) {
    lines.push(`${MARKERS[i % MARKERS.length]} ${pad(r.config.label, w, true)}  ${pad(r.verdict.status.toUpperCase(), 9, true)}  ${r.verdict.reason}`);
  }
  return lines.join('\n') + '\n';
}

/** Aligned columns: `left` lists the left-aligned ones (default: column 1), the rest align right. */
function grid(head: string[], rows: string[][], left: readonly number[] = [1]): string[] {
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const fmt = (r: string[]): string => r.map((s, c) => pad(s, widths[c]!, left.includes(c))).join('  ').trimEnd();
  return [fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)];
}

interface Scale { lo: number; hi: number; decades: boolean }

/**
 * The y range in log10 units. Values spanning two decades or more get whole decades
 * (labels 1e-3, 1e-2, ...); a narrower spread is centred with some margin (at least a
 * factor 1.4 either way) so small drifts between layers stay visible.
 */
function logScale(values: number[]): Scale | null {
  const pos = values.filter((v) => v > 0 && Number.isFinite(v));
  if (pos.length === 0) return null;
  const a = Math.log10(Math.min(...pos));
  const b = Math.log10(Math.max(...pos));
  if (b - a >= 2) return { lo: Math.floor(a), hi: Math.ceil(b), decades: true };
  const mid = (a + b) / 2;
  const half = Math.max(((b - a) / 2) * 1.15, 0.15);
  return { lo: mid - half, hi: mid + half, decades: false };
}

function tickLabel(e: number, decades: boolean): string {
  if (decades) return `1e${e >= 0 ? '+' : ''}${Math.round(e)}`;
  const v = 10 ** e;
  return v >= 0.01 && v < 1000 ? String(+v.toPrecision(2)) : v.toExponential(1);
}

function metricName(m: ChartMetric, models = false): string {
  return m === 'std' ? 'activation std' : `gradient std (at each layer's ${models ? 'output' : 'input'})`;
}

/**
 * A terminal chart of a per-layer statistic on a log-scale y axis: one column per layer,
 * one marker per report ({@link MARKERS}); values that are exactly 0 sit on a separate
 * `0` row, overflowed values on an `inf` row.
 */
export function renderChart(reports: Report | readonly Report[], options?: ChartOptions): string {
  const list = checkReports('renderChart', reports);
  const o = chartOptions('renderChart', options);
  const nLayers = Math.max(...list.map((r) => r.layers.length));
  const series = seriesOf(list, o.metric);
  const scale = logScale(series.flat().filter((v): v is number => v !== null));
  const explicitHeight = o.heightGiven;
  const H = explicitHeight || !scale?.decades ? o.height : Math.min(25, Math.max(o.height, scale.hi - scale.lo + 1));
  // Several series get one sub-column each (so equal values stay visible) when that fits.
  const spread = list.length > 1 && nLayers * (list.length + 1) <= 120;
  const colW = spread ? list.length + 1 : nLayers <= 30 ? 3 : nLayers <= 60 ? 2 : 1;
  const plotW = nLayers * colW;
  const rows: string[][] = Array.from({ length: H }, () => Array<string>(plotW).fill(' '));
  const zeroRow = Array<string>(plotW).fill(' ');
  const infRow = Array<string>(plotW).fill(' ');
  let hasZero = false;
  let hasInf = false;
  series.forEach((vals, si) => {
    const mk = MARKERS[si % MARKERS.length]!;
    vals.forEach((v, li) => {
      const x = li * colW + (spread ? si : 0);
      if (v === null) return;
      if (v === 0) { zeroRow[x] = mk; hasZero = true; return; }
      if (!Number.isFinite(v)) { infRow[x] = mk; hasInf = true; return; }
      if (!scale) return;
      const t = (Math.log10(v) - scale.lo) / (scale.hi - scale.lo);
      const y = Math.min(H - 1, Math.max(0, Math.round((1 - t) * (H - 1))));
      rows[y]![x] = mk;
    });
  });
  const decadeRow = new Map<number, string>();
  if (scale && scale.decades) {
    for (let e = scale.hi; e >= scale.lo; e--) {
      const y = Math.round(((scale.hi - e) / (scale.hi - scale.lo)) * (H - 1));
      if (!decadeRow.has(y) && !decadeRow.has(y - 1)) decadeRow.set(y, tickLabel(e, true));
    }
  } else if (scale) {
    for (let y = 0; y < H; y += 3) decadeRow.set(y, tickLabel(scale.hi - (y / (H - 1)) * (scale.hi - scale.lo), false));
  }
  const labelAt = (y: number): string => decadeRow.get(y) ?? '';
  const LW = 6;
  const out: string[] = [];
  out.push(o.title ?? `${metricName(o.metric, isModelReport(list[0]))} by layer (log scale)`);
  if (hasInf) out.push(`${pad('inf', LW)} |${infRow.join('').trimEnd()}`);
  for (let y = 0; y < H; y++) out.push(`${pad(labelAt(y), LW)} |${rows[y]!.join('').trimEnd()}`);
  if (hasZero) out.push(`${pad('0', LW)} |${zeroRow.join('').trimEnd()}`);
  out.push(`${' '.repeat(LW)} +${'-'.repeat(plotW)}`);
  const axis = Array<string>(plotW + 4).fill(' ');
  for (let li = 0; li < nLayers; li++) {
    const n = li + 1;
    if (n === 1 || n % 5 === 0 || n === nLayers) {
      const s = String(n);
      const x = li * colW;
      if (axis.slice(x, x + s.length + 1).every((ch) => ch === ' ') && (x === 0 || axis[x - 1] === ' ')) {
        for (let k = 0; k < s.length; k++) axis[x + k] = s[k]!;
      }
    }
  }
  out.push(`${pad('layer', LW)}  ${axis.join('').trimEnd()}`);
  out.push('');
  out.push(list.map((r, i) => `${MARKERS[i % MARKERS.length]} ${r.config.label} (${r.verdict.status})`).join('   '));
  return out.join('\n') + '\n';
}

/** Per report, the metric of every layer (null where a layer has none). */
function seriesOf(list: readonly Report[], metric: ChartMetric): (number | null)[][] {
  return list.map((r) => (r.layers as { std: number | null; gradStd: number | null }[]).map((l) => l[metric] ?? null));
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function num(x: number): string {
  return String(Math.round(x * 10) / 10);
}

/**
 * The chart as a standalone SVG document: x = layer, log-scale y with a labelled line
 * and grid at every decade, one polyline and one `<circle class="point">` per layer per
 * report (values of exactly 0 or overflowed sit on the axis floor or ceiling as hollow
 * circles with `data-clamped`), axis titles and a legend with each report's verdict.
 */
export function renderSvg(reports: Report | readonly Report[], options?: ChartOptions): string {
  const list = checkReports('renderSvg', reports);
  const o = chartOptions('renderSvg', options);
  const W = o.width;
  const H = o.pixelHeight;
  const legendH = 18 * list.length + 10;
  const m = { left: 70, right: 20, top: 40, bottom: 50 + legendH };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  if (ph < 60) throw rangeError('renderSvg', 'options.pixelHeight', `at least ${H - ph + 60} for ${list.length} series`, o.pixelHeight);
  const nLayers = Math.max(...list.map((r) => r.layers.length));
  const series = seriesOf(list, o.metric);
  const scale = logScale(series.flat().filter((v): v is number => v !== null)) ?? { lo: -1, hi: 0, decades: true };
  const xOf = (li: number): number => m.left + (nLayers === 1 ? pw / 2 : (li * pw) / (nLayers - 1));
  const yOf = (v: number): number => {
    if (!(v > 0)) return m.top + ph;
    if (!Number.isFinite(v)) return m.top;
    return m.top + ((scale.hi - Math.log10(v)) / (scale.hi - scale.lo)) * ph;
  };
  const models = isModelReport(list[0]);
  const title = o.title ?? `${metricName(o.metric, models)} by layer`;
  const parts: string[] = [];
  parts.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<title>${esc(title)}</title>`);
  parts.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`);
  // y grid and labels: one per decade (at most ~12), or 5 ticks for a narrow range
  const span = scale.hi - scale.lo;
  const ticks: number[] = [];
  if (scale.decades) {
    const step = Math.max(1, Math.ceil(span / 12));
    for (let e = scale.lo; e <= scale.hi; e += step) ticks.push(e);
  } else {
    for (let t = 0; t < 5; t++) ticks.push(scale.lo + (t * span) / 4);
  }
  parts.push(`<g class="y-axis">`);
  for (const e of ticks) {
    const y = num(m.top + ((scale.hi - e) / span) * ph);
    parts.push(`<line x1="${m.left}" y1="${y}" x2="${m.left + pw}" y2="${y}" stroke="#ddd"/>`);
    parts.push(`<text x="${m.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${tickLabel(e, scale.decades)}</text>`);
  }
  parts.push(`</g>`);
  parts.push(`<g class="x-axis">`);
  for (let li = 0; li < nLayers; li++) {
    const n = li + 1;
    if (n === 1 || n === nLayers || n % (nLayers > 40 ? 10 : 5) === 0) {
      parts.push(`<text x="${num(xOf(li))}" y="${m.top + ph + 16}" text-anchor="middle">${n}</text>`);
    }
  }
  parts.push(`</g>`);
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  parts.push(`<text class="x-label" x="${m.left + pw / 2}" y="${m.top + ph + 34}" text-anchor="middle">layer</text>`);
  parts.push(`<text class="y-label" x="16" y="${m.top + ph / 2}" text-anchor="middle" transform="rotate(-90 16 ${m.top + ph / 2})">${esc(metricName(o.metric, models))} (log scale)</text>`);
  series.forEach((vals, si) => {
    const color = COLORS[si % COLORS.length]!;
    const label = list[si]!.config.label;
    parts.push(`<g class="series" data-label="${esc(label)}">`);
    // A layer without the statistic (a non-float output) leaves a gap in the line.
    const runs: string[][] = [[]];
    vals.forEach((v, li) => { if (v === null) runs.push([]); else runs[runs.length - 1]!.push(`${num(xOf(li))},${num(yOf(v))}`); });
    for (const run of runs) if (run.length > 0) parts.push(`<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${run.join(' ')}"/>`);
    vals.forEach((v, li) => {
      if (v === null) return;
      const clamped = !(v > 0) || !Number.isFinite(v);
      parts.push(
        `<circle class="point" cx="${num(xOf(li))}" cy="${num(yOf(v))}" r="3" ${clamped ? `fill="white" stroke="${color}" data-clamped="true"` : `fill="${color}"`}><title>${esc(`${label}, layer ${li + 1}: ${formatValue(v)}`)}</title></circle>`,
      );
    });
    parts.push(`</g>`);
  });
  parts.push(`<g class="legend">`);
  list.forEach((r, si) => {
    const y = m.top + ph + 50 + si * 18;
    parts.push(`<rect x="${m.left}" y="${y - 9}" width="12" height="12" fill="${COLORS[si % COLORS.length]}"/>`);
    parts.push(`<text x="${m.left + 18}" y="${y + 1}">${esc(`${r.config.label}: ${r.verdict.status}`)}</text>`);
  });
  parts.push(`</g>`);
  parts.push(`</svg>`);
  return parts.join('\n') + '\n';
}

function shape(s: readonly number[]): string {
  return `[${s.join(',')}]`;
}

function headlineModel(r: ModelReport): string {
  const c = r.config;
  const grad = c.loss === null ? `random cotangent (seed ${c.seed})` : `loss ${c.loss}${r.loss === null ? '' : ` = ${formatValue(r.loss)}`}`;
  return `model ${c.model} (${c.className}), batch ${c.batch}, ${c.training ? 'training mode' : 'inference mode'}, gradients of the ${grad}`;
}

/**
 * The table of one `inspectModel` report (per layer: class, output shape, activation, output
 * mean/std/rms, saturated or dead fraction, distinct units, gradient std at the output;
 * then each weight's std against the std its initializer plans, and the opaque layers), or
 * of several reports of the same model side by side (activation and gradient std).
 */
function renderModelTable(list: readonly ModelReport[]): string {
  const lines: string[] = [];
  if (list.length === 1) {
    const r = list[0]!;
    lines.push(headlineModel(r));
    lines.push('');
    const head = ['layer', 'name', 'class', 'output', 'act', 'mean', 'std', 'rms', 'sat/dead', 'distinct', 'grad std'];
    const v = (x: number | null) => (x === null ? '-' : formatValue(x));
    const rows = r.layers.map((l) => [
      String(l.index), l.name + (l.opaque !== null ? '*' : ''), l.className, shape(l.outputShape), l.activation ?? '-',
      v(l.mean), v(l.std), v(l.rms),
      l.saturated !== null ? `${pct(l.saturated)} sat` : l.dead !== null ? `${pct(l.dead)} dead` : '-',
      l.distinct === null ? '-' : `${l.distinct}/${l.units}`, v(l.gradStd),
    ]);
    lines.push(...grid(head, rows, [1, 2, 3, 4]));
    const ws = r.layers.flatMap((l) => l.weights.map((w) => ({ l, w })));
    if (ws.length > 0) {
      lines.push('');
      const wrows = ws.map(({ l, w }) => [
        String(l.index), `${l.name}/${w.role}${w.trainable ? '' : ' (frozen)'}`, shape(w.shape), formatValue(w.std),
        w.plannedStd === null ? '-' : formatValue(w.plannedStd),
        w.plannedStd === null || w.plannedStd === 0 ? '-' : `${formatValue(w.std / w.plannedStd)}x`,
        w.initializer ?? '-', w.gradStd === null ? '-' : formatValue(w.gradStd),
      ]);
      lines.push(...grid(['layer', 'weight', 'shape', 'std', 'plan std', 'std/plan', 'initializer', 'grad std'], wrows, [1, 2, 6]));
    }
    const opaque = r.layers.filter((l) => l.opaque !== null);
    if (opaque.length > 0) {
      lines.push('');
      for (const l of opaque) lines.push(`* ${l.name} (${l.className}) is opaque: ${l.opaque}`);
    }
    lines.push('');
    const ins = r.inputStd === null ? 'integer inputs' : `input std ${formatValue(r.inputStd)}`;
    lines.push(`${ins}, output gradient std ${formatValue(r.outputGradStd)}; grad std is taken at each layer's output; ${(r.elapsedMs / 1000).toFixed(2)} s`);
    lines.push(`verdict: ${r.verdict.status.toUpperCase()}: ${r.verdict.reason}`);
    return lines.join('\n') + '\n';
  }
  const first = list[0]!;
  lines.push(`model ${first.config.model} (${first.config.className}), batch ${first.config.batch}`);
  lines.push('');
  const head = ['layer', 'name', ...list.map((r, i) => `std ${MARKERS[i % MARKERS.length]} ${r.config.label}`), ...list.map((_, i) => `grad ${MARKERS[i % MARKERS.length]}`)];
  const rows = first.layers.map((l, li) => [
    String(l.index), l.name,
    ...list.map((r) => { const x = r.layers[li]?.std; return x === null || x === undefined ? '-' : formatValue(x); }),
    ...list.map((r) => { const x = r.layers[li]?.gradStd; return x === null || x === undefined ? '-' : formatValue(x); }),
  ]);
  lines.push(...grid(head, rows, [1]));
  lines.push('');
  const w = Math.max(...list.map((r) => r.config.label.length));
  for (const [i, r] of list.entries()) {
    lines.push(`${MARKERS[i % MARKERS.length]} ${pad(r.config.label, w, true)}  ${pad(r.verdict.status.toUpperCase(), 9, true)}  ${r.verdict.reason}`);
  }
  return lines.join('\n') + '\n';
}
