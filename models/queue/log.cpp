#include "models/queue/log.hpp"

#include <algorithm>

#include "sim/kernel/assert.hpp"

namespace queue {

sim::Instant Writeback::written_at(sim::Instant t) const {
  std::int64_t due = (t + expire).ns();
  std::int64_t step = interval.ns();
  return sim::Instant::from_ns((due + step - 1) / step * step);
}

void TxnIndex::add(const Batch& batch) {
  if (batch.producer_id < 0 || (!batch.transactional && batch.control == Control::none)) return;
  std::int16_t& epoch = epochs.try_emplace(batch.producer_id, batch.producer_epoch).first->second;
  epoch = std::max(epoch, batch.producer_epoch);
  if (batch.control == Control::none) {
    open.try_emplace(batch.producer_id, batch.base);
    return;
  }
  auto it = open.find(batch.producer_id);
  if (it == open.end()) return;  // a marker with no transaction open here changes nothing
  completed.emplace_back(it->second, batch.end());
  if (batch.control == Control::abort) aborted.push_back(AbortedTxn{batch.producer_id, it->second, batch.base});
  open.erase(it);
}

void PartitionLog::rebuild_txns() {
  txns_ = TxnIndex{};
  for (const Batch& b : batches_) txns_.add(b);
}

Offset PartitionLog::last_stable_offset(Offset high_watermark) const {
  Offset lso = high_watermark;
  for (const auto& [producer, first] : txns_.open) lso = std::min(lso, first);
  for (auto it = txns_.completed.rbegin(); it != txns_.completed.rend() && it->second > high_watermark; ++it)
    lso = std::min(lso, it->first);
  return std::max(std::min(lso, high_watermark), start_);
}

std::vector<AbortedTxn> PartitionLog::aborted_between(Offset from, Offset limit) const {
  std::vector<AbortedTxn> out;
  auto it = std::lower_bound(txns_.aborted.begin(), txns_.aborted.end(), from,
                             [](const AbortedTxn& a, Offset o) { return a.marker < o; });
  for (; it != txns_.aborted.end(); ++it)
    if (it->first < limit) out.push_back(*it);
  return out;
}

std::int16_t PartitionLog::producer_epoch(std::int64_t producer_id) const {
  auto it = txns_.epochs.find(producer_id);
  return it == txns_.epochs.end() ? std::int16_t{-1} : it->second;
}

void PartitionLog::begin_epoch(Epoch epoch) {
  SIM_ASSERT(epoch >= last_epoch(), "a leader epoch went backwards in a log");
  if (epoch > last_epoch()) epochs_.emplace_back(epoch, end());
}

void PartitionLog::append(const Batch& batch) {
  SIM_ASSERT(batch.base == end(), "a batch was appended away from the log's end");
  SIM_ASSERT(batch.count > 0, "an empty batch was appended");
  std::int64_t bytes = batch.count * retention_.message_bytes;
  // LogSegment.shouldRoll: the batch would take a non-empty active segment past segment.bytes.
  if (segments_.back().bytes > 0 && segments_.back().bytes + bytes > retention_.segment_bytes) roll();
  Segment& active = segments_.back();
  active.bytes += bytes;
  active.largest_timestamp = std::max(active.largest_timestamp, batch.created);
  if (batch.epoch > last_epoch()) epochs_.emplace_back(batch.epoch, batch.base);
  batches_.push_back(batch);
  txns_.add(batch);
}

void PartitionLog::roll() { segments_.push_back(Segment{end(), 0, sim::Instant{}}); }

void PartitionLog::recount_last_segment() {
  Segment& last = segments_.back();
  last.bytes = 0;
  last.largest_timestamp = sim::Instant{};
  for (auto it = batches_.rbegin(); it != batches_.rend() && it->base >= last.base; ++it) {
    last.bytes += it->count * retention_.message_bytes;
    last.largest_timestamp = std::max(last.largest_timestamp, it->created);
  }
}

void PartitionLog::truncate(Offset to) {
  to = std::max(to, start_);
  if (to >= end()) return;
  while (!batches_.empty() && batches_.back().base >= to) batches_.pop_back();
  if (!batches_.empty() && batches_.back().end() > to) batches_.back().count = to - batches_.back().base;
  // As Kafka's cache truncates from the end: epochs that start at or past the new end go.
  while (!epochs_.empty() && epochs_.back().second >= to) epochs_.pop_back();
  flushed_ = std::min(flushed_, to);
  while (segments_.size() > 1 && segments_.back().base > to) segments_.pop_back();
  recount_last_segment();
  if (!txns_.epochs.empty()) rebuild_txns();
}

// The log start moves to `start`: the segments wholly below it go, and the epoch cache drops
// the epochs that ended before it (Kafka's truncateFromStart keeps the one it falls in, from it).
void PartitionLog::drop_segments_below(Offset start) {
  start_ = std::max(start_, start);
  while (segments_.size() > 1 && segments_[1].base <= start_) segments_.pop_front();
  while (!batches_.empty() && batches_.front().end() <= segments_.front().base) batches_.pop_front();
  while (epochs_.size() > 1 && epochs_[1].second <= start_) epochs_.erase(epochs_.begin());
  if (!epochs_.empty() && epochs_.front().second < start_) epochs_.front().second = start_;
  flushed_ = std::max(flushed_, start_);
  if (!txns_.epochs.empty()) rebuild_txns();
}

void PartitionLog::advance_start(Offset to) { drop_segments_below(std::min(to, end())); }

void PartitionLog::restart_at(Offset start) {
  batches_.clear();
  epochs_.clear();
  segments_.assign(1, Segment{start, 0, sim::Instant{}});
  start_ = start;
  flushed_ = start;
  txns_ = TxnIndex{};
}

// UnifiedLog.deletableSegments: oldest first, while the segment lies below the high watermark,
// the rule says it may go, and it is not an empty active segment; all of them only after a roll.
std::optional<Deleted> PartitionLog::delete_oldest(const std::string& reason, Offset high_watermark,
                                                   const std::function<bool(const Segment&)>& deletable) {
  std::size_t n = 0;
  for (; n < segments_.size(); ++n) {
    bool last = n + 1 == segments_.size();
    Offset upper = last ? end() : segments_[n + 1].base;
    if (high_watermark < upper || !deletable(segments_[n]) || (last && segments_[n].bytes == 0)) break;
  }
  if (n == 0) return std::nullopt;
  if (n == segments_.size()) roll();
  Deleted deleted{start_, segments_[n].base, reason};
  drop_segments_below(segments_[n].base);
  return deleted;
}

std::vector<Deleted> PartitionLog::apply_retention(sim::Instant now, Offset high_watermark) {
  std::vector<Deleted> out;
  std::int64_t size = 0;
  for (const Segment& s : segments_) size += s.bytes;
  if (retention_.bytes && size >= *retention_.bytes) {
    std::int64_t excess = size - *retention_.bytes;
    auto by_size = [&excess](const Segment& s) {
      if (excess - s.bytes < 0) return false;
      excess -= s.bytes;
      return true;
    };
    if (auto d = delete_oldest("size", high_watermark, by_size)) out.push_back(*d);
  }
  auto by_time = [&](const Segment& s) { return now - s.largest_timestamp > retention_.time; };
  if (auto d = delete_oldest("time", high_watermark, by_time)) out.push_back(*d);
  return out;
}

std::optional<Offset> PartitionLog::offset_for_time(sim::Instant at, Offset limit) const {
  for (const Batch& b : batches_) {
    if (b.end() <= start_ || b.created < at) continue;
    Offset found = std::max(b.base, start_);
    if (found < limit) return found;
    break;
  }
  return std::nullopt;
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
