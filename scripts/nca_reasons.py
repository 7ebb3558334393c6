#!/usr/bin/env python3
"""Fills the reason column of tests/fixtures/nca/differences.txt for the
lines whose cause is known by pattern; other lines keep their reason (or
TODO, which the corpus test rejects). Run after
GRANTPATH_UPDATE_DIFFERENCES=1 build/tests/grantpath_tests "[nca]"."""
import re
import sys

PATTERNS = [
    (r"testcase26-multi-layer-reduncancy-scheme.yaml redundancy-6",
     "request dimension: NCA keeps HTTP methods as a dimension of connections; grantpath's connections are L4 (protocol and port), so the Istio DENY rule on GET requests from ratings changes no connection (its explanation says which requests it denies) and, alone in the Istio layer, is redundant for grantpath while NCA counts it as not redundant"),
    (r"global\(\) is only valid alone",
     "NCA accepts global() combined with other terms in a namespaceSelector; Calico's validator rejects it, and so does grantpath"),
    (r"invalid policy name 'testcase19-policy",
     "the policy name's tier part (before the dot) is longer than 63 characters: Calico's validator rejects it, NCA accepts it"),
    (r"invalid Calico selector 'unique-label == 'cnc-ntsginNameSpace''",
     "the selector ends with an unbalanced quote: Calico's selector parser rejects it, NCA accepts it"),
    (r"non_vacous_policies \(vacuity\)",
     "policies without order: Calico (and grantpath) break ties by name, NCA keeps file order; in equiv-games1 the allow-all policy 'testcase15-enable-all-connections' sorts first by name, so the configuration is vacuous"),
    (r"sanity_np11-global-enable-with-label-to-apply",
     "NCA ignores Profile rules (every pod ends with allow-all); this input's Profiles have no rules, which Calico reads as deny, so the deny-all policy changes nothing and is redundant here"),
    (r"testcase22-scheme.yaml cnc-evaluation-service-no-mistake",
     "nets: NCA's nets never match pods; Calico matches a pod's address (the WorkloadEndpoints' ipNetworks), so the global allow from 0.0.0.0/0 also lets pods in"),
    (r"redundancy_with_ingress",
     "NCA's ingress layer: with ingress_list.yaml's Ingress resources NCA limits what kube-system pods (the ingress controller's namespace) send to the Ingress backends' TCP ports, hosts and paths (its connectivity maps of global-simple and global-simple-with-ingress differ), which changes what removing a rule of the global policies changes; grantpath reads Ingress objects as routes for exposure, not as a policy layer, and counts as without them: equiv-games2 3, global-simple-with-ingress 2, global-not-simple-with-ingress 4 (NCA 6 in all)"),
    (r"testcase15-ports/testcase15-scheme.yaml equiv_new_TCP",
     "source ports: grantpath's connections are destination ports; an Allow limited by source ports counts as matching (the client picks its port), NCA keeps source ports as a dimension"),
]


def main(path):
    out = []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line or line.startswith("#") or "\t" not in line:
            out.append(line)
            continue
        what, reason = line.split("\t", 1)
        if reason == "TODO":
            for pat, text in PATTERNS:
                if re.search(pat, what):
                    reason = text
                    break
        out.append(what + "\t" + reason)
    open(path, "w", encoding="utf-8").write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/nca/differences.txt")
