#!/usr/bin/env bash
# Contract of scripts/build.sh, demo.sh and test.sh: a source that does not compile makes each of
# them exit non-zero, and none of them goes on to run a stale binary or stale tests.
#
# The scripts are copied beside a two-file CMake project (a `sim/accelnas` that prints a marker
# and one ctest test), built once clean, then broken, so the check takes seconds instead of a
# full accelnas build. setup.sh is replaced by a no-op: installing packages is not under test.
set -uo pipefail
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
unset ACCELNAS_BUILD_DIR
export ACCELNAS_JOBS=2

fail() { echo "FAIL: $*" >&2; exit 1; }

P="$WORK/proj"
mkdir -p "$P/scripts" "$P/sim"
cp "$SRC/scripts/build.sh" "$SRC/scripts/demo.sh" "$SRC/scripts/test.sh" "$P/scripts/"
printf '#!/bin/sh\nexit 0\n' >"$P/scripts/setup.sh"
chmod +x "$P/scripts/"*.sh
cat >"$P/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.16)
project(fake CXX)
enable_testing()
add_subdirectory(sim)
add_test(NAME fake_passes COMMAND accelnas)
CM
echo 'add_executable(accelnas main.cpp)' >"$P/sim/CMakeLists.txt"
echo '#include <cstdio>
int main() { std::puts("FAKE-ACCELNAS-RAN"); return 0; }' >"$P/sim/main.cpp"

# 1. A clean source: every script succeeds and runs what it built.
"$P/scripts/build.sh" >"$WORK/out" 2>&1 || { cat "$WORK/out"; fail "build.sh failed on a clean source"; }
"$P/scripts/demo.sh" >"$WORK/out" 2>&1 || { cat "$WORK/out"; fail "demo.sh failed on a clean source"; }
grep -q FAKE-ACCELNAS-RAN "$WORK/out" || fail "demo.sh did not run the binary"
"$P/scripts/test.sh" >"$WORK/out" 2>&1 || { cat "$WORK/out"; fail "test.sh failed on a clean source"; }
grep -q "100% tests passed" "$WORK/out" || fail "test.sh did not run ctest"

# 2. The same tree with a compile error: the old binary and test results are still there.
echo 'not C++;' >>"$P/sim/main.cpp"
for script in build demo test; do
  if "$P/scripts/$script.sh" >"$WORK/out" 2>&1; then
    cat "$WORK/out"
    fail "$script.sh exited 0 on a source that does not compile"
  fi
  grep -q "not C++" "$WORK/out" || { cat "$WORK/out"; fail "$script.sh hid the compiler error"; }
  ! grep -q FAKE-ACCELNAS-RAN "$WORK/out" || fail "$script.sh ran the stale binary"
  ! grep -q "tests passed" "$WORK/out" || fail "$script.sh ran the stale tests"
done
echo "build scripts: a broken source fails build.sh, demo.sh and test.sh"
