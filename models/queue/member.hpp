// A consumer in the group (consumer-1 .. consumer-N), as Kafka's KafkaConsumer with the classic
// protocol: a heartbeat thread and a poll loop. The heartbeat thread beats every
// heartbeat.interval.ms while the member has a generation; an error (a rebalance, a removal)
// makes the poll loop rejoin, and when the poll loop has not polled for max.poll.interval.ms
// the thread sends LeaveGroup itself. The poll loop joins (committing first under auto-commit,
// as onJoinPrepare does), takes its partitions' committed offsets (when none, by
// auto.offset.reset: offset 0 for earliest, the high watermark from ListOffsets for latest, an
// error for none), polls up to max.poll.records from what per-partition fetchers
// buffered, processes each record for processing_time (its effect lands at the sink when the
// piece is done), and commits by `commit`. A member that was removed while it processed still
// finishes and applies its records (a zombie); only its commit fails. A fetch answered
// OFFSET_OUT_OF_RANGE resets by auto.offset.reset (offset_reset.hpp); with `none` the
// application gets the exception and stops (no more polls or heartbeats; its session runs out).
// With `seek`, at its time the member seeks every partition it holds, by ListOffsets to a
// timestamp (offsetsForTimes) or to an offset, and replays from there; its polls after it are a
// new run for per_partition_order.
//
// With the cooperative protocol (KIP-429; member_cooperative.cpp) the poll loop does not stop
// for a rebalance: it sends JoinGroup with the partitions it owns and keeps polling and
// processing them while the group rebalances. Between two polls it takes the new assignment:
// it commits, then revokes the partitions it lost (their fetchers stop) and rejoins at once
// for the second round; it starts fetchers for the partitions it gained; the rest go on
// untouched. The commit before revoking stands for the commit a rebalance listener's
// onPartitionsRevoked makes (and the new consumer of KIP-848 makes itself under auto-commit).
// When the coordinator no longer knows its generation (UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION)
// its partitions are lost, not revoked: it drops them uncommitted and rejoins owning nothing.
//
// Fault model: a pause freezes both threads (the session expires, the zombie resumes where it
// was); a crash loses everything but what the sink and the coordinator kept.
//
// Determinism: partitions are indexes; fetchers are tagged with the assignment they serve.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "models/queue/context.hpp"
#include "models/queue/metadata_client.hpp"
#include "sim/kernel/timer.hpp"

namespace queue {

class GroupMember {
public:
  GroupMember(std::shared_ptr<Context> context, int index);
  void start();
  static void install(const std::shared_ptr<Context>& context);

private:
  struct Piece {
    int partition = 0;
    Batch batch;
  };
  /// Cooperative: a completed join the poll loop has yet to take.
  struct Joined {
    int generation = 0;
    std::vector<int> assigned;
    std::vector<std::pair<int, Offset>> offsets;  ///< committed offsets of the partitions it gains
  };

  sim::Task<void> run_poll_loop();
  sim::Task<void> run_heartbeats();
  sim::Task<void> run_fetcher(int partition, std::uint64_t assignment);
  sim::Task<bool> join();
  bool start_positions(const std::vector<std::pair<int, Offset>>& offsets);
  void on_group_error(Error error);
  bool cooperative() const { return context_->options.rebalance_protocol == RebalanceProtocol::cooperative; }
  sim::Task<void> join_cooperatively();
  sim::Task<void> take_assignment();
  void lose_partitions();
  sim::Task<bool> commit();
  sim::Task<void> commit_transaction(const std::vector<Piece>& pieces);
  void commit_async();
  std::shared_ptr<OffsetCommitRequest> commit_request() const;
  bool take_commit_reply(sim::error_code ec, const sim::MessagePtr& answer);
  bool take_fetched(int partition, const FetchedPartition& got);
  void stop(int partition, Offset position, Offset log_start);
  sim::Task<bool> list_offset(int partition, sim::Instant at, Offset& found);
  sim::Task<void> seek();
  std::vector<Piece> poll();
  sim::Task<void> process(const std::vector<Piece>& pieces, int generation);
  sim::NodeId coordinator() const { return context_->brokers[static_cast<std::size_t>(Context::coordinator)]; }
  sim::Instant now() const { return context_->world.now(); }
  void trace(std::string_view kind, const std::string& detail);

  std::shared_ptr<Context> context_;
  int index_;
  sim::NodeId self_;
  MetadataClient metadata_;
  int generation_ = -1;  ///< -1: not a member of any generation
  bool rejoin_ = true;
  std::vector<int> assigned_;
  std::uint64_t assignment_ = 0;         ///< bumped at every change of assignment or seek
  std::vector<std::uint64_t> tokens_;    ///< by partition: the assignment its fetcher serves; others stop
  bool joining_ = false;                 ///< cooperative: a JoinGroup in flight while it consumes
  bool lost_ = false;                    ///< cooperative: its generation is gone; drop, do not revoke
  std::optional<Joined> joined_;
  std::vector<Offset> positions_;        ///< by partition: the next offset poll returns
  std::vector<Offset> fetch_positions_;  ///< by partition: the next offset to fetch
  std::vector<std::deque<Batch>> buffers_;
  std::size_t poll_rotation_ = 0;
  sim::Instant last_poll_;
  sim::Instant next_auto_commit_;
  bool stopped_ = false;  ///< auto.offset.reset none met an offset it could not use
  bool seek_done_ = false;
  int seeks_ = 0;
};

}  // namespace queue
