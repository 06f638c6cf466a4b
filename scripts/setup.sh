#!/usr/bin/env bash
# Installs the Debian packages accelnas needs to build and test, plus any package named as an
# argument (scripts/check.sh adds its compiler and sanitizer runtimes so). Idempotent: prints
# nothing and exits 0 when everything is already installed.
set -euo pipefail

PACKAGES=(
  g++ cmake make pkg-config
  libsystemc-dev
  libboost-graph-dev
  libyaml-cpp-dev
  doctest-dev
  libcli11-dev
  nlohmann-json3-dev
  libonnx-dev
  libprotobuf-dev
  libsqlite3-dev
  libxgboost-dev
  python3-matplotlib
  libopenmpi-dev openmpi-bin
  "$@"
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "setup.sh: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi
echo "setup.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
