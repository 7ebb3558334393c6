#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in build-fuzz/, every library of
# the project instrumented for coverage (-fsanitize=fuzzer-no-link) and for
# ASan + UBSan, then runs TARGET (loader, json, iam_policy, compose or cni_policy; default
# loader) for SECONDS (default 60) on its seed corpus tests/fuzz/corpus*.
# New inputs go to build-fuzz/corpus-TARGET, never into the repository.
# Usage: scripts/fuzz.sh [TARGET] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${1:-loader}
SECONDS_TO_RUN=${2:-60}
case "$TARGET" in
  loader) SEEDS=tests/fuzz/corpus ;;
  json) SEEDS=tests/fuzz/corpus-json ;;
  iam_policy) SEEDS=tests/fuzz/corpus-iam ;;
  compose) SEEDS=tests/fuzz/corpus-compose ;;
  cni_policy) SEEDS=tests/fuzz/corpus-cni ;;
  *) echo "fuzz: unknown target '$TARGET' (loader, json, iam_policy, compose, cni_policy)"; exit 2 ;;
esac
command -v clang++ > /dev/null || { echo "fuzz: clang++ is not installed (apt-get install clang)"; exit 2; }
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DGRANTPATH_BUILD_FUZZ=ON -DGRANTPATH_BUILD_TESTS=OFF -DGRANTPATH_BUILD_BENCH=OFF \
  -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer" \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer" > /dev/null
cmake --build build-fuzz --target "grantpath_${TARGET}_fuzz" -j"$(nproc)"
mkdir -p "build-fuzz/corpus-$TARGET"
# A known 4 KiB leak inside libfyaml itself (tests/fuzz/lsan.supp) would stop every run.
export LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
./build-fuzz/tests/fuzz/grantpath_"${TARGET}"_fuzz "build-fuzz/corpus-$TARGET" "$SEEDS" \
  -max_total_time="$SECONDS_TO_RUN" -max_len=65536 -timeout=10 -rss_limit_mb=4096 \
  -artifact_prefix="build-fuzz/$TARGET-" -print_final_stats=1
