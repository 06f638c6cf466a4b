#!/usr/bin/env bash
# Configures and builds accelnas (Release) into build/ (or $ACCELNAS_BUILD_DIR). Extra arguments
# go to `cmake --build` (e.g. --target accelnas).
#
# Progress goes to stderr: on a terminal, one line that updates in place with the build's own
# percentage; in a log, one line per finished target. Compiler warnings and errors are printed
# whole. The exit status is cmake's: a failed build never exits 0.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${ACCELNAS_BUILD_DIR:-$ROOT/build}"
JOBS="${ACCELNAS_JOBS:-$(nproc)}"

configure_log="$(mktemp)"
trap 'rm -f "$configure_log"' EXIT
if ! cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >"$configure_log" 2>&1; then
  cat "$configure_log" >&2
  echo "build.sh: cmake configure failed" >&2
  exit 1
fi

tty=0
[ -t 2 ] && tty=1
# Make's progress lines ("[ 42%] Building CXX object ...") become the progress display; every
# other line (warnings, errors, notes) passes through unchanged.
progress() {
  awk -v tty="$tty" '
    /^\[ *[0-9]+%\] (Building|Linking|Built)/ {
      pct = $0; sub(/\].*/, "]", pct)
      if (tty) {
        line = $0; if (length(line) > 100) line = substr(line, 1, 97) "..."
        printf "\r\033[K%s", line > "/dev/stderr"; open = 1
      } else if ($0 ~ /Built target/) {
        printf "build: %s %s\n", pct, substr($0, index($0, "Built target")) > "/dev/stderr"
      }
      fflush("/dev/stderr"); next
    }
    { if (open) { printf "\n" > "/dev/stderr"; open = 0 } print > "/dev/stderr"; fflush("/dev/stderr") }
    END { if (open) printf "\r\033[K" > "/dev/stderr" }'
}

set +e
cmake --build "$BUILD" -j"$JOBS" "$@" 2>&1 | progress
codes=("${PIPESTATUS[@]}")  # read at once: any command in between resets PIPESTATUS
set -e
if [ "${codes[0]}" -ne 0 ] || [ "${codes[1]}" -ne 0 ]; then
  echo "build.sh: build failed (cmake --build exited ${codes[0]})" >&2
  exit 1
fi
