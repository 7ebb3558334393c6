#!/usr/bin/env python3
"""Generates an `aws iam get-account-authorization-details` export for the
IAM benchmark: ROLES roles and USERS users in GROUPS groups, POLICIES
customer managed policies, with trust policies that chain roles together
(so that the assume-role graph has paths), service and cross-account trusts,
OIDC providers, conditions, NotAction, Deny statements and boundaries.
Deterministic for a given seed.

Usage: bench/gen_iam.py OUT.json [--roles 5000] [--users 500] [--groups 50]
                                  [--policies 300] [--seed 1]
"""
import argparse
import json
import random

ACCOUNT = "111122223333"
SERVICES = ["s3", "ec2", "dynamodb", "sqs", "sns", "lambda", "kms", "logs", "cloudwatch", "ecr",
            "ecs", "rds", "secretsmanager", "ssm", "glue", "athena", "kinesis", "events", "iam", "sts"]
VERBS = ["Get*", "List*", "Describe*", "Put*", "Create*", "Delete*", "Update*", "*"]


def arn(kind, name):
    return "arn:aws:iam::%s:%s/%s" % (ACCOUNT, kind, name)


def statement(rng):
    svc = rng.choice(SERVICES)
    kind = rng.random()
    if kind < 0.05:
        st = {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}
    elif kind < 0.12:
        st = {"Effect": "Deny", "Action": "%s:Delete*" % svc, "Resource": "*"}
    else:
        acts = sorted({"%s:%s" % (svc, rng.choice(VERBS)) for _ in range(rng.randint(1, 4))})
        res = "*" if rng.random() < 0.4 else "arn:aws:%s:us-east-1:%s:app-%d/*" % (svc, ACCOUNT, rng.randint(0, 99))
        st = {"Effect": "Allow", "Action": acts, "Resource": res}
    if rng.random() < 0.15:
        st["Condition"] = rng.choice([
            {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
            {"IpAddress": {"aws:SourceIp": "10.%d.0.0/16" % rng.randint(0, 255)}},
            {"StringEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}},
            {"StringLike": {"aws:PrincipalTag/team": "team-%d*" % rng.randint(0, 9)}},
        ])
    return st


def doc(rng, n):
    return {"Version": "2012-10-17", "Statement": [statement(rng) for _ in range(n)]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--roles", type=int, default=5000)
    ap.add_argument("--users", type=int, default=500)
    ap.add_argument("--groups", type=int, default=50)
    ap.add_argument("--policies", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    policies = []
    for i in range(a.policies):
        name = "policy-%04d" % i
        d = doc(rng, rng.randint(1, 6))
        if i == 0:
            d = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        policies.append({"PolicyName": name, "Arn": arn("policy", name), "DefaultVersionId": "v1",
                         "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": True, "Document": d}]})
    roles = []
    for i in range(a.roles):
        name = "role-%05d" % i
        r = rng.random()
        if r < 0.5:
            principal = {"Service": rng.choice(["ec2.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com"])}
            action = "sts:AssumeRole"
        elif r < 0.8 and i > 0:
            principal = {"AWS": arn("role", "role-%05d" % rng.randint(0, i - 1))}
            action = "sts:AssumeRole"
        elif r < 0.9:
            principal = {"AWS": "arn:aws:iam::%s:root" % rng.choice([ACCOUNT, "444455556666"])}
            action = "sts:AssumeRole"
        else:
            principal = {"Federated": arn("oidc-provider", "token.actions.githubusercontent.com")}
            action = "sts:AssumeRoleWithWebIdentity"
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": principal, "Action": action}]}
        inline = [{"PolicyName": "inline-%d" % k, "PolicyDocument": doc(rng, rng.randint(1, 4))} for k in range(rng.randint(0, 2))]
        if rng.random() < 0.3:
            inline.append({"PolicyName": "assume", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": arn("role", "role-%05d" % rng.randint(0, a.roles - 1))}]}})
        managed = [{"PolicyName": p["PolicyName"], "PolicyArn": p["Arn"]}
                   for p in rng.sample(policies[1:], rng.randint(0, 3))]
        if rng.random() < 0.01:  # about 1% of the roles are administrators
            managed.append({"PolicyName": "policy-0000", "PolicyArn": policies[0]["Arn"]})
        role = {"RoleName": name, "Arn": arn("role", name), "Path": "/", "AssumeRolePolicyDocument": trust,
                "RolePolicyList": inline, "AttachedManagedPolicies": managed}
        if rng.random() < 0.05:
            role["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": rng.choice(policies)["Arn"]}
        roles.append(role)
    groups = []
    for g in range(a.groups):
        name = "group-%03d" % g
        groups.append({"GroupName": name, "Arn": arn("group", name), "Path": "/",
                       "GroupPolicyList": [{"PolicyName": "g", "PolicyDocument": doc(rng, 2)}],
                       "AttachedManagedPolicies": [{"PolicyName": p["PolicyName"], "PolicyArn": p["Arn"]}
                                                   for p in rng.sample(policies[1:], 2)]})
    users = []
    for u in range(a.users):
        name = "user-%04d" % u
        users.append({"UserName": name, "Arn": arn("user", name), "Path": "/",
                      "GroupList": ["group-%03d" % rng.randint(0, a.groups - 1)],
                      "UserPolicyList": [{"PolicyName": "u", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                          {"Effect": "Allow", "Action": "sts:AssumeRole",
                           "Resource": arn("role", "role-%05d" % rng.randint(0, a.roles - 1))}]}}],
                      "AttachedManagedPolicies": []})
    with open(a.out, "w") as f:
        json.dump({"UserDetailList": users, "GroupDetailList": groups, "RoleDetailList": roles,
                   "Policies": policies}, f)


if __name__ == "__main__":
    main()
