#!/usr/bin/env bash
# Predicted speedups of the schedulers (no SystemC): runs `spikepipe schedule --json` for the
# three shipped networks, P in {4, 8, 16}, on a 32x32 array, and prints the Markdown tables of
# docs/RESULTS.md "Predicted speedups (scheduler)". Usage: scripts/predicted_speedups.sh [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-${SPIKEPIPE:-build/spikepipe}}
[ -x "$BIN" ] || { echo "no spikepipe binary at $BIN (build it, or pass its path)" >&2; exit 1; }
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
for net in mnist-fc fmnist-conv cifar10-vgg; do
  for P in 4 8 16; do
    while IFS=$'\t' read -r s flags _; do  # every scheduler of the registry
      echo "$s" >> "$OUT/names.$net.$P"
      # shellcheck disable=SC2086
      "$BIN" schedule --network "$net" --processors "$P" --array-rows 32 --array-cols 32 \
        $flags --json > "$OUT/$net.$P.$s.json"
    done < <("$BIN" schedule --list)
  done
done
python3 - "$OUT" <<'PY'
import json, sys, os
d = sys.argv[1]
nets = ["mnist-fc", "fmnist-conv", "cifar10-vgg"]
scheds = [l.strip() for l in open(os.path.join(d, "names.mnist-fc.4")) if l.strip()]
baselines = [s for s in scheds if not s.startswith("spikepipe")]
def load(n, p, s):
    with open(os.path.join(d, f"{n}.{p}.{s}.json")) as f:
        return json.load(f)
name = lambda s: s.replace("-split", " --split").replace("gpipe", "gpipe (m=4)")
print("Predicted steady-state period (cycles per mini-batch) and, in brackets, its gap to the lower")
print("bound (the same for every scheduler; first column)")
print()
print("| network | P | lower bound | " + " | ".join(name(s) for s in scheds) + " |")
print("|---|---|---|" + "---|" * len(scheds))
rows = []
for n in nets:
    for p in (4, 8, 16):
        r = {s: load(n, p, s) for s in scheds}
        lbs = {r[s]["lower_bound_cycles"] for s in scheds}
        assert len(lbs) == 1, (n, p, lbs)
        lb = lbs.pop()
        cells = []
        for s in scheds:
            per = r[s]["predicted_period_cycles"]
            assert per >= lb, (n, p, s)
            cells.append(f"{per:,} (+{100.0 * (per - lb) / lb:.1f}%)")
        print(f"| {n} | {p} | {lb:,} | " + " | ".join(cells) + " |")
        rows.append((n, p, r))
print()
print("Each schedule's own bound (max(its op time / P, its largest op, T-inf with its placement and")
print("delays)); another schedule can beat it, as --split beats spikepipe's on mnist-fc")
print()
print("| network | P | " + " | ".join(name(s) for s in scheds) + " |")
print("|---|---|" + "---|" * len(scheds))
for n, p, r in rows:
    print(f"| {n} | {p} | " + " | ".join(f"{r[s]['schedule_bound_cycles']:,}" for s in scheds) + " |")
print()
print("Speedup = period(baseline) / period(spikepipe); same network, P and platform. Best baseline =")
print("the fastest of " + ", ".join(baselines) + ".")
print()
print("| network | P | best baseline | spikepipe vs best | --split vs best | spikepipe vs standard | --split vs standard | spikepipe vs pipedream | spikepipe vs data-parallel | pipedream's plan | delays spikepipe | delays pipedream |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
vs_best, spl_best, vs_std, spl_std = [], [], [], []
for n, p, r in rows:
    per = {s: r[s]["predicted_period_cycles"] for s in scheds}
    best = min(baselines, key=lambda s: per[s])
    a, b = per[best] / per["spikepipe"], per[best] / per["spikepipe-split"]
    c, e = per["standard"] / per["spikepipe"], per["standard"] / per["spikepipe-split"]
    vs_best.append(a); spl_best.append(b); vs_std.append(c); spl_std.append(e)
    plan = r["pipedream"]["note"].split(" (x r")[0].replace("stages ", "").replace(" | ", " / ")
    print(f"| {n} | {p} | {best} | {a:.2f}x | {b:.2f}x | {c:.2f}x | {e:.2f}x | "
          f"{per['pipedream'] / per['spikepipe']:.2f}x | {per['data-parallel'] / per['spikepipe']:.2f}x | "
          f"{plan} | {','.join(map(str, r['spikepipe']['delays']))} | {','.join(map(str, r['pipedream']['delays']))} |")
print()
g = lambda xs: (sum(xs) / len(xs), min(xs), max(xs))
print("spikepipe over the best baseline: mean %.2fx, min %.2fx, max %.2fx" % g(vs_best))
print("spikepipe --split over the best baseline: mean %.2fx, min %.2fx, max %.2fx" % g(spl_best))
print("spikepipe over standard pipelining: mean %.2fx, min %.2fx, max %.2fx" % g(vs_std))
print("spikepipe --split over standard pipelining: mean %.2fx, min %.2fx, max %.2fx" % g(spl_std))
PY
