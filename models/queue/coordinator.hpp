// The group coordinator (Kafka's classic GroupCoordinator): members join, heartbeat, leave and
// commit offsets. A rebalance starts when a member joins or leaves, or misses
// session.timeout.ms of heartbeats; it waits for every member to rejoin, up to the rebalance
// timeout (max.poll.interval.ms), removes those that did not, and completes with a new
// generation and the assignor's partitions (assignor.hpp): the range assignor's for the eager
// protocol, the cooperative-sticky assignor's for the cooperative one, which reads the
// partitions each member says it owns in its JoinGroup (only a known member's claims of the
// current generation count). The first rebalance of an empty group
// waits group.initial.rebalance.delay.ms (3 s) for others to join. An offset commit is accepted
// only from a known member of the current generation: a removed member's commit fails
// (UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION), though what it processed has taken effect. With the
// transactional sink a member commits its output and its offsets together (TxnOffsetCommit):
// the same check fences a zombie's transaction (KIP-447's group metadata), whose output then
// never takes effect. This stands for Kafka's transaction coordinator, its markers on the
// output topic and __consumer_offsets, and a read_committed reader of the output: one atomic
// step here, where Kafka takes two phases.
//
// Fault model: it runs inside broker-1's process; a crash loses the membership (members learn
// it from UNKNOWN_MEMBER_ID and rejoin) but not the committed offsets, which are on the
// machine (Context::disks, as __consumer_offsets is).
//
// Determinism: members in an ordered map by index.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "models/queue/context.hpp"
#include "models/queue/messages.hpp"
#include "sim/kernel/rpc.hpp"
#include "sim/kernel/timer.hpp"

namespace queue {

class GroupCoordinator {
public:
  GroupCoordinator(Context& context, sim::NodeId self);
  void start();
  /// Takes a group request; false when the body is not one.
  bool receive(const sim::MessageBody* body, sim::Responder& responder);

private:
  struct Member {
    sim::Instant last_heartbeat;
    std::optional<sim::Responder> join;  ///< a JoinGroup waiting for the rebalance to complete
    std::vector<int> owned;  ///< cooperative: the partitions its JoinGroup says it still consumes
  };

  void on_join(const JoinGroupRequest& request, sim::Responder responder);
  void on_heartbeat(const GroupHeartbeat& request, sim::Responder responder);
  void on_leave(const LeaveGroupRequest& request, sim::Responder responder);
  void on_commit(const OffsetCommitRequest& request, sim::Responder responder);
  void on_txn_commit(const TxnOffsetCommitRequest& request, sim::Responder responder);
  Error refused(int member, int generation);
  void on_offset_fetch(const OffsetFetchRequest& request, sim::Responder responder);
  sim::Task<void> run_sessions();
  void expire_sessions();
  void prepare_rebalance(const std::string& why);
  void maybe_complete();
  void complete();
  void remove(int member, const std::string& why);
  std::vector<Offset>& committed();
  int& generation();
  sim::Instant now() const { return context_.world.now(); }

  Context& context_;
  sim::NodeId self_;
  std::map<int, Member> members_;
  bool rebalancing_ = false;
  sim::Instant rebalance_deadline_;
  sim::Instant rebalance_started_;  ///< for the "rebalance" latency: from its start to the new generation
  sim::Instant not_before_;  ///< the initial rebalance delay of an empty group
};

}  // namespace queue
