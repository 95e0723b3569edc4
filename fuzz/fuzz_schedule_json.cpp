// libFuzzer target: the schedule JSON reader (docs/SCHEDULE_FORMAT.md). Text that is not JSON is
// nlohmann-json's to refuse (parsed without exceptions, skipped); any JSON document must give a
// Schedule or a spikepipe::Error, and a Schedule read must write back out.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "spikepipe/core/error.h"
#include "spikepipe/workloads/schedule_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nlohmann::json j =
      nlohmann::json::parse(data, data + size, /*callback=*/nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  try {
    const spikepipe::Schedule s = spikepipe::schedule_from_json(j, "fuzz.json");
    (void)spikepipe::schedule_to_json(s);
  } catch (const spikepipe::Error&) {
  }
  return 0;
}
