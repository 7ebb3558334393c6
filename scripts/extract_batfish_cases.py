#!/usr/bin/env python3
"""Turns the trace assertions of ../shared/corpora/aws-vpc/batfish/expected-traces.json
into grantpath `aws reach` cases: tests/corpus/aws-vpc/batfish-cases.json.

Each case: the snapshot folder, --from, --to, --port, the expected
disposition (or "allowed" for a bidirectional trace) and Batfish's hop list.
Flows grantpath cannot express (sources that are VPN gateways, on-premises
routers, subnets, VPCs or load-balancer nodes) are kept with "from": null
and a reason, so the agreement test counts every assertion. A load
balancer node's address (getInterfaceIp) is read from the snapshot's
NetworkInterfaces.json, its listener port from LoadBalancerListeners.json,
and a node in a hop list is named by its load balancer's name.

usage: scripts/extract_batfish_cases.py [CORPORA]
"""
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPORA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "corpora")
BASE = os.path.join(CORPORA, "aws-vpc", "batfish")
RES = "projects/batfish/src/test/resources/"


SNAPSHOT = {}  # the current snapshot folder, for lookups in its files


def snapshot_json(name):
    folder = SNAPSHOT.get("dir")
    if not folder:
        return {}
    for root, _, files in os.walk(folder):
        if name in files:
            with open(os.path.join(root, name)) as fh:
                return json.load(fh)
    return {}


def interface_ip(eni):
    for e in snapshot_json("NetworkInterfaces.json").get("NetworkInterfaces", []):
        if e.get("NetworkInterfaceId") == eni:
            return e.get("PrivateIpAddress")
    return None


def listener_port():
    for lb in snapshot_json("LoadBalancerListeners.json").get("LoadBalancerListeners", []):
        for l in lb.get("Listeners", []):
            return str(l["Port"])
    return None


def load_balancer_name(dns):
    for lb in snapshot_json("LoadBalancers.json").get("LoadBalancers", []):
        if lb.get("DNSName") == dns:
            return lb.get("LoadBalancerName")
    return None


def resolve(expr, consts):
    expr = expr.strip()
    m = re.fullmatch(r"getInterfaceIp\(\s*\w+\s*,\s*(\w+)\s*,\s*_batfish\)", expr)
    if m and m.group(1) in consts:
        return interface_ip(consts[m.group(1)])
    m = re.fullmatch(r'LoadBalancer\.getNodeId\("([^"]+)",\s*"[^"]+"\)', expr)
    if m:
        return load_balancer_name(m.group(1))
    if expr == "_listenerPort":
        return listener_port()
    m = re.fullmatch(r"_listenerPort\s*\+\s*(\d+)", expr)
    if m and listener_port():
        return str(int(listener_port()) + int(m.group(1)))
    if expr in ("INTERNET_HOST_NAME", "IspModelingUtils.INTERNET_HOST_NAME"):
        return "internet"
    m = re.fullmatch(r'Ip\.parse\("([^"]+)"\)', expr)
    if m:
        return m.group(1)
    m = re.fullmatch(r"(\w+)\.getStartIp\(\)", expr)
    if m and m.group(1) in consts:
        return consts[m.group(1)].split("/")[0]
    if expr in consts:
        v = consts[expr]
        if v.startswith("LoadBalancer.getNodeId("):
            return resolve(v, consts)
        if "(" in v or v.endswith("File"):
            return None
        return v
    if expr == "NamedPort.SSH.number()":
        return "22"
    if re.fullmatch(r"\d+", expr):
        return expr
    return None


def split_args(s):
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def flow(expr, consts, local):
    """(from, to, port) or a reason."""
    expr = expr.strip()
    if expr in local:
        expr = local[expr]
    consts = dict(consts)
    for k, v in local.items():  # locals such as nlb1Ip = getInterfaceIp(...)
        r = resolve(v, consts)
        if r:
            consts[k] = r
    m = re.match(r"getAnyFlow\((.*)\)$", expr, re.S)
    if m:
        a = split_args(m.group(1))
        src, dst = resolve(a[0], consts), resolve(a[1], consts)
        return (src, dst, "all") if src and dst else "source or destination is not an instance, IP or the internet"
    m = re.match(r"getTcpFlow\((.*)\)$", expr, re.S)
    if m:
        a = split_args(m.group(1))
        if a[-1] == "_batfish":  # (node, dstIp, port, batfish)
            src, dst, port = resolve(a[0], consts), resolve(a[1], consts), resolve(a[2], consts)
        else:  # (INTERNET, srcIp, dstIp, port)
            src, dst, port = resolve(a[0], consts), resolve(a[2], consts), resolve(a[3], consts)
            if src == "internet" and resolve(a[1], consts) != "8.8.8.8":
                return "the flow starts at a subnet"
        if src and dst and port:
            return (src, dst, port + "/tcp")
        return "source or destination is not an instance, IP or the internet"
    m = re.search(r"setIngressNode\(([^)]*)\).*?setDstIp\(([^)]*\)?)\)", expr, re.S)
    if m:
        src = resolve(m.group(1), consts)
        dst = resolve(m.group(2), consts)
        proto = "all"
        if "IpProtocol" in expr:
            return "a flow of another IP protocol"
        if src == "internet" and dst:
            return (src, dst, proto)
        return "the flow starts at a VPC"
    return "flow expression not translated"


def main():
    data = json.load(open(os.path.join(BASE, "expected-traces.json")))
    cases = []
    for cls in data:
        consts = cls["constants"]
        snap = consts.get("TESTCONFIGS_DIR")
        SNAPSHOT["dir"] = snap and os.path.join(BASE, RES, snap, "aws_configs")
        for test in cls["tests"]:
            local = test["locals"]
            for a in test["assertions"]:
                if a["call"] not in ("testTrace", "testBidirectionalTrace"):
                    continue
                args = split_args(a["args"])
                case = {"class": cls["class"], "test": test["test"], "snapshot": snap and RES + snap + "/aws_configs",
                        "from": None, "to": None, "port": None}
                if a["call"] == "testTrace":
                    disp = re.search(r"FlowDisposition\.(\w+)", a["args"])
                    case["expected"] = disp.group(1) if disp else None
                    hops = args[2] if len(args) > 2 else ""
                else:
                    case["expected"] = "allowed"
                    hops = args[1] if len(args) > 1 else ""
                case["batfish_hops"] = re.sub(r"\s+", " ", hops)
                m = re.match(r"ImmutableList\.of\((.*)\)$", case["batfish_hops"].strip(), re.S)
                ids = []
                if m:
                    for h in split_args(m.group(1)):
                        if h in ("AWS_BACKBONE_HOSTNAME",):
                            ids.append("isp_16509")
                            continue
                        ids.append(resolve(h, consts) or "?" + h)
                case["batfish_hop_ids"] = ids
                f = flow(args[0], consts, local)
                if args[0].startswith("flowTraces.get"):
                    f = "a second trace of a multipath flow"
                if isinstance(f, tuple):
                    case["from"], case["to"], case["port"] = f
                else:
                    case["untranslated"] = f
                cases.append(case)
    out = os.path.join(ROOT, "tests", "corpus", "aws-vpc", "batfish-cases.json")
    with open(out, "w") as fh:
        json.dump(cases, fh, indent=1)
        fh.write("\n")
    print("%d cases, %d translated -> %s" % (len(cases), sum(1 for c in cases if c["from"]), os.path.relpath(out, ROOT)))


if __name__ == "__main__":
    main()
