#!/usr/bin/env bash
# Loader baseline: generates a ~100 MB cluster dump (multi-document YAML and
# the same objects as a `kubectl get -o json` List) and reports the loader's
# throughput and peak RSS for each, each file in its own process.
source "$(dirname "$0")/common.sh"
OUT=${OUT:-bench/out/loader}
cmake --build build --target grantpath_loader_bench -j"$(nproc)" > /dev/null
if [ ! -f "$OUT/cluster.yaml" ]; then
  /usr/bin/python3 bench/gen_cluster.py "$OUT" --namespaces 200 --pods 20000 \
    --service-accounts 50000 --roles 5000 --bindings 20000
fi
for f in "$OUT/cluster.yaml" "$OUT/cluster.json"; do
  M "load $(basename "$f") (libfyaml / JSON reader)" --stdout "$OUT/load-$(basename "$f").txt" -- ./build/bench/grantpath_loader_bench "$f"
  cat "$OUT/load-$(basename "$f").txt"
done
# The alternative YAML backend, for comparison.
M "load cluster.yaml (yaml-cpp)" --stdout "$OUT/load-yaml-cpp.txt" -- ./build/bench/grantpath_loader_bench --yaml-cpp "$OUT/cluster.yaml"
cat "$OUT/load-yaml-cpp.txt"
