#!/usr/bin/env python3
"""Plots the output of `spikepipe train` (docs/TRAINING.md): test accuracy and loss per
evaluation (evals.csv) for every run (no-delay and each schedule's delays), and writes
OUT/train.png (or the file given with -o).

usage: python3 scripts/plot_train.py OUT_DIR [-o FILE.png]
"""
import argparse
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", help="the --out directory of spikepipe train")
    ap.add_argument("-o", "--output", help="image file (default OUT/train.png)")
    a = ap.parse_args()
    path = os.path.join(a.out, "evals.csv")
    if not os.path.exists(path):
        sys.exit(f"plot_train: {path}: no such file (run spikepipe train --out {a.out} first)")
    # Runs with the same delays are one training (spikepipe train trains each delay vector once):
    # one curve, labelled with every run that shares it.
    names, points = {}, {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            d = row["delays"]
            if row["run"] not in names.setdefault(d, []):
                names[d].append(row["run"])
            if len(names[d]) == 1:
                points.setdefault(d, []).append(
                    (int(row["iteration"]), float(row["test_accuracy"]), float(row["test_loss"])))
    runs = {f"{', '.join(names[d])} (d = {d})": pts for d, pts in points.items()}
    if not runs:
        sys.exit(f"plot_train: {path}: no evaluations")
    target = None
    tta = os.path.join(a.out, "tta.csv")
    if os.path.exists(tta):
        with open(tta, newline="") as f:
            for row in csv.DictReader(f):
                if float(row["target_accuracy"] or 0) > 0:
                    target = float(row["target_accuracy"])
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    for key, pts in runs.items():
        pts.sort()
        it = [p[0] for p in pts]
        ax1.plot(it, [100 * p[1] for p in pts], marker=".", label=key)
        ax2.plot(it, [p[2] for p in pts], marker=".", label=key)
    if target:
        ax1.axhline(100 * target, color="grey", linestyle="--", linewidth=0.8, label=f"target {100 * target:g}%")
    ax1.set_xlabel("iteration (mini-batch)")
    ax1.set_ylabel("test accuracy (%)")
    ax2.set_xlabel("iteration (mini-batch)")
    ax2.set_ylabel("test loss (cross-entropy)")
    ax1.grid(alpha=0.3)
    ax2.grid(alpha=0.3)
    ax1.legend(fontsize=8)
    fig.suptitle(f"spikepipe train: {os.path.basename(os.path.abspath(a.out))}")
    fig.tight_layout()
    out = a.output or os.path.join(a.out, "train.png")
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
