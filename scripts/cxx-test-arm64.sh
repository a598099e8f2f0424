#!/usr/bin/env bash
# Cross-compiles the standalone C++ kernel test (native/test/kernels_test.cc + native/src
# without the N-API glue) for aarch64 and runs it under qemu-aarch64: the NEON kernels must
# equal the scalar reference byte for byte and reproduce the Random123 known answers.
#   bash scripts/cxx-test-arm64.sh [--sanitize]     (Debian: g++-aarch64-linux-gnu qemu-user)
# Building and running the arm64 *addon* needs an arm64 node binary, which is not available
# offline; the release workflow does that on a native arm64 runner.
set -euo pipefail
cd "$(dirname "$0")/.."

CXX="${CXX_AARCH64:-aarch64-linux-gnu-g++}"
QEMU="${QEMU_AARCH64:-qemu-aarch64}"
SYSROOT="${AARCH64_SYSROOT:-/usr/aarch64-linux-gnu}"
for tool in "$CXX" "$QEMU"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "cxx-test-arm64: $tool not found (apt-get install g++-aarch64-linux-gnu qemu-user)" >&2; exit 1; }
done

out="build/cxx-test-arm64"
mkdir -p "$out"
# The flags binding.gyp uses for the addon: no -march (NEON is the AArch64 baseline), no FMA
# contraction.
common=(-std=c++17 -pthread -ffp-contract=off -fno-exceptions -Wall -Wextra -Werror -Inative/include)
# The Node-free sources of the one list (native/src/sources.json).
read -r -a srcs <<<"$(node -p "require('./native/src/sources.json').core.join(' ')")"

opt=(-O2)
bin="$out/kernels_test"
qr_bin="$out/qr_test"
if [[ "${1:-}" == "--sanitize" ]]; then
  shift
  opt=(-O1 -g -fno-omit-frame-pointer -fsanitize=undefined -fno-sanitize-recover=all)
  bin="$out/kernels_test_ubsan"
  qr_bin="$out/qr_test_ubsan"
fi
echo "cxx-test-arm64: $CXX ${opt[*]} (${#srcs[@]} sources)"
"$CXX" "${common[@]}" "${opt[@]}" "${srcs[@]}" native/test/kernels_test.cc -o "$bin"
if command -v file >/dev/null 2>&1; then
  file "$bin" | grep -q "ARM aarch64" || { echo "cxx-test-arm64: $bin is not an aarch64 binary" >&2; exit 1; }
fi
log="$out/kernels_test.log"
"$QEMU" -L "$SYSROOT" "$bin" test/fixtures/kat_vectors.txt "$@" | tee "$log"
# The test must have run the NEON kernels, not only scalar.
grep -q "available ISAs:.*neon" "$log" || { echo "cxx-test-arm64: NEON was not among the tested ISAs" >&2; exit 1; }
# The QR (native/test/qr_test.cc): the NEON column kernel against the reference.
"$CXX" "${common[@]}" "${opt[@]}" "${srcs[@]}" native/test/qr_test.cc -o "$qr_bin"
"$QEMU" -L "$SYSROOT" "$qr_bin" --quick | tee "$out/qr_test.log"
grep -q "available ISAs:.*neon" "$out/qr_test.log" || { echo "cxx-test-arm64: NEON was not among the QR's tested ISAs" >&2; exit 1; }
