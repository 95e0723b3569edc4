#pragma once
// Checking, printing and (de)serialising a Schedule. The JSON format is docs/SCHEDULE_FORMAT.md.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spikepipe/core/schedule.h"
#include "spikepipe/workloads/task_graph.h"

namespace spikepipe {

// Structural checks: ids in range, every op in exactly one program (its own processor's), every
// task of `g` run exactly once per iteration over its parts and micro-batches (parts cover the
// task, micro-batches cover the batch), deps between existing ops. Throws Error naming the op.
void validate_schedule(const Schedule& s, const TaskGraph& g);

nlohmann::json schedule_to_json(const Schedule& s);
// Reads what schedule_to_json wrote (derived keys such as "transfers" are ignored).
Schedule schedule_from_json(const nlohmann::json& j, const std::string& where);

// The readable report of `spikepipe schedule`: period, latency, lower bound and gap, delays,
// load per processor with a bar, bytes per kind.
std::string schedule_summary(const Schedule& s, const TaskGraph& g);

// One line (empty when all fit) on the processors whose predicted SRAM need (s.sram_peak) exceeds
// `sram_bytes`: "P3 needs 9.2 MiB of SRAM, has 4 MiB: expect spills (...)", or for several
// "62 of 64 processors need more SRAM than their 4 MiB (P0, P1, ...; up to 488 MiB on P7): ...".
std::string sram_warning(const Schedule& s, uint64_t sram_bytes);

}  // namespace spikepipe
