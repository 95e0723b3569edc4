#!/usr/bin/python3
"""Plots where the energy goes, per scheduler (docs/ENERGY.md).

    scripts/plot_energy.py COMPARE_DIR [COMPARE_DIR ...] [--out FILE.png] [--tables]

Each COMPARE_DIR is the output of `spikepipe compare` (one run directory per scheduler, each with
its summary.json). Draws one group of stacked bars per directory, one bar per scheduler: energy
per sample split into compute, SRAM, DRAM, NoC and static (summary.json's energy_breakdown_j).
With --tables, also prints a Markdown table per directory (energy per sample in uJ, the shares,
average power and SynOps per sample). Needs only matplotlib for the plot (Debian:
python3-matplotlib); --tables alone needs nothing.
"""
import argparse
import json
import os
import sys

PARTS = ["compute", "sram", "dram", "noc", "static"]
COLOURS = {"compute": "#1f77b4", "sram": "#2ca02c", "dram": "#d62728", "noc": "#ff7f0e",
           "static": "#7f7f7f"}


def read_compare(d):
    """[(scheduler, summary)] in the order compare ran them (compare.csv's rows)."""
    order = []
    csv_path = os.path.join(d, "compare.csv")
    if os.path.exists(csv_path):
        with open(csv_path) as f:
            next(f, None)
            order = [line.split(",", 1)[0] for line in f if line.strip()]
    else:
        order = sorted(n for n in os.listdir(d) if os.path.isdir(os.path.join(d, n)))
    runs = []
    for name in order:
        path = os.path.join(d, name, "summary.json")
        if not os.path.exists(path):
            continue
        with open(path) as f:
            s = json.load(f)
        if "energy_breakdown_j" not in s:
            sys.exit(f"plot_energy: {path}: no energy_breakdown_j (a run from before the energy model)")
        runs.append((name, s))
    if not runs:
        sys.exit(f"plot_energy: {d}: no run directories with a summary.json")
    return runs


def label(d):
    return os.path.basename(os.path.normpath(d))


def table(d, runs):
    lines = [f"**{label(d)}**", "",
             "| scheduler | uJ/sample | compute | SRAM | DRAM | NoC | static | W | SynOps/sample |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, s in runs:
        b = s["energy_breakdown_j"]
        tot = s["energy_per_sample_j"] or 1.0
        shares = " | ".join(f"{100 * b[p] / tot:.1f}%" for p in PARTS)
        lines.append(f"| {name} | {1e6 * s['energy_per_sample_j']:,.2f} | {shares} | "
                     f"{s['average_power_w']:.3g} | {s['synops_per_sample']:.4g} |")
    return "\n".join(lines) + "\n"


def plot(dirs, all_runs, out):
    try:
        import matplotlib
    except ImportError:
        sys.exit("needs matplotlib: apt-get install python3-matplotlib, and run with /usr/bin/python3")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(dirs), figsize=(max(5, 3.2 * len(dirs)), 4.2), squeeze=False)
    for ax, d, runs in zip(axes[0], dirs, all_runs):
        names = [n for n, _ in runs]
        bottom = [0.0] * len(runs)
        for p in PARTS:
            vals = [1e6 * s["energy_breakdown_j"][p] for _, s in runs]
            ax.bar(range(len(runs)), vals, bottom=bottom, color=COLOURS[p], label=p)
            bottom = [b + v for b, v in zip(bottom, vals)]
        ax.set_xticks(range(len(runs)))
        ax.set_xticklabels(names, rotation=45, ha="right", fontsize=8)
        ax.set_title(label(d), fontsize=9)
        ax.set_ylabel("energy per sample (uJ)")
    axes[0][0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    print(f"plot_energy: wrote {out}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="+")
    ap.add_argument("--out", default=None, help="PNG to write (default: energy.png in the first directory)")
    ap.add_argument("--tables", action="store_true", help="print Markdown tables")
    ap.add_argument("--no-plot", action="store_true", help="tables only")
    a = ap.parse_args()
    all_runs = [read_compare(d) for d in a.dirs]
    if a.tables:
        for d, runs in zip(a.dirs, all_runs):
            print(table(d, runs))
    if not a.no_plot:
        plot(a.dirs, all_runs, a.out or os.path.join(a.dirs[0], "energy.png"))


if __name__ == "__main__":
    main()
