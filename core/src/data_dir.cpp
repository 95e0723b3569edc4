#include "spikepipe/core/data_dir.h"

#include <algorithm>
#include <cstdlib>
#include <system_error>
#include <vector>

namespace spikepipe {

namespace fs = std::filesystem;

fs::path data_dir(const std::string& kind, const fs::path& source_dir) {
  if (const char* env = std::getenv("SPIKEPIPE_DATA_DIR"); env && *env) return fs::path(env) / kind;
  std::error_code ec;
  std::vector<fs::path> dirs;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) dirs.push_back((exe.parent_path() / SPIKEPIPE_BIN_TO_DATA / kind).lexically_normal());
  dirs.push_back(source_dir);
  dirs.push_back(fs::path(SPIKEPIPE_INSTALL_DATA_DIR) / kind);
  for (const auto& d : dirs) {
    if (fs::is_directory(d, ec)) return d;
  }
  return source_dir;
}

std::vector<std::string> preset_names(const fs::path& dir, const std::string& extension) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == extension) names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace spikepipe
