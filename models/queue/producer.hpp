// The producer (producer-1): messages arrive at `rate`, spread evenly over the partitions (the
// k-th message goes to partition k mod n; keyless, like round-robin rather than Kafka's sticky
// partitioner). Every `linger` the producer closes what each partition has gathered into
// batches of at most batch.size bytes and sends them to the partition's leader, each batch its
// own Produce request, at most max.in.flight.requests.per.connection unanswered per broker. A
// retriable error (not the leader, not enough replicas, a timeout) refreshes the metadata and
// puts the batch back at the head of its partition's queue after retry.backoff.ms, as Kafka's
// accumulator does, until delivery.timeout.ms has passed since the batch closed. Without
// idempotence a retried batch is appended again, and with more than one request in flight a
// retry can land behind later batches.
//
// At the stop (the run's end less `drain`) the producer closes: batches it still holds are
// given up, so what is acknowledged has time to reach the consumer.
//
// Fault model: the producer keeps everything in memory; it is never crashed by the scenarios here.
#pragma once

#include <deque>
#include <memory>
#include <vector>

#include "models/queue/context.hpp"
#include "models/queue/metadata_client.hpp"
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
  };
  struct Lane {
    std::int64_t next_seq = 0;
    std::deque<Queued> queue;
  };

  sim::Task<void> run_linger();
  void close_batches();
  void send_ready();
  bool send_one(int partition);
  void on_reply(int partition, int broker, Batch batch, sim::error_code ec, const ProduceReply* reply);
  void retry(int partition, Batch batch);
  sim::Instant now() const { return context_->world.now(); }

  std::shared_ptr<Context> context_;
  std::uint32_t id_;
  sim::NodeId self_;
  MetadataClient metadata_;
  std::vector<Lane> lanes_;        ///< by partition
  std::vector<int> in_flight_;     ///< by broker
  std::int64_t arrived_ = 0;       ///< messages arrived so far, over all partitions
};

}  // namespace queue
