#!/usr/bin/env bash
# The estimator study of docs/ESTIMATOR.md: labels from both shipped spaces, a fit with each
# target, validation on the zoo and 500 random networks, and one adaptive round against as many
# random labels. Takes about 5 minutes on 2 cores.
# Usage: scripts/estimator_study.sh [WORK_DIR]   (default: a new temporary directory)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh"
"$ROOT/scripts/build.sh" --target accelnas
A="${ACCELNAS_BUILD_DIR:-$ROOT/build}/sim/accelnas"
D="${1:-$(mktemp -d)}"
mkdir -p "$D"
cd "$D"
echo "work directory: $D"
$A label --space mobilenet --count 20000 --seed 1 --db l.db -j2 -q
$A label --space zoo --count 10000 --seed 1 --db l.db -j2 -q
$A labels stats --db l.db
for t in log-timeline-ratio log-roofline-ratio log-cycles; do
  echo "== fit --target $t"
  $A fit --db l.db -o "e_$t.json" --target "$t"
  $A validate --estimator "e_$t.json" --zoo --random 500 --seed 7 -o "v_$t" -q
done
echo "== one adaptive round (roofline target) against as many random labels"
cp l.db la.db
cp l.db lr.db
$A label --adaptive --estimator e_log-roofline-ratio.json --db la.db --worst 300 -j2
$A fit --db la.db -o ea.json --target log-roofline-ratio
$A label --space mobilenet --count 23000 --seed 1 --db lr.db -j2 -q
$A fit --db lr.db -o er.json --target log-roofline-ratio
for e in ea er; do
  echo "== validate $e"
  $A validate --estimator "$e.json" --zoo --random 500 --seed 7 -o "v_$e" -q
done
