#!/usr/bin/env bash
# Network engine benchmark: a 5,000-pod cluster (200 namespaces, 2,000
# policies) with the full matrix, scan and reach queries, and 100,000-pod
# clusters (1,000 namespaces, 10,000 policies) with the full connectivity as
# equivalence classes: once as 20,000 Deployments of 5 replicas, once as
# 100,000 running Pod objects (the `kubectl get pods` shape), once as
# 100,000 single-replica Deployments (100,000 distinct endpoints).
# Reports wall time and peak RSS of the CLI end to end; reach is the median
# of 21 runs.
source "$(dirname "$0")/net_common.sh"
gen net-5k.json --pods 5000 --namespaces 200 --policies 2000 --replicas 1
gen net-5k-multinet.json --pods 5000 --namespaces 200 --policies 2000 --replicas 1 --udns 20 --nads 50
gen net-100k.json --pods 100000 --namespaces 1000 --policies 10000 --replicas 5
gen net-100k-pods.json --pods 100000 --namespaces 1000 --policies 10000 --replicas 5 --as-pods
gen net-100k-r1.json --pods 100000 --namespaces 1000 --policies 10000 --replicas 1
G=./build/analyzer/cli/grantpath
/usr/bin/time -f "5k: net matrix (full, txt): %e s wall, peak RSS %M KB" $G net matrix "$OUT/net-5k.json" -o "$OUT/matrix-5k.txt"
echo "5k: $(wc -l < "$OUT/matrix-5k.txt") matrix lines"
/usr/bin/time -f "5k with 20 UDNs and 50 NADs: net matrix (per network): %e s wall, peak RSS %M KB" $G net matrix "$OUT/net-5k-multinet.json" -o "$OUT/matrix-5k-multinet.txt"
echo "5k multinet: $(grep -c '=>' "$OUT/matrix-5k-multinet.txt") matrix lines, $(grep -c '^Permitted' "$OUT/matrix-5k-multinet.txt") networks"
/usr/bin/time -f "5k: net reach: %e s wall, peak RSS %M KB" $G net reach --from ns-0001/app-00001 --to ns-0002/app-00002 "$OUT/net-5k.json" > /dev/null
/usr/bin/python3 bench/reach_median.py "$G" "$OUT/net-5k.json" "5k"
/usr/bin/time -f "5k: scan (all rules): %e s wall, peak RSS %M KB" $G scan "$OUT/net-5k.json" -o /dev/null --fail-on none --timings 2> "$OUT/scan-5k.timings" || true
tail -1 "$OUT/scan-5k.timings"
for c in net-100k net-100k-pods net-100k-r1; do
  /usr/bin/time -f "$c: net matrix --by-class: %e s wall, peak RSS %M KB" $G net matrix --by-class "$OUT/$c.json" -o "$OUT/classes-$c.txt"
  echo "$c: $(tail -1 "$OUT/classes-$c.txt" | sed 's/^# //'), $(grep -c '=>' "$OUT/classes-$c.txt") lines"
done
/usr/bin/time -f "net-100k: net reach: %e s wall, peak RSS %M KB" $G net reach --from ns-0001/app-00001 --to ns-0002/app-00002 "$OUT/net-100k.json" > /dev/null
/usr/bin/time -f "net-100k: scan (all rules): %e s wall, peak RSS %M KB" $G scan "$OUT/net-100k.json" -o /dev/null --fail-on none
