#!/usr/bin/env bash
# Fuzzes the loaders of user input (docs/TESTING.md, "Fuzzing"):
#   scripts/fuzz.sh [TARGET|all] [SECONDS]      default: all targets, 60 s each
# TARGET is one of tests/fuzz/corpus/*/ (hw_yaml, network_yaml, space_yaml, net_space_yaml, onnx,
# estimator, label_db, unit_text, search_space). Builds the sanitizer build's fuzz targets (ASan + UBSan +
# libFuzzer, clang) in build-asan/ (or $ACCELNAS_ASAN_BUILD_DIR), then runs each from its seed
# corpus with a fixed seed ($ACCELNAS_FUZZ_SEED, default 1). New inputs accumulate in
# <build>/fuzz/corpus/<target>/, so a longer run resumes where the last one stopped; a finding
# is written to <build>/fuzz/artifacts/<target>/ and the script exits 1, naming it. Replay one
# with `<build>/tests/fuzz/fuzz_<target> <file>`; then make it a doctest regression test.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/sanitize_env.sh"

which="${1:-all}"
seconds="${2:-60}"
seed="${ACCELNAS_FUZZ_SEED:-1}"
targets=()
for d in "$ROOT"/tests/fuzz/corpus/*/; do
  t="$(basename "$d")"
  if [ "$which" = all ] || [ "$which" = "$t" ]; then targets+=("$t"); fi
done
if [ ${#targets[@]} -eq 0 ]; then
  echo "fuzz.sh: unknown target '$which' (one of: $(ls "$ROOT/tests/fuzz/corpus" | tr '\n' ' ')or all)" >&2
  exit 2
fi

if [ "${ACCELNAS_FUZZ_NO_BUILD:-0}" != 1 ]; then
  sanitize_configure
  sanitize_build "${targets[@]/#/fuzz_}"
fi

failed=()
for t in "${targets[@]}"; do
  corpus="$ASAN_BUILD/fuzz/corpus/$t"
  artifacts="$ASAN_BUILD/fuzz/artifacts/$t"
  log="$ASAN_BUILD/fuzz/$t.log"
  mkdir -p "$corpus" "$artifacts"
  # -timeout: one input running longer is a hang. The first corpus directory receives new
  # inputs; the repository's seeds are only read.
  if "$ASAN_BUILD/tests/fuzz/fuzz_$t" -seed="$seed" -max_total_time="$seconds" -timeout=25 \
      -rss_limit_mb=3072 -print_final_stats=1 -artifact_prefix="$artifacts/" \
      "$corpus" "$ROOT/tests/fuzz/corpus/$t" >"$log" 2>&1; then
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
    cov="$(grep -o 'cov: [0-9]*' "$log" | tail -1)"
    echo "fuzz $t: ${runs:-?} inputs in ${seconds}s, $cov, no finding"
  else
    echo "fuzz $t: FINDING (log: $log)" >&2
    grep -E "ERROR|SUMMARY|runtime error|uncaught|what\(\)|property violated|Test unit written" "$log" >&2 || tail -40 "$log" >&2
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: findings in ${failed[*]}: reproducers in $ASAN_BUILD/fuzz/artifacts/" >&2
  exit 1
fi
