#include "models/queue/sink.hpp"

namespace queue {

std::vector<Span> Sink::apply(int partition, Offset base, std::int64_t count) {
  Offset end = base + count;
  if (kind_ != SinkKind::keyed) return {{base, end}};  // a transaction's output is written as it is
  std::map<Offset, Offset>& done = applied_[static_cast<std::size_t>(partition)];
  // The parts of [base, end) not applied yet, then the union stored as one range.
  std::vector<Span> fresh;
  Offset lo = base, hi = end;
  auto it = done.upper_bound(base);
  if (it != done.begin() && std::prev(it)->second >= base) --it;
  Offset at = base;
  while (it != done.end() && it->first <= end) {
    if (it->first > at) fresh.emplace_back(at, it->first);
    at = std::max(at, it->second);
    lo = std::min(lo, it->first);
    hi = std::max(hi, it->second);
    it = done.erase(it);
  }
  if (at < end) fresh.emplace_back(at, end);
  done[lo] = hi;
  return fresh;
}

}  // namespace queue
