#!/usr/bin/env node
// npm run bench:browser [-- --reps N] [--json FILE]
//
// The WebAssembly backend in Node and in Debian's headless Chromium (playwright-core drives
// /usr/bin/chromium or CHROMIUM_PATH; no browser is downloaded): the same fills
// (bench/wasm-timing.mjs: 2^24 float32, one thread), Node's and Chromium's calls alternating
// so that both see the same machine load, and the ratio. The page imports
// dist/browser/browser.js as is (plain ES modules, the .wasm inlined), served from
// 127.0.0.1. The target: Chromium within 1.5x of Node.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { DISTS, makeTimer } from './wasm-timing.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const reps = Number(opt('--reps', 9));
const jsonFile = opt('--json', null);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

if (!existsSync(join(root, 'dist', 'browser', 'browser.js')) || !existsSync(join(root, 'dist', 'cjs', 'index.js'))) {
  spawnSync(process.execPath, [join(root, 'scripts', 'build-ts.cjs')], { stdio: 'inherit' });
}

// Node: this process, forced to the wasm backend.
process.env.NNINIT_BACKEND = 'wasm';
const nn = createRequire(import.meta.url)(join(root, 'dist', 'cjs', 'index.js'));
if (nn.backendInfo().name !== 'wasm') throw new Error(`not the wasm backend: ${nn.backendInfo().reason}`);
const nodeTime = makeTimer(nn);

// Chromium: the same module, served with the browser build.
const files = { '/bench/wasm-timing.mjs': join(root, 'bench', 'wasm-timing.mjs') };
const server = createServer((req, res) => {
  const url = (req.url ?? '/').split('?')[0];
  if (url === '/') {
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="module">
  import * as nn from '/dist/browser/browser.js';
  import { makeTimer } from '/bench/wasm-timing.mjs';
  window.__ready = nn.ready().then((info) => { window.__time = makeTimer(nn); return info; })
    .catch((e) => ({ error: String(e && e.stack || e) }));
</script>`);
    return;
  }
  const file = files[url] ?? normalize(join(root, url));
  if (!file.startsWith(join(root, 'dist', 'browser')) && !files[url]) { res.writeHead(404).end(); return; }
  if (!existsSync(file)) { res.writeHead(404).end(); return; }
  res.writeHead(200, { 'content-type': extname(file) === '.html' ? 'text/html' : 'text/javascript' }).end(readFileSync(file));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const profile = mkdtempSync(join(tmpdir(), 'nninit-bench-chromium-'));
let browser;
try {
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await ctx.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  const info = await page.evaluate(() => window.__ready);
  if (info.error) throw new Error(info.error);
  if (info.name !== 'wasm') throw new Error(`Chromium did not load the wasm backend: ${info.reason}`);
  browser = { userAgent: await page.evaluate(() => navigator.userAgent), times: {}, short: {} };
  for (const dist of DISTS) {
    const t = { node: [], chromium: [] };
    for (let r = 0; r < 3 + reps; r++) { // 3 warm-up calls each, then alternate
      const a = nodeTime(dist);
      const b = await page.evaluate((d) => window.__time(d), dist);
      if (r >= 3) { t.node.push(a); t.chromium.push(b); }
    }
    browser.times[dist] = t;
    const short = { node: Infinity, chromium: Infinity };
    for (let r = 0; r < 5; r++) { // 5 x 16 calls each, alternating
      short.node = Math.min(short.node, nodeTime(dist, 16));
      short.chromium = Math.min(short.chromium, await page.evaluate((d) => window.__time(d, 16), dist));
    }
    browser.short[dist] = short;
  }
  await ctx.close();
} finally {
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
const fmt = (x) => x.toFixed(3);
const stats = (xs) => { const s = [...xs].sort((a, b) => a - b); return { median: s[s.length >> 1], min: s[0] }; };
const rows = DISTS.map((d) => {
  const n = stats(browser.times[d].node), c = stats(browser.times[d].chromium);
  const ratio = c.median / n.median;
  const s = browser.short[d];
  return { dist: d, node: n, chromium: c, ratio, best: { node: s.node, chromium: s.chromium, ratio: s.chromium / s.node }, met: ratio <= 1.5 };
});
const w = [18, 16, 16, 8, 6];
const line = (c) => c.map((x, i) => (i === 0 ? String(x).padEnd(w[i]) : String(x).padStart(w[i]))).join('  ');
process.stdout.write(`\nnninit wasm: Node ${process.version} vs ${browser.userAgent.match(/HeadlessChrome\/[\d.]+/)?.[0] ?? 'Chromium'} · float32, 2^24 elements, 1 thread · ns/element, median of ${reps} (min)\n`);
process.stdout.write(line(['distribution', 'Node', 'Chromium', 'ratio', '<=1.5x']) + '\n');
for (const r of rows) {
  process.stdout.write(line([r.dist, `${fmt(r.node.median)} (${fmt(r.node.min)})`, `${fmt(r.chromium.median)} (${fmt(r.chromium.min)})`, `${r.ratio.toFixed(2)}x`, r.met ? 'yes' : 'NO']) + '\n');
}
process.stdout.write('best single 2^20-element call (the speed of one core when other jobs share the machine):\n');
for (const r of rows) {
  process.stdout.write(line([r.dist, fmt(r.best.node), fmt(r.best.chromium), `${r.best.ratio.toFixed(2)}x`, r.best.ratio <= 1.5 ? 'yes' : 'NO']) + '\n');
}
if (jsonFile) writeFileSync(jsonFile, JSON.stringify({ date: new Date().toISOString(), node: process.version, userAgent: browser.userAgent, reps, rows }, null, 1) + '\n');
