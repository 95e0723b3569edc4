#pragma once
// Where the shipped presets are found, in the build tree and after `cmake --install`.
#include <filesystem>
#include <string>
#include <vector>

namespace spikepipe {

// $SPIKEPIPE_DATA_DIR/<kind> when that variable is set (and only it); otherwise the first that
// exists of: an installed copy relative to the running program (<prefix>/bin/../share/spikepipe/
// <kind>), `source_dir` (the source tree the program was built from), the configured install
// prefix. An installed program thus reads its own presets even while the source tree exists.
std::filesystem::path data_dir(const std::string& kind, const std::filesystem::path& source_dir);

// The stems of the files in `dir` ending in `extension` (".yaml"), sorted: the presets' names.
std::vector<std::string> preset_names(const std::filesystem::path& dir, const std::string& extension);

}  // namespace spikepipe
