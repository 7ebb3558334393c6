#!/usr/bin/env bash
# IAM engine benchmark: the 1,388 AWS managed policies through every IAM
# rule, a generated account of 5,000 roles and 500 users through every rule
# (grouped, and flat with --no-group), can-i queries end to end and through
# --requests, evaluation alone and any-context on the solver (median, p99 and
# max of many, grantpath_iam_bench), and `aws compare` on every Quacky pair.
source "$(dirname "$0")/common.sh"
OUT=${OUT:-bench/out/iam}
CORPORA=${CORPORA:-../shared/corpora}
mkdir -p "$OUT"
cmake --build build --target grantpath_iam_bench -j"$(nproc)" > /dev/null
[ -f "$OUT/account-5k.json" ] || /usr/bin/python3 bench/gen_iam.py "$OUT/account-5k.json" --roles 5000 --users 500
M "managed policies (1,388): scan" -- $G scan "$CORPORA/aws-iam/mamip/policies" -o /dev/null --fail-on none
M "account, 5,000 roles: scan" -- $G scan "$OUT/account-5k.json" -o "$OUT/account-5k.findings.json" --format json --fail-on none
M "account, 5,000 roles: scan --no-group" --runs 1 -- $G scan "$OUT/account-5k.json" -o "$OUT/account-5k.flat.json" --format json --fail-on none --no-group
for f in findings flat; do
  python3 -c "import json,collections,sys; d=json.load(open(sys.argv[1])); print(sys.argv[2] + ':', len(d['findings']), 'findings', dict(collections.Counter(f['ruleId'] for f in d['findings'])))" "$OUT/account-5k.$f.json" "$f"
done
M "can-i on the Cloudsplaining example export (824 KB), end to end" --runs 21 -- \
  $G aws can-i --principal arn:aws:iam::200611803367:user/obama --action s3:GetObject --resource arn:aws:s3:::b/k "$CORPORA/aws-iam/cloudsplaining/examples/files/example.json"
M "can-i on one managed policy, end to end" --runs 21 -- \
  $G aws can-i --principal arn:aws:iam::200611803367:user/obama --action s3:GetObject --resource arn:aws:s3:::b/k "$CORPORA/aws-iam/mamip/policies/ReadOnlyAccess.json"
# Batch: 1,000 can-i requests (users and roles of the account, actions from
# common services, resources of those services) on one load of the
# 5,000-role account through --requests. Target: under 1 s.
python3 - "$OUT/account-5k.json" "$OUT/requests-1k.jsonl" <<'PY'
import json, random, sys
acct = json.load(open(sys.argv[1]))
who = [u["Arn"] for u in acct["UserDetailList"]] + [r["Arn"] for r in acct["RoleDetailList"]]
acts = ["s3:GetObject", "s3:PutObject", "iam:PassRole", "iam:CreateAccessKey", "ec2:RunInstances",
        "sts:AssumeRole", "dynamodb:DeleteTable", "kms:Decrypt", "lambda:UpdateFunctionCode", "ssm:GetParameter"]
res = {"s3": "arn:aws:s3:::bucket-%d/key", "iam": "arn:aws:iam::123456789012:role/role-%d",
       "ec2": "arn:aws:ec2:us-east-1:123456789012:instance/i-%d", "sts": "arn:aws:iam::123456789012:role/role-%d",
       "dynamodb": "arn:aws:dynamodb:us-east-1:123456789012:table/t-%d", "kms": "arn:aws:kms:us-east-1:123456789012:key/k-%d",
       "lambda": "arn:aws:lambda:us-east-1:123456789012:function:f-%d", "ssm": "arn:aws:ssm:us-east-1:123456789012:parameter/p-%d"}
rng = random.Random(7)
with open(sys.argv[2], "w") as out:
    for i in range(1000):
        a = rng.choice(acts)
        out.write(json.dumps({"principal": rng.choice(who), "action": a, "resource": res[a.split(":")[0]] % rng.randrange(50)}) + "\n")
PY
M "account, 5,000 roles: 1,000 can-i through --requests" --stdout "$OUT/requests-1k.out" -- \
  $G aws can-i --requests "$OUT/requests-1k.jsonl" "$OUT/account-5k.json"
python3 -c "import json,collections,sys; print('decisions:', dict(collections.Counter(json.loads(l).get('decision','error') for l in open(sys.argv[1]))))" "$OUT/requests-1k.out"
./build/bench/grantpath_iam_bench "$OUT/account-5k.json" 2000 1000
# aws compare on every before/after pair of the Quacky corpus, each pair in
# its own process; the slowest pair is named.
python3 - "$G" "$CORPORA/aws-iam/quacky" <<'PY'
import os, subprocess, sys, time
g, root = sys.argv[1:3]
seen, times = set(), []
for d, _, files in sorted(os.walk(root)):
    for a, b in (("initial.json", "fixed.json"), ("policy1.json", "policy2.json")):
        if a in files and b in files:
            pa, pb = os.path.join(d, a), os.path.join(d, b)
            key = open(pa).read() + "\0" + open(pb).read()
            if key in seen:
                continue
            seen.add(key)
            t = time.perf_counter()
            subprocess.run([g, "aws", "compare", pa, pb], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times.append((time.perf_counter() - t, d))
times.sort()
print("aws compare on %d Quacky pairs, end to end: median %.1f ms, max %.1f ms (%s); target: every pair under 1 s" %
      (len(times), times[len(times) // 2][0] * 1e3, times[-1][0] * 1e3, os.path.relpath(times[-1][1], root)))
PY
# aws can-i --any-context end to end over random requests (one process
# each) on a small generated account of the hidden-check style (20 users,
# 50 roles). Targets: median under 10 ms, p99 under 50 ms.
[ -f "$OUT/account-small.json" ] || /usr/bin/python3 bench/gen_iam.py "$OUT/account-small.json" --roles 50 --users 20
/usr/bin/python3 bench/can_i_latency.py "$G" "$OUT/account-small.json" 300
# The slowest solver question of a scan of each IAM corpus (scan --timings),
# against Zelkova's public bound of 3 s per policy check.
for d in "$CORPORA"/aws-iam/*/ "$OUT/account-5k.json"; do
  line=$($G scan "$d" -o /dev/null --fail-on none --timings 2>&1 | grep -E "solver: (slowest|[0-9]+ questions)" | tr -s ' ' | tr '\n' ' ' || true)
  echo "$(basename "$d"): ${line:-no solver question}"
done
