#!/usr/bin/env node
// Builds native/wasm/nninit.wasm: the kernels (native/src/kernels_wasm.cc on the shared SIMD
// body, kernels_scalar.cc; the QR driver qr.cc, single-threaded, with qr_wasm.cc and
// qr_scalar.cc on qr_impl.h) and native/wasm/entry.cc, compiled by clang for wasm32 with
// simd128 and linked by wasm-ld. No Emscripten, no libc (native/wasm/include has the few
// freestanding headers the sources include), -ffp-contract=off, no relaxed SIMD.
//
// The .wasm is committed, so an install without clang (a fresh clone, or the npm tarball)
// has it; CI rebuilds it and checks that the bytes are the same (the build is reproducible,
// and the committed file matches its sources).
//
//   node scripts/build-wasm.cjs            build; without clang/wasm-ld keep the committed file
//   node scripts/build-wasm.cjs --require  build; fail without clang/wasm-ld
//   node scripts/build-wasm.cjs --check    build twice into build/wasm, fail unless both builds
//                                          and the committed file are the same bytes
//   CLANG=/path/to/clang                   the compiler (default: clang, clang-19 .. clang-14)
'use strict';
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const target = path.join(root, 'native', 'wasm', 'nninit.wasm');
const rel = (p) => path.relative(root, p);

const SOURCES = [
  'native/src/kernels_wasm.cc',
  'native/src/kernels_scalar.cc',
  'native/src/qr.cc',
  'native/src/qr_wasm.cc',
  'native/src/qr_scalar.cc',
  'native/wasm/entry.cc',
];

const CFLAGS = [
  '--target=wasm32',
  '-msimd128', // simd128 only: no relaxed-simd, no other post-MVP feature but bulk memory
  '-mbulk-memory', // memcpy/memset become memory.copy/memory.fill (there is no libc)
  '-std=c++17',
  '-O3',
  '-ffp-contract=off',
  '-fno-exceptions',
  '-fno-rtti',
  '-ffreestanding',
  '-fvisibility=hidden',
  '-nostdlib',
  '-Wall',
  '-Wextra',
  '-Werror',
  '-isystem', 'native/wasm/include',
  '-Inative/include',
  // No absolute paths in the output (there is no debug info; this keeps it so for asserts).
  `-ffile-prefix-map=${root}=.`,
];

const LDFLAGS = [
  '-Wl,--no-entry',
  '-Wl,--strip-all',
  '-Wl,--gc-sections',
  '-Wl,--stack-first', // a stack overflow traps at address 0 instead of overwriting data
  '-Wl,-z,stack-size=262144',
  '-Wl,--max-memory=4294967296',
];

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
  return r;
}

function findClang() {
  const candidates = process.env.CLANG ? [process.env.CLANG] : ['clang', 'clang-19', 'clang-18', 'clang-17', 'clang-16', 'clang-15', 'clang-14'];
  for (const c of candidates) {
    const r = run(c, ['--version']);
    if (r.status === 0) return { clang: c, version: r.stdout.split('\n')[0] };
  }
  return null;
}

function hasWasmLd() {
  const r = run('wasm-ld', ['--version']);
  return r.status === 0;
}

/** Compiles and links into `out`; returns null or an error message. */
function build(clang, out) {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const r = run(clang, [...CFLAGS, ...LDFLAGS, ...SOURCES, '-o', rel(out)]);
  if (r.status !== 0) return `${clang} failed:\n${r.stdout}${r.stderr}`;
  return null;
}

const sha = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function main() {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const require_ = check || args.includes('--require');
  const found = findClang();
  if (found === null || !hasWasmLd()) {
    const missing = found === null ? 'clang' : 'wasm-ld (lld)';
    if (require_) {
      console.error(`build-wasm: ${missing} not found; install clang and lld (Debian: apt-get install clang lld)`);
      return 1;
    }
    if (!fs.existsSync(target)) {
      console.error(`build-wasm: ${missing} not found and ${rel(target)} is missing; install clang and lld`);
      return 1;
    }
    console.warn(`build-wasm: ${missing} not found; keeping the committed ${rel(target)}`);
    return 0;
  }
  if (check) {
    const a = path.join(root, 'build', 'wasm', 'check-1.wasm');
    const b = path.join(root, 'build', 'wasm', 'check-2.wasm');
    for (const out of [a, b]) {
      const err = build(found.clang, out);
      if (err) { console.error(err); return 1; }
    }
    const [ha, hb] = [sha(a), sha(b)];
    if (ha !== hb) {
      console.error(`build-wasm: two builds differ (${ha} vs ${hb}): the build is not reproducible`);
      return 1;
    }
    const committed = fs.existsSync(target) ? sha(target) : '(missing)';
    if (committed !== ha) {
      console.error(
        `build-wasm: ${rel(target)} (${committed}) is not what its sources build (${ha}) with ${found.version}; ` +
          'run `npm run build:wasm` and commit the result',
      );
      return 1;
    }
    console.log(`build-wasm: reproducible, and ${rel(target)} matches its sources (sha256 ${ha}, ${fs.statSync(a).size} bytes, ${found.version})`);
    return 0;
  }
  const tmp = path.join(root, 'build', 'wasm', `nninit-${process.pid}.wasm`);
  const err = build(found.clang, tmp);
  if (err) { console.error(err); return 1; }
  fs.renameSync(tmp, target); // atomic: a concurrent reader sees the old or the new file
  console.log(`build-wasm: ${rel(target)} (${fs.statSync(target).size} bytes, sha256 ${sha(target)}, ${found.version})`);
  return 0;
}

process.exit(main());
