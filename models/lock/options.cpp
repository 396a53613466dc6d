#include "models/lock/options.hpp"

#include <fmt/format.h>

#include <cmath>

#include "sim/scenario/param_reader.hpp"

namespace lock {
namespace {

using sim::Duration;

const Duration hour = Duration::minutes(60);

void read_design(sim::ParamReader& params, LockOptions& options) {
  std::string design = params.choice("design", {"redis", "redlock", "consensus"}, "redis");
  options.design = design == "redlock" ? Design::redlock : design == "consensus" ? Design::consensus : Design::redis;
  std::string storage = params.choice("storage", {"plain", "fenced", "cas", "txn"}, "plain");
  options.storage = storage == "fenced" ? StorageKind::fenced
                    : storage == "cas"  ? StorageKind::cas
                    : storage == "txn"  ? StorageKind::txn
                                        : StorageKind::plain;
  std::string token = params.choice("token", {"none", "incr", "counter"}, "none");
  options.token = token == "incr" ? TokenSource::incr : token == "counter" ? TokenSource::counter : TokenSource::none;
  if (options.design == Design::redlock && options.token == TokenSource::incr)
    params.fail("token",
                "Redlock has no single Redis to INCR on: use token: counter (a separate linearizable counter)");
  if (options.storage == StorageKind::txn && options.design != Design::consensus)
    params.fail("storage", "txn keeps the resource in the lock service's own store, with a guard on the lock key's "
                           "revision: it needs design: consensus");
  if (options.design == Design::consensus && options.token != TokenSource::none)
    params.fail("token", "the consensus lock's fencing token is its key's create revision: leave token out");
  if (options.storage == StorageKind::fenced && options.token == TokenSource::none &&
      options.design != Design::consensus)
    params.fail("storage", "fenced storage checks fencing tokens: give token: incr or token: counter");
  // Redlock's own default TTL and the reference's lease TTL are 10 s; the single lock's, the
  // distlock page's PX 30000.
  Duration ttl_default = options.design == Design::redis ? Duration::seconds(30) : Duration::seconds(10);
  options.ttl = params.duration("ttl", ttl_default, {Duration::milliseconds(10), hour});
}

void read_clients(sim::ParamReader& params, LockOptions& options) {
  options.clients = params.integer<int>("clients", options.clients, 1, 100);
  options.work = params.duration_dist("work", options.work);
  options.think = params.duration_dist("think", options.think);
  options.start = params.duration("start", options.start, {Duration::zero(), hour});
  options.stagger = params.duration("stagger", options.stagger, {Duration::zero(), hour});
  options.operations = params.optional_integer<int>("operations", 1, 1'000'000);
  options.acquire_timeout =
      params.duration("acquire_timeout", options.acquire_timeout, {Duration::milliseconds(1), hour});
  options.retry_delay = params.duration("retry_delay", options.retry_delay, {Duration::milliseconds(1), hour});
  options.retries = params.integer<int>("retries", options.retries, 1, 1000);
  options.redis_timeout = params.duration("redis_timeout", options.redis_timeout, {Duration::microseconds(1), hour});
  options.storage_timeout =
      params.duration("storage_timeout", options.storage_timeout, {Duration::microseconds(1), hour});
  options.check_validity = params.boolean("check_validity", options.check_validity);
  options.extend = params.boolean("extend", options.extend);
  options.max_extensions = params.integer<int>("max_extensions", options.max_extensions, 1, 1000);
  if (!options.extend && params.has("max_extensions")) params.fail("max_extensions", "applies only with extend: true");
  options.liveness_bound =
      params.optional_duration("liveness_bound", {Duration::milliseconds(1), Duration::minutes(24 * 60)});
}

void read_redlock(sim::ParamReader& params, LockOptions& options) {
  if (options.design != Design::redlock) {
    if (params.has("redlock")) params.fail("redlock", "applies only with design: redlock");
    return;
  }
  sim::ParamReader section = params.section("redlock");
  RedlockOptions& r = options.redlock;
  r.nodes = section.integer<int>("nodes", r.nodes, 1, 15);
  r.node_timeout = section.duration("node_timeout", r.node_timeout, {Duration::microseconds(1), hour});
  r.drift_factor = section.real("drift_factor", r.drift_factor, 0.0, 0.5);
  r.drift_min = section.duration("drift_min", r.drift_min, {Duration::zero(), hour});
  r.naive = section.boolean("naive", r.naive);
  section.finish();
}

void read_consensus(sim::ParamReader& params, LockOptions& options) {
  if (options.design != Design::consensus) {
    if (params.has("consensus")) params.fail("consensus", "applies only with design: consensus");
    return;
  }
  sim::ParamReader section = params.section("consensus");
  options.consensus.members = section.integer<int>("members", options.consensus.members, 1, 9);
  options.consensus.request_timeout =
      section.duration("request_timeout", options.consensus.request_timeout, {Duration::milliseconds(1), hour});
  section.finish();
}

void read_redis(sim::ParamReader& params, LockOptions& options) {
  if (options.design == Design::consensus) {
    if (params.has("redis")) params.fail("redis", "the consensus lock uses no Redis");
    return;
  }
  sim::ParamReader section = params.section("redis");
  options.redis = redis::read_redis_options(section);
  if (options.redis.masters != 1)
    params.fail("redis",
                "a lock lives on one master: leave masters at 1 (Redlock's independent nodes are redlock.nodes)");
  if (options.design == Design::redlock && options.redis.replicas > 0)
    params.fail("redis", "Redlock's nodes are independent masters without replicas: leave replicas at 0");
}

}  // namespace

sim::Duration LockOptions::drift() const {
  auto scaled = static_cast<std::int64_t>(std::floor(static_cast<double>(ttl.ms()) * redlock.drift_factor));
  return Duration::milliseconds(scaled) + redlock.drift_min;
}

LockOptions read_options(sim::ParamReader& params) {
  LockOptions options;
  read_design(params, options);
  read_clients(params, options);
  read_redlock(params, options);
  read_consensus(params, options);
  read_redis(params, options);
  params.finish();
  return options;
}

const char* to_string(Design design) {
  switch (design) {
    case Design::redis: return "redis";
    case Design::redlock: return "redlock";
    case Design::consensus: return "consensus";
  }
  return "?";
}

const char* to_string(StorageKind storage) {
  switch (storage) {
    case StorageKind::plain: return "plain";
    case StorageKind::fenced: return "fenced";
    case StorageKind::cas: return "cas";
    case StorageKind::txn: return "txn";
  }
  return "?";
}

const char* to_string(TokenSource token) {
  switch (token) {
    case TokenSource::none: return "none";
    case TokenSource::incr: return "incr";
    case TokenSource::counter: return "counter";
  }
  return "?";
}

std::vector<std::pair<std::string, std::string>> describe(const LockOptions& options) {
  std::vector<std::pair<std::string, std::string>> rows;
  rows.emplace_back("design", to_string(options.design));
  rows.emplace_back("storage", to_string(options.storage));
  rows.emplace_back("token", to_string(options.token));
  rows.emplace_back("clients", std::to_string(options.clients));
  rows.emplace_back("ttl", sim::to_string(options.ttl));
  rows.emplace_back("work", options.work.describe());
  rows.emplace_back("think", options.think.describe());
  rows.emplace_back("start",
                    fmt::format("{} (stagger {})", sim::to_string(options.start), sim::to_string(options.stagger)));
  rows.emplace_back("operations", options.operations ? std::to_string(*options.operations) : "until the end");
  rows.emplace_back("acquire_timeout", sim::to_string(options.acquire_timeout));
  rows.emplace_back("retry_delay", "U[0, " + sim::to_string(options.retry_delay) + ")");
  if (options.design == Design::redlock) rows.emplace_back("retries", std::to_string(options.retries));
  rows.emplace_back("redis_timeout", sim::to_string(options.redis_timeout));
  rows.emplace_back("check_validity", options.check_validity ? "yes" : "no");
  rows.emplace_back("extend", options.extend ? fmt::format("every ttl/3, at most {}", options.max_extensions) : "no");
  rows.emplace_back("liveness_bound", sim::to_string(options.liveness()));
  if (options.design == Design::redlock) {
    const RedlockOptions& r = options.redlock;
    rows.emplace_back("redlock.nodes", fmt::format("{} (quorum {})", r.nodes, r.nodes / 2 + 1));
    rows.emplace_back("redlock.node_timeout", sim::to_string(r.node_timeout));
    rows.emplace_back("redlock.drift", fmt::format("{} (ttl x {} + {})", sim::to_string(options.drift()),
                                                   r.drift_factor, sim::to_string(r.drift_min)));
    rows.emplace_back("redlock.naive", r.naive ? "yes (no elapsed-time check)" : "no");
  }
  if (options.design == Design::consensus) {
    rows.emplace_back("consensus.members", std::to_string(options.consensus.members));
    rows.emplace_back("consensus.request_timeout", sim::to_string(options.consensus.request_timeout));
    rows.emplace_back("consensus.raft", "elections after 1-2s, heartbeats every 100ms, check_quorum (etcd's defaults)");
    return rows;
  }
  for (auto& [key, value] : redis::describe(options.redis)) rows.emplace_back("redis." + key, value);
  return rows;
}

}  // namespace lock
