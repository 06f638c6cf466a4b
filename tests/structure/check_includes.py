#!/ usr / bin / env python3
"""Checks how the sources include each other (docs/ARCHITECTURE.md, "Libraries and includes").

1. Every quoted include is a path from the repository root that exists ("hw_models/tiler.h"),
   so no two headers can collide and a reader sees where each comes from.
2. A library includes only its own headers and those of the libraries below it (the table
   LIBRARIES, the same graph as the target_link_libraries lines).
3. An internal header (its first line starts with "// Internal") is included only inside its own
   library, and by the tests.

Usage: check_includes.py [REPO_ROOT]. Prints one line per violation and exits 1, or exits 0.
"""
import os
import re
import subprocess
import sys

#Library->the libraries it may include(itself implied).Folders map to libraries in
#library_of(); the executables(cli, bench, tests, fuzz) may include everything.
LIBRARIES = {
    "config": set(),
    "runtime": {"config"},
    "workers": {"config"},
    "sqlite": {"config"},
    "workloads": {"config"},
    "hw_models": {"workloads", "config"},
    "sim": {"hw_models", "workloads", "config"},
    "sweep": {"sim", "workers", "hw_models", "workloads", "config"},
    "estimator": {"sim", "runtime", "hw_models", "workloads", "config"},
    "labels": {"estimator", "sim", "runtime", "workers", "sqlite", "hw_models", "workloads",
               "config"},
    "nas": {"estimator", "sim", "runtime", "workers", "sqlite", "hw_models", "workloads",
            "config"},
}

#Longest prefix first.
FOLDERS = [
    ("workloads/config/", "config"),
    ("workloads/", "workloads"),
    ("hw_models/", "hw_models"),
    ("sim/runtime/worker_pool.", "workers"),
    ("sim/runtime/sqlite.", "sqlite"),
    ("sim/runtime/", "runtime"),
    ("sim/sweep.", "sweep"),
    ("sim/cli/", "executable"),
    ("sim/bench/", "executable"),
    ("sim/", "sim"),
    ("calibration/estimator/", "estimator"),
    ("calibration/labels/", "labels"),
    ("calibration/bench/", "executable"),
    ("nas/bench/", "executable"),
    ("nas/", "nas"),
    ("tests/", "tests"),
]

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def library_of(path):
    for prefix, lib in FOLDERS:
        if path.startswith(prefix):
            return lib
    return None


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                           os.path.join(os.path.dirname(__file__), "..", ".."))
    files = subprocess.run(["git", "-C", root, "ls-files", "*.h", "*.cpp"], check=True,
                           capture_output=True, text=True).stdout.split()
    internal = set()
    for f in files:
        if f.endswith(".h"):
            with open(os.path.join(root, f), encoding="utf-8") as h:
                if h.readline().startswith("// Internal"):
                    internal.add(f)
    problems = []
    for f in files:
        lib = library_of(f)
        with open(os.path.join(root, f), encoding="utf-8") as src:
            text = src.read()
        for m in INCLUDE.finditer(text):
            inc = m.group(1)
            line = text.count("\n", 0, m.start()) + 1
            where = f"{f}:{line}: \"{inc}\""
            if not os.path.isfile(os.path.join(root, inc)):
                problems.append(f"{where}: not a path from the repository root")
                continue
            target = library_of(inc)
            if lib in LIBRARIES and target in LIBRARIES and target != lib and \
                    target not in LIBRARIES[lib]:
                problems.append(f"{where}: library {lib} may not include library {target}")
            if inc in internal and lib != "tests" and target != lib:
                problems.append(f"{where}: an internal header of library {target}")
            if lib in LIBRARIES and target in ("tests", "executable"):
                problems.append(f"{where}: library {lib} includes a header of an executable")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
