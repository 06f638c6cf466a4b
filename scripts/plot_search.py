#!/usr/bin/env python3
"""Plots of an `accelnas search` report directory.

Usage: plot_search.py REPORT_DIR

Reads REPORT_DIR/history.csv, candidates.csv, pareto.csv and summary.json, and writes:
- search.png: the best feasible value of the first objective (left axis) and the normalised
  hypervolume of the feasible front (right axis) against the networks evaluated;
- pareto.png: every evaluated network on the first two objectives (feasible ones as grey dots,
  infeasible ones as light red crosses), the front as a blue step line, its members' simulated
  values (when verified) as orange diamonds joined to their predicted point, and the base network
  of a base space as a black star. With one objective, the second axis is the parameter count.
Needs matplotlib (Debian: python3-matplotlib); `accelnas search` calls it and skips the plots
when matplotlib is missing.
"""
import csv
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt  # noqa: E402

# Column of candidates.csv and axis label per objective.
COLUMNS = {
    "latency": ("latency_ms", "latency (ms)"),
    "params": ("params", "parameters"),
    "peak": ("peak_activation_bytes", "peak activation memory (bytes)"),
    "accuracy": ("accuracy", "accuracy signal (higher is better)"),
    "macs": ("macs", "MACs"),
    "energy": ("energy_uj", "energy (uJ)"),
}
BASE_KEYS = {"latency": "latency_ms", "params": "params", "peak": "peak_activation_bytes",
             "accuracy": "accuracy", "macs": "macs", "energy": "energy_uj"}


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def plot_history(report, objectives):
    rows = read_csv(report / "history.csv")
    first = objectives[0]
    xs, best, hv = [], [], []
    for r in rows:
        b = number(r.get("best_" + first))
        if b is None:
            continue
        xs.append(int(r["evaluations"]))
        best.append(b)
        hv.append(number(r["hypervolume"]) or 0.0)
    fig, ax = plt.subplots(figsize=(7, 4.2))
    ax.plot(xs, best, color="tab:blue", drawstyle="steps-post", label="best feasible " + first)
    ax.set_xlabel("networks evaluated")
    ax.set_ylabel("best feasible " + COLUMNS[first][1], color="tab:blue")
    twin = ax.twinx()
    twin.plot(xs, hv, color="tab:green", drawstyle="steps-post", label="hypervolume")
    twin.set_ylabel("hypervolume (normalised)", color="tab:green")
    ax.grid(alpha=0.3)
    ax.set_title("search progress")
    fig.tight_layout()
    fig.savefig(report / "search.png", dpi=120)
    plt.close(fig)


def plot_front(report, objectives, summary):
    axes = objectives[:2] if len(objectives) >= 2 else [objectives[0], "params"]
    (cx, lx), (cy, ly) = COLUMNS[axes[0]], COLUMNS[axes[1]]
    feasible, infeasible = ([], []), ([], [])
    for r in read_csv(report / "candidates.csv"):
        if r["status"] != "ok" or r["duplicate_of"]:
            continue
        x, y = number(r[cx]), number(r[cy])
        if x is None or y is None:
            continue
        target = feasible if r["feasible"] == "1" else infeasible
        target[0].append(x)
        target[1].append(y)
    fig, ax = plt.subplots(figsize=(7, 5))
    ax.scatter(*infeasible, s=10, marker="x", color="tab:red", alpha=0.35, label="infeasible")
    ax.scatter(*feasible, s=8, color="0.6", alpha=0.5, label="feasible")
    front = [(number(r[cx]), number(r[cy]), r) for r in read_csv(report / "pareto.csv")]
    front = sorted((p for p in front if p[0] is not None and p[1] is not None),
                   key=lambda p: p[0])
    if front:
        ax.plot([p[0] for p in front], [p[1] for p in front], "-o", color="tab:blue", ms=4,
                drawstyle="steps-post" if axes[1] != "accuracy" else "default", label="front")
        if axes[0] == "latency":
            sim = [(number(p[2]["simulated_latency_ms"]), p[1], p[0]) for p in front]
            sim = [s for s in sim if s[0] is not None]
            for sx, sy, px in sim:
                ax.plot([px, sx], [sy, sy], color="tab:orange", lw=0.8)
            if sim:
                ax.scatter([s[0] for s in sim], [s[1] for s in sim], marker="D", s=22,
                           color="tab:orange", zorder=5, label="front, simulated")
    base = summary.get("base")
    if base and base.get("status") == "ok":
        bx, by = base.get(BASE_KEYS[axes[0]]), base.get(BASE_KEYS[axes[1]])
        if bx is not None and by is not None:
            ax.scatter([bx], [by], marker="*", s=180, color="black", zorder=6, label="base network")
    ax.set_xlabel(lx)
    ax.set_ylabel(ly)
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    ax.set_title("Pareto front over %d evaluated networks" % (len(feasible[0]) + len(infeasible[0])))
    fig.tight_layout()
    fig.savefig(report / "pareto.png", dpi=120)
    plt.close(fig)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: plot_search.py REPORT_DIR")
    report = Path(sys.argv[1])
    summary = json.loads((report / "summary.json").read_text())
    objectives = summary["objectives"].split(",")
    plot_history(report, objectives)
    plot_front(report, objectives, summary)


if __name__ == "__main__":
    main()
