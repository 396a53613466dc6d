#include "sim/kernel/trace.hpp"

#include <cstdio>
#include <cstring>

namespace sim {

void Trace::mix(std::string_view text) {
  std::uint64_t word = 0;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::memcpy(&word, text.data() + i, 8);
    mix(word);
  }
  word = text.size();
  for (std::size_t shift = 8; i < text.size(); ++i, shift += 8)
    word ^= static_cast<std::uint64_t>(static_cast<unsigned char>(text[i])) << (shift % 64);
  mix(word);
}

void Trace::record(Instant time, NodeId node, std::string_view kind, std::string_view detail) {
  mix(static_cast<std::uint64_t>(time.ns()));
  mix(node);
  mix(kind);
  mix(detail);
  ++count_;
  if (watcher_) watcher_->traced(time, node, kind);
  if (records_.size() < keep_limit_) {
    records_.push_back(TraceRecord{time, node, std::string(kind), std::string(detail)});
  } else if (keep_limit_ > 0) {
    count_kept_limit_hit_ = true;
  }
  if (in_window(time) && window_records_.size() < window_limit_)
    window_records_.push_back(TraceRecord{time, node, std::string(kind), std::string(detail)});
}

void Trace::fold(Instant time, NodeId node, std::string_view kind, std::int64_t a, std::int64_t b) {
  mix(static_cast<std::uint64_t>(time.ns()));
  mix(node);
  mix(kind);
  mix(static_cast<std::uint64_t>(a));
  mix(static_cast<std::uint64_t>(b));
  ++count_;
  if (watcher_) watcher_->traced(time, node, kind);
  if (!in_window(time)) return;
  FoldRecord fold{time, node, std::string(kind), a, b};
  if (window_folds_.size() < window_limit_)
    window_folds_.push_back(std::move(fold));
  else
    window_folds_[window_folds_made_ % window_limit_] = std::move(fold);
  ++window_folds_made_;
}

std::vector<FoldRecord> Trace::window_folds() const {
  std::vector<FoldRecord> folds;
  std::size_t start = window_folds_made_ > window_folds_.size() ? window_folds_made_ % window_folds_.size() : 0;
  for (std::size_t i = 0; i < window_folds_.size(); ++i)
    folds.push_back(window_folds_[(start + i) % window_folds_.size()]);
  return folds;
}

void Trace::keep_window(Instant from, Instant to, std::size_t limit) {
  window_from_ = from;
  window_to_ = to;
  window_limit_ = limit;
}

std::string hash_hex(std::uint64_t hash) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

}  // namespace sim
