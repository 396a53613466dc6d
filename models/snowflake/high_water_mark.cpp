#include "models/snowflake/high_water_mark.hpp"

#include <string>

#include "sim/kernel/assert.hpp"

namespace snowflake {
namespace {
const std::string mark_key = "snowflake/high_water_ms";
}

HighWaterMark::HighWaterMark(sim::Disk& disk, sim::Duration reserve)
    : disk_(disk), reserve_ms_(reserve.ms()), mark_ms_(load()) {
  SIM_ASSERT(reserve_ms_ > 0, "the reserve of a high-water mark must be at least 1 ms");
}

std::optional<std::int64_t> HighWaterMark::load() const {
  std::optional<std::string> text = disk_.read(mark_key);
  if (!text) return std::nullopt;
  return std::stoll(*text);
}

bool HighWaterMark::cover(std::int64_t timestamp_ms) {
  if (mark_ms_ && timestamp_ms < *mark_ms_) return false;
  mark_ms_ = timestamp_ms + reserve_ms_;
  disk_.write(mark_key, std::to_string(*mark_ms_));
  disk_.sync();
  return true;
}

}  // namespace snowflake
