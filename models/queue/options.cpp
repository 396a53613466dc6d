#include "models/queue/options.hpp"

#include <fmt/format.h>

#include "sim/scenario/error.hpp"
#include "sim/scenario/param_reader.hpp"

namespace queue {
namespace {

using sim::Duration;

const sim::DurationRange positive_minutes{Duration::milliseconds(1), Duration::minutes(60)};

void read_cluster(sim::ParamReader& params, QueueOptions& o) {
  o.brokers = params.integer<int>("brokers", o.brokers, 1, 9);
  o.controllers = params.integer<int>("controllers", o.controllers, 1, 7);
  o.partitions = params.integer<int>("partitions", o.partitions, 1, 64);
  o.replication_factor = params.integer<int>("replication_factor", std::min(3, o.brokers), 1, o.brokers);
  std::string acks = params.choice("acks", {"0", "1", "all"}, "all");
  o.acks = acks == "0" ? Acks::none : acks == "1" ? Acks::leader : Acks::all;
  o.min_insync_replicas = params.integer<int>("min_insync_replicas", 1, 1, o.replication_factor);
  o.unclean_leader_election = params.boolean("unclean_leader_election", false);
  o.truncation = params.choice("truncation", {"leader_epoch", "high_watermark"}, "leader_epoch") == "leader_epoch"
                     ? Truncation::leader_epoch
                     : Truncation::high_watermark;
}

void read_timings(sim::ParamReader& params, QueueOptions& o) {
  o.replica_lag_time_max = params.duration("replica_lag_time_max", o.replica_lag_time_max, positive_minutes);
  o.replica_fetch_wait_max = params.duration("replica_fetch_wait_max", o.replica_fetch_wait_max, positive_minutes);
  o.replica_fetch_backoff = params.duration("replica_fetch_backoff", o.replica_fetch_backoff, positive_minutes);
  o.broker_heartbeat_interval =
      params.duration("broker_heartbeat_interval", o.broker_heartbeat_interval, positive_minutes);
  o.broker_session_timeout = params.duration("broker_session_timeout", o.broker_session_timeout, positive_minutes);
  if (o.broker_session_timeout <= o.broker_heartbeat_interval)
    params.fail("broker_session_timeout", "must be longer than broker_heartbeat_interval");
  o.flush_messages = params.optional_integer<std::int64_t>("flush_messages", 1, 1'000'000'000);
  o.writeback.expire = params.duration("dirty_expire", o.writeback.expire, positive_minutes);
  o.writeback.interval = params.duration("dirty_writeback", o.writeback.interval, positive_minutes);
}

// Kafka's log.segment.bytes is an int (at most 2147483647); log.retention.ms and
// log.retention.bytes of -1 mean no limit, written here by leaving the key out.
void read_retention(sim::ParamReader& params, QueueOptions& o) {
  Retention& r = o.retention;
  r.message_bytes = o.message_bytes;
  r.segment_bytes = params.integer<std::int64_t>("log_segment_bytes", r.segment_bytes, o.message_bytes, 2'147'483'647);
  r.time = params.duration("log_retention", r.time, {Duration::milliseconds(1), Duration::minutes(365 * 24 * 60)});
  r.bytes = params.optional_integer<std::int64_t>("log_retention_bytes", 1, 1'000'000'000'000'000);
  o.retention_check_interval =
      params.duration("log_retention_check_interval", o.retention_check_interval, positive_minutes);
}

void read_producer(sim::ParamReader& params, QueueOptions& o) {
  o.rate = params.rate("rate", o.rate);
  if (o.rate.count <= 0) params.fail("rate", "must be more than zero messages");
  if (o.rate.per_second() > 5e7) params.fail("rate", "must be at most 50000000/s");
  o.message_bytes = params.integer<std::int64_t>("message_bytes", o.message_bytes, 1, 1'000'000);
  o.batch_bytes = params.integer<std::int64_t>("batch_size", o.batch_bytes, 1, 16'777'216);
  o.linger = params.duration("linger", o.linger, {Duration::microseconds(100), Duration::seconds(10)});
  o.keys = params.integer<int>("keys", o.keys, 0, 100'000);
  o.null_key_partitioner = params.choice("null_key_partitioner", {"round_robin", "sticky"}, "round_robin") == "sticky"
                               ? NullKeyPartitioner::sticky
                               : NullKeyPartitioner::round_robin;
  o.max_in_flight = params.integer<int>("max_in_flight", o.max_in_flight, 1, 100);
  o.enable_idempotence = params.boolean("enable_idempotence", false);
  if (o.enable_idempotence && o.max_in_flight > 5)
    params.fail("enable_idempotence", "needs max_in_flight of at most 5 (the broker retains 5 batches a producer)");
  if (o.enable_idempotence && o.acks != Acks::all) params.fail("enable_idempotence", "needs acks: all");
  o.request_timeout = params.duration("request_timeout", o.request_timeout, positive_minutes);
  o.delivery_timeout = params.duration("delivery_timeout", o.delivery_timeout, positive_minutes);
  o.retry_backoff = params.duration("retry_backoff", o.retry_backoff, positive_minutes);
  o.metadata_max_age = params.duration("metadata_max_age", o.metadata_max_age, positive_minutes);
  o.drain = params.duration("drain", o.drain, {Duration::zero(), Duration::minutes(60)});
}

void read_consumer_and_checks(sim::ParamReader& params, QueueOptions& o) {
  o.fetch_max_wait = params.duration("fetch_max_wait", o.fetch_max_wait, positive_minutes);
  o.availability_bound = params.duration("availability_bound", o.availability_bound, positive_minutes);
  o.isolation = params.choice("isolation_level", {"read_uncommitted", "read_committed"}, "read_uncommitted") ==
                        "read_committed"
                    ? Isolation::read_committed
                    : Isolation::read_uncommitted;
}

// Kafka refuses a transactional.id without idempotence; the other keys mean nothing without one.
void read_transactions(sim::ParamReader& params, QueueOptions& o) {
  Transactions& t = o.transactions;
  t.id = params.string("transactional_id", "");
  if (params.has("transactional_id") && t.id.empty()) params.fail("transactional_id", "must not be empty");
  if (t.enabled() && !o.enable_idempotence)
    params.fail("transactional_id", "needs enable_idempotence: true (a transactional producer is idempotent)");
  for (std::string_view key : {"transaction_messages", "transaction_abort_share", "transaction_timeout",
                               "txn_protocol"})
    if (!t.enabled() && params.has(key)) params.fail(key, "needs transactional_id (a transactional producer)");
  t.messages = params.integer<std::int64_t>("transaction_messages", t.messages, 1, 1'000'000'000);
  t.abort_share = params.ratio("transaction_abort_share", t.abort_share);
  t.timeout = params.duration("transaction_timeout", t.timeout, {Duration::milliseconds(1), Duration::minutes(15)});
  std::string protocol = params.choice("txn_protocol", {"classic", "kip890_part1", "kip890"}, "classic");
  t.protocol = protocol == "kip890"         ? TxnProtocol::kip890
               : protocol == "kip890_part1" ? TxnProtocol::kip890_part1
                                            : TxnProtocol::classic;
}

void read_seek(sim::ParamReader& params, QueueOptions& o) {
  if (!params.has("seek")) return;
  if (o.group_members == 0) params.fail("seek", "needs group_members of at least 1 (group members seek)");
  sim::ParamReader section = params.section("seek");
  Seek seek;
  seek.at = section.duration("at", {Duration::milliseconds(1), Duration::minutes(60)});
  seek.to_time = section.optional_duration("to_time", {Duration::zero(), Duration::minutes(60)});
  seek.to_offset = section.optional_integer<std::int64_t>("to_offset", 0, 1'000'000'000'000'000);
  if (seek.to_time.has_value() == seek.to_offset.has_value())
    section.fail("needs exactly one of to_time and to_offset");
  section.finish();
  o.seek = seek;
}

void read_group(sim::ParamReader& params, QueueOptions& o) {
  o.group_members = params.integer<int>("group_members", o.group_members, 0, 16);
  o.session_timeout = params.duration("session_timeout", o.session_timeout, positive_minutes);
  o.heartbeat_interval = params.duration("heartbeat_interval", o.heartbeat_interval, positive_minutes);
  if (o.heartbeat_interval >= o.session_timeout)
    params.fail("heartbeat_interval", "must be shorter than session_timeout");
  o.max_poll_interval = params.duration("max_poll_interval", o.max_poll_interval, positive_minutes);
  o.max_poll_records = params.integer<int>("max_poll_records", o.max_poll_records, 1, 1'000'000);
  o.processing_time =
      params.duration("processing_time", o.processing_time, {Duration::zero(), Duration::minutes(10)});
  std::string commit = params.choice("commit", {"auto", "after_processing", "before_processing"}, "auto");
  o.commit = commit == "auto"               ? CommitMode::automatic
             : commit == "after_processing" ? CommitMode::after_processing
                                            : CommitMode::before_processing;
  o.auto_commit_interval = params.duration("auto_commit_interval", o.auto_commit_interval, positive_minutes);
  o.rebalance_protocol = params.choice("rebalance_protocol", {"eager", "cooperative"}, "eager") == "cooperative"
                             ? RebalanceProtocol::cooperative
                             : RebalanceProtocol::eager;
  std::string sink = params.choice("sink", {"plain", "keyed", "transactional"}, "plain");
  o.sink = sink == "keyed" ? SinkKind::keyed : sink == "transactional" ? SinkKind::transactional : SinkKind::plain;
  if (o.sink == SinkKind::transactional && o.commit != CommitMode::after_processing)
    params.fail("sink", "transactional commits the offsets in each poll's transaction: it needs commit: "
                        "after_processing");
  o.lag_bound = params.integer<std::int64_t>("lag_bound", o.lag_bound, 0, 1'000'000'000'000);
  std::string reset = params.choice("auto_offset_reset", {"earliest", "latest", "none"}, "earliest");
  o.auto_offset_reset = reset == "earliest" ? OffsetReset::earliest
                        : reset == "latest" ? OffsetReset::latest
                                            : OffsetReset::none;
  read_seek(params, o);
}

// Only for runs that use them, so that the other runs' reports stay as they were.
void describe_transactions(const QueueOptions& o, std::vector<std::pair<std::string, std::string>>& rows) {
  if (o.isolation != Isolation::read_uncommitted || o.transactions.enabled())
    rows.emplace_back("isolation_level", to_string(o.isolation));
  if (!o.transactions.enabled()) return;
  const Transactions& t = o.transactions;
  rows.insert(rows.end(), {{"transactional_id", t.id},
                           {"transaction_messages", std::to_string(t.messages)},
                           {"transaction_abort_share", fmt::format("{}/{}", t.abort_share.num, t.abort_share.den)},
                           {"transaction_timeout", sim::to_string(t.timeout)},
                           {"txn_protocol", to_string(t.protocol)}});
}

}  // namespace

const char* to_string(OffsetReset reset) {
  switch (reset) {
    case OffsetReset::earliest: return "earliest";
    case OffsetReset::latest: return "latest";
    case OffsetReset::none: return "none";
  }
  return "?";
}

const char* to_string(Acks acks) {
  switch (acks) {
    case Acks::none: return "0";
    case Acks::leader: return "1";
    case Acks::all: return "all";
  }
  return "?";
}

const char* to_string(RebalanceProtocol protocol) {
  switch (protocol) {
    case RebalanceProtocol::eager: return "eager";
    case RebalanceProtocol::cooperative: return "cooperative";
  }
  return "?";
}

const char* to_string(CommitMode mode) {
  switch (mode) {
    case CommitMode::automatic: return "auto";
    case CommitMode::after_processing: return "after_processing";
    case CommitMode::before_processing: return "before_processing";
  }
  return "?";
}

const char* to_string(TxnProtocol protocol) {
  switch (protocol) {
    case TxnProtocol::classic: return "classic";
    case TxnProtocol::kip890_part1: return "kip890_part1";
    case TxnProtocol::kip890: return "kip890";
  }
  return "?";
}

const char* to_string(Isolation isolation) {
  return isolation == Isolation::read_committed ? "read_committed" : "read_uncommitted";
}

const char* to_string(SinkKind sink) {
  switch (sink) {
    case SinkKind::plain: return "plain";
    case SinkKind::keyed: return "keyed";
    case SinkKind::transactional: return "transactional";
  }
  return "?";
}

const char* to_string(NullKeyPartitioner partitioner) {
  return partitioner == NullKeyPartitioner::sticky ? "sticky" : "round_robin";
}

const char* to_string(Truncation truncation) {
  return truncation == Truncation::leader_epoch ? "leader_epoch" : "high_watermark";
}

QueueOptions read_options(sim::ParamReader& params) {
  QueueOptions o;
  read_cluster(params, o);
  read_timings(params, o);
  read_producer(params, o);
  read_retention(params, o);
  read_consumer_and_checks(params, o);
  read_transactions(params, o);
  read_group(params, o);
  params.finish();
  return o;
}

std::vector<std::pair<std::string, std::string>> describe(const QueueOptions& o) {
  std::vector<std::pair<std::string, std::string>> rows{
      {"brokers", std::to_string(o.brokers)},
      {"controllers", std::to_string(o.controllers)},
      {"partitions", std::to_string(o.partitions)},
      {"replication_factor", std::to_string(o.replication_factor)},
      {"acks", to_string(o.acks)},
      {"min_insync_replicas", std::to_string(o.min_insync_replicas)},
      {"unclean_leader_election", o.unclean_leader_election ? "true" : "false"},
      {"truncation", to_string(o.truncation)},
      {"replica_lag_time_max", sim::to_string(o.replica_lag_time_max)},
      {"broker_session_timeout", sim::to_string(o.broker_session_timeout)},
      {"flush_messages", o.flush_messages ? std::to_string(*o.flush_messages) : "never"},
      {"dirty_expire", sim::to_string(o.writeback.expire)},
      {"dirty_writeback", sim::to_string(o.writeback.interval)},
      {"log_segment_bytes", std::to_string(o.retention.segment_bytes)},
      {"log_retention", sim::to_string(o.retention.time)},
      {"log_retention_bytes", o.retention.bytes ? std::to_string(*o.retention.bytes) : "no limit"},
      {"log_retention_check_interval", sim::to_string(o.retention_check_interval)},
      {"rate", sim::to_string(o.rate)},
      {"batch_size", std::to_string(o.batch_bytes)},
      {"linger", sim::to_string(o.linger)},
      {"keys", o.keys == 0 ? "none" : std::to_string(o.keys)},
      {"null_key_partitioner", to_string(o.null_key_partitioner)},
      {"enable_idempotence", o.enable_idempotence ? "true" : "false"},
      {"max_in_flight", std::to_string(o.max_in_flight)},
      {"request_timeout", sim::to_string(o.request_timeout)},
      {"drain", sim::to_string(o.drain)},
      {"group_members", std::to_string(o.group_members)},
      {"auto_offset_reset", to_string(o.auto_offset_reset)},
  };
  describe_transactions(o, rows);
  if (o.group_members == 0) return rows;
  std::vector<std::pair<std::string, std::string>> group{
      {"session_timeout", sim::to_string(o.session_timeout)},
      {"heartbeat_interval", sim::to_string(o.heartbeat_interval)},
      {"max_poll_interval", sim::to_string(o.max_poll_interval)},
      {"max_poll_records", std::to_string(o.max_poll_records)},
      {"processing_time", sim::to_string(o.processing_time)},
      {"commit", to_string(o.commit)},
      {"auto_commit_interval", sim::to_string(o.auto_commit_interval)},
      {"rebalance_protocol", to_string(o.rebalance_protocol)},
      {"sink", to_string(o.sink)},
      {"lag_bound", std::to_string(o.lag_bound)},
  };
  if (o.seek)
    group.emplace_back(
        "seek", o.seek->to_time
                    ? fmt::format("at {} to the time {}", sim::to_string(o.seek->at), sim::to_string(*o.seek->to_time))
                    : fmt::format("at {} to offset {}", sim::to_string(o.seek->at), *o.seek->to_offset));
  rows.insert(rows.end(), group.begin(), group.end());
  return rows;
}

}  // namespace queue
