// Goal: the bank's checkers judge hand-made histories right (each able to fail), its params are
// checked, and a run is deterministic: one seed gives one trace, another seed another.
#include <catch2/catch.hpp>

#include "models/bank/checks.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/loader.hpp"

using namespace bank;
using sim::Duration;
using sim::Instant;

namespace {

Instant at_ms(std::int64_t ms) { return Instant::zero() + Duration::milliseconds(ms); }

/// Three accounts of 100.
History three_accounts() {
  History h;
  h.accounts = 3;
  h.initial_balance = 100;
  h.final = FinalState{};
  for (int a = 1; a <= 3; ++a) h.final->balances[a] = 100;
  return h;
}

TransferRecord transfer(std::int64_t id, int from, int to, std::int64_t amount, std::int64_t from_after,
                        std::int64_t to_after, std::int64_t ended_ms) {
  TransferRecord t;
  t.id = id;
  t.client = "client-" + std::to_string(id);
  t.from = from;
  t.to = to;
  t.amount = amount;
  t.ended = at_ms(ended_ms);
  t.outcome = Outcome::committed;
  t.attempts = 1;
  t.writes = {{from, from_after, -amount}, {to, to_after, amount}};
  return t;
}

/// Applies a committed transfer to the final state as the database would hold it.
void commit(History& h, const TransferRecord& t) {
  h.transfers.push_back(t);
  h.final->transfers[t.id] = t;
  for (const Write& w : t.writes) h.final->balances[w.account] = w.balance;
}

sim::CheckResult run_check(const std::string& params, const std::string& name, std::uint64_t seed = 1) {
  sim::Scenario scenario =
      sim::parse_scenario("name: t\nmodel: bank\nseed: 1\nduration: 2s\nparams:\n" + params, "test.yaml");
  sim::RunOutput out = sim::run_scenario(scenario, seed);
  for (const sim::CheckOutcome& c : out.result.checks)
    if (c.result.name == name) return c.result;
  FAIL("no check " << name);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("money_conserved: two transfers in turn conserve money", "[bank]") {
  History h = three_accounts();
  commit(h, transfer(1, 1, 2, 10, 90, 110, 5));
  commit(h, transfer(2, 1, 3, 20, 70, 120, 9));
  REQUIRE(money_conserved(h).held);
}

TEST_CASE("money_conserved: a lost update creates money, with the moment and the amount", "[bank]") {
  History h = three_accounts();
  // Both read account 1 at 100: the second write of 80 overwrites the first's 90.
  commit(h, transfer(1, 1, 2, 10, 90, 110, 5));
  commit(h, transfer(2, 1, 3, 20, 80, 120, 9));
  sim::CheckResult check = money_conserved(h);
  REQUIRE_FALSE(check.held);
  REQUIRE_THAT(check.summary, Catch::StartsWith("10 created, 0 destroyed (1 of 3 accounts"));
  REQUIRE(check.first);
  REQUIRE(check.first->at == at_ms(9));
  REQUIRE_THAT(check.first->what, Catch::Contains("account 1") && Catch::Contains("10 created"));
}

TEST_CASE("money_conserved: money created in one account and destroyed in another do not cancel out", "[bank]") {
  History h = three_accounts();
  h.final->balances[1] = 110;
  h.final->balances[2] = 90;
  sim::CheckResult check = money_conserved(h);
  REQUIRE_FALSE(check.held);
  REQUIRE_THAT(check.summary, Catch::StartsWith("10 created, 10 destroyed"));
}

TEST_CASE("money_conserved and acknowledged_commits are not judged without a final state", "[bank]") {
  History h = three_accounts();
  h.final.reset();
  REQUIRE(money_conserved(h).held);
  REQUIRE_THAT(acknowledged_commits(h).summary, Catch::Contains("not judged"));
}

TEST_CASE("acknowledged_commits: an acknowledged transfer missing from the database is lost", "[bank]") {
  History h = three_accounts();
  commit(h, transfer(1, 1, 2, 10, 90, 110, 5));
  TransferRecord lost = transfer(2, 1, 3, 20, 70, 120, 9);
  h.transfers.push_back(lost);  // acknowledged, but the crash took it: not in the final state
  TransferRecord unknown = transfer(3, 2, 3, 5, 105, 125, 12);
  unknown.outcome = Outcome::unknown;  // in doubt: not required
  h.transfers.push_back(unknown);
  sim::CheckResult check = acknowledged_commits(h);
  REQUIRE_FALSE(check.held);
  REQUIRE(check.summary == "1 of 2 acknowledged commits lost");
  REQUIRE(check.first->at == at_ms(9));
  REQUIRE(check.first->nodes == std::vector<std::string>{"client-2"});
  h.final->transfers[2] = lost;
  REQUIRE(acknowledged_commits(h).held);
}

TEST_CASE("acknowledged_commits: a doctor acknowledged off call and on call at the end is lost", "[bank]") {
  History h = three_accounts();
  h.wards = 1;
  h.final->ward_of = {{1, 0}, {2, 0}};
  h.final->on_call = {{1, true}, {2, true}};
  h.doctors.push_back(DoctorRecord{"doctor-1", 1, 0, at_ms(50), Outcome::committed, true, 1, {}});
  REQUIRE_FALSE(acknowledged_commits(h).held);
  h.final->on_call[1] = false;
  REQUIRE(acknowledged_commits(h).held);
}

TEST_CASE("doctor_on_call: a ward whose two doctors both left is a violation at the later leave", "[bank]") {
  History h = three_accounts();
  h.wards = 2;
  h.final->ward_of = {{1, 0}, {2, 0}, {3, 1}, {4, 1}};
  h.final->on_call = {{1, false}, {2, true}, {3, false}, {4, false}};
  h.doctors.push_back(DoctorRecord{"doctor-3", 3, 1, at_ms(51), Outcome::committed, true, 1, {}});
  h.doctors.push_back(DoctorRecord{"doctor-4", 4, 1, at_ms(53), Outcome::committed, true, 1, {}});
  sim::CheckResult check = doctor_on_call(h);
  REQUIRE_FALSE(check.held);
  REQUIRE(check.summary == "1 of 2 wards left with nobody on call");
  REQUIRE(check.first->at == at_ms(53));
  h.final->on_call[4] = true;
  REQUIRE(doctor_on_call(h).held);
}

TEST_CASE("consistent_totals: a total between two commits' halves never existed", "[bank]") {
  History h = three_accounts();
  commit(h, transfer(1, 1, 2, 10, 90, 110, 5));
  h.reads.push_back(TotalRead{"reader-1", at_ms(1), at_ms(2), 300});
  REQUIRE(consistent_totals(h).held);
  // Account 1 read after the transfer, account 2 before it: 90 + 100 + 100.
  h.reads.push_back(TotalRead{"reader-1", at_ms(4), at_ms(6), 290});
  sim::CheckResult check = consistent_totals(h);
  REQUIRE_FALSE(check.held);
  REQUIRE(check.summary == "1 of 2 totals read were never the database's total");
  REQUIRE(check.first->at == at_ms(6));
}

TEST_CASE("consistent_totals: after a lost update the new total existed and may be read", "[bank]") {
  History h = three_accounts();
  commit(h, transfer(1, 1, 2, 10, 90, 110, 5));
  commit(h, transfer(2, 1, 3, 20, 80, 120, 9));  // overwrites 90 with 80: the total is now 310
  REQUIRE(true_totals(h) == std::vector<std::int64_t>{300, 300, 310});
  h.reads.push_back(TotalRead{"reader-1", at_ms(10), at_ms(11), 310});
  REQUIRE(consistent_totals(h).held);
}

TEST_CASE("bank params: bad values name the key", "[bank]") {
  auto error_of = [](const std::string& params) {
    try {
      run_check(params, "money_conserved");
    } catch (const sim::ScenarioError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  REQUIRE_THAT(error_of("  isolation: snapshot\n"), Catch::Contains("params.isolation"));
  REQUIRE_THAT(error_of("  transfer: cas\n"), Catch::Contains("params.transfer"));
  REQUIRE_THAT(error_of("  max_attempts: 3\n"), Catch::Contains("retry: true"));
  REQUIRE_THAT(error_of("  clients: 0\n"), Catch::Contains("nothing would run"));
  REQUIRE_THAT(error_of("  clients: 200\n"), Catch::Contains("max_connections"));
  REQUIRE_THAT(error_of("  accounts: 1\n"), Catch::Contains("params.accounts"));
}

TEST_CASE("a bank run: one seed gives one trace, another seed another", "[bank][determinism]") {
  std::string text =
      "name: t\nmodel: bank\nseed: 1\nduration: 1s\nparams:\n  accounts: 4\n  clients: 4\n  readers: 1\n"
      "  read: per_account\n  read_every: 10ms\n  wards: 2\n  isolation: serializable\n  retry: true\n";
  sim::Scenario scenario = sim::parse_scenario(text, "test.yaml");
  std::uint64_t first = sim::run_scenario(scenario, 7).result.trace_hash;
  REQUIRE(first == sim::run_scenario(scenario, 7).result.trace_hash);
  REQUIRE(first != sim::run_scenario(scenario, 8).result.trace_hash);
}

TEST_CASE("a bank run at READ COMMITTED with read-then-write loses updates and FOR UPDATE does not", "[bank]") {
  std::string hot = "  accounts: 2\n  clients: 4\n  think: 1ms\n";
  REQUIRE_FALSE(run_check(hot, "money_conserved").held);
  REQUIRE(run_check(hot + "  transfer: for_update\n", "money_conserved").held);
  REQUIRE(run_check(hot + "  transfer: atomic_update\n", "money_conserved").held);
}

namespace {

sim::CheckResult failover_check(const std::string& replication, const std::string& promoted) {
  std::string yaml =
      "name: t\nmodel: bank\nseed: 1\nduration: 3s\n"
      "params:\n  accounts: 5\n  clients: 8\n  transfer: atomic_update\n  work: 2ms\n  think: 2ms\n"
      "  retry: true\n  timeout: 500ms\n  connect_timeout: 200ms\n"
      "  postgres:\n    deadlock_timeout: 20ms\n" +
      replication + "    promote: [{at: 1500ms, node: " + promoted +
      "}]\n"
      "faults:\n"
      "  - at: 800ms\n    partition: { one_way: { from: [postgres-1], to: [postgres-2] }, duration: 2s }\n"
      "  - at: 1100ms\n    crash: { node: postgres-1 }\n";
  sim::RunOutput out = sim::run_scenario(sim::parse_scenario(yaml, "test.yaml"), 3);
  for (const sim::CheckOutcome& c : out.result.checks)
    if (c.result.name == "acknowledged_commits") return c.result;
  FAIL("no acknowledged_commits check");
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("a failover loses the async commits acknowledged after the stream was cut, and none with quorum commit",
          "[bank]") {
  sim::CheckResult async = failover_check("    standbys: 1\n", "postgres-2");
  CHECK_FALSE(async.held);
  REQUIRE(async.first.has_value());
  // Nothing the standby had received is lost: the first lost transfer was acknowledged after the
  // cut at 800 ms and before the crash at 1.1 s.
  CHECK(async.first->at >= at_ms(800));
  CHECK(async.first->at < at_ms(1100));
  sim::CheckResult quorum =
      failover_check("    standbys: 2\n    synchronous_standby_names: \"ANY 1 (postgres-2, postgres-3)\"\n",
                     "postgres-3");
  CHECK(quorum.held);
  CHECK_THAT(quorum.summary, Catch::StartsWith("0 of "));
  // The same quorum, but the operator promotes the standby that was cut off: the commits only
  // postgres-3 had are lost.
  sim::CheckResult wrong_choice =
      failover_check("    standbys: 2\n    synchronous_standby_names: \"ANY 1 (postgres-2, postgres-3)\"\n",
                     "postgres-2");
  CHECK_FALSE(wrong_choice.held);
}
