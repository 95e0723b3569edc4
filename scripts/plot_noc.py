#!/usr/bin/env python3
"""Latency-throughput plot of `spikepipe noc --out DIR` results.

usage: scripts/plot_noc.py DIR/noc.csv [more.csv ...] [-o plot.png]
Each CSV (one traffic pattern and packet size) becomes a curve of mean packet latency against
accepted throughput; the dashed vertical line is the pattern's channel-load bound.
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
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for f in files:
        rows = list(csv.DictReader(open(f)))
        if not rows:
            continue
        label = "%s, %s-flit" % (rows[0]["traffic"], rows[0]["packet_flits"])
        x = [float(r["offered"]) for r in rows]
        y = [float(r["latency_mean"]) for r in rows]
        line, = ax.plot(x, y, marker="o", ms=3, label=label)
        ax.axvline(float(rows[0]["channel_bound"]), color=line.get_color(), ls="--", lw=0.8)
    ax.set_xlabel("offered load (flits/node/cycle)")
    ax.set_ylabel("mean packet latency (cycles)")
    ax.set_yscale("log")
    ax.grid(True, which="both", lw=0.3)
    ax.legend(fontsize=8)
    out = out or files[0].rsplit(".", 1)[0] + ".png"
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
