#!/usr/bin/env bash
# Reproduces docs/RESULTS.md "Simulated comparison": `spikepipe compare` on the three shipped
# networks with the mesh4/mesh8/mesh16 presets, as shipped and with SRAM large enough that nothing
# spills, then prints the Markdown tables. Usage: scripts/simulated_comparison.sh [build/spikepipe] [outdir]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/spikepipe}
OUT=${2:-traces/results}
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
for n in mnist-fc fmnist-conv cifar10-vgg; do
  for p in mesh4 mesh8 mesh16; do
    "$BIN" compare --network "$n" --platform "$p" --no-trace --csv --out "$OUT/$n-$p" >/dev/null
    "$BIN" compare --network "$n" --platform "$p" --sram-bytes 1073741824 --no-trace --csv \
        --out "$OUT/$n-$p-bigsram" >/dev/null
  done
done
python3 scripts/results_tables.py "$OUT"
