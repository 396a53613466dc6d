#include "models/etcd/member.hpp"

#include <fmt/format.h>

#include "sim/kernel/spawn.hpp"

namespace etcd {
namespace {

std::unique_ptr<LockState> fresh_state(LockState*& out) {
  auto state = std::make_unique<LockState>();
  out = state.get();
  return state;
}

}  // namespace

std::string KeepAliveReply::describe() const {
  switch (status) {
    case Status::renewed: return "KeepAlive renewed " + sim::to_string(ttl);
    case Status::lease_not_found: return "KeepAlive lease not found";
    case Status::not_leader: return "KeepAlive not leader";
    case Status::not_ready: return "KeepAlive not ready";
  }
  return "KeepAlive ?";
}

Member::Member(sim::World& world, sim::NodeId self, std::vector<sim::NodeId> members, const ServiceOptions& options,
               std::shared_ptr<raft::Observer> observer)
    : world_(world),
      self_(self),
      options_(options),
      state_(nullptr),
      server_(world, self, std::move(members), options.raft, fresh_state(state_), std::move(observer)) {
  SIM_ASSERT(options_.expiry_check_interval > sim::Duration::zero(), "expiry_check_interval must be positive");
}

void Member::start() {
  state_->set_listener([this](const Change& change) { on_change(change); });
  server_.raft().set_role_listener([this](raft::Role role, raft::Term) { on_role(role); });
  server_.set_extra_handler([this](const sim::RpcRequest& request, sim::Responder& responder) {
    return receive(request, responder);
  });
  server_.start();
  sim::spawn(world_.executor(self_), run_expiry());
}

sim::MonoTime Member::mono_now() const { return world_.node(self_).clock().mono(world_.now()); }

bool Member::receive(const sim::RpcRequest& request, sim::Responder& responder) {
  if (const auto* keep = dynamic_cast<const KeepAliveRequest*>(request.body.get())) {
    on_keep_alive(*keep, std::move(responder));
    return true;
  }
  if (const auto* watch = dynamic_cast<const WatchDeleteRequest*>(request.body.get())) {
    on_watch(*watch, std::move(responder));
    return true;
  }
  return false;
}

void Member::on_keep_alive(const KeepAliveRequest& request, sim::Responder responder) {
  auto reply = std::make_shared<KeepAliveReply>();
  if (server_.raft().role() != raft::Role::leader) {
    reply->leader_hint = server_.raft().leader();
  } else if (!server_.raft().leader_ready() || !server_.raft().has_fresh_quorum()) {
    // It may not have applied the lease's grant yet ("not found" would be false), or it may
    // have been deposed without knowing it (a renewal would outlive its leadership).
    reply->status = KeepAliveReply::Status::not_ready;
  } else if (lessor_.renew(*state_, request.lease, mono_now())) {
    reply->status = KeepAliveReply::Status::renewed;
    reply->ttl = state_->leases().at(request.lease).ttl;
  } else {
    reply->status = KeepAliveReply::Status::lease_not_found;
  }
  responder.reply(std::move(reply));
}

void Member::on_watch(const WatchDeleteRequest& request, sim::Responder responder) {
  if (!state_->has_key(request.key)) {
    auto reply = std::make_shared<WatchDeleteReply>();
    reply->revision = state_->revision();
    responder.reply(std::move(reply));
    return;
  }
  watchers_[request.key].push_back(std::move(responder));
}

void Member::on_change(const Change& change) {
  switch (change.kind) {
    case Change::Kind::lease_granted:
      lessor_.on_granted(change.lease, state_->leases().at(change.lease).ttl, mono_now());
      break;
    case Change::Kind::lease_revoked:
      lessor_.on_revoked(change.lease);
      break;
    case Change::Kind::key_created:
      break;
    case Change::Kind::key_deleted: {
      auto it = watchers_.find(change.key);
      if (it == watchers_.end()) break;
      std::vector<sim::Responder> waiting = std::move(it->second);
      watchers_.erase(it);
      for (sim::Responder& responder : waiting) {
        auto reply = std::make_shared<WatchDeleteReply>();
        reply->revision = change.revision;
        responder.reply(std::move(reply));
      }
      break;
    }
  }
}

void Member::on_role(raft::Role role) {
  if (role != raft::Role::leader) return;
  lessor_.promote(*state_, mono_now());
  world_.trace().record(world_.now(), self_, "etcd.promote",
                        fmt::format("{} leases refreshed to a full TTL", state_->leases().size()));
}

sim::Task<void> Member::run_expiry() {
  for (;;) {
    co_await sim::sleep(options_.expiry_check_interval);
    if (!server_.raft().leader_ready() || !server_.raft().has_fresh_quorum()) continue;
    for (LeaseId lease : lessor_.take_expired(mono_now())) sim::spawn(world_.executor(self_), revoke_expired(lease));
  }
}

sim::Task<void> Member::revoke_expired(LeaseId lease) {
  world_.trace().record(world_.now(), self_, "etcd.lease_expired", std::to_string(lease));
  co_await server_.raft().propose(revoke_command(lease), sim::use_awaitable);
  lessor_.revocation_done(lease);
}

void install_service(sim::World& world, const std::vector<sim::NodeId>& members, const ServiceOptions& options,
                     std::shared_ptr<raft::Observer> observer) {
  for (sim::NodeId node : members) {
    world.node(node).set_boot([&world, node, members, options, observer] {
      auto member = std::make_shared<Member>(world, node, members, options, observer);
      world.node(node).set_process(member);
      member->start();
    });
  }
}

Member* member_of(sim::World& world, sim::NodeId node) { return world.node(node).process<Member>(); }

}  // namespace etcd
