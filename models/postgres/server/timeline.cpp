#include "models/postgres/server/timeline.hpp"

#include <string>

namespace postgres {

bool Timelines::can_follow(std::uint64_t timeline, std::uint64_t written) const {
  if (timeline == current) return true;
  if (timeline > current) return false;
  auto end = ends.find(timeline);
  return end != ends.end() && written <= end->second;
}

Timelines Timelines::read(const sim::Disk& disk) {
  Timelines timelines;
  if (auto current = disk.read("postgres/timeline")) timelines.current = std::stoull(*current);
  for (std::uint64_t t = 1; t < timelines.current; ++t)
    if (auto end = disk.read("postgres/timeline/" + std::to_string(t))) timelines.ends[t] = std::stoull(*end);
  return timelines;
}

void Timelines::branch(sim::Disk& disk, std::uint64_t last) {
  ends[current] = last;
  disk.write("postgres/timeline/" + std::to_string(current), std::to_string(last));
  ++current;
  disk.write("postgres/timeline", std::to_string(current));
}

}  // namespace postgres
