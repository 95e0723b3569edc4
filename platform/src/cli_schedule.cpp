#include "spikepipe/platform/cli.h"
#include "spikepipe/workloads/error.h"

namespace spikepipe::cli {

int schedule(const Args&) { fail("schedule", "not built yet"); }

}  // namespace spikepipe::cli
