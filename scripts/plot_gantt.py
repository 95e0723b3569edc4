#!/usr/bin/python3
"""Gantt chart of one `spikepipe run`: processors as rows, tasks coloured by kind (F, D, E, G, U),
each bar labelled with its iteration (and its task when there is room).

    scripts/plot_gantt.py OUT/tasks.csv [--out gantt.png] [--iterations 2:5] [--window 0:200000]

tasks.csv needs the columns processor, task, layer, iteration, start, end (kind is taken from
its own column when present, else from the task's first letter). --iterations keeps the task
instances of those iterations (inclusive), --window the cycles shown. Needs only matplotlib.
"""
import argparse
import csv
import os
import sys

try:
    import matplotlib
except ImportError:
    sys.exit("needs matplotlib: apt-get install python3-matplotlib, and run with /usr/bin/python3")

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import EngFormatter  # noqa: E402

KINDS = {
    "F": ("forward", "#4C72B0"),
    "D": ("neuron backward", "#DD8452"),
    "E": ("error backward", "#55A868"),
    "G": ("weight gradient", "#C44E52"),
    "U": ("weight update", "#8172B3"),
}
OTHER = "#999999"


def span(text, name):
    try:
        a, b = text.split(":")
        lo, hi = int(a), int(b)
    except ValueError:
        sys.exit(f"plot_gantt: {name} {text!r}: expected FIRST:LAST (integers)")
    if lo > hi:
        sys.exit(f"plot_gantt: {name} {text!r}: FIRST is above LAST")
    return lo, hi


def read_tasks(path):
    need = ("processor", "task", "iteration", "start", "end")
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in need if c not in (reader.fieldnames or [])]
        if missing:
            sys.exit(f"plot_gantt: {path}: missing column(s) {', '.join(missing)}")
        rows = []
        for r in reader:
            kind = (r.get("kind") or r["task"][:1]).upper()
            rows.append(
                {
                    "processor": int(r["processor"]),
                    "task": r["task"],
                    "kind": kind,
                    "iteration": int(r["iteration"]),
                    "start": int(r["start"]),
                    "end": int(r["end"]),
                }
            )
    if not rows:
        sys.exit(f"plot_gantt: {path}: no task instances")
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("csv", help="tasks.csv written by spikepipe run")
    ap.add_argument("--out", help="PNG to write (default: gantt.png next to the CSV)")
    ap.add_argument("--iterations", help="FIRST:LAST iterations to show (inclusive)")
    ap.add_argument("--window", help="FIRST:LAST cycles to show")
    ap.add_argument("--title", default="", help="title of the chart")
    ap.add_argument("--width", type=float, default=10.0, help="figure width, inches (default 10)")
    a = ap.parse_args()

    rows = read_tasks(a.csv)
    if a.iterations:
        lo, hi = span(a.iterations, "--iterations")
        rows = [r for r in rows if lo <= r["iteration"] <= hi]
    if a.window:
        lo, hi = span(a.window, "--window")
        rows = [r for r in rows if r["end"] > lo and r["start"] < hi]
    if not rows:
        sys.exit("plot_gantt: nothing left to draw after --iterations/--window")
    x0 = min(r["start"] for r in rows)
    x1 = max(r["end"] for r in rows)
    if a.window:
        x0, x1 = span(a.window, "--window")
    procs = sorted({r["processor"] for r in rows})
    row_of = {p: i for i, p in enumerate(procs)}

    height = max(2.4, 0.42 * len(procs) + 1.6)
    fig, ax = plt.subplots(figsize=(a.width, height), dpi=100)
    px_per_cycle = (a.width * 100 * 0.85) / max(x1 - x0, 1)
    min_width = 2.0 / px_per_cycle  # a short task stays visible (and in its colour) as a 2-pixel bar
    bars = {}
    for r in rows:
        bars.setdefault((r["processor"], r["kind"]), []).append((r["start"], max(r["end"] - r["start"], min_width)))
    for (p, kind), segs in sorted(bars.items()):
        colour = KINDS.get(kind, ("", OTHER))[1]
        ax.broken_barh(segs, (row_of[p] - 0.4, 0.8), facecolors=colour, linewidth=0)

    # Label a bar with "task:iteration" when it fits, with the iteration alone when that fits.
    for r in rows:
        w = (min(r["end"], x1) - max(r["start"], x0)) * px_per_cycle
        full = f"{r['task']}:{r['iteration']}"
        text = full if w > 6.5 * len(full) else str(r["iteration"]) if w > 6.5 * len(str(r["iteration"])) + 2 else ""
        if text:
            mid = (max(r["start"], x0) + min(r["end"], x1)) / 2
            ax.text(mid, row_of[r["processor"]], text, ha="center", va="center", fontsize=7, color="white")

    ax.set_yticks(range(len(procs)))
    ax.set_yticklabels([f"P{p}" for p in procs])
    ax.set_ylim(len(procs) - 0.5, -0.5)  # processor 0 on top
    ax.set_xlim(x0, x1)
    ax.set_xlabel("cycles")
    ax.xaxis.set_major_formatter(EngFormatter())
    ax.grid(True, axis="x", alpha=0.3)
    kinds = sorted({r["kind"] for r in rows}, key=lambda k: list(KINDS).index(k) if k in KINDS else 99)
    handles = [Patch(color=KINDS.get(k, (k, OTHER))[1], label=f"{k}: {KINDS.get(k, (k, ''))[0]}") for k in kinds]
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=8, frameon=False)
    iters = sorted({r["iteration"] for r in rows})
    ax.set_title(a.title or f"{os.path.basename(os.path.dirname(os.path.abspath(a.csv)))}: "
                 f"iterations {iters[0]}-{iters[-1]} (bars labelled task:iteration)", fontsize=10)
    fig.tight_layout(rect=(0, 0.35 / height, 1, 1))  # room for the legend below the axis label
    out = a.out or os.path.join(os.path.dirname(os.path.abspath(a.csv)), "gantt.png")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    fig.savefig(out)
    plt.close(fig)
    print(out)


if __name__ == "__main__":
    main()
