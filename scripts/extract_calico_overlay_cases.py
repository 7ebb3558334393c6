#!/usr/bin/env python3
"""Extracts the IPPool and FelixConfiguration cases of Calico's validator
(../shared/corpora/calico/tiers/validator-cases.json) that are about
encapsulation, pool addressing and WireGuard, and writes them as YAML objects
with the expected verdict to tests/corpus/calico/overlay-cases.json.

A case is kept when every field of its Go literal is one grantpath reads:
CIDR, IPIPMode, VXLANMode, Disabled, AllowedUses and the Wireguard* fields
(plus the object's Name). Other cases (labels, selectors, BGP) are counted
as skipped in the output.
"""
import json, os, re, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "..", "shared", "corpora", "calico", "tiers", "validator-cases.json")
OUT = os.path.join(ROOT, "tests", "corpus", "calico", "overlay-cases.json")

POOL = {"CIDR": "cidr", "IPIPMode": "ipipMode", "VXLANMode": "vxlanMode", "Disabled": "disabled",
        "AllowedUses": "allowedUses"}
FELIX = {"WireguardEnabled": "wireguardEnabled", "WireguardEnabledV6": "wireguardEnabledV6",
         "WireguardListeningPort": "wireguardListeningPort", "WireguardListeningPortV6": "wireguardListeningPortV6",
         "WireguardRoutingRulePriority": "wireguardRoutingRulePriority",
         "WireguardInterfaceName": "wireguardInterfaceName", "WireguardInterfaceNameV6": "wireguardInterfaceNameV6"}
CONSTS = {"api.IPIPModeNever": "Never", "api.IPIPModeAlways": "Always", "api.IPIPModeCrossSubnet": "CrossSubnet",
          "api.VXLANModeNever": "Never", "api.VXLANModeAlways": "Always", "api.VXLANModeCrossSubnet": "CrossSubnet",
          "api.IPPoolAllowedUseWorkload": "Workload", "api.IPPoolAllowedUseTunnel": "Tunnel",
          "api.IPPoolAllowedUseLoadBalancer": "LoadBalancer", "true": True, "false": False}


def value(tok, vars_):
    tok = tok.strip().lstrip("&")
    if tok.startswith('"') and tok.endswith('"'):
        return tok[1:-1]
    if tok in CONSTS:
        return CONSTS[tok]
    if tok in vars_:
        v = vars_[tok]
        return int(v) if re.fullmatch(r"-?\d+", v) else v
    if re.fullmatch(r"-?\d+", tok):
        return int(tok)
    raise ValueError(tok)


def spec_fields(go):
    m = re.search(r"(?:api\.IPPoolSpec|api\.FelixConfigurationSpec)\{(.*)\}", go, re.S)
    if not m:
        return None
    body = m.group(1)
    # Cut at the spec's own closing brace: count braces.
    depth, end = 0, len(body)
    for i, ch in enumerate(body):
        if ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                end = i
                break
            depth -= 1
    body = body[:end]
    fields, depth, cur = [], 0, ""
    for ch in body:
        if ch == "," and depth == 0:
            fields.append(cur)
            cur = ""
            continue
        depth += ch == "{"
        depth -= ch == "}"
        cur += ch
    fields.append(cur)
    return [f.strip() for f in fields if f.strip()]


def main():
    data = json.load(open(SRC))
    vars_ = data["vars"]
    out, skipped = [], 0
    for c in data["cases"]:
        kind = c["kind"]
        if kind not in ("IPPool", "IPPoolSpec", "FelixConfiguration", "FelixConfigurationSpec"):
            continue
        go = c["go"]
        meta = re.search(r"ObjectMeta:\s*v1\.ObjectMeta\{(.*?)\}", go, re.S)
        if meta and not re.fullmatch(r'\s*Name:\s*"[^"]*"\s*,?\s*', meta.group(1)):
            skipped += 1
            continue
        fields = spec_fields(go)
        table = POOL if kind.startswith("IPPool") else FELIX
        spec, ok = {}, fields is not None
        for f in fields or []:
            k, _, v = f.partition(":")
            k = k.strip()
            if k not in table:
                ok = False
                break
            v = v.strip()
            try:
                if v.startswith("[]api.IPPoolAllowedUse{"):
                    items = v[len("[]api.IPPoolAllowedUse{"):].rstrip("}").split(",")
                    spec[table[k]] = [value(x, vars_) for x in items if x.strip()]
                else:
                    spec[table[k]] = value(v, vars_)
            except ValueError:
                ok = False
                break
        if not ok or not spec:
            skipped += 1
            continue
        obj_kind = "IPPool" if kind.startswith("IPPool") else "FelixConfiguration"
        name = "pool-name" if obj_kind == "IPPool" else "default"
        lines = ["apiVersion: projectcalico.org/v3", "kind: " + obj_kind, "metadata:", "  name: " + name, "spec:"]
        for k, v in spec.items():
            lines.append("  %s: %s" % (k, json.dumps(v)))
        out.append({"desc": c["desc"], "valid": c["valid"], "yaml": "\n".join(lines) + "\n"})
    json.dump({"source": "derived from ../shared/corpora/calico/tiers/validator-cases.json by "
               "scripts/extract_calico_overlay_cases.py", "skipped": skipped, "cases": out},
              open(OUT, "w"), indent=1)
    print("%d cases, %d skipped" % (len(out), skipped))


if __name__ == "__main__":
    sys.exit(main())
