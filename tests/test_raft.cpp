// The Raft group under lock/raft: elections, replication, persistence across crashes, and the
// safety properties of Figure 3 of the paper over many seeds of random faults.
#include <catch2/catch.hpp>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <fmt/format.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/raft/checks.hpp"
#include "models/raft/client.hpp"
#include "models/raft/group.hpp"
#include "models/raft/observations.hpp"
#include "sim/kernel/network.hpp"
#include "sim/kernel/spawn.hpp"
#include "sim/kernel/world.hpp"

using namespace sim;
using namespace sim::literals;
using namespace raft;
using namespace boost::asio::experimental::awaitable_operators;

namespace {

Instant at(Duration d) { return Instant::zero() + d; }

/// Keeps every command it applies and answers with the index.
class ListMachine final : public StateMachine {
public:
  std::string apply(Index index, const std::string& command) override {
    commands.push_back(command);
    return "applied " + std::to_string(index);
  }
  std::vector<std::string> commands;
};

/// A proposal a client saw acknowledged.
struct Ack {
  std::string command;
  Index index = 0;
  Term term = 0;
};

/// Wraps the recorder in another observer (a nemesis that watches the group).
using ObserverFactory = std::function<std::shared_ptr<Observer>(World& world, std::shared_ptr<Recorder> recorder)>;

/// A Raft group of `servers` members (raft-0, ...) and `clients` client nodes, on links of
/// 1 to 3 ms, with 1 ms fsyncs.
struct Cluster {
  Cluster(std::uint64_t seed, int server_count, int client_count, const std::vector<ClockOptions>& clocks = {},
          const RaftOptions& raft_options = {}, const ObserverFactory& make_observer = {})
      : world(seed), options(raft_options), recorder(std::make_shared<Recorder>()) {
    for (int i = 0; i < server_count; ++i) {
      ClockOptions clock = i < static_cast<int>(clocks.size()) ? clocks[i] : ClockOptions{};
      members.push_back(world.add_node(fmt::format("raft-{}", i), {"raft"}, clock));
      world.node(members.back()).disk().set_sync_latency(1_ms);
    }
    for (int i = 0; i < client_count; ++i)
      client_nodes.push_back(world.add_node(fmt::format("client-{}", i), {"client"}));
    LinkOptions link;
    link.latency = DurationDist{DurationDist::Kind::uniform, 1_ms, 3_ms, 0.0};
    world.start_network(NetworkOptions{link, {}});
    std::shared_ptr<Observer> observer = make_observer ? make_observer(world, recorder) : recorder;
    install_group(world, members, options, [](NodeId) { return std::make_unique<ListMachine>(); }, observer);
    for (NodeId node : client_nodes) clients.push_back(std::make_unique<Client>(world, node, members));
    world.boot_all();
  }

  Server* server(NodeId node) { return server_of(world, node); }
  /// The leader of the highest term among the running members, if any.
  std::optional<NodeId> leader() {
    std::optional<NodeId> best;
    Term best_term = 0;
    for (NodeId n : members) {
      Server* s = server(n);
      if (s && world.node(n).is_up() && s->raft().role() == Role::leader && s->raft().term() >= best_term) {
        best = n;
        best_term = s->raft().term();
      }
    }
    return best;
  }
  std::size_t leader_count() {
    std::size_t count = 0;
    for (NodeId n : members)
      if (Server* s = server(n); s && s->raft().role() == Role::leader) ++count;
    return count;
  }
  const RaftObservations& observed() const { return recorder->observations(); }

  World world;
  RaftOptions options;
  std::shared_ptr<Recorder> recorder;
  std::vector<NodeId> members;
  std::vector<NodeId> client_nodes;
  std::vector<std::unique_ptr<Client>> clients;
};

Task<void> propose_once(Client& client, std::string command, Duration patience, std::optional<ClientOutcome>& out) {
  out = co_await client.propose(std::move(command), patience);
}

/// Proposes on the server itself (it must be the leader), keeping the outcome.
Task<void> propose_on(Server& server, std::string command, std::optional<ProposeOutcome>& out) {
  out = co_await server.raft().propose(std::move(command), use_awaitable);
}

/// Commits `command` through client 0, running the world until the client is done.
ClientOutcome commit(Cluster& cluster, std::string command) {
  std::optional<ClientOutcome> out;
  spawn(cluster.world.executor(cluster.client_nodes[0]),
        propose_once(*cluster.clients[0], std::move(command), 5_s, out));
  Instant limit = cluster.world.now() + 6_s;
  while (!out && cluster.world.now() < limit) cluster.world.run_until(cluster.world.now() + 10_ms);
  REQUIRE(out);
  return *out;
}

void require_safe(const Cluster& cluster) {
  for (const std::string& v : check_election_safety(cluster.observed())) FAIL_CHECK(v);
  for (const std::string& v : check_state_machine_safety(cluster.observed())) FAIL_CHECK(v);
}

}  // namespace

TEST_CASE("a healthy group elects one leader that every member follows", "[raft]") {
  int servers = GENERATE(3, 5);
  Cluster cluster(11, servers, 1);
  cluster.world.run_until(at(2_s));
  REQUIRE(cluster.leader_count() == 1);
  NodeId leader = *cluster.leader();
  Term term = cluster.server(leader)->raft().term();
  CHECK(term >= 1);
  for (NodeId n : cluster.members) {
    const RaftNode& raft = cluster.server(n)->raft();
    CHECK(raft.term() == term);
    CHECK(raft.leader() == leader);
    // The leader's no-op is committed and applied everywhere by now.
    CHECK(raft.commit_index() >= 1);
    CHECK(raft.last_applied() == raft.commit_index());
    CHECK(raft.log().at(raft.log().last_index()).term == term);
  }
  // Quiet after the election: one election per term, and none since.
  CHECK(cluster.observed().elections.size() == 1);
  CHECK(cluster.observed().elections.back().leader == leader);
  ClientOutcome done = commit(cluster, "x=1");
  CHECK(done.committed);
  CHECK(done.result == "applied " + std::to_string(done.index));
  require_safe(cluster);
}

TEST_CASE("after the leader crashes the others elect a new leader in a higher term", "[raft]") {
  Cluster cluster(12, 5, 1);
  cluster.world.run_until(at(1_s));
  REQUIRE(commit(cluster, "before").committed);
  NodeId old_leader = *cluster.leader();
  Term old_term = cluster.server(old_leader)->raft().term();
  cluster.world.crash(old_leader);
  cluster.world.run_until(cluster.world.now() + 1_s);
  REQUIRE(cluster.leader());
  NodeId new_leader = *cluster.leader();
  CHECK(new_leader != old_leader);
  Term new_term = cluster.server(new_leader)->raft().term();
  CHECK(new_term > old_term);
  ClientOutcome after = commit(cluster, "after");
  CHECK(after.committed);
  CHECK(after.term == new_term);
  // The old leader comes back as a follower of the new term and catches up.
  cluster.world.restart(old_leader);
  cluster.world.run_until(cluster.world.now() + 1_s);
  const RaftNode& back = cluster.server(old_leader)->raft();
  CHECK(back.role() == Role::follower);
  CHECK(back.term() == new_term);
  CHECK(back.last_applied() >= after.index);
  require_safe(cluster);
}

TEST_CASE("a leader cut off with a minority cannot commit and its entry is overwritten after the heal", "[raft]") {
  Cluster cluster(13, 5, 1);
  cluster.world.run_until(at(1_s));
  NodeId old_leader = *cluster.leader();
  Index commit_before = cluster.server(old_leader)->raft().commit_index();
  // The old leader and one follower on one side, the other three and the client on the other.
  NodeId buddy = old_leader == cluster.members[0] ? cluster.members[1] : cluster.members[0];
  Network::Selector minority{old_leader, buddy};
  Network::Selector majority{cluster.client_nodes[0]};
  for (NodeId n : cluster.members)
    if (n != old_leader && n != buddy) majority.push_back(n);
  cluster.world.network().partition({minority, majority});

  std::optional<ProposeOutcome> stranded;
  spawn(cluster.world.executor(old_leader), propose_on(*cluster.server(old_leader), "stranded", stranded));
  cluster.world.run_until(cluster.world.now() + 2_s);
  // The entry sits in the old leader's log (and its buddy's) but never commits.
  const RaftNode& cut_off = cluster.server(old_leader)->raft();
  CHECK_FALSE(stranded);
  CHECK(cut_off.role() == Role::leader);
  CHECK(cut_off.commit_index() == commit_before);
  Index stranded_index = cut_off.log().last_index();
  CHECK(cut_off.log().at(stranded_index).command == "stranded");
  CHECK(cluster.server(buddy)->raft().log().last_index() == stranded_index);
  // Meanwhile the majority elects its own leader and commits.
  ClientOutcome majority_write = commit(cluster, "majority");
  REQUIRE(majority_write.committed);
  CHECK(majority_write.term > cut_off.term());

  cluster.world.network().heal();
  cluster.world.run_until(cluster.world.now() + 1_s);
  REQUIRE(stranded);
  CHECK(stranded->status == ProposeStatus::lost_leadership);
  const RaftNode& deposed = cluster.server(old_leader)->raft();
  CHECK(deposed.role() == Role::follower);
  CHECK(deposed.log().at(stranded_index).command != "stranded");
  for (NodeId n : cluster.members) {
    const auto& applied = static_cast<ListMachine&>(cluster.server(n)->machine()).commands;
    CHECK(std::count(applied.begin(), applied.end(), "stranded") == 0);
    CHECK(std::count(applied.begin(), applied.end(), "majority") == 1);
  }
  require_safe(cluster);
}

TEST_CASE("a new leader commits an entry of an earlier term only together with one of its own term", "[raft]") {
  // §5.4.2 (Figure 8): counting replicas of an older term's entry is not enough to commit it.
  // One entry per AppendEntries, so the old entry reaches a majority a round trip before the
  // new leader's no-op does; it must not commit in between.
  RaftOptions one_at_a_time;
  one_at_a_time.max_batch = 1;
  Cluster cluster(16, 3, 0, {}, one_at_a_time);
  cluster.world.run_until(at(1_s));
  NodeId a = *cluster.leader();
  std::vector<NodeId> others;
  for (NodeId n : cluster.members)
    if (n != a) others.push_back(n);
  NodeId b = others[0];
  NodeId c = others[1];
  // C sleeps through it all, so A and B must agree to make a majority.
  cluster.world.pause(c);
  std::uint64_t cut = cluster.world.network().isolate(a);
  std::optional<ProposeOutcome> outcome;
  spawn(cluster.world.executor(a), propose_on(*cluster.server(a), "old", outcome));
  cluster.world.run_until(cluster.world.now() + 100_ms);
  const RaftNode& isolated = cluster.server(a)->raft();
  Index old_index = isolated.log().last_index();
  Term old_term = isolated.term();
  REQUIRE(isolated.log().at(old_index).command == "old");
  REQUIRE(isolated.commit_index() == old_index - 1);
  // A restarts with the entry on its disk only; B lacks it, so B cannot win and A can.
  cluster.world.crash(a, false);
  cluster.world.network().heal_partition(cut);
  cluster.world.restart(a);
  cluster.world.run_until(cluster.world.now() + 3_s);
  REQUIRE(cluster.leader() == a);
  const RaftNode& leader = cluster.server(a)->raft();
  CHECK(leader.term() > old_term);
  REQUIRE(leader.commit_index() >= old_index + 1);
  CHECK(leader.log().at(old_index + 1).term == leader.term());
  CHECK(cluster.server(b)->raft().log().at(old_index).command == "old");
  // The old entry was applied in the same step as the new term's no-op after it, not before.
  std::optional<Instant> old_applied, noop_applied;
  for (const Applied& e : cluster.observed().applied) {
    if (e.node != a || e.incarnation != cluster.world.node(a).incarnation()) continue;
    if (e.index == old_index) old_applied = e.at;
    if (e.index == old_index + 1) noop_applied = e.at;
  }
  REQUIRE(old_applied);
  REQUIRE(noop_applied);
  CHECK(*old_applied == *noop_applied);
  require_safe(cluster);
}

TEST_CASE("a restarted member reads its term, vote and log back from its disk", "[raft]") {
  Cluster cluster(14, 3, 1);
  cluster.world.run_until(at(1_s));
  for (int i = 0; i < 5; ++i) REQUIRE(commit(cluster, fmt::format("w{}", i)).committed);
  cluster.world.run_until(cluster.world.now() + 500_ms);  // quiet: every write has been synced
  NodeId leader = *cluster.leader();
  bool crash_leader = GENERATE(false, true);
  NodeId victim = crash_leader ? leader : (leader == cluster.members[0] ? cluster.members[1] : cluster.members[0]);
  const RaftNode& before = cluster.server(victim)->raft();
  Term term = before.term();
  std::optional<NodeId> vote = before.voted_for();
  Log log = before.log();
  Index applied = before.last_applied();
  REQUIRE(log.last_index() >= 6);

  cluster.world.crash(victim);  // loses unsynced writes: there are none
  cluster.world.restart(victim);
  const RaftNode& after = cluster.server(victim)->raft();
  CHECK(after.term() == term);
  CHECK(after.voted_for() == vote);
  REQUIRE(after.log().last_index() == log.last_index());
  for (Index i = 1; i <= log.last_index(); ++i) CHECK(after.log().at(i) == log.at(i));
  // Volatile state starts over: the commit point is learnt again and the log reapplied.
  CHECK(after.commit_index() == 0);
  CHECK(after.last_applied() == 0);
  cluster.world.run_until(cluster.world.now() + 1_s);
  CHECK(cluster.server(victim)->raft().last_applied() >= applied);
  const auto& replayed = static_cast<ListMachine&>(cluster.server(victim)->machine()).commands;
  REQUIRE(replayed.size() >= 5);
  CHECK(replayed[0] == "w0");
  CHECK(replayed[4] == "w4");
  require_safe(cluster);
}

TEST_CASE("a crash before the fsync of a vote loses the vote and the reply with it", "[raft]") {
  // With fsyncs of 200 ms, a voter that crashes within them never answers, and comes back
  // with neither the new term nor the vote. Timeouts are stretched to fit such a disk.
  RaftOptions slow_disk{.election_timeout_min = 1_s, .election_timeout_max = 2_s, .heartbeat_interval = 200_ms,
                        .rpc_timeout = 1_s};
  Cluster cluster(15, 3, 0, {}, slow_disk);
  for (NodeId n : cluster.members) cluster.world.node(n).disk().set_sync_latency(200_ms);
  cluster.world.run_until(at(5_s));
  REQUIRE(cluster.leader());
  NodeId leader = *cluster.leader();
  Term term = cluster.server(leader)->raft().term();
  // Crash the leader; stop as soon as a survivor has granted a vote in a new term (in memory),
  // and crash that voter before its fsync completes.
  cluster.world.crash(leader);
  std::optional<NodeId> voter;
  while (!voter && cluster.world.now() < at(20_s)) {
    REQUIRE(cluster.world.step());
    for (NodeId n : cluster.members) {
      Server* s = cluster.server(n);
      if (s && s->raft().term() > term && s->raft().voted_for() && *s->raft().voted_for() != n) voter = n;
    }
  }
  REQUIRE(voter);
  Term voted_term = cluster.server(*voter)->raft().term();
  cluster.world.crash(*voter);
  cluster.world.restart(*voter);
  CHECK(cluster.server(*voter)->raft().term() < voted_term);
  // The grant was never sent: the candidate does not win that term on it. (It may still win
  // it later, by asking the restarted voter again after its RPC timeout of 1 s.)
  cluster.world.run_until(cluster.world.now() + 500_ms);
  for (const Elected& e : cluster.observed().elections) CHECK(e.term < voted_term);
  require_safe(cluster);
}

namespace {

/// The random-fault run: faults on the servers during `fault_phase`, then everything healed,
/// clients stopped `quiet_after` the heal, and the run ended `settle` after the heal.
struct ChaosPlan {
  int servers = 5;
  bool check_quorum = false;
  Duration fault_phase = 8_s;
  Duration quiet_after = 2_s;
  Duration settle = 3_s;
  Duration mean_fault_gap = 150_ms;
  /// After the heal, a new proposal must commit within this.
  Duration liveness_bound = 2_s;
};

/// What one chaotic run produced, for the checks.
struct ChaosRun {
  std::vector<Ack> acks;
  std::optional<Duration> probe_latency;  // from the heal to the probe's commit
  std::vector<Index> applied_at_end;      // by server
  Index commit_at_end = 0;                // highest commit index among the servers
  std::uint64_t trace_hash = 0;
  std::size_t faults = 0;
  std::vector<std::string> violations;
};

/// A nemesis that hunts leaders: it watches elections (passing everything on to the
/// recorder) and crashes a fresh leader a few milliseconds into its term, while it is still
/// syncing its vote and its first entries, until the fault phase ends.
class LeaderHunter final : public Observer {
public:
  LeaderHunter(World& world, std::shared_ptr<Recorder> recorder, Instant until)
      : world_(world), recorder_(std::move(recorder)), rng_(world.rng("test/raft/hunter")), until_(until) {}
  void on_elected(NodeId node, Term term, Instant when) override {
    recorder_->on_elected(node, term, when);
    if (when >= until_ || rng_.below(3) != 0) return;
    Instant crash_at = when + Duration::nanoseconds(rng_.between(0, (15_ms).ns()));
    Instant restart_at = crash_at + Duration::nanoseconds(rng_.between((20_ms).ns(), (300_ms).ns()));
    World& world = world_;
    world.schedule_at(crash_at, no_node, 0, [&world, node] { world.crash(node); });
    world.schedule_at(restart_at, no_node, 0, [&world, node] { world.restart(node); });
  }
  void on_applied(NodeId node, std::uint32_t incarnation, Index index, const Entry& entry, const std::string& result,
                  Instant when) override {
    recorder_->on_applied(node, incarnation, index, entry, result, when);
  }

private:
  World& world_;
  std::shared_ptr<Recorder> recorder_;
  Rng rng_;
  Instant until_;
};

/// What the fault schedule must undo at the heal.
struct FaultState {
  std::vector<std::uint64_t> degradations;
};

Duration uniform(Rng& rng, Duration lo, Duration hi) { return Duration::nanoseconds(rng.between(lo.ns(), hi.ns())); }

void schedule_fault(Cluster& cluster, Rng& rng, Instant when, std::shared_ptr<FaultState> state) {
  World& world = cluster.world;
  NodeId target = cluster.members[rng.below(cluster.members.size())];
  switch (rng.below(8)) {
    case 0:
    case 6:
    case 7: {  // crash, losing unsynced writes, and restart later
      Duration down = uniform(rng, 50_ms, 1_s);
      world.schedule_at(when, no_node, 0, [&world, target] { world.crash(target); });
      world.schedule_at(when + down, no_node, 0, [&world, target] { world.restart(target); });
      break;
    }
    case 1: {  // a stop-the-world pause
      Duration length = uniform(rng, 20_ms, 800_ms);
      world.schedule_at(when, no_node, 0, [&world, target] { world.pause(target); });
      world.schedule_at(when + length, no_node, 0, [&world, target] { world.resume(target); });
      break;
    }
    case 2: {  // one server isolated
      Duration length = uniform(rng, 100_ms, 1500_ms);
      auto id = std::make_shared<std::uint64_t>(0);
      world.schedule_at(when, no_node, 0, [&world, target, id] { *id = world.network().isolate(target); });
      world.schedule_at(when + length, no_node, 0, [&world, id] { world.network().heal_partition(*id); });
      break;
    }
    case 3: {  // two sides, drawn at random; the clients go with either
      Duration length = uniform(rng, 100_ms, 1500_ms);
      Network::Selector a, b;
      for (NodeId n : cluster.members) (rng.below(2) ? a : b).push_back(n);
      for (NodeId n : cluster.client_nodes) (rng.below(2) ? a : b).push_back(n);
      auto id = std::make_shared<std::uint64_t>(0);
      world.schedule_at(when, no_node, 0, [&world, a, b, id] { *id = world.network().partition({a, b}); });
      world.schedule_at(when + length, no_node, 0, [&world, id] { world.network().heal_partition(*id); });
      break;
    }
    case 4: {  // every link of one server loses a share of its messages
      Duration length = uniform(rng, 100_ms, 1_s);
      LinkOptions lossy;
      lossy.latency = DurationDist{DurationDist::Kind::uniform, 1_ms, 3_ms, 0.0};
      lossy.loss = Ratio{rng.below(3) + 1, 4};
      Network::Selector everyone;
      for (NodeId n = 0; n < world.node_count(); ++n) everyone.push_back(n);
      auto id = std::make_shared<std::uint64_t>(0);
      world.schedule_at(when, no_node, 0, [&world, target, everyone, lossy, state, id] {
        *id = world.network().degrade({target}, everyone, lossy);
        state->degradations.push_back(*id);
      });
      world.schedule_at(when + length, no_node, 0, [&world, id] { world.network().restore(*id); });
      break;
    }
    case 5: {  // the server's clocks drift: its timers stretch or shrink
      std::int64_t ppm = rng.between(-200'000, 200'000);
      world.schedule_at(when, no_node, 0, [&world, target, ppm] { world.clock_drift(target, ppm); });
      break;
    }
  }
}

/// Ends every fault: heals the network, restores links, resumes and restarts servers.
void heal_everything(Cluster& cluster, FaultState& state) {
  World& world = cluster.world;
  world.network().heal();
  for (std::uint64_t id : state.degradations) world.network().restore(id);
  state.degradations.clear();
  for (NodeId n : cluster.members) {
    world.resume(n);
    world.restart(n);
  }
}

Task<void> keep_proposing(Client& client, int id, std::vector<Ack>& acks, const bool& stop) {
  for (int seq = 0; !stop; ++seq) {
    std::string command = fmt::format("c{}-{}", id, seq);
    ClientOutcome outcome = co_await client.propose(command, 2_s);
    if (outcome.committed) acks.push_back(Ack{command, outcome.index, outcome.term});
    co_await sleep(10_ms);
  }
}

Task<void> probe(World& world, Client& client, Instant healed, std::optional<Duration>& latency) {
  ClientOutcome outcome = co_await client.propose("probe", 10_s);
  if (outcome.committed) latency = world.now() - healed;
}

ChaosRun run_chaos(std::uint64_t seed, const ChaosPlan& plan) {
  Rng setup = Rng::stream(seed, "test/raft/setup");
  std::vector<ClockOptions> clocks;
  for (int i = 0; i < plan.servers; ++i) clocks.push_back(ClockOptions{.drift_ppm = setup.between(-50'000, 50'000)});
  Instant heal_at = at(plan.fault_phase);
  RaftOptions raft_options;
  raft_options.check_quorum = plan.check_quorum;
  Cluster cluster(seed, plan.servers, 4, clocks, raft_options,
                  [heal_at](World& world, std::shared_ptr<Recorder> recorder) {
                    return std::make_shared<LeaderHunter>(world, std::move(recorder), heal_at);
                  });
  for (NodeId n : cluster.members) cluster.world.node(n).disk().set_sync_latency(uniform(setup, 1_ms, 20_ms));

  ChaosRun run;
  Rng faults = Rng::stream(seed, "test/raft/faults");
  auto state = std::make_shared<FaultState>();
  for (Instant t = at(Duration::nanoseconds(faults.between(0, plan.mean_fault_gap.ns() * 2)));
       t < heal_at; t += Duration::nanoseconds(faults.between(0, plan.mean_fault_gap.ns() * 2))) {
    schedule_fault(cluster, faults, t, state);
    ++run.faults;
  }
  World& world = cluster.world;
  world.schedule_at(heal_at, no_node, 0, [&cluster, state] { heal_everything(cluster, *state); });

  bool stop = false;
  for (std::size_t c = 0; c < cluster.clients.size(); ++c)
    spawn(world.executor(cluster.client_nodes[c]),
          keep_proposing(*cluster.clients[c], static_cast<int>(c), run.acks, stop));
  Client prober(world, cluster.client_nodes[0], cluster.members);
  world.schedule_at(heal_at, no_node, 0, [&world, &cluster, &prober, &run, heal_at] {
    spawn(world.executor(cluster.client_nodes[0]), probe(world, prober, heal_at, run.probe_latency));
  });
  world.schedule_at(heal_at + plan.quiet_after, no_node, 0, [&stop] { stop = true; });
  world.run_until(heal_at + plan.settle);

  for (NodeId n : cluster.members) {
    const RaftNode& raft = cluster.server(n)->raft();
    run.applied_at_end.push_back(raft.last_applied());
    run.commit_at_end = std::max(run.commit_at_end, raft.commit_index());
  }
  run.violations = check_election_safety(cluster.observed());
  for (std::string& v : check_state_machine_safety(cluster.observed())) run.violations.push_back(std::move(v));
  std::map<Index, Applied> log = applied_log(cluster.observed());
  for (const Ack& ack : run.acks) {
    auto it = log.find(ack.index);
    if (it == log.end() || it->second.command != ack.command || it->second.term != ack.term)
      run.violations.push_back(fmt::format("acknowledged '{}' at {}@{} is not what was applied there", ack.command,
                                           ack.index, ack.term));
  }
  run.trace_hash = world.trace().hash();
  return run;
}

}  // namespace

TEST_CASE(
    "random crashes, pauses, partitions, loss and drift never break Raft's safety, and it recovers after the heal",
    "[raft]") {
  // Five members as the lock service runs them, and three, where one lost fsync or one slow
  // follower is already the difference between a majority and none.
  // With check_quorum (as the lock service runs) and without (Figure 2 alone).
  ChaosPlan plan;
  plan.servers = GENERATE(5, 3);
  plan.check_quorum = GENERATE(false, true);
  const std::uint64_t seeds = 200;
  std::uint64_t acked = 0;
  std::uint64_t faults = 0;
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    ChaosRun run = run_chaos(seed, plan);
    INFO("servers " << plan.servers << ", check_quorum " << plan.check_quorum << ", seed " << seed);
    for (const std::string& v : run.violations) FAIL_CHECK(v);
    // Liveness: after the last fault heals, a leader is elected and a proposal commits.
    REQUIRE(run.probe_latency);
    CHECK(*run.probe_latency <= plan.liveness_bound);
    // Every member has caught up with everything committed, acknowledged entries included.
    Index highest_ack = 0;
    for (const Ack& ack : run.acks) highest_ack = std::max(highest_ack, ack.index);
    CHECK(run.commit_at_end >= highest_ack);
    for (Index applied : run.applied_at_end) CHECK(applied == run.commit_at_end);
    acked += run.acks.size();
    faults += run.faults;
  }
  // The workload was real: many acknowledged writes under many faults.
  CHECK(acked > seeds * 50);
  CHECK(faults > seeds * 10);
}

TEST_CASE("a chaotic run replays to the same trace hash and another seed does not", "[raft]") {
  ChaosPlan plan;
  ChaosRun first = run_chaos(7, plan);
  ChaosRun again = run_chaos(7, plan);
  ChaosRun other = run_chaos(8, plan);
  CHECK(first.trace_hash == again.trace_hash);
  CHECK(first.acks.size() == again.acks.size());
  CHECK(first.trace_hash != other.trace_hash);
}
