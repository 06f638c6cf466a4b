# Sourced by check.sh and fuzz.sh: the sanitizer build's directory, its configuration and the
# sanitizer runtime options (docs/TESTING.md).
#   ACCELNAS_ASAN_BUILD_DIR  build directory (default: build-asan/)
#   ACCELNAS_JOBS            parallel build jobs (default: nproc)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ASAN_BUILD="${ACCELNAS_ASAN_BUILD_DIR:-$ROOT/build-asan}"

# clang for libFuzzer; its sanitizer runtimes, OpenMP runtime and symbolizer.
SANITIZER_PACKAGES=(clang libclang-rt-14-dev libomp-14-dev llvm-14)

# Halt at the first report of any kind, with a symbolized stack trace. Leaks are checked
# (detect_leaks is on by default); the suppressions name only other projects' libraries.
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:detect_leaks=1:check_initialization_order=1:print_summary=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:report_error_type=1"
export LSAN_OPTIONS="suppressions=$ROOT/tests/sanitizers/lsan.supp:print_suppressions=0"
if [ -x /usr/lib/llvm-14/bin/llvm-symbolizer ]; then
  export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer
fi

# Installs the packages and configures the sanitizer build (ASan + UBSan, fuzz targets).
sanitize_configure() {
  "$ROOT/scripts/setup.sh" "${SANITIZER_PACKAGES[@]}"
  local log
  log="$(mktemp)"
  if ! CC=clang CXX=clang++ cmake -S "$ROOT" -B "$ASAN_BUILD" -DCMAKE_BUILD_TYPE=Release \
      -DACCELNAS_SANITIZE=ON -DACCELNAS_FUZZ=ON >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "sanitizer build: cmake configure failed" >&2
    return 1
  fi
  rm -f "$log"
}

# Builds targets of the sanitizer build (all without arguments) through build.sh.
sanitize_build() {
  if [ $# -gt 0 ]; then
    ACCELNAS_BUILD_DIR="$ASAN_BUILD" "$ROOT/scripts/build.sh" --target "$@"
  else
    ACCELNAS_BUILD_DIR="$ASAN_BUILD" "$ROOT/scripts/build.sh"
  fi
}
