#!/usr/bin/env bash
# Set-up (packages, Release build), then the main job on the shipped defaults: every scheduler on
# the default network and platform, a summary table, and the traces of the spikepipe run in traces/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
BUILD_DIR=${BUILD_DIR:-build}
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
"$BUILD_DIR/spikepipe" compare --out traces/demo "$@"
