#include "spikepipe/platform/cli.h"
#include "spikepipe/workloads/error.h"

namespace spikepipe::cli {

int compare(const Args&) { fail("compare", "not built yet"); }

}  // namespace spikepipe::cli
