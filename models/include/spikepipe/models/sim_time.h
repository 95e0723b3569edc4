#pragma once
// Cycles <-> sc_time, only at the SystemC boundary. One cycle is one SystemC nanosecond whatever
// the clock (clock-ghz only converts cycles to seconds in reports).
#include <systemc>

#include "spikepipe/core/ids.h"

namespace spikepipe {

inline sc_core::sc_time::value_type cycle_ticks() {
  static const sc_core::sc_time::value_type ticks = sc_core::sc_time(1, sc_core::SC_NS).value();
  return ticks;
}
inline sc_core::sc_time to_time(Cycles c) {
  return sc_core::sc_time::from_value(c * cycle_ticks());
}
inline Cycles to_cycles(const sc_core::sc_time& t) { return t.value() / cycle_ticks(); }
inline Cycles now_cycles() { return to_cycles(sc_core::sc_time_stamp()); }

}  // namespace spikepipe
