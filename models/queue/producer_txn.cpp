// The transactional producer (KIP-98's client side, producer.hpp): transactions of
// transaction_messages messages, AddPartitionsToTxn before a partition's first batch, EndTxn
// once every batch is acknowledged, and what it does when an EndTxn times out or it is fenced.
#include <boost/asio/redirect_error.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "models/queue/producer.hpp"
#include "sim/kernel/spawn.hpp"

namespace queue {
namespace {

// Transaction k is aborted when the share's running count steps up there, so a share of 1/3
// aborts transactions 2, 5, 8, ...: spread evenly, with no draw.
bool planned_abort(std::int64_t k, sim::Ratio share) {
  auto count = [&](std::int64_t n) { return static_cast<__int128>(n) * share.num / share.den; };
  return count(k + 1) > count(k);
}

}  // namespace

// How many messages, of those arrived by `total`, go into batches now: none while the producer
// waits for its id or ends a transaction, else what the transaction has room for (beginning one).
std::int64_t Producer::transaction_room(std::int64_t total) {
  if (txn_.initialising || txn_.ending || total <= arrived_) return arrived_;
  if (txn_.record < 0) begin_txn();
  std::int64_t room = context_->options.transactions.messages - txn_.messages;
  return std::min(total, arrived_ + room);
}

void Producer::begin_txn() {
  TxnRecord record;
  record.index = static_cast<std::int64_t>(context_->recorder->observations().txns.size());
  record.producer = id_;
  record.abort_planned = planned_abort(txn_.begun++, context_->options.transactions.abort_share);
  record.begun = now();
  txn_.record = context_->recorder->began_txn(record);
  txn_.messages = 0;
  for (Lane& lane : lanes_) lane.added = false;
}

void Producer::note_closed(int partition, const Batch& batch) {
  context_->recorder->txn(txn_.record).writes.emplace_back(partition, batch.first_seq, batch.count);
  txn_.messages += batch.count;
  if (txn_.messages >= context_->options.transactions.messages) txn_.ending = true;
}

// A batch goes only to a partition already added to the transaction; the first one waiting
// for its partition starts an AddPartitionsToTxn for every partition that has batches waiting.
bool Producer::ready_to_write(Lane& lane) {
  if (txn_.initialising || txn_.record < 0) return false;
  if (lane.added) return true;
  if (!txn_.adding) {
    txn_.adding = true;
    sim::spawn(context_->world.executor(self_), run_add_partitions());
  }
  return false;
}

sim::Task<void> Producer::run_add_partitions() {
  sim::Executor ex = context_->world.executor(self_);
  std::int64_t record = txn_.record;
  for (;;) {
    auto request = std::make_shared<AddPartitionsToTxnRequest>();
    request->transactional_id = context_->options.transactions.id;
    request->producer_id = producer_id_;
    request->producer_epoch = producer_epoch_;
    for (int p = 0; p < context_->options.partitions; ++p) {
      const Lane& lane = lanes_[static_cast<std::size_t>(p)];
      if (!lane.added && !lane.queue.empty()) request->partitions.push_back(p);
    }
    std::vector<int> partitions = request->partitions;
    sim::error_code ec;
    sim::MessagePtr answer = co_await context_->world.rpc().call(
        ex, context_->brokers[static_cast<std::size_t>(Context::txn_coordinator)], std::move(request),
        context_->options.request_timeout, boost::asio::redirect_error(sim::use_awaitable, ec));
    if (record != txn_.record) co_return;  // fenced meanwhile: the transaction is gone
    const auto* reply = ec ? nullptr : dynamic_cast<const TxnReply*>(answer.get());
    Error error = reply ? reply->error : Error::request_timed_out;
    if (error == Error::none) {
      for (int p : partitions) lanes_[static_cast<std::size_t>(p)].added = true;
      txn_.adding = false;
      send_ready();
      co_return;
    }
    if (error == Error::producer_fenced || error == Error::invalid_producer_id_mapping) {
      txn_.adding = false;
      fenced(fmt::format("AddPartitionsToTxn: {}", to_string(error)));
      co_return;
    }
    co_await sim::sleep(context_->options.retry_backoff);
    if (record != txn_.record) co_return;
  }
}

// commitTransaction (or abortTransaction) once the transaction is full and every batch of it is
// acknowledged; the EndTxn goes out from the producer's sender, after this event.
void Producer::maybe_end_txn() {
  if (txn_.record < 0 || !txn_.ending || txn_.end_sent || txn_.initialising) return;
  for (const Lane& lane : lanes_)
    if (!lane.queue.empty() || !lane.outstanding.empty()) return;
  txn_.end_sent = true;
  const TxnRecord& record = context_->recorder->txn(txn_.record);
  bool commit = !record.abort_planned && !txn_.failed;
  context_->world.trace().record(now(), self_, commit ? "queue.txn_commit" : "queue.txn_abort",
                                 fmt::format("txn {} producer {} epoch {}", txn_.record, producer_id_,
                                             producer_epoch_));
  sim::spawn(context_->world.executor(self_), run_end_txn(commit));
}

sim::Task<void> Producer::run_end_txn(bool commit) {
  sim::Executor ex = context_->world.executor(self_);
  const QueueOptions& o = context_->options;
  for (;;) {
    auto request = std::make_shared<EndTxnRequest>();
    request->transactional_id = o.transactions.id;
    request->producer_id = producer_id_;
    request->producer_epoch = producer_epoch_;
    request->commit = commit;
    request->txn = txn_.record;
    sim::error_code ec;
    sim::MessagePtr answer = co_await context_->world.rpc().call(
        ex, context_->brokers[static_cast<std::size_t>(Context::txn_coordinator)], std::move(request),
        o.request_timeout, boost::asio::redirect_error(sim::use_awaitable, ec));
    const auto* reply = ec ? nullptr : dynamic_cast<const TxnReply*>(answer.get());
    if (reply && reply->error == Error::none) {
      if (o.transactions.protocol == TxnProtocol::kip890) adopt_epoch(reply->producer_epoch);
      finish_txn(commit ? TxnOutcome::committed : TxnOutcome::aborted);
      co_return;
    }
    bool timed_out = !reply;
    if (timed_out && o.transactions.protocol != TxnProtocol::kip890) {
      // Kafka's client before 4.0 re-enqueues a timed-out EndTxn and sends it again.
      context_->world.trace().record(now(), self_, "queue.txn_retry",
                                     fmt::format("txn {}: EndTxn timed out, sent again", txn_.record));
    } else if (timed_out || reply->error != Error::concurrent_transactions) {
      // KIP-890: an EndTxn with no answer is an indefinite error; the producer re-initialises.
      // A fenced producer, or one refused INVALID_TXN_STATE, has to as well.
      finish_txn(commit ? TxnOutcome::unknown : TxnOutcome::aborted);
      reinitialise();
      co_return;
    }
    co_await sim::sleep(o.retry_backoff);
  }
}

void Producer::finish_txn(TxnOutcome outcome) {
  if (txn_.record < 0) return;
  TxnRecord& record = context_->recorder->txn(txn_.record);
  record.outcome = outcome;
  record.ended = now();
  context_->world.trace().record(now(), self_, "queue.txn_end",
                                 fmt::format("txn {}: {} (epoch {})", txn_.record, to_string(outcome),
                                             producer_epoch_));
  txn_.record = -1;
  txn_.messages = 0;
  txn_.ending = txn_.end_sent = txn_.failed = txn_.adding = false;
  for (Lane& lane : lanes_) lane.added = false;
}

// An abortable error: the transaction takes no more messages and its batches fail; it ends with
// EndTxn(abort) once those in flight are answered.
void Producer::abandon_txn() {
  txn_.failed = true;
  txn_.ending = true;
  give_up_queued();
}

// What the lanes hold is given up; a retried batch waiting there is outstanding no more.
void Producer::give_up_queued() {
  for (Lane& lane : lanes_) {
    for (const Queued& q : lane.queue) {
      context_->recorder->gave_up(q.batch.count);
      lane.outstanding.erase(q.batch.first_seq);
    }
    lane.queue.clear();
  }
}

// Fenced inside a transaction: what it still holds is given up, the transaction is over for it
// (the coordinator aborted it), and the producer takes a new epoch.
void Producer::fenced(const std::string& why) {
  context_->world.trace().record(now(), self_, "queue.producer_fenced", why);
  give_up_queued();
  finish_txn(TxnOutcome::aborted);
  reinitialise();
}

// A transactional producer's sequences start again with each epoch (here: where each partition's
// numbering has got to, which the broker is told with every batch); every batch of the old epoch
// is done by then.
void Producer::adopt_epoch(std::int16_t epoch) {
  if (transactional() && epoch != producer_epoch_)
    for (Lane& lane : lanes_) lane.epoch_first_seq = lane.next_seq;
  producer_epoch_ = epoch;
}

void Producer::reinitialise() {
  if (txn_.initialising) return;
  txn_.initialising = true;
  sim::spawn(context_->world.executor(self_), run_init_producer_id());
}

}  // namespace queue
