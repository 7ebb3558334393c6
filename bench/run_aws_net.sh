#!/usr/bin/env bash
# AWS network benchmark: a generated account (bench/gen_aws_vpc.py: 50 VPCs,
# 2,000 subnets, 5,000 security groups, 20,000 interfaces and instances,
# peering and a transit gateway) through `aws exposure`, one `aws reach`
# (median of 11, end to end) and `scan`. Reports wall time and peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/out/aws-net}
cmake --build build --target grantpath -j"$(nproc)" > /dev/null
[ -f "$OUT/us-east-1/Vpcs.json" ] || python3 bench/gen_aws_vpc.py "$OUT/us-east-1"
G=./build/analyzer/cli/grantpath
/usr/bin/time -f "aws exposure, 20,000 interfaces: %e s wall, peak RSS %M KB" \
  $G aws exposure "$OUT" --format json > "$OUT/exposure.json" 2> "$OUT/exposure.err"
grep wall "$OUT/exposure.err"
python3 -c "import json,sys; print('interfaces reachable from the internet:', len(json.load(open(sys.argv[1]))))" "$OUT/exposure.json"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for i in $(seq 11); do
  s=$(date +%s%N)
  $G aws reach --from i-0004-00012 --to 10.30.5.20 --port 443/tcp "$OUT" > /dev/null 2>&1 || true
  echo $(( ($(date +%s%N) - s) / 1000 ))
done | median | awk '{printf "aws reach end to end (through the transit gateway): median %.1f ms\n", $1/1000}'
/usr/bin/time -f "scan, 20,000 interfaces: %e s wall, peak RSS %M KB" \
  $G scan "$OUT" --format json -o "$OUT/scan.json" --fail-on none 2> "$OUT/scan.err" || true
grep wall "$OUT/scan.err"
