#!/usr/bin/env bash
# Installs what grantpath needs from Debian's packages (only what is missing)
# and configures a Release build in build/. Safe to run again: fast when
# everything is present.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake pkg-config
  libyaml-cpp-dev libfyaml-dev nlohmann-json3-dev libz3-dev libboost-graph-dev libcli11-dev catch2
  python3 python3-jsonschema python3-yaml
  git file dpkg-dev groff-base zsh
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Configuring again is cheap and applies GRANTPATH_CMAKE_FLAGS (CI adds -Werror).
# shellcheck disable=SC2086
cmake -S . -B build -DCMAKE_BUILD_TYPE="${GRANTPATH_BUILD_TYPE:-Release}" \
  -DGRANTPATH_BUILD_TESTS=ON -DGRANTPATH_WERROR=OFF ${GRANTPATH_CMAKE_FLAGS:-} > /dev/null
