#!/usr/bin/env bash
# Loader baseline: generates a ~100 MB cluster dump (multi-document YAML and
# the same objects as a `kubectl get -o json` List) and reports the loader's
# throughput and peak RSS for each, each file in its own process.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/out/loader}
cmake --build build --target grantpath_loader_bench -j"$(nproc)" > /dev/null
if [ ! -f "$OUT/cluster.yaml" ]; then
  /usr/bin/python3 bench/gen_cluster.py "$OUT" --namespaces 200 --pods 20000 \
    --service-accounts 50000 --roles 5000 --bindings 20000
fi
for f in "$OUT/cluster.yaml" "$OUT/cluster.json"; do
  ./build/bench/grantpath_loader_bench "$f"
done
# The alternative YAML backend, for comparison.
./build/bench/grantpath_loader_bench --yaml-cpp "$OUT/cluster.yaml"
