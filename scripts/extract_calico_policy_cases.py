#!/usr/bin/env python3
"""Extracts the policy cases of Calico's validator
(../shared/corpora/calico/tiers/validator-cases.json: NetworkPolicy,
GlobalNetworkPolicy, their Staged* kinds, Tier, Rule, EntityRule,
ICMPFields, HTTPMatch, NetworkSet and GlobalNetworkSet) and writes each as a
projectcalico.org/v3 object with the expected verdict to
tests/corpus/calico/policy-cases.json.

The Go composite literal of each case is parsed and turned into the object's
YAML fields (JSON here). A standalone Rule, EntityRule, ICMPFields or
HTTPMatch is wrapped in a GlobalNetworkPolicy ingress rule. A case whose
literal uses a value the script cannot know (a Go variable that is not in
the corpus' `vars`) is counted as skipped with its reason.
"""
import json
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "..", "shared", "corpora", "calico", "tiers", "validator-cases.json")
OUT = os.path.join(ROOT, "tests", "corpus", "calico", "policy-cases.json")

KINDS = {"NetworkPolicy", "GlobalNetworkPolicy", "StagedNetworkPolicy", "StagedGlobalNetworkPolicy", "Tier", "Rule",
         "EntityRule", "ICMPFields", "HTTPMatch", "NetworkSet", "GlobalNetworkSet", "NetworkSetSpec",
         "GlobalNetworkSetSpec"}
CONSTS = {"api.PolicyTypeIngress": "Ingress", "api.PolicyTypeEgress": "Egress", "api.StagedActionDelete": "Delete",
          "api.StagedActionSet": "Set", "names.DefaultTierName": "default", "names.KubeAdminTierName": "kube-admin",
          "names.KubeBaselineTierName": "kube-baseline", "api.PerfHintAssumeNeededOnEveryNode": "AssumeNeededOnEveryNode",
          "true": True, "false": False, "nil": None}
# Locals of validator_test.go that the corpus' `vars` does not carry: the tier
# orders (the built-in tiers' documented orders; any other order for the
# rest) and the name-length values (63, 64 and 253 characters).
LOCALS = {"tierOrder": 100, "defaultTierBadOrder": 10, "defaultTierOrder": 1000000, "adminTierOrder": 1000,
          "baselineTierOrder": 10000000, "value63": "a" * 63, "value64": "a" * 64, "longValue": "a" * 253,
          "defaultActionDeny": "Deny", "defaultActionPass": "Pass"}
SPECIAL = {"ICMP": "icmp", "HTTP": "http", "IPVersion": "ipVersion", "NotICMP": "notICMP"}


class Skip(Exception):
    pass


class Go:
    """A recursive-descent reader of the Go composite literals the cases use."""

    TOKEN = re.compile(r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<raw>`[^`]*`)|(?P<num>-?\d+(?:\.\d+)?)|'
                       r'(?P<id>[A-Za-z_][A-Za-z0-9_.]*)|(?P<p>\[\]|[{}()\[\],:&*]))')

    def __init__(self, text, vars_):
        self.toks = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = self.TOKEN.match(text, pos)
            if not m or m.end() == pos:
                if text[pos:].strip() == "":
                    break
                raise Skip("unreadable Go at %r" % text[pos:pos + 20])
            kind = m.lastgroup
            self.toks.append((kind, m.group(kind)))
            pos = m.end()
        self.i = 0
        self.vars = vars_

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self, want=None):
        t = self.peek()
        if want is not None and t[1] != want:
            raise Skip("expected %s, got %s" % (want, t[1]))
        self.i += 1
        return t

    def type_name(self):
        k, v = self.peek()
        if v == "[]":
            self.take()
            return "[]" + self.type_name()
        if v == "map":
            self.take()
            self.take("[")
            self.type_name()
            self.take("]")
            return "map[]" + self.type_name()
        if k == "id":
            self.take()
            return v
        raise Skip("expected a type, got %s" % v)

    def value(self):
        k, v = self.peek()
        if v in ("&", "*"):
            self.take()
            return self.value()
        if k == "str":
            self.take()
            return json.loads(v)
        if k == "raw":
            self.take()
            return v[1:-1]
        if k == "num":
            self.take()
            return float(v) if "." in v else int(v)
        if v == "{":
            return self.composite(None)
        if v == "[]" or v == "map":
            t = self.type_name()
            return self.composite(t)
        if k == "id":
            # A call, a typed composite, a constant or a variable.
            nk, nv = self.toks[self.i + 1] if self.i + 1 < len(self.toks) else (None, None)
            if nv == "(":
                self.take()
                self.take("(")
                args = []
                while self.peek()[1] != ")":
                    args.append(self.value())
                    if self.peek()[1] == ",":
                        self.take()
                self.take(")")
                return self.call(v, args)
            if nv == "{":
                self.take()
                return self.composite(v)
            self.take()
            if v in CONSTS:
                return CONSTS[v]
            if v in LOCALS:
                return LOCALS[v]
            if v in self.vars:
                x = self.vars[v]
                return int(x) if re.fullmatch(r"-?\d+", x) else x
            raise Skip("unknown Go value %s" % v)
        raise Skip("unexpected %s" % v)

    def call(self, fn, args):
        if fn in ("protocolFromString", "numorstring.ProtocolFromString"):
            return args[0]
        if fn in ("numorstring.ProtocolFromInt", "protocolFromInt"):
            return args[0]
        if fn == "numorstring.SinglePort":
            return args[0]
        if fn == "numorstring.PortFromRange":
            return "%s:%s" % (args[0], args[1])
        if fn == "numorstring.NamedPort":
            return args[0]
        if fn in ("api.PolicyType", "api.PolicyPerformanceHint", "string", "api.Action", "api.StagedAction"):
            return args[0]
        raise Skip("unknown Go call %s" % fn)

    def composite(self, type_name):
        self.take("{")
        fields, items = {}, []
        while self.peek()[1] != "}":
            # key: value, or a value (slice element).
            if self.peek()[0] == "id" and self.i + 1 < len(self.toks) and self.toks[self.i + 1][1] == ":":
                key = self.take()[1]
                self.take(":")
                fields[key] = self.value()
            elif self.peek()[0] == "str" and self.i + 1 < len(self.toks) and self.toks[self.i + 1][1] == ":":
                key = json.loads(self.take()[1])
                self.take(":")
                fields[key] = self.value()
            else:
                items.append(self.value())
            if self.peek()[1] == ",":
                self.take()
        self.take("}")
        if type_name == "[]numorstring.Port":
            return [port(x) if isinstance(x, dict) else x for x in items]
        if type_name and type_name.startswith("[]"):
            return items
        if type_name and type_name.startswith("map[]"):
            return fields
        if type_name == "numorstring.Port":
            return port(fields)
        if items and not fields:
            return items
        return fields


def port(fields):
    """A numorstring.Port literal as Calico's YAML writes it."""
    if fields.get("PortName"):
        if fields.get("MinPort") or fields.get("MaxPort"):
            raise Skip("a port with both a name and numbers has no YAML form")
        return fields["PortName"]
    lo, hi = fields.get("MinPort", 0), fields.get("MaxPort", 0)
    return lo if lo == hi else "%s:%s" % (lo, hi)


def camel(key):
    if key in SPECIAL:
        return SPECIAL[key]
    return key[0].lower() + key[1:]


def yamlish(v):
    if isinstance(v, dict):
        return {camel(k) if k[:1].isupper() else k: yamlish(x) for k, x in v.items() if x is not None}
    if isinstance(v, list):
        return [yamlish(x) for x in v]
    return v


def to_object(kind, lit):
    meta = lit.get("ObjectMeta", {})
    spec = lit.get("Spec", {})
    if kind in ("Rule", "EntityRule", "ICMPFields", "HTTPMatch"):
        rule = lit if kind == "Rule" else (
            {"Action": "Allow", "Source": lit} if kind == "EntityRule" else
            {"Action": "Allow", "Protocol": "ICMP", "ICMP": lit} if kind == "ICMPFields" else
            {"Action": "Allow", "HTTP": lit})
        kind, meta, spec = "GlobalNetworkPolicy", {"Name": "case"}, {"Ingress": [rule]}
    if kind.endswith("Spec"):
        kind, meta, spec = kind[:-4], {"Name": "case", "Namespace": "default"} if kind == "NetworkSetSpec" else {"Name": "case"}, lit
    m = {}
    if "Name" in meta:
        m["name"] = meta["Name"]
    if "Namespace" in meta:
        m["namespace"] = meta["Namespace"]
    if "Labels" in meta:
        m["labels"] = meta["Labels"]
    if "Annotations" in meta:
        m["annotations"] = meta["Annotations"]
    return {"apiVersion": "projectcalico.org/v3", "kind": kind, "metadata": m, "spec": yamlish(spec)}


def main():
    src = json.load(open(SRC))
    cases, skipped = [], []
    for c in src["cases"]:
        if c["kind"] not in KINDS:
            continue
        try:
            lit = Go(c["go"], src["vars"]).value()
            if not isinstance(lit, dict):
                raise Skip("not a struct literal")
            cases.append({"desc": c["desc"], "kind": c["kind"], "valid": c["valid"], "object": to_object(c["kind"], lit)})
        except (Skip, IndexError, ValueError) as e:
            skipped.append({"desc": c["desc"], "kind": c["kind"], "reason": str(e)})
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"source": "../shared/corpora/calico/tiers/validator-cases.json (Apache-2.0), converted by "
                             "scripts/extract_calico_policy_cases.py", "cases": cases, "skipped": skipped}, f, indent=1)
    print("%d cases written, %d skipped" % (len(cases), len(skipped)))


if __name__ == "__main__":
    main()
