// libFuzzer target: the platform INI reader and make_platform() on what it read (key ranges,
// NoC auto-sizing, validation). Any input must give a platform or a spikepipe::Error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "spikepipe/core/error.h"
#include "spikepipe/core/platform_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto settings = spikepipe::read_platform_ini(text, "fuzz.cfg");
    const spikepipe::PlatformParams p = spikepipe::make_platform(settings, "fuzz");
    p.validate();
  } catch (const spikepipe::Error&) {
  }
  return 0;
}
