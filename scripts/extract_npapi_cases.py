#!/usr/bin/env python3
"""Turns network-policy-api's conformance tests (conformance/tests/*.go of a
kubernetes-sigs/network-policy-api checkout) into `net reach` questions for
tests/e2e/npapi_conformance_test.cc: every PokeServer of a t.Run block
before the first block that changes the policies (a mutate, Update, Create
or Delete), with the server taken from the block's GetPod. StatefulSet pods
("luna-lovegood-0") become their workloads ("luna-lovegood"); every replica
carries the same labels. The manifests the tests use are copied under
tests/fixtures/network-policy-api/base, with the Go template's host-network
ports written as 34000-34003.

Usage: extract_npapi_cases.py CHECKOUT [OUT_DIR]
"""
import json
import os
import re
import shutil
import sys


def blocks(text):
    starts = [m.start() for m in re.finditer(r"t\.Run\(", text)]
    for i, s in enumerate(starts):
        yield text[s:starts[i + 1] if i + 1 < len(starts) else len(text)]


def workload(pod):
    return re.sub(r"-\d+$", "", pod)


def main(checkout, out):
    tests = os.path.join(checkout, "conformance", "tests")
    cases, used = [], set()
    for name in sorted(os.listdir(tests)):
        if not name.endswith(".go") or name == "main.go":
            continue
        text = open(os.path.join(tests, name)).read()
        manifests = re.findall(r'Manifests:\s*\[\]string\{([^}]*)\}', text)
        if not manifests:
            continue
        files = re.findall(r'"([^"]+)"', manifests[0])
        for block in blocks(text):
            if re.search(r"mutate|\.Update\(|\.Create\(|\.Delete\(", block):
                break  # later blocks see changed policies
            title = re.match(r't\.Run\("([^"]*)"', block).group(1)
            server = None  # the GetPod last assigned before each PokeServer
            for m in re.finditer(r'GetPod\(t, s\.Client, "([^"]+)", "([^"]+)"|'
                                 r'PokeServer\(t, s\.ClientSet, &s\.KubeConfig, "([^"]+)", "([^"]+)", "(\w+)",\s*'
                                 r'(\S+), int32\((\d+)\), s\.TimeoutConfig, (true|false)\)', block):
                if m.group(1):
                    server = m
                    continue
                ns, pod, proto, target, port, ok = m.groups()[2:]
                if target != "serverPod.Status.PodIP" or server is None:
                    continue
                cases.append({"test": name, "block": title, "manifests": files,
                              "from": ns + "/" + workload(pod), "to": server.group(1) + "/" + workload(server.group(2)),
                              "port": port + "/" + proto.upper(), "expected": ok == "true"})
                used.update(files)
    base_out = os.path.join(out, "base")
    for f in sorted(used | {"base/manifests.yaml"}):
        dst = os.path.join(out, f)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        text = open(os.path.join(checkout, "conformance", f)).read()
        text = re.sub(r"\{\{ index \.HostNetworkPorts (\d) \}\}", lambda m: "3400" + m.group(1), text)
        open(dst, "w").write(text)
    with open(os.path.join(out, "cases.json"), "w") as fh:
        json.dump(cases, fh, indent=1)
        fh.write("\n")
    print("%d cases from %d manifests" % (len(cases), len(used)))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "tests/fixtures/network-policy-api")
