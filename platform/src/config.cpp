// Shipped presets and platform files (platform/config.h).
#include "spikepipe/platform/config.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "spikepipe/core/data_dir.h"
#include "spikepipe/core/error.h"

namespace spikepipe {

namespace fs = std::filesystem;

namespace {

fs::path configs_dir() { return data_dir("configs", SPIKEPIPE_CONFIGS_DIR); }

}  // namespace

std::vector<std::string> platform_presets() { return preset_names(configs_dir(), ".cfg"); }

fs::path platform_file(const std::string& name_or_path, const std::string& what) {
  fs::path p(name_or_path);
  if (p.extension() == ".cfg" || p.has_parent_path() || fs::exists(p)) {
    if (!fs::exists(p)) fail(what, "no such file '" + name_or_path + "'");
    return p;
  }
  fs::path preset = configs_dir() / (name_or_path + ".cfg");
  if (!fs::exists(preset)) {
    std::string allowed;
    for (const auto& n : platform_presets()) allowed += (allowed.empty() ? "" : ", ") + n;
    fail(what, "unknown platform '" + name_or_path + "'", allowed + ", or a path to an INI file");
  }
  return preset;
}

std::vector<Setting> platform_settings(const std::string& name_or_path, const std::string& what) {
  if (name_or_path.empty()) return {};
  const fs::path file = platform_file(name_or_path, what);
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) fail(file.string(), "cannot read the platform file");
  return read_platform_ini(text.str(), file.string());
}

PlatformParams load_platform(const std::string& name_or_path,
                             const std::vector<Setting>& overrides) {
  std::vector<Setting> all = platform_settings(name_or_path);
  all.insert(all.end(), overrides.begin(), overrides.end());
  const std::string name =
      name_or_path.empty() ? PlatformParams{}.name : fs::path(name_or_path).stem().string();
  return make_platform(all, name);
}

ArrayParams load_array(const std::string& name_or_path, const std::vector<Setting>& overrides) {
  std::vector<Setting> all = platform_settings(name_or_path);
  all.insert(all.end(), overrides.begin(), overrides.end());
  return make_array(all);
}

}  // namespace spikepipe
