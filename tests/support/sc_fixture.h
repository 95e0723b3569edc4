#pragma once
// SystemC elaborates once per process: a test that simulates must be the first to touch the
// kernel. ctest runs each test in its own process (gtest_discover_tests); running the binary by
// hand with several simulating tests fails loudly here instead of giving wrong results.
#include <gtest/gtest.h>
#include <systemc>

class SystemCTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static bool used = false;
    if (used || sc_core::sc_get_status() != sc_core::SC_ELABORATION) {
      GTEST_FAIL() << "SystemC kernel already used in this process; run this test alone "
                      "(ctest does: --gtest_filter=" << ::testing::UnitTest::GetInstance()
                                                          ->current_test_info()->name() << ")";
    }
    used = true;
  }
};
