// The leader's side of a broker: produce, fetch serving, the ISR and the high watermark.
#include <fmt/format.h>

#include "models/queue/broker.hpp"
#include "sim/kernel/spawn.hpp"

namespace queue {

void Broker::on_produce(std::shared_ptr<const ProduceRequest> request_ptr, sim::Responder responder, bool verified) {
  const ProduceRequest& request = *request_ptr;
  auto reply = std::make_shared<ProduceReply>();
  int p = request.partition;
  Replica& r = replica(p);
  if (!r.leader) {
    reply->error = Error::not_leader_or_follower;
  } else if (options().acks == Acks::all && static_cast<int>(r.isr.size()) < options().min_insync_replicas) {
    reply->error = Error::not_enough_replicas;
  }
  std::optional<Batch> duplicate;
  if (reply->error == Error::none && request.batch.transactional)
    reply->error = check_producer_epoch(p, request.batch);
  if (reply->error == Error::none && request.batch.producer_id >= 0)
    reply->error = check_sequence(p, request.batch, duplicate);
  if (reply->error != Error::none) {
    if (request.wants_reply) responder.reply(std::move(reply));
    return;
  }
  if (!duplicate && !verified && needs_verification(p, request.batch)) {
    sim::spawn(context_->world.executor(self_), run_verification(std::move(request_ptr), std::move(responder)));
    return;
  }
  Offset base = 0, until = 0;
  if (duplicate) {
    // Answered with the offset the first copy got, once it is as replicated as a new write.
    base = duplicate->base;
    until = duplicate->end();
  } else {
    Batch batch = request.batch;
    batch.epoch = r.epoch;
    append(p, batch);
    base = log(p).end() - request.batch.count;
    until = log(p).end();
    advance_high_watermark(p);
    wake_delayed_fetches(p);
  }
  if (!request.wants_reply) return;
  if (options().acks == Acks::leader || high_watermark(p) >= until) {
    reply->base = base;
    responder.reply(std::move(reply));
    return;
  }
  r.waiting.push_back(WaitingProduce{until, base, std::move(responder), now() + options().request_timeout});
}

// Partition.fetchOffsetForTimestamp: only the leader answers, and only offsets below the last
// offset the consumer may fetch: the high watermark, or with read_committed the last stable offset.
void Broker::on_list_offsets(const ListOffsetsRequest& request, sim::Responder responder) {
  auto reply = std::make_shared<ListOffsetsReply>();
  if (!replica(request.partition).leader) {
    reply->error = Error::not_leader_or_follower;
  } else {
    Offset hw = high_watermark(request.partition);
    reply->high_watermark = request.read_committed ? log(request.partition).last_stable_offset(hw) : hw;
    reply->offset = log(request.partition).offset_for_time(request.timestamp, reply->high_watermark).value_or(-1);
  }
  responder.reply(std::move(reply));
}

Error Broker::check_fetch(const FetchPartition& asked, FetchedPartition& out, bool follower) {
  Replica& r = replica(asked.partition);
  if (!r.leader) return Error::not_leader_or_follower;
  if (asked.leader_epoch < r.epoch) return Error::fenced_leader_epoch;
  if (asked.leader_epoch > r.epoch) return Error::not_leader_or_follower;
  PartitionLog& l = log(asked.partition);
  if (follower && options().truncation == Truncation::leader_epoch && asked.last_fetched_epoch >= 0) {
    auto [epoch, end] = l.end_offset_for(asked.last_fetched_epoch);
    if (epoch != asked.last_fetched_epoch || end < asked.offset) {
      out.diverging_epoch = epoch;
      out.diverging_end = end;
      return Error::none;
    }
  }
  if (asked.offset > l.end() || asked.offset < l.start()) {
    out.diverging_end = l.end();
    out.log_start = l.start();
    out.high_watermark = high_watermark(asked.partition);
    return Error::offset_out_of_range;
  }
  return Error::none;
}

// Kafka's rule for a follower's lag: it is caught up now if it asked from the leader's end, and
// was caught up at its previous fetch if it asked from where the leader's end was then.
void Broker::note_follower_fetch(int partition, int follower, Offset offset) {
  Replica& r = replica(partition);
  FollowerState& f = r.followers[static_cast<std::size_t>(follower)];
  Offset end = log(partition).end();
  if (offset >= end) f.caught_up = now();
  else if (offset >= f.leader_end_at_previous_fetch) f.caught_up = std::max(f.caught_up, f.previous_fetch);
  f.previous_fetch = now();
  f.leader_end_at_previous_fetch = end;
  f.leo = offset;
  bool fenced = image_ && image_->fenced[static_cast<std::size_t>(follower)];
  if (!r.alter_pending && !fenced && std::find(r.isr.begin(), r.isr.end(), follower) == r.isr.end() &&
      offset >= high_watermark(partition) && offset >= end) {
    std::vector<int> isr;
    for (int b : image_->partitions[static_cast<std::size_t>(partition)].replicas)
      if (b == follower || std::find(r.isr.begin(), r.isr.end(), b) != r.isr.end()) isr.push_back(b);
    request_isr(partition, std::move(isr));
  }
  advance_high_watermark(partition);
}

FetchedPartition Broker::serve_partition(const FetchPartition& asked, bool follower, bool read_committed) {
  FetchedPartition out;
  out.partition = asked.partition;
  out.error = check_fetch(asked, out, follower);
  PartitionLog& l = log(asked.partition);
  // Where auto.offset.reset latest goes: the high watermark, or the last stable offset.
  out.last_fetchable = read_committed ? l.last_stable_offset(out.high_watermark) : out.high_watermark;
  if (out.error != Error::none || out.diverging_epoch != -1 || out.diverging_end != -1) return out;
  out.high_watermark = high_watermark(asked.partition);
  out.log_start = l.start();
  Offset limit = follower ? l.end() : out.high_watermark;
  out.last_fetchable = out.high_watermark;
  // read_committed: below the last stable offset, with the aborted transactions there.
  if (read_committed) {
    limit = l.last_stable_offset(out.high_watermark);
    out.last_fetchable = limit;
    out.aborted = l.aborted_between(asked.offset, limit);
  }
  out.batches = l.read(asked.offset, limit, options().fetch_max_messages);
  return out;
}

std::shared_ptr<FetchReply> Broker::build_fetch_reply(const FetchRequest& request, bool& has_data) {
  auto reply = std::make_shared<FetchReply>();
  has_data = false;
  bool follower = request.replica != no_leader;
  for (const FetchPartition& asked : request.partitions) {
    reply->partitions.push_back(serve_partition(asked, follower, request.read_committed));
    const FetchedPartition& got = reply->partitions.back();
    if (!got.batches.empty() || got.error != Error::none || got.diverging_end != -1) has_data = true;
  }
  return reply;
}

// Partition.fetchRecords: a follower's fetch moves its state (its log end, the ISR, the high
// watermark) only when the read succeeds: not when its log diverged from the leader's (the
// offset it sent is not on this log's history) nor when the offset is out of range.
void Broker::on_fetch(std::shared_ptr<const FetchRequest> request, sim::Responder responder) {
  if (request->replica != no_leader)
    for (const FetchPartition& asked : request->partitions) {
      FetchedPartition probe;
      if (check_fetch(asked, probe, true) == Error::none && probe.diverging_epoch == -1 && probe.diverging_end == -1)
        note_follower_fetch(asked.partition, request->replica, asked.offset);
    }
  bool has_data = false;
  auto reply = build_fetch_reply(*request, has_data);
  if (has_data) {
    responder.reply(std::move(reply));
    return;
  }
  std::uint64_t id = next_delayed_++;
  delayed_.push_back(DelayedFetch{id, std::move(request), std::move(responder)});
  sim::Duration wait = delayed_.back().request->replica == no_leader ? options().fetch_max_wait
                                                                      : options().replica_fetch_wait_max;
  context_->world.schedule_after(wait, self_, context_->world.node(self_).incarnation(),
                                 [this, id] { expire_delayed_fetch(id); });
}

void Broker::wake_delayed_fetches(int partition) {
  for (std::size_t i = 0; i < delayed_.size();) {
    DelayedFetch& d = delayed_[i];
    bool mentions = false;
    for (const FetchPartition& asked : d.request->partitions) mentions = mentions || asked.partition == partition;
    bool has_data = false;
    std::shared_ptr<FetchReply> reply = mentions ? build_fetch_reply(*d.request, has_data) : nullptr;
    if (!has_data) {
      ++i;
      continue;
    }
    d.responder.reply(std::move(reply));
    delayed_.erase(delayed_.begin() + static_cast<std::ptrdiff_t>(i));
  }
}

void Broker::expire_delayed_fetch(std::uint64_t id) {
  for (std::size_t i = 0; i < delayed_.size(); ++i) {
    if (delayed_[i].id != id) continue;
    bool has_data = false;
    delayed_[i].responder.reply(build_fetch_reply(*delayed_[i].request, has_data));
    delayed_.erase(delayed_.begin() + static_cast<std::ptrdiff_t>(i));
    return;
  }
}

void Broker::advance_high_watermark(int partition) {
  Replica& r = replica(partition);
  if (!r.leader) return;
  Offset candidate = log(partition).end();
  for (int b : r.isr)
    if (b != index_) candidate = std::min(candidate, r.followers[static_cast<std::size_t>(b)].leo);
  Offset& hw = high_watermark(partition);
  if (candidate <= hw) return;
  hw = candidate;
  complete_waiting(partition);
  wake_delayed_fetches(partition);
}

void Broker::complete_waiting(int partition) {
  Replica& r = replica(partition);
  Offset hw = high_watermark(partition);
  bool enough = static_cast<int>(r.isr.size()) >= options().min_insync_replicas;
  std::size_t done = 0;
  while (done < r.waiting.size() && r.waiting[done].until <= hw) {
    auto reply = std::make_shared<ProduceReply>();
    reply->error = enough ? Error::none : Error::not_enough_replicas_after_append;
    reply->base = r.waiting[done].base;
    r.waiting[done].responder.reply(std::move(reply));
    ++done;
  }
  r.waiting.erase(r.waiting.begin(), r.waiting.begin() + static_cast<std::ptrdiff_t>(done));
}

void Broker::expire_waiting() {
  for (Replica& r : replicas_) {
    while (!r.waiting.empty() && r.waiting.front().deadline <= now()) {
      auto reply = std::make_shared<ProduceReply>();
      reply->error = Error::request_timed_out;
      r.waiting.front().responder.reply(std::move(reply));
      r.waiting.erase(r.waiting.begin());
    }
  }
}

// Kafka's ISR expiration task runs every replica.lag.time.max.ms / 2; a waiting produce is
// answered REQUEST_TIMED_OUT once its request's timeout has passed (checked every second).
sim::Task<void> Broker::run_isr_expiration() {
  sim::Duration period = options().replica_lag_time_max / 2;
  sim::Instant next_shrink = now() + period;
  for (;;) {
    co_await sim::sleep(sim::Duration::seconds(1));
    expire_waiting();
    if (now() < next_shrink) continue;
    next_shrink = now() + period;
    for (int p = 0; p < options().partitions; ++p) shrink_isr(p);
  }
}

void Broker::shrink_isr(int partition) {
  Replica& r = replica(partition);
  if (!r.leader || r.alter_pending) return;
  std::vector<int> isr;
  for (int b : r.isr) {
    const FollowerState& f = r.followers[static_cast<std::size_t>(b)];
    bool caught_up = f.leo >= log(partition).end() || now() - f.caught_up <= options().replica_lag_time_max;
    if (b == index_ || caught_up) isr.push_back(b);
  }
  if (isr.size() != r.isr.size()) request_isr(partition, std::move(isr));
}

}  // namespace queue
