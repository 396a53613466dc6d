// The producer (producer-1): messages arrive at `rate`. With `keys`, message g carries key
// "key-<g mod keys>" and goes where Kafka's murmur2 partitioner puts it; without, the k-th goes to
// partition k mod n (RoundRobinPartitioner) or, with `null_key_partitioner: sticky`, batch.size
// bytes at a time to one partition drawn at random (KIP-794). Every `linger` the producer
// closes what each partition has gathered into batches of at most batch.size bytes and sends
// them to the partition's leader, each batch its own Produce request, at most
// max.in.flight.requests.per.connection unanswered per broker. A retriable error (not the
// leader, not enough replicas, a timeout) refreshes the metadata and puts the batch back at the
// head of its partition's queue after retry.backoff.ms, as Kafka's accumulator does, until
// delivery.timeout.ms has passed since the batch closed. Without idempotence a retried batch is
// appended again, and with more than one request in flight a retry can land behind later
// batches.
//
// With `enable_idempotence` the producer first takes a producer id from a broker
// (InitProducerId) and stamps every batch with it, its epoch and the batch's first sequence; a
// retried batch goes back in sequence order and is sent only when no earlier batch of its
// partition is outstanding (RecordAccumulator's rule), so the broker, which drops a copy of one
// of the last five batches and refuses a gap (OUT_OF_ORDER_SEQUENCE_NUMBER, retried here), keeps
// each partition in send order. Not modelled: KIP-360's epoch bump after a batch expires; a
// batch given up leaves a gap the broker refuses after it.
//
// With `transactional_id` (producer_txn.cpp) the producer takes its producer id and epoch from
// the transaction coordinator and writes in transactions of `transaction_messages` messages:
// AddPartitionsToTxn before the first batch to a partition, then, once every batch is
// acknowledged, EndTxn(commit), or EndTxn(abort) for the `transaction_abort_share` it aborts
// and for one with a batch given up. Messages that arrive meanwhile wait for the next
// transaction. A fenced producer (PRODUCER_FENCED, INVALID_PRODUCER_EPOCH, INVALID_TXN_STATE)
// re-initialises with InitProducerId. An EndTxn that times out is sent again with
// `txn_protocol: classic`, as Kafka's client before 4.0 does, and the producer carries on with
// the same epoch; with `kip890` it re-initialises instead, and the transaction's outcome is
// unknown to it.
//
// At the stop (the run's end less `drain`) the producer closes: batches it still holds are
// given up, so what is acknowledged has time to reach the consumer; a transactional producer
// ends its open transaction first.
//
// Fault model: the producer keeps everything in memory. A restarted producer is a new instance,
// with messages of its own (its producer number is its incarnation's); with a transactional id it
// takes the same id, and its InitProducerId has the coordinator abort the old instance's
// transaction and fence it.
#pragma once

#include <deque>
#include <memory>
#include <set>
#include <vector>

#include "models/queue/context.hpp"
#include "models/queue/metadata_client.hpp"
#include "models/queue/partitioner.hpp"
#include "models/queue/recorder.hpp"
#include "sim/kernel/random.hpp"
#include "sim/kernel/rpc.hpp"
#include "sim/kernel/timer.hpp"

namespace queue {

class Producer {
public:
  Producer(std::shared_ptr<Context> context, std::uint32_t id);
  void start();
  static void install(const std::shared_ptr<Context>& context);

private:
  struct Queued {
    Batch batch;
    sim::Instant ready;  ///< not sent before (retry backoff)
    bool retry = false;
  };
  struct Lane {
    std::int64_t next_seq = 0;
    std::deque<Queued> queue;
    std::set<std::int64_t> outstanding;  ///< idempotent: first sequences sent and not yet done
    bool added = false;                  ///< transactional: added to the ongoing transaction
    std::int64_t epoch_first_seq = 0;    ///< transactional: next_seq when the epoch began
  };
  /// The transactional producer's ongoing transaction.
  struct Txn {
    std::int64_t record = -1;  ///< its index in Observations::txns; -1: none open
    std::int64_t begun = 0;    ///< transactions begun so far
    std::int64_t messages = 0;
    bool ending = false;       ///< full (or the stop): EndTxn once every batch is done
    bool end_sent = false;
    bool failed = false;       ///< a batch was given up: it can only be aborted
    bool adding = false;       ///< an AddPartitionsToTxn is unanswered
    bool initialising = true;  ///< waiting for InitProducerId
  };

  sim::Task<void> run_linger();
  sim::Task<void> run_init_producer_id();
  bool may_send(const Lane& lane) const;
  void close_batches();
  std::vector<std::int64_t> arrivals(std::int64_t from, std::int64_t to);
  void send_ready();
  bool send_one(int partition);
  void on_reply(int partition, int broker, Batch batch, std::int64_t txn, sim::error_code ec,
                const ProduceReply* reply);
  void retry(int partition, Batch batch);
  void done(int partition, const Batch& batch);

  // producer_txn.cpp: transactions
  bool transactional() const { return context_->options.transactions.enabled(); }
  std::int64_t transaction_room(std::int64_t total);
  void begin_txn();
  void note_closed(int partition, const Batch& batch);
  bool ready_to_write(Lane& lane);
  sim::Task<void> run_add_partitions();
  void maybe_end_txn();
  sim::Task<void> run_end_txn(bool commit);
  void finish_txn(TxnOutcome outcome);
  void fenced(const std::string& why);
  void abandon_txn();
  void give_up_queued();
  void reinitialise();
  void adopt_epoch(std::int16_t epoch);
  sim::Instant now() const { return context_->world.now(); }

  std::shared_ptr<Context> context_;
  std::uint32_t id_;
  sim::NodeId self_;
  MetadataClient metadata_;
  std::vector<Lane> lanes_;        ///< by partition
  std::vector<int> in_flight_;     ///< by broker
  std::int64_t arrived_ = 0;       ///< messages arrived so far, over all partitions
  KeyedRouting routing_;
  sim::Rng rng_;                   ///< the sticky partitioner's draws
  int sticky_ = -1;                ///< the sticky partition, -1 before the first
  std::int64_t sticky_left_ = 0;   ///< messages it takes before the next draw
  std::int64_t producer_id_ = -1;  ///< idempotent: from InitProducerId, -1 until then
  std::int16_t producer_epoch_ = 0;
  Txn txn_;
};

}  // namespace queue
