// The etcd-like lock service on the Raft group: its state machine (revisions, leases, lock keys
// and their order), the leader's lessor, and clients acquiring, waiting, renewing and losing
// the lock through a three-member group.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/etcd/lock_client.hpp"
#include "models/etcd/member.hpp"
#include "models/raft/checks.hpp"
#include "models/raft/observations.hpp"
#include "sim/kernel/network.hpp"
#include "sim/kernel/spawn.hpp"

using namespace sim;
using namespace sim::literals;
using namespace etcd;


namespace {

Instant at(Duration d) { return Instant::zero() + d; }

std::string apply(LockState& state, raft::Index& index, const std::string& command) {
  return state.apply(++index, command);
}

AcquireAnswer acquire(LockState& state, raft::Index& index, const std::string& name, LeaseId lease) {
  std::optional<AcquireAnswer> answer = decode_acquire(apply(state, index, acquire_command(name, lease)));
  REQUIRE(answer);
  return *answer;
}

/// Three members (etcd-0..2) and `client_count` clients, 1 to 3 ms apart, 1 ms fsyncs.
struct Service {
  Service(std::uint64_t seed, int client_count, LockOptions lock_options)
      : world(seed), recorder(std::make_shared<raft::Recorder>()) {
    for (int i = 0; i < 3; ++i) {
      members.push_back(world.add_node(fmt::format("etcd-{}", i), {"etcd"}));
      world.node(members.back()).disk().set_sync_latency(1_ms);
    }
    for (int i = 0; i < client_count; ++i)
      client_nodes.push_back(world.add_node(fmt::format("client-{}", i), {"client"}));
    LinkOptions link;
    link.latency = DurationDist{DurationDist::Kind::uniform, 1_ms, 3_ms, 0.0};
    world.start_network(NetworkOptions{link, {}});
    install_service(world, members, options, recorder);
    for (NodeId node : client_nodes)
      clients.push_back(std::make_unique<LockClient>(world, node, members, lock_options));
    world.boot_all();
  }

  Member* member(NodeId node) { return member_of(world, node); }
  /// Runs until a leader can serve leases (at most 10 s); returns the time.
  Instant settle() {
    while (world.now() < at(10_s)) {
      std::optional<NodeId> l = leader();
      if (l && member(*l)->raft().leader_ready() && member(*l)->raft().has_fresh_quorum()) break;
      world.run_until(world.now() + 10_ms);
    }
    REQUIRE(leader());
    return world.now();
  }
  std::optional<NodeId> leader() {
    for (NodeId n : members)
      if (Member* m = member(n); m && world.node(n).is_up() && m->raft().role() == raft::Role::leader) return n;
    return std::nullopt;
  }

  World world;
  ServiceOptions options;
  std::shared_ptr<raft::Recorder> recorder;
  std::vector<NodeId> members;
  std::vector<NodeId> client_nodes;
  std::vector<std::unique_ptr<LockClient>> clients;
};

/// How one acquire ended, and when.
struct Acquired {
  std::optional<Grant> grant;
  Instant at;
};

Task<void> acquire_lock(World& world, LockClient& client, std::string name, std::optional<Acquired>& out) {
  std::optional<Grant> grant = co_await client.acquire(std::move(name));
  out = Acquired{grant, world.now()};
}

Task<void> release_lock(World& world, LockClient& client, std::optional<Instant>& released) {
  bool confirmed = co_await client.release();
  if (confirmed) released = world.now();
}

void start_acquire(Service& service, int client, std::optional<Acquired>& out) {
  spawn(service.world.executor(service.client_nodes[client]),
        acquire_lock(service.world, *service.clients[client], "res", out));
}

}  // namespace

TEST_CASE("lock keys are ordered by create revision and the lowest holds the lock", "[etcd]") {
  LockState state;
  raft::Index index = 0;
  LeaseId a = std::stoll(apply(state, index, grant_command(10_s)));
  LeaseId b = std::stoll(apply(state, index, grant_command(10_s)));
  LeaseId c = std::stoll(apply(state, index, grant_command(10_s)));
  CHECK(a != b);
  CHECK(state.revision() == 0);  // leases are not keys: no revision yet

  AcquireAnswer first = acquire(state, index, "res", a);
  CHECK(first.lease_found);
  CHECK(first.holds);
  CHECK(first.create_revision == 1);
  CHECK(first.predecessor.empty());
  AcquireAnswer second = acquire(state, index, "res", b);
  AcquireAnswer third = acquire(state, index, "res", c);
  CHECK_FALSE(second.holds);
  CHECK(second.create_revision == 2);
  CHECK(second.predecessor == first.key);
  // Each waiter watches only the key just before its own.
  CHECK(third.predecessor == second.key);
  // Asking again is idempotent: the same key, the same revision.
  AcquireAnswer again = acquire(state, index, "res", b);
  CHECK(again.key == second.key);
  CHECK(again.create_revision == 2);
  CHECK(state.revision() == 3);
  CHECK(state.holder("res") == first.key);
  // Another lock name is independent.
  CHECK(acquire(state, index, "other", c).holds);

  // The holder's lease is revoked (it expired): its key goes, the next in line holds, and
  // its fencing token is higher than the one before.
  CHECK(apply(state, index, revoke_command(a)) == "ok");
  CHECK_FALSE(state.has_key(first.key));
  CHECK(state.holder("res") == second.key);
  AcquireAnswer promoted = acquire(state, index, "res", b);
  CHECK(promoted.holds);
  CHECK(promoted.create_revision > first.create_revision);
  // Release deletes only that key; the lease stays.
  CHECK(apply(state, index, release_command("res", b)) == "ok");
  CHECK(apply(state, index, release_command("res", b)) == "absent");
  CHECK(state.leases().count(b) == 1);
  CHECK(state.holder("res") == third.key);
  // A request on an unknown lease creates nothing.
  CHECK_FALSE(acquire(state, index, "res", a).lease_found);
  CHECK(apply(state, index, revoke_command(a)) == "no_lease");
  // A retry after a release gets a new, higher revision: a new fencing token.
  AcquireAnswer back = acquire(state, index, "res", b);
  CHECK(back.create_revision > state.keys().at(third.key).create_revision);
  CHECK(back.predecessor == third.key);
}

TEST_CASE("the lessor expires leases on its clock, refreshes them all on promotion and never revives one", "[etcd]") {
  LockState state;
  raft::Index index = 0;
  LeaseId a = std::stoll(apply(state, index, grant_command(10_s)));
  LeaseId b = std::stoll(apply(state, index, grant_command(2_s)));
  Lessor lessor;
  auto mono = [](sim::Duration since_boot) { return sim::MonoTime::boot() + since_boot; };
  lessor.on_granted(a, 10_s, sim::MonoTime::boot());
  lessor.on_granted(b, 2_s, sim::MonoTime::boot());
  CHECK(lessor.take_expired(mono(1_s)).empty());
  CHECK(lessor.renew(state, b, mono(1_s)));
  CHECK(lessor.take_expired(mono(2500_ms)).empty());
  std::vector<LeaseId> expired = lessor.take_expired(mono(3_s));
  REQUIRE(expired == std::vector<LeaseId>{b});
  CHECK(lessor.take_expired(mono(3_s)).empty());  // its revocation is under way
  CHECK_FALSE(lessor.renew(state, b, mono(3_s)));  // too late to renew
  lessor.revocation_done(b);
  CHECK(lessor.take_expired(mono(3_s)) == std::vector<LeaseId>{b});
  // A new leader cannot know when the old one last renewed: every lease gets a full TTL.
  lessor.promote(state, mono(9_s));
  CHECK(lessor.deadline(a) == mono(19_s));
  CHECK(lessor.deadline(b) == mono(11_s));
  CHECK_FALSE(lessor.renew(state, 12345, mono(9_s)));
}

TEST_CASE("a second client waits for the first to release and gets a higher fencing token", "[etcd]") {
  Service service(21, 2, LockOptions{.ttl = 5_s});
  Instant t0 = service.settle();
  std::optional<Acquired> first, second;
  start_acquire(service, 0, first);
  service.world.run_until(t0 + 200_ms);
  REQUIRE(first);
  REQUIRE(first->grant);
  start_acquire(service, 1, second);
  service.world.run_until(t0 + 8_s);
  CHECK_FALSE(second);  // still waiting: the first keeps its lease alive
  CHECK(service.clients[0]->believes_held());
  CHECK(service.clients[0]->keep_alives_answered() >= 4);
  std::optional<Instant> released;
  Instant release_started = service.world.now();
  spawn(service.world.executor(service.client_nodes[0]), release_lock(service.world, *service.clients[0], released));
  service.world.run_until(t0 + 9_s);
  REQUIRE(released);
  REQUIRE(second);
  REQUIRE(second->grant);
  CHECK(second->at > release_started);
  CHECK(second->at < release_started + 100_ms);  // woken by its watch, not by polling
  CHECK(second->grant->token > first->grant->token);
  CHECK_FALSE(service.clients[0]->believes_held());
  CHECK(service.clients[1]->believes_held());
}

TEST_CASE("a holder that stops renewing loses the lock when the leader expires its lease", "[etcd]") {
  Service service(22, 2, LockOptions{.ttl = 5_s});
  Instant t0 = service.settle();
  std::optional<Acquired> first, second;
  start_acquire(service, 0, first);
  service.world.run_until(t0 + 200_ms);
  REQUIRE(first);
  REQUIRE(first->grant);
  start_acquire(service, 1, second);
  // A stop-the-world pause of the holder before its first renewal (due TTL/3 after the grant).
  service.world.run_until(t0 + 1_s);
  service.world.pause(service.client_nodes[0]);
  service.world.run_until(t0 + 8_s);
  REQUIRE(second);
  REQUIRE(second->grant);
  CHECK(second->grant->token > first->grant->token);
  // A full TTL after the grant, as the leader's clock counts it, plus one expiry check.
  CHECK(second->at >= t0 + 5_s);
  CHECK(second->at <= t0 + 5_s + 500_ms);
  // The paused holder still "holds" by its stale view until it runs again and looks at its
  // clock: that gap is what the fencing token is for.
  service.world.resume(service.client_nodes[0]);
  CHECK_FALSE(service.clients[0]->believes_held());
  service.world.run_until(t0 + 9_s);
  CHECK_FALSE(service.clients[0]->grant());
}

TEST_CASE("a new leader gives every lease a full TTL before it can expire", "[etcd]") {
  Service service(23, 2, LockOptions{.ttl = 5_s});
  Instant t0 = service.settle();
  std::optional<Acquired> first, second;
  start_acquire(service, 0, first);
  service.world.run_until(t0 + 200_ms);
  REQUIRE(first);
  REQUIRE(first->grant);
  start_acquire(service, 1, second);
  service.world.run_until(t0 + 500_ms);
  service.world.pause(service.client_nodes[0]);  // no renewal ever reaches the service
  service.world.run_until(t0 + 3_s);
  NodeId old_leader = *service.leader();
  service.world.crash(old_leader);
  service.world.run_until(t0 + 15_s);
  REQUIRE(second);
  REQUIRE(second->grant);
  // The old leader would have expired the lease at about t0 + 5 s; the new one counts a
  // full TTL from its own election.
  const auto& elections = service.recorder->observations().elections;
  REQUIRE(elections.size() >= 2);
  Instant elected = elections.back().at;
  CHECK(elected > t0 + 3_s);
  CHECK(second->at >= elected + 5_s);
  CHECK(second->grant->token > first->grant->token);
  for (const std::string& v : raft::check_election_safety(service.recorder->observations())) FAIL_CHECK(v);
  for (const std::string& v : raft::check_state_machine_safety(service.recorder->observations())) FAIL_CHECK(v);
}

TEST_CASE("a holder that keeps renewing keeps the lock through a leader crash", "[etcd]") {
  Service service(24, 2, LockOptions{.ttl = 5_s});
  Instant t0 = service.settle();
  std::optional<Acquired> first, second;
  start_acquire(service, 0, first);
  service.world.run_until(t0 + 200_ms);
  REQUIRE(first);
  REQUIRE(first->grant);
  start_acquire(service, 1, second);
  service.world.run_until(t0 + 2_s);
  NodeId old_leader = *service.leader();
  service.world.crash(old_leader);
  service.world.run_until(t0 + 15_s);
  // Renewals found the new leader: the lease lived on, and the waiter still waits.
  REQUIRE(service.leader());
  CHECK(*service.leader() != old_leader);
  CHECK_FALSE(second);
  CHECK(service.clients[0]->believes_held());
  CHECK(service.clients[0]->grant());
  const Member& leader = *service.member(*service.leader());
  CHECK(leader.state().holder("res") == first->grant->key);
}

TEST_CASE("a deposed leader cut off with its client stops renewing before a new leader can expire the lease",
          "[etcd]") {
  // check_quorum: the old leader, alone with the holder, refuses renewals once its majority
  // has been silent for a minimum election timeout; the majority side elects a leader no
  // sooner than that, and gives the lease a full TTL. So the holder's belief ends before the
  // lock passes on (clocks running true).
  Service service(25, 2, LockOptions{.ttl = 5_s});
  Instant t0 = service.settle();
  std::optional<Acquired> first, second;
  start_acquire(service, 0, first);
  service.world.run_until(t0 + 200_ms);
  REQUIRE(first);
  REQUIRE(first->grant);
  start_acquire(service, 1, second);
  service.world.run_until(t0 + 2_s);
  NodeId old_leader = *service.leader();
  Network::Selector minority{old_leader, service.client_nodes[0]};
  Network::Selector majority{service.client_nodes[1]};
  for (NodeId n : service.members)
    if (n != old_leader) majority.push_back(n);
  service.world.network().partition({minority, majority});
  // Watch the holder's belief and the waiter's grant side by side.
  std::optional<Instant> belief_ended;
  while (service.world.now() < t0 + 20_s && !second) {
    service.world.run_until(service.world.now() + 10_ms);
    if (!belief_ended && !service.clients[0]->believes_held()) belief_ended = service.world.now();
  }
  REQUIRE(second);
  REQUIRE(second->grant);
  REQUIRE(belief_ended);
  CHECK(*belief_ended <= second->at);
  CHECK(second->grant->token > first->grant->token);
  CHECK(service.member(old_leader)->raft().role() != raft::Role::leader);
}

TEST_CASE("a holder cut off past its lease that campaigns again holds nothing until it wins", "[etcd]") {
  // A leader elector whose belief lapsed while it was isolated acquires again: the service grants
  // it a new lease at once, but the lock is another's until that one lets go. Its old grant is
  // gone with its belief, so the new lease must not make it believe it holds the old key.
  Service service(26, 2, LockOptions{.ttl = 5_s, .acquire_timeout = 30_s});
  Instant t0 = service.settle();
  std::optional<Acquired> first, second, again;
  start_acquire(service, 0, first);
  service.world.run_until(t0 + 200_ms);
  REQUIRE(first);
  REQUIRE(first->grant);
  start_acquire(service, 1, second);
  std::uint64_t cut = service.world.network().isolate(service.client_nodes[0]);
  service.world.run_until(t0 + 8_s);
  REQUIRE(second);
  REQUIRE(second->grant);
  CHECK_FALSE(service.clients[0]->believes_held());
  start_acquire(service, 0, again);  // campaigning while still cut off
  service.world.run_until(t0 + 9_s);
  service.world.network().heal_partition(cut);
  bool believed = false;
  while (service.world.now() < t0 + 20_s) {
    service.world.run_until(service.world.now() + 10_ms);
    believed = believed || service.clients[0]->believes_held();
  }
  CHECK_FALSE(again);  // still waiting behind the second client, which keeps renewing
  CHECK_FALSE(believed);
  CHECK(service.clients[1]->believes_held());
}

TEST_CASE("a lock service run replays to the same trace hash and another seed does not", "[etcd]") {
  auto run = [](std::uint64_t seed) {
    Service service(seed, 2, LockOptions{.ttl = 2_s});
    std::optional<Acquired> first, second;
    start_acquire(service, 0, first);
    start_acquire(service, 1, second);
    service.world.run_until(at(4_s));
    service.world.crash(service.members[0]);
    service.world.run_until(at(8_s));
    return service.world.trace().hash();
  };
  CHECK(run(31) == run(31));
  CHECK(run(31) != run(32));
}
