#!/usr/bin/env bash
# Set-up (packages, Release build), then the whole test suite under ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
BUILD_DIR=${BUILD_DIR:-build}
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
ctest --test-dir "$BUILD_DIR" --output-on-failure --no-tests=error -j "${JOBS:-$(nproc)}"
