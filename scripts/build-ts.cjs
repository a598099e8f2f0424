#!/usr/bin/env node
// Compiles lib/ to dist/cjs (CommonJS + .d.ts) and writes the ESM entry dist/esm, which
// re-exports the CommonJS build: one module instance, so the process-wide seed state is
// shared by require() and import callers (no dual-package hazard). Then the browser build:
// lib/browser.ts and what it imports as ES modules in dist/browser (tsconfig.browser.json:
// no Node types, so a Node built-in there fails to compile), with the .wasm inlined.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const tsc = require.resolve('typescript/bin/tsc');
// No rm -rf of dist/ first: tsc overwrites every output, and several processes (tests,
// benchmarks) may build at once.
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });

process.env.NNINIT_BACKEND = 'js'; // only the export names are needed here
const cjs = require(path.join(root, 'dist', 'cjs', 'index.js'));
const names = Object.keys(cjs).filter((n) => n !== 'default' && n !== '__esModule').sort();
const esm = path.join(root, 'dist', 'esm');
fs.mkdirSync(esm, { recursive: true });
fs.writeFileSync(path.join(esm, 'package.json'), '{ "type": "module" }\n');
fs.writeFileSync(
  path.join(esm, 'index.js'),
  `import cjs from '../cjs/index.js';\n` +
    names.map((n) => `export const ${n} = cjs.${n};`).join('\n') +
    `\nexport default cjs;\n`,
);
fs.writeFileSync(path.join(esm, 'index.d.ts'), `export * from '../cjs/index.js';\nimport * as nninit from '../cjs/index.js';\nexport default nninit;\n`);

// The browser build.
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.browser.json')], { stdio: 'inherit' });
const browser = path.join(root, 'dist', 'browser');
fs.writeFileSync(path.join(browser, 'package.json'), '{ "type": "module" }\n');
const wasm = fs.readFileSync(path.join(root, 'native', 'wasm', 'nninit.wasm'));
fs.mkdirSync(path.join(browser, 'wasm'), { recursive: true });
fs.writeFileSync(
  path.join(browser, 'wasm', 'inline.js'),
  `// native/wasm/nninit.wasm (${wasm.length} bytes), base64; written by scripts/build-ts.cjs.\nexport default ${JSON.stringify(wasm.toString('base64'))};\n`,
);
fs.copyFileSync(path.join(root, 'lib', 'wasm', 'inline.d.ts'), path.join(browser, 'wasm', 'inline.d.ts'));
