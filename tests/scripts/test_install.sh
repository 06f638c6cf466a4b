#!/usr/bin/env bash
# `cmake --install` gives a working accelnas: the binary runs from another directory with its
# version, presets and spaces built in; the plot script sits in share/accelnas/ (where
# `validate` looks for it, relative to the binary); the MPI plugin, when built, in
# lib/accelnas/ (where the binary looks when it is not beside it).
#   test_install.sh BUILD_DIR VERSION
set -euo pipefail
build="$1"
version="$2"
prefix="$(mktemp -d)"
trap 'rm -rf "$prefix"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >/dev/null
[ -x "$prefix/bin/accelnas" ] || fail "no bin/accelnas"
[ -f "$prefix/share/accelnas/plot_validation.py" ] || fail "no share/accelnas/plot_validation.py"
cd "$prefix"
got="$("$prefix/bin/accelnas" --version)"
[ "$got" = "accelnas $version" ] || fail "--version says '$got', expected 'accelnas $version'"
"$prefix/bin/accelnas" simulate --model tiny --hw npu-pf16 --format csv >/dev/null ||
  fail "the installed binary cannot simulate"
"$prefix/bin/accelnas" sample --space mobilenet --count 1 >/dev/null ||
  fail "the installed binary has no sampling spaces"
if [ -f "$build/sim/accelnas_mpi.so" ]; then
  ls "$prefix"/lib*/accelnas/accelnas_mpi.so >/dev/null 2>&1 ||
    find "$prefix" -name accelnas_mpi.so | grep -q . || fail "the MPI plugin was not installed"
fi
echo "installed and ran from $prefix"
