// The simulated network: messages take their link's latency, keep FIFO order where the link is
// a connection, are lost, duplicated, cut by partitions (at sending and at delivery), dropped
// when the receiver restarted meanwhile, and wait out a receiver's pause in order.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sim/kernel/network.hpp"
#include "sim/kernel/world.hpp"

using namespace sim;
using namespace sim::literals;

namespace {

struct Note final : MessageBody {
  explicit Note(int n) : seq(n) {}
  std::string describe() const override { return "note " + std::to_string(seq); }
  int seq;
};

MessagePtr note(int seq) { return std::make_shared<Note>(seq); }

struct Arrival {
  Instant at;
  NodeId from;
  NodeId to;
  std::uint64_t id;
  Instant sent;
  int seq;
};

Instant at(Duration d) { return Instant::zero() + d; }

LinkOptions constant_link(Duration latency) {
  LinkOptions link;
  link.latency = DurationDist::constant(latency);
  return link;
}

LinkOptions uniform_link(Duration low, Duration high, bool fifo) {
  LinkOptions link;
  link.latency = DurationDist{DurationDist::Kind::uniform, low, high, 0.0};
  link.fifo = fifo;
  return link;
}

/// A world of `names`, its network started with `defaults`, every delivery noted in `log`.
struct Lab {
  Lab(std::uint64_t seed, std::vector<std::string> names, NetworkOptions options) : world(seed) {
    for (auto& name : names) world.add_node(name, {});
    world.start_network(options);
    for (NodeId n = 0; n < world.node_count(); ++n) {
      world.network().set_receiver(n, [this](const Packet& e) {
        const auto* body = dynamic_cast<const Note*>(e.body.get());
        log.push_back(Arrival{world.now(), e.from, e.to, e.id, e.sent, body ? body->seq : -1});
      });
    }
  }
  Lab(std::uint64_t seed, std::vector<std::string> names, LinkOptions defaults)
      : Lab(seed, std::move(names), NetworkOptions{defaults, {}}) {}

  Network& net() { return world.network(); }
  NodeId id(const std::string& name) const { return *world.find_node(name); }
  std::vector<int> seqs() const {
    std::vector<int> out;
    for (const Arrival& a : log) out.push_back(a.seq);
    return out;
  }
  std::vector<std::uint64_t> ids() const {
    std::vector<std::uint64_t> out;
    for (const Arrival& a : log) out.push_back(a.id);
    return out;
  }
  /// Sends one note from `from` to `to` now and runs until it can no longer be in flight.
  bool gets_through(NodeId from, NodeId to, Duration flight = 1_s) {
    std::size_t before = log.size();
    net().send(from, to, note(-2));
    world.run_until(world.now() + flight);
    return log.size() == before + 1 && log.back().from == from && log.back().to == to;
  }

  World world;
  std::vector<Arrival> log;
};

std::size_t inversions(const std::vector<int>& order) {
  std::size_t count = 0;
  for (std::size_t i = 1; i < order.size(); ++i)
    if (order[i] < order[i - 1]) ++count;
  return count;
}

}  // namespace

TEST_CASE("a message arrives after exactly its link's constant latency", "[network]") {
  Lab lab(1, {"a", "b"}, constant_link(3_ms));
  NodeId a = lab.id("a"), b = lab.id("b");
  lab.world.run_until(at(1_s));
  std::uint64_t id = lab.net().send(a, b, note(7));
  REQUIRE(id != 0);
  lab.world.run_until(at(1_s + 3_ms - 1_ns));
  REQUIRE(lab.log.empty());
  lab.world.run();
  REQUIRE(lab.log.size() == 1);
  const Arrival& got = lab.log.front();
  CHECK(got.at == at(1_s + 3_ms));
  CHECK(got.from == a);
  CHECK(got.to == b);
  CHECK(got.id == id);
  CHECK(got.sent == at(1_s));
  CHECK(got.seq == 7);
  CHECK(lab.net().sent_count() == 1);
  CHECK(lab.net().dropped_count() == 0);
}

TEST_CASE("a FIFO link delivers 1000 messages in send order despite random latency", "[network]") {
  Lab lab(7, {"a", "b"}, uniform_link(1_ms, 10_ms, true));
  NodeId a = lab.id("a"), b = lab.id("b");
  for (int i = 0; i < 1000; ++i) {
    lab.net().send(a, b, note(i));
    lab.world.run_until(lab.world.now() + 10_us);
  }
  lab.world.run();
  REQUIRE(lab.log.size() == 1000);
  std::vector<int> expected(1000);
  for (int i = 0; i < 1000; ++i) expected[static_cast<std::size_t>(i)] = i;
  CHECK(lab.seqs() == expected);
  std::set<std::int64_t> flights;
  for (const Arrival& got : lab.log) {
    CHECK(got.at - got.sent >= 1_ms);
    CHECK(got.at - got.sent <= 10_ms);
    flights.insert((got.at - got.sent).ns());
  }
  CHECK(flights.size() > 100);  // the latency really varied
}

TEST_CASE("a datagram link with random latency lets messages overtake each other", "[network]") {
  Lab lab(7, {"a", "b"}, uniform_link(1_ms, 10_ms, false));
  NodeId a = lab.id("a"), b = lab.id("b");
  for (int i = 0; i < 1000; ++i) {
    lab.net().send(a, b, note(i));
    lab.world.run_until(lab.world.now() + 10_us);
  }
  lab.world.run();
  REQUIRE(lab.log.size() == 1000);
  CHECK(inversions(lab.seqs()) > 100);
  std::vector<int> sorted = lab.seqs();
  std::sort(sorted.begin(), sorted.end());
  CHECK(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());  // none twice
  for (const Arrival& got : lab.log) {
    CHECK(got.at - got.sent >= 1_ms);
    CHECK(got.at - got.sent <= 10_ms);
  }
}

TEST_CASE("a loss ratio of 1/4 drops about a quarter, the same messages for one seed", "[network]") {
  LinkOptions lossy = constant_link(1_ms);
  lossy.loss = Ratio{1, 4};
  auto run = [&](std::uint64_t seed) {
    Lab lab(seed, {"a", "b"}, lossy);
    for (int i = 0; i < 4000; ++i) lab.net().send(lab.id("a"), lab.id("b"), note(i));
    lab.world.run();
    CHECK(lab.net().sent_count() == 4000);
    CHECK(lab.net().dropped_count() + lab.log.size() == 4000);
    // Binomial(4000, 1/4): mean 1000, standard deviation 27.
    CHECK(lab.net().dropped_count() >= 870);
    CHECK(lab.net().dropped_count() <= 1130);
    return lab.seqs();
  };
  std::vector<int> first = run(11);
  std::vector<int> again = run(11);
  std::vector<int> other = run(12);
  CHECK(first == again);
  CHECK(first != other);
}

TEST_CASE("a duplicate ratio of 1/1 delivers every message twice", "[network]") {
  LinkOptions twice = constant_link(2_ms);
  twice.duplicate = Ratio{1, 1};
  Lab lab(3, {"a", "b"}, twice);
  for (int i = 0; i < 10; ++i) lab.net().send(lab.id("a"), lab.id("b"), note(i));
  lab.world.run();
  REQUIRE(lab.log.size() == 20);
  CHECK(lab.net().sent_count() == 10);
  for (int i = 0; i < 10; ++i) {
    auto copies = std::count_if(lab.log.begin(), lab.log.end(), [&](const Arrival& got) { return got.seq == i; });
    CHECK(copies == 2);
  }
  for (const Arrival& got : lab.log) CHECK(got.at == at(2_ms));
  // Both copies carry the id of the one message sent.
  std::vector<std::uint64_t> ids = lab.ids();
  CHECK(std::set<std::uint64_t>(ids.begin(), ids.end()).size() == 10);
}

TEST_CASE("a duplicate ratio of 1/2 duplicates about half the messages", "[network]") {
  LinkOptions sometimes = constant_link(2_ms);
  sometimes.duplicate = Ratio{1, 2};
  Lab lab(3, {"a", "b"}, sometimes);
  for (int i = 0; i < 2000; ++i) lab.net().send(lab.id("a"), lab.id("b"), note(i));
  lab.world.run();
  // 2000 originals plus Binomial(2000, 1/2) copies: mean 1000, standard deviation 22.
  CHECK(lab.log.size() >= 2000 + 890);
  CHECK(lab.log.size() <= 2000 + 1110);
}

TEST_CASE("a partition into groups blocks both ways between groups, not within one", "[network]") {
  Lab lab(1, {"a", "b", "c"}, constant_link(1_ms));
  NodeId a = lab.id("a"), b = lab.id("b"), c = lab.id("c");
  lab.net().partition({{a}, {b, c}});
  CHECK_FALSE(lab.net().can_reach(a, b));
  CHECK_FALSE(lab.net().can_reach(b, a));
  CHECK_FALSE(lab.net().can_reach(c, a));
  CHECK(lab.net().can_reach(b, c));
  CHECK(lab.net().can_reach(a, a));
  CHECK_FALSE(lab.gets_through(a, b));
  CHECK_FALSE(lab.gets_through(b, a));
  CHECK_FALSE(lab.gets_through(a, c));
  CHECK(lab.gets_through(b, c));
  CHECK(lab.gets_through(c, b));
  CHECK(lab.net().dropped_count() == 3);
}

TEST_CASE("nodes named in no group of a partition form one more group", "[network]") {
  Lab lab(1, {"a", "b", "c"}, constant_link(1_ms));
  NodeId a = lab.id("a"), b = lab.id("b"), c = lab.id("c");
  lab.net().partition({{a}});
  CHECK_FALSE(lab.gets_through(a, b));
  CHECK_FALSE(lab.gets_through(c, a));
  CHECK(lab.gets_through(b, c));
}

TEST_CASE("a one-way partition: a cannot reach b, but b still reaches a", "[network]") {
  Lab lab(1, {"a", "b", "c"}, constant_link(1_ms));
  NodeId a = lab.id("a"), b = lab.id("b"), c = lab.id("c");
  lab.net().partition_one_way({a}, {b});
  CHECK_FALSE(lab.net().can_reach(a, b));
  CHECK(lab.net().can_reach(b, a));
  CHECK_FALSE(lab.gets_through(a, b));
  CHECK(lab.gets_through(b, a));
  CHECK(lab.gets_through(a, c));
  CHECK(lab.gets_through(c, b));
}

TEST_CASE("an isolated node reaches no one and no one reaches it", "[network]") {
  Lab lab(1, {"a", "b", "c"}, constant_link(1_ms));
  NodeId a = lab.id("a"), b = lab.id("b"), c = lab.id("c");
  lab.net().isolate(c);
  CHECK_FALSE(lab.gets_through(c, a));
  CHECK_FALSE(lab.gets_through(a, c));
  CHECK_FALSE(lab.gets_through(c, b));
  CHECK_FALSE(lab.gets_through(b, c));
  CHECK(lab.gets_through(a, b));
  CHECK(lab.gets_through(b, a));
}

TEST_CASE("heal_partition removes one partition, heal removes all", "[network]") {
  Lab lab(1, {"a", "b", "c"}, constant_link(1_ms));
  NodeId a = lab.id("a"), b = lab.id("b"), c = lab.id("c");
  std::uint64_t ab = lab.net().partition_one_way({a}, {b});
  std::uint64_t lone_c = lab.net().isolate(c);
  std::uint64_t b_apart = lab.net().partition({{a, c}, {b}});
  CHECK(ab != lone_c);
  CHECK(ab != b_apart);

  lab.net().heal_partition(lone_c);
  CHECK(lab.gets_through(a, c));
  CHECK(lab.gets_through(c, a));
  CHECK_FALSE(lab.gets_through(c, b));
  CHECK_FALSE(lab.gets_through(b, a));

  // a -> b is still cut by the one-way partition after the symmetric one heals.
  lab.net().heal_partition(b_apart);
  CHECK(lab.gets_through(b, a));
  CHECK(lab.gets_through(c, b));
  CHECK_FALSE(lab.gets_through(a, b));

  lab.net().isolate(a);
  lab.net().heal();
  CHECK(lab.gets_through(a, b));
  CHECK(lab.gets_through(b, a));
  CHECK(lab.gets_through(c, a));
}

TEST_CASE("a partition that starts while a message is in flight drops it at delivery", "[network]") {
  Lab lab(1, {"a", "b"}, constant_link(10_ms));
  NodeId a = lab.id("a"), b = lab.id("b");
  lab.net().send(a, b, note(1));
  lab.world.run_until(at(5_ms));
  std::uint64_t cut = lab.net().partition({{a}, {b}});
  lab.world.run_until(at(20_ms));
  CHECK(lab.log.empty());
  CHECK(lab.net().dropped_count() == 1);

  // A cut that heals before delivery does not touch the message: links are checked at
  // sending and at delivery only.
  lab.net().heal_partition(cut);
  lab.net().send(a, b, note(2));
  lab.world.run_until(at(22_ms));
  std::uint64_t brief = lab.net().partition({{a}, {b}});
  lab.world.run_until(at(25_ms));
  lab.net().heal_partition(brief);
  lab.world.run();
  REQUIRE(lab.log.size() == 1);
  CHECK(lab.log.front().seq == 2);
  CHECK(lab.log.front().at == at(30_ms));
}

TEST_CASE("a message to a node that crashed and restarted while it was in flight is dropped", "[network]") {
  Lab lab(1, {"a", "b"}, constant_link(10_ms));
  NodeId a = lab.id("a"), b = lab.id("b");
  lab.net().send(a, b, note(1));
  lab.world.run_until(at(2_ms));
  lab.world.crash(b);
  lab.world.run_until(at(5_ms));
  lab.world.restart(b);
  REQUIRE(lab.world.node(b).is_up());
  lab.world.run();
  CHECK(lab.log.empty());
  CHECK(lab.net().dropped_count() == 1);

  // The new incarnation gets what is sent to it.
  CHECK(lab.gets_through(a, b));
}

TEST_CASE("a message to a crashed node is dropped, even if the node restarts before it arrives",
          "[network]") {
  // The message is sent while b is down; b's restart before it arrives gives b a new
  // incarnation, whose connections never carried it: it is dropped, counted and traced.
  Lab lab(1, {"a", "b"}, constant_link(10_ms));
  NodeId a = lab.id("a"), b = lab.id("b");
  lab.world.crash(b);
  lab.world.run_until(at(1_ms));
  lab.net().send(a, b, note(1));
  lab.world.run_until(at(5_ms));
  lab.world.restart(b);
  lab.world.run();
  CHECK(lab.log.empty());
  CHECK(lab.net().dropped_count() == 1);
}

TEST_CASE("a sender that is down sends nothing", "[network]") {
  Lab lab(1, {"a", "b"}, constant_link(1_ms));
  NodeId a = lab.id("a"), b = lab.id("b");
  lab.world.crash(a);
  CHECK(lab.net().send(a, b, note(1)) == 0);
  lab.world.run();
  CHECK(lab.log.empty());
  CHECK(lab.net().sent_count() == 0);
}

TEST_CASE("a paused receiver gets its messages when the pause ends, in order", "[network]") {
  Lab lab(1, {"a", "b"}, uniform_link(1_ms, 3_ms, true));
  NodeId a = lab.id("a"), b = lab.id("b");
  lab.world.run_until(at(1_ms));
  lab.world.pause(b);
  for (int i = 0; i < 20; ++i) {
    lab.net().send(a, b, note(i));
    lab.world.run_until(lab.world.now() + 1_ms);
  }
  lab.world.run_until(at(100_ms));
  CHECK(lab.log.empty());
  lab.world.resume(b);
  lab.net().send(a, b, note(20));
  lab.world.run();
  REQUIRE(lab.log.size() == 21);
  std::vector<int> expected(21);
  for (int i = 0; i <= 20; ++i) expected[static_cast<std::size_t>(i)] = i;
  CHECK(lab.seqs() == expected);
  for (int i = 0; i < 20; ++i) CHECK(lab.log[static_cast<std::size_t>(i)].at == at(100_ms));
  CHECK(lab.log.back().at > at(100_ms));
}

TEST_CASE("a receiver that crashes while paused loses the messages waiting for it, as drops",
          "[network]") {
  // Deliveries wait in a paused node's queue; the crash frees them, and each must still go
  // through the network's drop, so that it is counted and traced like any other lost message.
  Lab lab(1, {"a", "b"}, constant_link(1_ms));
  NodeId a = lab.id("a"), b = lab.id("b");
  lab.world.pause(b);
  for (int i = 0; i < 3; ++i) lab.net().send(a, b, note(i));
  lab.world.run_until(at(10_ms));
  lab.world.crash(b);
  lab.world.restart(b);
  lab.world.run();
  CHECK(lab.log.empty());
  CHECK(lab.net().dropped_count() == 3);
}

TEST_CASE("link overrides by role and by name apply to the links they select, later wins", "[network]") {
  World world(1);
  NodeId client = world.add_node("client", {"client"});
  NodeId r1 = world.add_node("redis-1", {"redis"});
  NodeId r2 = world.add_node("redis-2", {"redis"});
  NetworkOptions options{constant_link(1_ms),
                         {LinkOverride{"role:client", "role:redis", constant_link(5_ms)},
                          LinkOverride{"client", "redis-2", constant_link(7_ms)}}};
  world.start_network(options);
  std::vector<std::pair<NodeId, Instant>> arrivals;
  for (NodeId n = 0; n < world.node_count(); ++n)
    world.network().set_receiver(n, [&](const Packet& e) { arrivals.emplace_back(e.to, world.now()); });

  CHECK(world.network().link(client, r1).latency == DurationDist::constant(5_ms));
  CHECK(world.network().link(client, r2).latency == DurationDist::constant(7_ms));
  CHECK(world.network().link(r1, r2).latency == DurationDist::constant(1_ms));
  world.network().send(client, r1, note(1));
  world.network().send(client, r2, note(2));
  world.network().send(r1, r2, note(3));
  world.run();
  using Arrivals = std::vector<std::pair<NodeId, Instant>>;
  CHECK(arrivals == Arrivals{{r2, at(1_ms)}, {r1, at(5_ms)}, {r2, at(7_ms)}});
}

TEST_CASE("degrade replaces a link's options both ways until restored", "[network]") {
  Lab lab(1, {"a", "b", "c"}, constant_link(1_ms));
  NodeId a = lab.id("a"), b = lab.id("b"), c = lab.id("c");
  std::uint64_t slow = lab.net().degrade({a}, {b}, constant_link(50_ms));
  lab.net().send(a, b, note(1));
  lab.net().send(b, a, note(2));
  lab.net().send(a, c, note(3));
  lab.world.run();
  REQUIRE(lab.log.size() == 3);
  CHECK(lab.log[0].seq == 3);
  CHECK(lab.log[0].at == at(1_ms));
  CHECK(lab.log[1].at == at(50_ms));
  CHECK(lab.log[2].at == at(50_ms));

  LinkOptions lossy = constant_link(1_ms);
  lossy.loss = Ratio{1, 1};
  std::uint64_t cut = lab.net().degrade({a}, {b}, lossy);  // the latest degradation wins
  CHECK_FALSE(lab.gets_through(a, b));
  lab.net().restore(cut);
  Instant sent = lab.world.now();
  CHECK(lab.gets_through(a, b));
  CHECK(lab.log.back().at == sent + 50_ms);
  lab.net().restore(slow);
  sent = lab.world.now();
  CHECK(lab.gets_through(b, a));
  CHECK(lab.log.back().at == sent + 1_ms);
}

TEST_CASE("what a sender's kernel still holds leaves after a process crash, not after a machine crash",
          "[network]") {
  // send_at: the message waits in the sending machine's kernel until its time, then crosses the
  // link. Its process crashing (lose_unsynced false) does not stop it; the machine dying does.
  Lab lab(1, {"a", "b"}, constant_link(1_ms));
  NodeId a = lab.id("a"), b = lab.id("b");
  lab.net().send_at(at(100_ms), a, b, note(1));
  lab.world.run_until(at(50_ms));
  lab.world.crash(a, /*lose_unsynced=*/false);
  lab.world.run_until(at(200_ms));
  REQUIRE(lab.log.size() == 1);
  CHECK(lab.log.back().seq == 1);
  CHECK(lab.log.back().at == at(101_ms));

  lab.world.restart(a);
  lab.net().send_at(at(300_ms), a, b, note(2));
  lab.world.run_until(at(250_ms));
  lab.world.crash(a, /*lose_unsynced=*/true);
  lab.world.restart(a);  // back before the message's time: the new machine never had it
  lab.world.run_until(at(400_ms));
  CHECK(lab.log.size() == 1);
  CHECK(lab.net().dropped_count() == 1);
}

TEST_CASE("a sender's pause does not hold back what its kernel sends, and a partition at its time drops it",
          "[network]") {
  Lab lab(1, {"a", "b"}, constant_link(1_ms));
  NodeId a = lab.id("a"), b = lab.id("b");
  lab.net().send_at(at(100_ms), a, b, note(1));
  lab.world.pause(a);
  lab.world.run_until(at(200_ms));
  REQUIRE(lab.log.size() == 1);
  CHECK(lab.log.back().at == at(101_ms));
  lab.world.resume(a);

  lab.net().send_at(at(300_ms), a, b, note(2));
  lab.net().isolate(a);
  lab.world.run_until(at(400_ms));
  CHECK(lab.log.size() == 1);
  CHECK(lab.net().dropped_count() == 1);
}
