#include "spikepipe/models/payload.h"

#include "spikepipe/core/error.h"

namespace spikepipe {

PayloadPool::~PayloadPool() {
  for (auto* p : all_) {
    p->reset();  // deletes the extension (auto-free mode is off, so do it here)
    MessageExt* e = nullptr;
    p->get_extension(e);
    if (e) {
      p->clear_extension(e);
      delete e;
    }
    delete p;
  }
}

tlm::tlm_generic_payload& PayloadPool::acquire() {
  tlm::tlm_generic_payload* p;
  if (free_.empty()) {
    p = new tlm::tlm_generic_payload(this);
    p->set_extension(new MessageExt);
    all_.push_back(p);
  } else {
    p = free_.back();
    free_.pop_back();
  }
  p->acquire();
  MessageExt* e = nullptr;
  p->get_extension(e);
  *e = MessageExt{};
  p->set_address(0);
  p->set_data_ptr(nullptr);
  p->set_data_length(0);
  p->set_streaming_width(0);
  p->set_byte_enable_ptr(nullptr);
  p->set_dmi_allowed(false);
  p->set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  return *p;
}

void PayloadPool::free(tlm::tlm_generic_payload* p) { free_.push_back(p); }

MessageExt& ext_of(tlm::tlm_generic_payload& p) {
  MessageExt* e = nullptr;
  p.get_extension(e);
  if (!e) fail("payload", "a transaction without MessageExt reached a SpikePipe model");
  return *e;
}

}  // namespace spikepipe
