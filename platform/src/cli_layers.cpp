#include "spikepipe/platform/cli.h"
#include "spikepipe/workloads/error.h"

namespace spikepipe::cli {

int layers(const Args&) { fail("layers", "not built yet"); }

}  // namespace spikepipe::cli
