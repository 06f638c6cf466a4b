#!/usr/bin/env python3
"""Scatter plot of an `accelnas validate` report: predicted versus simulated latency.

Usage: plot_validation.py REPORT_DIR

Reads REPORT_DIR/validation.csv (network, source, params, simulated_cycles, predicted_cycles,
error_pct, and with --timing predict_us, simulate_us) and writes REPORT_DIR/validation.png: log-log
axes, the y = x line with its +-5% band, zoo networks, network files and random networks in
different markers. Needs matplotlib (Debian:
python3-matplotlib); `accelnas validate` calls it and skips the plot when matplotlib is missing.
"""
import csv
import sys
from pathlib import Path


def read_rows(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["simulated_cycles"] = float(r["simulated_cycles"])
        r["predicted_cycles"] = float(r["predicted_cycles"])
    return rows


def main(argv):
    if len(argv) != 2:
        print("usage: plot_validation.py REPORT_DIR", file=sys.stderr)
        return 2
    report = Path(argv[1])
    rows = read_rows(report / "validation.csv")

    import matplotlib

    matplotlib.use("Agg")  # no display needed
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 6), dpi=120)
    styles = {"zoo": dict(marker="s", color="tab:blue"), "random": dict(marker="o", color="tab:orange")}
    values = [v for r in rows for v in (r["simulated_cycles"], r["predicted_cycles"]) if v > 0]
    lo, hi = (min(values) / 1.5, max(values) * 1.5) if values else (1.0, 10.0)
    ax.fill_between([lo, hi], [lo * 0.95, hi * 0.95], [lo * 1.05, hi * 1.05], color="0.85",
                    label="±5%")
    ax.plot([lo, hi], [lo, hi], color="0.4", linewidth=0.8)
    for source in sorted({r["source"] for r in rows}):
        pts = [r for r in rows if r["source"] == source and r["simulated_cycles"] > 0
               and r["predicted_cycles"] > 0]
        style = styles.get(source, dict(marker="^", color="tab:green"))
        ax.scatter([r["simulated_cycles"] for r in pts], [r["predicted_cycles"] for r in pts],
                   s=22, alpha=0.8, label=f"{source} ({len(pts)})", **style)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_xlabel("simulated latency (cycles, SystemC)")
    ax.set_ylabel("predicted latency (cycles, estimator)")
    ax.set_title("estimator validation")
    ax.grid(True, which="both", linewidth=0.3)
    ax.legend(loc="upper left")
    fig.tight_layout()
    out = report / "validation.png"
    tmp = report / "validation.png.tmp"
    fig.savefig(tmp, format="png")
    tmp.replace(out)  # atomic: a reader never sees half a file
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
