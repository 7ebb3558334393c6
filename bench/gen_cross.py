#!/usr/bin/env python3
"""Joins a generated cluster (gen_cluster.py, JSON dump) and a generated account
(gen_iam.py) into a cross-domain benchmark input: the first N service accounts
get an eks.amazonaws.com/role-arn annotation, and the role each one names gets
an IRSA trust policy admitting exactly that service account; the next M get
an EKS Pod Identity association (describe-pod-identity-association output,
one file each) to a role whose trust admits pods.eks.amazonaws.com; an
aws-auth ConfigMap maps a few roles, one to system:masters and one as the
node role; every namespace gets a default-deny NetworkPolicy and one that
allows its pods to talk to each other and to DNS.

Usage: gen_cross.py CLUSTER_JSON ACCOUNT_JSON OUT_DIR [--irsa 2000] [--pod-identity 500]
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
    ap.add_argument("--pod-identity", type=int, default=500)
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
    m = max(0, min(a.pod_identity, len(sas) - n, len(roles) - 10 - n))
    associations = []
    for i, (sa, role) in enumerate(zip(sas[n:n + m], roles[n:n + m])):
        md = sa["metadata"]
        role["AssumeRolePolicyDocument"] = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"},
                           "Action": ["sts:AssumeRole", "sts:TagSession"]}],
        }
        associations.append({"association": {
            "clusterName": "bench", "namespace": md["namespace"], "serviceAccount": md["name"],
            "roleArn": role["Arn"], "associationId": f"a-{i:05d}",
            "associationArn": f"arn:aws:eks:eu-west-1:{acct}:podidentityassociation/bench/a-{i:05d}"}})
    namespaces = sorted({o["metadata"]["namespace"] for o in cluster["items"]
                         if o.get("kind") in ("Pod", "ServiceAccount") and "namespace" in o.get("metadata", {})})
    for ns in namespaces:
        cluster["items"].append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                                 "metadata": {"name": "default-deny", "namespace": ns},
                                 "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}})
        cluster["items"].append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                                 "metadata": {"name": "same-namespace", "namespace": ns},
                                 "spec": {"podSelector": {}, "ingress": [{"from": [{"podSelector": {}}]}],
                                          "egress": [{"to": [{"podSelector": {}}]},
                                                     {"ports": [{"port": 53, "protocol": "UDP"}]}]}})
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
    os.makedirs(os.path.join(a.out, "pod-identity"), exist_ok=True)
    for assoc in associations:
        json.dump(assoc, open(os.path.join(a.out, "pod-identity", assoc["association"]["associationId"] + ".json"), "w"))
    print(f"{n} IRSA service accounts, {len(associations)} Pod Identity associations, "
          f"{2 * len(namespaces)} NetworkPolicies, {len(mapped)} aws-auth roles")


if __name__ == "__main__":
    main()
