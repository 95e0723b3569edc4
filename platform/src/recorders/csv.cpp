#include "spikepipe/platform/recorders/csv.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
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

// One row per link traversal (hops x messages: 10^6..10^7 rows at 1024 processors): appended to
// a reserved string per piece, not an ostringstream whose str() would copy it once more.
void links_csv(const TraceInput& in, size_t rows,
               const std::function<void(const std::string&)>& sink) {
  std::unordered_map<uint64_t, const MessageEvent*> msg;
  msg.reserve(in.log.messages.size());
  for (const auto& m : in.log.messages) msg[m.id] = &m;
  std::string out = "link,name,message,src,dst,kind,layer,iteration,bytes,start,end\n";
  out.reserve(out.size() + std::min(rows, in.log.links.size()) * 72);
  char buf[24];
  auto num = [&](uint64_t v) {
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
  };
  size_t n = 0;
  for (const auto& e : in.log.links) {
    num(e.link.value);
    out += ',';
    out += in.link_name(e.link);
    out += ',';
    num(e.message);
    out += ',';
    auto it = msg.find(e.message);
    if (it != msg.end()) {
      const auto& m = *it->second;
      num(m.src.value);
      out += ',';
      num(m.dst.value);
      out += ',';
      out += to_string(m.kind);
      out += ',';
      num(uint64_t(m.layer) + 1);
      out += ',';
      num(m.iteration);
    } else {
      out += ",,,,";
    }
    out += ',';
    num(e.bytes);
    out += ',';
    num(e.start);
    out += ',';
    num(e.end);
    out += '\n';
    if (++n == rows) {
      sink(out);
      out.clear();
      n = 0;
    }
  }
  if (!out.empty()) sink(out);
}

std::string links_csv(const TraceInput& in) {
  std::string all;
  links_csv(in, SIZE_MAX, [&](const std::string& piece) { all += piece; });
  return all;
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
