#!/usr/bin/env bash
# npm run test:package: the npm package checked end to end, as a user gets it.
#   1. pack (prepack builds dist/; the host prebuild is (re)built when missing or stale)
#   2. the tarball holds what it should and nothing of weight besides; its size
#   3. install it into a fresh directory with no compiler on PATH: the addon loads from the
#      prebuild; require() and import both work; a TypeScript consumer type-checks
#   4. the same tarball without prebuilds/: the install succeeds, the WebAssembly backend
#      serves after one warning, and every byte equals the native output; without the .wasm
#      too, the TypeScript backend does; the browser entry works from the tarball
#   5. the installed prebuild under qemu-x86_64 -cpu qemu64 (the x86-64 baseline) and Nehalem
#      (no AVX: sse2), and -cpu Haswell (no AVX-512: avx2): loads, reports the ISA, output equals the host's
# Prints PASS/FAIL per check and exits 1 if any failed. Needs qemu-user (.ci/run installs it).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
node_bin=$(command -v node)
tsc="$root/node_modules/typescript/bin/tsc"
host="$(node -p 'process.platform + "-" + process.arch')"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nninit-pkg.XXXXXX")
if [[ "${KEEP_TMP:-}" == "1" ]]; then echo "temp dir: $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi

passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+: $2}"; failed=$((failed + 1)); }
finish() {
  echo "test:package: $passed passed, $failed failed"
  [[ $failed -eq 0 ]] && echo "PASS test:package" || echo "FAIL test:package"
  exit $((failed > 0))
}

# ---------------------------------------------------------------- 1. prebuild + pack
# The prebuild is built fresh from the current sources in a staging copy (so build/ of the
# checkout, which others may be using, is left alone), placed in prebuilds/<host> only for
# the pack, and whatever was there before is put back afterwards.
stage="$tmp/stage"
mkdir -p "$stage/native"
cp package.json binding.gyp "$stage/"
cp -r native/src native/include "$stage/native/"
ln -s "$root/node_modules" "$stage/node_modules"
for _ in $(seq 120); do pgrep -f "cc1plus|node-gyp rebuild|cmake --build" >/dev/null || break; sleep 5; done  # 2 cores
if (cd "$stage" && JOBS=2 npm run build:prebuilds) >"$tmp/prebuild.log" 2>&1; then :; else tail -n 30 "$tmp/prebuild.log"; fi
prebuild=$(ls "$stage"/prebuilds/"$host"/*.node 2>/dev/null | head -n1 || true)
[[ -n "$prebuild" ]] && pass "prebuild (npm run build:prebuilds): prebuilds/$host/$(basename "$prebuild"), $(wc -c <"$prebuild") bytes" \
  || { fail "prebuild for $host (npm run build:prebuilds)"; finish; }
if command -v objdump >/dev/null 2>&1 && [[ "$host" == linux-* ]]; then
  echo "INFO the prebuild needs $(objdump -T "$prebuild" | grep -o 'GLIBC_[0-9.]*\|GLIBCXX_[0-9.]*' | sort -Vu | awk -F_ '{m[$1]=$0} END {print m["GLIBC"], m["GLIBCXX"]}') (the release workflow builds on Debian 11 for older systems)"
fi
if [[ -d "prebuilds/$host" ]]; then mv "prebuilds/$host" "$tmp/prebuilds-backup"; fi
restored=0
restore_prebuilds() {
  [[ $restored -eq 1 ]] && return
  restored=1
  rm -rf "$root/prebuilds/$host"
  if [[ -d "$tmp/prebuilds-backup" ]]; then mv "$tmp/prebuilds-backup" "$root/prebuilds/$host"; fi
  rmdir "$root/prebuilds" 2>/dev/null || true
}
if [[ "${KEEP_TMP:-}" == "1" ]]; then trap restore_prebuilds EXIT; else trap 'restore_prebuilds; rm -rf "$tmp"' EXIT; fi
mkdir -p "prebuilds/$host"
cp "$stage/prebuilds/$host/"*.node "prebuilds/$host/"

if npm run prepack >"$tmp/prepack.log" 2>&1; then pass "prepack (build:ts, check-prebuilds)"; else
  tail -n 30 "$tmp/prepack.log"; fail "prepack"; finish; fi
if ! npm pack --ignore-scripts --json --pack-destination "$tmp" >"$tmp/pack.json" 2>"$tmp/pack.err"; then
  cat "$tmp/pack.err"; fail "npm pack"; finish
fi
tarball="$tmp/$(node -p 'require(process.argv[1])[0].filename' "$tmp/pack.json")"
restore_prebuilds

# ---------------------------------------------------------------- 2. contents and size
node - "$tmp/pack.json" "$host" >"$tmp/contents.txt" 2>&1 <<'EOF'
const [json, host] = process.argv.slice(2);
const p = require(json)[0];
const files = p.files.map((f) => f.path);
const need = ['package.json', 'README.md', 'LICENSE', 'binding.gyp', 'CMakeLists.txt', 'scripts/install.cjs',
  'bin/nninit.cjs', 'dist/cjs/index.js', 'dist/cjs/index.d.ts', 'dist/esm/index.js', 'dist/esm/index.d.ts',
  'dist/esm/package.json', 'native/src/addon.cc', 'native/src/dispatch.cc', 'native/include/nninit/kernels.h',
  'native/wasm/nninit.wasm', 'dist/browser/browser.js', 'dist/browser/browser.d.ts', 'dist/browser/wasm/inline.js',
  'dist/browser/package.json'];
const problems = need.filter((f) => !files.includes(f)).map((f) => `missing ${f}`);
if (!files.some((f) => f.startsWith(`prebuilds/${host}/`) && f.endsWith('.node'))) problems.push(`missing prebuilds/${host}/*.node`);
const allowed = /^(package\.json|README\.md|LICENSE|binding\.gyp|CMakeLists\.txt|scripts\/install\.cjs|bin\/[^/]+|dist\/.+|native\/(src|include)\/.+|native\/wasm\/nninit\.wasm|prebuilds\/[^/]+\/[^/]+\.node)$/;
for (const f of files) if (!allowed.test(f)) problems.push(`unexpected ${f}`);
const prebuilds = files.filter((f) => f.startsWith('prebuilds/')).length;
const limit = 1024 * 1024 * Math.max(1, prebuilds);
console.log(`tarball ${p.filename}: ${p.size} bytes packed (${(p.size / 1024).toFixed(0)} KiB), ${p.unpackedSize} unpacked, ${files.length} files, ${prebuilds} prebuild(s); limit ${limit} bytes`);
if (p.size >= limit) problems.push(`tarball ${p.size} bytes >= ${limit}`);
for (const x of problems) console.log(`  ${x}`);
process.exitCode = problems.length ? 1 : 0;
EOF
rc=$?
cat "$tmp/contents.txt"
[[ $rc -eq 0 ]] && pass "tarball contents (dist, bin, prebuilds, native sources, the .wasm, build files; no tests/bench/build)" || fail "tarball contents"
grep -q "^tarball .* bytes packed" "$tmp/contents.txt" && ! grep -q "tarball .* >= " "$tmp/contents.txt" \
  && pass "tarball size < 1 MB per prebuild" || fail "tarball size"

# ---------------------------------------------------------------- helpers
# No compiler: cc/c++/g++/gcc/clang/make fail loudly, so a source build cannot succeed.
nocc="$tmp/nocc"
mkdir -p "$nocc"
for t in cc c++ g++ gcc clang clang++ make cmake; do
  printf '#!/bin/sh\necho "%s: disabled by test-package.sh (no compiler)" >&2\nexit 127\n' "$t" >"$nocc/$t"
  chmod +x "$nocc/$t"
done

# install_into DIR TARBALL: a fresh consumer project with only the tarball installed.
install_into() {
  local dir=$1 tgz=$2
  mkdir -p "$dir"
  printf '{ "name": "consumer", "version": "1.0.0", "private": true }\n' >"$dir/package.json"
  cp "$root/scripts/package-smoke.cjs" "$dir/package-smoke.cjs"  # require('nninit') resolves from the script's directory
  (cd "$dir" && PATH="$nocc:$PATH" npm_config_build_from_source=false \
    npm install "$tgz" --prefer-offline --no-audit --no-fund --foreground-scripts --loglevel=warn) >"$dir/install.log" 2>&1
}
smoke() { # smoke DIR [args...] -> JSON line on stdout
  local dir=$1; shift
  (cd "$dir" && node package-smoke.cjs "$@")
}
json() { node -p "const o = JSON.parse(process.argv[1]); $2" "$1"; }

# ---------------------------------------------------------------- 3. with prebuilds
a="$tmp/with-prebuilds"
if install_into "$a" "$tarball"; then pass "install with prebuilds, no compiler on PATH"; else
  tail -n 20 "$a/install.log"; fail "install with prebuilds, no compiler on PATH"; fi
loaded=$(cd "$a" && node -p "require('node-gyp-build').path(require('path').dirname(require.resolve('nninit/package.json')))" 2>&1)
if [[ "$loaded" == */node_modules/nninit/prebuilds/"$host"/*.node && ! -e "$a/node_modules/nninit/build" ]]; then
  pass "node-gyp-build picks the prebuild ($(basename "$loaded")), no source build ran"
else fail "prebuild lookup" "$loaded"; fi

native_out=$(smoke "$a" --expect-backend native --all-isas 2>"$a/smoke.err"); rc=$?
echo "  $(echo "$native_out" | cut -c1-200)"
host_hash=""
if [[ $rc -eq 0 ]]; then
  host_hash=$(json "$native_out" o.hash)
  pass "native backend from the prebuild: isa $(json "$native_out" o.isa), every ISA ($(json "$native_out" "o.available.join(', ')")) gives hash ${host_hash:0:16}, async = sync"
else cat "$a/smoke.err"; fail "native backend from the prebuild"; fi
[[ $(json "$native_out" o.warnings.length 2>/dev/null) == 0 ]] && pass "no warning with the native backend" || fail "warnings with the native backend"

cat >"$a/cjs.cjs" <<'EOF'
const n = require('nninit');
const crypto = require('node:crypto');
const w = n.xavierUniform([64, 32], { seed: 7 });
if (!(w instanceof Float32Array)) throw new Error('xavierUniform did not return a Float32Array');
console.log(n.backendInfo().name, crypto.createHash('sha256').update(Buffer.from(w.buffer)).digest('hex'));
EOF
cat >"$a/esm.mjs" <<'EOF'
import nninit, { xavierUniform, backendInfo } from 'nninit';
import * as ns from 'nninit';
import { createHash } from 'node:crypto';
if (nninit.xavierUniform !== xavierUniform || ns.backendInfo !== backendInfo) throw new Error('default and named exports differ');
const w = xavierUniform([64, 32], { seed: 7 });
console.log(backendInfo().name, createHash('sha256').update(Buffer.from(w.buffer)).digest('hex'));
EOF
cjs=$(cd "$a" && node cjs.cjs 2>&1); esm=$(cd "$a" && node esm.mjs 2>&1)
if [[ "$cjs" == native\ * && "$cjs" == "$esm" ]]; then pass "require('nninit') and import 'nninit' work and agree ($cjs)"; else
  fail "require/import" "cjs: $cjs / esm: $esm"; fi
# nninit/tfjs is exported; TF.js is an optional peer, so without it the subpath must fail
# with its own clear message (and the main entry must not need TF at all, checked above).
tfjs=$(cd "$a" && node -e "require.resolve('nninit/tfjs'); try { require('nninit/tfjs'); console.log('loaded') } catch (e) { console.log(e.message.split('\n')[0]) }" 2>&1)
[[ "$tfjs" == *"TensorFlow.js is not installed"* ]] && pass "nninit/tfjs resolves; without TensorFlow.js it says so: ${tfjs:0:100}..." || fail "nninit/tfjs" "$tfjs"
# Supply chain: what a user's install pulls in.
deps=$(cd "$a" && node -e '
  const fs = require("fs"), p = require("path");
  const names = fs.readdirSync("node_modules").filter((n) => !n.startsWith(".")).flatMap((n) =>
    n.startsWith("@") ? fs.readdirSync(p.join("node_modules", n)).map((m) => n + "/" + m) : [n]);
  console.log(names.sort().join(" "));')
[[ "$deps" == "nninit node-addon-api node-gyp-build" ]] && pass "installed packages: $deps (nothing else)" || fail "installed packages" "$deps"
bin=$(cd "$a" && ./node_modules/.bin/nninit --help 2>&1 | head -n1)
[[ "$bin" == Usage:* ]] && pass "bin: nninit --help" || fail "bin: nninit --help" "$bin"

# TypeScript consumers (CommonJS and ESM) type-check against the installed .d.ts files.
cat >"$a/consumer.ts" <<'EOF'
import { xavierUniform, fillNormal, backendInfo, type BackendInfo } from 'nninit';
const w: Float32Array = xavierUniform([3, 4], { seed: 1 });
const d: Float64Array = xavierUniform([3, 4], { seed: 1, dtype: 'float64' });
const n: Float64Array = fillNormal(new Float64Array(8), { seed: 2n, std: 0.5 });
const info: BackendInfo = backendInfo();
const isa: string = info.isa;
// @ts-expect-error: not a dtype
xavierUniform([3, 4], { dtype: 'float128' });
// @ts-expect-error: the return type follows dtype
const wrong: Float32Array = xavierUniform([3, 4], { dtype: 'float64' });
export { w, d, n, isa, wrong };
EOF
cat >"$a/consumer.mts" <<'EOF'
import nninit, { kaimingNormal } from 'nninit';
const k: Float32Array = kaimingNormal([8, 8], { seed: 3 });
const same: typeof kaimingNormal = nninit.kaimingNormal;
export { k, same };
EOF
cat >"$a/tsconfig.json" <<'EOF'
{
  "compilerOptions": {
    "strict": true, "noEmit": true, "module": "node16", "moduleResolution": "node16",
    "target": "es2022", "lib": ["es2022"], "types": [], "skipLibCheck": false
  },
  "files": ["consumer.ts", "consumer.mts"]
}
EOF
if (cd "$a" && node "$tsc" -p tsconfig.json) >"$a/tsc.log" 2>&1; then
  pass "TypeScript consumers (.ts and .mts, node16 resolution, strict) type-check against the installed types"
else cat "$a/tsc.log"; fail "TypeScript consumer type-check"; fi

# ---------------------------------------------------------------- 4. without prebuilds
b="$tmp/no-prebuilds"
mkdir -p "$tmp/repack"
tar -xzf "$tarball" -C "$tmp/repack"
rm -rf "$tmp/repack/package/prebuilds"
tarball_np="$tmp/nninit-noprebuilds.tgz"
tar -czf "$tarball_np" -C "$tmp/repack" package
if install_into "$b" "$tarball_np"; then pass "install without prebuilds, no compiler: succeeds"; else
  tail -n 20 "$b/install.log"; fail "install without prebuilds, no compiler"; fi
msgs=$(grep -c "nninit: no usable native addon" "$b/install.log" || true)
[[ "$msgs" == 1 ]] && pass "install prints one message: $(grep -o 'nninit: no usable native addon.*' "$b/install.log" | cut -c1-160)..." \
  || { tail -n 20 "$b/install.log"; fail "install message" "$msgs messages"; }
rm -f $(grep -o '/[^ ]*nninit-build-[0-9]*\.log' "$b/install.log" | sort -u) 2>/dev/null
[[ ! -e "$b/node_modules/nninit/build/Release/nninit.node" ]] && pass "no addon was built (no compiler)" || fail "an addon was built without a compiler"
# served NAME JSON STATUS: the smoke run succeeded, its hash is the native prebuild's, and it
# printed exactly one warning.
served() {
  local name=$1 out=$2 st=$3
  echo "  $(echo "$out" | cut -c1-300)"
  if [[ $st -eq 0 && -n "$host_hash" && $(json "$out" o.hash) == "$host_hash" ]]; then
    pass "$name serves ($(json "$out" o.reason | cut -c1-120)); hash equals the native prebuild's"
  else cat "$b/smoke.err"; fail "$name" "hash $(json "$out" o.hash 2>/dev/null) vs $host_hash"; fi
  [[ $(json "$out" o.warnings.length 2>/dev/null) == 1 ]] && pass "$name: exactly one warning at run time: $(json "$out" o.warnings[0] | cut -c1-140)" \
    || fail "$name: run-time warnings" "$(json "$out" 'JSON.stringify(o.warnings)' 2>/dev/null)"
}
wasm_out=$(smoke "$b" --expect-backend wasm 2>"$b/smoke.err"); rc=$?
served "WebAssembly backend (no prebuild, no compiler)" "$wasm_out" $rc
# The browser entry from the tarball (it runs in Node too: no Node built-in, wasm inlined).
browser=$(cd "$b" && node --input-type=module -e "
  import { ready, xavierUniform } from 'nninit/browser';
  import { createHash } from 'node:crypto';
  const info = await ready();
  const w = xavierUniform([64, 32], { seed: 7 });
  console.log(info.name, createHash('sha256').update(Buffer.from(w.buffer)).digest('hex'));" 2>&1)
node_w=$(cd "$b" && node -e "
  const w = require('nninit').xavierUniform([64, 32], { seed: 7 });
  console.log(require('node:crypto').createHash('sha256').update(Buffer.from(w.buffer)).digest('hex'));" 2>/dev/null)
[[ "$browser" == "wasm $node_w" ]] && pass "nninit/browser from the tarball: await ready() gives wasm, same values ($browser)" \
  || fail "nninit/browser from the tarball" "$browser vs $node_w"
# Without the .wasm as well (a damaged install): TypeScript serves, same bytes, one warning.
rm -f "$b/node_modules/nninit/native/wasm/nninit.wasm"
js_out=$(smoke "$b" --expect-backend js 2>"$b/smoke.err"); rc=$?
served "TypeScript backend (no prebuild, no .wasm)" "$js_out" $rc
forced=$(cd "$b" && NNINIT_BACKEND=wasm node -e "require('nninit')" 2>&1); rc=$?
[[ $rc -ne 0 && "$forced" == *"NNINIT_BACKEND=wasm but the WebAssembly module could not be loaded"*"is missing"* ]] \
  && pass "without the .wasm, NNINIT_BACKEND=wasm is a clear error" || fail "NNINIT_BACKEND=wasm without the .wasm" "$forced"

# ---------------------------------------------------------------- 5. older CPUs under qemu
for spec in qemu64:sse2 Nehalem:sse2 Haswell:avx2; do
  cpu=${spec%%:*} isa=${spec##*:}
  if ! command -v qemu-x86_64 >/dev/null 2>&1; then fail "qemu -cpu $cpu" "qemu-x86_64 not installed (apt-get install qemu-user)"; continue; fi
  if [[ "$host" != linux-x64 ]]; then echo "SKIP qemu -cpu $cpu (host is $host)"; continue; fi
  out=$(cd "$a" && qemu-x86_64 -cpu "$cpu" "$node_bin" package-smoke.cjs --expect-backend native --expect-isa "$isa" 2>"$a/qemu-$cpu.err"); rc=$?
  echo "  $(echo "$out" | cut -c1-200)"
  if [[ $rc -eq 0 && -n "$host_hash" && $(json "$out" o.hash) == "$host_hash" ]]; then
    pass "qemu -cpu $cpu: prebuild loads, isa $isa (available: $(json "$out" "o.available.join(', ')")), output equals the host's"
  else tail -n 5 "$a/qemu-$cpu.err"; fail "qemu -cpu $cpu" "rc $rc, isa $(json "$out" o.isa 2>/dev/null)"; fi
done

finish
