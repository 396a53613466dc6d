#include "sim/kernel/fault_windows.hpp"

namespace sim {

void FaultWindows::open(std::string_view kind, Instant now) {
  auto it = open_.find(kind);
  if (it == open_.end()) it = open_.emplace(std::string(kind), 0).first;
  ++it->second;
  touch(now);
}

void FaultWindows::close(std::string_view kind, Instant now) {
  auto it = open_.find(kind);
  if (it != open_.end() && it->second > 0) --it->second;
  touch(now);
}

bool FaultWindows::active(std::string_view kind) const {
  auto it = open_.find(kind);
  return it != open_.end() && it->second > 0;
}

std::string_view FaultWindows::current() const {
  if (active("pause")) return "pause";
  if (active("partition")) return "partition";
  for (const auto& [kind, count] : open_)
    if (count > 0) return "other_fault";
  return "no_fault";
}

}  // namespace sim
