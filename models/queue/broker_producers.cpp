// The leader's producer state for the idempotent producer: ids handed out, and each produce's
// sequence checked against the producer's last batches in the log. Kafka rebuilds this state
// from the log's batch headers (and snapshots of it), so a new leader knows what its own log
// holds; here it is read from the log itself, which truncation and page-cache loss keep true.
#include <fmt/format.h>

#include "models/queue/broker.hpp"

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
    if (it->producer_id != batch.producer_id || it->producer_epoch != batch.producer_epoch) continue;
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
  if (batch.first_seq != next.value_or(0)) {
    trace("queue.out_of_order_sequence", fmt::format("p{} producer {} sent {}, expected {}", partition,
                                                     batch.producer_id, batch.first_seq, next.value_or(0)));
    return Error::out_of_order_sequence_number;
  }
  return Error::none;
}

}  // namespace queue
