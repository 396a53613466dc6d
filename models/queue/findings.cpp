// After the run: the final logs, the verdicts, the partition table and the advice.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

#include "models/queue/checks.hpp"
#include "models/queue/intervals.hpp"
#include "models/queue/controller.hpp"
#include "models/queue/lag.hpp"
#include "models/queue/queue_model.hpp"
#include "models/raft/group.hpp"
#include "models/raft/server.hpp"

namespace queue {
namespace {

ImagePtr newest_image(const Context& context) {
  ImagePtr newest;
  for (sim::NodeId member : context.controllers) {
    ImagePtr image = controller_image(context, member);
    if (image && (!newest || image->version > newest->version)) newest = image;
  }
  if (!newest) {
    const QueueOptions& o = context.options;
    newest = std::make_shared<const ClusterImage>(initial_image(o.brokers, o.partitions, o.replication_factor));
  }
  return newest;
}

// The replica a fresh consumer would read: the leader, or, with none, the in-sync replica with
// the longest log (the one an election would pick when it returns).
int final_source(const Context& context, const PartitionState& state, int partition) {
  if (state.leader != no_leader) return state.leader;
  int best = state.isr.empty() ? state.replicas.front() : state.isr.front();
  for (int b : state.isr)
    if (context.disks[static_cast<std::size_t>(b)].logs[static_cast<std::size_t>(partition)].end() >
        context.disks[static_cast<std::size_t>(best)].logs[static_cast<std::size_t>(partition)].end())
      best = b;
  return best;
}

// Messages polled again after a seek: offsets a poll after a seek returned that a poll before any
// seek had returned.
std::int64_t replayed_messages(const Observations& o) {
  std::map<int, std::vector<Span>> first, again;
  for (const Poll& poll : o.polls)
    (poll.seeks == 0 ? first : again)[poll.partition].emplace_back(poll.piece.base, poll.piece.end());
  std::int64_t replayed = 0;
  for (auto& [p, spans] : again) {
    std::vector<Span> before = merge_spans(first[p]);
    for (const Span& s : merge_spans(std::move(spans))) replayed += covered_length(before, s.first, s.second);
  }
  return replayed;
}

// The lag chart and its peak, and the rebalances' partition pauses.
void add_group_findings(const Observations& o, sim::Findings& findings) {
  LagPeak peak = lag_peak(o);
  findings.measures["consumer_lag_max"] = static_cast<double>(peak.lag);
  findings.measures["consumer_lag_max_partition"] = peak.partition;
  findings.measures["consumer_lag_max_at_s"] = peak.at.since_start().seconds_f();
  findings.measures["partition_pauses"] = static_cast<double>(o.partition_pauses);
  findings.measures["partition_paused_s"] = o.partition_paused.seconds_f();
  if (!o.lag.empty()) findings.plots.push_back(lag_plot(o));
}

}  // namespace

void QueueModel::read_final_logs() {
  Observations& o = context_->recorder->observations();
  o.final_committed = context_->disks[static_cast<std::size_t>(Context::coordinator)].committed;
  ImagePtr image = newest_image(*context_);
  o.final_logs.assign(static_cast<std::size_t>(options_.partitions), {});
  o.final_log_source.assign(static_cast<std::size_t>(options_.partitions), "");
  o.final_log_start.assign(static_cast<std::size_t>(options_.partitions), 0);
  o.final_markers.assign(static_cast<std::size_t>(options_.partitions), {});
  for (int p = 0; p < options_.partitions; ++p) {
    const PartitionState& state = image->partitions[static_cast<std::size_t>(p)];
    int source = final_source(*context_, state, p);
    const BrokerDisk& disk = context_->disks[static_cast<std::size_t>(source)];
    const PartitionLog& log = disk.logs[static_cast<std::size_t>(p)];
    Offset hw = std::min(disk.high_watermarks[static_cast<std::size_t>(p)], log.end());
    // Markers apart: they are no one's messages, and tell the checks which transactions committed.
    for (const Batch& b : log.read(log.start(), hw, INT64_MAX))
      (b.control == Control::none ? o.final_logs : o.final_markers)[static_cast<std::size_t>(p)].push_back(b);
    o.final_log_start[static_cast<std::size_t>(p)] = log.start();
    o.final_log_source[static_cast<std::size_t>(p)] =
        fmt::format("{}{}", options_.broker_name(source), state.leader == no_leader ? " (no leader)" : "");
  }
}

sim::Table QueueModel::partition_table() const {
  const Observations& o = observations();
  ImagePtr image = newest_image(*context_);
  sim::Table table;
  table.title = "Partitions at the end";
  table.columns = {"partition", "leader", "leader epoch", "ISR", "final log read from", "final log end",
                   "log end by replica"};
  for (int p = 0; p < options_.partitions; ++p) {
    const PartitionState& state = image->partitions[static_cast<std::size_t>(p)];
    std::vector<std::string> isr, ends;
    for (int b : state.isr) isr.push_back(options_.broker_name(b));
    for (int b : state.replicas)
      ends.push_back(fmt::format("{} {}", options_.broker_name(b),
                                 context_->disks[static_cast<std::size_t>(b)].logs[static_cast<std::size_t>(p)].end()));
    const std::vector<Batch>& final_log = o.final_logs[static_cast<std::size_t>(p)];
    table.rows.push_back({fmt::format("p{}", p),
                          state.leader == no_leader ? "none" : options_.broker_name(state.leader),
                          std::to_string(state.leader_epoch), fmt::format("{}", fmt::join(isr, " ")),
                          o.final_log_source[static_cast<std::size_t>(p)],
                          std::to_string(final_log.empty() ? 0 : final_log.back().end()),
                          fmt::format("{}", fmt::join(ends, ", "))});
  }
  return table;
}

sim::Findings QueueModel::finish(sim::World& world, const sim::FaultActivity&) {
  read_final_logs();
  const Observations& o = observations();
  sim::Findings findings;
  sim::CheckResult unseen;
  findings.checks.push_back(check_lost_and_unseen(o, unseen));
  findings.checks.push_back(std::move(unseen));
  findings.checks.push_back(check_retention_skipped(o));
  findings.checks.push_back(check_duplicates(o));
  findings.checks.push_back(check_inconsistent_offsets(o));
  findings.checks.push_back(check_order(o));
  findings.checks.push_back(check_key_order(o));
  double unavailable_s = 0;
  findings.checks.push_back(check_availability(o, options_.availability_bound, unavailable_s));
  findings.checks.push_back(check_duplicate_processing(o));
  findings.checks.push_back(check_lost_consumption(o));
  findings.checks.push_back(check_zombie_processing(o));
  findings.checks.push_back(check_committed_offset_regression(o));
  findings.checks.push_back(check_consumer_lag(o, options_.lag_bound));
  findings.checks.push_back(check_consumer_stopped(o));
  findings.checks.push_back(check_aborted_read(o));
  findings.checks.push_back(check_torn_txn(o));
  std::int64_t acked = 0;
  for (const Ack& a : o.acks) acked += a.count;
  findings.measures["acknowledged_messages"] = static_cast<double>(acked);
  findings.measures["sent_messages"] = static_cast<double>(o.sent_messages);
  findings.measures["sent_batches"] = static_cast<double>(o.sent_batches);
  findings.measures["failed_messages"] = static_cast<double>(o.failed_messages);
  if (!o.txns.empty()) {
    std::map<TxnOutcome, std::int64_t> outcomes;
    for (const TxnRecord& t : o.txns) ++outcomes[t.outcome];
    for (TxnOutcome outcome : {TxnOutcome::committed, TxnOutcome::aborted, TxnOutcome::unknown, TxnOutcome::open})
      findings.measures[fmt::format("transactions_{}", to_string(outcome))] = static_cast<double>(outcomes[outcome]);
  }
  if (options_.seek) findings.measures["replayed_messages"] = static_cast<double>(replayed_messages(o));
  findings.measures["unavailable_s"] = unavailable_s;
  std::int64_t page_cache_lost = world.metrics().counter("page_cache_lost");
  findings.measures["page_cache_lost"] = static_cast<double>(page_cache_lost);
  findings.tables.push_back(partition_table());
  findings.prevention = prevention(options_, findings, page_cache_lost);
  if (partitions_sampled_) findings.plots = partitions_sampled_->plots(o);
  if (o.group) add_group_findings(o, findings);
  if (controller_leadership_ && !context_->controllers.empty())
    findings.lane_charts.push_back(
        controller_leadership_->chart("The KRaft controllers: who led which term", o.run_end));
  return findings;
}

void QueueModel::sample_for_pictures(sim::World& world) {
  if (!context_) return;
  if (!partitions_sampled_) {
    partitions_sampled_ = std::make_shared<PartitionSampler>(*context_);
    std::vector<std::string> names;
    for (sim::NodeId node : context_->controllers) names.push_back(world.node(node).name());
    controller_leadership_ = std::make_shared<raft::LeadershipSampler>(std::move(names));
  }
  partitions_sampled_->sample(world.now());
  std::vector<const raft::RaftNode*> nodes;
  for (sim::NodeId node : context_->controllers) {
    const raft::Server* server = raft::server_of(world, node);
    nodes.push_back(server ? &server->raft() : nullptr);
  }
  controller_leadership_->sample(world.now(), nodes);
}

std::string prevention(const QueueOptions& o, const sim::Findings& findings, std::int64_t page_cache_lost) {
  auto violated = [&](std::string_view name) {
    for (const sim::CheckResult& check : findings.checks)
      if (check.name == name && !check.held) return true;
    return false;
  };
  if (o.transactions.enabled() && (violated("aborted_read") || violated("torn_txn")))
    return o.transactions.protocol != TxnProtocol::kip890
               ? "A late EndTxn of one transaction reached the coordinator during the next, which had the same "
                 "producer id and epoch, and ended it: KIP-890 (Kafka 4.0) bumps the epoch on every EndTxn so a "
                 "late one is fenced, and the producer re-initialises after a timed-out EndTxn."
               : "A transaction was partly committed or an aborted one read although KIP-890 was on.";
  if (violated("lost_acked_write") || violated("unseen")) {
    if (o.acks != Acks::all)
      return "The leader acknowledged writes no follower had copied (acks=" + std::string(to_string(o.acks)) +
             "), and a new leader without them took over: acks=all waits for the in-sync replicas.";
    if (page_cache_lost > 0)
      return "Every replica acknowledged from its page cache and a correlated machine crash lost the unflushed "
             "tail on all of them: fsync (flush.messages) or replicas in separate failure domains.";
    if (o.truncation == Truncation::high_watermark)
      return "A restarted follower cut its log back to its high watermark and then became leader without a write "
             "it had held (KIP-101): truncate by leader epoch (Kafka 0.11 and later).";
    if (o.unclean_leader_election)
      return "An out-of-sync replica was elected (unclean.leader.election.enable=true) and the writes only the "
             "old leader had were dropped: keep unclean election off.";
    if (o.min_insync_replicas < 2)
      return "The ISR shrank to the leader alone, which kept acknowledging with acks=all: min.insync.replicas=2 "
             "refuses writes (NotEnoughReplicas) when fewer than two replicas have them.";
    return "Acknowledged writes were lost though acks=all and min.insync.replicas held.";
  }
  if (violated("consumer_stopped"))
    return "A consumer's offset could not be used (below the log start after retention, or nothing committed) "
           "and auto.offset.reset none stopped it: keep more than the worst lag (log.retention.bytes, "
           "log.retention.ms), and choose where a consumer resumes.";
  if (violated("retention_skipped"))
    return "Retention deleted records the consumer had not read: it fell further behind than the log keeps. "
           "auto.offset.reset only picks where it resumes (earliest: the oldest record left; latest: the newest); "
           "keep more than the worst lag (log.retention.bytes, log.retention.ms) or consume faster.";
  if (violated("duplicate") || violated("per_partition_order"))
    return "A retried batch was appended a second time, or behind later ones: the idempotent producer (producer id "
           "and sequence numbers) makes the leader drop the copy and keep the order.";
  if (violated("lost_consumption"))
    return "Offsets were committed before the records were processed, and the member died in between: commit after "
           "processing (at-least-once), and make the sink idempotent.";
  if (violated("duplicate_processing"))
    return "A member lost its partitions (a pause past session.timeout.ms, or processing past max.poll.interval.ms) "
           "and another processed its uncommitted records again: a sink keyed by (partition, offset), or a "
           "transactional read-process-write, gives one effect per record.";
  if (violated("consumer_lag"))
    return "Each poll took longer to process than max.poll.interval.ms, so the member was removed, its commit "
           "failed and it started over: fewer records per poll (max.poll.records) or a longer interval.";
  if (violated("availability"))
    return "A partition had no reachable leader for longer than the bound: a leader's loss costs the broker "
           "session timeout before the controller elects another.";
  return "";
}

}  // namespace queue
