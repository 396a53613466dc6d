// Goal: the simulated PostgreSQL is deterministic (one seed's schedules play to the same
// transcript every time, another seed's to another), and generated concurrent schedules at every
// isolation level keep the engine's own invariants: every statement ends (finishes, fails or is
// cancelled at the end), each row's key is unique among the committed rows, and a blocked
// statement is only ever reported as blocked by another session.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "models/postgres/schedule.hpp"
#include "sim/kernel/random.hpp"

using namespace postgres;

namespace {

/// The transcripts of `count` schedules drawn from `seed`, at each isolation level, hashed.
std::uint64_t transcript_hash(std::uint64_t seed, int count) {
  sim::Rng rng = sim::Rng::stream(seed, "postgres/schedules");
  std::string all;
  for (int i = 0; i < count; ++i)
    for (Isolation level : {Isolation::read_committed, Isolation::repeatable_read, Isolation::serializable}) {
      std::size_t sessions = 2 + rng.below(3);
      Schedule schedule = generate_schedule(rng, level, sessions, 4);
      for (const std::string& line : play(schedule)) all += line + "\n";
    }
  return sim::fnv1a64(all);
}

}  // namespace

TEST_CASE("The simulated PostgreSQL plays one seed's schedules to one transcript, and another seed's to another",
          "[postgres]") {
  std::uint64_t first = transcript_hash(7, 40);
  CHECK(transcript_hash(7, 40) == first);
  CHECK(transcript_hash(8, 40) != first);
}

TEST_CASE("Generated schedules keep keys unique and report blocking by another session", "[postgres]") {
  sim::Rng rng = sim::Rng::stream(11, "postgres/invariants");
  std::size_t blocked = 0, failed = 0;
  for (int i = 0; i < 300; ++i) {
    Isolation level = static_cast<Isolation>(rng.below(3));
    Schedule schedule = generate_schedule(rng, level, 2 + rng.below(3), 5);
    std::vector<std::string> lines = play(schedule);
    INFO(to_text(schedule));
    const std::string& table = lines.back();
    REQUIRE(table.rfind("kv:", 0) == 0);
    std::set<std::string> ids, ks;
    for (std::size_t at = table.find('('); at != std::string::npos; at = table.find('(', at + 1)) {
      std::size_t comma = table.find(',', at), second = table.find(',', comma + 1);
      CHECK(ids.insert(table.substr(at + 1, comma - at - 1)).second);
      CHECK(ks.insert(table.substr(comma + 1, second - comma - 1)).second);
    }
    for (const std::string& line : lines) {
      blocked += line.find("-> blocked by") != std::string::npos;
      failed += line.find("ERROR 40") != std::string::npos;
      std::size_t by = line.find("blocked by T");
      if (by != std::string::npos) CHECK(line.substr(0, line.find(':')) != line.substr(by + 11, 2));
    }
  }
  CHECK(blocked > 50);  // the schedules do contend
  CHECK(failed > 10);
}

// A run like this one found two faults of the engine: a waiter left waiting on a tuple lock
// already let go (the engine stopped resuming waiters after one that waited anew), which ended in
// an exception; and a resumed statement that lost its place in an advisory lock's queue, which
// hung. It draws the schedules in another order than that run did, so it guards against their
// kind, not those two schedules.
TEST_CASE("Twenty thousand generated schedules play to their end", "[postgres]") {
  sim::Rng rng = sim::Rng::stream(99, "fuzz");
  std::size_t lines = 0;
  for (int i = 0; i < 20000; ++i) {
    Isolation level = static_cast<Isolation>(rng.below(3));
    std::size_t sessions = 2 + rng.below(3);
    Schedule schedule = generate_schedule(rng, level, sessions, 3 + rng.below(6));
    INFO("schedule " << i << "\n" << to_text(schedule));
    std::vector<std::string> played;
    REQUIRE_NOTHROW(played = play(schedule));
    lines += played.size();
  }
  CHECK(lines > 20000 * 10);
}
