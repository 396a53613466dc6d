// aborted_read and torn_txn (checks.hpp): the transactional producer's transactions against
// what read_committed consumers polled and what the final logs hold committed.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>

#include "models/queue/checks.hpp"

namespace queue {
namespace {

using Key = std::pair<int, std::uint32_t>;  // (partition, producer)
using Committed = std::map<Key, std::vector<Span>>;

const std::vector<Span>& spans_in(const Committed& map, const Key& key) {
  static const std::vector<Span> none;
  auto it = map.find(key);
  return it == map.end() ? none : it->second;
}

// Which transaction wrote each (partition, producer, sequence) run.
struct Writers {
  std::map<Key, std::vector<std::pair<Span, std::int64_t>>> runs;
  std::map<Key, std::vector<Span>> aborted_by_producer;  // merged: runs of transactions the producer aborted

  explicit Writers(const Observations& o) {
    std::map<Key, std::vector<Span>> aborted;
    for (const TxnRecord& t : o.txns)
      for (const auto& [p, first, count] : t.writes) {
        Key key{p, t.producer};
        runs[key].emplace_back(Span{first, first + count}, t.index);
        if (t.outcome == TxnOutcome::aborted) aborted[key].emplace_back(first, first + count);
      }
    for (auto& [key, spans] : aborted) aborted_by_producer[key] = merge_spans(std::move(spans));
  }
  void transactions_of(const Key& key, Span s, std::set<std::int64_t>& out) const {
    auto it = runs.find(key);
    if (it == runs.end()) return;
    for (const auto& [run, txn] : it->second)
      if (run.first < s.second && s.first < run.second) out.insert(txn);
  }
};

// The records of a poll that belong to a transaction its producer aborted or that the final logs
// hold aborted.
std::int64_t aborted_records(const Poll& poll, const Writers& writers, const Committed& aborted_in_logs) {
  Key key{poll.partition, poll.piece.producer};
  std::vector<Span> bad = spans_in(aborted_in_logs, key);
  const std::vector<Span>& by_producer = spans_in(writers.aborted_by_producer, key);
  bad.insert(bad.end(), by_producer.begin(), by_producer.end());
  return covered_length(merge_spans(std::move(bad)), poll.piece.first_seq, poll.piece.first_seq + poll.piece.count);
}

std::string some(const std::set<std::int64_t>& txns) {
  std::vector<std::int64_t> first(txns.begin(), txns.end());
  if (first.size() > 8) first.resize(8);
  return fmt::format("{}{}", fmt::join(first, ", "), txns.size() > 8 ? ", ..." : "");
}

}  // namespace

// G1a: records a read_committed consumer polled that belong to a transaction its producer
// aborted, or that the final logs hold under an abort marker. With read_uncommitted they are counted and
// allowed.
sim::CheckResult check_aborted_read(const Observations& o) {
  sim::CheckResult r{"aborted_read", true, "", {}, std::nullopt};
  if (o.txns.empty()) {
    r.summary = "no transactions";
    return r;
  }
  Committed aborted_in_logs = final_txn_status(o).aborted;
  Writers writers(o);
  std::int64_t bad = 0;
  std::set<std::int64_t> txns;
  std::optional<sim::Instant> first, last;
  for (const Poll& poll : o.polls) {
    std::int64_t here = aborted_records(poll, writers, aborted_in_logs);
    if (here == 0) continue;
    bad += here;
    writers.transactions_of({poll.partition, poll.piece.producer},
                            {poll.piece.first_seq, poll.piece.first_seq + poll.piece.count}, txns);
    if (!first) first = poll.polled;
    last = poll.polled;
  }
  r.held = bad == 0 || !o.read_committed;
  r.summary = fmt::format("{} records polled by {} consumers were of aborted transactions", bad,
                          o.read_committed ? "read_committed" : "read_uncommitted");
  if (!o.read_committed) r.summary += ", as read_uncommitted allows";
  if (!r.held) {
    r.summary += fmt::format(", polled between {} and {}, transactions {}", sim::to_string(*first),
                             sim::to_string(*last), some(txns));
    r.first =
        sim::Violation{*first, {}, "a read_committed consumer polled a record of a transaction that did not commit"};
  }
  r.details.emplace_back("records", std::to_string(bad));
  r.details.emplace_back("transactions", std::to_string(txns.size()));
  return r;
}

// A transaction is torn when the final logs hold some of its records committed and not all.
sim::CheckResult check_torn_txn(const Observations& o) {
  sim::CheckResult r{"torn_txn", true, "", {}, std::nullopt};
  if (o.txns.empty()) {
    r.summary = "no transactions";
    return r;
  }
  Committed committed = final_txn_status(o).committed;
  std::set<std::int64_t> torn;
  std::int64_t missing = 0, committed_txns = 0;
  std::optional<sim::Instant> first, last;
  for (const TxnRecord& t : o.txns) {
    std::int64_t total = 0, in = 0;
    for (const auto& [p, seq, count] : t.writes) {
      total += count;
      in += covered_length(spans_in(committed, {p, t.producer}), seq, seq + count);
    }
    if (in > 0) ++committed_txns;
    if (in == 0 || in == total) continue;
    torn.insert(t.index);
    missing += total - in;
    if (!first) first = t.begun;
    last = std::max(last.value_or(t.ended), t.ended);
  }
  r.held = torn.empty();
  r.summary = fmt::format("{} of {} transactions with committed records are torn", torn.size(), committed_txns);
  if (!r.held) {
    r.summary += fmt::format(" ({} of their records not committed), begun between {} and {}: transactions {}",
                             missing, sim::to_string(*first), sim::to_string(*last), some(torn));
    r.first = sim::Violation{*last, {}, fmt::format("transaction {} is partly committed", *torn.begin())};
  }
  r.details.emplace_back("torn", std::to_string(torn.size()));
  r.details.emplace_back("records_not_committed", std::to_string(missing));
  return r;
}

}  // namespace queue
