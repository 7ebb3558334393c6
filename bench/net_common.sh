# Shared by the network benchmarks (sourced): strict mode, the output
# folder, the CLI built, and the cluster generator.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT=${OUT:-bench/out/net}
mkdir -p "$OUT"
cmake --build build --target grantpath -j"$(nproc)" > /dev/null
gen() { [ -f "$OUT/$1" ] || /usr/bin/python3 bench/gen_netpol.py "$OUT/$1" "${@:2}"; }
