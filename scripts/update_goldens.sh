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
# grantpath net on the demo (tests/e2e/net_queries_test.cc)
G=tests/fixtures/net-e2e
B=./build/analyzer/cli/grantpath
for fmt in txt csv dot; do $B net matrix examples/demo-cluster --format $fmt > $G/matrix.$fmt; done
$B net matrix --by-class examples/demo-cluster > $G/classes.txt
$B net matrix $G/variants > $G/variants.txt
$B net reach --from ci/nightly-deploy --to shop/deployment/cart --port 8081 --format json examples/demo-cluster > $G/reach.json
$B net intents examples/intents.yaml examples/demo-cluster --format json > $G/intents.json || true
$B net intents examples/intents.yaml examples/demo-cluster --format sarif > $G/intents.sarif || true
echo "updated $G"
