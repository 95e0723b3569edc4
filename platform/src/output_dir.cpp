#include "spikepipe/platform/output_dir.h"

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <vector>
#include <system_error>

#include "spikepipe/core/error.h"

namespace spikepipe {

namespace fs = std::filesystem;

namespace {

std::string reason(const std::error_code& ec) { return ec.message(); }

}  // namespace

OutputDir::OutputDir(fs::path dir) {
  if (dir.empty()) fail("--out", "empty output directory");
  std::error_code ec;
  fs::path abs = fs::absolute(dir, ec);
  if (ec) fail("--out " + dir.string(), reason(ec));
  final_ = abs.lexically_normal();
  if (final_.has_filename() == false) final_ = final_.parent_path();
  if (fs::exists(final_, ec) && !fs::is_directory(final_, ec)) {
    fail("--out " + dir.string(), "exists and is not a directory");
  }
  // Replacing DIR deletes what was in it: only ever replace an earlier run's output, never a
  // directory of the user's (`--out .` by mistake).
  if (fs::is_directory(final_, ec) && !fs::is_empty(final_, ec) &&
      !fs::exists(final_ / "summary.json", ec) && !fs::exists(final_ / "compare.csv", ec)) {
    fail("--out " + dir.string(),
         "exists and holds no earlier spikepipe output (no summary.json or compare.csv), so it is "
         "not replaced",
         "a new or empty directory, or one written by spikepipe run/compare");
  }
  // Missing parents of DIR are created only by commit(), so that a run that fails leaves no
  // empty folders behind: until then the staging directory lives in the nearest existing one.
  fs::path base = final_.parent_path();
  while (!fs::exists(base, ec) && base.has_relative_path()) base = base.parent_path();
  if (!fs::is_directory(base, ec)) {
    fail("--out " + dir.string(), "cannot create " + final_.parent_path().string() + ": " +
                                      base.string() + " is not a directory");
  }
  static std::atomic<unsigned> serial{0};  // several outputs of one process may share a base
  const unsigned n = serial++;
  staging_ = base / ("." + final_.filename().string() + ".tmp-" + std::to_string(::getpid()) +
                     (n ? "-" + std::to_string(n) : ""));
  fs::remove_all(staging_, ec);
  if (!fs::create_directory(staging_, ec) || ec) {
    fail("--out " + dir.string(),
         "cannot write in " + base.string() + (ec ? ": " + reason(ec) : ""));
  }
}

OutputDir::~OutputDir() {
  if (committed_) return;
  std::error_code ec;
  fs::remove_all(staging_, ec);
}

void OutputDir::write(const std::string& name, const std::string& content) {
  if (committed_) fail("output " + final_.string(), "already committed");
  if (name.empty() || name.find('/') != std::string::npos)
    fail("output", "bad file name '" + name + "'");
  const fs::path p = staging_ / name;
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) fail("output " + p.string(), "cannot write (disk full or not writable?)");
}

void OutputDir::commit() {
  if (committed_) return;
  std::error_code ec;
  // The parents missing so far, deepest first: made now, removed again if the move fails.
  std::vector<fs::path> made;
  for (fs::path p = final_.parent_path(); !fs::exists(p, ec) && p.has_relative_path();
       p = p.parent_path())
    made.push_back(p);
  auto unmake = [&] {
    std::error_code ec2;
    for (const auto& p : made) fs::remove(p, ec2);  // only removes it while empty
  };
  fs::create_directories(final_.parent_path(), ec);
  if (ec) {
    unmake();
    fail("--out " + final_.string(),
         "cannot create " + final_.parent_path().string() + ": " + reason(ec));
  }
  const fs::path old = final_.parent_path() /
                       ("." + final_.filename().string() + ".old-" + std::to_string(::getpid()));
  const bool had = fs::exists(final_, ec);
  if (had) {
    fs::remove_all(old, ec);
    fs::rename(final_, old, ec);
    if (ec) fail("--out " + final_.string(), "cannot replace the old directory: " + reason(ec));
  }
  fs::rename(staging_, final_, ec);
  if (ec) {
    std::error_code ec2;
    if (had) fs::rename(old, final_, ec2);  // put the old results back
    unmake();
    fail("--out " + final_.string(), "cannot move the results into place: " + reason(ec));
  }
  committed_ = true;
  if (had) fs::remove_all(old, ec);
}

}  // namespace spikepipe
