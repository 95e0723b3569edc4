// GoogleTest runs from sc_main; main() (sc_entry.h) silences the banner and enters SystemC.
#include <gtest/gtest.h>

#include "spikepipe/platform/sc_entry.h"

int sc_main(int argc, char* argv[]) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
