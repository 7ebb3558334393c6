#!/usr/bin/env bash
# Sets up, builds and scans the bundled example, printing the findings.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
cmake --build build --target grantpath -j"$(nproc)"
echo
echo "$ grantpath scan examples/demo-cluster"
status=0
./build/analyzer/cli/grantpath scan examples/demo-cluster "$@" || status=$?
echo
echo "(exit code ${status}: 1 means findings at or above --fail-on high)"
