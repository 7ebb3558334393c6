#!/usr/bin/env bash
# Builds the loader fuzzer with clang (ASan + UBSan + libFuzzer) in
# build-fuzz/ and runs it for SECONDS (default 60) on tests/fuzz/corpus.
# New inputs go to build-fuzz/corpus, never into the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN=${1:-60}
command -v clang++ > /dev/null || { echo "fuzz: clang++ is not installed (apt-get install clang)"; exit 2; }
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DGRANTPATH_BUILD_FUZZ=ON -DGRANTPATH_BUILD_TESTS=OFF -DGRANTPATH_BUILD_BENCH=OFF \
  -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer" > /dev/null
cmake --build build-fuzz --target grantpath_loader_fuzz -j"$(nproc)"
mkdir -p build-fuzz/corpus
./build-fuzz/tests/fuzz/grantpath_loader_fuzz build-fuzz/corpus tests/fuzz/corpus \
  -max_total_time="$SECONDS_TO_RUN" -max_len=65536 -timeout=10 -rss_limit_mb=4096 \
  -artifact_prefix=build-fuzz/
