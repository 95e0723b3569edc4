#!/usr/bin/env python3
"""Turns the compare.csv files written by scripts/simulated_comparison.sh into the Markdown
tables of docs/RESULTS.md "Simulated comparison". Usage: results_tables.py RESULTS_DIR"""
import csv
import os
import statistics
import sys

NETWORKS = ["mnist-fc", "fmnist-conv", "cifar10-vgg"]
PRESETS = ["mesh4", "mesh8", "mesh16"]
SCHEDULERS = ["sequential", "gpipe", "pipedream", "spikepipe", "spikepipe-split"]


def load(root, suffix):
    rows = {}
    for n in NETWORKS:
        for p in PRESETS:
            path = os.path.join(root, f"{n}-{p}{suffix}", "compare.csv")
            with open(path, newline="") as f:
                rows[(n, p)] = {r["scheduler"]: r for r in csv.DictReader(f)}
    return rows


def period_table(rows):
    print("| network | preset | " + " | ".join(s.replace("-split", " --split") for s in SCHEDULERS) + " |")
    print("|---|---|" + "---|" * len(SCHEDULERS))
    for (n, p), r in rows.items():
        cells = []
        for s in SCHEDULERS:
            x = r[s]
            mark = "" if x["steady_state"] == "yes" else "~"
            cells.append(f"{mark}{int(float(x['period_cycles'])):,} ({float(x['simulated_over_predicted']):.2f})")
        print(f"| {n} | {p} | " + " | ".join(cells) + " |")


def speedup_table(rows):
    print("| network | preset | spikepipe / pipedream | --split / pipedream | spikepipe / sequential "
          "| --split / sequential | comm overhead spikepipe (edges / all traffic) "
          "| comm overhead --split (edges / all traffic) | mean utilisation pipedream / spikepipe / --split |")
    print("|---|---|---|---|---|---|---|---|---|")
    sp, spl, ovh, ovh_all = [], [], [], []
    for (n, p), r in rows.items():
        a, b, pd = r["spikepipe"], r["spikepipe-split"], r["pipedream"]
        sp.append(float(a["speedup_vs_pipedream"]))
        spl.append(float(b["speedup_vs_pipedream"]))
        ovh.append(float(a["comm_overhead"]))
        ovh_all.append(float(a["comm_overhead_all_traffic"]))
        print(f"| {n} | {p} | {float(a['speedup_vs_pipedream']):.2f}x | {float(b['speedup_vs_pipedream']):.2f}x "
              f"| {float(a['speedup_vs_sequential']):.2f}x | {float(b['speedup_vs_sequential']):.2f}x "
              f"| {100*float(a['comm_overhead']):+.1f}% / {100*float(a['comm_overhead_all_traffic']):+.2f}% "
              f"| {100*float(b['comm_overhead']):+.1f}% / {100*float(b['comm_overhead_all_traffic']):+.2f}% "
              f"| {100*float(pd['utilisation']):.0f}% / {100*float(a['utilisation']):.0f}% / {100*float(b['utilisation']):.0f}% |")
    print()
    print(f"spikepipe over pipedream: mean {statistics.mean(sp):.2f}x, min {min(sp):.2f}x, max {max(sp):.2f}x; "
          f"--split over pipedream: mean {statistics.mean(spl):.2f}x, min {min(spl):.2f}x, max {max(spl):.2f}x; "
          f"spikepipe communication overhead: {100*min(ovh):+.1f}% to {100*max(ovh):+.1f}% of edge bytes, "
          f"{100*min(ovh_all):+.2f}% to {100*max(ovh_all):+.2f}% of all traffic.")


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "traces/results"
    for suffix, title in [("", "presets as shipped (4 MiB SRAM per processor)"),
                          ("-bigsram", "same, with `--sram-bytes 1073741824` (nothing spills)")]:
        rows = load(root, suffix)
        print(f"#### Simulated period, {title}\n")
        print("Cycles per mini-batch; in brackets simulated / predicted period; `~` marks a run whose "
              "completion intervals did not settle into a repeating pattern.\n")
        period_table(rows)
        print(f"\n#### Speedups, communication overhead, utilisation: {title}\n")
        speedup_table(rows)
        print()


if __name__ == "__main__":
    main()
