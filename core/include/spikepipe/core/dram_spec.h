#pragma once
// DRAM devices of the detailed models (dram-model = ddr4 | hbm2): organisation of one channel and
// the datasheet timings in DRAM clock cycles (tCK), with the closed forms that follow from them.
// The presets and their sources are listed in docs/MODELS.md (DRAM). Plain data: the bank and
// command timing engine that uses it is core/dram_engine.h.
#include <cstdint>

#include "spikepipe/core/platform.h"

namespace spikepipe {

struct DramSpec {
  const char* name = "";
  double tck_ns = 1.0;       // DRAM clock period; data moves on both edges
  uint32_t burst_bytes = 64; // one burst: burst length x bus width (DDR4 BL8 x 64 bit = 64 B)
  // Organisation of one channel.
  uint32_t ranks = 1, bank_groups = 4, banks = 4;  // banks per bank group
  uint32_t page_bytes = 8192;                      // row buffer of a rank
  // Timings, tCK.
  uint32_t tBURST = 4;         // data bus cycles of one burst (BL / 2)
  uint32_t CL = 22, CWL = 16;  // read / write latency: column command to first data
  uint32_t tRCD = 22, tRP = 22, tRAS = 52, tRTP = 12, tWR = 24;
  uint32_t tCCD_S = 4, tCCD_L = 8;   // column to column, other / same bank group
  uint32_t tRRD_S = 4, tRRD_L = 8;   // activate to activate, other / same bank group
  uint32_t tFAW = 34;                // window of four activates (per rank)
  uint32_t tWTR_S = 4, tWTR_L = 12;  // end of write data to read command, other / same group
  uint32_t tRTRS = 2;                // data bus turnaround between ranks
  uint32_t tRFC = 560, tREFI = 12480;  // all-bank refresh: duration, interval

  uint32_t banks_per_rank() const { return bank_groups * banks; }
  uint32_t bursts_per_row() const { return page_bytes / burst_bytes; }
  // Read to write command (JESD79-4: RL + BL/2 - WL + 2 tCK).
  uint32_t tRTW() const { return CL + tBURST + 2 > CWL ? CL + tBURST + 2 - CWL : 1; }
  // The data bus at full speed: one burst every tBURST.
  double peak_bytes_per_ns() const { return burst_bytes / (tBURST * tck_ns); }
  double peak_bytes_per_cycle(double clock_ghz) const { return peak_bytes_per_ns() / clock_ghz; }
  // Read latency to a closed bank (ACT, RD, data): tRCD + CL + tBURST.
  uint32_t closed_read_ticks() const { return tRCD + CL + tBURST; }
  // tCK -> simulator cycles at clock_ghz, rounded up (a cycle is 1 / clock_ghz ns).
  uint64_t cycles(uint64_t ticks, double clock_ghz) const;
  // Simulator cycles -> the first tCK at or after them.
  uint64_t ticks(uint64_t cycles, double clock_ghz) const;
};

// The device preset of `m.model` (ddr4: DDR4-3200AA, 8 Gb x8 devices, one rank of a 64-bit
// channel; hbm2: one 64-bit pseudo channel of an HBM2 stack at 2 Gb/s per pin) with the
// organisation keys of `m` that are set (non-zero) applied. Throws for DramModel::Simple.
DramSpec dram_spec(const MemoryParams& m);

}  // namespace spikepipe
