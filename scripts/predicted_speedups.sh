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
scheds = ["sequential", "gpipe", "pipedream", "spikepipe", "spikepipe-split"]
def load(n, p, s):
    with open(os.path.join(d, f"{n}.{p}.{s}.json")) as f:
        return json.load(f)
print("Predicted steady-state period (cycles per mini-batch) and gap to each schedule's lower bound")
print()
print("| network | P | sequential | gpipe (m=4) | pipedream | spikepipe | spikepipe --split |")
print("|---|---|---|---|---|---|---|")
rows = []
for n in nets:
    for p in (4, 8, 16):
        cells = []
        r = {s: load(n, p, s) for s in scheds}
        for s in scheds:
            per, lb = r[s]["predicted_period_cycles"], r[s]["lower_bound_cycles"]
            cells.append(f"{per:,} (+{100.0 * (per - lb) / lb:.1f}%)")
        print(f"| {n} | {p} | " + " | ".join(cells) + " |")
        rows.append((n, p, r))
print()
print("Speedup = period(baseline) / period(spikepipe); same network, P and platform")
print()
print("| network | P | spikepipe vs pipedream | --split vs pipedream | spikepipe vs gpipe | spikepipe vs sequential | --split vs sequential | delays spikepipe | delays pipedream |")
print("|---|---|---|---|---|---|---|---|---|")
sp_pd, spl_pd = [], []
for n, p, r in rows:
    per = {s: r[s]["predicted_period_cycles"] for s in scheds}
    a, b = per["pipedream"] / per["spikepipe"], per["pipedream"] / per["spikepipe-split"]
    sp_pd.append(a); spl_pd.append(b)
    print(f"| {n} | {p} | {a:.2f}x | {b:.2f}x | {per['gpipe'] / per['spikepipe']:.2f}x | "
          f"{per['sequential'] / per['spikepipe']:.2f}x | {per['sequential'] / per['spikepipe-split']:.2f}x | "
          f"{','.join(map(str, r['spikepipe']['delays']))} | {','.join(map(str, r['pipedream']['delays']))} |")
print()
g = lambda xs: (sum(xs) / len(xs), min(xs), max(xs))
print("spikepipe over pipedream: mean %.2fx, min %.2fx, max %.2fx" % g(sp_pd))
print("spikepipe --split over pipedream: mean %.2fx, min %.2fx, max %.2fx" % g(spl_pd))
PY
