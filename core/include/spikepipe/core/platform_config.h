#pragma once
// Reading a platform description: every key declared once (name, default, help, allowed values),
// INI text read into settings, and settings applied over the built-in defaults. The command line
// maps its flags onto the same keys (apps/), platform/config.h adds the shipped presets.
//
// A setting keeps where it came from ("--array-rows", "mesh8.cfg:12: array-rows"), so that any
// error about it, a parse error or a range check of PlatformParams::validate(), names the flag,
// or the file, line and key, that the user wrote.
#include <string>
#include <vector>

#include "spikepipe/core/platform.h"

namespace spikepipe {

struct PlatformKey {
  std::string name;           // "array-rows": the INI key, and the flag without its --
  std::string default_text;   // the built-in default, as a user would type it
  std::string help;           // one line for --help
  bool array = false;         // one of the array keys (the only ones `layers` uses)
};
// Every key a platform file may hold, in the order --help lists them.
const std::vector<PlatformKey>& platform_keys();
bool is_platform_key(const std::string& name);

struct Setting {
  std::string key;     // a platform key
  std::string value;   // its text
  std::string origin;  // how errors name it: "--processors", "mesh8.cfg:3: processors"
};

// `key = value` lines; blank lines and lines starting with # or ; are comments. Refuses unknown
// keys, a key given twice, sections, NUL bytes and lines without '=', naming file:line.
std::vector<Setting> read_platform_ini(const std::string& text, const std::string& file);

// The built-in defaults, then each setting in order (a later one wins: pass a file's settings,
// then the flags), the NoC auto-sized, validated. `name` becomes PlatformParams::name.
PlatformParams make_platform(const std::vector<Setting>& settings, const std::string& name);
// The array keys only; the other settings are not applied or checked (`layers` models one array).
ArrayParams make_array(const std::vector<Setting>& settings);

}  // namespace spikepipe
