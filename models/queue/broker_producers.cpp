// The leader's producer state for the idempotent producer: ids handed out, and each produce's
// sequence checked against the producer's last batches in the log; for the transactional
// producer, its epoch checked against the latest in the log (a zombie's older epoch is refused),
// and the markers the transaction coordinator writes. Kafka rebuilds this state
// from the log's batch headers (and snapshots of it), so a new leader knows what its own log
// holds; here it is read from the log itself, which truncation and page-cache loss keep true.
#include <boost/asio/redirect_error.hpp>
#include <fmt/format.h>

#include "models/queue/broker.hpp"
#include "sim/kernel/spawn.hpp"

namespace queue {

void Broker::on_init_producer_id(sim::Responder responder) {
  auto reply = std::make_shared<InitProducerIdReply>();
  std::int64_t& given = disk().producer_ids_given;
  reply->producer_id = static_cast<std::int64_t>(index_ + 1) * 1'000'000 + given++;
  reply->producer_epoch = 0;
  trace("queue.producer_id", fmt::format("{} epoch 0", reply->producer_id));
  responder.reply(std::move(reply));
}

// ProducerStateManager's check: a batch that repeats one of the producer's last five (at most
// max.in.flight of them can be outstanding) is a duplicate, answered with the offset it already
// has; any other batch must start right after the producer's last one.
Error Broker::check_sequence(int partition, const Batch& batch, std::optional<Batch>& duplicate) {
  constexpr int retained = 5;
  const std::deque<Batch>& batches = log(partition).batches();
  int found = 0;
  std::optional<std::int64_t> next;
  for (auto it = batches.rbegin(); it != batches.rend() && found < retained; ++it) {
    // Batches of an older epoch end the search: a bumped epoch starts its sequences afresh.
    if (it->producer_id == batch.producer_id && it->producer_epoch < batch.producer_epoch) break;
    if (it->producer_id != batch.producer_id || it->producer_epoch != batch.producer_epoch ||
        it->control != Control::none)
      continue;
    if (!next) next = it->first_seq + it->count;
    ++found;
    if (batch.first_seq >= it->first_seq && batch.first_seq + batch.count <= it->first_seq + it->count) {
      Batch copy = *it;
      copy.base += batch.first_seq - it->first_seq;
      copy.first_seq = batch.first_seq;
      copy.count = batch.count;
      duplicate = copy;
      return Error::none;
    }
  }
  // A new epoch starts where the producer says its sequences start under it (Kafka's 0).
  if (batch.first_seq != next.value_or(batch.epoch_first_seq)) {
    trace("queue.out_of_order_sequence", fmt::format("p{} producer {} sent {}, expected {}", partition,
                                                     batch.producer_id, batch.first_seq,
                                                     next.value_or(batch.epoch_first_seq)));
    return Error::out_of_order_sequence_number;
  }
  return Error::none;
}

// ProducerStateManager's epoch check: a transactional batch with an epoch older than the
// producer's latest here (a marker written after an epoch bump carries the new one) is a zombie's.
Error Broker::check_producer_epoch(int partition, const Batch& batch) {
  std::int16_t latest = log(partition).producer_epoch(batch.producer_id);
  if (batch.producer_epoch >= latest) return Error::none;
  trace("queue.producer_fenced", fmt::format("p{} producer {} epoch {} is older than {}", partition,
                                             batch.producer_id, batch.producer_epoch, latest));
  return Error::invalid_producer_epoch;
}

// WriteTxnMarkers: a control record of one offset, answered once it is replicated (markers are
// written with acks=all).
void Broker::on_write_txn_markers(const WriteTxnMarkersRequest& request, sim::Responder responder) {
  int p = request.partition;
  Replica& r = replica(p);
  if (!r.leader) {
    auto reply = std::make_shared<ProduceReply>();
    reply->error = Error::not_leader_or_follower;
    responder.reply(std::move(reply));
    return;
  }
  Batch marker;
  marker.count = 1;
  marker.epoch = r.epoch;
  marker.producer_id = request.producer_id;
  marker.producer_epoch = request.producer_epoch;
  marker.transactional = true;
  marker.control = request.commit ? Control::commit : Control::abort;
  marker.created = now();
  append(p, marker);
  Offset base = log(p).end() - 1;
  trace("queue.txn_marker", fmt::format("p{} producer {} epoch {} {} at {}", p, request.producer_id,
                                        request.producer_epoch, request.commit ? "commit" : "abort", base));
  advance_high_watermark(p);
  wake_delayed_fetches(p);
  if (high_watermark(p) > base) {
    auto reply = std::make_shared<ProduceReply>();
    reply->base = base;
    responder.reply(std::move(reply));
    return;
  }
  r.waiting.push_back(WaitingProduce{base + 1, base, std::move(responder), now() + options().request_timeout});
}

// KIP-890 part 1: a transactional write that would open the producer's transaction in this
// partition is taken only once the coordinator says the partition is in the ongoing transaction.
bool Broker::needs_verification(int partition, const Batch& batch) {
  return options().transactions.protocol != TxnProtocol::classic && batch.transactional &&
         !log(partition).has_open_txn(batch.producer_id);
}

sim::Task<void> Broker::run_verification(std::shared_ptr<const ProduceRequest> request, sim::Responder responder) {
  auto ask = std::make_shared<AddPartitionsToTxnRequest>();
  ask->transactional_id = request->transactional_id;
  ask->producer_id = request->batch.producer_id;
  ask->producer_epoch = request->batch.producer_epoch;
  ask->partitions = {request->partition};
  ask->verify_only = true;
  sim::error_code ec;
  sim::MessagePtr answer = co_await context_->world.rpc().call(
      context_->world.executor(self_), context_->brokers[static_cast<std::size_t>(Context::txn_coordinator)],
      std::move(ask), options().request_timeout, boost::asio::redirect_error(sim::use_awaitable, ec));
  const auto* reply = ec ? nullptr : dynamic_cast<const TxnReply*>(answer.get());
  if (reply && reply->error == Error::none) {
    on_produce(std::move(request), std::move(responder), true);
    co_return;
  }
  auto refused = std::make_shared<ProduceReply>();
  refused->error = reply ? Error::invalid_txn_state : Error::request_timed_out;
  if (reply)
    trace("queue.txn_unverified", fmt::format("p{} producer {} epoch {}: not in an ongoing transaction",
                                              request->partition, request->batch.producer_id,
                                              request->batch.producer_epoch));
  responder.reply(std::move(refused));
}

// A broker that is not the transaction coordinator answers NOT_COORDINATOR.
bool Broker::refuse_txn_request(const sim::MessageBody* body, sim::Responder& responder) {
  const auto* init = dynamic_cast<const InitProducerIdRequest*>(body);
  if (init && !init->transactional_id.empty()) {
    auto reply = std::make_shared<InitProducerIdReply>();
    reply->error = Error::not_coordinator;
    responder.reply(std::move(reply));
    return true;
  }
  if (!dynamic_cast<const AddPartitionsToTxnRequest*>(body) && !dynamic_cast<const EndTxnRequest*>(body)) return false;
  auto reply = std::make_shared<TxnReply>();
  reply->error = Error::not_coordinator;
  responder.reply(std::move(reply));
  return true;
}

}  // namespace queue
