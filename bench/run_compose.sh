#!/usr/bin/env bash
# Compose/Swarm benchmark: a generated 500-service stack (bench/gen_compose.py;
# SERVICES overrides the size) through `net matrix` (every pair), one
# `net reach` (end to end, 11 runs), `net encryption` and `scan`.
# Reports wall time and peak RSS.
source "$(dirname "$0")/common.sh"
SERVICES=${SERVICES:-500}
OUT=${OUT:-bench/out/compose-$SERVICES}
[ -f "$OUT/stack.yml" ] || python3 bench/gen_compose.py "$OUT" "$SERVICES"
M "net matrix, $SERVICES services" -- $G net matrix "$OUT" -o "$OUT/matrix.txt"
echo "matrix lines: $(wc -l < "$OUT/matrix.txt")"
M "net reach, $SERVICES services, end to end" --runs 11 -- $G net reach --from bigstack/svc0010 --to bigstack/svc0011 --port 80 "$OUT"
M "net encryption, $SERVICES services" -- $G net encryption "$OUT" -o "$OUT/encryption.txt"
M "scan, $SERVICES services" -- $G scan "$OUT" --format json -o "$OUT/scan.json" --fail-on none
