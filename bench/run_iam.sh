#!/usr/bin/env bash
# IAM engine benchmark: the 1,388 AWS managed policies through every IAM
# rule, a generated account of 5,000 roles and 500 users through every rule,
# and can-i queries (end to end on the CLI, and evaluation alone: median of
# many). Reports wall time and peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/out/iam}
CORPORA=${CORPORA:-../shared/corpora}
mkdir -p "$OUT"
cmake --build build --target grantpath grantpath_iam_bench -j"$(nproc)" > /dev/null
[ -f "$OUT/account-5k.json" ] || /usr/bin/python3 bench/gen_iam.py "$OUT/account-5k.json" --roles 5000 --users 500
G=./build/analyzer/cli/grantpath
/usr/bin/time -f "managed policies (1,388): scan: %e s wall, peak RSS %M KB" \
  $G scan "$CORPORA/aws-iam/mamip/policies" -o /dev/null --fail-on none 2> "$OUT/mamip.err" || true
grep "wall" "$OUT/mamip.err"
/usr/bin/time -f "account 5,000 roles: scan: %e s wall, peak RSS %M KB" \
  $G scan "$OUT/account-5k.json" -o "$OUT/account-5k.findings.json" --format json --fail-on none 2> "$OUT/account.err" || true
grep "wall" "$OUT/account.err"
python3 -c "import json,collections,sys; d=json.load(open(sys.argv[1])); print('account 5,000 roles:', dict(collections.Counter(f['ruleId'] for f in d['findings'])))" "$OUT/account-5k.findings.json"
# can-i end to end (load included), median of 21 runs, on the Cloudsplaining
# example export (824 KB) and on one policy file.
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for input in "$CORPORA/aws-iam/cloudsplaining/examples/files/example.json" "$CORPORA/aws-iam/mamip/policies/ReadOnlyAccess.json"; do
  for i in $(seq 21); do
    s=$(date +%s%N)
    $G aws can-i --principal arn:aws:iam::200611803367:user/obama --action s3:GetObject --resource arn:aws:s3:::b/k "$input" > /dev/null 2>&1 || true
    echo $(( ($(date +%s%N) - s) / 1000 ))
  done | median | awk -v f="$(basename "$input")" '{printf "can-i end to end on %s: median %.1f ms\n", f, $1/1000}'
done
./build/bench/grantpath_iam_bench "$OUT/account-5k.json" 2000
# Batch: 1,000 can-i requests (users and roles of the account, actions from
# the action catalog's common services, resources of those services) on one
# load of the 5,000-role account through --requests. Target: under 1 s.
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
/usr/bin/time -f "account 5,000 roles: 1,000 can-i through --requests: %e s wall, peak RSS %M KB" \
  $G aws can-i --requests "$OUT/requests-1k.jsonl" "$OUT/account-5k.json" > "$OUT/requests-1k.out" 2> "$OUT/requests.err"
grep "wall" "$OUT/requests.err"
python3 -c "import json,collections,sys; print('decisions:', dict(collections.Counter(json.loads(l).get('decision','error') for l in open(sys.argv[1]))))" "$OUT/requests-1k.out"
