#pragma once
// Bank and command timing of one DRAM channel (dram-model = ddr4 | hbm2), plain C++ (no SystemC),
// in DRAM clock cycles ("ticks", tCK of the device, core/dram_spec.h). docs/MODELS.md (DRAM) has
// the rules and their closed forms.
//
// A request is a range of bytes on the channel; it is served as bursts of DramSpec::burst_bytes
// in address order. The controller keeps a queue and decides one burst at a time, causally: the
// decision for the next burst is made at d = max(the first command of the previous burst, the
// earliest ready time in the queue), among the requests ready by d, FR-FCFS (the oldest request
// whose next burst hits an open row, else the oldest; at most kHitCap hits pass an older request).
// The chosen burst's commands (PRE if another row is open, ACT if the bank is closed, then RD or
// WR) are placed at the earliest tick that honours the bank (tRCD, tRAS, tRP, tRTP, tWR), the
// rank (tRRD_S/L, tFAW, tCCD_S/L, tWTR_S/L, refresh) and the data bus (read/write turnaround,
// rank switches); the column command not before d, PRE and ACT as soon as the burst is in the
// controller's command queue of kLookahead bursts (when the burst kLookahead places before it
// issued its first command), so that a stream opens its next rows while it reads the current
// ones. Open-page policy: a row stays open until a conflict or a refresh closes it.
// Each rank refreshes all banks every tREFI (precharging open banks first) for tRFC.
//
// Driving it causally: submit() each request when it becomes ready (ready times >= the last
// `to` passed to advance), and call advance(t) at every t = next_event_time(): every decision at
// a time <= t is final, because it only looks at requests ready by then. A completion's times may
// lie after t (the data follows the column command by CL).
#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "spikepipe/core/dram_spec.h"

namespace spikepipe {

using Tick = uint64_t;
inline constexpr Tick kNever = std::numeric_limits<Tick>::max();

struct DramRequest {
  uint64_t id = 0;
  uint64_t address = 0;  // channel-local byte address
  uint64_t bytes = 0;    // the bursts covering [address, address + bytes); 0 counts as 1 byte
  bool write = false;
  Tick ready = 0;        // when the controller has it
};

struct DramCompletion {
  uint64_t id = 0;
  Tick first = 0, done = 0;  // first data beat of its first burst; end of its last burst's data
  uint32_t bursts = 0;
  uint32_t row_hits = 0;       // bursts to the open row
  uint32_t row_misses = 0;     // bursts to a closed bank (ACT)
  uint32_t row_conflicts = 0;  // bursts to a bank with another row open (PRE + ACT)
  uint32_t refreshes = 0;      // refreshes the channel issued since the burst before its first
};

// Where a channel-local address lies. Mapping (least significant first): byte in burst, bank
// group, column, bank, rank, row ("Ro:Ra:Ba:Co:Bg"): consecutive bursts alternate bank groups
// (tCCD_S apart instead of tCCD_L) and a sequential stream fills the open rows of one bank in
// every group before it moves to the next bank.
struct DramLocation {
  uint32_t rank = 0, bank_group = 0, bank = 0, column = 0;  // column in bursts
  uint64_t row = 0;
};

class DramChannel {
 public:
  static constexpr uint32_t kHitCap = 16;
  static constexpr uint32_t kLookahead = 32;
  // batch_hits: serve runs of row hits of a request alone in the queue at once (the same times
  // as burst by burst, faster); false only to test that equality.
  explicit DramChannel(const DramSpec& spec, bool batch_hits = true);
  const DramSpec& spec() const { return s_; }
  DramLocation map(uint64_t address) const;

  void submit(const DramRequest& r);
  // When the next decision will be made (kNever with an empty queue).
  Tick next_event_time() const;
  // Makes every decision at a time <= to; appends the requests whose last burst was scheduled.
  void advance(Tick to, std::vector<DramCompletion>& done);
  bool idle() const { return queue_.empty(); }

 private:
  static constexpr uint64_t kNoRow = ~uint64_t(0);
  struct Bank {
    uint64_t row = kNoRow;
    Tick next_act = 0, next_pre = 0, next_col = 0;
  };
  struct Rank {
    Tick next_ref = 0;
    Tick last_act = kNever, last_col = kNever, wr_end = kNever;
    std::array<Tick, 4> faw{kNever, kNever, kNever, kNever};  // the last four ACTs, a ring
    uint32_t faw_i = 0;
    std::vector<Tick> bg_act, bg_col, bg_wr_end;  // per bank group
  };
  struct Pending {
    DramRequest r;
    uint64_t seq = 0;
    uint64_t next = 0, end = 0;  // burst indices: next to serve, one past the last
    DramCompletion c;
  };
  void serve(Pending& p, Tick d);
  void stream_hits(Pending& p, Tick to);
  void refresh(Rank& r, uint32_t rank, Tick due);

  DramSpec s_;
  bool batch_hits_ = true;
  std::vector<Bank> banks_;  // rank-major, then bank group, then bank
  std::vector<Rank> ranks_;
  std::vector<Pending> queue_;  // in submission order
  uint64_t seq_ = 0;
  Tick cursor_ = 0;           // first command of the last scheduled burst
  Tick bus_free_ = kNever;    // end of the last data on the bus
  uint32_t bus_rank_ = 0;
  bool last_write_ = false;
  Tick last_rd_col_ = kNever;
  uint32_t refreshes_ = 0;    // issued since the last burst was scheduled
  uint32_t hits_passed_ = 0;  // hits served ahead of the oldest ready request
  uint64_t per_row_ = 1;  // bursts in a bank's row
  bool pow2_ = false;      // mapping by shifts: shift_[0] burst bits, then per dimension
  std::array<uint32_t, 5> shift_{};
  std::array<uint64_t, 5> mask_{};
  std::array<Tick, kLookahead> issued_{};  // first commands of the last kLookahead bursts, a ring
  uint32_t issued_i_ = 0;
};

}  // namespace spikepipe
