#!/usr/bin/env bash
# diff benchmark: a generated cluster of 20,000 pods (6,666 workloads, 2,000
# NetworkPolicies) against itself without 5 of its policies. Past
# --net-pod-limit (2,000) connections are compared between joint classes.
# Reports wall time and peak RSS.
source "$(dirname "$0")/common.sh"
OUT=${OUT:-bench/out/diff}
mkdir -p "$OUT/base" "$OUT/head"
[ -f "$OUT/base/c.json" ] || python3 bench/gen_netpol.py "$OUT/base/c.json" --pods 20000 --namespaces 200 --policies 2000
python3 - "$OUT/base/c.json" "$OUT/head/c.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
dropped, items = 0, []
for it in d["items"]:
    if it["kind"] == "NetworkPolicy" and dropped < 5:
        dropped += 1
        continue
    items.append(it)
d["items"] = items
json.dump(d, open(sys.argv[2], "w"))
PY
M "diff, 20,000 pods, 5 policies removed" -- $G diff "$OUT/base" "$OUT/head" --format json -o "$OUT/diff.json" --fail-on none
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d['summary']); print(d['notes'][0])" "$OUT/diff.json"
