#!/usr/bin/env bash
# Regenerates tests/data/golden/mnist-fc-mesh4.json from the current build. Run it only when a
# change of the figures is intended, and say in the commit why they moved.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/spikepipe}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
# Every scheduler of the registry (`schedule --list`); test names use _ for -.
while IFS=$'\t' read -r name flags _; do
  s=${name//-/_}
  args="run --network mnist-fc --platform mesh4 $flags --no-trace --quiet"
  "$BIN" $args --out "$tmp/$s" >/dev/null
  echo "$s|$args" >> "$tmp/index"
done < <("$BIN" schedule --list)
python3 - "$tmp" > tests/data/golden/mnist-fc-mesh4.json <<'PY'
import json, sys
tmp = sys.argv[1]
fields = ["period_cycles", "predicted_period_cycles", "lower_bound_cycles",
          "schedule_bound_cycles", "latency_cycles",
          "bytes_by_kind", "delays", "peak_sram_bytes", "comm_overhead"]
out = {}
for line in open(f"{tmp}/index"):
    name, args = line.rstrip("\n").split("|")
    summary = json.load(open(f"{tmp}/{name}/summary.json"))
    out[name] = {"args": args, "expect": {f: summary[f] for f in fields}}
print(json.dumps(out, indent=1, sort_keys=True))
PY
echo "wrote tests/data/golden/mnist-fc-mesh4.json"
