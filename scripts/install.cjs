#!/usr/bin/env node
// npm install hook. Uses a matching prebuild (prebuilds/<platform>-<arch>) or an existing
// build; else compiles from source with node-gyp; else leaves the WebAssembly backend (the
// shipped native/wasm/nninit.wasm) in place with one clear message. It never fails the install and runs nothing but
// node-gyp-build's lookup and node-gyp (the loader's build step).
//
//   NNINIT_SKIP_BUILD=1                      do nothing (the WebAssembly backend serves if
//                                            no prebuild matches)
//   --build-from-source / npm_config_build_from_source=true   compile even if a prebuild loads
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const target = `${process.platform}-${process.arch}`;

function loadError() {
  try {
    require('node-gyp-build')(root);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message.split('\n')[0] : String(err);
  }
}

function fallback(why) {
  console.warn(
    `nninit: no usable native addon for ${target} (${why}); ` +
      'the WebAssembly backend will be used: same values, one thread, slower. ' +
      'To build from source, see the Install section of the README.',
  );
  process.exit(0);
}

function onPath(name) {
  const exts = process.platform === 'win32' ? (process.env.PATHEXT || '.EXE').split(';') : [''];
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      try {
        fs.accessSync(path.join(dir, name + ext), fs.constants.X_OK);
        return true;
      } catch { /* next */ }
    }
  }
  return false;
}

if (process.env.NNINIT_SKIP_BUILD === '1') process.exit(0);
const fromSource = process.argv.includes('--build-from-source') || process.env.npm_config_build_from_source === 'true';
if (!fromSource && loadError() === null) process.exit(0);

// A source build needs a C++ compiler and make on POSIX; without them node-gyp would only
// print pages of errors. (Windows: node-gyp finds Visual Studio itself.)
if (process.platform !== 'win32') {
  const cxx = process.env.CXX ? process.env.CXX.split(' ')[0] : null;
  const haveCxx = cxx ? onPath(cxx) || fs.existsSync(cxx) : ['c++', 'g++', 'clang++'].some(onPath);
  if (!haveCxx || !onPath('make')) fallback('no prebuild matches and no C++ compiler/make on PATH');
}

// npm passes its own bundled node-gyp to install scripts; a dev checkout also has one.
let gyp = process.env.npm_config_node_gyp || null;
if (!gyp) {
  try {
    gyp = require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    gyp = null;
  }
}
// The build's output goes to a log file, shown only in part when it fails: the install
// prints one message either way.
const log = path.join(os.tmpdir(), `nninit-build-${process.pid}.log`);
const r = gyp
  ? spawnSync(process.execPath, [gyp, 'rebuild', '--jobs', '2'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 })
  : spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['exec', '--yes=false', 'node-gyp', '--', 'rebuild'], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      shell: process.platform === 'win32',
    });
const output = `${r.stdout || ''}${r.stderr || ''}${r.error ? String(r.error) : ''}`;
const after = r.status === 0 ? loadError() : 'build failed';
if (after === null) process.exit(0);
try {
  fs.writeFileSync(log, output);
} catch { /* the message below still names the cause */ }
const lines = output.split('\n');
const firstError = [/\berror:|fatal error|command not found/i, /gyp ERR! stack Error:/, /error/i]
  .map((re) => lines.find((l) => re.test(l)))
  .find((l) => l !== undefined);
fallback(`the source build failed${firstError ? `: ${firstError.trim().slice(0, 200)}` : ''}; full log: ${log}`);
