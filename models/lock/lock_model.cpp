#include "models/lock/lock_model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "models/lock/checks.hpp"
#include "models/lock/client.hpp"
#include "models/lock/pictures.hpp"
#include "models/etcd/member.hpp"
#include "models/raft/observer.hpp"
#include "models/lock/storage.hpp"
#include "sim/kernel/assert.hpp"

namespace lock {

void LockModel::configure(sim::ParamReader& params) { options_ = read_options(params); }

std::vector<std::string> LockModel::check_names() const { return lock::check_names(); }

namespace {

// storage: txn. The store decides a guarded write when it applies it; the first member to apply
// an index reports the decision (every member decides the same), so writes are recorded in log
// order, with the state machine's answer.
class GuardedWrites final : public raft::Observer {
public:
  explicit GuardedWrites(Context& context) : context_(context) {}

  void on_elected(sim::NodeId, raft::Term, sim::Instant) override {}

  void on_applied(sim::NodeId node, std::uint32_t, raft::Index index, const raft::Entry& entry,
                  const std::string& result, sim::Instant) override {
    if (entry.kind != raft::EntryKind::command || entry.command.rfind("guarded_put ", 0) != 0) return;
    if (index <= last_recorded_) return;
    last_recorded_ = index;
    std::istringstream in(entry.command);
    std::string verb, key, tag;
    etcd::Revision revision = 0;
    in >> verb >> key >> revision >> tag;
    std::optional<std::pair<int, std::uint64_t>> writer = read_txn_tag(tag);
    if (!writer) return;
    bool accepted = result == "accepted";  // every member's state machine answers the same
    std::string reason = accepted ? fmt::format("the lock key {} still had revision {}", key, revision)
                                  : fmt::format("the lock key {} with revision {} was gone", key, revision);
    context_.recorder->storage_decided(
        WriteRecord{sim::Instant::zero(), writer->first, writer->second, revision, accepted, reason});
    context_.world.trace().record(context_.world.now(), node, accepted ? "storage.accepted" : "storage.refused",
                                  fmt::format("{} epoch {} token {}: {}", context_.options.client_name(writer->first),
                                              writer->second, revision, reason));
  }

private:
  Context& context_;
  raft::Index last_recorded_ = 0;
};

}  // namespace

void LockModel::build_consensus(sim::World& world) {
  for (int i = 0; i < options_.consensus.members; ++i)
    context_->members.push_back(world.add_node("etcd-" + std::to_string(i + 1), {"etcd", "lock-service"}));
  etcd::install_service(world, context_->members, etcd::ServiceOptions{}, std::make_shared<GuardedWrites>(*context_));
}

// What became of a consensus grant, judged from what the service has committed: read from the
// most up-to-date member that is up, once that member has applied past the key's revision. A
// member that has not (a follower holding the entry that has not yet learned it committed, while
// a leader change is under way) tells nothing yet: the key is not in its state machine, but the
// next leader commits it.
std::pair<std::string, std::string> consensus_fate(const Context& context, const Grant& grant) {
  const etcd::Member* newest = nullptr;
  for (sim::NodeId node : context.members) {
    const etcd::Member* member = etcd::member_of(context.world, node);
    if (member && (!newest || member->state().revision() > newest->state().revision())) newest = member;
  }
  if (!newest || newest->state().revision() < grant.token || newest->state().has_key(grant.value)) return {};
  if (newest->state().leases().count(etcd::lease_of_key(grant.value)) == 0)
    return {"expired",
            "its lease expired on the service's leader (by the leader's monotonic clock) and was revoked with its key"};
  return {"lost", "its key was deleted while its lease lived"};
}

void LockModel::build_redis(sim::World& world) {
  if (options_.design == Design::redlock) {
    for (int i = 0; i < options_.redlock.nodes; ++i) {
      auto deployment = std::make_shared<redis::Deployment>(options_.redis, "redis", i);
      deployment->add_role("lock-service");
      deployment->build(world);
      context_->lock_redis.push_back(std::move(deployment));
    }
  } else {
    auto deployment = std::make_shared<redis::Deployment>(options_.redis, "redis");
    deployment->add_role("lock-service");
    deployment->build(world);
    context_->lock_redis.push_back(std::move(deployment));
  }
  if (options_.token == TokenSource::counter) {
    redis::RedisOptions counter;
    counter.persistence = redis::Persistence::always;
    context_->counter = std::make_shared<redis::Deployment>(counter, "counter");
    context_->counter->build(world);
  }
}

void LockModel::build(sim::World& world, sim::Duration) {
  SIM_ASSERT(!context_, "the lock model was built twice");
  context_ = std::make_shared<Context>(Context{world, options_, {}, nullptr, sim::no_node, nullptr, {}, {}});
  if (options_.design == Design::consensus) build_consensus(world);
  else build_redis(world);
  context_->storage = world.add_node("storage", {"storage"});
  auto state = std::make_shared<StorageState>();
  world.node(context_->storage).set_boot([context = context_, state] { boot_storage(context, state); });

  std::vector<std::string> names;
  for (int i = 0; i < options_.clients; ++i) {
    names.push_back(options_.client_name(i));
    context_->clients.push_back(world.add_node(names.back(), {"client"}));
  }
  int quorum = static_cast<int>(context_->lock_redis.size()) / 2 + 1;
  context_->recorder = std::make_shared<Recorder>(world, names, quorum, options_.liveness());
  context_->recorder->watch(context_->lock_redis, options_.ttl);
  if (options_.design == Design::consensus) {
    context_->recorder->watch(
        [context = context_.get()](const Grant& grant) { return consensus_fate(*context, grant); });
  }
  for (int i = 0; i < options_.clients; ++i)
    world.node(context_->clients[static_cast<std::size_t>(i)]).set_boot([context = context_, i] {
      Client::boot(context, i);
    });
  world.on_crash([context = context_](sim::NodeId node) {
    for (std::size_t i = 0; i < context->clients.size(); ++i)
      if (context->clients[i] == node) context->recorder->client_crashed(static_cast<int>(i));
  });
}

sim::Table LockModel::client_table() const {
  const Observations& o = observations();
  sim::Table table;
  table.title = "Clients";
  table.columns = {"client", "attempts", "grants", "gave up acquiring", "writes accepted", "writes refused"};
  for (std::size_t c = 0; c < o.client_names.size(); ++c) {
    auto client = static_cast<int>(c);
    auto attempts =
        std::count_if(o.attempts.begin(), o.attempts.end(), [&](const Attempt& a) { return a.client == client; });
    auto gave_up = std::count_if(o.attempts.begin(), o.attempts.end(),
                                 [&](const Attempt& a) { return a.client == client && !a.acquired && a.gave_up; });
    auto grants = std::count_if(o.grants.begin(), o.grants.end(), [&](const Grant& g) { return g.client == client; });
    auto accepted = std::count_if(o.writes.begin(), o.writes.end(),
                                  [&](const WriteRecord& w) { return w.client == client && w.accepted; });
    auto refused = std::count_if(o.writes.begin(), o.writes.end(),
                                 [&](const WriteRecord& w) { return w.client == client && !w.accepted; });
    table.rows.push_back({o.client_names[c], std::to_string(attempts), std::to_string(grants), std::to_string(gave_up),
                          std::to_string(accepted), std::to_string(refused)});
  }
  return table;
}

namespace {

std::string stale_write_advice(const LockOptions& options) {
  switch (options.storage) {
    case StorageKind::plain:
      return "The storage took every write. A fencing token from a durable, linearizable counter, checked by the "
             "storage (refuse a token lower than the highest seen), turns the late holder's write away; no lock alone "
             "can stop a paused or delayed holder.";
    case StorageKind::cas:
      return "The check-and-set storage took the late holder's write: its claim is itself a write, which the "
             "storage takes from whoever comes last, and a random value says nothing of which grant is newer. Fence "
             "with tokens that grow with each grant (storage: fenced, tokens from a durable, linearizable counter or "
             "the lock service's revision).";
    case StorageKind::fenced:
    case StorageKind::txn: break;
  }
  if (options.token == TokenSource::incr)
    return "The token came from the same Redis that lost the lock, so it went backwards with it: take tokens from a "
           "durable, linearizable counter (token: counter).";
  return "The storage's check did not separate the two holders: fence with monotonic tokens from a linearizable "
         "counter.";
}

// A single Redis with a replica and Sentinel: what a failover loses, and what bounds it.
std::string lost_on_failover_advice(const redis::RedisOptions& redis) {
  std::string advice =
      "Redis acknowledged the lock and then lost it in a failover: replication is asynchronous, so the promoted "
      "replica lacks what it had not received, and an old master cut off from Sentinel keeps acknowledging the "
      "clients that still reach it until it rejoins as a replica and drops it all. ";
  if (redis.min_replicas_to_write == 0)
    return advice +
           "min-replicas-to-write 1 with min-replicas-max-lag bounds that window (the cut-off master refuses writes "
           "once its replica's acknowledgements are older than the lag), at the cost of refusing writes; fence the "
           "storage either way.";
  return advice + "min-replicas-to-write bounds the window to min-replicas-max-lag but cannot close it: fence the "
                  "storage with tokens from a linearizable counter.";
}

}  // namespace

std::string prevention(const LockOptions& options, const sim::Findings& findings) {
  auto violated = [&](std::string_view name) {
    for (const sim::CheckResult& check : findings.checks)
      if (check.name == name && !check.held) return true;
    return false;
  };
  if (violated("stale_writes")) return stale_write_advice(options);
  if (violated("lost_acknowledged_writes")) {
    if (options.design == Design::consensus)
      return "The lock service acknowledged a lock key it had committed and then lost it while its lease lived. A "
             "Raft group keeps a committed entry only while a majority of its members keep what they acknowledged: "
             "each must sync its log before it answers, and none may rejoin with an older disk. Fence the storage "
             "with the key's revision either way.";
    if (options.design == Design::redis && options.redis.failover.enabled && options.redis.replicas > 0)
      return lost_on_failover_advice(options.redis);
    return "Redis acknowledged the lock and then lost it. Use appendfsync always, or keep a crashed node down for more "
           "than the TTL before it rejoins; with asynchronous replication a failover can always lose it.";
  }
  if (violated("overlapping_holders"))
    return "Two clients believed they held the lock; a lock service cannot prevent that under pauses, delays or clock "
           "jumps. Safety must come from the storage checking fencing tokens.";
  if (violated("liveness"))
    return "Nobody could take the lock after the faults ended: shorter TTLs, or a release that reaches the lock.";
  return "";
}

sim::Findings LockModel::finish(sim::World&, const sim::FaultActivity& faults) {
  context_->recorder->settle();
  const Observations& o = observations();
  sim::Findings findings;
  findings.checks.push_back(OverlapCheck{}.run(o));
  findings.checks.push_back(StaleWriteCheck{}.run(o));
  findings.checks.push_back(LostWriteCheck{}.run(o));
  findings.checks.push_back(LivenessCheck{}.run(o, faults));
  findings.measures["grants"] = static_cast<double>(o.grants.size());
  findings.measures["attempts"] = static_cast<double>(o.attempts.size());
  findings.tables.push_back(client_table());
  findings.intervals = belief_intervals(o);
  findings.prevention = prevention(options_, findings);
  return findings;
}

}  // namespace lock
