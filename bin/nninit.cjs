#!/usr/bin/env node
'use strict';
// The `nninit` command. The implementation is lib/cli.ts, compiled to dist/cjs/cli.js.
const path = require('node:path');
let cli;
try {
  cli = require(path.join(__dirname, '..', 'dist', 'cjs', 'cli.js'));
} catch (err) {
  process.stderr.write(`nninit: cannot load dist/cjs/cli.js (run "npm run build:ts" first): ${err && err.message}\n`);
  process.exit(1);
}
cli.main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`nninit: ${err && err.stack ? err.stack : err}\n`); process.exitCode = 1; },
);
