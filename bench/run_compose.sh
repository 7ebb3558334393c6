#!/usr/bin/env bash
# Compose/Swarm benchmark: a generated 500-service stack (bench/gen_compose.py;
# SERVICES overrides the size) through `net matrix` (every pair), one
# `net reach` (median of 11, end to end), `net encryption` and `scan`.
# Reports wall time and peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
SERVICES=${SERVICES:-500}
OUT=${OUT:-bench/out/compose-$SERVICES}
cmake --build build --target grantpath -j"$(nproc)" > /dev/null
[ -f "$OUT/stack.yml" ] || python3 bench/gen_compose.py "$OUT" "$SERVICES"
G=./build/analyzer/cli/grantpath
/usr/bin/time -f "net matrix, $SERVICES services: %e s wall, peak RSS %M KB" \
  $G net matrix "$OUT" -o "$OUT/matrix.txt" 2> "$OUT/matrix.err"
grep wall "$OUT/matrix.err"
echo "matrix lines: $(wc -l < "$OUT/matrix.txt")"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for i in $(seq 11); do
  s=$(date +%s%N)
  $G net reach --from bigstack/svc0010 --to bigstack/svc0011 --port 80 "$OUT" > /dev/null 2>&1 || true
  echo $(( ($(date +%s%N) - s) / 1000 ))
done | median | awk '{printf "net reach end to end: median %.1f ms\n", $1/1000}'
/usr/bin/time -f "net encryption: %e s wall, peak RSS %M KB" \
  $G net encryption "$OUT" -o "$OUT/encryption.txt" 2> "$OUT/encryption.err"
grep wall "$OUT/encryption.err"
/usr/bin/time -f "scan: %e s wall, peak RSS %M KB" \
  $G scan "$OUT" --format json -o "$OUT/scan.json" --fail-on none 2> "$OUT/scan.err" || true
grep wall "$OUT/scan.err"
