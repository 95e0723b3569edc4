// The ideal NoC's link calendar (core/link_calendar.h): the first free window at or after a time,
// as a plain list of booked windows gives it, also on a link booked far ahead (the gap index).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <utility>
#include <vector>

#include "spikepipe/core/link_calendar.h"

namespace spikepipe {
namespace {

// The rule in its plainest form: windows sorted by start, scanned from the first.
struct Reference {
  std::vector<std::pair<Cycles, Cycles>> w;
  Cycles book(Cycles start, Cycles dur) {
    for (bool moved = true; moved;) {
      moved = false;
      for (const auto& [a, b] : w) {
        const bool overlaps = dur ? a < start + dur && start < b : a <= start && start < b;
        if (overlaps) {
          start = b;
          moved = true;
        }
      }
    }
    if (dur) {
      w.emplace_back(start, start + dur);
      std::sort(w.begin(), w.end());
    }
    return start;
  }
  void forget_before(Cycles t) {
    w.erase(std::remove_if(w.begin(), w.end(), [t](const auto& x) { return x.second <= t; }),
            w.end());
  }
};

TEST(LinkCalendar, FirstFitAndTouchingWindows) {
  LinkCalendar c;
  EXPECT_EQ(c.book(10, 5), 10u);  // [10, 15)
  EXPECT_EQ(c.book(0, 5), 0u);    // [0, 5) fits before it
  EXPECT_EQ(c.book(3, 5), 5u);    // [5, 10): fills the gap, one window [0, 15)
  EXPECT_EQ(c.windows(), 1u);
  EXPECT_EQ(c.book(2, 1), 15u);
  EXPECT_EQ(c.book(20, 4), 20u);  // [20, 24); gap [16, 20)
  EXPECT_EQ(c.book(0, 5), 24u);   // the gap of 4 is too short
  EXPECT_EQ(c.book(0, 4), 16u);   // this one fits it
  EXPECT_EQ(c.book(12, 0), 29u);  // no duration: the first free cycle
  c.forget_before(100);
  EXPECT_EQ(c.windows(), 0u);
  // A gap further on that holds it, past one that does not.
  EXPECT_EQ(c.book(200, 10), 200u);  // [200, 210)
  EXPECT_EQ(c.book(212, 8), 212u);   // [212, 220)
  EXPECT_EQ(c.book(230, 10), 230u);  // [230, 240)
  EXPECT_EQ(c.book(200, 5), 220u);   // not in [210, 212), in [220, 230)
  EXPECT_EQ(c.book(200, 6), 240u);   // [225, 230) is too short now
}

// Random bookings, loads below and far above the link's rate (the gap index then decides most
// bookings), messages of one size and of mixed sizes, the past forgotten as the caller's time
// advances: every start equals the plain rule's.
TEST(LinkCalendar, EqualsThePlainRuleUnderAnyLoad) {
  for (const double load : {0.3, 0.9, 3.0}) {
    for (const bool mixed : {false, true}) {
      std::mt19937_64 rng(7);
      std::uniform_int_distribution<Cycles> size(1, 8);  // x 8 cycles: gaps that fit exactly
      LinkCalendar c;
      Reference r;
      Cycles now = 0;
      for (int i = 0; i < 3000; ++i) {
        const Cycles dur = mixed ? 8 * size(rng) : 32;
        now += 8 * static_cast<Cycles>(std::exponential_distribution<double>(load / 4.0)(rng));
        const Cycles earliest = now + 8 * (rng() % 64);  // before and after booked ones
        ASSERT_EQ(c.book(earliest, dur), r.book(earliest, dur))
            << "load " << load << (mixed ? " mixed" : "") << ", booking " << i;
        if (i % 50 == 0) {
          c.forget_before(now);
          r.forget_before(now);
        }
      }
    }
  }
}

}  // namespace
}  // namespace spikepipe
