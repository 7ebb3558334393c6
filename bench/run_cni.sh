#!/usr/bin/env bash
# Calico and Cilium benchmark: the 5k-pod bench cluster of run_net.sh with
# 1,000 Calico policies in 3 tiers and 500 GlobalNetworkPolicies (one
# input), or 500 CNPs and CCNPs (another: a cluster runs one CNI), mixed
# with its 2,000 NetworkPolicies; and the 100k-pod cluster with the same
# proportion (20,000 Calico policies and 10,000 GNPs; 10,000 CNPs/CCNPs);
# and the Calico inputs with Istio on top (sidecars in 4 of 5 namespaces,
# STRICT mTLS, 500 or 10,000 AuthorizationPolicies).
# Wall time and peak RSS end to end; reach over 21 runs.
source "$(dirname "$0")/net_common.sh"
cni() { [ -f "$OUT/$2" ] || /usr/bin/python3 bench/gen_cni.py "$OUT/$1" "$OUT/$2" "${@:3}"; }
gen net-5k.json --pods 5000 --namespaces 200 --policies 2000 --replicas 1
gen net-100k.json --pods 100000 --namespaces 1000 --policies 10000 --replicas 5
cni net-5k.json net-5k-calico.json --calico 1000 --gnps 500
cni net-5k.json net-5k-cilium.json --cilium 500
cni net-100k.json net-100k-calico.json --calico 20000 --gnps 10000
cni net-100k.json net-100k-cilium.json --cilium 10000
cni net-5k.json net-5k-istio.json --calico 1000 --gnps 500 --istio 500
cni net-100k.json net-100k-istio.json --calico 20000 --gnps 10000 --istio 10000
for f in calico cilium istio; do
  M "5k $f: net matrix --by-class" -- $G net matrix --by-class "$OUT/net-5k-$f.json" -o "$OUT/class-5k-$f.txt"
  echo "5k $f: $(grep -c '^class' "$OUT/class-5k-$f.txt") classes"
  M "5k $f: net matrix (full, txt)" -- $G net matrix "$OUT/net-5k-$f.json" -o "$OUT/matrix-5k-$f.txt"
  echo "5k $f: $(wc -l < "$OUT/matrix-5k-$f.txt") matrix lines"
  M "5k $f: net reach, end to end" --runs 21 -- $G net reach --from ns-0001/app-00001 --to ns-0002/app-00002 "$OUT/net-5k-$f.json"
  M "100k $f: net matrix --by-class" -- $G net matrix --by-class "$OUT/net-100k-$f.json" -o "$OUT/class-100k-$f.txt"
  echo "100k $f: $(grep -c '^class' "$OUT/class-100k-$f.txt") classes"
done
M "5k calico: scan (all rules)" -- $G scan "$OUT/net-5k-calico.json" -o /dev/null --fail-on none
