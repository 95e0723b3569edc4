#!/usr/bin/env bash
# Installs the Debian packages SpikePipe-SC needs (as root with apt-get; otherwise prints the
# exact command and exits non-zero), then configures and builds into build/ (Release).
# Used by scripts/demo.sh and scripts/test.sh; safe to run again.
# SETUP_EXTRA_PACKAGES="a b" adds packages; SETUP_NO_BUILD=1 stops after the packages (used by
# scripts/sanitize.sh and scripts/fuzz.sh, which build elsewhere).
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(build-essential cmake pkg-config libsystemc-dev libboost-program-options-dev
          libyaml-cpp-dev nlohmann-json3-dev libhdf5-dev libgtest-dev libbenchmark-dev
          python3 python3-matplotlib python3-h5py hdf5-tools gtkwave xvfb xauth openmpi-bin libopenmpi-dev
          libeigen3-dev zlib1g-dev dataset-fashion-mnist
          ${SETUP_EXTRA_PACKAGES:-})

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "setup: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing packages; run:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

[[ ${SETUP_NO_BUILD:-0} == 1 ]] && exit 0

BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS"
