#!/usr/bin/env bash
# Every NIR file of a folder through the real binary, end to end: `layers` (each layer's input
# and output HxWxC as the folder's nir-dt.tsv gives them), `schedule` and a short `run`. The
# folder's nir-dt.tsv lists each file with the exporter's time step (--nir-dt), its number of
# layers and "name:input:output" per layer, worked out by hand (make_nirlib.py; the same shapes
# as tests/unit/workloads/test_nir.cpp); a .nir file it does not list fails the check, so a new
# file cannot go untested.
#   check_nir_files.sh SPIKEPIPE_BINARY FOLDER
set -u
bin=$1
dir=$2
manifest=$dir/nir-dt.tsv
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
bad=0
count=0
[ -f "$manifest" ] || { echo "no $manifest"; exit 1; }
for f in "$dir"/*.nir; do
  name=$(basename "$f")
  line=$(grep -P "^\Q$name\E\t" "$manifest" || true)
  if [ -z "$line" ]; then echo "$name: not listed in $manifest"; bad=1; continue; fi
  dt=$(echo "$line" | cut -f2)
  layers=$(echo "$line" | cut -f3)
  net="--network $f --nir-dt $dt --batch 4 --timesteps 4"
  if ! "$bin" layers $net > "$out/layers.txt" 2> "$out/err.txt"; then
    echo "$name: layers failed: $(cat "$out/err.txt")"; bad=1; continue
  fi
  if ! grep -q "): $layers layers," "$out/layers.txt"; then
    echo "$name: expected $layers layers:"; head -1 "$out/layers.txt"; bad=1
  fi
  # The imported-layer table: layer, kind, input HxWxC, ..., output HxWxC (8th column).
  for want in $(echo "$line" | cut -f4 | tr ',' ' '); do
    got=$(awk -v n="${want%%:*}" '$1 == n && ($2 == "conv" || $2 == "fc") { print $1 ":" $3 ":" $8; exit }' \
          "$out/layers.txt")
    if [ "$got" != "$want" ]; then echo "$name: layer ${want%%:*}: expected $want, got '$got'"; bad=1; fi
  done
  if ! "$bin" schedule $net --processors 2 --scheduler spikepipe > /dev/null 2> "$out/err.txt"; then
    echo "$name: schedule failed: $(cat "$out/err.txt")"; bad=1
  fi
  if ! "$bin" run $net --processors 2 --iterations 2 --no-trace --out "$out/${name%.nir}" \
      > /dev/null 2> "$out/err.txt" || [ ! -s "$out/${name%.nir}/summary.json" ]; then
    echo "$name: run failed: $(cat "$out/err.txt")"; bad=1
  fi
  count=$((count + 1))
done
[ $count -gt 0 ] || { echo "no .nir files in $dir"; bad=1; }
[ $bad = 0 ] && echo "nir files: $count ok (layers, schedule, run)"
exit $bad
