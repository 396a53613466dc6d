#include "models/scheduler/election.hpp"

#include "models/etcd/lock_client.hpp"
#include "models/scheduler/io.hpp"
#include "sim/kernel/spawn.hpp"

namespace scheduler {
namespace {

class NodeClock {
public:
  NodeClock(Context& context, int index)
      : context_(context), node_(context.schedulers.at(static_cast<std::size_t>(index))) {}
  sim::MonoTime mono() const { return context_.world.node(node_).clock().mono(context_.world.now()); }
  sim::Executor ex() const { return context_.world.executor(node_); }
  const std::string& name() const { return context_.world.node(node_).name(); }

protected:
  Context& context_;
  sim::NodeId node_;
};

class ClientGoElection final : public LeaderElection, NodeClock {
public:
  ClientGoElection(Context& context, int index) : NodeClock(context, index) {}

  sim::Task<void> step() override {
    const SchedulerOptions& o = context_.options;
    Request get;
    get.op = Op::lease_get;
    sim::MonoTime began = mono();
    std::shared_ptr<const Response> record = co_await call(context_, ex(), context_.store, get);
    if (!record) {
      give_up_if_late();
      co_return;
    }
    if (record->number != observed_version_) {
      observed_version_ = record->number;
      observed_at_ = began;
    }
    bool mine = record->holder == name();
    bool expired = record->holder.empty() || mono() >= observed_at_ + o.lease_duration;
    if (!mine && !expired) {
      give_up_if_late();
      co_return;
    }
    Request update;
    update.op = Op::lease_update;
    update.task = name();
    update.number = record->number;
    std::shared_ptr<const Response> answer = co_await call(context_, ex(), context_.store, update);
    if (!answer || !answer->ok) {
      give_up_if_late();
      co_return;
    }
    observed_version_ = answer->number;
    observed_at_ = began;
    renewed_at_ = began;
    held_ = true;
  }

  // IsLeader is a flag the elector clears when its renew loop gives up, not a clock reading:
  // the controller acts on it until then.
  bool leads() const override { return held_; }

private:
  void give_up_if_late() {
    if (held_ && mono() >= renewed_at_ + context_.options.renew_deadline) held_ = false;
  }

  std::int64_t observed_version_ = -1;
  sim::MonoTime observed_at_;
  sim::MonoTime renewed_at_;
  bool held_ = false;
};

class EtcdElection final : public LeaderElection, NodeClock {
public:
  EtcdElection(Context& context, int index)
      : NodeClock(context, index), client_(context.world, node_, context.members, lock_options(context.options)) {}

  sim::Task<void> step() override {
    if (client_.believes_held()) co_return;             // renewed in the background
    if (holding_) held_until_ = client_.valid_until();  // before a new lease moves it
    holding_ = false;
    std::optional<etcd::Grant> grant = co_await client_.acquire("/scheduler/leader");
    if (grant) token_ = grant->token;
    holding_ = grant.has_value();
  }

  bool leads() const override { return client_.believes_held(); }
  std::int64_t token() const override { return token_; }
  std::optional<sim::MonoTime> valid_until() const override { return holding_ ? client_.valid_until() : held_until_; }

private:
  static etcd::LockOptions lock_options(const SchedulerOptions& o) {
    etcd::LockOptions l;
    l.ttl = o.lease_duration;
    l.acquire_timeout = o.lease_duration * 3;
    l.request_timeout = o.request_timeout;
    l.retry_delay = o.retry_period;
    return l;
  }

  etcd::LockClient client_;
  std::int64_t token_ = 0;
  bool holding_ = false;      ///< it has a grant it has not yet seen lapse
  sim::MonoTime held_until_;  ///< the end of the last lease it held, by its clock
};

class RedisElection final : public LeaderElection, NodeClock {
public:
  RedisElection(Context& context, int index) : NodeClock(context, index) {}

  sim::Task<void> step() override {
    const SchedulerOptions& o = context_.options;
    sim::MonoTime began = mono();
    std::string ttl = std::to_string(o.lease_duration.ms());
    std::optional<redis::Reply> reply;
    if (leads()) {
      std::vector<std::string> renew{"EVAL", renew_script(), "1", context_.leader_key, name(), ttl};
      reply = co_await redis_call(context_, ex(), std::move(renew));
      if (reply && reply->type == redis::Reply::Type::integer && reply->integer == 1)
        valid_until_ = began + o.lease_duration;
      co_return;
    }
    std::vector<std::string> set{"SET", context_.leader_key, name(), "NX", "PX", ttl};
    reply = co_await redis_call(context_, ex(), std::move(set));
    if (reply && reply->type == redis::Reply::Type::status && reply->text == "OK")
      valid_until_ = began + o.lease_duration;
  }

  bool leads() const override { return mono() < valid_until_; }
  std::optional<sim::MonoTime> valid_until() const override { return valid_until_; }

private:
  static const std::string& renew_script() {
    static const std::string text =
        "if redis.call(\"get\",KEYS[1]) == ARGV[1] then return redis.call(\"pexpire\",KEYS[1],ARGV[2]) else return 0 "
        "end";
    return text;
  }

  sim::MonoTime valid_until_ = sim::MonoTime::min();
};

}  // namespace

std::unique_ptr<LeaderElection> make_election(Context& context, int index) {
  switch (context.options.election) {
    case Election::client_go: return std::make_unique<ClientGoElection>(context, index);
    case Election::etcd: return std::make_unique<EtcdElection>(context, index);
    case Election::redis: return std::make_unique<RedisElection>(context, index);
  }
  return nullptr;
}

}  // namespace scheduler
