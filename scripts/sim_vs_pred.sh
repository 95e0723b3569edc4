#!/usr/bin/env bash
# The planner against the simulator (docs/RESULTS.md "Simulated against predicted"): `spikepipe
# compare` on the shipped networks and the mesh4 / mesh8 / mesh16 presets as shipped (4 MiB SRAM), then one
# Markdown table of simulated / predicted period per scheduler x preset (`~`: the run did not
# reach a steady state), with the SRAM need and the spilled bytes of each run.
# Usage: scripts/sim_vs_pred.sh [build/spikepipe] [outdir] [extra compare flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/spikepipe}
OUT=${2:-traces/sim-vs-pred}
shift $(( $# < 2 ? $# : 2 ))
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
for n in mnist-fc fmnist-conv cifar10-vgg; do
  for p in mesh4 mesh8 mesh16; do
    # A compare.csv older than the binary (or than this script) is from another build: run again.
    [[ "$OUT/$n-$p/compare.csv" -nt "$BIN" && "$OUT/$n-$p/compare.csv" -nt "$0" ]] ||
      "$BIN" compare --network "$n" --platform "$p" --no-trace --csv --out "$OUT/$n-$p" "$@" >/dev/null
  done
done
python3 - "$OUT" <<'PY'
import csv, os, sys
out = sys.argv[1]
rows = {}
scheds = []
for n in ["mnist-fc", "fmnist-conv", "cifar10-vgg"]:
    for p in ["mesh4", "mesh8", "mesh16"]:
        f = os.path.join(out, f"{n}-{p}", "compare.csv")
        if not os.path.exists(f):
            continue
        for r in csv.DictReader(open(f)):
            s = r["scheduler"]
            if s not in scheds:
                scheds.append(s)
            rows[(n, p, s)] = r
print("| network | preset | " + " | ".join(scheds) + " |")
print("|---|---|" + "---|" * len(scheds))
worst = 0.0
for n in ["mnist-fc", "fmnist-conv", "cifar10-vgg"]:
    for p in ["mesh4", "mesh8", "mesh16"]:
        cells = []
        for s in scheds:
            r = rows.get((n, p, s))
            if not r or not r.get("simulated_over_predicted"):
                cells.append("-")
                continue
            q = float(r["simulated_over_predicted"])
            worst = max(worst, abs(q - 1))
            mark = "" if r.get("steady_state") == "yes" else "~"
            cells.append(f"{mark}{q:.3f}")
        print(f"| {n} | {p} | " + " | ".join(cells) + " |")
print(f"\nlargest |sim/pred - 1|: {worst:.3f}\n")
print("| network | preset | scheduler | period | predicted | SRAM need / capacity KiB | spilled KiB per iteration |")
print("|---|---|---|---|---|---|---|")
for n in ["mnist-fc", "fmnist-conv", "cifar10-vgg"]:
    for p in ["mesh4", "mesh8", "mesh16"]:
        for s in scheds:
            r = rows.get((n, p, s))
            if not r or not r.get("period_cycles"):
                continue
            need = float(r.get("sram_need_bytes") or 0) / 1024
            cap = float(r.get("sram_capacity_bytes") or 0) / 1024
            sp = float(r.get("spilled_bytes_per_iteration") or 0) / 1024
            print(f"| {n} | {p} | {s} | {float(r['period_cycles']):,.0f} | "
                  f"{float(r['predicted_period_cycles']):,.0f} | {need:,.0f} / {cap:,.0f} | {sp:,.0f} |")
PY
