#pragma once
// What the causal NoC engine reports, collected by tag, and a loop that runs it to the end: the
// engine tests read times and link uses from here.
#include <map>
#include <vector>

#include "spikepipe/core/noc_engine.h"

namespace spikepipe::test {

struct Collect : NocEngine::Listener {
  std::map<uint64_t, Cycles> injected, arrived;
  std::map<uint64_t, std::vector<NocEngine::LinkUse>> uses;
  void done(const NocEngine::Done& d) override {
    (d.kind == NocEngine::Done::Injected ? injected : arrived)[d.tag] = d.time;
  }
  void links(uint32_t, uint64_t tag, const std::vector<NocEngine::LinkUse>& u) override {
    uses[tag] = u;
  }
};

inline void run(NocEngine& e, Collect& c) {
  for (Cycles t = e.next_time(); t != NocEngine::kNever; t = e.next_time()) e.advance(t, c);
}

}  // namespace spikepipe::test
