#!/usr/bin/env bash
# Wall-clock benchmark (not a test) of one 48-point sweep run three ways: `spikepipe sweep -j 1`,
# `-j 2`, and `mpirun -np 2 spikepipe-sweep-mpi` (one point at a time per rank). Each starts from
# an empty directory; the three sweep.csv files must be byte-identical. Prints a Markdown table
# for docs/PERFORMANCE.md, section "Sweeps".
#
#   bench/sweep_bench.sh [BUILD_DIR]        (default build/; needs spikepipe and, for the MPI
#                                            row, mpirun and spikepipe-sweep-mpi)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${1:-${BUILD_DIR:-build}}
BIN="$BUILD_DIR/spikepipe"
MPI_BIN="$BUILD_DIR/spikepipe-sweep-mpi"
OUT=${SWEEP_BENCH_OUT:-$(mktemp -d /tmp/spikepipe-sweep-bench.XXXXXX)}
mkdir -p "$OUT"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
[[ -x $BIN ]] || { echo "sweep_bench: no $BIN; build first (scripts/setup.sh)" >&2; exit 1; }

# 4 processor counts x 4 schedulers x 3 array sizes = 48 points. --keep summary: the points'
# per-message CSVs would take 4.2 GB of disk.
ARGS=(--network fmnist-conv --platform mesh16 --iterations 256
      --set processors=2:16:x2 --set scheduler=sequential,gpipe,pipedream,spikepipe
      --set array-rows=16,32,64 --keep summary)

declare -A secs cpu
TIMEFORMAT='%R %U %S'

run() {  # name, command...   wall and CPU seconds (children included) via bash's `time`
  local name=$1; shift
  rm -rf "$OUT/$name"
  local rc=0
  { time "$@" --out "$OUT/$name" >"$OUT/$name.log" 2>&1; } 2>"$OUT/$name.time" || rc=$?
  ((rc == 0)) || { echo "sweep_bench: $name failed (status $rc), see $OUT/$name.log" >&2; exit 1; }
  read -r wall user sys <"$OUT/$name.time"
  secs[$name]=$wall
  cpu[$name]=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
}

run j1 "$BIN" sweep "${ARGS[@]}" -j 1
run j2 "$BIN" sweep "${ARGS[@]}" -j 2
mpi_note=""
if command -v mpirun >/dev/null && [[ -x $MPI_BIN ]]; then
  ROOT=(); [[ $(id -u) -eq 0 ]] && ROOT=(--allow-run-as-root)
  run mpi2 mpirun -np 2 --oversubscribe "${ROOT[@]}" "$MPI_BIN" "${ARGS[@]}" -j 1
else
  mpi_note="(mpirun or $MPI_BIN missing: MPI row skipped)"
fi

for name in j2 mpi2; do
  [[ -n ${secs[$name]:-} ]] || continue
  cmp -s "$OUT/j1/sweep.csv" "$OUT/$name/sweep.csv" || { echo "sweep_bench: $name/sweep.csv differs from j1" >&2; exit 1; }
done

points=$(($(wc -l <"$OUT/j1/sweep.csv") - 1))
failed=$(grep -c ',failed,' "$OUT/j1/sweep.csv" || true)
echo "48-point sweep ($points points, $failed failed), $(nproc) cores, load average before: $LOAD, $(date -u +%Y-%m-%d)"
echo "command: spikepipe sweep ${ARGS[*]}"
echo
echo "| how | wall s | CPU s | wall s per point | speed-up over -j 1 | sweep.csv |"
echo "|---|---:|---:|---:|---:|---|"
row() {  # name, label
  [[ -n ${secs[$1]:-} ]] || return 0
  awk -v n="$2" -v s="${secs[$1]}" -v u="${cpu[$1]}" -v p="$points" -v r="${secs[j1]}" \
    -v c="$([[ $1 == j1 ]] && echo reference || echo identical)" \
    'BEGIN { printf "| %s | %.1f | %.1f | %.2f | %.2fx | %s |\n", n, s, u, s / p, r / s, c }'
}
row j1 "spikepipe sweep -j 1"
row j2 "spikepipe sweep -j 2"
row mpi2 "mpirun -np 2 spikepipe-sweep-mpi -j 1"
[[ -z $mpi_note ]] || echo "$mpi_note"
echo
echo "outputs in $OUT"
