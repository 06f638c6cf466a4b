#!/usr/bin/env bash
# The estimator study of docs/ESTIMATOR.md:
#   1. labels from both shipped spaces, a fit with each target, validation on the zoo and 500
#      random networks (and on the PyTorch exports in TORCH_DIR, when given);
#   2. labels from elsewhere: the same units "measured" on a chip that is not our simulator
#      (each unit's cycles distorted per unit type, non-linearly), imported, fitted, and
#      validated against the zoo networks measured on that chip;
#   3. one adaptive round against as many random labels.
# Takes about 15 minutes on 2 cores.
# Usage: scripts/estimator_study.sh [WORK_DIR] [TORCH_DIR]   (default: a new temporary directory;
#        TORCH_DIR: the .onnx files of scripts/export_torch_models.py)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh"
"$ROOT/scripts/build.sh" --target accelnas
A="${ACCELNAS_BUILD_DIR:-$ROOT/build}/sim/accelnas"
D="${1:-$(mktemp -d)}"
TORCH="${2:-}"
[ -n "$TORCH" ] && TORCH="$(cd "$TORCH" && pwd)"
mkdir -p "$D"
cd "$D"
echo "work directory: $D"
$A label --space mobilenet --count 20000 --seed 1 --db l.db -j2 -q
$A label --space zoo --count 10000 --seed 1 --db l.db -j2 -q
$A labels stats --db l.db
for t in log-roofline-ratio log-cycles log-timeline-ratio; do
  echo "== fit --target $t"
  $A fit --db l.db -o "e_$t.json" --target "$t"
  $A validate --estimator "e_$t.json" --zoo --random 500 --seed 7 -o "v_$t" -q --no-plot
  if [ -n "$TORCH" ]; then
    $A validate --estimator "e_$t.json" --models "$(ls "$TORCH"/*.onnx | paste -sd,)" \
      -o "vt_$t" -q --no-plot
  fi
done

echo "== labels from elsewhere: a distorted chip, imported, fitted, validated on measured networks"
# The distortion, per unit type: a scale, an exponent and a fixed overhead.
DISTORT='
import math
def distort(cycles, unit_type):
    c = float(cycles)
    if unit_type == "conv": return 1.6 * c ** 1.05 + 3000
    if unit_type == "vector": return 4.0 * c + 9000
    if unit_type == "ibn": return 0.55 * c ** 1.08 + 1500
    return 2.0 * c + 5000
'
$A labels export --db l.db --format jsonl -o l.jsonl
/usr/bin/python3 - <<PY
$DISTORT
import csv, json
with open("l.jsonl") as f, open("measured.csv", "w", newline="") as out:
    w = csv.writer(out)
    w.writerow(["unit_text", "cycles"])
    for line in f:
        j = json.loads(line)
        if j["status"] == "ok":
            w.writerow([json.dumps(j["unit"], separators=(",", ":"), sort_keys=True),
                        round(distort(j["cycles"], j["unit_type"]))])
PY
$A labels import --db m.db --csv measured.csv
$A fit --db m.db -o e_measured.json
# Each zoo network as measured on the distorted chip: its units' simulated cycles (the timeline
# estimator predicts exactly the simulator's unit cycles: the replay equals the simulation),
# distorted and summed.
for m in $($A list models --format csv | tail -n +2 | cut -d, -f1); do
  $A estimate --estimator e_log-timeline-ratio.json --model "$m" --format json -o "u_$m.json"
done
/usr/bin/python3 - <<PY
$DISTORT
import csv, glob, json
with open("nets.csv", "w", newline="") as out:
    w = csv.writer(out)
    w.writerow(["model", "cycles"])
    for path in sorted(glob.glob("u_*.json")):
        j = json.load(open(path))
        w.writerow([j["model"], round(sum(distort(u["cycles"], u["type"]) for u in j["units"]))])
PY
$A validate --estimator e_measured.json --measured nets.csv -o v_measured -q --no-plot
$A validate --estimator e_log-roofline-ratio.json --measured nets.csv -o v_simulated_on_measured \
  -q --no-plot

echo "== one adaptive round (default target) against as many random labels"
cp l.db la.db
cp l.db lr.db
$A label --adaptive --estimator e_log-roofline-ratio.json --db la.db --worst 300 -j2
$A fit --db la.db -o ea.json
$A label --space mobilenet --count 23000 --seed 1 --db lr.db -j2 -q
$A fit --db lr.db -o er.json
for e in ea er; do
  echo "== validate $e"
  $A validate --estimator "$e.json" --zoo --random 500 --seed 7 -o "v_$e" -q --no-plot
done
