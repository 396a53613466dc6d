#include "models/postgres/server/wal_receiver.hpp"

#include <memory>

#include "models/postgres/server/node_timer.hpp"

namespace postgres {

WalReceiver::WalReceiver(sim::World& world, sim::NodeId self, const ServerOptions& options, Timelines& timelines,
                         Wal& wal, std::function<void(std::uint64_t)> replay)
    : world_(world),
      self_(self),
      incarnation_(world.node(self).incarnation()),
      options_(options),
      timelines_(timelines),
      wal_(wal),
      replay_(std::move(replay)),
      replay_rng_(world.rng("postgres/" + world.node(self).name() + "/replay")
                      .derive("incarnation/" + std::to_string(incarnation_))),
      applied_(wal.appended()),
      last_received_(mono_now()),
      last_status_(mono_now()) {}

sim::MonoTime WalReceiver::mono_now() const { return world_.node(self_).clock().mono(world_.now()); }

void WalReceiver::follow(sim::NodeId primary) {
  if (stopped_ || primary == primary_) return;
  primary_ = primary;
  refused_ = false;
  world_.trace().record(world_.now(), self_, "postgres.follow",
                        primary == sim::no_node ? std::string("nobody") : world_.node(primary).name());
  ask();
}

void WalReceiver::ask() {
  last_received_ = mono_now();
  if (primary_ == sim::no_node || refused_) return;
  auto start = std::make_shared<StartReplication>();
  start->timeline = timelines_.current;
  start->written = wal_.appended();
  world_.network().send(self_, primary_, std::move(start));
}

void WalReceiver::on_data(sim::NodeId from, const WalData& data) {
  if (stopped_ || from != primary_) return;
  last_received_ = mono_now();
  if (data.refused) {
    refused_ = true;
    world_.trace().record(world_.now(), self_, "postgres.refused_stream", world_.node(from).name());
    return;
  }
  if (data.first > wal_.appended() + 1) {  // a batch was lost: ask again from what was written
    ask();
    return;
  }
  if (data.timeline > timelines_.current) {
    // Following a promoted primary: what came before its branch point is this standby's too.
    timelines_.current = data.timeline;
    world_.node(self_).disk().write("postgres/timeline", std::to_string(data.timeline));
  }
  for (std::uint64_t i = 0; i < data.records.size(); ++i) {
    std::uint64_t lsn = data.first + i;
    if (lsn <= wal_.appended()) continue;  // sent again: already written
    wal_.write_received(lsn, data.records[i]);
  }
  send_status();
  wal_.flush();
}

void WalReceiver::on_flushed(std::uint64_t) {
  send_status();
  replay_next();
}

void WalReceiver::replay_next() {
  if (replaying_ || stopped_ || applied_ >= wal_.flushed()) return;
  replaying_ = true;
  after_on_node(world_, self_, incarnation_, options_.replay_time.sample(replay_rng_), [this] {
    replaying_ = false;
    if (stopped_ || applied_ >= wal_.flushed()) return;
    replay_(++applied_);
    if (applied_ == wal_.flushed()) send_status();
    replay_next();
  });
}

void WalReceiver::send_status() {
  last_status_ = mono_now();
  if (primary_ == sim::no_node) return;
  auto status = std::make_shared<StandbyStatus>();
  status->written = wal_.appended();
  status->flushed = wal_.flushed();
  status->applied = applied_;
  world_.network().send(self_, primary_, std::move(status));
}

void WalReceiver::tick() {
  if (stopped_) return;
  sim::MonoTime now = mono_now();
  if (now - last_received_ >= options_.wal_receiver_timeout) {
    ask();
    return;
  }
  if (now - last_status_ >= options_.wal_receiver_status_interval) send_status();
}

void WalReceiver::resume() {
  stopped_ = false;
  primary_ = sim::no_node;
  applied_ = wal_.appended();
  last_received_ = mono_now();
}

void WalReceiver::finish_recovery() {
  stopped_ = true;
  while (applied_ < wal_.appended()) replay_(++applied_);
}

}  // namespace postgres
