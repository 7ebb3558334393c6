#!/usr/bin/env python3
"""Replays grantpath's IAM witnesses through an independent simulator.

Every witness request grantpath prints is a claim: `aws compare` says the
request is allowed by one policy and not by the other; a scan finding says a
holder of the policy is allowed it. This script collects those requests on
the shared corpora (Quacky's policy pairs, the AWS managed policies), asks
@cloud-copilot/iam-simulate (run as a separate node process by
tests/tools/iam_oracle.mjs) for each decision, and fails on any disagreement
that is not listed, with its reason, in tests/fixtures/iam-oracle/differences.txt.

Usage: tests/tools/iam_oracle_check.py GRANTPATH NODE_MODULES CORPORA
"""
import glob
import hashlib
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HOLDER_ACCOUNT = "123456789012"
OTHER_ACCOUNT = "999999999999"
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def load_doc(path):
    d = json.load(open(path))
    if "PolicyVersion" in d:
        d = d["PolicyVersion"]["Document"]
        if isinstance(d, str):
            d = json.loads(d)
    return d


def is_resource_policy(doc):
    st = doc.get("Statement", [])
    if isinstance(st, dict):
        st = [st]
    return any("Principal" in s or "NotPrincipal" in s for s in st)


def case(cid, doc, witness):
    """An oracle case: the request of `witness` against policy `doc` alone."""
    p = witness["principal"]
    ctx = {k: v for k, v in witness.get("context", {}).items()}
    if is_resource_policy(doc):
        # Cross-account with an identity side that allows everything: the
        # resource policy alone decides, as in grantpath's document check.
        principal = "*" if p["type"] == "anonymous" else p.get("arn", "*")
        return {"id": cid, "identityPolicies": [] if principal == "*" else [ALLOW_ALL],
                "resourcePolicy": doc, "principal": principal, "action": witness["action"],
                "resource": witness["resource"], "accountId": OTHER_ACCOUNT, "context": ctx}
    principal = p.get("arn") or "arn:aws:iam::%s:user/grantpath-policy-holder" % HOLDER_ACCOUNT
    account = principal.split(":")[4] or HOLDER_ACCOUNT
    return {"id": cid, "identityPolicies": [doc], "resourcePolicy": None, "principal": principal,
            "action": witness["action"], "resource": witness["resource"], "accountId": account,
            "context": ctx}


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def main():
    grantpath, modules, corpora = sys.argv[1:4]
    cases, expect, origin = [], {}, {}
    # 1. Quacky pairs through `aws compare`.
    seen = set()
    for d in sorted(glob.glob(os.path.join(corpora, "aws-iam", "quacky", "**", ""), recursive=True)):
        a, b = os.path.join(d, "initial.json"), os.path.join(d, "fixed.json")
        if not os.path.exists(a):
            a, b = os.path.join(d, "policy1.json"), os.path.join(d, "policy2.json")
        if not (os.path.exists(a) and os.path.exists(b)):
            continue
        key = hashlib.sha1(open(a, "rb").read() + b"--" + open(b, "rb").read()).hexdigest()
        if key in seen:
            continue
        seen.add(key)
        out = run([grantpath, "aws", "compare", a, b, "--format", "json"])
        res = json.loads(out.stdout)
        da, db = load_doc(a), load_doc(b)
        for field, allows, denies in (("newly_allowed", db, da), ("no_longer_allowed", da, db)):
            w = res.get(field)
            if not w:
                continue
            name = os.path.relpath(d, corpora) + ":" + field
            for doc, want in ((allows, True), (denies, False)):
                cid = len(cases)
                cases.append(case(cid, doc, w))
                expect[cid] = want
                origin[cid] = name + (":allows" if want else ":denies")
    # 2. Scan findings on the managed policies: the holder may do it.
    out = run([grantpath, "scan", os.path.join(corpora, "aws-iam", "mamip", "policies"), "--format", "json",
               "--fail-on", "none"])
    for f in json.loads(out.stdout)["findings"]:
        w = f["witness"]
        if w.get("kind") != "iam-request" or "grantpath-policy-holder" not in w.get("principal", ""):
            continue
        ctx = {}
        if w.get("context"):
            for kv in w["context"].split(", "):
                k, v = kv.split("=", 1)
                ctx.setdefault(k, []).append(v)
        witness = {"principal": {"type": "user", "arn": w["principal"]}, "action": w["action"],
                   "resource": w["resource"], "context": {k: v[0] if len(v) == 1 else v for k, v in ctx.items()}}
        cid = len(cases)
        cases.append(case(cid, load_doc(f["location"]["file"]), witness))
        expect[cid] = True
        origin[cid] = os.path.basename(f["location"]["file"]) + ":" + f["ruleId"]
    p = subprocess.run(["node", os.path.join(ROOT, "tests", "tools", "iam_oracle.mjs"), modules],
                       input="".join(json.dumps(c) + "\n" for c in cases), capture_output=True, text=True)
    if p.returncode != 0:
        print(p.stderr)
        sys.exit(2)
    known = {}
    diff_file = os.path.join(ROOT, "tests", "fixtures", "iam-oracle", "differences.txt")
    if os.path.exists(diff_file):
        for line in open(diff_file):
            line = line.strip()
            if line and not line.startswith("#"):
                k, _, why = line.partition(" ")
                known[k] = why
    agree, unexpected, documented = 0, [], []
    for line in p.stdout.splitlines():
        r = json.loads(line)
        cid = r["id"]
        got = r["result"] == "Allowed"
        if r["result"] != "error" and got == expect[cid]:
            agree += 1
        elif origin[cid] in known:
            documented.append(origin[cid])
        else:
            unexpected.append("%s: grantpath %s, iam-simulate %s %s" % (
                origin[cid], "allow" if expect[cid] else "deny", r["result"], r.get("detail", "")))
    stale = sorted(set(known) - set(documented))
    print("iam-simulate agreement: %d of %d witness replays (%d documented differences)" % (
        agree, len(cases), len(documented)))
    for u in unexpected:
        print("UNEXPECTED " + u)
    for s in stale:
        print("STALE (agrees now, remove from differences.txt) " + s)
    sys.exit(1 if unexpected or stale else 0)


if __name__ == "__main__":
    main()
