#pragma once
// Shared by the sweep tests: a parsed spec from command-line words, and the message of the Error
// a call throws ("" when it throws none).
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "spikepipe/cli/sweep.h"
#include "spikepipe/core/error.h"

namespace spikepipe::test {

inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

inline sweep::Spec spec_of(const std::vector<std::string>& args) {
  auto s = sweep::parse_spec(args, "spikepipe sweep");
  EXPECT_TRUE(s.has_value());
  return *s;
}

}  // namespace spikepipe::test
