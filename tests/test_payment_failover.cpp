// Payments across a PostgreSQL failover: a statement under way fails and the retry finds the promoted
// server; the idempotency study's claims (the seed charges a double submit twice, the claims do not,
// atomic_claim holds but for an asynchronous failover, where the key as the network's reference and the
// job's adoption of the network's holds keep the money right); and the two shipped scenarios of an
// asynchronous failover with the key as the reference, with the adoption's determinism and its options.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "sim/run/run.hpp"
#include "sim/run/study.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/checkout.hpp"
#include "tests/payment_support.hpp"
#include "tests/study_support.hpp"

namespace {

using payment_support::check_named;

/// The adoption scenario's text, with `params` lines added under params:.
std::string adopt_text(const std::string& params) {
  return "name: t\nmodel: payment\nseed: 1\nduration: 10s\nparams:\n  design: atomic_claim\n  network_reference: key\n"
         "  clients: 1\n  requests: 1\n  reconcile_interval: 2s\n  reconcile_after: 1s\n" +
         params +
         "  postgres: { standbys: 1, promote: [{ at: 1500ms, node: postgres-2 }] }\n"
         "network:\n  latency: { dist: constant, value: 1ms }\n"
         "faults:\n  - at: 0s\n    partition: { one_way: { from: [postgres-1], to: [postgres-2] }, duration: 10s }\n"
         "  - at: 1s\n    crash: { node: postgres-1 }\n";
}

using payment_support::run_text;

}  // namespace

TEST_CASE("a failover fails the statement under way, and the retry finds the promoted server through the host list",
          "[payment]") {
  // atomic_claim with quorum commit: the claim is committed on postgres-1 and a standby; the
  // primary's machine dies while the network authorises, and postgres-2 is promoted.
  const std::string text = R"yaml(name: t
model: payment
duration: 10s
params:
  design: atomic_claim
  clients: 1
  requests: 1
  db_timeout: 1s
  lock_lease: 2s
  postgres:
    standbys: 2
    synchronous_standby_names: "ANY 1 (postgres-2, postgres-3)"
    promote: [{ at: 200ms, node: postgres-2 }]
network:
  latency: { dist: constant, value: 1ms }
faults:
  - at: 100ms
    crash: { node: postgres-1 }
)yaml";
  sim::RunResult run = sim::run_scenario(sim::parse_scenario(text, "t.yaml"), 1).result;
  const sim::Table* answers = nullptr;
  for (const sim::Table& table : run.tables)
    if (table.title == "Answers") answers = &table;
  REQUIRE(answers);
  REQUIRE(answers->rows.size() == 2);
  // The finishing transaction's statement gets no answer: 08006, answered 500.
  CHECK(answers->rows[0].back() == "500 08006");
  // The retry skips the dead host, claims nothing new: it resumes payment 1 on postgres-2 once the
  // lock's lease has passed, and the network's status query finds its authorisation.
  CHECK(answers->rows[1].back() == "200 payment 1 approved 5000");
  for (const sim::CheckOutcome& outcome : run.checks) {
    INFO(outcome.result.name);
    CHECK(outcome.result.held);
  }
}

TEST_CASE("the idempotency study: the seed charges a double submit twice, the claims do not, atomic_claim holds but "
          "for an asynchronous failover unless its reference is the key",
          "[payment]") {
  using study_support::violated;
  sim::Study study =
      sim::load_study(std::string(checkout::source_dir) + "/scenarios/studies/payment-idempotency.yaml");
  REQUIRE(study.rows.size() == 8);
  REQUIRE(study.columns.size() == 2);
  REQUIRE(study.faults.size() == 10);
  // The rows the claims are about, to keep the test short.
  study_support::keep_only(study.rows,
                           {"seed", "unique index", "atomic claim", "atomic claim, key as reference", "Redis SET NX",
                            "ledger"});
  sim::StudyOptions options;
  options.seeds = 10;
  options.jobs = 2;
  sim::StudyResult result = sim::run_study(study, options);
  const std::string dedup = "network dedup";
  // Both copies of each request miss the seed's cache: every run charges twice.
  CHECK(violated(result, "seed", dedup, "requests twice", "duplicate_charge") == options.seeds);
  for (const char* row : {"unique index", "atomic claim", "Redis SET NX"}) {
    INFO(row);
    CHECK(violated(result, row, dedup, "requests twice", "duplicate_charge") == 0);
  }
  for (const char* fault : {"none", "requests twice", "lost messages"}) {
    INFO(fault);
    CHECK(violated(result, "atomic claim", dedup, fault, "duplicate_charge") == 0);
    CHECK(violated(result, "atomic claim", dedup, fault, "duplicate_authorization") == 0);
    // The reversal advice releases or declines an authorisation the job's "not found" missed.
    CHECK(violated(result, "atomic claim", dedup, fault, "held_funds_leak") == 0);
  }
  // The ledger design claims as atomic_claim does, its holds reserved in the two-phase book first.
  for (const char* fault : {"none", "requests twice", "lost messages", "API crashes"})
    for (const char* check : {"duplicate_charge", "duplicate_authorization", "held_funds_leak"}) {
      INFO(fault << " " << check);
      CHECK(violated(result, "ledger", dedup, fault, check) == 0);
    }
  // Without the network's deduplication, a retry that resumes a claim and gets no answer to its status
  // query authorises nothing: the first authorisation may stand.
  CHECK(violated(result, "atomic claim", "no network dedup", "lost messages", "duplicate_authorization") == 0);
  // A claim in Redis released after a lost reply lets the retry authorise again under a new payment id.
  CHECK(violated(result, "Redis SET NX", dedup, "lost messages", "duplicate_authorization") > 0);
  CHECK(violated(result, "seed", dedup, "lost messages", "duplicate_authorization") > 0);

  // An asynchronous standby promoted after the primary's stream stopped lacks what was committed
  // since: payments lost in every design keyed in PostgreSQL, and a retry whose key went with them
  // authorises again, atomic_claim included (a new payment id, a new reference).
  const std::string async = "PostgreSQL failover";
  const std::string quorum = "PostgreSQL failover, quorum commit";
  for (const char* row : {"seed", "unique index", "atomic claim"}) {
    INFO(row);
    CHECK(violated(result, row, dedup, async, "held_funds_leak") > 0);
    CHECK(violated(result, row, dedup, async, "duplicate_authorization") > 0);
  }
  // With the key as the network's reference, the retry's new payment gets the first authorisation (the
  // network deduplicates by reference) and the job adopts each hold no payment records: no second hold,
  // no leak. The database still went back on what it acknowledged: a payment whose PENDING insert
  // reached the standby and whose AUTHORIZED update did not is in doubt again, which no design helps.
  for (const std::string& fault : {async, std::string("PostgreSQL failover at random, Patroni")}) {
    INFO(fault);
    for (const char* check : {"duplicate_charge", "duplicate_authorization", "held_funds_leak", "in_doubt"})
      CHECK(violated(result, "atomic claim, key as reference", dedup, fault, check) == 0);
    CHECK(violated(result, "atomic claim, key as reference", dedup, fault, "invalid_transition") > 0);
  }
  CHECK(violated(result, "atomic claim, key as reference", "no network dedup", async, "duplicate_authorization") >
        0);
  // With quorum commit the promoted standby has every acknowledged commit.
  for (const char* row : {"atomic claim", "atomic claim, key as reference"})
    for (const char* check :
         {"duplicate_charge", "duplicate_authorization", "held_funds_leak", "in_doubt", "invalid_transition"}) {
      INFO(row << " " << check);
      CHECK(violated(result, row, dedup, quorum, check) == 0);
    }
  // The same two failovers at random times under the Patroni-like manager (the leader key's TTL,
  // 30 s, before a standby takes over): asynchronous, the payments the old primary acknowledged
  // after its stream stopped are lost again; with quorum commit atomic_claim holds, while the seed
  // makes a new payment for each retry during the outage and authorises some order twice.
  const std::string patroni = "PostgreSQL failover at random, Patroni";
  const std::string patroni_quorum = "PostgreSQL failover at random, Patroni, quorum commit";
  for (const char* row : {"seed", "unique index", "atomic claim"}) {
    INFO(row);
    CHECK(violated(result, row, dedup, patroni, "held_funds_leak") > 0);
  }
  for (const char* check : {"duplicate_charge", "duplicate_authorization", "held_funds_leak", "in_doubt"})
    CHECK(violated(result, "atomic claim", dedup, patroni_quorum, check) == 0);
  CHECK(violated(result, "seed", dedup, patroni_quorum, "duplicate_authorization") > 0);
  // A Redis failover forgets the claims and results its replica had not received; the class does not
  // apply to the designs without Redis, whose cells are the fault-free ones.
  CHECK(violated(result, "Redis SET NX", dedup, "Redis failover", "duplicate_charge") > 0);
  for (const char* row : {"seed", "unique index", "atomic claim"}) {
    INFO(row);
    CHECK(violated(result, row, dedup, "Redis failover", "duplicate_authorization") ==
          violated(result, row, dedup, "none", "duplicate_authorization"));
    CHECK_THAT(study_support::cell_of(result, row, dedup, "Redis failover").sentence,
               Catch::StartsWith("The fault class does not apply"));
  }
  // A day's step of the reaper's own clock prunes live keys, and a retry after a lost reply charges
  // again; atomic_claim's reaper judges ages on the database's clock.
  CHECK(violated(result, "seed", dedup, "reaper clock steps", "duplicate_charge") > 0);
  CHECK(violated(result, "atomic claim", dedup, "reaper clock steps", "duplicate_charge") == 0);
}


TEST_CASE("an asynchronous failover with the key as the reference: the retry's new payment gets the first hold",
          "[payment]") {
  sim::RunResult run =
      sim::run_scenario(sim::load_scenario("scenarios/payment/pg-failover-async-key-reference.yaml"), 1).result;
  CHECK(run.expectations_met);
  CHECK(check_named(run, "duplicate_authorization").held);
  CHECK(check_named(run, "held_funds_leak").held);
  // The payment id as the reference (the shipped atomic_claim scenario): a second hold.
  sim::RunResult by_id =
      sim::run_scenario(sim::load_scenario("scenarios/payment/pg-failover-async-atomic-claim.yaml"), 1).result;
  CHECK_FALSE(check_named(by_id, "duplicate_authorization").held);
}

TEST_CASE("the job adopts a hold the database forgot after the client had its answer, and only with adopt_holds",
          "[payment]") {
  sim::RunResult shipped =
      sim::run_scenario(sim::load_scenario("scenarios/payment/pg-failover-async-adopt-holds.yaml"), 1).result;
  CHECK(shipped.expectations_met);
  sim::RunResult adopted = run_text(adopt_text(""));
  CHECK(adopted.trace_hash == shipped.trace_hash);
  CHECK(check_named(adopted, "held_funds_leak").held);
  CHECK(check_named(adopted, "duplicate_charge").held);
  sim::RunResult left = run_text(adopt_text("  adopt_holds: false\n"));
  CHECK_FALSE(check_named(left, "held_funds_leak").held);
  // One seed, one trace; another seed, another.
  const std::string text = adopt_text("  network_latency: { dist: lognormal, median: 300ms, p99: 1500ms }\n");
  payment_support::require_one_trace_per_seed(text, 5);
}

TEST_CASE("network_reference and adopt_holds are refused where they cannot apply", "[payment]") {
  const auto& error_of = payment_support::refusal;
  CHECK(error_of("  design: seed\n  network_reference: key\n").find("applies only with design: atomic_claim") !=
        std::string::npos);
  CHECK(error_of("  design: atomic_claim\n  network_reference: keys\n").find("did you mean 'key'") !=
        std::string::npos);
  CHECK(error_of("  design: atomic_claim\n  reconcile_interval: 1s\n  adopt_holds: true\n")
            .find("applies only with network_reference: key") != std::string::npos);
  CHECK(error_of("  design: atomic_claim\n  network_reference: key\n  adopt_holds: true\n")
            .find("applies only with reconcile_interval") != std::string::npos);
  // The ledger's pending transfers are keyed by the payment id, which a claim made again changes.
  CHECK(error_of("  design: ledger\n  network_reference: key\n").find("applies only with design: atomic_claim") !=
        std::string::npos);
  CHECK(error_of("  design: atomic_claim\n  network_reference: key\n  reconcile_interval: 1s\n").empty());
}
