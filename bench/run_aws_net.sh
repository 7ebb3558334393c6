#!/usr/bin/env bash
# AWS network benchmark: a generated account (bench/gen_aws_vpc.py: 50 VPCs,
# 2,000 subnets, 5,000 security groups, 20,000 interfaces and instances,
# peering and a transit gateway) through `aws exposure`, one `aws reach`
# (end to end, 11 runs) and `scan`. Reports wall time and peak RSS.
source "$(dirname "$0")/common.sh"
OUT=${OUT:-bench/out/aws-net}
IN=$OUT/account  # the input; results go next to it, never into it
[ -f "$IN/us-east-1/Vpcs.json" ] || python3 bench/gen_aws_vpc.py "$IN/us-east-1"
M "aws exposure, 20,000 interfaces" --stdout "$OUT/exposure.json" -- $G aws exposure "$IN" --format json
python3 -c "import json,sys; print('interfaces reachable from the internet:', len(json.load(open(sys.argv[1]))))" "$OUT/exposure.json"
M "aws reach through the transit gateway, end to end" --runs 11 -- \
  $G aws reach --from i-0004-00012 --to 10.30.5.12 --port 443/tcp "$IN"
M "scan, 20,000 interfaces" -- $G scan "$IN" --format json -o "$OUT/scan.json" --fail-on none
