// The structural check every schedule passes before anyone runs it.
#include <set>
#include <utility>

#include "spikepipe/core/error.h"
#include "spikepipe/workloads/schedule_io.h"

namespace spikepipe {

void validate_schedule(const Schedule& s, const TaskGraph& g) {
  const std::string where = "schedule '" + s.scheduler + "'";
  if (s.processors == 0) fail(where, "no processors", ">= 1");
  if (s.programs.size() != s.processors)
    fail(where, std::to_string(s.programs.size()) + " programs for " + std::to_string(s.processors) +
                    " processors", "one program per processor");
  std::vector<int> seen(s.ops.size(), 0);
  for (uint32_t p = 0; p < s.processors; ++p)
    for (OpId id : s.programs[p]) {
      if (id.value >= s.ops.size()) fail(where, "program " + std::to_string(p) + " names op " +
                                                    std::to_string(id.value), "existing op ids");
      const Op& op = s.op(id);
      if (op.proc.value != p)
        fail(where, "op " + op.label() + " of processor " + std::to_string(op.proc.value) +
                        " is in the program of processor " + std::to_string(p));
      ++seen[id.value];
    }
  for (const Op& op : s.ops) {
    if (op.id.value >= s.ops.size() || &s.op(op.id) != &op) fail(where, "op ids are not their index");
    if (seen[op.id.value] != 1)
      fail(where, "op " + op.label() + " appears " + std::to_string(seen[op.id.value]) +
                      " times in the programs", "exactly once");
    if (op.offset < 0) fail(where, "op " + op.label() + " has a negative offset", ">= 0");
    if (op.task.value >= g.tasks.size()) fail(where, "op " + op.label() + " names an unknown task");
    const Task& t = g.task(op.task);
    if (t.kind != op.kind || t.layer != op.layer)
      fail(where, "op " + op.label() + " does not match its task " + t.name);
    if (op.part >= op.parts || op.micro >= op.micros || op.parts == 0 || op.micros == 0)
      fail(where, "op " + op.label() + " has part/micro-batch indices out of range");
  }
  // Exactly once per iteration: per task, one shape (parts x micros) covered exactly once.
  std::vector<std::set<std::pair<uint16_t, uint16_t>>> covered(g.tasks.size());
  std::vector<std::pair<uint16_t, uint16_t>> shape(g.tasks.size(), {0, 0});
  for (const Op& op : s.ops) {
    if (op.recompute) continue;  // checked below: it repeats an op that runs
    auto& sh = shape[op.task.value];
    if (sh.first == 0) sh = {op.parts, op.micros};
    if (sh != std::make_pair(op.parts, op.micros))
      fail(where, "task " + g.task(op.task).name + " is cut into parts or micro-batches inconsistently");
    if (!covered[op.task.value].insert({op.part, op.micro}).second)
      fail(where, "op " + op.label() + " runs twice per iteration", "each task exactly once");
  }
  for (const Task& t : g.tasks) {
    const auto& sh = shape[t.id.value];
    if (covered[t.id.value].size() != size_t(sh.first) * sh.second || sh.first == 0)
      fail(where, "task " + t.name + " does not run exactly once per iteration");
  }
  for (const Op& op : s.ops)
    if (op.recompute && (op.kind != TaskKind::F ||
                         !covered[op.task.value].count({op.part, op.micro})))
      fail(where, "op " + op.label() + " re-runs an F op that does not exist");
  for (const Dep& d : s.deps)
    if (d.src.value >= s.ops.size() || d.dst.value >= s.ops.size())
      fail(where, "a dependency names an op that does not exist");
  if (s.delays.size() != g.layers)
    fail(where, std::to_string(s.delays.size()) + " delays for " + std::to_string(g.layers) + " layers");
}

}  // namespace spikepipe
