#pragma once
// The one exception type of the project: every bad input ends here, and main() prints what()
// on one line and exits non-zero. Messages name the file / key / task and what is allowed.
#include <stdexcept>
#include <string>

namespace spikepipe {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "where: what (allowed: ...)" in one place so that every message reads the same.
[[noreturn]] inline void fail(const std::string& where, const std::string& what,
                              const std::string& allowed = {}) {
  std::string msg = where.empty() ? what : where + ": " + what;
  if (!allowed.empty()) msg += " (allowed: " + allowed + ")";
  throw Error(msg);
}

}  // namespace spikepipe
