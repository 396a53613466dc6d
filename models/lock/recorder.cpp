#include "models/lock/recorder.hpp"

#include <fmt/format.h>

#include "models/redis/server/server.hpp"
#include "sim/kernel/assert.hpp"

namespace lock {

Recorder::Recorder(sim::World& world, std::vector<std::string> client_names, int quorum, sim::Duration liveness_bound)
    : world_(world) {
  observations_.client_names = std::move(client_names);
  observations_.quorum = quorum;
  observations_.liveness_bound = liveness_bound;
}

std::size_t Recorder::attempt_started(int client) {
  observations_.attempts.push_back(Attempt{client, world_.now(), std::nullopt, std::nullopt});
  return observations_.attempts.size() - 1;
}

void Recorder::attempt_gave_up(std::size_t attempt) { observations_.attempts.at(attempt).gave_up = world_.now(); }

void Recorder::attempt_acquired(std::size_t attempt) {
  Attempt& a = observations_.attempts.at(attempt);
  a.acquired = world_.now();
  world_.record_latency(acquire_latency, world_.now() - a.started);
}

std::uint64_t Recorder::granted(std::size_t attempt, Grant grant, bool token_follows) {
  examine_open_grants();
  grant.epoch = observations_.grants.size() + 1;
  grant.attempt_started = observations_.attempts.at(attempt).started;
  grant.granted = world_.now();
  world_.trace().record(world_.now(), client_node(grant.client), "lock.granted",
                        fmt::format("epoch {} token {} valid until {}", grant.epoch,
                                    token_follows ? "pending" : std::to_string(grant.token),
                                    sim::to_string(grant.valid_until - sim::Instant::zero())));
  observations_.grants.push_back(std::move(grant));
  return observations_.grants.back().epoch;
}

void Recorder::token_fetched(std::uint64_t epoch, std::int64_t token) {
  Grant& grant = observations_.grants.at(epoch - 1);
  grant.token = token;
  world_.trace().record(world_.now(), client_node(grant.client), "lock.token",
                        fmt::format("epoch {} token {}", epoch, token));
}

sim::NodeId Recorder::client_node(int client) const {
  return world_.find_node(observations_.client_names.at(static_cast<std::size_t>(client))).value_or(sim::no_node);
}

void Recorder::watch(std::vector<std::shared_ptr<redis::Deployment>> deployments, sim::Duration ttl) {
  deployments_ = std::move(deployments);
  ttl_ms_ = ttl.ms();
  for (std::size_t d = 0; d < deployments_.size(); ++d)
    deployments_[d]->watch_commands(
        [this, d](sim::NodeId node, const std::vector<std::string>& argv) { command_run(d, node, argv); });
}

void Recorder::command_run(std::size_t deployment, sim::NodeId node, const std::vector<std::string>& argv) {
  // The lock's commands: SET key value NX PX ttl, and EVAL script 1 key value [ttl] (release,
  // renewal). Whichever left the key holding the value set its deadline now, on this server.
  if (argv.size() < 3) return;
  bool set = argv[0] == "SET";
  if (!set && (argv[0] != "EVAL" || argv.size() < 5)) return;
  const std::string& key = set ? argv[1] : argv[3];
  const std::string& value = set ? argv[2] : argv[4];
  const redis::Server* server = deployments_.at(deployment)->server(node);
  if (server == nullptr || server->stored_value(key) != value) return;
  executions_[{node, value}] = Execution{world_.now(), wall_ms(node) + ttl_ms_};
}

std::optional<Recorder::Execution> Recorder::execution(sim::NodeId node, const std::string& value) const {
  auto it = executions_.find({node, value});
  if (it == executions_.end()) return std::nullopt;
  return it->second;
}

void Recorder::extended(std::uint64_t epoch, sim::Instant valid_until, const std::vector<Holder>& holders) {
  Grant& grant = observations_.grants.at(epoch - 1);
  grant.valid_until = valid_until;
  for (const Holder& renewed : holders) {
    for (Holder& h : grant.holders) {
      if (h.deployment == renewed.deployment && h.fate.empty()) {
        h.set_at = renewed.set_at;
        h.acked_at = renewed.acked_at;
        h.deadline_wall_ms = renewed.deadline_wall_ms;
      }
    }
  }
}

void Recorder::ended(std::uint64_t epoch, std::string reason) {
  Grant& grant = observations_.grants.at(epoch - 1);
  if (grant.ended) return;
  examine(grant);
  grant.ended = world_.now();
  grant.end_reason = std::move(reason);
}

void Recorder::client_crashed(int client) {
  for (Grant& grant : observations_.grants)
    if (grant.client == client && !grant.ended) ended(grant.epoch, "crashed");
  for (Attempt& attempt : observations_.attempts)
    if (attempt.client == client && !attempt.acquired && !attempt.gave_up) attempt.gave_up = world_.now();
}

void Recorder::storage_decided(WriteRecord write) {
  write.at = world_.now();
  observations_.writes.push_back(std::move(write));
}

void Recorder::settle() {
  examine_open_grants();
  for (Grant& grant : observations_.grants)
    if (!grant.ended) {
      grant.ended = world_.now();
      grant.end_reason = "run ended";
    }
  observations_.run_end = world_.now();
}

std::int64_t Recorder::wall_ms(sim::NodeId node) const {
  return world_.node(node).clock().wall(world_.now()).unix_ms();
}

void Recorder::examine_open_grants() {
  for (Grant& grant : observations_.grants)
    if (!grant.ended) examine(grant);
}

void Recorder::examine(Grant& grant) {
  if (probe_ && grant.fate.empty()) {
    auto [fate, detail] = probe_(grant);
    if (!fate.empty()) {
      grant.fate = fate;
      grant.fate_detail = detail;
      grant.fate_at = world_.now();
    }
  }
  for (Holder& h : grant.holders)
    if (h.fate.empty()) examine(grant, h);
}

// The key's fate on the server that serves it now, by that server's wall clock against the
// deadline the SET set: past it, expired (early if the server's clock ran ahead of true time);
// gone before it, lost.
void Recorder::examine(const Grant& grant, Holder& h) {
  const redis::Deployment& deployment = *deployments_.at(static_cast<std::size_t>(h.deployment));
  sim::NodeId serving = deployment.route(grant.key);
  const redis::Server* server = deployment.server(serving);
  if (server == nullptr) return;  // down: what it holds is unknown until it is back
  const std::string& name = world_.node(serving).name();
  bool present = server->stored_value(grant.key) == grant.value;
  if (wall_ms(serving) > h.deadline_wall_ms) {
    sim::Instant due = h.set_at + sim::Duration::milliseconds(h.ttl_ms);
    h.fate = "expired";
    h.fate_at = world_.now();
    h.fate_detail = world_.now() < due ? fmt::format(
                                             "the key expired on {} by its wall clock at least {} before its TTL had "
                                             "passed in true time",
                                             name, sim::to_string(due - world_.now()))
                                       : fmt::format("the key expired on {} after its TTL", name);
    return;
  }
  if (present) return;
  h.fate = "lost";
  h.fate_at = world_.now();
  if (serving != h.node) {
    h.fate_detail = fmt::format("failover made {} the master, and it never had the key", name);
  } else if (world_.node(serving).incarnation() != h.incarnation) {
    h.fate_detail = fmt::format("{} restarted and came back without the key", name);
  } else {
    h.fate_detail = fmt::format("the key vanished from {}", name);
  }
}

}  // namespace lock
