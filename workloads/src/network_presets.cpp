// --network NAME|FILE: the shipped presets live in workloads/networks/ (SPIKEPIPE_NETWORKS_DIR,
// set by CMake) or, installed, in <prefix>/share/spikepipe/networks; anything else is a path to a
// YAML file, or to a NIR file (a name ending in .nir, or any file with the HDF5 signature).
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "spikepipe/core/data_dir.h"
#include "spikepipe/core/error.h"
#include "spikepipe/workloads/network.h"
#include "spikepipe/workloads/nir.h"

#ifndef SPIKEPIPE_NETWORKS_DIR
#error "SPIKEPIPE_NETWORKS_DIR must name the folder of the shipped network presets"
#endif

namespace spikepipe {
namespace fs = std::filesystem;

namespace {

fs::path networks_dir() { return data_dir("networks", SPIKEPIPE_NETWORKS_DIR); }

}  // namespace

std::vector<std::string> network_presets() { return preset_names(networks_dir(), ".yaml"); }

Network load_network(const std::string& name_or_path) { return load_network(name_or_path, {}); }

Network load_network(const std::string& name_or_path, const NetworkLoadOptions& options) {
  const auto presets = network_presets();
  const bool preset = std::find(presets.begin(), presets.end(), name_or_path) != presets.end();
  const std::string path =
      preset ? (networks_dir() / (name_or_path + ".yaml")).string() : name_or_path;
  std::string list;
  for (const auto& p : presets) list += (list.empty() ? "" : ", ") + p;
  std::error_code ec;
  if (fs::is_directory(path, ec)) fail(path, "is a directory, not a network file");
  const bool nir_name = path.size() > 4 && path.compare(path.size() - 4, 4, ".nir") == 0;
  if (!preset && fs::is_regular_file(path, ec) && (nir_name || is_hdf5_file(path))) {
    NirOptions nir;
    nir.dt = options.nir_dt;
    return import_nir(path, nir);
  }
  if (const auto size = fs::file_size(path, ec); !ec && size > kMaxNetworkFileBytes)
    fail(path, "is " + std::to_string(size) + " bytes, too large for a network file",
         "at most " + std::to_string(kMaxNetworkFileBytes) + " bytes (" +
             std::to_string(kMaxLayers) + " layers)");
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const bool looks_like_name =
        name_or_path.find('/') == std::string::npos && name_or_path.find('.') == std::string::npos;
    fail(name_or_path, looks_like_name ? "no such preset or file" : "cannot read network file",
         "a preset (" + list + ") or a path to a YAML or NIR file");
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) fail(path, "error while reading the network file");
  Network net = parse_network_yaml(text.str(), path);
  if (preset) net.source = "preset:" + name_or_path;
  return net;
}

}  // namespace spikepipe
