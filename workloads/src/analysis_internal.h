#pragma once
// Pieces of finalize_schedule (analysis_bound.cpp) for schedulers that can reject a candidate
// between them: its DRAM waits first (dram_waits, with the list simulation without waits that
// it ran, in *run, when it ran one), then the rest with those waits.
#include <vector>

#include "spikepipe/workloads/analysis.h"

namespace spikepipe {

std::vector<Cycles> dram_waits_keep_run(const Schedule& s, const CommModel& c, PredictedRun* run);
void finalize_with_waits(Schedule& s, const CommModel& c_alone, bool memory,
                         std::vector<Cycles> waits, PredictedRun alone);

}  // namespace spikepipe
