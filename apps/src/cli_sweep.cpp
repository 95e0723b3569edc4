// `spikepipe sweep`: every point of the --set product as its own `spikepipe run` process,
// -j N at a time; the MPI launcher (platform/mpi/sweep_mpi.cpp) shares all but the division.
#include <iostream>

#include "spikepipe/cli/cli.h"
#include "spikepipe/cli/sweep.h"
#include "spikepipe/platform/interrupts.h"
#include "spikepipe/platform/output_dir.h"

namespace spikepipe::cli {

int sweep(const Args& args) {
  const auto spec = sweep::parse_spec(args, "spikepipe sweep");
  if (!spec) return 0;
  const auto points = sweep::expand(spec->axes);
  if (spec->dry_run) {
    sweep::print_plan(*spec, points, std::cout);
    return 0;
  }
  interrupts::install();
  const ResumableDir out(spec->out, "sweep");  // refuses a directory of the user's or a locked one
  const auto binary = sweep::spikepipe_binary();
  sweep::RunOptions options;
  options.build = sweep::binary_stamp(binary);
  const auto results = sweep::run_points(*spec, points, sweep::process_runner(binary), options);
  return sweep::finish(*spec, results);
}

}  // namespace spikepipe::cli
