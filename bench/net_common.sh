# Shared by the network benchmarks (sourced): bench/common.sh, the output
# folder and the cluster generator.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
OUT=${OUT:-bench/out/net}
mkdir -p "$OUT"
gen() { [ -f "$OUT/$1" ] || /usr/bin/python3 bench/gen_netpol.py "$OUT/$1" "${@:2}"; }
