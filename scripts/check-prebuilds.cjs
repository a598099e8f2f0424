#!/usr/bin/env node
// prepack guard. Lists prebuilds/; with NNINIT_RELEASE=1 (the release workflow) it fails
// unless every platform we promise has a prebuild under 1 MB, so a release tarball can
// never ship without binaries. Local `npm pack` stays lenient.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const dir = path.join(__dirname, '..', 'prebuilds');
const release = process.env.NNINIT_RELEASE === '1';
// platform-arch directory -> libc tags that must be present (null: untagged platform).
const required = {
  'linux-x64': ['glibc'],
  'linux-arm64': ['glibc', 'musl'],
  'darwin-x64': [null],
  'darwin-arm64': [null],
  'win32-x64': [null],
};
const LIMIT = 1024 * 1024;

const found = {};
if (fs.existsSync(dir)) {
  for (const d of fs.readdirSync(dir)) {
    const files = fs.readdirSync(path.join(dir, d)).filter((f) => f.endsWith('.node'));
    found[d] = files.map((f) => ({ f, size: fs.statSync(path.join(dir, d, f)).size }));
  }
}
const problems = [];
for (const [d, files] of Object.entries(found)) {
  for (const { f, size } of files) {
    console.log(`prebuild ${d}/${f} ${(size / 1024).toFixed(0)} KiB`);
    if (size >= LIMIT) problems.push(`${d}/${f} is ${size} bytes (limit 1 MiB)`);
  }
}
if (release) {
  for (const [d, libcs] of Object.entries(required)) {
    const files = (found[d] ?? []).map((x) => x.f);
    for (const libc of libcs) {
      const ok = libc === null ? files.length > 0 : files.some((f) => f.includes(`.${libc}.`));
      if (!ok) problems.push(`missing prebuild ${d}${libc ? ` (${libc})` : ''}`);
    }
  }
} else if (Object.keys(found).length === 0) {
  console.warn('check-prebuilds: no prebuilds/ (fine for a local pack; set NNINIT_RELEASE=1 to require them)');
}
for (const p of problems) console.error(`check-prebuilds: ${p}`);
if (problems.length && release) process.exit(1);
if (problems.length) console.warn('check-prebuilds: problems above are fatal when NNINIT_RELEASE=1');
