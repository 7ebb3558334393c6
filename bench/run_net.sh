#!/usr/bin/env bash
# Network engine benchmark: a 5,000-pod cluster (200 namespaces, 2,000
# policies) with the full matrix and one reach query, and a 100,000-pod
# cluster (1,000 namespaces, 10,000 policies) with the full connectivity as
# equivalence classes. Reports wall time and peak RSS of the CLI end to end.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/out/net}
mkdir -p "$OUT"
cmake --build build --target grantpath -j"$(nproc)" > /dev/null
[ -f "$OUT/net-5k.json" ] || /usr/bin/python3 bench/gen_netpol.py "$OUT/net-5k.json" --pods 5000 --namespaces 200 --policies 2000 --replicas 1
[ -f "$OUT/net-100k.json" ] || /usr/bin/python3 bench/gen_netpol.py "$OUT/net-100k.json" --pods 100000 --namespaces 1000 --policies 10000 --replicas 5
G=./build/analyzer/cli/grantpath
/usr/bin/time -f "5k: net matrix (full, txt): %e s wall, peak RSS %M KB" $G net matrix "$OUT/net-5k.json" -o "$OUT/matrix-5k.txt"
echo "5k: $(wc -l < "$OUT/matrix-5k.txt") matrix lines"
/usr/bin/time -f "5k: net reach: %e s wall, peak RSS %M KB" $G net reach --from ns-0001/app-00001 --to ns-0002/app-00002 "$OUT/net-5k.json" > /dev/null
/usr/bin/time -f "5k: scan (all rules): %e s wall, peak RSS %M KB" $G scan "$OUT/net-5k.json" -o /dev/null --fail-on none --timings 2> "$OUT/scan-5k.timings" || true
tail -1 "$OUT/scan-5k.timings"
/usr/bin/time -f "100k: net matrix --by-class: %e s wall, peak RSS %M KB" $G net matrix --by-class "$OUT/net-100k.json" -o "$OUT/classes-100k.txt"
echo "100k: $(grep -c '^class [0-9]* (' "$OUT/classes-100k.txt") classes, $(grep -c '=>' "$OUT/classes-100k.txt") class pairs connected"
