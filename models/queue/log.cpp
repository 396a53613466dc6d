#include "models/queue/log.hpp"

#include <algorithm>

#include "sim/kernel/assert.hpp"

namespace queue {

sim::Instant Writeback::written_at(sim::Instant t) const {
  std::int64_t due = (t + expire).ns();
  std::int64_t step = interval.ns();
  return sim::Instant::from_ns((due + step - 1) / step * step);
}

void PartitionLog::begin_epoch(Epoch epoch) {
  SIM_ASSERT(epoch >= last_epoch(), "a leader epoch went backwards in a log");
  if (epoch > last_epoch()) epochs_.emplace_back(epoch, end());
}

void PartitionLog::append(const Batch& batch) {
  SIM_ASSERT(batch.base == end(), "a batch was appended away from the log's end");
  SIM_ASSERT(batch.count > 0, "an empty batch was appended");
  if (batch.epoch > last_epoch()) epochs_.emplace_back(batch.epoch, batch.base);
  batches_.push_back(batch);
}

void PartitionLog::truncate(Offset to) {
  to = std::max(to, start_);
  if (to >= end()) return;
  while (!batches_.empty() && batches_.back().base >= to) batches_.pop_back();
  if (!batches_.empty() && batches_.back().end() > to) batches_.back().count = to - batches_.back().base;
  // As Kafka's cache truncates from the end: epochs that start at or past the new end go.
  while (!epochs_.empty() && epochs_.back().second >= to) epochs_.pop_back();
  flushed_ = std::min(flushed_, to);
}

std::pair<Epoch, Offset> PartitionLog::end_offset_for(Epoch epoch) const {
  auto after = std::upper_bound(epochs_.begin(), epochs_.end(), epoch,
                                [](Epoch e, const std::pair<Epoch, Offset>& entry) { return e < entry.first; });
  if (after == epochs_.begin()) return {-1, start_};
  Epoch found = std::prev(after)->first;
  return {found, after == epochs_.end() ? end() : after->second};
}

std::vector<Batch> PartitionLog::read(Offset from, Offset limit, std::int64_t max_messages) const {
  std::vector<Batch> out;
  auto it = std::upper_bound(batches_.begin(), batches_.end(), from,
                             [](Offset o, const Batch& b) { return o < b.base; });
  if (it != batches_.begin()) --it;
  for (; it != batches_.end() && max_messages > 0; ++it) {
    Batch piece = *it;
    if (piece.end() <= from) continue;
    if (piece.base >= limit) break;
    if (piece.base < from) {
      piece.first_seq += from - piece.base;
      piece.count -= from - piece.base;
      piece.base = from;
    }
    piece.count = std::min({piece.count, limit - piece.base, max_messages});
    max_messages -= piece.count;
    out.push_back(piece);
  }
  return out;
}

std::int64_t PartitionLog::lose_unflushed(sim::Instant now, const Writeback& writeback) {
  // Appends are made in time order, so what the flusher has written is a prefix of the log.
  auto unwritten = std::partition_point(batches_.begin(), batches_.end(), [&](const Batch& b) {
    return b.end() <= flushed_ || writeback.written_at(b.appended) <= now;
  });
  Offset durable = unwritten == batches_.end() ? end() : std::max(flushed_, unwritten->base);
  std::int64_t lost = end() - durable;
  truncate(durable);
  flushed_ = durable;
  return lost;
}

}  // namespace queue
