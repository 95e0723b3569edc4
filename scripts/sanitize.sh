#!/usr/bin/env bash
# The whole test suite and a few CLI runs under AddressSanitizer (with LeakSanitizer) and
# UndefinedBehaviorSanitizer: gcc, the `asan` preset (build-asan/, -O1). CI runs it after
# scripts/test.sh. Fails on any finding, also one in a child process whose non-zero exit a test
# expects (the CLI error tests): every report also goes to a file under build-asan/sanitizer-logs/,
# and any such file fails the run. docs/RELIABILITY.md, "Sanitizers", says what is checked and how.
set -euo pipefail
cd "$(dirname "$0")/.."
SETUP_NO_BUILD=1 scripts/setup.sh
JOBS=${JOBS:-$(nproc)}
BUILD_DIR=build-asan  # the preset's

start=$SECONDS
cmake --preset asan >/dev/null
cmake --build --preset asan -j "$JOBS"
build_s=$((SECONDS - start))

logs=$PWD/$BUILD_DIR/sanitizer-logs
rm -rf "$logs"
mkdir -p "$logs"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
# detect_stack_use_after_return=0: SystemC switches coroutines without saving ASan's fake stacks.
# allocator_may_return_null=1: malloc() of an impossible size returns NULL, as it does outside ASan
# (libhdf5 checks it: a damaged NIR header that claims 2^57 bytes is an error, tests/data/fuzz/nir/);
# operator new still reports, so the project's own allocations are checked as before.
export ASAN_OPTIONS="detect_leaks=1:detect_stack_use_after_return=0:check_initialization_order=1:strict_init_order=1:allocator_may_return_null=1:log_path=$logs/asan"
export LSAN_OPTIONS="suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# UBSan beside ASan ignores log_path; the SystemC programs' main() (sc_entry.h) copies each UBSan
# report here instead. The other test programs run no child processes: their findings fail them.
export SPIKEPIPE_UBSAN_LOG="$logs/ubsan"

start=$SECONDS
failed=0
ctest --test-dir "$BUILD_DIR" --output-on-failure --no-tests=error -j "$JOBS" | tee "$logs/../ctest.log" ||
  failed=1
ctest_s=$((SECONDS - start))
summary=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$logs/../ctest.log" || true)
total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$summary")
bad=$(sed -E 's/.*passed, ([0-9]+) tests? failed.*/\1/' <<<"$summary")
[[ -z $summary ]] && total=0 bad=1

# The CLI as a user runs it: every subcommand, a SystemC run with all outputs, and errors.
start=$SECONDS
cli=$BUILD_DIR/spikepipe
out=$(mktemp -d)
cli_ok=0
cli_bad=0
expect() {  # expect ok|fail ARGS...: runs the CLI, checks its exit status
  local want=$1
  shift
  local rc=0
  "$cli" "$@" >"$out/cli.log" 2>&1 || rc=$?
  if [[ $want == ok && $rc -eq 0 ]] || [[ $want == fail && $rc -ne 0 && $rc -lt 128 ]]; then
    cli_ok=$((cli_ok + 1))
  else
    cli_bad=$((cli_bad + 1))
    echo "sanitize: spikepipe $* exited $rc, expected $want" >&2
    cat "$out/cli.log" >&2
  fi
}
expect ok run --out "$out/run"
expect ok compare --iterations 4 --out "$out/compare"
expect ok layers --network cifar10-vgg
expect ok schedule --network fmnist-conv --processors 8 --scheduler spikepipe --split --json
expect ok run --network tests/data/networks/tiny.yaml --processors 2 --scheduler gpipe \
  --micro-batches 3 --iterations 3 --out "$out/tiny"
expect ok run --topology tests/data/topologies/conv_small.csv --processors 3 --out "$out/topo"
expect ok sweep --network mnist-fc --iterations 4 --set processors=1:4:x2 \
  --set scheduler=gpipe,spikepipe -j 2 --out "$out/sweep"
expect fail run --processors 0 --out "$out/bad1"
expect fail run --network tests/data/networks/bad/pool_after_fc.yaml --out "$out/bad2"
expect fail schedule --platform "$out/no-such.cfg"
rm -rf "$out"
cli_s=$((SECONDS - start))

findings=0
shopt -s nullglob
for f in "$logs"/*; do
  # allocator_may_return_null=1 still logs each refused malloc (libhdf5 on a damaged NIR header):
  # a warning, not a finding, when that is all the log holds.
  if ! grep -qv '^==[0-9]*==WARNING: AddressSanitizer failed to allocate 0x[0-9a-f]* bytes$' "$f"; then
    continue
  fi
  findings=$((findings + 1))
  echo "=== sanitizer finding: $f" >&2
  cat "$f" >&2
done

echo "sanitize: build ${build_s}s, ctest ${ctest_s}s ($total tests), CLI ${cli_s}s ($((cli_ok + cli_bad)) runs), $findings sanitizer reports"
[[ $findings -eq 0 && $failed -eq 0 && $cli_bad -eq 0 ]] || failed=1
echo "sanitize: $((total - bad + cli_ok)) passed, $((bad + cli_bad + findings)) failed"
exit $failed
