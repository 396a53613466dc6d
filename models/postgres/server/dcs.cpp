#include "models/postgres/server/dcs.hpp"

#include <memory>

namespace postgres {

std::string DcsRequest::describe() const {
  const char* verb = action == Action::read ? "read" : action == Action::acquire ? "acquire" : "update";
  return std::string(verb) + " by " + member + " at " + std::to_string(position);
}

std::string DcsReply::describe() const {
  return (done ? "done, leader " : "refused, leader ") + (leader.empty() ? std::string("none") : leader);
}

KeyService::KeyService(sim::World& world, sim::NodeId self, sim::Duration ttl, std::string first_leader)
    : world_(world), self_(self), ttl_(ttl) {
  if (!first_leader.empty())
    leader_ = Entry{std::move(first_leader), 0, world.node(self).clock().mono(world.now()) + ttl};
}

void KeyService::boot(sim::World& world, sim::NodeId node, sim::Duration ttl, std::string first_leader) {
  // Only the first boot finds the bootstrap's key: nothing of the store outlives a crash.
  if (world.node(node).incarnation() > 0) first_leader.clear();
  auto service = std::make_shared<KeyService>(world, node, ttl, std::move(first_leader));
  KeyService* raw = service.get();
  world.node(node).set_process(std::move(service));
  world.rpc().serve(node, [raw](const sim::RpcRequest& request, sim::Responder responder) {
    raw->on_request(request, std::move(responder));
  });
}

void KeyService::expire(sim::MonoTime now) {
  if (leader_ && now >= leader_->expires) {
    world_.trace().record(world_.now(), self_, "dcs.leader_expired", leader_->value);
    leader_.reset();
  }
  std::erase_if(members_, [now](const auto& member) { return now >= member.second.expires; });
}

void KeyService::on_request(const sim::RpcRequest& request, sim::Responder responder) {
  const auto* ask = dynamic_cast<const DcsRequest*>(request.body.get());
  if (!ask) return;
  sim::MonoTime now = world_.node(self_).clock().mono(world_.now());
  expire(now);
  members_[ask->member] = Entry{ask->member, ask->position, now + ttl_};
  auto reply = std::make_shared<DcsReply>();
  reply->done = ask->action == DcsRequest::Action::read;
  if (ask->action == DcsRequest::Action::acquire && !leader_) {
    leader_ = Entry{ask->member, ask->position, now + ttl_};
    reply->done = true;
    world_.trace().record(world_.now(), self_, "dcs.leader_acquired", ask->member);
  } else if (ask->action == DcsRequest::Action::update && leader_ && leader_->value == ask->member) {
    leader_->expires = now + ttl_;
    leader_->position = ask->position;
    reply->done = true;
  }
  if (leader_) {
    reply->leader = leader_->value;
    reply->leader_position = leader_->position;
  }
  for (const auto& [name, member] : members_) reply->members[name] = member.position;
  responder.reply(std::move(reply));
}

}  // namespace postgres
