#include "models/queue/checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "models/queue/intervals.hpp"

namespace queue {
namespace {

using Key = std::pair<int, std::uint32_t>;  // (partition, producer)

std::string count(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), ",");
  return n < 0 ? "-" + digits : digits;
}

// The sequence numbers each (partition, producer) has in the final logs, and in any read.
struct Presence {
  std::map<Key, std::vector<Span>> final_seqs;
  std::map<Key, std::vector<Span>> seen_seqs;
  std::vector<Offset> final_end;
  std::vector<Offset> final_start;
};

Presence presence(const Observations& o) {
  Presence pr;
  std::map<Key, std::vector<Span>> final_raw, seen_raw;
  pr.final_end.assign(static_cast<std::size_t>(o.partitions), 0);
  pr.final_start.assign(static_cast<std::size_t>(o.partitions), 0);
  for (std::size_t p = 0; p < o.final_log_start.size() && p < pr.final_start.size(); ++p)
    pr.final_start[p] = o.final_log_start[p];
  for (int p = 0; p < o.partitions && p < static_cast<int>(o.final_logs.size()); ++p)
    for (const Batch& b : o.final_logs[static_cast<std::size_t>(p)])
      pr.final_end[static_cast<std::size_t>(p)] = std::max(pr.final_end[static_cast<std::size_t>(p)], b.end());
  // What the final logs hold committed: a transaction's records count once its commit marker is there.
  for (auto& [key, spans] : final_txn_status(o).committed) {
    final_raw[key] = spans;
    seen_raw[key] = std::move(spans);
  }
  for (const Poll& poll : o.polls)
    seen_raw[{poll.partition, poll.piece.producer}].emplace_back(poll.piece.first_seq,
                                                                 poll.piece.first_seq + poll.piece.count);
  for (auto& [key, spans] : final_raw) pr.final_seqs[key] = merge_spans(std::move(spans));
  for (auto& [key, spans] : seen_raw) pr.seen_seqs[key] = merge_spans(std::move(spans));
  return pr;
}

const std::vector<Span>& spans_of(const std::map<Key, std::vector<Span>>& map, const Key& key) {
  static const std::vector<Span> none;
  auto it = map.find(key);
  return it == map.end() ? none : it->second;
}

struct LossTally {
  std::int64_t lost = 0, lost_but_polled = 0, unseen = 0, acked = 0;
  std::optional<sim::Instant> first_lost, last_lost;
  std::optional<const Ack*> first_unseen;
  std::map<int, std::int64_t> lost_by_partition;
};

void tally_ack(const Observations& o, const Ack& ack, const Presence& pr, LossTally& t) {
  // A transaction's write is acknowledged when its producer sees the transaction committed.
  if (ack.txn >= 0 && o.txns[static_cast<std::size_t>(ack.txn)].outcome != TxnOutcome::committed) return;
  Key key{ack.partition, ack.producer};
  t.acked += ack.count;
  Offset end = pr.final_end[static_cast<std::size_t>(ack.partition)];
  Offset start = pr.final_start[static_cast<std::size_t>(ack.partition)];
  for (Span missing : uncovered(spans_of(pr.final_seqs, key), ack.first_seq, ack.first_seq + ack.count)) {
    // Below the log start retention deleted them: retention_skipped judges those.
    missing.first += std::clamp<std::int64_t>(start - (ack.base + (missing.first - ack.first_seq)), 0,
                                              missing.second - missing.first);
    Offset at = ack.base + (missing.first - ack.first_seq);
    std::int64_t n = missing.second - missing.first;
    if (n == 0) continue;
    std::int64_t lost = std::clamp<std::int64_t>(end - at, 0, n);
    if (lost > 0) {
      t.lost += lost;
      t.lost_by_partition[ack.partition] += lost;
      t.lost_but_polled += covered_length(spans_of(pr.seen_seqs, key), missing.first, missing.first + lost);
      if (!t.first_lost) t.first_lost = ack.acked;
      t.last_lost = std::max(t.last_lost.value_or(ack.acked), ack.acked);
    }
    std::int64_t never = (n - lost) - covered_length(spans_of(pr.seen_seqs, key), missing.first + lost, missing.second);
    t.unseen += never;
    if (never > 0 && !t.first_unseen) t.first_unseen = &ack;
  }
}

}  // namespace

FinalTxnStatus final_txn_status(const Observations& o) {
  std::map<Key, std::vector<Span>> committed, aborted;
  for (int p = 0; p < o.partitions && p < static_cast<int>(o.final_logs.size()); ++p) {
    const std::vector<Batch>& data = o.final_logs[static_cast<std::size_t>(p)];
    static const std::vector<Batch> none;
    const std::vector<Batch>& markers =
        p < static_cast<int>(o.final_markers.size()) ? o.final_markers[static_cast<std::size_t>(p)] : none;
    std::map<std::int64_t, std::vector<const Batch*>> pending;  // by producer id: an open transaction's batches
    std::size_t m = 0;
    auto close = [&](const Batch& marker) {
      std::vector<const Batch*> batches = std::move(pending[marker.producer_id]);
      pending.erase(marker.producer_id);
      auto& into = marker.control == Control::commit ? committed : aborted;
      for (const Batch* b : batches) into[{p, b->producer}].emplace_back(b->first_seq, b->first_seq + b->count);
    };
    for (const Batch& b : data) {
      for (; m < markers.size() && markers[m].base < b.base; ++m) close(markers[m]);
      if (b.transactional) pending[b.producer_id].push_back(&b);
      else committed[{p, b.producer}].emplace_back(b.first_seq, b.first_seq + b.count);
    }
    for (; m < markers.size(); ++m) close(markers[m]);
  }
  FinalTxnStatus status;
  for (auto& [key, spans] : committed) status.committed[key] = merge_spans(std::move(spans));
  for (auto& [key, spans] : aborted) status.aborted[key] = merge_spans(std::move(spans));
  return status;
}

const std::vector<std::string>& check_names() {
  static const std::vector<std::string> names{"lost_acked_write",     "unseen",
                                              "retention_skipped",    "duplicate",
                                              "inconsistent_offsets", "per_partition_order",
                                              "per_key_order",        "availability",
                                              "duplicate_processing", "lost_consumption",
                                              "zombie_processing",    "committed_offset_regression",
                                              "consumer_lag",         "consumer_stopped",
                                              "aborted_read",         "torn_txn"};
  return names;
}

sim::CheckResult check_lost_and_unseen(const Observations& o, sim::CheckResult& unseen) {
  Presence pr = presence(o);
  LossTally t;
  for (const Ack& ack : o.acks) tally_ack(o, ack, pr, t);
  sim::CheckResult lost{"lost_acked_write", t.lost == 0, "", {}, std::nullopt};
  lost.summary = fmt::format("{} of {} acknowledged messages lost", count(t.lost), count(t.acked));
  if (t.lost > 0) {
    lost.summary += fmt::format(", acknowledged between {} and {}; {} of them had been polled before",
                                sim::to_string(*t.first_lost), sim::to_string(*t.last_lost), count(t.lost_but_polled));
    lost.first = sim::Violation{*t.last_lost, {},
                                fmt::format("{} acknowledged messages are missing from their partitions' final logs, "
                                            "which go on past them",
                                            count(t.lost))};
  }
  for (const auto& [p, n] : t.lost_by_partition) lost.details.emplace_back(fmt::format("lost on p{}", p), count(n));
  unseen = sim::CheckResult{"unseen", t.unseen == 0, "", {}, std::nullopt};
  unseen.summary = fmt::format("{} acknowledged messages never polled", count(t.unseen));
  if (t.first_unseen)
    unseen.first = sim::Violation{(*t.first_unseen)->acked, {},
                                  fmt::format("an acknowledged batch of p{} at offset {} was never polled",
                                              (*t.first_unseen)->partition, (*t.first_unseen)->base)};
  return lost;
}

// Offsets below a partition's final log start (retention deleted them) that no poll returned.
sim::CheckResult check_retention_skipped(const Observations& o) {
  std::int64_t skipped = 0;
  sim::CheckResult r{"retention_skipped", true, "", {}, std::nullopt};
  std::map<int, std::vector<Span>> polled;
  for (const Poll& poll : o.polls) polled[poll.partition].emplace_back(poll.piece.base, poll.piece.end());
  for (int p = 0; p < static_cast<int>(o.final_log_start.size()); ++p) {
    Offset start = o.final_log_start[static_cast<std::size_t>(p)];
    std::vector<Span> gaps = uncovered(merge_spans(polled[p]), 0, start);
    std::int64_t here = 0;
    for (const Span& gap : gaps) here += gap.second - gap.first;
    skipped += here;
    if (here == 0) continue;
    std::string where = fmt::format("{} to {}", gaps.front().first, gaps.front().second);
    if (gaps.size() > 1) where += fmt::format(" and {} more ranges", gaps.size() - 1);
    r.details.emplace_back(fmt::format("p{}", p), fmt::format("{} (offsets {})", count(here), where));
  }
  for (const Reposition& moved : o.repositions)
    if (moved.why == "earliest" || moved.why == "latest")
      r.details.emplace_back(fmt::format("reset p{} at {}", moved.partition, sim::to_string(moved.at)),
                             fmt::format("from {} to {} ({})", moved.from, moved.to, moved.why));
  r.held = skipped == 0;
  r.summary = fmt::format("{} messages deleted by retention before any poll returned them", count(skipped));
  if (!r.held) r.first = sim::Violation{o.run_end, {}, r.summary};
  return r;
}

sim::CheckResult check_duplicates(const Observations& o) {
  // Group each (partition, producer)'s sightings by where they put a sequence number.
  std::map<Key, std::map<std::int64_t, std::vector<Span>>> by_shift;
  auto see = [&](int p, const Batch& b) {
    by_shift[{p, b.producer}][b.base - b.first_seq].emplace_back(b.first_seq, b.first_seq + b.count);
  };
  for (int p = 0; p < static_cast<int>(o.final_logs.size()); ++p)
    for (const Batch& b : o.final_logs[static_cast<std::size_t>(p)]) see(p, b);
  for (const Poll& poll : o.polls) see(poll.partition, poll.piece);
  std::int64_t extra = 0;
  for (const auto& [key, shifts] : by_shift) {
    std::vector<std::vector<Span>> groups;
    for (const auto& [shift, spans] : shifts) groups.push_back(spans);
    extra += extra_copies(groups);
  }
  sim::CheckResult r{"duplicate", extra == 0, fmt::format("{} messages found at more than one offset", count(extra)),
                     {}, std::nullopt};
  if (extra > 0) r.first = sim::Violation{o.run_end, {}, r.summary};
  return r;
}

sim::CheckResult check_inconsistent_offsets(const Observations& o) {
  // Group each partition's sightings of offsets by which messages they held there.
  std::map<int, std::map<std::pair<std::uint32_t, std::int64_t>, std::vector<Span>>> by_content;
  auto see = [&](int p, const Batch& b) {
    by_content[p][{b.producer, b.base - b.first_seq}].emplace_back(b.base, b.end());
  };
  for (int p = 0; p < static_cast<int>(o.final_logs.size()); ++p)
    for (const Batch& b : o.final_logs[static_cast<std::size_t>(p)]) see(p, b);
  for (const Poll& poll : o.polls) see(poll.partition, poll.piece);
  std::int64_t extra = 0;
  for (const auto& [p, contents] : by_content) {
    std::vector<std::vector<Span>> groups;
    for (const auto& [content, spans] : contents) groups.push_back(spans);
    extra += extra_copies(groups);
  }
  sim::CheckResult r{"inconsistent_offsets", extra == 0,
                     fmt::format("{} offsets read with different messages at different times", count(extra)), {},
                     std::nullopt};
  if (extra > 0) r.first = sim::Violation{o.run_end, {}, r.summary};
  return r;
}

}  // namespace queue
