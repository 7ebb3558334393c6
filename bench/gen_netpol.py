#!/usr/bin/env python3
"""Generates a realistic cluster for the network engine benchmark, as one
JSON List: namespaces with team/env labels, deployments with app/tier labels
and named container ports (pods = deployments x replicas; each deployment is
one endpoint), and per namespace a default-deny policy plus allow policies:
same-tier and cross-namespace allows by label, named ports, DNS egress and
ipBlock egress to external ranges with excepts. Nine namespaces in ten have
a default deny both ways with DNS egress and egress to the team's namespaces;
every tenth is a legacy namespace without one.

With --as-pods the workloads come as running Pod objects, the shape of
`kubectl get pods -o json`: each pod owned by its deployment's ReplicaSet,
with a pod-template-hash label and a pod IP (pods of one owner are one
endpoint).

Usage: gen_netpol.py OUT.json --pods N --namespaces N --policies N [--replicas R] [--as-pods]
"""
import argparse
import json
import random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--pods", type=int, default=5000)
    ap.add_argument("--namespaces", type=int, default=200)
    ap.add_argument("--policies", type=int, default=2000)
    ap.add_argument("--replicas", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--as-pods", action="store_true")
    ap.add_argument("--udns", type=int, default=0, help="namespaces on their own primary UDN")
    ap.add_argument("--nads", type=int, default=0, help="Multus secondary networks, each attached by some deployments")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    tiers = ["web", "api", "db", "cache", "worker"]
    teams = ["team-%d" % i for i in range(max(1, a.namespaces // 10))]
    items = []
    nss = []
    for i in range(a.namespaces):
        ns = "ns-%04d" % i
        nss.append(ns)
        labels = {"team": teams[i % len(teams)], "env": "prod" if i % 3 else "dev"}
        if i < a.udns:
            labels["k8s.ovn.org/primary-user-defined-network"] = ""
            items.append({"apiVersion": "k8s.ovn.org/v1", "kind": "UserDefinedNetwork",
                          "metadata": {"name": "udn", "namespace": ns},
                          "spec": {"topology": "Layer2", "layer2": {"role": "Primary",
                                                                    "subnets": ["10.%d.0.0/16" % (100 + i)]}}})
        items.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": labels}})
    deployments = a.pods // a.replicas
    apps = {ns: [] for ns in nss}
    for d in range(deployments):
        ns = nss[d % len(nss)]
        tier = tiers[d % len(tiers)]
        app = "app-%05d" % d
        apps[ns].append((app, tier))
        port = {"web": 8080, "api": 9090, "db": 5432, "cache": 6379, "worker": 7070}[tier]
        pod_spec = {"containers": [{"name": "main", "image": "img:%d" % d,
                                    "ports": [{"name": "serve", "containerPort": port},
                                              {"name": "metrics", "containerPort": 9100}]}]}
        if a.as_pods:
            rs_hash = "%08x" % rnd.getrandbits(32)
            for r in range(a.replicas):
                n = d * a.replicas + r
                items.append({"apiVersion": "v1", "kind": "Pod",
                              "metadata": {"name": "%s-%s-%05x" % (app, rs_hash, rnd.getrandbits(20)), "namespace": ns,
                                           "labels": {"app": app, "tier": tier, "pod-template-hash": rs_hash},
                                           "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                                                "name": "%s-%s" % (app, rs_hash), "controller": True,
                                                                "uid": "%032x" % rnd.getrandbits(128)}]},
                              "spec": pod_spec,
                              "status": {"phase": "Running",
                                         "podIP": "10.%d.%d.%d" % (n >> 16 & 255, n >> 8 & 255, n & 255)}})
            continue
        tmeta = {"labels": {"app": app, "tier": tier}}
        if a.nads and d % 4 == 0:
            tmeta["annotations"] = {"k8s.v1.cni.cncf.io/networks": "%s/nad-%02d" % (nss[0], (d // 4) % a.nads)}
        items.append({"apiVersion": "apps/v1", "kind": "Deployment",
                      "metadata": {"name": app, "namespace": ns},
                      "spec": {"replicas": a.replicas,
                               "selector": {"matchLabels": {"app": app}},
                               "template": {"metadata": tmeta, "spec": pod_spec}}})
    pol = 0
    per_ns = max(1, a.policies // len(nss))
    for i, ns in enumerate(nss):
        if pol >= a.policies:
            break
        team = teams[i % len(teams)]
        if i % 10 == 9:
            # A legacy namespace: no default deny, pods open both ways
            # (its allow policies still isolate the pods they select).
            extra = 0
        else:
            # Default deny both ways; DNS to kube-system, and egress to the
            # team's namespaces (its own included).
            items.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                          "metadata": {"name": "default-deny", "namespace": ns},
                          "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"],
                                   "egress": [{"to": [{"namespaceSelector": {"matchLabels": {
                                       "kubernetes.io/metadata.name": "kube-system"}}}],
                                               "ports": [{"port": 53, "protocol": "UDP"}, {"port": 53}]},
                                              {"to": [{"namespaceSelector": {"matchLabels": {"team": team}}}]}]}})
            pol += 1
            extra = 1
        for k in range(per_ns - extra):
            if pol >= a.policies or not apps[ns]:
                break
            app, tier = apps[ns][k % len(apps[ns])]
            kind = k % 4
            if kind == 0:  # from the tier above, same namespace, named port
                spec = {"podSelector": {"matchLabels": {"app": app}},
                        "ingress": [{"from": [{"podSelector": {"matchLabels": {"tier": "web"}}}],
                                     "ports": [{"port": "serve"}]}]}
            elif kind == 1:  # metrics from the workers of the team's prod namespaces
                spec = {"podSelector": {"matchLabels": {"tier": tier}},
                        "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"team": team, "env": "prod"}},
                                               "podSelector": {"matchLabels": {"tier": "worker"}}}],
                                     "ports": [{"port": "metrics"}]}]}
            elif kind == 2:  # egress to an external range, except a subnet
                b = rnd.randrange(1, 223)
                spec = {"podSelector": {"matchLabels": {"app": app}}, "policyTypes": ["Egress"],
                        "egress": [{"to": [{"ipBlock": {"cidr": "%d.0.0.0/8" % b,
                                                        "except": ["%d.%d.0.0/16" % (b, rnd.randrange(256))]}}],
                                    "ports": [{"port": 443}]}]}
            else:  # cross-namespace by team, port range
                spec = {"podSelector": {"matchExpressions": [{"key": "tier", "operator": "In",
                                                              "values": ["api", "db"]}]},
                        "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"team": rnd.choice(teams)}},
                                               "podSelector": {"matchLabels": {"tier": "web"}}}],
                                     "ports": [{"port": 9000, "endPort": 9999}]}]}
            items.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                          "metadata": {"name": "allow-%d" % k, "namespace": ns}, "spec": spec})
            pol += 1
    for k in range(a.nads):
        items.append({"apiVersion": "k8s.cni.cncf.io/v1", "kind": "NetworkAttachmentDefinition",
                      "metadata": {"name": "nad-%02d" % k, "namespace": nss[0]},
                      "spec": {"config": '{"cniVersion": "0.3.1", "name": "nad-%02d", "type": "macvlan"}' % k}})
        items.append({"apiVersion": "k8s.cni.cncf.io/v1beta1", "kind": "MultiNetworkPolicy",
                      "metadata": {"name": "nad-%02d-db-only" % k, "namespace": nss[0],
                                   "annotations": {"k8s.v1.cni.cncf.io/policy-for": "nad-%02d" % k}},
                      "spec": {"podSelector": {"matchLabels": {"tier": "db"}}, "policyTypes": ["Ingress"],
                               "ingress": [{"from": [{"namespaceSelector": {},
                                                      "podSelector": {"matchLabels": {"tier": "api"}}}]}]}})
    with open(a.out, "w") as f:
        json.dump({"apiVersion": "v1", "kind": "List", "items": items}, f)
    print("%s: %d namespaces, %d %s (%d pods), %d policies" %
          (a.out, len(nss), deployments, "replica sets" if a.as_pods else "deployments", deployments * a.replicas, pol))


if __name__ == "__main__":
    main()
