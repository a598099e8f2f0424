// Derived figures (ratios, crossover, targets), the text tables and the SVG chart.

const BYTES = { float32: 4, float64: 8, bfloat16: 2 };
const DNAME = { uniform: 'uniform [0, 1)', normal: 'normal(0, 1)', truncnormal: 'truncated normal(0, 1) on [-2, 2]' };
const SHORT = { uniform: 'uniform', normal: 'normal', truncnormal: 'truncated normal' };
const log2 = (n) => `2^${Math.log2(n)}`;

const ratio = (a, b) => (a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b) ? a / b : null);

/** Adds per-element figures, ratios, the crossover and the targets to `res` (in place). */
export function analyze(res) {
  const groups = new Map();
  for (const r of res.distributions) {
    const k = `${r.dtype}|${r.dist}|${r.size}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(r);
  }
  for (const rows of groups.values()) {
    const ts = rows.find((r) => r.kind === 'ts');
    const mem = rows.find((r) => r.kind === 'memory');
    const peers = rows.filter((r) => r.kind === 'peer');
    const best = peers.length ? peers.reduce((a, b) => (b.median < a.median ? b : a)) : null;
    for (const r of rows) {
      const bytes = BYTES[r.dtype] * r.size;
      r.nsPerElement = { median: r.median / r.size, min: r.min / r.size };
      r.gbps = { median: bytes / r.median, max: bytes / r.min };
      r.vsTs = ts ? ratio(ts.median, r.median) : null;
      r.vsBestPeer = best ? ratio(best.median, r.median) : null;
      r.bestPeer = best ? best.impl : null;
      r.ofMemoryLimit = mem ? ratio(mem.median, r.median) : null;
    }
  }

  const mgroups = new Map();
  for (const r of res.models) {
    if (!mgroups.has(r.model)) mgroups.set(r.model, []);
    mgroups.get(r.model).push(r);
  }
  for (const rows of mgroups.values()) {
    const ts = rows.find((r) => r.kind === 'ts');
    const tfjs = rows.find((r) => r.kind === 'peer');
    for (const r of rows) {
      const mem = rows.find((x) => x.kind === 'memory' && x.mode === r.mode);
      r.ofMemoryLimit = mem ? ratio(mem.median, r.median) : null;
      r.ms = { median: r.median / 1e6, min: r.min / 1e6 };
      r.paramsPerSecond = r.params / (r.median / 1e9);
      r.vsTs = ts ? ratio(ts.median, r.median) : null;
      r.vsTfjs = tfjs ? ratio(tfjs.median, r.median) : null;
    }
  }

  // Small-fill crossover: t(n) = a + b n through the 64- and 4096-element calls of each backend.
  res.crossover = [];
  for (const api of [...new Set(res.overhead.map((r) => r.api))]) {
    const line = (impl) => {
      const s = res.overhead.find((r) => r.api === api && r.impl === impl && r.elements === 64);
      const l = res.overhead.find((r) => r.api === api && r.impl === impl && r.elements === 4096);
      if (!s || !l) return null;
      const b = (l.median - s.median) / (4096 - 64);
      return { a: s.median - b * 64, b };
    };
    const n = line('native');
    const t = line('ts');
    if (!n || !t) continue;
    let elements = 0;
    let nativeFasterEverywhere = true;
    if (n.a > t.a) {
      nativeFasterEverywhere = false;
      elements = t.b > n.b ? Math.ceil((n.a - t.a) / (t.b - n.b)) : Infinity;
    }
    res.crossover.push({
      api, nativeFasterEverywhere, elements: Number.isFinite(elements) ? elements : -1,
      native: { nsPerCall: n.a, nsPerElement: n.b }, ts: { nsPerCall: t.a, nsPerElement: t.b },
    });
  }

  res.targets = targets(res);
  // Smoke runs are too short to mean anything: report the figures, judge nothing.
  if (res.meta.mode === 'smoke') for (const t of res.targets) t.met = null;
  return res;
}

// Kernel speed goals on the reference machine (AMD EPYC Zen 5, 2^24 float32 elements, one
// thread, ns per element); printed with each figure's multiple of the memory limit measured in
// the same run, which is what carries over to other machines.
const KERNEL_GOALS = {
  avx512: { uniform: 0.2, normal: 0.45, truncnormal: 0.6 },
  avx2: { uniform: 0.45, normal: 0.9, truncnormal: 1.2 },
};

function targets(res) {
  const out = [];
  const m = res.meta;
  const f32 = res.distributions.filter((r) => r.dtype === 'float32');
  if (!f32.length) return out;
  const sizes = [...new Set(f32.map((r) => r.size))];
  const size = sizes.includes(2 ** 24) ? 2 ** 24 : Math.max(...sizes);
  const at = (dist, pred) => f32.find((r) => r.dist === dist && r.size === size && pred(r));
  const native1 = (dist, isa = m.backend.isa) => at(dist, (r) => r.kind === 'native' && r.isa === isa && r.threads === 1 && !r.async);
  const memNs = at('uniform', (r) => r.kind === 'memory')?.nsPerElement.median ?? null;
  const where = `float32, ${log2(size)}`;
  const add = (t) => out.push({ vsMemory: null, ...t, met: t.value === null ? null : t.cmp === '<=' ? t.value <= t.goal : t.cmp === '<' ? t.value < t.goal : t.value >= t.goal });

  for (const isa of Object.keys(KERNEL_GOALS)) {
    if (!m.isas.includes(isa)) continue;
    for (const dist of ['uniform', 'normal', 'truncnormal']) {
      const r = native1(dist, isa);
      const ns = r?.nsPerElement.median ?? null;
      add({ name: `${SHORT[dist]}: native ${isa}${isa === m.backend.isa ? '' : ' (forced)'}, 1 thread (${where})`, value: ns, unit: 'ns/el', cmp: '<=', goal: KERNEL_GOALS[isa][dist], vsMemory: ns !== null && memNs ? ns / memNs : null });
    }
  }
  const n64 = res.extra?.normalF64 ?? null;
  const n32 = native1('normal');
  add({
    name: `normal float64 / float32: native ${m.backend.isa}, 1 thread (${log2(n64?.size ?? size)})`,
    value: n64 && n32 ? n64.nsPerElement / n32.nsPerElement.median : null, unit: 'x', cmp: '<=', goal: 2,
    detail: n64 ? `${fmt(n64.nsPerElement)} vs ${fmt(n32?.nsPerElement.median)} ns/el` : '',
  });
  for (const [dist, want] of [['uniform', 15], ['normal', 30], ['truncnormal', 30]]) {
    const r = native1(dist);
    add({ name: `${SHORT[dist]}: native 1 thread vs the fastest peer (${where})`, value: r?.vsBestPeer ?? null, unit: 'x', cmp: '>=', goal: want, detail: r ? r.bestPeer : 'native not measured' });
  }
  for (const [dist, goal] of [['uniform', 1.0], ['normal', 2.0], ['truncnormal', 3.0]]) {
    const r = at(dist, (x) => x.kind === 'wasm');
    const ns = r?.nsPerElement.median ?? null;
    add({ name: `${SHORT[dist]}: WebAssembly backend, 1 thread (${where})`, value: ns, unit: 'ns/el', cmp: '<=', goal, vsMemory: ns !== null && memNs ? ns / memNs : null, detail: r ? `min ${fmt(r.nsPerElement.min)}` : 'wasm not measured' });
    add({ name: `${SHORT[dist]}: WebAssembly vs the TypeScript backend (${where})`, value: r?.vsTs ?? null, unit: 'x', cmp: '>=', goal: 5 });
  }
  for (const [dist, goal] of [['uniform', 6], ['normal', 15]]) {
    const r = at(dist, (x) => x.kind === 'ts');
    const ns = r?.nsPerElement.median ?? null;
    add({ name: `${SHORT[dist]}: TypeScript backend (${where})`, value: ns, unit: 'ns/el', cmp: '<=', goal, vsMemory: ns !== null && memNs ? ns / memNs : null });
  }
  const gpt = res.models.filter((r) => r.model === 'GPT-2 small' && r.kind === 'native' && !r.async && r.threads === 2);
  for (const r of gpt) {
    add({ name: `GPT-2 small on 2 threads (${r.mode === 'out' ? 'into preallocated buffers' : 'allocating'})`, value: r.ms.median, unit: 'ms', cmp: '<', goal: 100, detail: r.impl });
  }
  const mf = res.modelFiles;
  if (mf) {
    const w = mf.rows.find((r) => r.impl === 'writeSync');
    const c = mf.rows.find((r) => r.impl === 'cli');
    const ratioCli = c && w ? c.median / w.median : null;
    // Judged only on tmpfs: elsewhere the disk, not nninit, sets the time.
    add({
      name: `nninit materialize ${mf.model} to ${mf.tmpfs ? 'tmpfs' : 'a temp dir'} vs fs.writeSync of the same bytes`,
      value: ratioCli, unit: 'x', cmp: '<=', goal: 1.5,
      detail: c && w ? `${fmt(c.median / 1e6)} ms vs ${fmt(w.median / 1e6)} ms (${fmt(mf.fileBytes / 1e6)} MB, medians of ${c.reps})` : '',
    });
    if (!mf.tmpfs) out[out.length - 1].met = null;
    add({ name: "recipe('llama', 'llama3-8b') plan time", value: mf.plan.median / 1e6, unit: 'ms', cmp: '<', goal: 5, detail: `first call ${fmt(mf.plan.first / 1e6)} ms; median of ${mf.plan.reps}` });
    const r = mf.rss;
    add({ name: `writing ${r.model} as bfloat16: peak RSS`, value: r.maxRss / 1e6, unit: 'MB', cmp: '<', goal: 300, detail: `${fmt(r.bytes / 1e9)} GB written in ${fmt(r.ns / 1e9)} s` });
  }
  // Allocation: GPT-2 small allocating its arrays, against allocating the same arrays and
  // writing each once (new Float32Array(n).fill(x): the page-fault floor without huge pages),
  // medians of the same run.
  const floor = res.models.find((r) => r.model === 'GPT-2 small' && r.kind === 'memory' && r.mode === 'alloc');
  const allocating = gpt.find((r) => r.mode === 'alloc');
  if (floor && allocating) {
    add({
      name: 'GPT-2 small allocating vs allocating + filling the same arrays once (2 threads)',
      value: allocating.ms.median / floor.ms.median, unit: 'x', cmp: '<=', goal: 0.6,
      detail: `${fmt(allocating.ms.median)} ms (${allocating.impl}) vs ${fmt(floor.ms.median)} ms (new Float32Array(n).fill)`,
    });
  }
  if (res.tfjsInspect) {
    const t = res.tfjsInspect;
    add({
      name: `inspectModel / (predict + variableGrads) (${t.layers} Dense x ${t.width}, batch ${t.batch})`,
      value: t.ratio, unit: 'x', cmp: '<=', goal: 2,
      detail: `${fmt(t.median.inspectModel)} ms vs ${fmt(t.median.predict)} + ${fmt(t.median.variableGrads)} ms (medians of ${t.reps})`,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Text tables.

export function fmt(x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '-';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toFixed(3);
}
const fx = (x) => (x === null || x === undefined ? '-' : x >= 100 ? `${x.toFixed(0)}x` : x >= 10 ? `${x.toFixed(1)}x` : `${x.toFixed(2)}x`);
const pct = (x) => (x === null || x === undefined ? '-' : `${(100 * x).toFixed(x < 0.1 ? 1 : 0)}%`);
const pad = (s, w) => String(s).padEnd(w);
const lpad = (s, w) => String(s).padStart(w);
const int = (n) => n.toLocaleString('en-US');

function table(head, rows, align) {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (align[i] === 'l' ? pad(c, w[i]) : lpad(c, w[i]))).join('  ').trimEnd();
  return [line(head), w.map((x) => '-'.repeat(x)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

export function header(res) {
  const m = res.meta;
  const thr = m.threads.api ? `threads measured: ${m.threads.counts.join(', ')} (setThreads)` : 'threads: 1 (setThreads not available yet)';
  return [
    `nninit benchmark (${m.mode}) · ${m.cpu} · ${m.logicalCpus} logical CPUs · ${m.platform} · Node ${m.node} · ${m.date.slice(0, 16).replace('T', ' ')} UTC`,
    `backend: ${m.backend.name} ${m.backend.isa}${m.backend.reason ? ` (${m.backend.reason})` : ''} · ISAs measured: ${m.isas.join(', ') || 'none'} · ${thr} · async: ${m.async.fill ? 'yes' : 'not available yet'}`,
  ].join('\n') + '\n';
}

export function renderTables(res) {
  let s = '\n' + header(res);
  s += [
    '',
    'ns/el: nanoseconds per element, median over repeated runs after warm-up, and the minimum. GB/s: bytes written per',
    'second at the median. vs TS / vs peer: times faster than the nninit TypeScript backend / the fastest peer at that',
    'size (above 1 = faster). mem: the share of the memory-bandwidth limit reached (TypedArray.fill on the same buffer',
    '= 100%). NT = N threads.',
    '',
  ].join('\n');
  const dtypes = [...new Set(res.distributions.map((r) => r.dtype))];
  for (const dtype of dtypes) {
    for (const dist of ['uniform', 'normal', 'truncnormal']) {
      const rows = res.distributions.filter((r) => r.dtype === dtype && r.dist === dist);
      if (!rows.length) continue;
      s += `\n== ${dtype} · ${DNAME[dist]} ==\n`;
      const order = { native: 0, wasm: 1, ts: 2, memory: 3, peer: 4 };
      const body = [];
      for (const size of [...new Set(rows.map((r) => r.size))]) {
        const rs = rows.filter((r) => r.size === size).sort((a, b) => order[a.kind] - order[b.kind] || (a.rank ?? 0) - (b.rank ?? 0));
        rs.forEach((r, i) => body.push([i === 0 ? log2(size) : '', r.impl, fmt(r.nsPerElement.median) + (r.capped ? '*' : ''), fmt(r.nsPerElement.min), fmt(r.gbps.median), fx(r.vsTs), fx(r.vsBestPeer), pct(r.ofMemoryLimit)]));
      }
      s += table(['size', 'implementation', 'ns/el', 'min', 'GB/s', 'vs TS', 'vs peer', 'mem'], body, 'llrrrrrr');
      if (rows.some((r) => r.capped)) s += '* fewer samples than asked: the calls took seconds (see reps in --json)\n';
    }
  }

  if (res.models.length) {
    s += '\n== Whole models: float32, every parameter initialized as its reference implementation does ==\n';
    const order = { native: 0, memory: 1, wasm: 2, ts: 3, peer: 4 };
    const sorted = [];
    for (const model of [...new Set(res.models.map((r) => r.model))]) {
      sorted.push(...res.models.filter((r) => r.model === model).sort((a, b) => order[a.kind] - order[b.kind]));
    }
    const body = sorted.map((r, i) => [i === 0 || sorted[i - 1].model !== r.model ? r.model : '', i === 0 || sorted[i - 1].model !== r.model ? int(r.params) : '', r.impl, r.async ? 'async, allocating' : r.mode === 'out' ? 'into preallocated' : 'allocating', fmt(r.ms.median), fmt(r.ms.min), fmt(r.paramsPerSecond / 1e6), fx(r.vsTs), fx(r.vsTfjs), pct(r.ofMemoryLimit)]);
    s += table(['model', 'params', 'implementation', 'output', 'ms', 'min ms', 'Mparams/s', 'vs TS', 'vs TF.js', 'mem'], body, 'lrllrrrrrr');
    s += 'mem: the share of the memory limit reached, for the same output mode (allocating: fresh arrays, so the page faults\nof new memory count; into preallocated: buffers reused, already paged in).\n';
    for (const k of res.skipped ?? []) s += `not run: ${k.model} with ${k.impl} (${k.why})\n`;
    const few = res.models.filter((r) => r.capped);
    if (few.length) s += `fewer runs than asked (slow; see reps in --json): ${few.map((r) => `${r.model} ${r.impl}`).join(', ')}\n`;
  }

  if (res.overhead.length) {
    s += '\n== Call overhead: ns per call (median of many; min) ==\n';
    const body = [];
    for (const api of [...new Set(res.overhead.map((r) => r.api))]) {
      for (const n of [64, 4096]) {
        const at = (impl) => res.overhead.find((r) => r.api === api && r.elements === n && r.impl === impl);
        const cell = (r) => (r ? `${fmt(r.median)} (${fmt(r.min)})` : '-');
        const nat = at('native'), wasm = at('wasm'), ts = at('ts');
        body.push([n === 64 ? 'bias 64' : 'weight 4096', api, cell(nat), cell(wasm), cell(ts), nat && ts ? fx(ts.median / nat.median) : '-']);
      }
    }
    s += table(['case', 'api', 'native ns', 'wasm ns', 'TS ns', 'native speed-up'], body, 'llrrrr');
    for (const c of res.crossover ?? []) {
      s += c.nativeFasterEverywhere
        ? `crossover (${c.api}): none; native is faster at every size (fixed cost ${fmt(c.native.nsPerCall)} ns vs ${fmt(c.ts.nsPerCall)} ns in TS)\n`
        : `crossover (${c.api}): TS is faster below about ${c.elements < 0 ? 'every size' : int(c.elements)} elements (fixed cost native ${fmt(c.native.nsPerCall)} ns, TS ${fmt(c.ts.nsPerCall)} ns)\n`;
    }
  }

  if (res.tfjsModel) {
    const t = res.tfjsModel;
    s += `\n== TF.js model building: ${t.layers} Dense layers, ${t.width} wide (${int(t.rows[0]?.params ?? 0)} params), tfjs-backend-cpu ==\n`;
    const base = t.rows.find((r) => r.impl.startsWith('TF.js'));
    const body = t.rows.map((r) => [r.impl, fmt(r.median / 1e6), fmt(r.min / 1e6), base ? fx(base.median / r.median) : '-']);
    s += table(['path', 'ms', 'min ms', 'vs TF.js'], body, 'lrrr');
    if (!t.integration) s += 'nninit/tfjs integration not present: nninit values go in through layer.setWeights.\n';
  }

  if (res.modelFiles) {
    const mf = res.modelFiles;
    s += `\n== Whole-model files: ${mf.model} (${int(mf.params)} params, ${fmt(mf.fileBytes / 1e6)} MB safetensors, float32) to ${mf.dir}${mf.tmpfs ? ' (tmpfs)' : ''} ==\n`;
    const base = mf.rows.find((r) => r.impl === 'writeSync');
    const names = { writeSync: 'fs.writeSync of the same bytes from one preallocated buffer', cli: 'nninit materialize (CLI main(), async writer)', api: 'writeSafetensorsAsync', apiSync: 'writeSafetensors (sync)' };
    const body = mf.rows.map((r) => [names[r.impl] ?? r.impl, fmt(r.median / 1e6), fmt(r.min / 1e6), fmt(mf.fileBytes / r.median), base ? `${(r.median / base.median).toFixed(2)}x` : '-']);
    s += table(['path', 'ms', 'min ms', 'GB/s', 'vs writeSync'], body, 'lrrrr');
    s += `recipe('llama', 'llama3-8b'): ${fmt(mf.plan.median / 1e6)} ms median (${fmt(mf.plan.first / 1e6)} ms first call)\n`;
    const r = mf.rss;
    s += `${r.model} as bfloat16 (${fmt(r.bytes / 1e9)} GB): ${fmt(r.ns / 1e9)} s, peak RSS ${fmt(r.maxRss / 1e6)} MB (${fmt(r.maxRssBefore / 1e6)} MB before writing)\n`;
  }

  if (res.tfjsInspect) {
    const t = res.tfjsInspect;
    s += `\n== TF.js inspectModel: ${t.layers} Dense layers, ${t.width} wide, batch ${t.batch}, tfjs-backend-${t.backend} (medians of ${t.reps}) ==\n`;
    const body = ['predict', 'variableGrads', 'inspectModel'].map((k) => [k === 'predict' ? 'model.predict(x)' : k === 'variableGrads' ? 'tf.variableGrads(loss)' : 'inspectModel(model, x, { labels })', fmt(t.median[k]), fmt(Math.min(...t.ms[k]))]);
    s += table(['call', 'ms', 'min ms'], body, 'lrr');
    s += `inspectModel / (predict + variableGrads) = ${fx(t.ratio)}\n`;
  }

  if (res.targets?.length) {
    s += '\n== Targets ==\n';
    const body = res.targets.map((t) => [
      t.name,
      t.value === null ? '-' : t.unit === 'x' ? fx(t.value) : `${fmt(t.value)} ${t.unit}`,
      `${t.cmp === '>=' ? '>=' : t.cmp === '<' ? '<' : '<='} ${t.unit === 'x' ? `${t.goal}x` : `${t.goal} ${t.unit}`}`,
      t.vsMemory === null ? '' : fx(t.vsMemory),
      t.met === null ? 'n/a' : t.met ? 'yes' : 'NO',
      t.detail ?? '',
    ]);
    s += table(['target', 'measured', 'target', 'x memory', 'met', ''], body, 'lrrrll');
    s += 'x memory: the measured time over TypedArray.fill of the same buffer in the same run (the memory limit).\n';
  }
  s += `\n(${fmt(res.meta.seconds)} s)\n`;
  return s;
}

// ---------------------------------------------------------------------------------------
// SVG chart: ns per element at the headline size (log scale), and whole-model times.

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const COLORS = { native: '#1f77b4', wasm: '#9467bd', ts: '#ff7f0e', peer: '#7f7f7f', memory: '#2ca02c' };

export function renderSvg(res) {
  const m = res.meta;
  const f32 = res.distributions.filter((r) => r.dtype === 'float32');
  const sizes = [...new Set(f32.map((r) => r.size))];
  const size = sizes.includes(2 ** 24) ? 2 ** 24 : Math.max(...sizes);
  const W = 980;
  const labelW = 300;
  const plotW = W - labelW - 120;
  const barH = 16;
  const gap = 4;
  let y = 78;
  const parts = [];
  const sections = [];
  for (const dist of ['uniform', 'normal', 'truncnormal']) {
    let rows = f32.filter((r) => r.dist === dist && r.size === size);
    // Headline: each native ISA at 1 thread (+ the most threads, + async), TS, memory, peers.
    const maxT = Math.max(1, ...rows.filter((r) => r.kind === 'native').map((r) => r.threads));
    rows = rows.filter((r) => r.kind !== 'native' || r.threads === 1 || (r.threads === maxT && r.isa === m.backend.isa));
    const order = { native: 0, wasm: 1, ts: 2, memory: 3, peer: 4 };
    rows.sort((a, b) => order[a.kind] - order[b.kind] || a.median - b.median);
    sections.push({ title: `${SHORT[dist]} (float32, ${log2(size)} elements): ns per element, lower is better`, rows: rows.map((r) => ({ label: r.impl, v: r.nsPerElement.median, kind: r.kind, unit: 'ns' })) });
  }
  const gpt = res.models.filter((r) => r.model === 'GPT-2 small');
  if (gpt.length) {
    sections.push({
      title: `GPT-2 small (${int(gpt[0].params)} params) initialized end to end: ms, lower is better`,
      rows: gpt.map((r) => ({ label: `${r.impl}${r.async ? '' : r.mode === 'out' ? ' (preallocated)' : ''}`, v: r.ms.median, kind: r.kind, unit: 'ms' })),
    });
  }
  for (const sec of sections) {
    const vals = sec.rows.map((r) => r.v).filter((v) => v > 0);
    const lo = 10 ** Math.floor(Math.log10(Math.min(...vals)));
    const hi = 10 ** Math.ceil(Math.log10(Math.max(...vals)));
    const X = (v) => labelW + (plotW * (Math.log10(v) - Math.log10(lo))) / Math.max(1e-9, Math.log10(hi) - Math.log10(lo));
    parts.push(`<text x="10" y="${y}" class="h">${esc(sec.title)}</text>`);
    y += 10;
    const top = y;
    const bottom = y + sec.rows.length * (barH + gap);
    for (let d = lo; d <= hi * 1.0001; d *= 10) {
      const x = X(d).toFixed(1);
      parts.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${bottom}" class="g"/>`);
      parts.push(`<text x="${x}" y="${bottom + 12}" class="t" text-anchor="middle">${fmt(d)}</text>`);
    }
    for (const r of sec.rows) {
      const w = Math.max(1, X(r.v) - labelW);
      parts.push(`<text x="${labelW - 6}" y="${y + barH - 4}" class="l" text-anchor="end">${esc(r.label)}</text>`);
      parts.push(`<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${COLORS[r.kind]}"/>`);
      parts.push(`<text x="${(labelW + w + 4).toFixed(1)}" y="${y + barH - 4}" class="v">${fmt(r.v)} ${r.unit}</text>`);
      y += barH + gap;
    }
    y += 40;
  }
  const legend = Object.entries({ native: 'nninit native', wasm: 'nninit wasm', ts: 'nninit TypeScript', memory: 'memory limit', peer: 'peers (TF.js, @stdlib, Math.random)' })
    .map(([k, v], i) => `<rect x="${10 + i * 190}" y="${y - 22}" width="12" height="12" fill="${COLORS[k]}"/><text x="${28 + i * 190}" y="${y - 12}" class="l">${esc(v)}</text>`).join('');
  const H = y + 10;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif">
<style>.h{font-size:14px;font-weight:bold;fill:#222}.l{font-size:12px;fill:#222}.v{font-size:11px;fill:#222}.t{font-size:10px;fill:#666}.g{stroke:#ddd;stroke-width:1}.s{font-size:12px;fill:#555}</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="24" style="font-size:18px;font-weight:bold;fill:#111">nninit benchmark: npm run bench${m.mode === 'quick' ? '' : ` -- --${m.mode}`}</text>
<text x="10" y="44" class="s">${esc(`${m.cpu} · ${m.logicalCpus} logical CPUs · ${m.platform} · Node ${m.node} · ${m.date.slice(0, 10)}`)}</text>
<text x="10" y="60" class="s">${esc(`native ISA ${m.backend.isa}; 1 thread unless marked NT; log scale`)}</text>
${parts.join('\n')}
${legend}
</svg>
`;
}
