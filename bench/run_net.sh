#!/usr/bin/env bash
# Network engine benchmark: a 5,000-pod cluster (200 namespaces, 2,000
# policies) with the full matrix, scan and reach queries, and 100,000-pod
# clusters (1,000 namespaces, 10,000 policies) with the full connectivity as
# equivalence classes: once as 20,000 Deployments of 5 replicas, once as
# 100,000 running Pod objects (the `kubectl get pods` shape), once as
# 100,000 single-replica Deployments (100,000 distinct endpoints: the dense
# shape). Wall time and peak RSS of the CLI end to end; reach over 21 runs.
source "$(dirname "$0")/net_common.sh"
gen net-5k.json --pods 5000 --namespaces 200 --policies 2000 --replicas 1
gen net-5k-multinet.json --pods 5000 --namespaces 200 --policies 2000 --replicas 1 --udns 20 --nads 50
gen net-100k.json --pods 100000 --namespaces 1000 --policies 10000 --replicas 5
gen net-100k-pods.json --pods 100000 --namespaces 1000 --policies 10000 --replicas 5 --as-pods
gen net-100k-r1.json --pods 100000 --namespaces 1000 --policies 10000 --replicas 1
M "5k pods: net matrix (full, txt)" -- $G net matrix "$OUT/net-5k.json" -o "$OUT/matrix-5k.txt"
echo "5k: $(wc -l < "$OUT/matrix-5k.txt") matrix lines"
M "5k pods, 20 UDNs, 50 NADs: net matrix (per network)" -- $G net matrix "$OUT/net-5k-multinet.json" -o "$OUT/matrix-5k-multinet.txt"
echo "5k multinet: $(grep -c '=>' "$OUT/matrix-5k-multinet.txt") matrix lines, $(grep -c '^Permitted' "$OUT/matrix-5k-multinet.txt") networks"
M "5k pods: net reach, end to end" --runs 21 -- $G net reach --from ns-0001/app-00001 --to ns-0002/app-00002 "$OUT/net-5k.json"
M "5k pods: scan (all rules)" -- $G scan "$OUT/net-5k.json" -o /dev/null --fail-on none
for c in net-100k net-100k-pods net-100k-r1; do
  M "$c: net matrix --by-class" -- $G net matrix --by-class "$OUT/$c.json" -o "$OUT/classes-$c.txt"
  echo "$c: $(tail -1 "$OUT/classes-$c.txt" | sed 's/^# //'), $(grep -c '=>' "$OUT/classes-$c.txt") lines"
done
M "net-100k: net reach, end to end" --runs 11 -- $G net reach --from ns-0001/app-00001 --to ns-0002/app-00002 "$OUT/net-100k.json"
M "net-100k: scan (all rules)" -- $G scan "$OUT/net-100k.json" -o /dev/null --fail-on none
