// The queue's requests and replies, as Kafka's protocol names them: Produce, Fetch (from
// followers and consumers alike), Metadata, BrokerHeartbeat and AlterPartition to the
// controller, and the controller's push of a new metadata image.
#pragma once

#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "models/queue/cluster.hpp"
#include "sim/kernel/network.hpp"

namespace queue {

enum class Error : std::uint8_t {
  none,
  not_leader_or_follower,
  fenced_leader_epoch,
  not_enough_replicas,
  not_enough_replicas_after_append,
  request_timed_out,
  offset_out_of_range,
  out_of_order_sequence_number,
  unknown_member_id,
  illegal_generation,
  rebalance_in_progress,
  invalid_producer_epoch,
  producer_fenced,
  invalid_txn_state,
  concurrent_transactions,
  invalid_producer_id_mapping,
  not_coordinator,
};
const char* to_string(Error error);

struct ProduceRequest final : sim::MessageBody {
  int partition = 0;
  std::string transactional_id;  ///< a transactional producer's, for KIP-890's verification
  Batch batch;  ///< base and epoch are the leader's to set
  bool wants_reply = true;  ///< false for acks=0
  std::string describe() const override;
};

struct ProduceReply final : sim::MessageBody {
  Error error = Error::none;
  Offset base = -1;
  std::string describe() const override;
};

/// One partition in a fetch: from where, and (from a follower) the epoch of its last batch, for
/// KIP-101's divergence check, and the leader epoch it believes current.
struct FetchPartition {
  int partition = 0;
  Offset offset = 0;
  Epoch last_fetched_epoch = -1;
  Epoch leader_epoch = 0;
};

struct FetchRequest final : sim::MessageBody {
  int replica = no_leader;  ///< the fetching broker, or no_leader for a consumer
  bool read_committed = false;  ///< a consumer's isolation.level: read below the last stable offset
  std::vector<FetchPartition> partitions;
  std::string describe() const override;
};

struct FetchedPartition {
  int partition = 0;
  Error error = Error::none;
  Offset high_watermark = 0;
  Offset last_fetchable = 0;  ///< the high watermark, or with read_committed the last stable offset
  Offset log_start = 0;
  /// Set when the follower's log diverged: truncate to this epoch's end offset.
  Epoch diverging_epoch = -1;
  Offset diverging_end = -1;
  std::vector<Batch> batches;
  /// read_committed: the aborted transactions among the batches (the consumer drops their records).
  std::vector<AbortedTxn> aborted;
};

struct FetchReply final : sim::MessageBody {
  std::vector<FetchedPartition> partitions;
  std::string describe() const override;
};

/// ListOffsets for one partition, to its leader: the first offset whose timestamp is at or after
/// `timestamp` (offsetsForTimes), below the high watermark, or with read_committed below the last
/// stable offset (Partition.fetchOffsetForTimestamp's lastFetchableOffset).
struct ListOffsetsRequest final : sim::MessageBody {
  int partition = 0;
  sim::Instant timestamp;
  bool read_committed = false;
  std::string describe() const override;
};

struct ListOffsetsReply final : sim::MessageBody {
  Error error = Error::none;
  Offset offset = -1;  ///< -1: no record that late (the consumer gets null)
  Offset high_watermark = 0;  ///< the last fetchable offset: with read_committed, the last stable offset
  std::string describe() const override;
};

struct MetadataRequest final : sim::MessageBody {
  std::string describe() const override { return "Metadata"; }
};

/// A broker's or the controller's image; null when the answerer has none yet.
struct MetadataReply final : sim::MessageBody {
  ImagePtr image;
  std::string describe() const override;
};

struct BrokerHeartbeat final : sim::MessageBody {
  int broker = 0;
  std::uint64_t known_version = 0;
  bool has_image = false;         ///< false: a broker that (re)started and has no image yet
  std::uint32_t incarnation = 0;  ///< the broker's process since its last restart (its incarnation id)
  std::string describe() const override;
};

struct ControllerReply final : sim::MessageBody {
  bool leader = false;           ///< false: ask another controller
  std::optional<sim::NodeId> hint;
  bool accepted = false;         ///< AlterPartition: committed and applied
  /// A heartbeat of a new incarnation while the old one's session is valid, refused as
  /// DuplicateBrokerRegistration: the broker takes no image and waits.
  bool refused = false;
  ImagePtr image;                ///< newer than the asker's, or null
  std::string describe() const override;
};

struct AlterPartition final : sim::MessageBody {
  int broker = 0;
  int partition = 0;
  Epoch leader_epoch = 0;
  std::int32_t partition_epoch = 0;
  std::vector<int> isr;
  std::string describe() const override;
};

/// The idempotent producer's first request: a producer id and epoch from any broker. With a
/// transactional id it goes to the transaction coordinator, which bumps the id's epoch (fencing
/// an older instance) after aborting or completing the id's open transaction.
struct InitProducerIdRequest final : sim::MessageBody {
  std::string transactional_id;  ///< empty: an idempotent producer without transactions
  std::string describe() const override;
};

struct InitProducerIdReply final : sim::MessageBody {
  Error error = Error::none;
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = 0;
  std::string describe() const override;
};

/// AddPartitionsToTxn: before its first write to a partition in a transaction, the producer
/// has the coordinator add the partition to it.
struct AddPartitionsToTxnRequest final : sim::MessageBody {
  std::string transactional_id;
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = 0;
  std::vector<int> partitions;
  bool verify_only = false;  ///< KIP-890 part 1: a leader asks whether they are in the ongoing transaction
  std::string describe() const override;
};

/// EndTxn: commit or abort the producer's ongoing transaction.
struct EndTxnRequest final : sim::MessageBody {
  std::string transactional_id;
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = 0;
  bool commit = true;
  std::int64_t txn = -1;  ///< the client's own number of the transaction, for the trace only
  std::string describe() const override;
};

/// The answer to AddPartitionsToTxn and EndTxn; with KIP-890 EndTxn returns the bumped epoch.
struct TxnReply final : sim::MessageBody {
  Error error = Error::none;
  std::int16_t producer_epoch = 0;
  std::string describe() const override;
};

/// WriteTxnMarkers, from the transaction coordinator to a partition's leader: append a commit or
/// abort marker for the producer. Answered with a ProduceReply once the marker is replicated.
struct WriteTxnMarkersRequest final : sim::MessageBody {
  int partition = 0;
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = 0;
  bool commit = true;
  std::string describe() const override;
};

/// The consumer group protocol (classic, eager), to the group coordinator. A member is known by
/// its index; JoinGroup is answered when the rebalance completes, with the generation and the
/// member's partitions (the coordinator runs the range assignor the group leader would run, so
/// JoinGroup and SyncGroup are one round here).
struct JoinGroupRequest final : sim::MessageBody {
  int member = 0;
  /// Cooperative: the partitions it owns and keeps consuming, and the generation they are of
  /// (-1: none); eager members own nothing when they rejoin.
  std::vector<int> owned;
  int generation = -1;
  std::string describe() const override;
};

struct JoinGroupReply final : sim::MessageBody {
  Error error = Error::none;
  int generation = 0;
  std::vector<int> assigned;
  std::string describe() const override;
};

struct GroupHeartbeat final : sim::MessageBody {
  int member = 0;
  int generation = 0;
  std::string describe() const override;
};

struct LeaveGroupRequest final : sim::MessageBody {
  int member = 0;
  std::string describe() const override;
};

/// OffsetCommit: the offsets are the next records to consume, by partition (-1: none).
struct OffsetCommitRequest final : sim::MessageBody {
  int member = 0;
  int generation = 0;
  std::vector<std::pair<int, Offset>> offsets;
  std::string describe() const override;
};

/// A transactional read-process-write's commit (sendOffsetsToTransaction and EndTxn as one
/// round here): the member's output, the records [base, base + count) of each partition it
/// processed, and its consumed offsets, committed together or not at all.
struct TxnOffsetCommitRequest final : sim::MessageBody {
  int member = 0;
  int generation = 0;
  std::vector<std::pair<int, Offset>> offsets;
  std::vector<std::tuple<int, Offset, std::int64_t>> writes;  ///< (partition, base, count)
  std::string describe() const override;
};

/// OffsetFetch asks for the committed offsets of `partitions`.
struct OffsetFetchRequest final : sim::MessageBody {
  std::vector<int> partitions;
  std::string describe() const override { return "OffsetFetch"; }
};

/// The answer to Heartbeat, LeaveGroup, OffsetCommit and OffsetFetch.
struct GroupReply final : sim::MessageBody {
  Error error = Error::none;
  std::vector<std::pair<int, Offset>> offsets;  ///< OffsetFetch: -1 when none was committed
  std::string describe() const override;
};

/// One-way, from the controller that leads to every broker after a change.
struct MetadataPush final : sim::MessageBody {
  ImagePtr image;
  std::string describe() const override;
};

}  // namespace queue
