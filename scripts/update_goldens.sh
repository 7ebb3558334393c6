#!/usr/bin/env bash
# Rewrites the expected outputs of tests/e2e/<case>/ from the current build.
# Run it on purpose only, and review the diff.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build --target grantpath -j"$(nproc)"
for dir in tests/e2e/*/; do
  args=$(cat "$dir/args")
  for fmt in text json sarif; do
    ext=$fmt; [ "$fmt" = text ] && ext=txt
    # shellcheck disable=SC2086
    ./build/analyzer/cli/grantpath $args --format "$fmt" --fail-on none > "$dir/expected.$ext" 2>/dev/null
  done
  echo "updated $dir"
done
