#!/usr/bin/env bash
# Prints the benchmark tables: whole-process wall time of `accelnas simulate` (process start
# included) and of a 4-point PF sweep, next to the cost of merely starting the binary, plus the
# in-process cost once SystemC is elaborated; label generation with 1 and 2 processes; and
# estimator prediction against simulation; and search throughput. Medians; ratios are measured
# in the same run.
# Usage: scripts/bench.sh [RUNS]   (default 21)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-21}"
"$ROOT/scripts/setup.sh"
"$ROOT/scripts/build.sh" --target accelnas accelnas_bench accelnas_bench_estimator
BUILD="${ACCELNAS_BUILD_DIR:-$ROOT/build}"
BIN="$BUILD/sim/accelnas"

# median_ms CMD...: runs CMD $RUNS times (output discarded), prints the median wall time in ms.
median_ms() {
  local times=()
  for _ in $(seq "$RUNS"); do
    local a b
    a=$(date +%s%N)
    "$@" >/dev/null 2>&1
    b=$(date +%s%N)
    times+=($(( (b - a) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{v[NR]=$1} END {printf "%.2f", v[int((NR+1)/2)]/1000}'
}

LAYERS=$("$BIN" simulate --model mobilenet_v2 --format csv | grep -vc '^name\|^total')
START=$(median_ms "$BIN" --version)
SIM=$(median_ms "$BIN" simulate --model mobilenet_v2)
SWEEP1=$(median_ms "$BIN" sweep --model mobilenet_v2 --set compute.parallelism_factor=8,16,32,64 --jobs 1 -q)
SWEEP2=$(median_ms "$BIN" sweep --model mobilenet_v2 --set compute.parallelism_factor=8,16,32,64 --jobs 2 -q)

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "whole process, median of $RUNS runs, MobileNetV2-1.0-224 ($LAYERS layers) on npu-pf32"
printf '| %-44s | %9s | %12s |\n' "command" "wall ms" "layers/s"
printf '|%s|%s|%s|\n' "----------------------------------------------" "-----------" "--------------"
printf '| %-44s | %9s | %12s |\n' "accelnas --version (process start only)" "$START" "-"
printf '| %-44s | %9s | %12.0f |\n' "accelnas simulate" "$SIM" "$(awk "BEGIN{print $LAYERS / $SIM * 1000}")"
printf '| %-44s | %9s | %12.0f |\n' "accelnas sweep PF=8,16,32,64 --jobs 1" "$SWEEP1" "$(awk "BEGIN{print 4 * $LAYERS / $SWEEP1 * 1000}")"
printf '| %-44s | %9s | %12.0f |\n' "accelnas sweep PF=8,16,32,64 --jobs 2" "$SWEEP2" "$(awk "BEGIN{print 4 * $LAYERS / $SWEEP2 * 1000}")"
printf 'simulate minus process start: %.2f ms\n' "$(awk "BEGIN{print $SIM - $START}")"
echo
"$BUILD/sim/accelnas_bench" "$RUNS"

# Label generation: whole `accelnas label` runs into a fresh database (process start, sampling,
# simulation and SQLite included), --jobs 1 and --jobs 2 alternated side by side.
LABEL_COUNT="${ACCELNAS_BENCH_LABELS:-20000}"
LABEL_RUNS=$(( RUNS < 5 ? RUNS : 5 ))
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
echo
echo "label generation on npu-pf32, $LABEL_COUNT samples per run, median of $LABEL_RUNS runs"
printf '| %-10s | %6s | %9s | %13s | %16s |\n' "space" "--jobs" "wall s" "labels/s" "labels/s/process"
printf '|%s|%s|%s|%s|%s|\n' "------------" "--------" "-----------" "---------------" "------------------"
for SPACE in zoo mobilenet; do
  declare -A T=()
  for J in 1 2; do T[$J]=""; done
  for _ in $(seq "$LABEL_RUNS"); do
    for J in 1 2; do
      rm -f "$TMP/l.db"
      a=$(date +%s%N)
      "$BIN" label --space "$SPACE" --count "$LABEL_COUNT" --db "$TMP/l.db" --jobs "$J" -q
      b=$(date +%s%N)
      T[$J]+="$(( (b - a) / 1000 )) "
    done
  done
  N=$("$BIN" labels stats --db "$TMP/l.db" | head -1 | awk '{print $2}')
  for J in 1 2; do
    MED=$(printf '%s\n' ${T[$J]} | sort -n | awk '{v[NR]=$1} END {printf "%.3f", v[int((NR+1)/2)]/1e6}')
    RATE=$(awk "BEGIN{printf \"%.0f\", $N / $MED}")
    PER=$(awk "BEGIN{printf \"%.0f\", $N / $MED / $J}")
    printf '| %-10s | %6s | %9s | %13s | %16s |\n' "$SPACE" "$J" "$MED" "$RATE" "$PER"
    eval "RATE_$J=$RATE"
  done
  printf 'speed-up from 1 to 2 processes (%s): %.2fx\n' "$SPACE" "$(awk "BEGIN{print $RATE_2 / $RATE_1}")"
  unset T
done

# Estimator prediction: fit on the zoo-space labels of the last label run, then time predict.
echo
"$BIN" label --space zoo --count 3000 --db "$TMP/est.db" -q
"$BIN" fit --db "$TMP/est.db" -o "$TMP/est.json" >/dev/null
"$BUILD/calibration/accelnas_bench_estimator" --estimator "$TMP/est.json" --reps "$RUNS" \
  --net-space mobilenet --net-space "$ROOT/calibration/bench/curated_net_space.yaml"

# Search (docs/NAS.md): whole `accelnas search` runs of NSGA-II on the default space scored by an
# estimator fitted on mobilenet-space labels; the search phase as the command reports it
# ("N networks evaluated (..., T s)") and the whole process including the report and, for the
# 10^4 run, the SystemC verification of the front (time to the first verified front).
SEARCH_RUNS=$(( RUNS < 3 ? RUNS : 3 ))
"$BIN" label --space mobilenet --count 6000 --db "$TMP/nas.db" --jobs 2 -q
"$BIN" fit --db "$TMP/nas.db" -o "$TMP/nas.json" >/dev/null
echo
echo "search on npu-pf32, mobilenet_curated, nsga2, estimator scoring, $(nproc) threads, median of $SEARCH_RUNS runs"
printf '| %-34s | %9s | %10s | %14s |\n' "run" "search s" "process s" "networks/s"
printf '|%s|%s|%s|%s|\n' "------------------------------------" "-----------" "------------" "----------------"
for N in 10000 100000; do
  S=(); P=()
  for _ in $(seq "$SEARCH_RUNS"); do
    rm -rf "$TMP/search"
    EXTRA=(--no-verify)
    [ "$N" = 10000 ] && EXTRA=()
    a=$(date +%s%N)
    LINE=$("$BIN" search --estimator "$TMP/nas.json" --evaluations "$N" -o "$TMP/search" --no-plot \
             "${EXTRA[@]}" 2>&1 >/dev/null | grep 'networks evaluated')
    b=$(date +%s%N)
    S+=("$(echo "$LINE" | sed -E 's/.*this run, ([0-9.]+) s\).*/\1/')")
    P+=("$(awk "BEGIN{printf \"%.2f\", ($b - $a) / 1e9}")")
  done
  SM=$(printf '%s\n' "${S[@]}" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
  PM=$(printf '%s\n' "${P[@]}" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
  LABEL="$N candidates, $([ "$N" = 10000 ] && echo "with verification" || echo "--no-verify")"
  printf '| %-34s | %9s | %10s | %14.0f |\n' "$LABEL" "$SM" "$PM" "$(awk "BEGIN{print $N / $SM}")"
done
