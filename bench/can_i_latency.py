#!/usr/bin/env python3
"""End-to-end latency of `grantpath aws can-i --any-context`, one process
per query, over random requests on an account export: random users and roles
of the account, random actions of the services its policies name, resources
of those services. Prints median, p99 and max.

Usage: can_i_latency.py GRANTPATH ACCOUNT.json [QUERIES] [SEED]
"""
import json
import random
import statistics
import subprocess
import sys
import time


def main():
    g, path = sys.argv[1:3]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 11)
    acct = json.load(open(path))
    who = [u["Arn"] for u in acct.get("UserDetailList", [])] + [r["Arn"] for r in acct.get("RoleDetailList", [])]
    actions = set()

    def collect(doc):
        for st in doc.get("Statement", []) if isinstance(doc.get("Statement"), list) else [doc.get("Statement", {})]:
            a = st.get("Action", [])
            for x in [a] if isinstance(a, str) else a:
                if "*" not in x and "?" not in x:
                    actions.add(x)

    for p in acct.get("Policies", []):
        for v in p.get("PolicyVersionList", []):
            collect(v.get("Document", {}))
    for kind in ("UserDetailList", "RoleDetailList", "GroupDetailList"):
        for e in acct.get(kind, []):
            for ip in e.get("UserPolicyList", []) + e.get("RolePolicyList", []) + e.get("GroupPolicyList", []):
                collect(ip.get("PolicyDocument", {}))
    actions = sorted(actions) or ["s3:GetObject"]
    times = []
    for _ in range(n):
        a = rng.choice(actions)
        svc = a.split(":")[0]
        res = "arn:aws:s3:::bucket-%d/key" % rng.randrange(20) if svc == "s3" else \
            "arn:aws:%s:us-east-1:123456789012:thing/x-%d" % (svc, rng.randrange(20))
        t = time.perf_counter()
        subprocess.run([g, "aws", "can-i", "--any-context", "--principal", rng.choice(who), "--action", a,
                        "--resource", res, path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    times.sort()
    p99 = times[min(len(times) - 1, int(0.99 * len(times) + 0.999999) - 1)]
    print("aws can-i --any-context, end to end, %d random requests on %s: median %.1f ms, p99 %.1f ms, max %.1f ms" %
          (n, path.split("/")[-1], statistics.median(times) * 1e3, p99 * 1e3, times[-1] * 1e3))


if __name__ == "__main__":
    main()
