// spikepipe-sweep-mpi: `spikepipe sweep` spread over MPI ranks. Takes the same arguments.
// Division is static and deterministic: point i (in the sweep's Cartesian order) runs on rank
// i mod K, each rank running its points -j N at a time as child `spikepipe run` processes.
// Rank 0 gathers every rank's results over MPI and writes sweep.csv / sweep.json exactly as
// `spikepipe sweep -j 1` would; it also copies in the summary.json of points that ran on other
// hosts when the sweep directory is not shared, so that a later resume on rank 0 keeps them.
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <optional>
#include <systemc>
#include <thread>

#include "spikepipe/platform/interrupts.h"
#include "spikepipe/platform/output_dir.h"
#include "spikepipe/platform/sc_entry.h"
#include "spikepipe/cli/sweep.h"
#include "spikepipe/core/error.h"

namespace sw = spikepipe::sweep;

#if defined(__SANITIZE_ADDRESS__)
// In an AddressSanitizer build (scripts/sanitize.sh): OpenMPI never frees some of what MPI_Init
// allocates, and its libraries keep no frame pointers, so ASan's fast unwinder stops in them. A
// full unwind puts their frames on those allocations' stacks, where the suppressions in
// tests/sanitizers/lsan.supp find them. This program only: it allocates little.
extern "C" const char* __asan_default_options() { return "fast_unwind_on_malloc=0"; }
#endif

namespace {

// A rank that finished its points sleeps until all have, instead of busy-polling inside a
// blocking collective and taking a core from the ranks still running points.
void wait_for_all() {
  MPI_Request request;
  MPI_Ibarrier(MPI_COMM_WORLD, &request);
  for (int done = 0;;) {
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (done) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// Every rank's text to rank 0 (empty elsewhere).
std::vector<std::string> gather(const std::string& mine, int rank, int ranks) {
  int len = static_cast<int>(mine.size());
  std::vector<int> lens(ranks), offsets(ranks);
  MPI_Gather(&len, 1, MPI_INT, lens.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
  std::string all;
  if (rank == 0) {
    for (int r = 0, off = 0; r < ranks; ++r) {
      offsets[r] = off;
      off += lens[r];
      all.resize(static_cast<size_t>(off));
    }
  }
  MPI_Gatherv(mine.data(), len, MPI_CHAR, all.data(), lens.data(), offsets.data(), MPI_CHAR, 0,
              MPI_COMM_WORLD);
  std::vector<std::string> out;
  if (rank == 0) {
    for (int r = 0; r < ranks; ++r) out.push_back(all.substr(offsets[r], lens[r]));
  }
  return out;
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);  // worker threads never call MPI
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  const std::vector<std::string> args(argv + 1, argv + argc);
  const std::string program = "mpirun -np K spikepipe-sweep-mpi";

  // --help: every rank sees the same arguments, so all leave here together.
  if (std::find(args.begin(), args.end(), "--help") != args.end() ||
      std::find(args.begin(), args.end(), "-h") != args.end()) {
    int rc = 0;
    if (rank == 0) {
      try {
        sw::parse_spec(args, program);
      } catch (const std::exception& e) {
        std::cerr << "spikepipe-sweep-mpi: error: " << e.what() << "\n";
        rc = 1;
      }
    }
    MPI_Finalize();
    return rc;
  }

  std::string error;
  std::vector<sw::Result> results;
  sw::Spec spec;
  std::vector<sw::Point> points;
  std::optional<spikepipe::ResumableDir> out;  // rank 0 holds the sweep directory's lock
  try {
    spec = *sw::parse_spec(args, program);
    points = sw::expand(spec.axes);
    spikepipe::interrupts::install();
    // No rank writes into the sweep directory before rank 0 has checked and locked it. Every rank
    // has the same arguments, so all of them reach this broadcast or none does.
    std::string refused;
    if (rank == 0 && !spec.dry_run) {
      try {
        out.emplace(spec.out, "sweep");
      } catch (const std::exception& e) {
        refused = e.what();
      }
    }
    int ready = refused.empty() ? 1 : 0;
    MPI_Bcast(&ready, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (!refused.empty()) throw spikepipe::Error(refused);  // rank 0 reports it; the others idle
    if (ready && spec.dry_run) {
      if (rank == 0) {
        sw::print_plan(spec, points, std::cout);
        std::cout << "divided over " << ranks << " rank(s): point i runs on rank i mod " << ranks
                  << "\n";
      }
    } else if (ready) {
      sw::RunOptions o;
      o.rank = rank;
      o.ranks = ranks;
      const auto binary = sw::spikepipe_binary();
      o.build = sw::binary_stamp(binary);
      results = sw::run_points(spec, points, sw::process_runner(binary), o);
    }
  } catch (const std::exception& e) {
    error = e.what();
  }
  // Every rank reaches the gather, errors included, so that no rank waits forever.
  wait_for_all();
  const auto reports = gather(sw::encode_rank(results, error), rank, ranks);
  int rc = error.empty() ? 0 : 1;
  if (rank == 0) {
    try {
      // A dry run reports no points, only errors.
      const auto all = sw::merge_ranks(reports, spec.dry_run ? std::vector<sw::Point>{} : points);
      if (!spec.dry_run) {
        sw::keep_summaries(spec, all);
        rc = sw::finish(spec, all);
      }
    } catch (const std::exception& e) {
      std::cerr << "spikepipe-sweep-mpi: error: " << e.what() << "\n";
      rc = 1;
    }
  }
  MPI_Finalize();
  return rc;
}
