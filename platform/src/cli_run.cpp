#include "spikepipe/platform/cli.h"
#include "spikepipe/workloads/error.h"

namespace spikepipe::cli {

int run(const Args&) { fail("run", "not built yet"); }

}  // namespace spikepipe::cli
