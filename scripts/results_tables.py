#!/usr/bin/env python3
"""Turns the compare.csv files written by scripts/simulated_comparison.sh into the Markdown
tables of docs/RESULTS.md "Simulated comparison". The schedulers are the rows of compare.csv
(every scheduler of the registry). Usage: results_tables.py RESULTS_DIR"""
import csv
import os
import statistics
import sys

NETWORKS = ["mnist-fc", "fmnist-conv", "cifar10-vgg"]
PRESETS = ["mesh4", "mesh8", "mesh16"]


def load(root, suffix):
    rows = {}
    for n in NETWORKS:
        for p in PRESETS:
            path = os.path.join(root, f"{n}-{p}{suffix}", "compare.csv")
            with open(path, newline="") as f:
                rows[(n, p)] = {r["scheduler"]: r for r in csv.DictReader(f)}
    return rows


def schedulers(rows):
    return list(next(iter(rows.values())).keys())


def baselines(rows):
    return [s for s in schedulers(rows) if not s.startswith("spikepipe")]


def period_table(rows):
    scheds = schedulers(rows)
    print("| network | preset | lower bound | " +
          " | ".join(s.replace("-split", " --split") for s in scheds) + " |")
    print("|---|---|---|" + "---|" * len(scheds))
    below = []
    for (n, p), r in rows.items():
        lbs = {r[s]["lower_bound_cycles"] for s in scheds}
        assert len(lbs) == 1, (n, p, lbs)  # the same for every scheduler
        lb = float(lbs.pop())
        cells = []
        for s in scheds:
            x = r[s]
            per = float(x["period_cycles"])
            if per < lb:
                below.append((n, p, s))
            mark = "" if x["steady_state"] == "yes" else "~"
            cells.append(f"{mark}{int(per):,} ({float(x['simulated_over_predicted']):.2f})")
        print(f"| {n} | {p} | {int(lb):,} | " + " | ".join(cells) + " |")
    print()
    print("Simulated periods below the lower bound: " +
          ("none." if not below else ", ".join(f"{n} {p} {s}" for n, p, s in below)))


def speedup_table(rows):
    print("| network | preset | best baseline | spikepipe / best | --split / best "
          "| spikepipe / standard | --split / standard | spikepipe / pipedream | spikepipe / data-parallel "
          "| comm overhead spikepipe (edges / all traffic) "
          "| mean utilisation standard / pipedream / spikepipe / --split |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    base = baselines(rows)
    best_sp, best_spl, std_sp, std_spl, ovh, ovh_all = [], [], [], [], [], []
    for (n, p), r in rows.items():
        per = {s: float(r[s]["period_cycles"]) for s in r}
        best = min(base, key=lambda s: per[s])
        a, b = r["spikepipe"], r["spikepipe-split"]
        best_sp.append(per[best] / per["spikepipe"])
        best_spl.append(per[best] / per["spikepipe-split"])
        std_sp.append(per["standard"] / per["spikepipe"])
        std_spl.append(per["standard"] / per["spikepipe-split"])
        ovh.append(float(a["comm_overhead"]))
        ovh_all.append(float(a["comm_overhead_all_traffic"]))
        u = lambda s: f"{100*float(r[s]['utilisation']):.0f}%"
        print(f"| {n} | {p} | {best} | {best_sp[-1]:.2f}x | {best_spl[-1]:.2f}x "
              f"| {std_sp[-1]:.2f}x | {std_spl[-1]:.2f}x "
              f"| {per['pipedream'] / per['spikepipe']:.2f}x | {per['data-parallel'] / per['spikepipe']:.2f}x "
              f"| {100*float(a['comm_overhead']):+.1f}% / {100*float(a['comm_overhead_all_traffic']):+.2f}% "
              f"| {u('standard')} / {u('pipedream')} / {u('spikepipe')} / {u('spikepipe-split')} |")
    print()
    g = lambda xs: f"mean {statistics.mean(xs):.2f}x, min {min(xs):.2f}x, max {max(xs):.2f}x"
    print(f"spikepipe over the best baseline: {g(best_sp)}; --split over the best baseline: {g(best_spl)}; "
          f"spikepipe over standard pipelining: {g(std_sp)}; --split over standard pipelining: {g(std_spl)}; "
          f"spikepipe communication overhead (against standard pipelining's bytes): "
          f"{100*min(ovh):+.1f}% to {100*max(ovh):+.1f}% of edge bytes, "
          f"{100*min(ovh_all):+.2f}% to {100*max(ovh_all):+.2f}% of all traffic.")


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "traces/results"
    for suffix, title in [("", "presets as shipped (4 MiB SRAM per processor)"),
                          ("-bigsram", "same, with `--sram-bytes 1073741824` (nothing spills)")]:
        rows = load(root, suffix)
        print(f"#### Simulated period, {title}\n")
        print("Cycles per mini-batch; in brackets simulated / predicted period; `~` marks a run whose "
              "completion intervals did not settle into a repeating pattern. The lower bound is the "
              "same for every scheduler (`lower_bound_cycles`).\n")
        period_table(rows)
        print(f"\n#### Speedups, communication overhead, utilisation: {title}\n")
        speedup_table(rows)
        print()


if __name__ == "__main__":
    main()
