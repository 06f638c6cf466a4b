#!/usr/bin/env python3
"""Checks that the timing rules and the estimator's features compile without SystemC.

The compute-kind dispatch (hw_models/timing/: compute_kinds, the blocks' timing files) is shared
by the SystemC model and the estimator; calibration/estimator/unit_features.cpp reaches the
timing rules only through it. Neither these files nor any header they include, transitively,
may include <systemc> (or <systemc.h>).

Usage: check_systemc_free.py [REPO_ROOT]. Prints the include chain of each violation and exits
1, or exits 0.
"""
import os
import re
import sys

QUOTED = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
SYSTEMC = re.compile(r'^\s*#\s*include\s+<systemc(\.h)?>', re.M)


def roots(root):
    timing = os.path.join(root, "hw_models", "timing")
    files = sorted("hw_models/timing/" + f for f in os.listdir(timing)
                   if f.endswith((".h", ".cpp")))
    return files + ["calibration/estimator/unit_features.cpp"]


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                           os.path.join(os.path.dirname(__file__), "..", ".."))
    problems = []
    for start in roots(root):
        seen = {start: None}  # file -> the file that included it
        todo = [start]
        while todo:
            f = todo.pop()
            with open(os.path.join(root, f), encoding="utf-8") as src:
                text = src.read()
            if SYSTEMC.search(text):
                chain = [f]
                while seen[chain[-1]] is not None:
                    chain.append(seen[chain[-1]])
                problems.append(" <- ".join(chain) + ": includes <systemc>")
            for inc in QUOTED.findall(text):
                if inc not in seen and os.path.isfile(os.path.join(root, inc)):
                    seen[inc] = f
                    todo.append(inc)
    for p in sorted(set(problems)):
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
