#!/usr/bin/env python3
"""Adds CNI policies to a cluster written by gen_netpol.py (a JSON List).

--calico: three Calico tiers (security order 100, platform order 200, and
the default tier), N namespaced NetworkPolicies spread over them, and G
GlobalNetworkPolicies: production egress guards with nets and notNets,
monitoring allows from a namespace selector, same-team allows by pcns
labels with port ranges and named ports, Pass rules to the next tier, and
two GlobalNetworkSets.
--cilium: N CiliumNetworkPolicies and CiliumClusterwideNetworkPolicies:
allows from the tier above with ports and named ports, deny rules,
entities (world, cluster), CIDR sets with excepts and a CIDR group.

The Kubernetes NetworkPolicies of the input stay.

Usage: gen_cni.py IN.json OUT.json (--calico N --gnps G | --cilium N)
"""
import argparse
import json
import random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("inp")
    ap.add_argument("out")
    ap.add_argument("--calico", type=int, default=0)
    ap.add_argument("--gnps", type=int, default=0)
    ap.add_argument("--cilium", type=int, default=0)
    ap.add_argument("--istio", type=int, default=0)
    ap.add_argument("--seed", type=int, default=11)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    doc = json.load(open(a.inp))
    items = doc["items"]
    nss = [i["metadata"]["name"] for i in items if i["kind"] == "Namespace"]
    teams = sorted({i["metadata"]["labels"]["team"] for i in items if i["kind"] == "Namespace"})
    apps = {}
    for i in items:
        if i["kind"] == "Deployment":
            apps.setdefault(i["metadata"]["namespace"], []).append(i["spec"]["template"]["metadata"]["labels"]["app"])
    tiers_ = ["web", "api", "db", "cache", "worker"]
    out = []
    if a.calico or a.gnps:
        out.append({"apiVersion": "projectcalico.org/v3", "kind": "Tier", "metadata": {"name": "security"},
                    "spec": {"order": 100}})
        out.append({"apiVersion": "projectcalico.org/v3", "kind": "Tier", "metadata": {"name": "platform"},
                    "spec": {"order": 200, "defaultAction": "Pass"}})
        for k, net in enumerate(["192.0.2.0/24", "198.51.100.0/24"]):
            out.append({"apiVersion": "projectcalico.org/v3", "kind": "GlobalNetworkSet",
                        "metadata": {"name": "partners-%d" % k, "labels": {"role": "partner"}},
                        "spec": {"nets": [net]}})
        for g in range(a.gnps):
            kind = g % 4
            name = "g-%04d" % g
            if kind == 0:  # security: prod pods may not reach a range, except partners
                tier = "security"
                spec = {"selector": "tier == '%s'" % rnd.choice(tiers_), "namespaceSelector": "env == 'prod'",
                        "types": ["Egress"],
                        "egress": [{"action": "Deny", "destination": {"nets": ["%d.0.0.0/8" % rnd.randrange(1, 223)],
                                                                      "notSelector": "role == 'partner'"}},
                                   {"action": "Pass"}]}
            elif kind == 1:  # security: monitoring scrapes metrics, the rest passes
                tier = "security"
                spec = {"selector": "tier in {'api', 'db'}", "types": ["Ingress"],
                        "ingress": [{"action": "Allow", "protocol": "TCP",
                                     "source": {"namespaceSelector": "team == '%s'" % rnd.choice(teams),
                                                "selector": "tier == 'worker'"},
                                     "destination": {"ports": ["metrics"]}},
                                    {"action": "Pass"}]}
            elif kind == 2:  # platform: partners reach web on 443
                tier = "platform"
                spec = {"selector": "tier == 'web'", "types": ["Ingress"],
                        "ingress": [{"action": "Allow", "protocol": "TCP",
                                     "source": {"selector": "role == 'partner'"}, "destination": {"ports": [443, 8080]}},
                                    {"action": "Deny", "protocol": "UDP"}]}
            else:  # default tier: deny a port range cluster-wide for one team
                tier = "default"
                spec = {"selector": "has(tier) && pcns.team == '%s'" % rnd.choice(teams), "order": 500,
                        "types": ["Ingress"],
                        "ingress": [{"action": "Deny", "protocol": "TCP", "destination": {"ports": ["6000:6999"]}}]}
            spec["tier"] = tier
            spec.setdefault("order", 10 + g)
            out.append({"apiVersion": "projectcalico.org/v3", "kind": "GlobalNetworkPolicy",
                        "metadata": {"name": (tier + "." if tier != "default" else "") + name}, "spec": spec})
        for n in range(a.calico):
            ns = nss[n % len(nss)]
            if not apps.get(ns):
                continue
            app = apps[ns][n % len(apps[ns])]
            tier = ["security", "platform", "default"][n % 3]
            kind = n % 3
            if kind == 0:
                spec = {"selector": "app == '%s'" % app, "types": ["Ingress"],
                        "ingress": [{"action": "Allow", "protocol": "TCP",
                                     "source": {"selector": "tier == 'web'"}, "destination": {"ports": ["serve"]}},
                                    {"action": "Pass"}]}
            elif kind == 1:
                spec = {"selector": "tier in {'db', 'cache'}", "types": ["Ingress", "Egress"],
                        "ingress": [{"action": "Allow", "protocol": "TCP",
                                     "source": {"selector": "tier == 'api'", "namespaceSelector": "team == '%s'" % rnd.choice(teams)},
                                     "destination": {"ports": ["5000:6999"]}}],
                        "egress": [{"action": "Allow", "protocol": "UDP", "destination": {"ports": [53]}},
                                   {"action": "Deny", "destination": {"nets": ["10.0.0.0/8"], "notNets": ["10.%d.0.0/16" % rnd.randrange(256)]}}]}
            else:
                spec = {"selector": "app == '%s' || tier == 'worker'" % app, "types": ["Egress"],
                        "egress": [{"action": "Allow", "protocol": "TCP", "destination": {"ports": [443]}},
                                   {"action": "Log"}, {"action": "Deny", "protocol": "UDP"}]}
            spec["tier"] = tier
            spec["order"] = 100 + n % 50
            out.append({"apiVersion": "projectcalico.org/v3", "kind": "NetworkPolicy",
                        "metadata": {"name": (tier + "." if tier != "default" else "") + "p-%04d" % n, "namespace": ns},
                        "spec": spec})
    if a.cilium:
        out.append({"apiVersion": "cilium.io/v2", "kind": "CiliumCIDRGroup", "metadata": {"name": "partners"},
                    "spec": {"externalCIDRs": ["192.0.2.0/24", "198.51.100.0/24"]}})
        for n in range(a.cilium):
            ns = nss[n % len(nss)]
            if not apps.get(ns):
                continue
            app = apps[ns][n % len(apps[ns])]
            kind = n % 5
            if kind == 0:
                spec = {"endpointSelector": {"matchLabels": {"app": app}},
                        "ingress": [{"fromEndpoints": [{"matchLabels": {"tier": "web"}}],
                                     "toPorts": [{"ports": [{"port": "serve", "protocol": "TCP"}]}]}]}
            elif kind == 1:
                spec = {"endpointSelector": {"matchLabels": {"tier": "db"}},
                        "ingressDeny": [{"fromEndpoints": [{"matchLabels": {"tier": "web"}}]}],
                        "ingress": [{"fromEndpoints": [{"matchExpressions": [{"key": "tier", "operator": "In", "values": ["api", "worker"]}]}],
                                     "toPorts": [{"ports": [{"port": "5000", "endPort": 6999, "protocol": "TCP"}]}]}]}
            elif kind == 2:
                spec = {"endpointSelector": {"matchLabels": {"app": app}},
                        "egress": [{"toEntities": ["cluster"]},
                                   {"toCIDRSet": [{"cidr": "%d.0.0.0/8" % rnd.randrange(1, 223), "except": ["%d.1.0.0/16" % rnd.randrange(1, 223)]}],
                                    "toPorts": [{"ports": [{"port": "443", "protocol": "TCP"}]}]},
                                   {"toCIDRSet": [{"cidrGroupRef": "partners"}]}]}
            elif kind == 3:
                spec = {"endpointSelector": {"matchLabels": {"tier": "worker"}},
                        "egressDeny": [{"toEntities": ["world"], "toPorts": [{"ports": [{"port": "25", "protocol": "TCP"}]}]}],
                        "egress": [{"toEntities": ["world"]}, {"toEndpoints": [{}]}]}
            else:
                out.append({"apiVersion": "cilium.io/v2", "kind": "CiliumClusterwideNetworkPolicy",
                            "metadata": {"name": "ccnp-%04d" % n},
                            "spec": {"endpointSelector": {"matchLabels": {"k8s:io.kubernetes.pod.namespace": ns}},
                                     "ingress": [{"fromEndpoints": [{"matchLabels": {"io.cilium.k8s.namespace.labels.team": rnd.choice(teams)}}]},
                                                 {"fromEntities": ["world"], "toPorts": [{"ports": [{"port": "8080", "protocol": "TCP"}]}]}]}})
                continue
            out.append({"apiVersion": "cilium.io/v2", "kind": "CiliumNetworkPolicy",
                        "metadata": {"name": "cnp-%04d" % n, "namespace": ns}, "spec": spec})
    if a.istio:
        # Sidecars in 4 of 5 namespaces, mTLS STRICT mesh-wide, and
        # AuthorizationPolicies of four shapes.
        namespaces = [i for i in items if i["kind"] == "Namespace"]
        for k, i in enumerate(namespaces):
            if k % 5 != 0:
                i["metadata"].setdefault("labels", {})["istio-injection"] = "enabled"
        out.append({"apiVersion": "security.istio.io/v1", "kind": "PeerAuthentication",
                    "metadata": {"name": "default", "namespace": "istio-system"}, "spec": {"mtls": {"mode": "STRICT"}}})
        for n in range(a.istio):
            ns = nss[n % len(nss)]
            if not apps.get(ns):
                continue
            app = apps[ns][n % len(apps[ns])]
            kind = n % 4
            if kind == 0:
                spec = {"selector": {"matchLabels": {"app": app}},
                        "rules": [{"from": [{"source": {"namespaces": [ns, rnd.choice(nss)]}}],
                                   "to": [{"operation": {"ports": ["8080", "9090"]}}]}]}
            elif kind == 1:
                spec = {"action": "DENY", "selector": {"matchLabels": {"tier": "db"}},
                        "rules": [{"from": [{"source": {"notNamespaces": [ns]}}],
                                   "to": [{"operation": {"ports": ["5432"]}}]}]}
            elif kind == 2:
                spec = {"selector": {"matchLabels": {"app": app}},
                        "rules": [{"from": [{"source": {"principals": ["cluster.local/ns/%s/*" % rnd.choice(nss)]}}],
                                   "to": [{"operation": {"methods": ["GET"], "paths": ["/api/*"]}}]}]}
            else:
                spec = {"selector": {"matchLabels": {"tier": "web"}},
                        "rules": [{"from": [{"source": {"ipBlocks": ["%d.0.0.0/8" % rnd.randrange(1, 223)]}}]},
                                  {"when": [{"key": "source.namespace", "values": [ns]}]}]}
            out.append({"apiVersion": "security.istio.io/v1", "kind": "AuthorizationPolicy",
                        "metadata": {"name": "authz-%04d" % n, "namespace": ns}, "spec": spec})
    doc["items"] = items + out
    json.dump(doc, open(a.out, "w"))


if __name__ == "__main__":
    main()
