#!/usr/bin/env bash
# Configures and builds accelnas (Release) into build/ (or $ACCELNAS_BUILD_DIR).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${ACCELNAS_BUILD_DIR:-$ROOT/build}"
JOBS="${ACCELNAS_JOBS:-$(nproc)}"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j"$JOBS" "$@" | grep -vE '^\[ *[0-9]+%\] (Building|Linking|Built)' || true
test "${PIPESTATUS[0]}" -eq 0
