// The single-Redis lock of the distlock page: SET key value NX PX ttl on the master, release by
// compare-and-delete, extension by compare-and-pexpire, an optional fencing token from INCR.
// The client believes the lock valid for the TTL from the moment it sent the SET, on its own
// monotonic clock; it believes it holds the lock from the moment the SET's OK reaches it, before
// it fetches a token.
#include "models/lock/context.hpp"
#include "models/lock/design.hpp"

namespace lock {
namespace {

class RedisLock final : public LockDesign {
public:
  explicit RedisLock(const Context& context) : deployment_(*context.lock_redis.front()) {}

  /// The master this client knows (it asked Sentinel when it connected), and a command to it
  /// that, failing by a timeout or READONLY, has the client ask Sentinel again.
  sim::Task<std::optional<redis::Reply>> command(ClientIo& io, std::vector<std::string> argv,
                                                 sim::NodeId& master) {
    master = deployment_.route(io.context.key, io.node);
    std::optional<redis::Reply> reply = co_await io.redis(master, std::move(argv), io.context.options.redis_timeout);
    if (redis::needs_rediscovery(reply ? &*reply : nullptr))
      deployment_.rediscover(io.node, io.context.key, io.context.options.redis_timeout);
    co_return reply;
  }

  sim::Task<std::optional<Acquired>> try_acquire(ClientIo& io) override {
    const LockOptions& options = io.context.options;
    Acquired lock;
    lock.value = io.new_value();
    sim::MonoTime start = io.mono_now();
    sim::NodeId master = 0;
    std::vector<std::string> set{"SET", io.context.key, lock.value, "NX", "PX", std::to_string(options.ttl.ms())};
    std::optional<redis::Reply> reply = co_await command(io, std::move(set), master);
    if (!is_ok(reply)) co_return std::nullopt;
    lock.valid_until = start + options.ttl;
    lock.holders.push_back(make_holder(io, 0, master, lock.value));
    io.believe(lock, redis_service_order(lock.holders, 1));
    std::optional<std::int64_t> token = co_await fetch_token(io);
    if (!token) {
      io.stop_believing(lock, "gave up: it could not fetch a fencing token");
      co_await release(io, lock);
      co_return std::nullopt;
    }
    lock.token = *token;
    if (lock.token != 0) io.context.recorder->token_fetched(lock.epoch, lock.token);
    co_return lock;
  }

  sim::Task<bool> extend(ClientIo& io, Acquired& lock) override {
    const LockOptions& options = io.context.options;
    sim::MonoTime start = io.mono_now();
    sim::NodeId master = 0;
    std::optional<redis::Reply> reply = co_await command(io, extend_command(io, lock), master);
    if (!is_one(reply)) co_return false;
    lock.valid_until = start + options.ttl;
    lock.holders = {make_holder(io, 0, master, lock.value)};
    co_return true;
  }

  sim::Task<void> release(ClientIo& io, const Acquired& lock) override {
    sim::NodeId master = 0;
    co_await command(io, release_command(io, lock), master);
  }

private:
  redis::Deployment& deployment_;
};

// Redlock as the distlock page specifies and redlock-rb implements it: the same SET on each of
// N independent masters in turn, each with a short timeout; the lock is had iff a majority
// said OK and validity = TTL - elapsed - drift is still positive, elapsed measured on the
// client's wall clock (redlock-rb uses Time.now). A failed try unlocks every node and retries
// after U[0, retry_delay). The naive variant skips the validity check.
class Redlock final : public LockDesign {
public:
  explicit Redlock(const Context& context) : context_(context) {}

  sim::Task<std::optional<Acquired>> try_acquire(ClientIo& io) override {
    const LockOptions& options = io.context.options;
    for (int attempt = 0; attempt < options.retries; ++attempt) {
      if (attempt > 0) co_await sim::sleep(lock::retry_pause(io));
      Acquired lock;
      lock.value = io.new_value();
      sim::WallTime t1 = io.wall_now().whole_ms();  // redlock-rb reads whole milliseconds
      for (std::size_t i = 0; i < context_.lock_redis.size(); ++i) {
        sim::NodeId node = context_.lock_redis[i]->route(io.context.key);
        std::vector<std::string> set{"SET", io.context.key, lock.value, "NX", "PX", std::to_string(options.ttl.ms())};
        std::optional<redis::Reply> reply = co_await io.redis(node, std::move(set), options.redlock.node_timeout);
        if (is_ok(reply)) lock.holders.push_back(make_holder(io, static_cast<int>(i), node, lock.value));
      }
      std::int64_t validity_ms = options.ttl.ms() - (io.wall_now().whole_ms() - t1).ms() - options.drift().ms();
      bool majority = static_cast<int>(lock.holders.size()) >= quorum();
      if (majority && (options.redlock.naive || validity_ms > 0)) {
        std::int64_t believed_ms = options.redlock.naive ? options.ttl.ms() : validity_ms;
        lock.valid_until = io.mono_now() + sim::Duration::milliseconds(believed_ms);
        io.believe(lock, redis_service_order(lock.holders, quorum()));
        std::optional<std::int64_t> token = co_await fetch_token(io);
        if (token) {
          lock.token = *token;
          if (lock.token != 0) io.context.recorder->token_fetched(lock.epoch, lock.token);
          co_return lock;
        }
        io.stop_believing(lock, "gave up: it could not fetch a fencing token");
      }
      unlock_all(io, lock);
    }
    co_return std::nullopt;
  }

  sim::Task<bool> extend(ClientIo& io, Acquired& lock) override {
    const LockOptions& options = io.context.options;
    sim::WallTime t1 = io.wall_now().whole_ms();
    std::vector<Holder> renewed;
    for (std::size_t i = 0; i < context_.lock_redis.size(); ++i) {
      sim::NodeId node = context_.lock_redis[i]->route(io.context.key);
      std::optional<redis::Reply> reply =
          co_await io.redis(node, extend_command(io, lock), options.redlock.node_timeout);
      if (is_one(reply)) renewed.push_back(make_holder(io, static_cast<int>(i), node, lock.value));
    }
    std::int64_t validity_ms = options.ttl.ms() - (io.wall_now().whole_ms() - t1).ms() - options.drift().ms();
    if (static_cast<int>(renewed.size()) < quorum() || validity_ms <= 0) co_return false;
    lock.valid_until = io.mono_now() + sim::Duration::milliseconds(validity_ms);
    lock.holders = renewed;
    co_return true;
  }

  sim::Task<void> release(ClientIo& io, const Acquired& lock) override {
    for (const auto& deployment : context_.lock_redis) {
      co_await io.redis(deployment->route(io.context.key), release_command(io, lock),
                        io.context.options.redlock.node_timeout);
    }
  }

private:
  int quorum() const { return static_cast<int>(context_.lock_redis.size()) / 2 + 1; }

  // "Unlock all instances, including those the client thinks it did not lock."
  void unlock_all(ClientIo& io, const Acquired& lock) const {
    for (const auto& deployment : context_.lock_redis) {
      io.redis_detached(deployment->route(io.context.key), release_command(io, lock),
                        io.context.options.redlock.node_timeout);
    }
  }

  const Context& context_;
};

}  // namespace

std::unique_ptr<LockDesign> make_redis_design(const Context& context) {
  if (context.options.design == Design::redlock) return std::make_unique<Redlock>(context);
  return std::make_unique<RedisLock>(context);
}

}  // namespace lock
