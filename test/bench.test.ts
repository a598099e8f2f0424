/**
 * The benchmark's smoke mode (what CI runs): it exits 0 and writes a JSON report with every
 * section, and finite figures. Speed itself is never tested (DESIGN.md section 6).
 *
 * Each vitest project passes its NNINIT_BACKEND on: under 'js' the bench's main process has
 * no native addon, which exercises the "native rows skipped" path.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'nninit-bench-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Row = Record<string, unknown>;
interface Report {
  meta: Row & { mode: string; dtypes: string[]; sizes: number[]; isas: string[]; backend: { name: string; isa: string }; threads: { api: boolean; counts: number[] } };
  distributions: Row[];
  models: Row[];
  overhead: Row[];
  crossover: Row[];
  tfjsModel: { rows: Row[] } | null;
  tfjsInspect: { ratio: number; median: Record<string, number>; layers: number } | null;
  targets: Row[];
  orthogonal: { shapes: number[][]; peer: { available: boolean }; rows: Row[] };
}

let run: ReturnType<typeof spawnSync>;
let report: Report;
let svg: string;

beforeAll(() => {
  const json = join(tmp, 'bench.json');
  const svgFile = join(tmp, 'bench.svg');
  run = spawnSync(process.execPath, ['bench/run.mjs', '--smoke', '--json', json, '--svg', svgFile], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env }, timeout: 110_000,
  });
  if (run.status !== 0) throw new Error(`bench --smoke failed (${run.status}):\n${String(run.stderr)}`);
  report = JSON.parse(readFileSync(json, 'utf8')) as Report;
  svg = readFileSync(svgFile, 'utf8');
});

const finite = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
const finitePositive = (x: unknown) => finite(x) && (x as number) > 0;
const ratioOk = (x: unknown) => x === null || finitePositive(x);

describe('npm run bench -- --smoke', () => {
  it('has the orthogonal section: nninit on every shape (wasm and TypeScript too), the LAPACK peer or the line saying it is missing', () => {
    const o = report.orthogonal;
    expect(String(run.stdout)).toContain('== orthogonal(): nninit vs LAPACK');
    if (!o.peer.available) expect(String(run.stdout)).toContain('LAPACK peer not installed (apt-get install libopenblas-dev)');
    for (const [r, c] of o.shapes) {
      const rows = o.rows.filter((x) => x.rows === r && x.cols === c);
      const impls = rows.map((x) => x.impl);
      if (report.meta.backend.name === 'native') expect(impls).toContain('nninit native 1T');
      if (o.peer.available) expect(impls).toContain('LAPACK float32 1T');
      for (const x of rows) expect(finitePositive(x.median)).toBe(true);
    }
    expect(o.rows.some((x) => x.impl === 'nninit TypeScript')).toBe(true);
    expect(o.rows.some((x) => x.impl === 'nninit wasm')).toBe(true);
  });

  it('exits 0 and prints the table on stdout', () => {
    const out = String(run.stdout);
    for (const s of ['nninit benchmark (smoke)', '== float32 · normal(0, 1) ==', 'Whole models', 'Call overhead', 'TF.js model building', '== Targets ==']) {
      expect(out).toContain(s);
    }
    if (report.meta.backend.name === 'native') expect(out).toContain('crossover');
    // Targets are plain figures beside their goal, not internal issue numbers.
    expect(out).not.toMatch(/#\d/);
  });

  it('labels peers by what they are', () => {
    const names = new Set(report.distributions.filter((r) => r.kind === 'peer').map((r) => String(r.impl)));
    for (const n of ['Math.random loop', 'Math.random + Box-Muller', 'Math.random + Box-Muller + rejection', 'TF.js tf.randomNormal (cpu backend)', 'TF.js initializers.truncatedNormal', '@stdlib/random-array-normal (assign)']) {
      expect(names.has(n), n).toBe(true);
    }
  });

  it('warms up every row, and measures the TypeScript backend and the peers in one process in alternating order', () => {
    for (const r of report.distributions) expect(finite(r.warmMs) && (r.warmMs as number) >= 0, String(r.impl)).toBe(true);
    const js = report.distributions.filter((r) => r.kind === 'ts' || r.kind === 'peer');
    // Rows are recorded in measuring order: within a cell the TypeScript backend comes first
    // in one cell and last in the next.
    const firsts: string[] = [];
    for (let i = 0; i < js.length; i++) {
      const r = js[i]!;
      const prev = js[i - 1];
      if (!prev || prev.dtype !== r.dtype || prev.dist !== r.dist || prev.size !== r.size) firsts.push(String(r.kind));
    }
    expect(firsts.length).toBeGreaterThan(2);
    const tsFirst = firsts.filter((k) => k === 'ts').length;
    expect(tsFirst).toBeGreaterThan(0);
    expect(tsFirst).toBeLessThan(firsts.length);
  });

  it('records the machine', () => {
    const m = report.meta;
    expect(m.mode).toBe('smoke');
    expect(Number.isNaN(Date.parse(String(m.date)))).toBe(false);
    for (const k of ['cpu', 'node', 'platform', 'v8', 'nninit']) expect(typeof m[k]).toBe('string');
    expect(finitePositive(m.logicalCpus)).toBe(true);
    expect(['native', 'wasm', 'js']).toContain(m.backend.name);
    expect(Array.isArray(m.threads.counts) && m.threads.counts.length > 0).toBe(true);
    expect(typeof m.threads.api).toBe('boolean');
    expect(finitePositive(m.seconds)).toBe(true);
    expect(m.dtypes).toEqual(['float32', 'float64', 'bfloat16']);
    if (m.backend.name === 'native') expect(m.isas.length).toBeGreaterThan(0);
    else expect(m.isas).toEqual([]);
  });

  it('has every distribution x dtype x size cell, for every implementation, with finite figures', () => {
    const m = report.meta;
    for (const dtype of m.dtypes) {
      for (const dist of ['uniform', 'normal', 'truncnormal']) {
        for (const size of m.sizes) {
          const rows = report.distributions.filter((r) => r.dtype === dtype && r.dist === dist && r.size === size);
          const kinds = rows.map((r) => r.kind);
          expect(kinds).toContain('ts');
          expect(kinds).toContain('wasm');
          expect(kinds).toContain('memory');
          if (dtype !== 'bfloat16') expect(kinds).toContain('peer');
          if (dtype === 'float32') expect(rows.filter((r) => r.kind === 'peer').length).toBe(4);
          for (const isa of m.isas) {
            for (const t of m.threads.counts) {
              expect(rows.some((r) => r.kind === 'native' && r.isa === isa && r.threads === t && r.async === false)).toBe(true);
            }
          }
          for (const r of rows) {
            for (const k of ['median', 'min', 'reps']) expect(finitePositive(r[k]), `${k} of ${String(r.impl)}`).toBe(true);
            const ns = r.nsPerElement as { median: number; min: number };
            const gb = r.gbps as { median: number; max: number };
            expect(finitePositive(ns.median) && finitePositive(ns.min) && ns.min <= ns.median).toBe(true);
            expect(finitePositive(gb.median) && finitePositive(gb.max)).toBe(true);
            expect(ratioOk(r.vsTs) && ratioOk(r.vsBestPeer) && ratioOk(r.ofMemoryLimit)).toBe(true);
            expect(r.vsTs).not.toBeNull();
          }
        }
      }
    }
  });

  it('times the three models for nninit and TF.js', () => {
    const native = report.meta.backend.name === 'native';
    for (const model of ['GPT-2 small', 'BERT-base', 'ResNet-50']) {
      const rows = report.models.filter((r) => r.model === model);
      expect(rows.some((r) => r.kind === 'ts')).toBe(true);
      expect(rows.some((r) => r.kind === 'wasm')).toBe(true);
      expect(rows.some((r) => r.kind === 'peer' && r.impl === 'TF.js initializers')).toBe(true);
      if (native) {
        expect(rows.some((r) => r.kind === 'native' && r.mode === 'alloc')).toBe(true);
        expect(rows.some((r) => r.kind === 'native' && r.mode === 'out')).toBe(true);
      }
      for (const r of rows) {
        expect(finitePositive(r.params)).toBe(true);
        expect(finitePositive(r.median) && finitePositive(r.min) && finitePositive(r.paramsPerSecond)).toBe(true);
        expect(finitePositive((r.ms as { median: number }).median)).toBe(true);
        expect(ratioOk(r.vsTs) && ratioOk(r.vsTfjs)).toBe(true);
      }
    }
  });

  it('measures call overhead and derives the crossover', () => {
    const impls = report.meta.backend.name === 'native' ? ['native', 'ts'] : ['ts'];
    for (const impl of [...impls, 'wasm']) {
      const rows = report.overhead.filter((r) => r.impl === impl);
      expect(rows.map((r) => r.elements).sort()).toEqual([4096, 4096, 64, 64]);
      for (const r of rows) expect(finitePositive(r.median) && finitePositive(r.min)).toBe(true);
    }
    expect(report.crossover.length).toBe(impls.length === 2 ? 2 : 0);
    for (const c of report.crossover) {
      expect(typeof c.nativeFasterEverywhere).toBe('boolean');
      expect(finite(c.elements)).toBe(true);
    }
  });

  it('builds the TF.js Dense model both ways', () => {
    expect(report.tfjsModel).not.toBeNull();
    expect(report.tfjsModel!.rows.length).toBeGreaterThanOrEqual(2);
    for (const r of report.tfjsModel!.rows) expect(finitePositive(r.median) && finitePositive(r.min)).toBe(true);
  });

  it('times inspectModel against predict + variableGrads on the same model and batch', () => {
    const t = report.tfjsInspect!;
    expect(t).not.toBeNull();
    for (const k of ['predict', 'variableGrads', 'inspectModel']) expect(finitePositive(t.median[k])).toBe(true);
    expect(finitePositive(t.ratio)).toBe(true);
    expect(report.targets.some((x) => String(x.name).startsWith('inspectModel / (predict + variableGrads)'))).toBe(true);
    expect(String(run.stdout)).toContain('inspectModel / (predict + variableGrads) = ');
  });

  it('lists the targets (not judged in smoke mode), each with its goal and, for speeds, the multiple of the memory limit', () => {
    expect(report.targets.length).toBeGreaterThan(0);
    for (const t of report.targets) {
      expect(typeof t.name).toBe('string');
      expect(t.met).toBeNull();
      expect(t.value === null || finite(t.value)).toBe(true);
      expect(finitePositive(t.goal)).toBe(true);
      expect(['<=', '<', '>=']).toContain(t.cmp);
      expect(t.vsMemory === null || finitePositive(t.vsMemory)).toBe(true);
    }
    if (report.meta.backend.name === 'native') {
      const kernel = report.targets.filter((t) => t.unit === 'ns/el' && String(t.name).includes('native'));
      expect(kernel.length).toBeGreaterThan(0);
      for (const t of kernel) expect(finitePositive(t.vsMemory)).toBe(true);
      expect(report.targets.some((t) => String(t.name).startsWith('normal float64 / float32'))).toBe(true);
    }
  });

  it('bench/ts-processes.mjs runs fresh TypeScript-backend processes and prints each', () => {
    const r = spawnSync(process.execPath, ['bench/ts-processes.mjs', '--processes', '2', '--log2', '12', '--reps', '2'], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env }, timeout: 60_000,
    });
    expect(r.status, String(r.stderr)).toBe(0);
    const lines = String(r.stdout).split('\n');
    expect(lines.filter((l) => /^[12]\s+\d/.test(l)).length).toBe(2);
    expect(String(r.stdout)).toMatch(/of 2 processes met both targets/);
  });

  it('reports the GPT-2 allocation ratio against allocating and filling the same arrays (native)', () => {
    const t = report.targets.find((x) => String(x.name).startsWith('GPT-2 small allocating vs allocating + filling'));
    if (report.meta.backend.name !== 'native') {
      expect(t).toBeUndefined();
      return;
    }
    expect(t).toBeDefined();
    expect(finitePositive(t!.value)).toBe(true);
    expect(t!.goal).toBe(0.6);
    expect(String(t!.detail)).toContain('new Float32Array(n).fill');
  });

  it('writes a labeled SVG chart', () => {
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain(String(report.meta.cpu).replace(/&/g, '&amp;'));
    expect(svg).toContain('<rect');
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  });
});
