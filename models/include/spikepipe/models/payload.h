#pragma once
// What moves through the platform: a tlm_generic_payload with a MessageExt that says which
// tensor it is. Payloads carry no data (this is a timing model): data pointer null, length =
// bytes, command WRITE for messages and DRAM writes, READ for DRAM reads.
#include <cstdint>
#include <systemc>
#include <tlm>
#include <vector>

#include "spikepipe/core/ids.h"
#include "spikepipe/workloads/task_graph.h"

namespace spikepipe {

enum class PayloadKind : uint8_t { Message, MemoryRead, MemoryWrite };

struct MessageExt : tlm::tlm_extension<MessageExt> {
  // Set by the sender.
  PayloadKind what = PayloadKind::Message;
  uint64_t id = 0;  // message id, unique per run
  DepId dep;
  ProcessorId src, dst;
  TensorKind kind = TensorKind::Spikes;
  uint32_t layer = 0;
  uint32_t iteration = 0;
  uint64_t bytes = 0;
  bool spill = false;  // DRAM traffic caused by SRAM overflow
  // The causal NoC completes later: it sets `done` and notifies `done_event` when a message has
  // been injected (the sender may go on) or a DRAM read's data has arrived. The ideal NoC sets
  // `done` before b_transport returns (times in the returned delay, as before).
  sc_core::sc_event* done_event = nullptr;
  bool done = false;
  // How the receiver is told: Whole = once, with the arrival as the delay (ideal NoC);
  // Announce when the transfer starts (the receive buffer is taken), Arrive when its last byte
  // is in (causal NoC, at that time, zero delay).
  enum class Phase : uint8_t { Whole, Announce, Arrive } phase = Phase::Whole;
  // Filled on the way (absolute cycles).
  Cycles sent = 0, injected = 0, arrival = 0;
  Cycles data_first = 0, data_done = 0;  // DRAM: first and last channel beat
  uint32_t hops = 0, packets = 0;

  tlm::tlm_extension_base* clone() const override { return new MessageExt(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const MessageExt&>(other);
  }
};

// Payloads with their extension attached, recycled through the TLM memory manager interface:
// acquire() hands one out with reference count 1, release() on it brings it back. No allocation
// per message once the pool is warm.
class PayloadPool final : public tlm::tlm_mm_interface {
 public:
  PayloadPool() = default;
  PayloadPool(const PayloadPool&) = delete;
  PayloadPool& operator=(const PayloadPool&) = delete;
  ~PayloadPool() override;

  tlm::tlm_generic_payload& acquire();  // response INCOMPLETE, extension reset
  void free(tlm::tlm_generic_payload* p) override;
  size_t allocated() const { return all_.size(); }

 private:
  std::vector<tlm::tlm_generic_payload*> free_;
  std::vector<tlm::tlm_generic_payload*> all_;
};

MessageExt& ext_of(tlm::tlm_generic_payload& p);  // throws if the payload has none

}  // namespace spikepipe
