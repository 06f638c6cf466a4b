#!/usr/bin/env bash
# Installs what is missing, builds, simulates MobileNetV2-1.0-224 on the default preset, then
# sweeps the parallelism factor over 8, 16, 32, 64 for the same network.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh"
"$ROOT/scripts/build.sh" --target accelnas
BIN="${ACCELNAS_BUILD_DIR:-$ROOT/build}/sim/accelnas"

echo "\$ accelnas simulate --model mobilenet_v2"
"$BIN" simulate --model mobilenet_v2
echo
echo "\$ accelnas sweep --model mobilenet_v2 --set compute.parallelism_factor=8,16,32,64 --jobs 2"
"$BIN" sweep --model mobilenet_v2 --set compute.parallelism_factor=8,16,32,64 --jobs 2 --quiet
