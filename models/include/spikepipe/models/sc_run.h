#pragma once
// Running SystemC under the sanitizers (docs/RELIABILITY.md, "Sanitizers").
// run_systemc(): use it instead of sc_core::sc_start(). It is sc_start() and, in an
// AddressSanitizer build, keeps ASan's record of the main stack right across SystemC's coroutine
// switches. In other builds it is sc_start().
#include <systemc>

namespace spikepipe {

// Until nothing is left to run (or sc_stop()).
void run_systemc();
// For `duration` of simulated time at most.
void run_systemc(const sc_core::sc_time& duration);

// Marks a heap object that stays until the process ends on purpose (a SystemC hierarchy cannot be
// elaborated twice, so the modules of a run are never deleted): in a LeakSanitizer build it and
// everything it owns count as reachable, not leaked. Does nothing in other builds.
void keep_until_exit(const void* object);

}  // namespace spikepipe
