#include "spikepipe/platform/recorders/csv.h"

#include <sstream>
#include <unordered_map>

namespace spikepipe {

std::string tasks_csv(const TraceInput& in) {
  std::ostringstream os;
  os << "processor,op,task,kind,layer,iteration,start,array_end,end,cycles\n";
  for (const auto& e : in.log.tasks) {
    const std::string label = e.op.value < in.schedule.ops.size()
                                  ? in.schedule.op(e.op).label()
                                  : std::string(to_string(e.kind)) + std::to_string(e.layer + 1);
    os << e.proc.value << ',' << e.op.value << ',' << label << ',' << to_string(e.kind) << ','
       << e.layer + 1 << ',' << e.iteration << ',' << e.start << ',' << e.array_end << ',' << e.end
       << ',' << e.end - e.start << '\n';
  }
  return os.str();
}

std::string links_csv(const TraceInput& in) {
  std::unordered_map<uint64_t, const MessageEvent*> msg;
  for (const auto& m : in.log.messages) msg[m.id] = &m;
  std::ostringstream os;
  os << "link,name,message,src,dst,kind,layer,iteration,bytes,start,end\n";
  for (const auto& e : in.log.links) {
    os << e.link.value << ',' << in.link_name(e.link) << ',' << e.message << ',';
    auto it = msg.find(e.message);
    if (it != msg.end()) {
      const auto& m = *it->second;
      os << m.src.value << ',' << m.dst.value << ',' << to_string(m.kind) << ',' << m.layer + 1
         << ',' << m.iteration;
    } else {
      os << ",,,,";
    }
    os << ',' << e.bytes << ',' << e.start << ',' << e.end << '\n';
  }
  return os.str();
}

std::string memory_csv(const TraceInput& in) {
  std::ostringstream os;
  os << "channel,requester,kind,access,spill,bytes,start,end,row_hits,row_misses,row_conflicts,"
        "refreshes\n";
  for (const auto& e : in.log.memory) {
    os << e.channel << ',' << e.requester.value << ',' << to_string(e.kind) << ','
       << (e.write ? "write" : "read") << ',' << (e.spill ? 1 : 0) << ',' << e.bytes << ','
       << e.start << ',' << e.end << ',' << e.row_hits << ',' << e.row_misses << ','
       << e.row_conflicts << ',' << e.refreshes << '\n';
  }
  return os.str();
}

std::string messages_csv(const TraceInput& in) {
  std::ostringstream os;
  os << "message,src,dst,kind,layer,iteration,bytes,hops,packets,sent,received,latency,injected\n";
  for (const auto& m : in.log.messages) {
    os << m.id << ',' << m.src.value << ',' << m.dst.value << ',' << to_string(m.kind) << ','
       << m.layer + 1 << ',' << m.iteration << ',' << m.bytes << ',' << m.hops << ',' << m.packets
       << ',' << m.sent << ',' << m.received << ','
       << (m.received >= m.sent ? m.received - m.sent : 0) << ',' << m.injected << '\n';
  }
  return os.str();
}

}  // namespace spikepipe
