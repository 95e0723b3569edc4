#include "spikepipe/platform/cli.h"
#include "spikepipe/workloads/error.h"

namespace spikepipe::cli {

int sweep(const Args&) { fail("sweep", "not built yet"); }

}  // namespace spikepipe::cli
