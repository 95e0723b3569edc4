#!/usr/bin/python3
"""Plots a `spikepipe sweep` result: period and speedup against the swept parameter.

    scripts/plot_sweep.py OUT/sweep.csv [--x processors] [--baseline pipedream] [--out DIR]

Writes DIR/sweep_period.png and DIR/sweep_speedup.png (DIR defaults to the CSV's folder).
One line per scheduler; any other swept parameter splits the lines further (named in the
legend). Speedup is period(baseline) / period at the same point; the baseline scheduler is
pipedream when the sweep has it, else sequential, else the line's own first x value (scaling).
Failed points are left out. Needs only matplotlib (Debian: python3-matplotlib).
"""
import argparse
import csv
import math
import os
import sys

try:
    import matplotlib
except ImportError:
    sys.exit("needs matplotlib: apt-get install python3-matplotlib, and run with /usr/bin/python3")

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import EngFormatter  # noqa: E402

# Each scheduler keeps its colour in every plot; other swept values change the line style.
COLOURS = {"sequential": "#7f7f7f", "gpipe": "#1f77b4", "pipedream": "#ff7f0e", "spikepipe": "#d62728"}
STYLES = ["-", "--", ":", "-."]


def read_sweep(path):
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        fields = reader.fieldnames or []
        if "status" not in fields or "period_cycles" not in fields:
            sys.exit(f"plot_sweep: {path}: not a sweep.csv (needs status and period_cycles columns)")
        params = fields[: fields.index("status")]
        rows = list(reader)
    ok = [r for r in rows if r["status"] == "ok"]
    failed = len(rows) - len(ok)
    if failed:
        print(f"plot_sweep: leaving out {failed} failed point(s)", file=sys.stderr)
    if not ok:
        sys.exit(f"plot_sweep: {path}: no successful points")
    return params, ok


def as_number(text):
    try:
        return float(text)
    except ValueError:
        return None


def choose_x(params, rows, wanted):
    if wanted:
        if wanted not in params:
            sys.exit(f"plot_sweep: --x {wanted} is not a swept parameter (swept: {', '.join(params) or 'none'})")
        return wanted
    candidates = [p for p in params if p != "scheduler"]
    numeric = [p for p in candidates if all(as_number(r[p]) is not None for r in rows)]
    if numeric:
        return numeric[0]
    if candidates:
        return candidates[0]
    return params[0] if params else None


def scheduler_of(row):
    return row.get("scheduler") or "run"


def line_key(row, params, x):
    """(scheduler, other swept values): one plotted line each."""
    others = tuple((p, row[p]) for p in params if p not in (x, "scheduler"))
    return scheduler_of(row), others


def label_of(key):
    sched, others = key
    return ", ".join([sched] + [f"{p}={v}" for p, v in others])


def x_positions(rows, x):
    """Numeric x values as they are; categories in first-seen order at 0, 1, 2, ..."""
    if x is None:
        return {"": 0.0}, None
    values = [r[x] for r in rows]
    if all(as_number(v) is not None for v in values):
        return {v: as_number(v) for v in values}, None
    order = list(dict.fromkeys(values))
    return {v: float(i) for i, v in enumerate(order)}, order


def set_x_axis(ax, x, pos, categories):
    ax.set_xlabel(x or "point")
    if categories is not None:
        ax.set_xticks(range(len(categories)))
        ax.set_xticklabels(categories)
        return
    xs = sorted(set(pos.values()))
    if len(xs) >= 3 and xs[0] > 0 and xs[-1] / xs[0] >= 8:
        ax.set_xscale("log", base=2)
    ax.set_xticks(xs)
    ax.set_xticklabels([f"{v:g}" for v in xs])
    ax.minorticks_off()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("csv", help="sweep.csv written by spikepipe sweep")
    ap.add_argument("--x", help="swept parameter on the x axis (default: the first numeric one)")
    ap.add_argument("--baseline", help="scheduler the speedup is measured against")
    ap.add_argument("--out", help="folder for the PNGs (default: the CSV's folder)")
    ap.add_argument("--prefix", default="sweep_", help="file name prefix (default sweep_)")
    ap.add_argument("--title", default="", help="title above both plots")
    ap.add_argument("--table", action="store_true", help="also print the plotted values as CSV on stdout")
    a = ap.parse_args()

    params, rows = read_sweep(a.csv)
    x = choose_x(params, rows, a.x)
    pos, categories = x_positions(rows, x)
    out_dir = a.out or os.path.dirname(os.path.abspath(a.csv))
    os.makedirs(out_dir, exist_ok=True)

    lines = {}
    for r in rows:
        lines.setdefault(line_key(r, params, x), []).append(r)
    for k in lines:
        lines[k].sort(key=lambda r: pos[r[x]] if x else 0.0)

    schedulers = {scheduler_of(r) for r in rows}
    baseline = a.baseline or next((s for s in ("pipedream", "sequential") if s in schedulers), None)
    if baseline and baseline not in schedulers:
        sys.exit(f"plot_sweep: --baseline {baseline} is not in the sweep (schedulers: {', '.join(sorted(schedulers))})")
    base_period = {}
    if baseline:
        for (sched, others), rs in lines.items():
            if sched == baseline:
                for r in rs:
                    base_period[(others, r[x] if x else "")] = float(r["period_cycles"])

    title = a.title or os.path.basename(os.path.dirname(os.path.abspath(a.csv)))
    def value(what, key, rs, r):
        period = float(r["period_cycles"])
        if what == "period":
            return period
        if baseline:
            b = base_period.get((key[1], r[x] if x else ""))
            return b / period if b and period > 0 else math.nan
        return float(rs[0]["period_cycles"]) / period if period > 0 else math.nan

    if a.table:  # the plotted numbers, for checking by eye or by a test
        print(f"line,{x or 'point'},period_cycles,speedup")
        for key in sorted(lines, key=label_of):
            for r in lines[key]:
                print(f"{label_of(key)},{r[x] if x else ''},{r['period_cycles']},"
                      f"{value('speedup', key, lines[key], r):.6g}")

    written = []
    for what in ("period", "speedup"):
        fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=100)
        variants = sorted({k[1] for k in lines})
        extra = iter(["#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf"])
        colour_of = {}
        for key in sorted(lines, key=label_of):
            rs = lines[key]
            xs = [pos[r[x]] if x else 0.0 for r in rs]
            ys = [value(what, key, rs, r) for r in rs]
            if key[0] not in colour_of:
                colour_of[key[0]] = COLOURS.get(key[0]) or next(extra, None)
            ax.plot(xs, ys, marker="o", linewidth=1.6, markersize=4, label=label_of(key), color=colour_of[key[0]],
                    linestyle=STYLES[variants.index(key[1]) % len(STYLES)])
        set_x_axis(ax, x, pos, categories)
        if what == "period":
            ax.set_ylabel("period (cycles per iteration)")
            ys_all = [float(r["period_cycles"]) for r in rows]
            if min(ys_all) > 0 and max(ys_all) / min(ys_all) >= 10:
                ax.set_yscale("log")
            ax.yaxis.set_major_formatter(EngFormatter())  # 30M rather than 3.0 x 1e7
        else:
            ax.set_ylabel(f"speedup over {baseline}" if baseline else f"speedup over the first {x or 'point'}")
            ax.axhline(1.0, color="0.6", linewidth=0.8, linestyle="--")
        ax.grid(True, which="major", alpha=0.3)
        ax.set_title(f"{title}: {what}" if title else what)
        ax.legend(fontsize=8)
        fig.tight_layout()
        path = os.path.join(out_dir, f"{a.prefix}{what}.png")
        fig.savefig(path)
        plt.close(fig)
        written.append(path)
    for p in written:
        print(p, file=sys.stderr if a.table else sys.stdout)


if __name__ == "__main__":
    main()
