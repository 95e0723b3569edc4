#pragma once
// Plain tables of a run, one row per event, for spreadsheets and scripts (e.g. Gantt charts).
#include <functional>
#include <string>

#include "spikepipe/platform/recorders/trace_input.h"

namespace spikepipe {

// tasks.csv: processor,op,task,kind,layer,iteration,start,array_end,end,cycles
// (layer is 1-based as in "F3"; times in cycles; every task instance of the run).
std::string tasks_csv(const TraceInput& in);
// links.csv: link,name,message,src,dst,kind,layer,iteration,bytes,start,end (one row per transfer)
std::string links_csv(const TraceInput& in);
// The same file in pieces of about `rows` rows (the header with the first), handed to `sink` in
// order: a run at 1024 processors has millions of rows, which need not be in memory at once.
void links_csv(const TraceInput& in, size_t rows, const std::function<void(const std::string&)>& sink);
// memory.csv: channel,requester,kind,access,spill,bytes,start,end,row_hits,row_misses,
// row_conflicts,refreshes (one row per DRAM access and channel)
std::string memory_csv(const TraceInput& in);
// messages.csv: message,src,dst,kind,layer,iteration,bytes,hops,packets,sent,received,latency
std::string messages_csv(const TraceInput& in);

}  // namespace spikepipe
