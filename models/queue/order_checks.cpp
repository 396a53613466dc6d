// per_partition_order and availability (checks.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "models/queue/checks.hpp"
#include "models/queue/intervals.hpp"

namespace queue {
namespace {

struct OrderTally {
  std::int64_t nonmonotonic_send = 0, nonmonotonic_poll = 0, poll_skip = 0;
  std::optional<sim::Instant> first;
  void note(sim::Instant at) { first = std::min(first.value_or(at), at); }
};

void tally_sends(const Observations& o, OrderTally& t) {
  std::map<std::pair<int, std::uint32_t>, std::vector<const Ack*>> lanes;
  for (const Ack& a : o.acks) lanes[{a.partition, a.producer}].push_back(&a);
  for (auto& [key, acks] : lanes) {
    std::sort(acks.begin(), acks.end(), [](const Ack* a, const Ack* b) {
      return a->first_seq != b->first_seq ? a->first_seq < b->first_seq : a->base < b->base;
    });
    for (std::size_t i = 1; i < acks.size(); ++i)
      if (acks[i]->base < acks[i - 1]->base && acks[i]->first_seq > acks[i - 1]->first_seq) {
        ++t.nonmonotonic_send;
        t.note(std::max(acks[i]->acked, acks[i - 1]->acked));
      }
  }
}

void tally_polls(const Observations& o, OrderTally& t) {
  // Jepsen's rule: a consumer's polls of a partition go on without gaps until it is reassigned
  // (here, until a new generation of its group) or seeks.
  std::map<std::tuple<int, int, int, int>, Offset> next;
  std::vector<std::vector<Span>> hidden(static_cast<std::size_t>(o.partitions));
  for (std::size_t p = 0; p < o.hidden.size() && p < hidden.size(); ++p)
    hidden[p] = merge_spans(std::vector<Span>(o.hidden[p].begin(), o.hidden[p].end()));
  for (const Poll& poll : o.polls) {
    std::tuple<int, int, int, int> who{poll.partition, poll.member, poll.generation, poll.seeks};
    auto it = next.find(who);
    if (it != next.end() && poll.piece.base < it->second) {
      ++t.nonmonotonic_poll;
      t.note(poll.polled);
    } else if (it != next.end() && poll.piece.base > it->second) {
      // Markers and, with read_committed, aborted records are passed over rightly.
      std::int64_t skipped =
          poll.piece.base - it->second -
          covered_length(hidden[static_cast<std::size_t>(poll.partition)], it->second, poll.piece.base);
      t.poll_skip += skipped;
      if (skipped > 0) t.note(poll.polled);
    }
    next[who] = poll.piece.end();
  }
}

// One key's messages in one partition, walked in offset order: the largest sequence seen so far.
// A message whose sequence is below it was sent before a message the log already holds ahead of
// it, so a consumer reads that key's older value after its newer one.
struct KeyTally {
  std::int64_t messages_out_of_order = 0;
  std::set<std::pair<int, int>> keys;  // (partition, key)
  std::optional<sim::Instant> first;
};

void tally_partition_keys(int p, const std::vector<Batch>& log, const std::vector<int>& keys, KeyTally& t) {
  auto c = static_cast<std::int64_t>(keys.size());
  std::map<std::uint32_t, std::vector<std::int64_t>> highest;  // by producer: by key slot
  for (const Batch& b : log) {
    std::vector<std::int64_t>& high = highest[b.producer];
    if (high.empty()) high.assign(keys.size(), -1);
    for (std::int64_t slot = 0; slot < std::min(c, b.count); ++slot) {
      std::int64_t s = b.first_seq + slot;  // the batch's first message of this key slot
      auto k = static_cast<std::size_t>(s % c);
      std::int64_t last = s + (b.first_seq + b.count - 1 - s) / c * c;
      if (s < high[k]) {
        t.messages_out_of_order += (std::min(last, high[k]) - s) / c + 1;
        t.keys.emplace(p, keys[k]);
        t.first = std::min(t.first.value_or(b.appended), b.appended);
      }
      high[k] = std::max(high[k], last);
    }
  }
}

}  // namespace

sim::CheckResult check_key_order(const Observations& o) {
  KeyTally t;
  for (std::size_t p = 0; p < o.keys_by_partition.size() && p < o.final_logs.size(); ++p)
    if (!o.keys_by_partition[p].empty())
      tally_partition_keys(static_cast<int>(p), o.final_logs[p], o.keys_by_partition[p], t);
  bool held = t.messages_out_of_order == 0;
  sim::CheckResult r{"per_key_order", held,
                     o.keys_by_partition.empty()
                         ? "no keys: every record went without one"
                         : fmt::format("{} messages of {} keys behind a later message of their key in the final logs",
                                       t.messages_out_of_order, t.keys.size()),
                     {}, std::nullopt};
  if (!held) r.first = sim::Violation{*t.first, {}, r.summary};
  return r;
}

sim::CheckResult check_order(const Observations& o) {
  OrderTally t;
  tally_sends(o, t);
  tally_polls(o, t);
  bool held = t.nonmonotonic_send == 0 && t.nonmonotonic_poll == 0 && t.poll_skip == 0;
  sim::CheckResult r{"per_partition_order", held,
                     fmt::format("nonmonotonic_send {}, nonmonotonic_poll {}, poll_skip {} offsets",
                                 t.nonmonotonic_send, t.nonmonotonic_poll, t.poll_skip),
                     {{"nonmonotonic_send", std::to_string(t.nonmonotonic_send)},
                      {"nonmonotonic_poll", std::to_string(t.nonmonotonic_poll)},
                      {"poll_skip", std::to_string(t.poll_skip)}},
                     std::nullopt};
  if (!held) r.first = sim::Violation{*t.first, {}, r.summary};
  return r;
}

// A partition is unavailable through every gap of more than a second between acknowledgements
// (from the first send to the producer's stop) while the producer kept writing to it.
sim::CheckResult check_availability(const Observations& o, sim::Duration bound, double& worst_unavailable_s) {
  std::vector<std::vector<sim::Instant>> times(static_cast<std::size_t>(o.partitions));
  for (const Ack& a : o.acks) times[static_cast<std::size_t>(a.partition)].push_back(a.acked);
  sim::CheckResult r{"availability", true, "", {}, std::nullopt};
  sim::Duration longest = sim::Duration::zero();
  worst_unavailable_s = 0;
  for (int p = 0; p < o.partitions; ++p) {
    std::vector<sim::Instant>& t = times[static_cast<std::size_t>(p)];
    std::sort(t.begin(), t.end());
    t.insert(t.begin(), o.produce_start);
    t.push_back(std::min(o.produce_stop, o.run_end));
    sim::Duration down = sim::Duration::zero();
    for (std::size_t i = 1; i < t.size(); ++i) {
      sim::Duration gap = t[i] - t[i - 1];
      if (gap > sim::Duration::seconds(1)) down += gap;
      if (gap > longest) longest = gap;
      if (gap > bound && (!r.first || t[i - 1] + bound < r.first->at))
        r.first = sim::Violation{t[i - 1] + bound, {},
                                 fmt::format("p{} acknowledged no write for {}", p, sim::to_string(gap))};
    }
    worst_unavailable_s = std::max(worst_unavailable_s, down.seconds_f());
    r.details.emplace_back(fmt::format("unavailable_s p{}", p), fmt::format("{:.3f}", down.seconds_f()));
  }
  r.held = !r.first;
  r.summary = fmt::format("longest gap between acknowledgements {}; at most {:.3f} s unavailable per partition",
                          sim::to_string(longest), worst_unavailable_s);
  return r;
}

}  // namespace queue
