#!/usr/bin/env bash
# Records what the CLI prints for a fixed set of commands, so that two builds can be compared
# byte for byte (a refactoring must not change any output):
#   scripts/compare_outputs.sh record BINARY DIR     run the commands with BINARY, outputs in DIR
#   scripts/compare_outputs.sh diff DIR_A DIR_B      exit 1 and show the differences, if any
# The commands: simulate (table, csv, json) and info (table, json) of every zoo model on every
# preset, a sweep, every list, the help of every command, sample on each shipped space, a small
# label run exported as csv and jsonl, a fit on it and estimate of every zoo model with it,
# import of the test ONNX files, and two transforms. Exit codes and stderr are kept too; the
# binary's and the checkout's paths are written as <accelnas> and <root>.
set -uo pipefail

usage() {
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

record() {
  local bin out
  bin="$(realpath "$1")"
  out="$2"
  [ -x "$bin" ] || { echo "compare_outputs.sh: $1 is not an executable" >&2; exit 2; }
  mkdir -p "$out"
  out="$(realpath "$out")"
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  local work
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN
  cd "$work" || exit 2
  local n=0
  # run NAME ARGS...: stdout, stderr and the exit code of one command, under NAME.
  run() {
    local name="$1"
    shift
    "$bin" "$@" >"$out/$name.out" 2>"$out/$name.err"
    echo "$?" >"$out/$name.rc"
    n=$((n + 1))
  }
  local models presets
  models="$("$bin" list models --format csv 2>/dev/null | tail -n +2 | cut -d, -f1)"
  [ -n "$models" ] || models="$("$bin" list models | tail -n +2 | awk '{print $1}')"
  presets="$("$bin" list presets | tail -n +2 | awk '{print $1}')"
  run help --help
  for c in simulate sweep list info transform import sample label labels fit estimate validate \
           "labels export" "labels stats" "labels import"; do
    # shellcheck disable=SC2086
    run "help-${c// /-}" $c --help
  done
  for what in presets models ops hw-keys spaces; do run "list-$what" list "$what"; done
  for m in $models; do
    run "info-$m" info --model "$m"
    run "info-$m-json" info --model "$m" --format json
    for p in $presets; do
      run "sim-$m-$p" simulate --model "$m" --hw "$p"
      run "sim-$m-$p-csv" simulate --model "$m" --hw "$p" --format csv
      run "sim-$m-$p-json" simulate --model "$m" --hw "$p" --format json
    done
    echo "compare_outputs.sh: $m done ($n commands)" >&2
  done
  run sim-int16-batch2 simulate --model mobilenet_v2 --precision int16 --batch 2 --format json
  run sweep sweep --model mobilenet_v2,resnet18 --set compute.parallelism_factor=16,32,64 \
    --precision int8,int16 --format csv -q
  run sweep-per-layer sweep --model tiny --set sram.weights=64KiB,1MiB --per-layer --format json -q
  for s in $("$bin" list spaces | tail -n +2 | awk '{print $1}'); do
    run "sample-$s" sample --space "$s" --count 20 --seed 3
  done
  run label label --space mobilenet --count 150 --seed 1 --db labels.db -q -j 2
  run labels-csv labels export --db labels.db
  run labels-jsonl labels export --db labels.db --format jsonl
  run labels-stats labels stats --db labels.db
  run fit fit --db labels.db -o est.json --rounds 40
  cp est.json "$out/est.json" 2>/dev/null
  for m in $models; do run "estimate-$m" estimate --estimator est.json --model "$m" --format csv; done
  for f in "$root"/tests/data/onnx/*.onnx; do
    run "import-$(basename "$f" .onnx)" import "$f" -o /dev/stdout
  done
  run transform-fuse transform --model mobilenet_v2 --fuse all -o /dev/stdout
  run transform-align transform --model mnasnet_a1 --align-channels 16 -o /dev/stdout
  # The binary's and the checkout's paths appear in usage lines and error messages; replaced by
  # placeholders, so that two checkouts or build directories compare equal.
  local f
  for f in "$out"/*.out "$out"/*.err; do
    sed -i -e "s|$bin|<accelnas>|g" -e "s|$root|<root>|g" "$f"
  done
  echo "compare_outputs.sh: $n commands recorded in $out" >&2
}

case "${1:-}" in
  record) [ $# -eq 3 ] || usage; record "$2" "$3" ;;
  diff)
    [ $# -eq 3 ] || usage
    if diff -r "$2" "$3" >/dev/null; then
      echo "compare_outputs.sh: $(ls "$2" | wc -l) files identical"
    else
      diff -r "$2" "$3" | head -60
      exit 1
    fi
    ;;
  *) usage ;;
esac
