#include "models/redis/server/server.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

#include "models/redis/server/cluster.hpp"
#include "models/redis/lua/lua_host.hpp"
#include "sim/kernel/assert.hpp"

namespace redis {
namespace {

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

void Server::boot(sim::World& world, sim::NodeId node, std::shared_ptr<Topology> topology) {
  auto server = std::make_shared<Server>(world, node, std::move(topology));
  Server* raw = server.get();
  world.node(node).set_process(std::move(server));
  // The handler dies with the process: the RPC layer drops it on a crash, before the process.
  world.rpc().serve(node, [raw](const sim::RpcRequest& request, sim::Responder responder) {
    raw->on_message(request, std::move(responder));
  });
}

Server::Server(sim::World& world, sim::NodeId node, std::shared_ptr<Topology> topology)
    : world_(world),
      node_(node),
      incarnation_(world.node(node).incarnation()),
      topology_(std::move(topology)),
      options_(topology_->options),
      engine_(options_.version),
      aof_(world.node(node).disk(), options_.persistence),
      service_rng_(stream("service")),
      expire_rng_(stream("expire")),
      replid_rng_(stream("replid")),
      lag_rng_(stream("lag")) {
  // A new process: an empty script cache and Lua's math.random from its initial state.
  engine_.set_script_host(make_lua_host(options_.version));
  history_ = History(fresh_replid());
  no_replicas_since_s_ = wall_now().unix_s();
  master_name_ = read_replicaof(world_.node(node_).disk());
  if (master_name_) master_node_ = world_.find_node(*master_name_);
  load_aof();
  ++stats().boots;
  note("redis.boot", fmt::format("incarnation {}, {}, {} commands replayed from the AOF, {} keys", incarnation_,
                                 master_name_ ? "replica of " + *master_name_ : std::string("master"),
                                 stats().aof_replayed, engine_.key_count()));
  schedule_after(sim::Duration::seconds(1) / options_.active_expiry_hz, &Server::cron);
  if (master_name_) send_sync_request();
}

Server::~Server() = default;

sim::Rng Server::stream(const std::string& purpose) const {
  sim::Rng rng = world_.rng("redis/" + world_.node(node_).name() + "/" + purpose);
  // Each incarnation draws afresh; the first one uses the stream exactly as named.
  return incarnation_ == 0 ? rng : rng.derive("incarnation/" + std::to_string(incarnation_));
}

sim::WallTime Server::wall_now() const { return world_.node(node_).clock().wall(world_.now()); }

sim::MonoTime Server::mono_now() const { return world_.node(node_).clock().mono(world_.now()); }

void Server::note(std::string_view kind, const std::string& detail) {
  world_.trace().record(world_.now(), node_, kind, detail);
}

void Server::load_aof() {
  std::vector<Argv> commands = aof_.load();
  for (const Argv& argv : commands) {
    engine_.execute(argv, ExecContext{stream_now_ms(), false, master_connection});
  }
  engine_.take_effects();  // replaying writes nothing new
  stats().aof_replayed = commands.size();
}

void Server::record_writes(const std::vector<Argv>& writes) {
  // A master that never had a replica keeps no backlog (Redis feeds none and its offset stands
  // still), so the writes are not copied; the AOF below still takes every one.
  if (history_.has_backlog())
    for (const Argv& argv : writes) history_.append(argv);
  // Redis 7.0's writes carry absolute deadlines already; 6.2's AOF resolves relative ones.
  if (options_.version == Version::v6_2 && aof_.enabled()) aof_.append(absolute_ttls(writes, engine_now_ms()));
  else aof_.append(writes);
  // appendfsync always: durable before the reply leaves, which happens in this same event.
  if (aof_.policy() == Persistence::always) aof_.sync();
  if (aof_.wants_rewrite()) {
    std::uint64_t before = aof_.bytes();
    aof_.replace(dump_dataset(engine_));
    note("redis.aof_rewrite", fmt::format("AOF rewritten from {} to {} bytes", before, aof_.bytes()));
  }
}

// --- arrival and the single thread -----------------------------------------------------------

void Server::on_message(const sim::RpcRequest& request, sim::Responder responder) {
  if (const auto* body = sim::body_as<Command>(request.body.get())) {
    std::uint64_t connection = connection_id(request.from, body->connection);
    queue_.push_back(Pending{connection, std::shared_ptr<const Command>(request.body, body), std::move(responder)});
    stats().queue_peak = std::max(stats().queue_peak, queue_.size());
    start_next();
  } else if (const auto* sync = sim::body_as<SyncRequest>(request.body.get())) {
    on_sync_request(request.from, sync->replid, sync->offset);
  } else if (const auto* ack = sim::body_as<StreamAck>(request.body.get())) {
    on_ack(request.from, *ack);
  } else {
    on_link_message(request);
  }
}

std::uint64_t Server::connection_id(sim::NodeId from, std::uint64_t connection) {
  auto [it, added] = connections_.emplace(std::make_pair(from, connection), connections_.size() + 1);
  (void)added;
  return it->second;
}

void Server::start_next() {
  if (busy_ || queue_.empty()) return;
  busy_ = true;
  schedule_after(options_.service_time.sample(service_rng_), &Server::finish_head);
}

void Server::finish_head() {
  busy_ = false;
  Pending pending = std::move(queue_.front());
  queue_.pop_front();
  ServerStats& figures = stats();
  ++figures.commands_served;
  world_.trace().fold(world_.now(), node_, "redis.command", static_cast<std::int64_t>(figures.commands_served),
                      static_cast<std::int64_t>(queue_.size()));
  std::optional<Reply> reply = run(pending);
  if (reply) answer(pending.responder, std::move(*reply));
  start_next();
}

void Server::answer(sim::Responder& responder, Reply reply) {
  auto response = std::make_shared<Response>();
  response->reply = std::move(reply);
  responder.reply(std::move(response));
}

std::optional<Reply> Server::run(Pending& pending) {
  const Argv& argv = pending.command->argv;
  if (argv.empty()) return Reply::error("ERR unknown command '', with args beginning with: ");
  std::string name = upper(argv[0]);
  if (name == "WAIT") return wait_command(pending);
  if (std::optional<Reply> answered = intercept(name, pending)) return answered;
  if (std::optional<Reply> refused = refuse(name, pending)) return refused;
  Reply reply = engine_.execute(argv, ExecContext{engine_now_ms(), false, pending.connection, !is_master()});
  std::vector<Argv> effects = engine_.take_effects();
  if (is_master() && propagate(std::move(effects))) last_write_offset_[pending.connection] = history_.offset();
  if (topology_->on_command_run) topology_->on_command_run(node_, argv);
  return reply;
}

std::optional<Reply> Server::intercept(const std::string& name, Pending& pending) {
  const Argv& argv = pending.command->argv;
  if (name == "REPLICAOF" || name == "SLAVEOF") return replicaof_command(argv);
  if (name == "ROLE") return role_reply();
  if (name == "INFO" && argv.size() == 2 && upper(argv[1]) == "REPLICATION") return info_replication();
  if (name == "READONLY" || name == "READWRITE") {
    if (!options_.cluster()) return Reply::error("ERR This instance has cluster support disabled");
    if (name == "READONLY") readonly_connections_.insert(pending.connection);
    else readonly_connections_.erase(pending.connection);
    return Reply::ok();
  }
  return std::nullopt;
}

std::optional<Reply> Server::refuse(const std::string& name, const Pending& pending) {
  const Argv& argv = pending.command->argv;
  bool writes = Engine::is_write(name);
  if (options_.cluster()) {
    int shard = topology_->shard_of.at(node_);
    KeyPositions keys = key_positions(argv);
    SlotCheck check = check_slots(argv, keys, topology_->slots_of(shard), pending.command->first_key_slot);
    if (check.cross_slot) return Reply::error("CROSSSLOT Keys in request don't hash to the same slot");
    bool reads_here = !writes && readonly_connections_.count(pending.connection) != 0;
    if (!check.moved_slot && !is_master() && !keys.empty() && !reads_here) {
      int hint = pending.command->first_key_slot;
      check.moved_slot = hint >= 0 ? hint : key_slot(argv[keys.first]);
    }
    if (check.moved_slot) {
      sim::NodeId owner = topology_->master_of_slot(*check.moved_slot);
      return Reply::error(fmt::format("MOVED {} {}:6379", *check.moved_slot, world_.node(owner).name()));
    }
  }
  if (!writes) return std::nullopt;
  if (!is_master()) {
    ++stats().writes_refused;
    return Reply::error("READONLY You can't write against a read only replica.");
  }
  if (options_.min_replicas_to_write > 0) {
    // Against the count the replication cron keeps (refreshed every second), as Redis 7.0 does.
    if (good_replicas_ < options_.min_replicas_to_write) {
      ++stats().writes_refused;
      return Reply::error("NOREPLICAS Not enough good replicas to write.");
    }
  }
  return std::nullopt;
}

bool Server::propagate(std::vector<Argv> effects) {
  if (effects.empty()) return false;
  std::uint64_t start = history_.offset();
  record_writes(effects);
  if (replicas_.all().empty()) return true;
  // As Redis asserts in replicationFeedSlaves: attached replicas imply a backlog.
  SIM_ASSERT(history_.has_backlog(), "a master with replicas and no replication backlog");
  auto batch = std::make_shared<StreamBatch>();
  batch->replid = history_.replid();
  batch->start = start;
  batch->end = history_.offset();
  batch->commands = std::move(effects);
  for (sim::NodeId replica : replicas_.nodes()) send_to_replica(replica, batch, batch->end - batch->start);
  return true;
}

// --- timers ------------------------------------------------------------------------------------

void Server::schedule_after(sim::Duration delay, void (Server::*what)()) {
  const sim::Clock& clock = world_.node(node_).clock();
  sim::Instant now = world_.now();
  sim::Instant at = clock.when_mono_reaches(now, clock.mono(now) + delay);
  world_.schedule_at(at, node_, incarnation_, [this, what] { (this->*what)(); });
}

void Server::cron() {
  if (is_master()) {
    engine_.active_expire_cycle(engine_now_ms(), expire_rng_);
    propagate(engine_.take_effects());
  }
  expire_waiters();
  if (++cron_ticks_ % options_.active_expiry_hz == 0) every_second();
  schedule_after(sim::Duration::seconds(1) / options_.active_expiry_hz, &Server::cron);
}

void Server::every_second() {
  if (aof_.policy() == Persistence::everysec) aof_.sync();
  if (is_master()) {
    send_heartbeats();
    drop_silent_replicas();
    refresh_good_replicas();
    free_idle_backlog();
  } else {
    replica_cron();
  }
}

}  // namespace redis
