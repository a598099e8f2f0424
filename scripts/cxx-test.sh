#!/usr/bin/env bash
# Builds and runs the standalone C++ kernel test (no Node).
#   bash scripts/cxx-test.sh              -O2 build, run
#   bash scripts/cxx-test.sh --sanitize   ASan + UBSan build, run
#   bash scripts/cxx-test.sh --tsan       ThreadSanitizer build, run (the thread pool)
#   bash scripts/cxx-test.sh --bench      -O3 benchmark (ns/element per kernel per ISA)
#   bash scripts/cxx-test.sh --qr-bench M N THREADS [REPS [ISA]]   the native QR alone
# Extra arguments after the mode go to the binary (the benchmark takes: log2(n) runs).
set -euo pipefail
cd "$(dirname "$0")/.."

CXX="${CXX:-g++}"
mode="test"
case "${1:-}" in
  --sanitize) mode="sanitize"; shift ;;
  --tsan) mode="tsan"; shift ;;
  --bench) mode="bench"; shift ;;
  --qr-bench) mode="qr-bench"; shift ;;
  "") ;;
  *) echo "usage: $0 [--sanitize|--tsan|--bench|--qr-bench] [args...]" >&2; exit 2 ;;
esac

out="build/cxx-test"
mkdir -p "$out"
# The same flags binding.gyp uses for the addon (no -march: ISAs come from target pragmas).
common=(-std=c++17 -pthread -ffp-contract=off -fno-exceptions -Wall -Wextra -Werror -Inative/include)
# The Node-free sources of the one list (native/src/sources.json), which the addon also builds.
read -r -a srcs <<<"$(node -p "require('./native/src/sources.json').core.join(' ')")"

case "$mode" in
  test)
    "$CXX" "${common[@]}" -O2 "${srcs[@]}" native/test/kernels_test.cc -o "$out/kernels_test"
    "$out/kernels_test" test/fixtures/kat_vectors.txt "$@"
    "$CXX" "${common[@]}" -O2 "${srcs[@]}" native/test/qr_test.cc -o "$out/qr_test"
    "$out/qr_test"
    ;;
  sanitize)
    "$CXX" "${common[@]}" -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
      -fno-sanitize-recover=all "${srcs[@]}" native/test/kernels_test.cc -o "$out/kernels_test_san"
    "$out/kernels_test_san" test/fixtures/kat_vectors.txt "$@"
    "$CXX" "${common[@]}" -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
      -fno-sanitize-recover=all "${srcs[@]}" native/test/qr_test.cc -o "$out/qr_test_san"
    "$out/qr_test_san" --quick
    ;;
  tsan)
    "$CXX" "${common[@]}" -O1 -g -fsanitize=thread "${srcs[@]}" native/test/kernels_test.cc \
      -o "$out/kernels_test_tsan"
    TSAN_OPTIONS="halt_on_error=1 ${TSAN_OPTIONS:-}" "$out/kernels_test_tsan" test/fixtures/kat_vectors.txt "$@"
    "$CXX" "${common[@]}" -O1 -g -fsanitize=thread "${srcs[@]}" native/test/qr_test.cc \
      -o "$out/qr_test_tsan"
    TSAN_OPTIONS="halt_on_error=1 ${TSAN_OPTIONS:-}" "$out/qr_test_tsan" --quick
    ;;
  bench)
    "$CXX" "${common[@]}" -O3 "${srcs[@]}" native/test/kernels_bench.cc -o "$out/kernels_bench"
    "$out/kernels_bench" "$@"
    ;;
  qr-bench)
    "$CXX" "${common[@]}" -O3 "${srcs[@]}" native/test/qr_bench.cc -o "$out/qr_bench"
    "$out/qr_bench" "$@"
    ;;
esac
