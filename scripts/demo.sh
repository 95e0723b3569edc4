#!/usr/bin/env bash
# Set-up (packages, Release build), then the main job on the shipped defaults: every scheduler on
# the default network and platform, a summary table, and the traces of the spikepipe run in traces/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
BUILD_DIR=${BUILD_DIR:-build}
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
"$BUILD_DIR/spikepipe" compare --out traces/demo "$@"

# A small sweep (processor count x scheduler) and plots of it and of the spikepipe run above.
"$BUILD_DIR/spikepipe" sweep --network mnist-fc --platform mesh8 --iterations 8 \
    --set processors=1:8:x2 --set scheduler=gpipe,pipedream,spikepipe -j "${JOBS:-$(nproc)}" \
    --keep summary --out traces/demo-sweep
if /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
  scripts/plot_sweep.py traces/demo-sweep/sweep.csv
  scripts/plot_gantt.py traces/demo/spikepipe/tasks.csv --iterations 0:6
  echo "plots: traces/demo-sweep/sweep_period.png, sweep_speedup.png, traces/demo/spikepipe/gantt.png"
fi
