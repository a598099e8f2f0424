/**
 * nninit in a real browser: Vite 8 bundles a page that imports 'nninit' (the "browser"
 * export condition) and 'nninit/browser'; Debian's headless Chromium (driven by
 * playwright-core, never a downloaded browser) runs it. The page awaits ready() and reports
 * the digest of every initializer and fill, and of materialized models
 * (test/browser/digests.mjs): they must equal the native addon's in Node. A second page makes the engine lack WebAssembly SIMD: TypeScript
 * serves, with the reason, and the same digests.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { build } from 'vite';
import { chromium, type BrowserContext } from 'playwright-core';

const ROOT = join(__dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let tmp: string;
let server: Server;
let base: string;
let ctx: BrowserContext;
const consoleMessages: string[] = [];

interface PageResult {
  error?: string;
  userAgent: string;
  sameModule: boolean;
  before: { name: string; reason: string | null };
  info: { name: string; isa: string; reason: string | null };
  backend: { name: string };
  digests: Record<string, string>;
  audit: { ok: boolean; path: string };
}

/** The digests under the native addon, in a child process (the reference). */
function nodeDigests(backend: string): Record<string, string> {
  const code = `import(${JSON.stringify(join(ROOT, 'test', 'browser', 'digests.mjs'))}).then(async ({ digests }) => {
    const nn = require(${JSON.stringify(join(ROOT, 'dist', 'cjs', 'index.js'))});
    if (nn.backendInfo().name !== ${JSON.stringify(backend)}) throw new Error('backend ' + nn.backendInfo().name);
    process.stdout.write(JSON.stringify(await digests(nn)));
  })`;
  return JSON.parse(execFileSync(process.execPath, ['-e', code], { env: { ...process.env, NNINIT_BACKEND: backend } }).toString()) as Record<string, string>;
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'nninit-browser-'));
  const app = join(tmp, 'app');
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  symlinkSync(ROOT, join(app, 'node_modules', 'nninit'));
  cpSync(join(ROOT, 'test', 'browser'), join(app, 'src'), { recursive: true });
  for (const page of ['index', 'no-simd']) {
    writeFileSync(join(app, `${page}.html`), `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>nninit ${page}</title>\n<script type="module" src="./src/page-${page}.mjs"></script>\n`);
  }
  await build({
    root: app,
    logLevel: 'error',
    configFile: false,
    build: {
      outDir: join(tmp, 'dist'),
      target: 'es2022',
      rolldownOptions: { input: { index: join(app, 'index.html'), 'no-simd': join(app, 'no-simd.html') } },
    },
  });
  const dist = join(tmp, 'dist');
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };
  server = createServer((req, res) => {
    const file = normalize(join(dist, decodeURIComponent((req.url ?? '/').split('?')[0]!)));
    if (!file.startsWith(dist) || !existsSync(file)) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install chromium; .ci/run does)`);
  ctx = await chromium.launchPersistentContext(join(tmp, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await ctx?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function open(page: string): Promise<PageResult> {
  const p = await ctx.newPage();
  p.on('console', (m) => consoleMessages.push(`${page} ${m.type()}: ${m.text()}`));
  p.on('pageerror', (e) => consoleMessages.push(`${page} pageerror: ${e.message}`));
  await p.goto(`${base}/${page}.html`);
  const r = (await p.evaluate(() => (globalThis as unknown as { __result: Promise<unknown> }).__result)) as PageResult;
  await p.close();
  if (r.error) throw new Error(`${page}: ${r.error}\n${consoleMessages.join('\n')}`);
  return r;
}

describe('nninit in headless Chromium, bundled by Vite', () => {
  test('the bundle has no Node built-in and inlines the wasm (no asset to serve)', () => {
    const js = execFileSync('bash', ['-c', `cat ${join(tmp, 'dist', 'assets')}/*.js`]).toString();
    expect(js).not.toMatch(/\bnode:(fs|path|crypto|module)\b|require\(["']node-gyp-build/);
    expect(js).toContain('AGFzbQ'); // "\0asm" in base64
  });

  test('ready() loads the wasm backend, and every digest equals the native addon\'s in Node', async () => {
    const r = await open('index');
    expect(r.userAgent).toMatch(/HeadlessChrome/);
    expect(r.sameModule).toBe(true); // 'nninit' and 'nninit/browser' are one module in the bundle
    expect(r.before.name).toBe('js');
    expect(r.before.reason).toMatch(/await ready\(\)/);
    expect(r.info).toMatchObject({ name: 'wasm', isa: 'simd128' });
    expect(r.backend.name).toBe('wasm'); // the exported binding follows ready()
    const native = nodeDigests('native');
    expect(Object.keys(r.digests).length).toBeGreaterThan(40);
    expect(r.digests).toEqual(native);
    expect(r.audit.ok).toBe(true); // the models run in the page: materialize, then audit in memory
    expect(r.audit.path).toMatch(/files are read by the Node entry's audit/);
    expect(consoleMessages.filter((m) => m.startsWith('index') && /warn|error/.test(m))).toEqual([]);
  });

  test('an engine without WebAssembly SIMD falls back to TypeScript with the reason, same digests, one warning', async () => {
    const r = await open('no-simd');
    expect(r.info.name).toBe('js');
    expect(r.info.reason).toMatch(/WebAssembly unavailable: this JavaScript engine has no WebAssembly SIMD \(simd128\)/);
    expect(r.digests).toEqual(nodeDigests('js'));
    const warnings = consoleMessages.filter((m) => m.startsWith('no-simd warning'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/using the TypeScript backend/);
  });
});
