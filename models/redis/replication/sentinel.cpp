#include "models/redis/replication/sentinel.hpp"

#include <cctype>
#include <fmt/format.h>

namespace redis {
namespace {

using sim::Duration;

const Duration timer_period = Duration::milliseconds(100);  // sentinelTimer runs at hz 10
constexpr std::int64_t tilt_trigger_ms = 2'000;               // SENTINEL_TILT_TRIGGER
constexpr std::int64_t tilt_period_ms = 30'000;               // SENTINEL_TILT_PERIOD
constexpr std::uint64_t probe_connection = 1;
constexpr std::uint64_t command_connection = 2;
// A replica is a candidate only if it answered within this many ping periods (Sentinel: 5).
constexpr std::int64_t candidate_reply_periods = 5;

}  // namespace

void Sentinel::boot(sim::World& world, sim::NodeId node, std::shared_ptr<Topology> topology) {
  auto sentinel = std::make_shared<Sentinel>(world, node, std::move(topology));
  Sentinel* raw = sentinel.get();
  world.node(node).set_process(std::move(sentinel));
  // The handler dies with the process: the RPC layer drops it on a crash, before the process.
  world.rpc().serve(node, [raw](const sim::RpcRequest& request, sim::Responder responder) {
    auto command = std::dynamic_pointer_cast<const Command>(request.body);
    if (!command) return;
    auto response = std::make_shared<Response>();
    response->reply = raw->answer(command->argv);
    responder.reply(std::move(response));
  });
}

Reply Sentinel::answer(const std::vector<std::string>& argv) const {
  auto upper = [](std::string text) {
    for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return text;
  };
  if (argv.size() != 3 || upper(argv[0]) != "SENTINEL" || upper(argv[1]) != "GET-MASTER-ADDR-BY-NAME")
    return Reply::error("ERR unknown command or wrong number of arguments");
  for (int shard = 0; shard < topology_->shards(); ++shard) {
    if (name_of(topology_->shard_servers[static_cast<std::size_t>(shard)].front()) != argv[2]) continue;
    return Reply::array({Reply::bulk(name_of(topology_->shard_master[static_cast<std::size_t>(shard)])),
                         Reply::bulk("6379")});
  }
  return Reply::null();
}

Sentinel::Sentinel(sim::World& world, sim::NodeId node, std::shared_ptr<Topology> topology)
    : world_(world),
      node_(node),
      incarnation_(world.node(node).incarnation()),
      topology_(std::move(topology)),
      options_(topology_->options.failover) {
  for (int shard = 0; shard < topology_->shards(); ++shard) {
    for (sim::NodeId server : topology_->shard_servers[static_cast<std::size_t>(shard)]) {
      Instance instance;
      instance.node = server;
      instance.shard = shard;
      instances_.push_back(instance);
    }
  }
  shards_.resize(static_cast<std::size_t>(topology_->shards()));
  note("sentinel.boot", fmt::format("monitoring {} servers in {} shards, down_after {}", instances_.size(),
                                    topology_->shards(), sim::to_string(options_.down_after)));
  world_.schedule_after(timer_period, node_, incarnation_, [this] { tick(); });
}

bool Sentinel::is_down(sim::NodeId server) const {
  for (const Instance& instance : instances_)
    if (instance.node == server) return instance.down;
  return false;
}

sim::WallTime Sentinel::wall_now() const { return world_.node(node_).clock().wall(world_.now()); }

void Sentinel::note(std::string_view event, const std::string& detail) {
  world_.trace().record(world_.now(), node_, event, detail);
}

void Sentinel::send(sim::NodeId to, std::uint64_t connection, std::vector<std::string> argv, sim::Duration timeout,
                    std::function<void(const sim::error_code&, const Reply&)> done) {
  call(world_.executor(node_), to, std::move(argv), timeout,
       [done = std::move(done)](sim::error_code ec, Reply reply) { done(ec, reply); }, connection);
}

void Sentinel::tick() {
  std::int64_t now_ms = wall_now().unix_ms();  // mstime(), as sentinel.c keeps its times
  check_tilt(now_ms);
  for (std::size_t i = 0; i < instances_.size(); ++i) {
    Instance& instance = instances_[i];
    if (!instance.probing && now_ms - instance.last_probe_ms >= options_.ping_period.ms()) probe(i);
  }
  if (!in_tilt()) {
    for (Instance& instance : instances_) check_down(instance, now_ms);
    for (int shard = 0; shard < topology_->shards(); ++shard) maybe_fail_over(shard, now_ms);
  }
  // The timer runs on the monotonic clock (ae.c); TILT compares wall-clock readings.
  const sim::Clock& clock = world_.node(node_).clock();
  sim::Instant now = world_.now();
  world_.schedule_at(clock.when_mono_reaches(now, clock.mono(now) + timer_period), node_, incarnation_,
                     [this] { tick(); });
}

void Sentinel::check_tilt(std::int64_t now_ms) {
  if (previous_tick_ms_) {
    std::int64_t delta = now_ms - *previous_tick_ms_;
    if (delta < 0 || delta > tilt_trigger_ms) {
      tilt_since_ms_ = now_ms;
      note("sentinel.+tilt", fmt::format("#tilt mode entered: {} ms between timer runs", delta));
    }
  }
  previous_tick_ms_ = now_ms;
  if (tilt_since_ms_ && now_ms - *tilt_since_ms_ >= tilt_period_ms) {
    tilt_since_ms_.reset();
    note("sentinel.-tilt", "#tilt mode exited");
  }
}

void Sentinel::probe(std::size_t index) {
  Instance& instance = instances_[index];
  std::int64_t now_ms = wall_now().unix_ms();
  instance.probing = true;
  instance.last_probe_ms = now_ms;
  if (instance.act_ping_ms == 0) instance.act_ping_ms = now_ms;
  send(instance.node, probe_connection, {"ROLE"}, options_.down_after,
       [this, index](const sim::error_code& ec, const Reply& reply) { on_probe(index, ec, reply); });
}

void Sentinel::on_probe(std::size_t index, const sim::error_code& ec, const Reply& reply) {
  Instance& instance = instances_[index];
  instance.probing = false;
  if (ec || reply.type != Reply::Type::array || reply.elements.empty()) return;
  std::int64_t now_ms = wall_now().unix_ms();
  instance.act_ping_ms = 0;
  instance.last_reply_ms = now_ms;
  const std::vector<Reply>& fields = reply.elements;
  instance.says_master = fields[0].text == "master";
  if (instance.says_master && fields.size() >= 2) {
    instance.says_master_of.clear();
    instance.offset = fields[1].integer;
  } else if (!instance.says_master && fields.size() >= 5) {
    instance.says_master_of = fields[1].text;
    instance.offset = fields[4].integer;
  }
  if (instance.down) {
    instance.down = false;
    note("sentinel.-sdown", fmt::format("{} {} answers again", instance.says_master ? "master" : "slave",
                                        name_of(instance.node)));
  }
  if (!in_tilt()) converge(index);
}

void Sentinel::check_down(Instance& instance, std::int64_t now_ms) {
  if (instance.down || instance.act_ping_ms == 0) return;
  if (now_ms - instance.act_ping_ms <= options_.down_after.ms()) return;
  instance.down = true;
  bool master = topology_->shard_master[static_cast<std::size_t>(instance.shard)] == instance.node;
  note("sentinel.+sdown", fmt::format("{} {}: no reply for {} ms", master ? "master" : "slave", name_of(instance.node),
                                      now_ms - instance.act_ping_ms));
}

void Sentinel::converge(std::size_t index) {
  const Instance& instance = instances_[index];
  if (shards_[static_cast<std::size_t>(instance.shard)].failing_over) return;
  sim::NodeId master = topology_->shard_master[static_cast<std::size_t>(instance.shard)];
  if (instance.node == master) return;
  if (instance.says_master) reconfigure(index, master, "sentinel.+convert-to-slave");
  else if (instance.says_master_of != name_of(master)) reconfigure(index, master, "sentinel.+fix-slave-config");
}

void Sentinel::maybe_fail_over(int shard, std::int64_t now_ms) {
  ShardState& state = shards_[static_cast<std::size_t>(shard)];
  sim::NodeId master = topology_->shard_master[static_cast<std::size_t>(shard)];
  bool master_down = false;
  for (const Instance& instance : instances_)
    if (instance.node == master) master_down = instance.down;
  if (!master_down || state.failing_over) return;
  if (state.last_attempt_ms && now_ms - *state.last_attempt_ms < 2 * options_.failover_timeout.ms()) return;
  state.last_attempt_ms = now_ms;
  note("sentinel.+odown", fmt::format("master {} #quorum 1/1", name_of(master)));
  std::optional<std::size_t> chosen = select_replica(shard, now_ms);
  if (!chosen) {
    note("sentinel.-failover-abort-no-good-slave", fmt::format("master {}", name_of(master)));
    return;
  }
  state.failing_over = true;
  const Instance& candidate = instances_[*chosen];
  note("sentinel.+selected-slave", fmt::format("{} at offset {} for master {}", name_of(candidate.node),
                                               candidate.offset, name_of(master)));
  send(candidate.node, command_connection, {"REPLICAOF", "NO", "ONE"}, options_.failover_timeout,
       [this, shard, index = *chosen](const sim::error_code& ec, const Reply& reply) {
         on_promoted(shard, index, ec, reply);
       });
}

std::optional<std::size_t> Sentinel::select_replica(int shard, std::int64_t now_ms) const {
  sim::NodeId master = topology_->shard_master[static_cast<std::size_t>(shard)];
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < instances_.size(); ++i) {
    const Instance& instance = instances_[i];
    if (instance.shard != shard || instance.node == master || instance.down || instance.says_master) continue;
    if (instance.last_reply_ms == 0 ||
        now_ms - instance.last_reply_ms > candidate_reply_periods * options_.ping_period.ms())
      continue;
    // Highest replication offset first; on a tie the lower node (Sentinel: the lower run id).
    if (!best || instance.offset > instances_[*best].offset) best = i;
  }
  return best;
}

void Sentinel::on_promoted(int shard, std::size_t chosen, const sim::error_code& ec, const Reply& reply) {
  ShardState& state = shards_[static_cast<std::size_t>(shard)];
  state.failing_over = false;
  sim::NodeId promoted = instances_[chosen].node;
  if (ec || reply.is_error()) {
    note("sentinel.-failover-abort", fmt::format("{} did not take the promotion: {}", name_of(promoted),
                                                 ec ? ec.message() : reply.text));
    return;
  }
  std::size_t index = static_cast<std::size_t>(shard);
  sim::NodeId old_master = topology_->shard_master[index];
  topology_->shard_master[index] = promoted;
  ++topology_->failovers;
  state.last_attempt_ms.reset();  // the new master is watched afresh
  instances_[chosen].says_master = true;
  instances_[chosen].says_master_of.clear();
  note("sentinel.+switch-master", fmt::format("shard {}: {} -> {}", shard, name_of(old_master), name_of(promoted)));
  for (std::size_t i = 0; i < instances_.size(); ++i)
    if (instances_[i].shard == shard && i != chosen) reconfigure(i, promoted, "sentinel.+slave-reconf-sent");
}

void Sentinel::reconfigure(std::size_t index, sim::NodeId master, std::string_view event) {
  Instance& instance = instances_[index];
  if (instance.reconfiguring) return;
  instance.reconfiguring = true;
  note(event, fmt::format("{} -> replica of {}", name_of(instance.node), name_of(master)));
  send(instance.node, command_connection, {"REPLICAOF", name_of(master), "6379"}, options_.ping_period,
       [this, index, master](const sim::error_code& ec, const Reply& reply) {
         Instance& target = instances_[index];
         target.reconfiguring = false;
         if (ec || reply.is_error()) return;
         target.says_master = false;
         target.says_master_of = name_of(master);
       });
}

}  // namespace redis
