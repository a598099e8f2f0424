#!/usr/bin/env node
// npm install hook. Uses a matching prebuild (prebuilds/<platform>-<arch>) or an existing
// build; else compiles from source with node-gyp; else leaves the TypeScript backend in
// place with one clear message. It never fails the install.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');

function loads() {
  try {
    require('node-gyp-build')(root);
    return true;
  } catch {
    return false;
  }
}

if (process.env.NNINIT_SKIP_BUILD === '1') process.exit(0);
if (!process.argv.includes('--build-from-source') && process.env.npm_config_build_from_source !== 'true' && loads()) {
  process.exit(0);
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
const args = gyp ? [gyp, 'rebuild', '--jobs', '2'] : null;
const r = args
  ? spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' })
  : spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['exec', '--yes=false', 'node-gyp', '--', 'rebuild'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
if (r.status === 0 && loads()) process.exit(0);
console.warn(
  'nninit: no prebuilt binary for ' + process.platform + '-' + process.arch +
    ' and the native build failed; the TypeScript backend will be used (same values, slower).',
);
process.exit(0);
