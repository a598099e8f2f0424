/**
 * The house (docs/architecture.md): every file under lib/ belongs to a layer and imports
 * only from its own layer and below, plus the finer rules listed there. The layers are read
 * from the doc's `house` block, so the doc and this test cannot drift apart.
 */
import { describe, expect, test } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join, posix, relative } from 'node:path';

const root = join(__dirname, '..');

interface Layer { rank: number; name: string; paths: string[] }

function house(): Layer[] {
  const doc = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');
  const block = /```house\n([\s\S]*?)```/.exec(doc);
  if (block === null) throw new Error('docs/architecture.md has no house block');
  return block[1]!.trim().split('\n').map((line) => {
    const [rank, name, ...paths] = line.trim().split(/\s+/);
    return { rank: Number(rank), name: name!, paths };
  });
}

function files(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(posix.join(dir, e.name)) : e.name.endsWith('.ts') ? [posix.join(dir, e.name)] : []);
}

interface Import { spec: string; line: number }

/** Every module specifier a file imports or re-exports (static, dynamic, require, type-only). */
function importsOf(file: string): Import[] {
  const src = readFileSync(join(root, file), 'utf8');
  const out: Import[] = [];
  const re = /(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'|(?:^|\n)\s*import\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)|\brequire\(\s*'([^']+)'\s*\)/g;
  for (let m = re.exec(src); m !== null; m = re.exec(src)) {
    const spec = m[1] ?? m[2] ?? m[3] ?? m[4]!;
    out.push({ spec, line: src.slice(0, m.index + m[0].length).split('\n').length });
  }
  return out;
}

/** The lib/ file a relative specifier names ('./x.js' -> lib/.../x.ts). */
function resolve(from: string, spec: string): string {
  return posix.normalize(posix.join(posix.dirname(from), spec)).replace(/\.js$/, '.ts');
}

const layers = house();
const all = files('lib');

function layerOf(file: string): Layer | undefined {
  return layers.find((l) => l.paths.some((p) => (p.endsWith('/') ? file.startsWith(p) : file === p)));
}

const NODE_ALLOWED = ['lib/node.ts', 'lib/files.ts', 'lib/model-files.ts', 'lib/cli.ts', 'lib/cli/', 'lib/tfjs/loader.ts'];
/** Whether `f` is one of the Node-only files (or under a Node-only folder). */
const nodeOnly = (f: string): boolean => NODE_ALLOWED.some((where) => (where.endsWith('/') ? f.startsWith(where) : f === where));
const PACKAGES_ALLOWED: [string, RegExp][] = [['lib/node.ts', /^node-gyp-build$/], ['lib/tfjs/', /^@tensorflow\//]];
/** Each entry point and the platform it installs (its first import). */
const ENTRY_POINTS: Record<string, string> = {
  'lib/index.ts': 'lib/node.ts',
  'lib/cli.ts': 'lib/node.ts',
  'lib/tfjs/index.ts': 'lib/node.ts',
  'lib/browser.ts': 'lib/platform-browser.ts',
};
const PLATFORMS = ['lib/node.ts', 'lib/platform-browser.ts'];
/** The package root's surface: imported only by its two entries. */
const API = { file: 'lib/api.ts', importers: ['lib/browser.ts', 'lib/index.ts'] };
const FACE_FOLDERS = ['lib/diagnostics/', 'lib/tfjs/'];
/** The one allowed direction between face folders: nninit/tfjs's model checks use the diagnostics (never the reverse). */
const FACE_USES: readonly (readonly [string, string])[] = [['lib/tfjs/', 'lib/diagnostics/']];

describe('the house (docs/architecture.md)', () => {
  test('the doc lists the five layers in order', () => {
    expect(layers.map((l) => `${l.rank} ${l.name}`)).toEqual(['1 kernels', '2 core', '3 initializers', '4 models', '5 faces']);
  });
  test('every file under lib/ is in exactly one layer, and every path the doc names exists', () => {
    const homeless = all.filter((f) => layers.filter((l) => l.paths.some((p) => (p.endsWith('/') ? f.startsWith(p) : f === p))).length !== 1);
    expect(homeless).toEqual([]);
    const missing = layers.flatMap((l) => l.paths).filter((p) => !p.endsWith('/') && !all.includes(p));
    expect(missing).toEqual([]);
  });
  test('imports go to the same layer or below, never up', () => {
    const bad: string[] = [];
    for (const f of all) {
      const from = layerOf(f)!;
      for (const { spec, line } of importsOf(f)) {
        if (!spec.startsWith('.')) continue;
        const target = resolve(f, spec);
        const to = layerOf(target);
        if (to === undefined) bad.push(`${f}:${line} imports ${target}, which is in no layer`);
        else if (to.rank > from.rank) bad.push(`${f}:${line} (${from.name}) imports ${target} (${to.name})`);
      }
    }
    expect(bad).toEqual([]);
  });
  test('no import cycles', () => {
    const graph = new Map(all.map((f) => [f, importsOf(f).filter((i) => i.spec.startsWith('.')).map((i) => resolve(f, i.spec))]));
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]): void => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') { cycles.push([...path.slice(path.indexOf(f)), f].join(' -> ')); return; }
      state.set(f, 'open');
      for (const g of graph.get(f) ?? []) visit(g, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of all) visit(f, []);
    expect(cycles).toEqual([]);
  });
  test('only backend.ts reaches the addon through binding.ts', () => {
    const users = all.filter((f) => importsOf(f).some((i) => i.spec.startsWith('.') && resolve(f, i.spec) === 'lib/binding.ts'));
    expect(users).toEqual(['lib/backend.ts']);
  });
  test('entry points are not imported; the face folders do not import one another (but nninit/tfjs uses the diagnostics)', () => {
    const bad: string[] = [];
    for (const f of all) {
      for (const { spec, line } of importsOf(f)) {
        if (!spec.startsWith('.')) continue;
        const target = resolve(f, spec);
        if (target in ENTRY_POINTS) bad.push(`${f}:${line} imports the entry point ${target}`);
        const own = FACE_FOLDERS.find((d) => f.startsWith(d));
        const other = FACE_FOLDERS.find((d) => target.startsWith(d));
        if (own !== undefined && other !== undefined && other !== own && !FACE_USES.some(([a, b]) => a === own && b === other)) bad.push(`${f}:${line} imports ${target} from another face folder`);
      }
    }
    expect(bad).toEqual([]);
  });
  test('the public surface (api.ts) is imported only by the package root\'s two entries', () => {
    const users = all.filter((f) => importsOf(f).some((i) => i.spec.startsWith('.') && resolve(f, i.spec) === API.file));
    expect(users).toEqual(API.importers);
  });
  test('platforms are installed by entry points only, each entry\'s first import', () => {
    const bad: string[] = [];
    for (const f of all) {
      for (const { spec, line } of importsOf(f)) {
        if (!spec.startsWith('.')) continue;
        const target = resolve(f, spec);
        if (PLATFORMS.includes(target) && !(f in ENTRY_POINTS)) bad.push(`${f}:${line} imports the platform ${target}`);
      }
    }
    expect(bad).toEqual([]);
    for (const [entry, platform] of Object.entries(ENTRY_POINTS)) {
      const first = importsOf(entry)[0];
      expect(first === undefined ? undefined : resolve(entry, first.spec), `${entry}'s first import`).toBe(platform);
    }
  });
  test('nothing the browser entry imports needs Node (no node: module, package or Node-only file)', () => {
    const reached = new Set<string>();
    const bad: string[] = [];
    const visit = (f: string): void => {
      if (reached.has(f)) return;
      reached.add(f);
      if (nodeOnly(f)) bad.push(`${f} is Node-only`);
      for (const { spec, line } of importsOf(f)) {
        if (spec.startsWith('.')) {
          const target = resolve(f, spec);
          if (all.includes(target)) visit(target);
        } else {
          bad.push(`${f}:${line} imports ${spec}`);
        }
      }
    };
    visit('lib/browser.ts');
    expect(bad).toEqual([]);
    expect(reached.has('lib/api.ts') && reached.has('lib/backend.ts') && reached.has('lib/wasm/kernels.ts')).toBe(true);
  });
  test('node: modules and packages only where the doc allows them', () => {
    const bad: string[] = [];
    for (const f of all) {
      for (const { spec, line } of importsOf(f)) {
        if (spec.startsWith('.')) continue;
        if (spec.startsWith('node:')) {
          if (!nodeOnly(f)) bad.push(`${f}:${line} imports ${spec}`);
        } else if (!PACKAGES_ALLOWED.some(([where, what]) => (where.endsWith('/') ? f.startsWith(where) : f === where) && what.test(spec))) {
          bad.push(`${f}:${line} imports the package ${spec}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });
  test('the parser sees every kind of import (checked on this file)', () => {
    const specs = importsOf(relative(root, __filename).split('\\').join('/')).map((i) => i.spec);
    expect(specs).toEqual(expect.arrayContaining(['vitest', 'node:fs', 'node:path']));
    expect(importsOf('lib/node.ts').map((i) => i.spec)).toEqual(expect.arrayContaining(['./platform.js', 'node-gyp-build', 'node:fs']));
    expect(importsOf('lib/index.ts').map((i) => i.spec)).toEqual(['./node.js', './api.js', './files.js', './model-files.js']);
    expect(importsOf('lib/api.ts').length).toBeGreaterThan(20);
  });
});
