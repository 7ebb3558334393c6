#!/usr/bin/env bash
# Network engine benchmark: a 5,000-pod cluster (200 namespaces, 2,000
# policies) with the full matrix, scan and reach queries, and 100,000-pod
# clusters (1,000 namespaces, 10,000 policies) with the full connectivity as
# equivalence classes: once as 20,000 Deployments of 5 replicas, once as
# 100,000 running Pod objects (the `kubectl get pods` shape), once as
# 100,000 single-replica Deployments (100,000 distinct endpoints).
# Reports wall time and peak RSS of the CLI end to end; reach is the median
# of 21 runs.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/out/net}
mkdir -p "$OUT"
cmake --build build --target grantpath -j"$(nproc)" > /dev/null
gen() { [ -f "$OUT/$1" ] || /usr/bin/python3 bench/gen_netpol.py "$OUT/$1" "${@:2}"; }
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
/usr/bin/python3 - "$G" "$OUT/net-5k.json" <<'PY'
import statistics, subprocess, sys, time
g, inp = sys.argv[1], sys.argv[2]
runs = []
for _ in range(21):
    t = time.perf_counter()
    subprocess.run([g, "net", "reach", "--from", "ns-0001/app-00001", "--to", "ns-0002/app-00002", inp],
                   stdout=subprocess.DEVNULL, check=True)
    runs.append(time.perf_counter() - t)
print("5k: net reach end to end: median of 21 %.1f ms (min %.1f, max %.1f)" %
      (statistics.median(runs) * 1e3, min(runs) * 1e3, max(runs) * 1e3))
PY
/usr/bin/time -f "5k: scan (all rules): %e s wall, peak RSS %M KB" $G scan "$OUT/net-5k.json" -o /dev/null --fail-on none --timings 2> "$OUT/scan-5k.timings" || true
tail -1 "$OUT/scan-5k.timings"
for c in net-100k net-100k-pods net-100k-r1; do
  /usr/bin/time -f "$c: net matrix --by-class: %e s wall, peak RSS %M KB" $G net matrix --by-class "$OUT/$c.json" -o "$OUT/classes-$c.txt"
  echo "$c: $(tail -1 "$OUT/classes-$c.txt" | sed 's/^# //'), $(grep -c '=>' "$OUT/classes-$c.txt") lines"
done
/usr/bin/time -f "net-100k: net reach: %e s wall, peak RSS %M KB" $G net reach --from ns-0001/app-00001 --to ns-0002/app-00002 "$OUT/net-100k.json" > /dev/null
/usr/bin/time -f "net-100k: scan (all rules): %e s wall, peak RSS %M KB" $G scan "$OUT/net-100k.json" -o /dev/null --fail-on none
