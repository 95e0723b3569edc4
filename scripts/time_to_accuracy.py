#!/usr/bin/env python3
"""Time to accuracy with the simulated periods: joins the iterations to a target accuracy of
`spikepipe train --all-schedulers` (TRAIN_OUT/tta.csv) with the simulated period of each
scheduler from `spikepipe compare` on the same network and platform (COMPARE_OUT/compare.csv),
and prints one row per scheduler: delays, iterations to the target, predicted and simulated
period (cycles), time to accuracy with each (ms at the platform clock). docs/TRAINING.md.

usage: python3 scripts/time_to_accuracy.py TRAIN_OUT COMPARE_OUT [--csv]
"""
import argparse
import csv
import os
import sys


def read(path):
    if not os.path.exists(path):
        sys.exit(f"time_to_accuracy: {path}: no such file")
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("train_out")
    ap.add_argument("compare_out")
    ap.add_argument("--csv", action="store_true", help="CSV instead of a table")
    a = ap.parse_args()
    tta = read(os.path.join(a.train_out, "tta.csv"))
    sim = {r["scheduler"]: r for r in read(os.path.join(a.compare_out, "compare.csv"))}
    head = ["scheduler", "delays", "target", "iterations", "predicted_period", "simulated_period",
            "tta_predicted_ms", "tta_simulated_ms"]
    rows = []
    for r in tta:
        if r["run"] not in sim:
            continue  # no-delay (no schedule) or a scheduler compare did not run
        clock = float(r["clock_ghz"]) * 1e9
        it = r["iterations_to_target"]
        pred = float(r["period_cycles"])
        simp = float(sim[r["run"]]["period_cycles"])
        rows.append([r["run"], r["delays"], r["target_accuracy"], it or "-", f"{pred:.0f}", f"{simp:.0f}",
                     f"{1e3 * int(it) * pred / clock:.0f}" if it else "-",
                     f"{1e3 * int(it) * simp / clock:.0f}" if it else "-"])
    if not rows:
        sys.exit("time_to_accuracy: no scheduler in both files (run train with --all-schedulers)")
    if a.csv:
        w = csv.writer(sys.stdout)
        w.writerow(head)
        w.writerows(rows)
        return
    width = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    for row in [head] + rows:
        print("  ".join(str(x).rjust(w) if i else str(x).ljust(w) for i, (x, w) in enumerate(zip(row, width))))


if __name__ == "__main__":
    main()
