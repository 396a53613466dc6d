#include "sim/kernel/disk.hpp"

namespace sim {

void Disk::sync() {
  for (auto& [key, value] : written_) {
    if (value) synced_[key] = std::move(*value);
    else synced_.erase(key);
  }
  written_.clear();
}

std::optional<std::string> Disk::read(const std::string& key) const {
  if (auto w = written_.find(key); w != written_.end()) return w->second;
  if (auto s = synced_.find(key); s != synced_.end()) return s->second;
  return std::nullopt;
}

void Disk::crash(bool lose_unsynced) {
  if (lose_unsynced) written_.clear();
  else sync();
}

}  // namespace sim
