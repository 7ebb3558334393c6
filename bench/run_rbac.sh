#!/usr/bin/env bash
# RBAC benchmark: a cluster of 5,000 Roles/ClusterRoles, 20,000 bindings,
# 50,000 service accounts and 20,000 pods (the loader's cluster), scanned end
# to end by the CLI, plus the engine alone with repeated who-can and can-i
# queries.
source "$(dirname "$0")/common.sh"
OUT=${OUT:-bench/out/loader}
cmake --build build --target grantpath_rbac_bench -j"$(nproc)" > /dev/null
if [ ! -f "$OUT/cluster.json" ]; then
  /usr/bin/python3 bench/gen_cluster.py "$OUT" --namespaces 200 --pods 20000 \
    --service-accounts 50000 --roles 5000 --bindings 20000
fi
for f in "$OUT/cluster.json" "$OUT/cluster.yaml"; do
  M "scan $(basename "$f") (dump)" -- $G scan "$f" -o /dev/null --fail-on none
  M "k8s who-can get secrets, end to end, $(basename "$f")" -- $G k8s who-can get secrets -n team-007 "$f"
done
./build/bench/grantpath_rbac_bench "$OUT/cluster.json" 50
# The same cluster as a repository of manifests (multi-document YAML).
MAN=${MAN:-bench/out/manifests}
if [ ! -f "$MAN/cluster.yaml" ]; then
  /usr/bin/python3 bench/gen_cluster.py "$MAN" --namespaces 200 --pods 20000 \
    --service-accounts 50000 --roles 5000 --bindings 20000 --formats yaml --style manifests
fi
M "scan cluster.yaml (manifests)" -- $G scan "$MAN/cluster.yaml" -o /dev/null --fail-on none
