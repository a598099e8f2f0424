/**
 * The `nninit` command: in-process through main() with captured streams, and once
 * through the real launcher bin/nninit.cjs (which needs dist/cjs, built on demand).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../lib/cli.js';
import { checkWellFormedXml } from './diagnostics-helpers.js';

const ROOT = join(__dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'nninit-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
  return { code, out, err };
}

// Batch 32 keeps the full 784-512x20-10 network quick; the numbers are the same kind.
const NET = ['--layers', '784,512x20,10', '--batch', '32'];

describe('nninit inspect', () => {
  it('prints a table, a verdict and a chart of std by layer', async () => {
    const r = await cli('inspect', ...NET, '--activation', 'relu', '--init', 'kaiming-normal');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^784 -> 512x20 -> 10, relu, batch 32, seed 0, init kaiming-normal$/m);
    expect(r.out).toMatch(/^layer\s+in->out\s+mean\s+std\s+rms\s+dead\s+grad std\s+distinct$/m);
    expect(r.out.match(/^\s+\d+\s+\d+->\d+/gm)).toHaveLength(21);
    expect(r.out).toMatch(/verdict: HEALTHY: /);
    expect(r.out).toMatch(/^activation std by layer \(log scale\)$/m);
    expect(r.out).toMatch(/^ layer  1 {11}5/m);
    expect(r.out).toMatch(/o kaiming-normal \(healthy\)\n$/);
  });

  it('--compare puts several initializers side by side', async () => {
    const r = await cli('inspect', ...NET, '--activation', 'tanh', '--compare', 'zeros,normal:0.01,xavier-normal,kaiming-normal');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/std o zeros\s+std x normal:0\.01\s+std \+ xavier-normal\s+std \* kaiming-normal\s+grad o\s+grad x\s+grad \+\s+grad \*/);
    expect(r.out).toMatch(/^o zeros\s+SYMMETRIC/m);
    expect(r.out).toMatch(/^x normal:0\.01\s+VANISHING/m);
    expect(r.out).toMatch(/^\+ xavier-normal\s+HEALTHY/m);
    expect(r.out).toMatch(/^\* kaiming-normal\s+HEALTHY/m);
    expect(r.out).toMatch(/^ {5}0 \|o/m); // the zeros series sits on the 0 row
  });

  it('--svg writes a well-formed chart with one point per layer per series', async () => {
    const file = join(tmp, 'chart.svg');
    const r = await cli('inspect', ...NET, '--compare', 'zeros,normal:0.01,xavier-normal,kaiming-normal', '--svg', file);
    expect(r.code).toBe(0);
    expect(r.err).toBe(`nninit inspect: chart written to ${file}\n`);
    const svg = readFileSync(file, 'utf8');
    const { root, elements } = checkWellFormedXml(svg);
    expect(root).toBe('svg');
    expect(svg.match(/<circle class="point"/g)).toHaveLength(21 * 4);
    for (const label of ['zeros', 'normal:0.01', 'xavier-normal', 'kaiming-normal']) {
      const group = svg.split(`<g class="series" data-label="${label}">`)[1]!.split('</g>')[0]!;
      expect(group.match(/<circle /g), label).toHaveLength(21);
    }
    expect(elements.get('polyline')).toBe(4);
    expect(svg).toMatch(/<text class="x-label"[^>]*>layer<\/text>/);
    expect(svg).toMatch(/<text class="y-label"[^>]*>activation std \(log scale\)<\/text>/);
    expect(svg).toMatch(/>1e-1\d</); // log scale: normal:0.01 reaches 1e-13 or so
    expect(svg).toMatch(/>kaiming-normal: healthy</);
  });

  it('--json prints the report(s) for scripts', async () => {
    const one = await cli('inspect', '--layers', '64,32x3,4', '--batch', '8', '--activation', 'selu', '--init', 'lecun-normal', '--seed', '5', '--json');
    expect(one.code).toBe(0);
    const r = JSON.parse(one.out);
    expect(r.config).toMatchObject({ layers: [64, 32, 32, 32, 4], activation: 'selu', batch: 8, seed: 5, label: 'lecun-normal' });
    expect(r.layers).toHaveLength(4);
    expect(r.verdict.status).toBe('healthy');
    const many = JSON.parse((await cli('inspect', '--layers', '64,32x3,4', '--batch', '8', '--compare', 'zeros,xavier-uniform', '--json')).out);
    expect(many.map((x: { verdict: { status: string } }) => x.verdict.status)).toEqual(['symmetric', 'healthy']);
    const big = JSON.parse((await cli('inspect', '--layers', '8,8', '--batch', '4', '--seed', '18446744073709551615', '--json')).out);
    expect(big.config.seed).toBe('18446744073709551615');
  });

  it('--residual, --batch-norm, --branch-scale, --metric grad and --flag=value', async () => {
    const r = await cli('inspect', '--layers=128x11', '--batch=16', '--activation=relu', '--residual', '--branch-scale', '0.2236', '--batch-norm', '--metric', 'grad', '--no-chart');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/residual, batch norm, branch scale 0\.2236/);
    expect(r.out).toMatch(/128->128\+/);
    expect(r.out).not.toMatch(/by layer/);
    const g = await cli('inspect', '--layers', '16x4', '--batch', '4', '--metric', 'grad');
    expect(g.out).toMatch(/^gradient std \(at each layer's input\) by layer/m);
  });

  it('--help prints the usage and exits 0', async () => {
    const r = await cli('inspect', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: nninit inspect/);
    expect((await cli('--help')).out).toMatch(/^Usage: nninit <command>/);
  });
});

describe('nninit recommend', () => {
  it('prints the initializer, gain, reason and how to check it', async () => {
    const r = await cli('recommend', '--activation', 'relu', '--depth', '50');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^initializer {3}kaiming-normal \(mode fan_in\)$/m);
    expect(r.out).toMatch(/^gain {10}1\.41421 /m);
    expect(r.out).toMatch(/^reason {8}relu /m);
    expect(r.out).toMatch(/^check it {6}nninit inspect --layers 512x51 --activation relu --init kaiming-normal$/m);
    const t = await cli('recommend', '--activation', 'tanh', '--depth', '20', '--residual', '--batch-norm');
    expect(t.out).toMatch(/xavier-normal/);
    expect(t.out).toMatch(/^branch scale {2}0\.1581 /m);
    expect(t.out).toMatch(/Fixup/);
    expect(t.out).toMatch(/batch norm/);
  });

  it('--json', async () => {
    const r = JSON.parse((await cli('recommend', '--activation', 'selu', '--depth', '8', '--json')).out);
    expect(r).toMatchObject({ initializer: 'lecun-normal', gain: 1, activation: 'selu', depth: 8, branchScale: null });
  });
});

describe('bad arguments: one line, the usage, exit 2', () => {
  const cases: [string[], RegExp][] = [
    [['inspect', '--bogus'], /^nninit inspect: unknown option --bogus$/],
    [['inspect', '--layers'], /^nninit inspect: --layers needs a value$/],
    [['inspect', '--layers', '--json'], /^nninit inspect: --layers needs a value$/],
    [['inspect', '--layers', '784'], /^nninit inspect: --layers: needs at least 2 widths/],
    [['inspect', '--layers', '784,5x0'], /^nninit inspect: --layers: repeat count 0/],
    [['inspect', '--layers', '784,abc'], /^nninit inspect: --layers: bad item "abc"/],
    [['inspect', '--activation', 'softmax'], /^nninit inspect: --activation: expected one of linear, relu/],
    [['inspect', '--init', 'he'], /^nninit inspect: --init must be one of zeros, normal/],
    [['inspect', '--compare', 'zeros,foo'], /^nninit inspect: --compare must be one of .*received "foo"/],
    [['inspect', '--init', 'zeros', '--compare', 'zeros'], /^nninit inspect: --init and --compare are exclusive$/],
    [['inspect', '--batch', '1'], /^nninit inspect: --batch: expected an integer in \[2, 1048576\]; received "1"$/],
    [['inspect', '--seed', '-3'], /^nninit inspect: --seed: expected an integer/],
    [['inspect', '--metric', 'mean'], /^nninit inspect: --metric: expected std or grad/],
    [['inspect', '--json=1'], /^nninit inspect: --json takes no value$/],
    [['inspect', '--json', '--json'], /^nninit inspect: --json given twice$/],
    [['inspect', 'extra'], /^nninit inspect: unexpected argument "extra"$/],
    // Work limits: refused at once, before anything is allocated (these ran for minutes or ran out of memory).
    [['inspect', '--layers', '4096x10001', '--batch', '16384'], /^nninit inspect: --layers and --batch need about 3\.\d+ TiB of memory, more than --max-memory \(2 GiB\).*raise --max-memory$/],
    [['inspect', '--layers', '65536,65536', '--batch', '2'], /^nninit inspect: --layers and --batch need about 16 GiB of memory/],
    [['inspect', '--layers', '64x10001', '--batch', '1048576'], /^nninit inspect: --layers and --batch need about 2\.\d+ TiB of memory/],
    [['inspect', '--layers', '1024x20', '--batch', '4096'], /^nninit inspect: --layers and --batch need about 1\.\d+e\+11 multiply-adds, more than --max-work \(1\.00e\+11\).*raise --max-work$/],
    [['inspect', '--layers', '784,512x20,10', '--max-memory', '1M'], /^nninit inspect: --layers and --batch need about [\d.]+ MiB of memory, more than --max-memory \(1 MiB\)/],
    [['inspect', '--max-memory', '1X'], /^nninit inspect: --max-memory: expected a number of bytes > 0 such as 8G or 8e9; received "1X"$/],
    [['inspect', '--max-work', '0'], /^nninit inspect: --max-work: expected a finite number > 0; received "0"$/],
    [['recommend'], /^nninit recommend: --activation is required$/],
    [['recommend', '--activation', 'relu', '--depth', '0'], /^nninit recommend: --depth: expected an integer in \[1, 100000\]/],
    [['frobnicate'], /^nninit: unknown command "frobnicate"$/],
    [[], /^nninit: missing command$/],
  ];
  for (const [argv, message] of cases) {
    it(`nninit ${argv.join(' ')}`, async () => {
      const r = await cli(...argv);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      const [first, blank, usage] = r.err.split('\n');
      expect(first).toMatch(message);
      expect(blank).toBe('');
      expect(usage).toMatch(/^Usage: nninit/);
    });
  }
});

describe('nninit bench', () => {
  it('runs bench/run.mjs from the package root with the remaining arguments', async () => {
    const root = join(tmp, 'pkg');
    mkdirSync(join(root, 'bench'), { recursive: true });
    writeFileSync(join(root, 'bench', 'run.mjs'), `console.log('bench args', JSON.stringify(process.argv.slice(2)), process.cwd());\nprocess.exitCode = 3;\n`);
    let out = '';
    const code = await main(['bench', '--quick', 'fill'], { root, stdout: { write: (s: string) => (out += s) }, stderr: { write: () => {} } });
    expect(code).toBe(3);
    expect(out).toBe(`bench args ["--quick","fill"] ${root}\n`);
  });

  it('says so clearly when the benchmarks are not there', async () => {
    let err = '';
    const code = await main(['bench'], { root: join(tmp, 'empty'), stdout: { write: () => {} }, stderr: { write: (s: string) => (err += s) } });
    expect(code).toBe(1);
    expect(err).toMatch(/^nninit bench: .*bench\/run\.mjs not found/);
  });
});

describe('nninit inspect limits', () => {
  it('refuses at once, and runs once the limit is raised', async () => {
    const t0 = performance.now();
    const r = await cli('inspect', '--layers', '4096x10001', '--batch', '16384');
    expect(r.code).toBe(2);
    expect(performance.now() - t0).toBeLessThan(60_000); // it ran for many minutes before; the figure is not the point
    const small = ['inspect', '--layers', '64x4', '--batch', '16', '--json'];
    expect((await cli(...small, '--max-work', '1000')).code).toBe(2);
    const ok = await cli(...small, '--max-work', '1e6', '--max-memory', '64M');
    expect(ok.code).toBe(0);
    const rep = JSON.parse(ok.out) as { cost: { bytes: number; work: number }; config: { maxWork: number; maxMemory: number } };
    expect(rep.config.maxWork).toBe(1e6);
    expect(rep.config.maxMemory).toBe(64 * 2 ** 20);
    expect(rep.cost.work).toBeGreaterThan(2 * 16 * 3 * 64 * 64);
    expect(rep.cost.work).toBeLessThanOrEqual(1e6);
  });
});

describe('nninit --version and activation names', () => {
  it('prints the package version', async () => {
    const v = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    for (const flag of ['--version', '-v']) {
      const r = await cli(flag);
      expect(r.code).toBe(0);
      expect(r.out).toBe(`${v}\n`);
    }
    const bad = await cli('--version', 'x');
    expect(bad.code).toBe(2);
    expect((await cli('--help')).out).toContain('"nninit --version" prints the version');
  });
  it('takes swish, as calculateGain does (silu)', async () => {
    const a = await cli('inspect', '--layers', '32x3', '--batch', '8', '--activation', 'swish', '--json');
    const b = await cli('inspect', '--layers', '32x3', '--batch', '8', '--activation', 'silu', '--json');
    expect(a.code).toBe(0);
    const strip = (t: string) => ({ ...JSON.parse(t), elapsedMs: 0 });
    expect(strip(a.out)).toEqual(strip(b.out));
    const r = await cli('recommend', '--activation', 'swish');
    expect(r.code).toBe(0);
    expect(r.out).toBe((await cli('recommend', '--activation', 'silu')).out);
    expect((await cli('inspect', '--help')).out).toMatch(/--activation NAME .*silu, swish/);
  });
});

describe('the bin/nninit.cjs launcher', () => {
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist', 'cjs', 'cli.js'))) {
      try {
        execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-ts.cjs')], { cwd: ROOT, stdio: 'pipe' });
      } catch {
        // tsc exits non-zero on type errors elsewhere in lib/ but still emits dist/cjs.
      }
    }
  });

  it('runs recommend and inspect, and exits 2 on a bad flag', () => {
    const bin = join(ROOT, 'bin', 'nninit.cjs');
    expect(existsSync(join(ROOT, 'dist', 'cjs', 'cli.js'))).toBe(true);
    const ok = spawnSync(process.execPath, [bin, 'recommend', '--activation', 'tanh', '--depth', '10'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^initializer {3}xavier-normal$/m);
    const ins = spawnSync(process.execPath, [bin, 'inspect', '--layers', '32x4', '--batch', '8', '--json'], { encoding: 'utf8' });
    expect(ins.status).toBe(0);
    expect(JSON.parse(ins.stdout).layers).toHaveLength(3);
    const bad = spawnSync(process.execPath, [bin, 'inspect', '--nope'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.split('\n')[0]).toBe('nninit inspect: unknown option --nope');
  });
});
