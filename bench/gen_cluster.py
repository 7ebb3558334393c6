#!/usr/bin/env python3
"""Generates a large, realistic Kubernetes cluster dump for the benchmarks.

The objects look like `kubectl get -o yaml` output: metadata with labels,
annotations and managedFields, full pod specs and statuses. Roles and bindings
follow common shapes (namespace-scoped app roles, aggregated ClusterRoles,
bindings to service accounts, groups and users).

Usage: gen_cluster.py OUT_DIR [--namespaces N] [--pods N] [--service-accounts N]
                      [--roles N] [--bindings N] [--formats yaml,json] [--seed S]
                      [--style dump|manifests]
--style manifests writes what a repository of manifests holds instead: no
status, uid, resourceVersion, managedFields or last-applied annotations.
Writes OUT_DIR/cluster.yaml (multi-document) and OUT_DIR/cluster.json (a List).
"""
import argparse
import json
import os
import random

VERBS = [["get", "list", "watch"], ["get", "list", "watch", "create", "update", "patch", "delete"],
         ["get"], ["create"], ["*"]]
RESOURCES = [["pods"], ["pods", "pods/log"], ["configmaps"], ["secrets"], ["deployments"],
             ["services", "endpoints"], ["jobs", "cronjobs"], ["pods/exec"], ["leases"],
             ["events"], ["ingresses"], ["persistentvolumeclaims"]]
GROUPS = {"deployments": "apps", "jobs": "batch", "cronjobs": "batch", "leases": "coordination.k8s.io",
          "ingresses": "networking.k8s.io"}


def meta(name, ns, labels, rnd, uid):
    m = {"name": name, "uid": "%08x-0000-4000-8000-%012x" % (uid, uid), "resourceVersion": str(rnd.randint(1000, 99999999)),
         "creationTimestamp": "2026-10-%02dT%02d:%02d:00Z" % (rnd.randint(1, 28), rnd.randint(0, 23), rnd.randint(0, 59)),
         "labels": labels,
         "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{\"apiVersion\":\"v1\",\"kind\":\"Obj\",\"metadata\":{\"name\":\"%s\"}}" % name,
                         "team.example.com/owner": "team-%d" % (uid % 17)},
         "managedFields": [{"apiVersion": "v1", "fieldsType": "FieldsV1", "manager": "kubectl-client-side-apply",
                            "operation": "Update", "time": "2026-10-01T00:00:00Z",
                            "fieldsV1": {"f:metadata": {"f:labels": {k: {} for k in ("f:app", "f:tier")}}}}]}
    if ns:
        m["namespace"] = ns
    return m


def pod(i, ns, sa, app, rnd):
    labels = {"app": app, "tier": rnd.choice(["web", "api", "db", "worker"]), "pod-template-hash": "%08x" % i}
    containers = []
    for c in range(rnd.choice([1, 1, 2])):
        containers.append({
            "name": "%s-%d" % (app, c), "image": "registry.example.com/%s:%d.%d" % (app, i % 9, c),
            "imagePullPolicy": "IfNotPresent",
            "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"},
                      {"name": "metrics", "containerPort": 9090, "protocol": "TCP"}],
            "env": [{"name": "LOG_LEVEL", "value": "info"}, {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
            "resources": {"limits": {"cpu": "500m", "memory": "256Mi"}, "requests": {"cpu": "100m", "memory": "128Mi"}},
            "volumeMounts": [{"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": "kube-api-access", "readOnly": True}],
            "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 10},
            "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"})
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta("%s-%d" % (app, i), ns, labels, rnd, i),
            "spec": {"serviceAccountName": sa, "containers": containers, "dnsPolicy": "ClusterFirst",
                     "nodeName": "node-%d" % (i % 300), "restartPolicy": "Always", "schedulerName": "default-scheduler",
                     "securityContext": {"runAsNonRoot": True}, "terminationGracePeriodSeconds": 30,
                     "tolerations": [{"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300}],
                     "volumes": [{"name": "kube-api-access", "projected": {"defaultMode": 420, "sources": [
                         {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                         {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}}]}}]},
            "status": {"phase": "Running", "podIP": "10.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255, i & 255),
                       "hostIP": "192.168.%d.%d" % (i % 250, i % 200), "qosClass": "Burstable",
                       "startTime": "2026-10-02T00:00:00Z",
                       "conditions": [{"type": t, "status": "True", "lastTransitionTime": "2026-10-02T00:00:00Z"}
                                      for t in ("Initialized", "Ready", "ContainersReady", "PodScheduled")],
                       "containerStatuses": [{"name": c["name"], "ready": True, "restartCount": 0, "started": True,
                                              "image": c["image"], "imageID": "sha256:%064x" % i,
                                              "containerID": "containerd://%064x" % (i * 7 + 1),
                                              "state": {"running": {"startedAt": "2026-10-02T00:00:05Z"}}} for c in containers]}}


def rule(rnd):
    res = rnd.choice(RESOURCES)
    r = {"apiGroups": sorted({GROUPS.get(x.split("/")[0], "") for x in res}), "resources": res,
         "verbs": rnd.choice(VERBS)}
    if rnd.random() < 0.1:
        r["resourceNames"] = ["obj-%d" % rnd.randint(0, 99)]
    return r


def strip(obj):
    """The manifest a user would commit for a dumped object."""
    obj.pop("status", None)
    md = obj.get("metadata", {})
    for k in ("uid", "resourceVersion", "creationTimestamp", "managedFields", "annotations"):
        md.pop(k, None)
    spec = obj.get("spec", {})
    for k in ("nodeName", "volumes", "tolerations", "dnsPolicy", "schedulerName", "terminationGracePeriodSeconds"):
        spec.pop(k, None)
    for c in spec.get("containers", []):
        for k in ("volumeMounts", "terminationMessagePath", "terminationMessagePolicy"):
            c.pop(k, None)
    return obj


def generate(a):
    rnd = random.Random(a.seed)
    nss = ["team-%03d" % i for i in range(a.namespaces)]
    objs = []
    for ns in nss:
        objs.append({"apiVersion": "v1", "kind": "Namespace", "metadata": meta(ns, None, {"team": ns}, rnd, len(objs))})
    sas = []
    for i in range(a.service_accounts):
        ns = nss[i % len(nss)]
        name = "default" if i < len(nss) else "sa-%d" % i
        sas.append((ns, name))
        objs.append({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta(name, ns, {"app": name}, rnd, len(objs))})
    roles = []
    for i in range(a.roles):
        cluster = i % 10 == 0
        ns = None if cluster else nss[i % len(nss)]
        name = "role-%d" % i
        r = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole" if cluster else "Role",
             "metadata": meta(name, ns, {"app": "rbac"}, rnd, len(objs)),
             "rules": [rule(rnd) for _ in range(rnd.randint(1, 6))]}
        if cluster and i % 50 == 0:
            r["metadata"]["labels"]["rbac.authorization.k8s.io/aggregate-to-view"] = "true"
        roles.append((cluster, ns, name))
        objs.append(r)
    for i in range(a.bindings):
        cluster_roles = [x for x in roles if x[0]]
        if i % 20 == 0:
            ref = rnd.choice(cluster_roles)
            kind, ns = "ClusterRoleBinding", None
        else:
            ns = nss[i % len(nss)]
            same = [x for x in roles[(i % len(nss))::len(nss)] if not x[0] and x[1] == ns]
            ref = rnd.choice(same) if same and rnd.random() < 0.8 else rnd.choice(cluster_roles)
            kind = "RoleBinding"
        subjects = []
        for _ in range(rnd.randint(1, 3)):
            k = rnd.random()
            if k < 0.7:
                sns, sname = sas[rnd.randrange(len(sas))]
                subjects.append({"kind": "ServiceAccount", "name": sname, "namespace": sns})
            elif k < 0.85:
                subjects.append({"kind": "Group", "name": "group-%d" % rnd.randint(0, 200), "apiGroup": "rbac.authorization.k8s.io"})
            else:
                subjects.append({"kind": "User", "name": "user-%d@example.com" % rnd.randint(0, 2000), "apiGroup": "rbac.authorization.k8s.io"})
        objs.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind,
                     "metadata": meta("binding-%d" % i, ns, {"app": "rbac"}, rnd, len(objs)),
                     "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole" if ref[0] else "Role", "name": ref[2]},
                     "subjects": subjects})
    for i in range(a.pods):
        ns, sa = sas[rnd.randrange(len(sas))]
        objs.append(pod(i, ns, sa, "app-%d" % (i % 500), rnd))
    return objs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--namespaces", type=int, default=200)
    ap.add_argument("--pods", type=int, default=20000)
    ap.add_argument("--service-accounts", type=int, default=50000)
    ap.add_argument("--roles", type=int, default=5000)
    ap.add_argument("--bindings", type=int, default=20000)
    ap.add_argument("--formats", default="yaml,json")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--style", choices=["dump", "manifests"], default="dump")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    objs = generate(a)
    if a.style == "manifests":
        objs = [strip(o) for o in objs]
    formats = a.formats.split(",")
    if "json" in formats:
        with open(os.path.join(a.out, "cluster.json"), "w") as f:
            json.dump({"apiVersion": "v1", "kind": "List", "items": objs}, f, indent=4)
    if "yaml" in formats:
        import yaml
        with open(os.path.join(a.out, "cluster.yaml"), "w") as f:
            yaml.dump_all(objs, f, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), default_flow_style=False, sort_keys=False, width=200)
    for fmt in formats:
        p = os.path.join(a.out, "cluster." + fmt)
        print("%s: %d objects, %.1f MB" % (p, len(objs), os.path.getsize(p) / 1e6))


if __name__ == "__main__":
    main()
