#!/usr/bin/env python3
"""Plots of an `accelnas validate` report: predicted versus simulated latency, and the error.

Usage: plot_validation.py REPORT_DIR

Reads REPORT_DIR/validation.csv (network, source, params, simulated_cycles, predicted_cycles,
error_pct, and with --timing predict_us, simulate_us) and writes REPORT_DIR/validation.png with
two panels:
- predicted versus simulated cycles, log-log, with the y = x line and its +-5% band;
- the relative error (%) versus simulated cycles, log x: below 1% the first panel shows every
  point on the line, this one still separates them. The y axis is linear within +-1% and
  logarithmic beyond (when an error exceeds 1%), so one large error does not flatten the rest.
Each source has its own marker and colour, and none hides another: the many random networks
(small dots) are drawn first, zoo networks over them as hollow squares, network files on top as
small diamonds, which show inside the square when a file holds a zoo network.
Needs matplotlib (Debian: python3-matplotlib); `accelnas validate` calls it and skips the plot
when matplotlib is missing.
"""
import csv
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402

# Marker, colour and drawing order (zorder: higher on top) per source; a source not listed is
# drawn last with the other style.
STYLES = {
    "random": dict(marker="o", color="tab:orange", s=14, alpha=0.55, zorder=3),
    # Hollow and larger, so that a file marker on the same network shows inside it.
    "zoo": dict(marker="s", facecolors="none", edgecolors="tab:blue", s=70, linewidths=1.4,
                zorder=4),
    "file": dict(marker="D", color="tab:green", s=22, edgecolors="black", linewidths=0.5,
                 zorder=5),
}
OTHER_STYLE = dict(marker="^", color="tab:purple", s=30, alpha=0.9, zorder=6)
LABELS = {"zoo": "zoo", "file": "network files", "random": "random"}


def read_rows(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["simulated_cycles"] = float(r["simulated_cycles"])
        r["predicted_cycles"] = float(r["predicted_cycles"])
        r["error_pct"] = float(r["error_pct"])
    return [r for r in rows if r["simulated_cycles"] > 0 and r["predicted_cycles"] > 0]


def by_source(rows):
    """(source, rows) pairs in drawing order: the known sources in STYLES order, then others."""
    sources = {r["source"] for r in rows}
    order = [s for s in STYLES if s in sources] + sorted(sources - set(STYLES))
    return [(s, [r for r in rows if r["source"] == s]) for s in order]


def x_range(groups):
    sims = [r["simulated_cycles"] for _, pts in groups for r in pts]
    return (min(sims) / 1.5, max(sims) * 1.5) if sims else (1.0, 10.0)


def scatter_panel(ax, groups):
    values = [v for _, pts in groups for r in pts
              for v in (r["simulated_cycles"], r["predicted_cycles"])]
    lo, hi = (min(values) / 1.5, max(values) * 1.5) if values else (1.0, 10.0)
    ax.fill_between([lo, hi], [lo * 0.95, hi * 0.95], [lo * 1.05, hi * 1.05], color="0.88",
                    label="±5%", zorder=1)
    ax.plot([lo, hi], [lo, hi], color="0.4", linewidth=0.8, zorder=2)
    for source, pts in groups:
        ax.scatter([r["simulated_cycles"] for r in pts], [r["predicted_cycles"] for r in pts],
                   label=f"{LABELS.get(source, source)} ({len(pts)})",
                   **STYLES.get(source, OTHER_STYLE))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_xlabel("simulated latency (cycles, SystemC)")
    ax.set_ylabel("predicted latency (cycles, estimator)")
    ax.set_title("predicted vs simulated")
    ax.grid(True, which="both", linewidth=0.3)
    ax.legend(loc="upper left")


def error_panel(ax, groups):
    top = max([abs(r["error_pct"]) for _, pts in groups for r in pts], default=0.0) * 1.3
    top = max(top, 0.01)
    if top > 5.0:  # else every point is inside the band: no grey panel
        ax.axhspan(-5, 5, color="0.88", zorder=1)
    ax.axhline(0, color="0.4", linewidth=0.8, zorder=2)
    for source, pts in groups:
        ax.scatter([r["simulated_cycles"] for r in pts], [r["error_pct"] for r in pts],
                   **STYLES.get(source, OTHER_STYLE))
    ax.set_xscale("log")
    if top > 1.0:
        ax.set_yscale("symlog", linthresh=1.0)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_xlim(*x_range(groups))
    ax.set_ylim(-top, top)
    ax.set_xlabel("simulated latency (cycles, SystemC)")
    ax.set_ylabel("error (%): predicted / simulated - 1")
    ax.set_title("relative error")
    ax.grid(True, which="both", linewidth=0.3)


def main(argv):
    if len(argv) != 2:
        print("usage: plot_validation.py REPORT_DIR", file=sys.stderr)
        return 2
    report = Path(argv[1])
    groups = by_source(read_rows(report / "validation.csv"))
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5.5), dpi=110)
    scatter_panel(left, groups)
    error_panel(right, groups)
    fig.suptitle("estimator validation")
    fig.tight_layout()
    out = report / "validation.png"
    tmp = report / "validation.png.tmp"
    fig.savefig(tmp, format="png")
    tmp.replace(out)  # atomic: a reader never sees half a file
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
