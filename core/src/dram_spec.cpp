// The DRAM device presets of the detailed models; sources in docs/MODELS.md (DRAM).
#include "spikepipe/core/dram_spec.h"

#include <algorithm>
#include <cmath>

#include "spikepipe/core/error.h"

namespace spikepipe {

namespace {

// DDR4-3200AA (22-22-22), 8 Gb x8 devices (1 KiB page, 4 bank groups x 4 banks), eight of them
// on a 64-bit channel: a rank row of 8 KiB, BL8 bursts of 64 B. JESD79-4B speed bin and timing
// tables; the same figures as Ramulator 2's DDR4_3200AA preset and DRAMSys' Micron
// MT40A1G8 DDR4-3200 memspec. ns values converted at tCK = 0.625 ns, rounded up.
DramSpec ddr4_3200() {
  DramSpec s;
  s.name = "DDR4-3200AA x64 (8 Gb x8)";
  s.tck_ns = 0.625;
  s.burst_bytes = 64;
  s.ranks = 1;
  s.bank_groups = 4;
  s.banks = 4;
  s.page_bytes = 8192;
  s.tBURST = 4;
  s.CL = 22;
  s.CWL = 16;
  s.tRCD = 22;
  s.tRP = 22;
  s.tRAS = 52;    // 32 ns
  s.tRTP = 12;    // max(4 nCK, 7.5 ns)
  s.tWR = 24;     // 15 ns
  s.tCCD_S = 4;
  s.tCCD_L = 8;   // max(5 nCK, 5 ns)
  s.tRRD_S = 4;   // max(4 nCK, 2.5 ns), 1 KiB page
  s.tRRD_L = 8;   // max(4 nCK, 4.9 ns)
  s.tFAW = 34;    // max(20 nCK, 21 ns), 1 KiB page
  s.tWTR_S = 4;   // max(2 nCK, 2.5 ns)
  s.tWTR_L = 12;  // max(4 nCK, 7.5 ns)
  s.tRTRS = 2;
  s.tRFC = 560;     // tRFC1 = 350 ns for 8 Gb
  s.tREFI = 12480;  // 7.8 us
  return s;
}

// HBM2 at 2 Gb/s per pin (tCK 1 ns), one 64-bit pseudo channel (JESD235A pseudo-channel mode):
// BL4 bursts of 32 B, 4 bank groups x 4 banks, a 1 KiB row. CL, tRCD, tRP 14 ns, tRAS 33 ns,
// tFAW 16 ns, tRFC 260 ns, tREFI 3.9 us as in the issue (an 8 Gb HBM2 die); the others are
// representative values of the same class (Ramulator's HBM preset, in ns).
DramSpec hbm2_2000() {
  DramSpec s;
  s.name = "HBM2 2 Gb/s pseudo channel (64 bit)";
  s.tck_ns = 1.0;
  s.burst_bytes = 32;
  s.ranks = 1;
  s.bank_groups = 4;
  s.banks = 4;
  s.page_bytes = 1024;
  s.tBURST = 2;
  s.CL = 14;
  s.CWL = 4;
  s.tRCD = 14;
  s.tRP = 14;
  s.tRAS = 33;
  s.tRTP = 4;
  s.tWR = 16;
  s.tCCD_S = 2;
  s.tCCD_L = 4;
  s.tRRD_S = 4;
  s.tRRD_L = 6;
  s.tFAW = 16;
  s.tWTR_S = 4;
  s.tWTR_L = 8;
  s.tRTRS = 1;
  s.tRFC = 260;
  s.tREFI = 3900;
  return s;
}

}  // namespace

uint64_t DramSpec::cycles(uint64_t t, double clock_ghz) const {
  const double c = static_cast<double>(t) * tck_ns * clock_ghz;
  return static_cast<uint64_t>(std::ceil(c - 1e-9 * std::max(1.0, c)));
}

uint64_t DramSpec::ticks(uint64_t c, double clock_ghz) const {
  const double t = static_cast<double>(c) / (tck_ns * clock_ghz);
  return static_cast<uint64_t>(std::ceil(t - 1e-9 * std::max(1.0, t)));
}

DramSpec dram_spec(const MemoryParams& m) {
  DramSpec s;
  switch (m.model) {
    case DramModel::DDR4:
      s = ddr4_3200();
      break;
    case DramModel::HBM2:
      s = hbm2_2000();
      break;
    case DramModel::Simple:
      fail("dram-model", "simple has no device timing", "ddr4 or hbm2");
  }
  if (m.ranks) s.ranks = m.ranks;
  if (m.bank_groups) s.bank_groups = m.bank_groups;
  if (m.banks) s.banks = m.banks;
  if (m.page_bytes) s.page_bytes = m.page_bytes;
  return s;
}

}  // namespace spikepipe
