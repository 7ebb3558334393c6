#!/usr/bin/env python3
"""Joins a generated cluster (gen_cluster.py, JSON dump) and a generated account
(gen_iam.py) into a cross-domain benchmark input: the first N service accounts
get an eks.amazonaws.com/role-arn annotation, and the role each one names gets
an IRSA trust policy admitting exactly that service account; an aws-auth
ConfigMap maps a few roles, one to system:masters and one as the node role.

Usage: gen_cross.py CLUSTER_JSON ACCOUNT_JSON OUT_DIR [--irsa 2000]
"""
import argparse
import json
import os

ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/BENCH0000000000000000000000000000"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cluster")
    ap.add_argument("account")
    ap.add_argument("out")
    ap.add_argument("--irsa", type=int, default=2000)
    a = ap.parse_args()
    cluster = json.load(open(a.cluster))
    account = json.load(open(a.account))
    roles = account["RoleDetailList"]
    acct = roles[0]["Arn"].split(":")[4]
    federated = f"arn:aws:iam::{acct}:oidc-provider/{ISSUER}"
    sas = [o for o in cluster["items"] if o.get("kind") == "ServiceAccount"]
    n = min(a.irsa, len(sas), len(roles) - 10)
    for sa, role in zip(sas[:n], roles[:n]):
        md = sa["metadata"]
        md.setdefault("annotations", {})["eks.amazonaws.com/role-arn"] = role["Arn"]
        role["AssumeRolePolicyDocument"] = {
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"Federated": federated},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {
                    f"{ISSUER}:sub": f"system:serviceaccount:{md['namespace']}:{md['name']}",
                    f"{ISSUER}:aud": "sts.amazonaws.com"}},
            }],
        }
    mapped = roles[-10:]
    map_roles = [f"- rolearn: {mapped[0]['Arn']}\n  username: admin\n  groups: [system:masters]",
                 f"- rolearn: {mapped[1]['Arn']}\n  username: system:node:{{{{EC2PrivateDNSName}}}}\n  groups: [system:bootstrappers, system:nodes]"]
    for r in mapped[2:]:
        map_roles.append(f"- rolearn: {r['Arn']}\n  username: {r['RoleName']}\n  groups: [viewers]")
    cluster["items"].append({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "aws-auth", "namespace": "kube-system"},
        "data": {"mapRoles": "\n".join(map_roles) + "\n"},
    })
    os.makedirs(a.out, exist_ok=True)
    json.dump(cluster, open(os.path.join(a.out, "cluster.json"), "w"))
    json.dump(account, open(os.path.join(a.out, "account.json"), "w"))
    print(f"{n} IRSA service accounts, {len(mapped)} aws-auth roles")


if __name__ == "__main__":
    main()
