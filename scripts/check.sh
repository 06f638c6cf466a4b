#!/usr/bin/env bash
# The sanitizer check CI runs after test.sh (docs/TESTING.md): installs clang and the sanitizer
# runtimes, builds everything with AddressSanitizer + UndefinedBehaviorSanitizer into build-asan/
# (or $ACCELNAS_ASAN_BUILD_DIR), runs the test suite under them, then fuzzes each loader of user
# input for a short fixed budget ($ACCELNAS_FUZZ_SECONDS, default 20 s per target, fixed seed).
# Any sanitizer report, leak (outside tests/sanitizers/lsan.supp), failing test or fuzz finding
# fails it. Prints the time of each step.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/sanitize_env.sh"

fuzz_seconds="${ACCELNAS_FUZZ_SECONDS:-20}"
start=$SECONDS
step_start=$SECONDS
step() {
  echo "check.sh: $1 took $((SECONDS - step_start)) s"
  step_start=$SECONDS
}

sanitize_configure
sanitize_build
step "the sanitizer build"

# Every test runs. The MPI label test runs on its own with the slow unwinder on malloc
# (fast_unwind_on_malloc=0), for LeakSanitizer's sake: Open MPI's libraries have no frame
# pointers and unload their components at MPI_Finalize, so with the fast unwinder the stacks of
# Open MPI's own allocations stop in an "<unknown module>" that the suppressions by library name
# (tests/sanitizers/lsan.supp) cannot match. Elsewhere it would only slow every allocation.
mpi_tests='MPI ranks$'
(cd "$ASAN_BUILD" && ctest --output-on-failure -j"$(nproc)" -E "$mpi_tests")
(cd "$ASAN_BUILD" && ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0" \
  ctest --output-on-failure -R "$mpi_tests")
step "the test suite under ASan + UBSan"

ACCELNAS_FUZZ_NO_BUILD=1 "$ROOT/scripts/fuzz.sh" all "$fuzz_seconds"
step "fuzzing (${fuzz_seconds} s per target)"

echo "check.sh: passed in $((SECONDS - start)) s"
