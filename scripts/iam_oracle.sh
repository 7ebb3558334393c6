#!/usr/bin/env bash
# Replays grantpath's IAM witnesses through @cloud-copilot/iam-simulate (an
# independent simulator, AGPL: installed with npm into a temporary directory
# at run time, run as a separate node process, never linked or vendored) and
# reports the agreement. Needs the shared corpora next to the repository.
# Usage: scripts/iam_oracle.sh [CORPORA]
set -euo pipefail
cd "$(dirname "$0")/.."
CORPORA=${1:-../shared/corpora}
cmake --build build --target grantpath -j"$(nproc)" > /dev/null
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
npm install --no-audit --no-fund --silent --prefix "$TMP" @cloud-copilot/iam-simulate > /dev/null
python3 tests/tools/iam_oracle_check.py ./build/analyzer/cli/grantpath "$TMP/node_modules" "$CORPORA"
