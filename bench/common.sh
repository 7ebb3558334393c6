# Shared by the bench/run_*.sh scripts (sourced): strict mode, the project
# root, the CLI and the calibration program built, the header with the
# commit and the calibration loop, and M to measure a command:
#   M LABEL [--runs N] [--stdout FILE] [--ok CODES] -- CMD...
# prints a table row (min, median, max wall time and peak RSS over N runs;
# RUNS overrides the default of 3). See bench/measure.py.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cmake --build build --target grantpath grantpath_calibrate -j"$(nproc)" > /dev/null
G=./build/analyzer/cli/grantpath
M() { /usr/bin/python3 bench/measure.py run --label "$1" "${@:2}"; }
/usr/bin/python3 bench/measure.py header
