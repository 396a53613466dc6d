// A Kafka broker: one process holding a replica of some partitions. As a partition's leader it
// appends produced batches, serves fetches from followers and consumers (holding a fetch that
// finds nothing for up to its wait), tracks each follower's log end, shrinks the ISR of
// followers that fell more than replica.lag.time.max.ms behind and grows it back when they
// catch up (AlterPartition to the controller), and advances the high watermark to the smallest
// log end in the ISR. As a follower it fetches from the leader and truncates where its log
// diverged: by leader epoch (KIP-101) or, before 0.11, to its high watermark; it takes the
// leader's log start offset from each fetch, and one that fell below it starts over there.
// Every log.retention.check.interval.ms it applies retention to each replica it holds
// (log.hpp). It heartbeats to the controller every 2 s and takes the metadata the controller
// pushes or returns.
//
// Fault model: the process holds only volatile state; its logs and checkpointed high
// watermarks live on its machine (Context::disks), so a process crash keeps them and a machine
// crash keeps only what the page cache had written back or an fsync forced. A broker that
// cannot reach the controller never learns it was replaced, and keeps serving whoever reaches
// it with what it last knew.
//
// Determinism: partitions and brokers are indexes into vectors; delayed fetches and waiting
// produces are kept in arrival order.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "models/queue/context.hpp"
#include "models/queue/coordinator.hpp"
#include "models/queue/messages.hpp"
#include "models/queue/txn_coordinator.hpp"
#include "sim/kernel/rpc.hpp"
#include "sim/kernel/timer.hpp"

namespace queue {

class Broker {
public:
  Broker(std::shared_ptr<Context> context, int index);
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  /// Boots the process: recovers the logs, serves requests, starts heartbeating.
  void start();

  /// Installs the boot code of every broker. Call before World::boot_all().
  static void install(const std::shared_ptr<Context>& context);

  /// What it believes of `partition` now, for the pictures (models/queue/pictures.hpp).
  struct PartitionView {
    bool held = false;
    bool leader = false;
    Epoch epoch = -1;
    std::vector<int> isr;  ///< as the leader keeps it (broker indexes)
  };
  PartitionView view(int partition) const {
    const Replica& r = replicas_[static_cast<std::size_t>(partition)];
    return PartitionView{r.held, r.held && r.leader, r.epoch, r.isr};
  }

private:
  struct FollowerState {
    Offset leo = -1;  ///< unknown until it fetches
    sim::Instant caught_up;
    sim::Instant previous_fetch;
    Offset leader_end_at_previous_fetch = 0;
  };
  struct WaitingProduce {
    Offset until = 0;  ///< the high watermark that acknowledges it
    Offset base = 0;
    sim::Responder responder;
    sim::Instant deadline;
  };
  struct Replica {
    bool held = false;  ///< this broker is one of the partition's replicas
    bool leader = false;
    Epoch epoch = -1;
    int leader_broker = no_leader;
    std::int32_t partition_epoch = 0;
    std::vector<int> isr;
    std::vector<FollowerState> followers;  ///< by broker
    bool alter_pending = false;
    std::vector<WaitingProduce> waiting;
  };
  struct DelayedFetch {
    std::uint64_t id = 0;
    std::shared_ptr<const FetchRequest> request;
    sim::Responder responder;
  };

  PartitionLog& log(int partition) { return disk().logs[static_cast<std::size_t>(partition)]; }
  BrokerDisk& disk() { return context_->disks[static_cast<std::size_t>(index_)]; }
  Replica& replica(int partition) { return replicas_[static_cast<std::size_t>(partition)]; }
  Offset& high_watermark(int partition) { return disk().high_watermarks[static_cast<std::size_t>(partition)]; }
  const QueueOptions& options() const { return context_->options; }
  sim::Instant now() const { return context_->world.now(); }
  void trace(std::string_view kind, const std::string& detail);

  // broker.cpp: boot, requests, metadata
  void recover();
  void receive(const sim::RpcRequest& request, sim::Responder responder);
  void adopt(const ImagePtr& image);
  void adopt_partition(int partition, const PartitionState& state);
  void become_leader(int partition, const PartitionState& state);
  void become_follower(int partition, const PartitionState& state);
  void fail_waiting(int partition, Error error);
  void append(int partition, Batch batch);

  // broker_leader.cpp: produce, fetch serving, ISR, high watermark
  /// `verified`: KIP-890 part 1's check with the coordinator is done.
  void on_produce(std::shared_ptr<const ProduceRequest> request, sim::Responder responder, bool verified);
  void on_fetch(std::shared_ptr<const FetchRequest> request, sim::Responder responder);
  void on_list_offsets(const ListOffsetsRequest& request, sim::Responder responder);
  Error check_fetch(const FetchPartition& asked, FetchedPartition& out, bool follower);
  void note_follower_fetch(int partition, int follower, Offset offset);
  FetchedPartition serve_partition(const FetchPartition& asked, bool follower, bool read_committed);
  std::shared_ptr<FetchReply> build_fetch_reply(const FetchRequest& request, bool& has_data);
  void wake_delayed_fetches(int partition);
  void expire_delayed_fetch(std::uint64_t id);
  void advance_high_watermark(int partition);
  void complete_waiting(int partition);
  void expire_waiting();
  sim::Task<void> run_isr_expiration();
  sim::Task<void> run_retention();
  void shrink_isr(int partition);
  void request_isr(int partition, std::vector<int> isr);

  // broker_producers.cpp: the idempotent producer's ids and sequences, transaction markers
  void on_init_producer_id(sim::Responder responder);
  Error check_sequence(int partition, const Batch& batch, std::optional<Batch>& duplicate);
  Error check_producer_epoch(int partition, const Batch& batch);
  void on_write_txn_markers(const WriteTxnMarkersRequest& request, sim::Responder responder);
  bool refuse_txn_request(const sim::MessageBody* body, sim::Responder& responder);
  bool needs_verification(int partition, const Batch& batch);
  sim::Task<void> run_verification(std::shared_ptr<const ProduceRequest> request, sim::Responder responder);

  // broker_follower.cpp: fetching from leaders, heartbeats to the controller
  void ensure_fetcher(int leader);
  sim::Task<void> run_fetcher(int leader);
  std::shared_ptr<FetchRequest> follower_request(int leader);
  void take_fetched(const FetchRequest& request, const FetchReply& reply, bool& back_off);
  void take_partition(const FetchPartition& asked, const FetchedPartition& got, bool& back_off);
  sim::Task<void> run_heartbeats();
  sim::NodeId controller_guess();
  void follow_controller_reply(sim::NodeId asked, const ControllerReply* reply);

  std::shared_ptr<Context> context_;
  int index_;
  sim::NodeId self_;
  ImagePtr image_;
  std::vector<Replica> replicas_;
  std::vector<DelayedFetch> delayed_;
  std::uint64_t next_delayed_ = 1;
  std::vector<bool> fetching_from_;  ///< by leader broker: a fetcher runs
  std::optional<sim::NodeId> controller_;
  /// The controller accepted this incarnation (a restarted broker acts on no image before).
  bool registered_ = false;
  std::unique_ptr<GroupCoordinator> coordinator_;  ///< on broker-1 when there is a group
  std::unique_ptr<TxnCoordinator> txn_coordinator_;  ///< on broker-1 with a transactional producer
  std::size_t controller_rotation_ = 0;
};

}  // namespace queue
