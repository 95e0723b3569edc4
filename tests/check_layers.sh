#!/usr/bin/env bash
# The layers point one way: core -> workloads -> models -> platform -> apps (docs/ARCHITECTURE.md).
# CMake already refuses an upward include (a layer's include path holds only the layers below it);
# this check names the offending line, and also keeps SystemC out of core/ and workloads/ and
# Boost.Program_options out of everything below apps/.
set -u
root=${1:-$(dirname "$0")/..}
bad=0
check() {  # folder, forbidden include pattern, why
  local hits
  hits=$(grep -rnE "#include [<\"]($2)" "$root/$1" --include='*.h' --include='*.cpp' || true)
  if [ -n "$hits" ]; then
    echo "$1/ may not include $3:"; echo "$hits"; bad=1
  fi
}
check core      'spikepipe/(workloads|models|platform|cli)/|systemc|tlm|boost/' "upper layers, SystemC or Boost"
check workloads 'spikepipe/(models|platform|cli)/|systemc|tlm|boost/'           "upper layers, SystemC or Boost"
check train     'spikepipe/(models|platform|cli)/|systemc|tlm|boost/'           "models, platform, apps, SystemC or Boost"
check models    'spikepipe/(platform|cli)/|boost/'                             "platform/, apps/ or Boost"
check platform  'spikepipe/cli/|boost/'                                        "apps/ or Boost"
[ $bad = 0 ] && echo "layers: ok"
exit $bad
