// The transaction coordinator (Kafka's TransactionCoordinator, KIP-98), on broker-1 for every
// transactional id: it stands for the leader of the id's __transaction_state partition, which
// does not move here. InitProducerId gives the id a producer id and bumps its epoch, fencing
// any older instance (PRODUCER_FENCED), after aborting the id's open transaction; AddPartitionsToTxn
// adds partitions to the ongoing transaction; EndTxn moves it to PrepareCommit or PrepareAbort and
// is answered, then WriteTxnMarkers goes to each partition's leader, which appends a marker, and
// once every marker is written the transaction is CompleteCommit or CompleteAbort. A transaction
// open longer than transaction.timeout.ms is aborted with a bumped epoch (Kafka checks every 10 s).
//
// `txn_protocol: classic` tells transactions apart by producer id and epoch alone, and the epoch
// stays the same from one transaction to the next: an EndTxn that arrives late, after the client
// began its next transaction, ends that one. `kip890` (KIP-890 part 2) bumps the epoch on every
// EndTxn and returns the new one, so a late EndTxn carries a stale epoch and is fenced; a retry
// with the previous epoch of a transaction that ended the same way is answered as done.
//
// Fault model: it runs inside broker-1's process; its state is on the machine (Context::disks,
// as __transaction_state is), so a restarted coordinator resumes writing the markers of a
// transaction it had prepared. Markers are retried until their leader answers.
//
// Determinism: transactional ids in an ordered map; markers go out in partition order.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "models/queue/context.hpp"
#include "models/queue/messages.hpp"
#include "sim/kernel/rpc.hpp"
#include "sim/kernel/timer.hpp"

namespace queue {

class TxnCoordinator {
public:
  using LeaderOf = std::function<int(int partition)>;
  TxnCoordinator(Context& context, sim::NodeId self, LeaderOf leader_of);
  /// Resumes the markers of prepared transactions and starts the timeout check.
  void start();
  /// Takes a transaction request; false when the body is not one.
  bool receive(const sim::MessageBody* body, sim::Responder& responder);

private:
  void on_init(const InitProducerIdRequest& request, sim::Responder responder);
  void on_add(const AddPartitionsToTxnRequest& request, sim::Responder responder);
  void on_end(const EndTxnRequest& request, sim::Responder responder);
  Error end_classic(TxnMetadata& m, const EndTxnRequest& request);
  Error end_kip890(TxnMetadata& m, const EndTxnRequest& request);
  void reply_init(const std::string& id, sim::Responder responder);
  void prepare(const std::string& id, bool commit, const std::string& why);
  sim::Task<void> run_marker(std::string id, int partition, std::int64_t producer_id, std::int16_t epoch, bool commit);
  void marker_written(const std::string& id, int partition);
  sim::Task<void> run_timeouts();
  std::map<std::string, TxnMetadata>& txns();
  void trace(std::string_view kind, const std::string& detail);
  sim::Instant now() const { return context_.world.now(); }

  Context& context_;
  sim::NodeId self_;
  LeaderOf leader_of_;
  /// InitProducerId requests held until the id's transaction is aborted or completed.
  std::map<std::string, std::vector<sim::Responder>> waiting_init_;
};

}  // namespace queue
