#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole chain on the default preset (npu-pf32):
# simulate MobileNetV2-1.0-224, sweep the parallelism factor over 8, 16, 32, 64, label sampled
# units in SystemC, fit the latency estimator on them, then a short NSGA-II search of the default
# search space scored by the estimator, whose front is verified in SystemC at the end.
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

# The NAS chain: labels -> estimator -> search -> verification. Files go to $DEMO_DIR.
DEMO_DIR="${ACCELNAS_DEMO_DIR:-$ROOT/demo_out}"
mkdir -p "$DEMO_DIR"
# A fresh label store each run: one left by an older version of the model holds labels of
# another hardware description, which label refuses to mix in (the demo takes seconds).
rm -f "$DEMO_DIR/labels.db" "$DEMO_DIR/labels.db-wal" "$DEMO_DIR/labels.db-shm"
echo
echo "\$ accelnas label --space mobilenet --count 6000 --db $DEMO_DIR/labels.db --jobs 2"
"$BIN" label --space mobilenet --count 6000 --db "$DEMO_DIR/labels.db" --jobs 2
echo
echo "\$ accelnas fit --db $DEMO_DIR/labels.db -o $DEMO_DIR/estimator.json"
"$BIN" fit --db "$DEMO_DIR/labels.db" -o "$DEMO_DIR/estimator.json"
echo
echo "\$ accelnas search --estimator $DEMO_DIR/estimator.json --evaluations 3000 --max-latency 1ms -o $DEMO_DIR/search"
rm -rf "$DEMO_DIR/search"  # a fresh run each time (a rerun of the same command would resume it)
"$BIN" search --estimator "$DEMO_DIR/estimator.json" --evaluations 3000 --max-latency 1ms \
  -o "$DEMO_DIR/search"
