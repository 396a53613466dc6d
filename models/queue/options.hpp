// The queue model's options: one field per key of a scenario's `params:`, named as Kafka names
// the setting it stands for (`acks`, `min_insync_replicas`, `replica_lag_time_max`, ...).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/queue/log.hpp"
#include "sim/kernel/random.hpp"
#include "sim/kernel/time.hpp"

namespace sim {
class ParamReader;
}

namespace queue {

enum class Acks { none, leader, all };  ///< acks=0, acks=1, acks=all
const char* to_string(Acks acks);

/// How a replica that follows a new leader finds where its log diverged: by the leader epoch
/// (KIP-101, Kafka 0.11 and later) or by truncating to its high watermark (before).
enum class Truncation { leader_epoch, high_watermark };
const char* to_string(Truncation truncation);

/// Where the producer sends records without a key: to partition k mod n for the k-th
/// (RoundRobinPartitioner), or to one partition until batch.size bytes have gone to it and then
/// to another drawn at random (the uniform sticky partitioner of KIP-794, Kafka 3.3's default).
enum class NullKeyPartitioner { round_robin, sticky };
const char* to_string(NullKeyPartitioner partitioner);

/// When a group member commits its offsets: `auto` (enable.auto.commit: every
/// auto.commit.interval.ms, inside poll, what earlier polls returned), `after_processing` (a
/// synchronous commit once the polled records are processed) or `before_processing` (right
/// after the poll, as a consumer does that hands records to a pool).
enum class CommitMode { automatic, after_processing, before_processing };
const char* to_string(CommitMode mode);

/// `rebalance_protocol`: how a group moves partitions between members. `eager` (the range
/// assignor, Kafka's classic protocol): every member gives up all its partitions when it rejoins,
/// so the whole group stops consuming until the new generation. `cooperative` (the
/// cooperative-sticky assignor, KIP-429): members keep consuming the partitions they own while
/// the group rebalances, keep those the sticky assignment leaves them, and give up only those that
/// move, which the next rebalance (the second round) hands to their new owner.
enum class RebalanceProtocol { eager, cooperative };
const char* to_string(RebalanceProtocol protocol);

/// Where processed records take effect: `plain` (every processing has an effect), `keyed` (an
/// upsert keyed by (partition, offset), so a record processed twice has one effect), or
/// `transactional` (a transactional read-process-write: the member's output and its consumed
/// offsets are committed together, as sendOffsetsToTransaction does, after each poll's processing;
/// a member the group has moved on from is refused, and its output never takes effect).
enum class SinkKind { plain, keyed, transactional };
const char* to_string(SinkKind sink);

/// auto.offset.reset: where a consumer starts when it has no committed offset, or when its
/// offset fell below the log start: the log start (`earliest`), the high watermark (`latest`),
/// or nowhere (`none`: the consumer gets an error and stops).
enum class OffsetReset { earliest, latest, none };
const char* to_string(OffsetReset reset);

/// `txn_protocol`: how the transaction coordinator tells transactions apart. `classic` (KIP-98,
/// before Kafka 4.0): by producer id and epoch only, the epoch unchanged from one transaction to
/// the next, so a late EndTxn of one transaction ends the next; the client carries on after a
/// timed-out EndTxn by sending it again. `kip890` (KIP-890, Kafka 4.0): every EndTxn bumps the
/// epoch, so a late one carries a stale epoch and is fenced, and a client whose EndTxn timed out
/// re-initialises (InitProducerId) instead of carrying on. `kip890_part1` (Kafka 3.6 to 3.9) is
/// classic with KIP-890's first part: a partition leader asks the coordinator whether the
/// partition is in the producer's ongoing transaction before it takes the transaction's first
/// write there (`kip890` does too).
enum class TxnProtocol { classic, kip890_part1, kip890 };
const char* to_string(TxnProtocol protocol);

/// `isolation_level`: read_uncommitted reads to the high watermark; read_committed reads below
/// the last stable offset and drops the records of aborted transactions.
enum class Isolation { read_uncommitted, read_committed };
const char* to_string(Isolation isolation);

/// The transactional producer's settings; `id` empty: no transactions.
struct Transactions {
  std::string id;                  ///< `transactional_id`; needs enable_idempotence
  std::int64_t messages = 1'000;   ///< `transaction_messages`: messages per transaction, 1..10^9
  sim::Ratio abort_share{0, 1};    ///< `transaction_abort_share`: the share the producer aborts
  sim::Duration timeout = sim::Duration::seconds(60);  ///< `transaction_timeout`: transaction.timeout.ms
  TxnProtocol protocol = TxnProtocol::classic;         ///< `txn_protocol`
  bool enabled() const { return !id.empty(); }
};

/// `seek`: at `at` every group member seeks each partition it holds, to the first offset whose
/// timestamp is at or after `to_time` (offsetsForTimes; the high watermark when there is none)
/// or to `to_offset`, and replays from there.
struct Seek {
  sim::Duration at;
  std::optional<sim::Duration> to_time;  ///< since the run's start
  std::optional<std::int64_t> to_offset;
};

struct QueueOptions {
  int brokers = 3;             ///< `brokers`: broker-1 .. broker-N; 1..9
  int controllers = 3;         ///< `controllers`: the KRaft quorum, controller-1 .. controller-N; 1..7
  int partitions = 3;          ///< `partitions`: of the one topic; 1..64
  int replication_factor = 3;  ///< `replication_factor`: 1..brokers
  Acks acks = Acks::all;       ///< `acks`: 0, 1 or all
  int min_insync_replicas = 1;  ///< `min_insync_replicas`: 1..replication_factor
  bool unclean_leader_election = false;  ///< `unclean_leader_election`: false since 0.11 (KIP-106)
  Truncation truncation = Truncation::leader_epoch;  ///< `truncation`
  sim::Duration replica_lag_time_max = sim::Duration::seconds(30);  ///< 30 s since 2.5 (KIP-537)
  sim::Duration replica_fetch_wait_max = sim::Duration::milliseconds(500);
  sim::Duration replica_fetch_backoff = sim::Duration::seconds(1);
  sim::Duration broker_heartbeat_interval = sim::Duration::seconds(2);
  sim::Duration broker_session_timeout = sim::Duration::seconds(9);
  /// `flush_messages`: fsync a replica's log once this many messages are unflushed (absent:
  /// never; Kafka's default leaves flushing to the kernel).
  std::optional<std::int64_t> flush_messages;
  Writeback writeback;  ///< `dirty_expire`, `dirty_writeback`
  /// `log_segment_bytes` (message_bytes..2147483647), `log_retention` (1 ms..365 days, Kafka's
  /// 7 days by default), `log_retention_bytes` (absent: no limit); message_bytes a message.
  Retention retention;
  /// `log_retention_check_interval`: how often each broker applies retention (5 min, Kafka's).
  sim::Duration retention_check_interval = sim::Duration::minutes(5);

  sim::Rate rate{10'000, sim::Duration::seconds(1)};  ///< `rate`: messages per second, over all partitions
  std::int64_t message_bytes = 100;                   ///< `message_bytes`: per message
  std::int64_t batch_bytes = 16'384;                  ///< `batch_size`
  sim::Duration linger = sim::Duration::milliseconds(5);  ///< `linger`: 5 ms since Kafka 4.0
  /// `keys`: message g carries key "key-<g mod keys>" and goes where murmur2 puts it; 0: no keys.
  int keys = 0;
  NullKeyPartitioner null_key_partitioner = NullKeyPartitioner::round_robin;  ///< `null_key_partitioner`
  /// `enable_idempotence`: producer id and sequence numbers, so the leader drops a retried copy and
  /// refuses a batch out of sequence. Kafka's default since 3.0; off unless a scenario sets it,
  /// so that every scenario says which producer it runs.
  bool enable_idempotence = false;
  int max_in_flight = 5;  ///< `max_in_flight`: requests per connection
  sim::Duration request_timeout = sim::Duration::seconds(30);
  sim::Duration delivery_timeout = sim::Duration::seconds(120);
  sim::Duration retry_backoff = sim::Duration::milliseconds(100);
  sim::Duration metadata_max_age = sim::Duration::minutes(5);
  /// `drain`: the producer stops this long before the run ends, so consumers can catch up
  /// before the checks read what they polled.
  sim::Duration drain = sim::Duration::seconds(5);
  sim::Duration fetch_max_wait = sim::Duration::milliseconds(500);  ///< consumers' fetch.max.wait.ms
  std::int64_t fetch_max_messages = 100'000;  ///< messages per partition in one fetch response
  sim::Duration availability_bound = sim::Duration::seconds(15);
  Transactions transactions;  ///< `transactional_id`, `transaction_*`, `txn_protocol`
  Isolation isolation = Isolation::read_uncommitted;  ///< `isolation_level`, consumers' isolation.level

  /// `group_members`: consumer-1 .. consumer-N in one consumer group (0: one consumer outside
  /// any group that reads every partition and commits nothing).
  int group_members = 0;
  sim::Duration session_timeout = sim::Duration::seconds(45);  ///< 45 s since 3.0 (KIP-735), 10 s before
  sim::Duration heartbeat_interval = sim::Duration::seconds(3);
  sim::Duration max_poll_interval = sim::Duration::minutes(5);  ///< also the rebalance timeout
  int max_poll_records = 500;
  sim::Duration processing_time = sim::Duration::zero();  ///< `processing_time`: per record
  CommitMode commit = CommitMode::automatic;             ///< `commit`
  RebalanceProtocol rebalance_protocol = RebalanceProtocol::eager;  ///< `rebalance_protocol`
  sim::Duration auto_commit_interval = sim::Duration::seconds(5);
  SinkKind sink = SinkKind::plain;  ///< `sink`
  /// `auto_offset_reset`: Kafka's default is latest; earliest here, so that a consumer that
  /// starts after the producer reads everything, and every scenario that resets says how.
  OffsetReset auto_offset_reset = OffsetReset::earliest;
  std::optional<Seek> seek;  ///< `seek: {at, to_time | to_offset}`; needs a group
  /// `lag_bound`: consumer_lag fails when a partition's committed offset ends the run further
  /// than this many messages behind its log.
  std::int64_t lag_bound = 10'000;

  std::string broker_name(int index) const { return "broker-" + std::to_string(index + 1); }
  std::string controller_name(int index) const { return "controller-" + std::to_string(index + 1); }
  std::int64_t batch_messages() const { return std::max<std::int64_t>(1, batch_bytes / message_bytes); }
};

/// Reads and validates `params:`; throws ScenarioError at the offending key.
QueueOptions read_options(sim::ParamReader& params);

/// The resolved options, in a fixed order, for the head of every run and report.
std::vector<std::pair<std::string, std::string>> describe(const QueueOptions& options);

}  // namespace queue
