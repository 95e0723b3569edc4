#!/usr/bin/env bash
# Reproduces docs/ACCURACY.md: mnist-fc trained on Fashion-MNIST without delays, then with the
# delays of every scheduler at P = 4, 8 and 16 (each one's time to accuracy), and fmnist-conv on
# a subset. Long: run it in the background (nice). Needs a built spikepipe (scripts/setup.sh).
#   scripts/accuracy.sh [OUT]        (default traces/accuracy)
# Environment: SPIKEPIPE (the binary, default build/spikepipe), THREADS (default 1).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-traces/accuracy}
BIN=${SPIKEPIPE:-build/spikepipe}
THREADS=${THREADS:-1}
mkdir -p "$OUT"

# 1. mnist-fc (784-500-500-10, T = 20) without delays, full data, 6 epochs.
"$BIN" train --network mnist-fc --epochs 6 --lr 0.01 --lr-decay 0.5 --eval-every 625 \
  --no-baseline --delays 0,0,0 --target-accuracy 0.85 --threads "$THREADS" --out "$OUT/mnist-fc"

# 2. Every scheduler's delays at P = 4, 8, 16 (2 epochs each; a delay vector that two
#    schedulers or processor counts share is trained once, through the cache).
for P in 4 8 16; do
  "$BIN" train --network mnist-fc --epochs 2 --lr 0.01 --lr-decay 0.5 --eval-every 625 \
    --target-accuracy 0.8 --all-schedulers --processors "$P" --threads "$THREADS" \
    --cache "$OUT/cache" --out "$OUT/delays-p$P"
done

# A second seed at P = 16, to tell the delays' cost from noise.
"$BIN" train --network mnist-fc --epochs 2 --lr 0.01 --lr-decay 0.5 --eval-every 625 \
  --target-accuracy 0.8 --all-schedulers --processors 16 --seed 2 --threads "$THREADS" \
  --cache "$OUT/cache" --out "$OUT/delays-p16-seed2"

# 2b. The same joined with the simulated periods (spikepipe compare, seconds per P).
for P in 4 8 16; do
  "$BIN" compare --network mnist-fc --processors "$P" --no-trace --out "$OUT/compare-p$P" >/dev/null
  python3 scripts/time_to_accuracy.py "$OUT/delays-p$P" "$OUT/compare-p$P"
done

# 3. fmnist-conv (T = 20) on a subset: 2560 training and 1000 test samples, 2 epochs, without
#    delays and with spikepipe's at P = 8.
"$BIN" train --network fmnist-conv --train-samples 2560 --test-samples 1000 --epochs 2 \
  --lr 0.003 --lr-decay 0.5 --eval-every 40 --scheduler spikepipe --processors 8 \
  --threads "$THREADS" --out "$OUT/fmnist-conv"

for d in "$OUT"/mnist-fc "$OUT"/delays-p* "$OUT"/fmnist-conv; do python3 scripts/plot_train.py "$d"; done
