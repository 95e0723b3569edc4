#pragma once
// A platform from a shipped preset or an INI file, plus overrides: the library's way in, without
// the command line. Presets are platform/configs/<name>.cfg (installed: share/spikepipe/configs).
//
//   PlatformParams p = spikepipe::load_platform("mesh8", {{"sram-bytes", "1073741824", "mine"}});
#include <filesystem>
#include <string>
#include <vector>

#include "spikepipe/core/platform.h"
#include "spikepipe/core/platform_config.h"

namespace spikepipe {

std::vector<std::string> platform_presets();  // names, sorted
// A preset name, or a path to an INI file (anything with a / or a .cfg suffix, or that exists).
// Throws Error naming `what` (e.g. "--platform") and listing the presets.
std::filesystem::path platform_file(const std::string& name_or_path,
                                    const std::string& what = "platform");
// The file's settings (none for an empty name), origins naming the file as the user gave it.
std::vector<Setting> platform_settings(const std::string& name_or_path,
                                       const std::string& what = "platform");
// Built-in defaults < the preset or file (none when empty) < overrides; validated, NoC auto-sized.
PlatformParams load_platform(const std::string& name_or_path,
                             const std::vector<Setting>& overrides = {});
// The array keys only (other keys of the file are accepted but not checked).
ArrayParams load_array(const std::string& name_or_path, const std::vector<Setting>& overrides = {});

}  // namespace spikepipe
