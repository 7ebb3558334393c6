#!/usr/bin/env bash
# Cross-domain benchmark: the RBAC bench cluster (50,000 service accounts,
# 20,000 pods) joined with the 5,000-role account: 2,000 IRSA service
# accounts, 500 Pod Identity associations, a default-deny and a
# same-namespace NetworkPolicy per namespace, an aws-auth ConfigMap. Reports the whole scan (graph and every
# path rule included), the phases that build and read the access graph (the
# first rule that reads it pays for it, see --timings), and one `paths`
# query, with peak RSS.
source "$(dirname "$0")/common.sh"
OUT=${OUT:-bench/out/cross}
mkdir -p "$OUT"
[ -f "$OUT/gen/cluster.json" ] || python3 bench/gen_cluster.py "$OUT/gen" --formats json > /dev/null
[ -f "$OUT/account-5k.json" ] || python3 bench/gen_iam.py "$OUT/account-5k.json" --roles 5000 --users 500
[ -f "$OUT/in/cluster.json" ] || python3 bench/gen_cross.py "$OUT/gen/cluster.json" "$OUT/account-5k.json" "$OUT/in"
M "cross-domain scan" -- $G scan "$OUT/in" --format json -o /dev/null --fail-on none
$G scan "$OUT/in" --format json -o /dev/null --fail-on none --timings 2> "$OUT/scan.err" || true
grep -E "access graph|rule path-|rule iam-irsa|rule k8s-container" "$OUT/scan.err" || true
SA=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sa=[o for o in d['items'] if o['kind']=='ServiceAccount' and 'annotations' in o['metadata']][0]['metadata']; print('system:serviceaccount:%s:%s' % (sa['namespace'], sa['name']))" "$OUT/in/cluster.json")
M "paths --from (an IRSA service account) --to aws-admin, load included" --stdout "$OUT/paths.json" -- \
  $G paths --from "$SA" --to aws-admin "$OUT/in" --format json
# paths --requests: one load, then each query on the built graph. The
# difference between 1,000 queries and one, divided by 999, is the cost of a
# query once loaded (target: under 100 ms).
python3 - "$OUT/in/cluster.json" "$OUT/paths-1.jsonl" "$OUT/paths-1k.jsonl" <<'PY'
import json, random, sys
d = json.load(open(sys.argv[1]))
sas = ["system:serviceaccount:%s:%s" % (o["metadata"]["namespace"], o["metadata"]["name"])
       for o in d["items"] if o["kind"] == "ServiceAccount"]
rng = random.Random(5)
lines = [json.dumps({"from": rng.choice(sas), "to": rng.choice(["aws-admin", "cluster-admin"])}) for _ in range(1000)]
open(sys.argv[2], "w").write(lines[0] + "\n")
open(sys.argv[3], "w").write("\n".join(lines) + "\n")
PY
M "paths --requests, 1 query" --stdout "$OUT/paths-1.out" -- $G paths --requests "$OUT/paths-1.jsonl" "$OUT/in"
M "paths --requests, 1,000 queries" --stdout "$OUT/paths-1k.out" -- $G paths --requests "$OUT/paths-1k.jsonl" "$OUT/in"
python3 -c "import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; print('paths answers:', len(r), 'with a path:', sum(1 for x in r if x.get('paths')), 'errors:', sum(1 for x in r if 'error' in x))" "$OUT/paths-1k.out"
