#!/usr/bin/env python3
"""Latency-throughput plot of `spikepipe noc --out DIR` results.

usage: scripts/plot_noc.py DIR/noc.csv [more.csv ...] [-o plot.png]
Each CSV (one traffic pattern and packet size) becomes a curve of mean packet latency against
offered load, one panel per traffic pattern; dotted horizontal lines are the zero-load closed
forms, the dashed vertical line is the pattern's channel-load bound.
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(argv):
    out = None
    files = []
    i = 0
    while i < len(argv):
        if argv[i] == "-o":
            out = argv[i + 1]
            i += 2
        else:
            files.append(argv[i])
            i += 1
    if not files:
        print(__doc__)
        return 2
    data = []
    for f in files:
        rows = list(csv.DictReader(open(f)))
        if rows:
            data.append(rows)
    # One panel per traffic pattern (in order of first appearance), a curve per packet size.
    patterns = []
    for rows in data:
        if rows[0]["traffic"] not in patterns:
            patterns.append(rows[0]["traffic"])
    fig, axes = plt.subplots(1, len(patterns), figsize=(4.2 * len(patterns) + 1, 4.2),
                             squeeze=False)
    for ax, pat in zip(axes[0], patterns):
        for rows in data:
            if rows[0]["traffic"] != pat:
                continue
            label = "%s-flit packets" % rows[0]["packet_flits"]
            x = [float(r["offered"]) for r in rows]
            y = [float(r["latency_mean"]) for r in rows]
            line, = ax.plot(x, y, marker="o", ms=3, label=label)
            ax.axhline(float(rows[0]["zero_load"]), color=line.get_color(), ls=":", lw=0.8)
        bound = float([r for r in data if r[0]["traffic"] == pat][0][0]["channel_bound"])
        ax.axvline(bound, color="k", ls="--", lw=0.8, label="channel-load bound %.3f" % bound)
        ax.set_title(pat)
        ax.set_xlabel("offered load (flits/node/cycle)")
        ax.set_ylabel("mean packet latency (cycles)")
        ax.set_yscale("log")
        ax.set_ylim(top=1000)
        ax.grid(True, which="both", lw=0.3)
        ax.legend(fontsize=7)
    out = out or files[0].rsplit(".", 1)[0] + ".png"
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
