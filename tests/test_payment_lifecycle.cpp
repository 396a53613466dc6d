// The payment lifecycle: the state graph, contradictory events and the in-doubt liveness bound on
// hand-made transitions (each fails on the history it is about and holds on its fixed twin), the
// reconciliation job and the key reaper in the shipped scenarios P5 and P6 (the seed's code fails
// where the reference says, the fix holds), and a run with both jobs: one seed, one trace; the
// Redis idempotency store (the seed's cache there, redis_setnx) in P1, P3 (b) and P4; P8's capture
// after expiry and the capture deadline that avoids it, and re-authorisation; atomic_claim's reversal
// advice; the ledger design's scenarios and its job's void after the FAILED commit; partial captures and
// refunds, and the refund saga's concurrency. Settlement and disputes: test_payment_settlement.cpp.
#include <catch2/catch.hpp>

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "models/payment/checks.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/payment_support.hpp"

using namespace payment;
using sim::Instant;

namespace {

Instant at_s(std::int64_t s) { return Instant::zero() + sim::Duration::seconds(s); }

Transition move(std::int64_t s, std::string status, std::string event, std::string node = "api-1") {
  return Transition{at_s(s), 1, std::move(status), std::move(event), std::move(node)};
}

using payment_support::check_named;
using payment_support::detail;
using payment_support::run_file;
using payment_support::shipped_text;

}  // namespace

TEST_CASE("a payment failed and then authorised leaves the state graph and contradicts itself", "[payment]") {
  Observations o;
  o.payments = {PaymentRow{1, 7, 7, 5000, "AUTHORIZED", 1}};
  o.transitions = {move(0, "PENDING", "payment.created"), move(10, "FAILED", "payment.failed", "reconciler"),
                   move(40, "AUTHORIZED", "payment.authorized")};
  sim::CheckResult invalid = check_invalid_transition(o);
  CHECK_FALSE(invalid.held);
  CHECK(invalid.summary == "1 payments left the state graph (2 moves)");  // its status and its events
  REQUIRE(invalid.first);
  CHECK(invalid.first->at == at_s(40));
  CHECK_THAT(invalid.first->what, Catch::Contains("FAILED -> AUTHORIZED"));
  sim::CheckResult contradicted = check_contradictory_events(o);
  CHECK_FALSE(contradicted.held);
  CHECK(contradicted.summary == "1 payments emitted contradictory events (5000)");
  // The fix's path: PENDING, UNKNOWN (no event), AUTHORIZED once; the late reply moves nothing.
  o.transitions = {move(0, "PENDING", "payment.created"), move(10, "UNKNOWN", "", "reconciler"),
                   move(30, "AUTHORIZED", "payment.authorized", "reconciler")};
  CHECK(check_invalid_transition(o).held);
  CHECK(check_contradictory_events(o).held);
  // An event emitted without its move still counts in the events' order: authorised twice.
  o.transitions.push_back(move(40, "", "payment.authorized"));
  CHECK_FALSE(check_invalid_transition(o).held);
  CHECK(check_contradictory_events(o).held);
}

TEST_CASE("a payment whose creation no actor saw answered starts PENDING if the table holds it", "[payment]") {
  // The API crashed as its INSERT's COMMIT was answered; the reconciliation job then moved the row.
  Observations o;
  o.transitions = {move(10, "UNKNOWN", "", "reconciler"), move(20, "AUTHORIZED", "payment.authorized", "reconciler")};
  CHECK_FALSE(check_invalid_transition(o).held);  // no such payment in the table: (none) -> UNKNOWN
  o.payments = {PaymentRow{1, 7, 7, 5000, "AUTHORIZED", 1}};
  CHECK(check_invalid_transition(o).held);
  // Its path still has to follow the graph from PENDING.
  o.transitions.push_back(move(30, "FAILED", "payment.failed", "reconciler"));
  CHECK_FALSE(check_invalid_transition(o).held);
}

TEST_CASE("a payment in doubt past two reconciliation periods after the faults heal is late", "[payment]") {
  Observations o;
  o.reconcile_interval = sim::Duration::seconds(10);
  o.reconcile_after = sim::Duration::seconds(5);
  o.faults_healed = at_s(30);
  o.end = at_s(100);
  o.transitions = {move(0, "PENDING", "payment.created"), move(10, "UNKNOWN", "", "reconciler"),
                   move(50, "AUTHORIZED", "payment.authorized", "reconciler")};
  CHECK(check_unknown_age(o).held);  // due at 30 s + 2 x 10 s
  o.transitions[2].at = at_s(51);
  sim::CheckResult late = check_unknown_age(o);
  CHECK_FALSE(late.held);
  CHECK(late.summary == "1 payments in doubt past two reconciliation periods");
  CHECK(detail(late, "longest in doubt") == "51s");
  o.transitions.pop_back();  // never resolved: in doubt until the end
  CHECK_FALSE(check_unknown_age(o).held);
  o.reconcile_interval.reset();  // no job: nothing promised
  CHECK(check_unknown_age(o).held);
}

TEST_CASE("P6: the seed's reconciliation fails a payment the late reply then authorises, the fix waits", "[payment]") {
  sim::RunResult seed = run_file("p6-late-reply-seed");
  CHECK(seed.expectations_met);
  CHECK(detail(check_named(seed, "invalid_transition"), "payments off the graph") == "1");
  CHECK(detail(check_named(seed, "contradictory_events"), "payments contradicted") == "1");
  sim::RunResult fixed = run_file("p6-late-reply-atomic-claim");
  CHECK(fixed.expectations_met);
  for (const char* name : {"invalid_transition", "contradictory_events", "unknown_age_max", "in_doubt"})
    CHECK(check_named(fixed, name).held);
}

TEST_CASE("P5: a retry after the key was pruned charges again, caught per order with cause key_pruned", "[payment]") {
  for (const char* name :
       {"p5a-retry-after-pruning-seed", "p5a-retry-after-pruning-atomic-claim", "p5b-reaper-clock-step-seed"}) {
    INFO(name);
    sim::RunResult run = run_file(name);
    CHECK(run.expectations_met);
    const sim::CheckResult& charge = check_named(run, "duplicate_charge");
    CHECK_FALSE(charge.held);
    CHECK(detail(charge, "extra per order") == "1");
    CHECK(detail(charge, "extra per order, cause key_pruned") == "1");
  }
  for (const char* name : {"p5a-retry-after-pruning-long-retention", "p5b-reaper-clock-step-atomic-claim"}) {
    INFO(name);
    sim::RunResult run = run_file(name);
    CHECK(run.expectations_met);
    CHECK(check_named(run, "duplicate_charge").held);
  }
}

TEST_CASE("a payment run with the reconciliation job and the key reaper: one seed gives one trace", "[payment]") {
  const std::string text =
      "name: t\nmodel: payment\nseed: 1\nduration: 60s\n"
      "params:\n  design: atomic_claim\n  clients: 3\n  requests: 3\n  declines: 10%\n"
      "  network_latency: { dist: lognormal, median: 300ms, p99: 1500ms }\n"
      "  reconcile_interval: 5s\n  reconcile_after: 2s\n  reaper_interval: 2s\n  key_retention: 10s\n"
      "faults:\n  - at: 1s\n    drop_response: { from: network, to: api-1, duration: 3s }\n"
      "  - at: 2s\n    partition: { groups: [[reconciler], [network]], duration: 10s }\n";
  payment_support::require_one_trace_per_seed(text, 5);
}

namespace {

/// The answers a run's clients got, as its Answers table writes them ("200 payment 1 approved 5000").
std::vector<std::string> answers_of(const sim::RunResult& result) {
  std::vector<std::string> answers;
  for (const sim::Table& table : result.tables)
    if (table.title == "Answers")
      for (const std::vector<std::string>& row : table.rows) answers.push_back(row.back());
  return answers;
}

bool has(const std::vector<std::string>& answers, const std::string& answer) {
  return std::find(answers.begin(), answers.end(), answer) != answers.end();
}

std::string p3b_text(const std::string& design, bool crash) {
  std::string text =
      "name: t\nmodel: payment\nseed: 1\nduration: 30s\nparams:\n  design: " + design +
      "\n  idempotency_store: redis\n"
      "  redis: { replicas: 1, replication_lag: 2s, failover: { enabled: true, down_after: 1s, ping_period: 250ms } }\n"
      "network:\n  latency: { dist: constant, value: 1ms }\n"
      "faults:\n  - at: 300ms\n    drop_response: { from: redis-0, to: api-1, duration: 5s }\n";
  if (crash) text += "  - at: 411ms\n    crash: { node: redis-0 }\n";
  return text;
}

}  // namespace

TEST_CASE("P1 and P4 on redis_setnx: SET NX refuses a concurrent twin, then a reuse with another amount",
          "[payment]") {
  sim::RunResult twin = run_file("p1-double-submit-redis-setnx");
  CHECK(twin.expectations_met);
  std::vector<std::string> answers = answers_of(twin);
  CHECK(has(answers, "409 idempotency_key_in_use"));
  CHECK(std::count(answers.begin(), answers.end(), "200 payment 1 approved 5000") == 2);
  sim::RunResult reused = run_file("p4-key-reused-redis-setnx");
  CHECK(reused.expectations_met);
  CHECK(has(answers_of(reused), "400 idempotency_error"));
}

TEST_CASE("P3 (b): a Redis failover forgets the seed's cached result and redis_setnx's claim", "[payment]") {
  for (const char* design : {"seed", "redis_setnx"}) {
    INFO(design);
    // The SET's reply is lost either way (500 after the API's wait); only with the master's crash
    // and its replica's promotion does the retry find no key and charge again.
    sim::RunResult lost =
        sim::run_scenario(sim::parse_scenario(p3b_text(design, true), "t.yaml"), 1).result;
    CHECK(has(answers_of(lost), "500 cache timeout"));
    CHECK_FALSE(check_named(lost, "duplicate_charge").held);
    CHECK(detail(check_named(lost, "duplicate_charge"), "extra per order") == "1");
    sim::RunResult kept =
        sim::run_scenario(sim::parse_scenario(p3b_text(design, false), "t.yaml"), 1).result;
    CHECK(has(answers_of(kept), "500 cache timeout"));
    CHECK(check_named(kept, "duplicate_charge").held);
  }
  CHECK(run_file("p3b-cache-failover-seed").expectations_met);
  CHECK(run_file("p3b-cache-failover-redis-setnx").expectations_met);
}

TEST_CASE("a redis_setnx run with a failover: one seed gives one trace, another seed another", "[payment]") {
  const std::string text =
      "name: t\nmodel: payment\nseed: 1\nduration: 30s\n"
      "params:\n  design: redis_setnx\n  clients: 3\n  requests: 3\n  double_submit: 3ms\n  declines: 10%\n"
      "  network_latency: { dist: lognormal, median: 300ms, p99: 1500ms }\n"
      "  redis: { replicas: 1, replication_lag: { dist: uniform, min: 0ms, max: 2s },"
      " failover: { enabled: true, down_after: 1s } }\n"
      "faults:\n  - at: 1s\n    crash: { node: redis-0, restart_after: 5s }\n";
  payment_support::require_one_trace_per_seed(text, 9);
}

TEST_CASE("a Redis idempotency store is refused where the design keeps its keys elsewhere", "[payment]") {
  const auto& error_of = payment_support::refusal;
  CHECK(error_of("  design: redis_setnx\n  idempotency_store: table\n").find("leave idempotency_store at redis") !=
        std::string::npos);
  CHECK(error_of("  design: atomic_claim\n  idempotency_store: redis\n").find("only the seed's cache") !=
        std::string::npos);
  CHECK(error_of("  design: seed\n  redis: { replicas: 1 }\n").find("applies only with idempotency_store: redis") !=
        std::string::npos);
  CHECK(error_of("  design: redis_setnx\n  reaper_interval: 1s\n").find("by their TTL") != std::string::npos);
  CHECK(error_of("  design: redis_setnx\n  idempotency_store: redus\n").find("did you mean 'redis'") !=
        std::string::npos);
}

TEST_CASE("P8: a capture after the hold's 7 days is refused, a capture deadline lands it before the cut", "[payment]") {
  sim::RunResult late = run_file("p8-capture-after-expiry-seed");
  CHECK(late.expectations_met);
  CHECK(detail(check_named(late, "capture_after_expiry"), "captures after expiry") == "1");
  sim::RunResult deadline = run_file("p8-capture-deadline-atomic-claim");
  CHECK(deadline.expectations_met);
  // The same run without the margin: the capture waits for the shipment and meets the cut.
  std::string without = shipped_text("p8-capture-deadline-atomic-claim");
  std::size_t line = without.find("  capture_margin: 1d\n");
  REQUIRE(line != std::string::npos);
  without.erase(line, std::string("  capture_margin: 1d\n").size());
  sim::RunResult no_margin = sim::run_scenario(sim::parse_scenario(without, "t.yaml"), 1).result;
  CHECK_FALSE(check_named(no_margin, "capture_after_expiry").held);
  CHECK_FALSE(no_margin.expectations_met);
}

namespace {

/// P2 (c) with reversal advice and the network's deduplication set, and `faults` added.
sim::RunResult late_authorization(bool reversal, bool dedup, const std::string& faults) {
  std::string s = shipped_text("p2c-late-authorization-no-reversal");
  s.replace(s.find("  reversal_advice: false\n"), std::string("  reversal_advice: false\n").size(),
            fmt::format("  reversal_advice: {}\n  network_dedup: {}\n", reversal, dedup));
  s.replace(s.find("expect:"), std::string::npos, "");
  s.replace(s.find("faults:\n"), std::string("faults:\n").size(), "faults:\n" + faults);
  return sim::run_scenario(sim::parse_scenario(s, "t.yaml"), 1).result;
}

std::string leaked(const sim::RunResult& result) {
  return detail(check_named(result, "held_funds_leak"), "holds leaked");
}

}  // namespace

TEST_CASE("P2 (c): a hold placed after the job heard 'not found' leaks, unless the job sends a reversal advice",
          "[payment]") {
  sim::RunResult without = run_file("p2c-late-authorization-no-reversal");
  CHECK(without.expectations_met);
  CHECK(leaked(without) == "1");
  sim::RunResult with = run_file("p2c-late-authorization-reversal");
  CHECK(with.expectations_met);
  CHECK(leaked(with) == "0");
  // The advice is lost on its way (3.4 s to 5 s): the job sends it again at its next pass (6.4 s).
  const std::string lost = "  - at: 3400ms\n    partition: { one_way: { from: [reconciler], to: [network] }, "
                           "duration: 1600ms }\n";
  CHECK(leaked(late_authorization(true, true, lost)) == "0");
  // The retry's authorisation is slow (1 s links from 3.1 s): the advice reaches the network first.
  // Deduplicating by reference, the network keeps it as the reference's first answer and declines
  // the authorisation; without deduplication it has nothing to keep, and the late hold leaks.
  const std::string slow = "  - at: 3100ms\n    slow_link: { from: api-1, to: network, latency: { dist: constant, "
                           "value: 1s }, duration: 1s }\n";
  sim::RunResult first = late_authorization(true, true, slow);
  CHECK(leaked(first) == "0");
  CHECK(check_named(first, "duplicate_authorization").held);
  CHECK(leaked(late_authorization(true, false, slow)) == "1");
  CHECK(leaked(late_authorization(false, true, slow)) == "1");
}

TEST_CASE("reversal advice is refused but with atomic_claim's reconciliation job", "[payment]") {
  const auto& error_of = payment_support::refusal;
  CHECK(error_of("  design: atomic_claim\n  reversal_advice: true\n").find("applies only with reconcile_interval") !=
        std::string::npos);
  CHECK(error_of("  design: seed\n  reconcile_interval: 1s\n  reversal_advice: true\n")
            .find("applies only with design: atomic_claim") != std::string::npos);
  CHECK(error_of("  design: atomic_claim\n  reconcile_interval: 1s\n  reversal_advice: false\n").empty());
}

TEST_CASE("a capture margin is refused without a back office or when it is not shorter than the hold", "[payment]") {
  const auto& error_of = payment_support::refusal;
  CHECK(error_of("  capture_margin: 1d\n").find("applies only with capture_after") != std::string::npos);
  CHECK(
      error_of("  capture_after: 1h\n  auth_validity: 2d\n  capture_margin: 2d\n").find("shorter than auth_validity") !=
      std::string::npos);
}

TEST_CASE("P7 (b): an event published after the commit is lost to a crash between, the outbox keeps it",
          "[payment]") {
  sim::RunResult direct = run_file("p7b-publish-after-commit-seed");
  CHECK(direct.expectations_met);
  CHECK(detail(check_named(direct, "event_lost"), "events lost") == "1");
  CHECK(detail(check_named(direct, "ledger_balanced"), "transfers") == "0");
  sim::RunResult outbox = run_file("p7b-publish-after-commit-outbox");
  CHECK(outbox.expectations_met);
  CHECK(detail(check_named(outbox, "ledger_balanced"), "transfers") == "1");
  const auto& error_of = payment_support::refusal;
  CHECK(error_of("  capture_after: 1s\n  relay_interval: 1s\n  publish_after_commit: true\n").find("not both") !=
        std::string::npos);
  CHECK(error_of("  publish_after_commit: true\n").find("applies only with capture_after") != std::string::npos);
}

TEST_CASE("the ledger design's job voids a failed payment's reservation after its FAILED commits, never before",
          "[payment]") {
  // Seed 62 of lost ledger messages (the idempotency study's workload with captures): the job hears
  // "not found" for payment 5 and its void's answer is lost. Voiding before the compare-and-set left the
  // payment UNKNOWN with its reservation gone; the client's resumed retry was answered `exists`,
  // authorised, and the capture's post was refused already_voided: a sale missing from the books.
  const std::string text =
      "name: t\nmodel: payment\nduration: 60s\n"
      "network:\n  latency: { dist: lognormal, median: 500us, p99: 2ms }\n"
      "params:\n  design: ledger\n  clients: 4\n  api_servers: 2\n  requests: 5\n  interval: 2s\n  stagger: 250ms\n"
      "  network_latency: { dist: lognormal, median: 300ms, p99: 1500ms }\n  reconcile_interval: 10s\n"
      "  reconcile_after: 5s\n  capture_after: 5s\n  cancels: 1/5\n"
      "  postgres: { idle_in_transaction_session_timeout: 10s }\n"
      "faults:\n  - random: { kind: loss, rate: 1/4s, targets: [role:ledger], ratio: 1/2, duration: 2s, stop: 40s }\n";
  sim::RunResult run = sim::run_scenario(sim::parse_scenario(text, "t.yaml"), 62).result;
  const sim::CheckResult& books = check_named(run, "ledger_balanced");
  CHECK(books.held);
  CHECK(detail(books, "pending transfers") == "20");
  CHECK(detail(books, "captures not posted") == "0");
  for (const char* name : {"ledger_double_post", "held_funds_leak", "in_doubt", "duplicate_authorization"})
    CHECK(check_named(run, name).held);
}

TEST_CASE("the ledger design under P2, a crash after the pending transfer, a lost post answer and P8", "[payment]") {
  for (const char* name : {"p2-reply-lost-ledger", "p3c-crash-after-pending-ledger", "p7c-post-reply-lost-ledger",
                           "p8-capture-after-expiry-ledger"}) {
    sim::RunResult run = run_file(name);
    CHECK(run.expectations_met);
    // One reservation, resolved once, whatever was sent again.
    CHECK(detail(check_named(run, "ledger_balanced"), "pending transfers") == "1");
    CHECK(detail(check_named(run, "ledger_double_post"), "pending transfers resolved again") == "0");
    CHECK(detail(check_named(run, "ledger_balanced"), "amount left reserved") == "0");
  }
  // The seed's ledger keeps no ids: the same lost acknowledgement posts the capture twice.
  sim::RunResult seed = run_file("p7c-ack-lost-seed");
  CHECK(seed.expectations_met);
  CHECK(detail(check_named(seed, "ledger_double_post"), "amount posted too much") == "5000");
}

TEST_CASE("UNIQUE(order_id) on captures voids the second hold of an order whose key was pruned", "[payment]") {
  // P5 (a): the retry at 25 h is authorised again in both runs; only the claim on the order keeps the
  // back office from capturing it.
  const std::string text = shipped_text("p5a-retry-after-pruning-order-unique");
  sim::Scenario fixed = sim::parse_scenario(text, "p5a.yaml");
  sim::Scenario unfixed = sim::parse_scenario(text, "p5a.yaml");  // its own tree: a YAML::Node copy shares one
  unfixed.params["order_unique"] = false;
  sim::RunResult with = sim::run_scenario(fixed, 1).result;
  sim::RunResult without = sim::run_scenario(unfixed, 1).result;
  CHECK_FALSE(check_named(with, "duplicate_authorization").held);
  CHECK_FALSE(check_named(without, "duplicate_authorization").held);
  CHECK(check_named(with, "duplicate_charge").held);
  CHECK_FALSE(check_named(without, "duplicate_charge").held);
  CHECK(check_named(with, "held_funds_leak").held);
  CHECK(check_named(with, "invalid_transition").held);
}

TEST_CASE("an event notified twice is a duplicate notification, a sent one never notified is lost", "[payment]") {
  Observations o;
  o.notifier = true;
  o.outbox = {OutboxRow{1, 1, "payment.created", 5000, true}, OutboxRow{2, 1, "payment.captured", 5000, true},
              OutboxRow{3, 1, "payment.refunded", 5000, false}};
  o.notifications = {{at_s(1), 1}, {at_s(2), 1}};
  sim::CheckResult twice = check_duplicate_notification(o);
  CHECK_FALSE(twice.held);
  CHECK(detail(twice, "extra notifications") == "1");
  REQUIRE(twice.first);
  CHECK(twice.first->at == at_s(2));
  sim::CheckResult lost = check_notification_lost(o);
  CHECK_FALSE(lost.held);  // event 2 is marked sent and never notified; event 3 is still unsent
  CHECK(detail(lost, "notifications lost") == "1");
  o.notifications = {{at_s(1), 1}, {at_s(3), 2}};
  CHECK(check_duplicate_notification(o).held);
  CHECK(check_notification_lost(o).held);
  o.notifier = false;  // no notifier: nothing to judge
  o.notifications.clear();
  CHECK(check_notification_lost(o).held);
}

TEST_CASE("captures accepted beyond a hold's amount are an over-capture in money, refused ones counted apart",
          "[payment]") {
  Observations o;
  Authorization hold;
  hold.auth_id = 1;
  hold.payment_id = 1;
  hold.amount = 5000;
  hold.approved = true;
  o.authorizations = {hold};
  NetworkMove capture{at_s(1), NetworkMove::Kind::capture, 1, 1, 1, 3000, 0, ""};
  NetworkMove refused{at_s(2), NetworkMove::Kind::capture, 1, 1, 1, 9000, 0, "over_capture"};
  o.moves = {capture, refused};
  sim::CheckResult within = check_over_capture(o);
  CHECK(within.held);
  CHECK(detail(within, "captures refused as over_capture") == "1");
  NetworkMove second{at_s(3), NetworkMove::Kind::capture, 1, 1, 1, 3000, 0, ""};  // a network that took it
  o.moves.push_back(second);
  sim::CheckResult beyond = check_over_capture(o);
  CHECK_FALSE(beyond.held);
  CHECK(detail(beyond, "amount captured too much") == "1000");
  REQUIRE(beyond.first);
  CHECK(beyond.first->at == at_s(3));
}

namespace {

using payment_support::Ran;
using payment_support::run_payment;

const PaymentRow& row_of(const Observations& o, std::int64_t id) {
  for (const PaymentRow& row : o.payments)
    if (row.id == id) return row;
  throw std::runtime_error("no payment " + std::to_string(id));
}

using payment_support::statuses_of;

/// The refunds the network accepted, in order.
std::vector<std::int64_t> refunds_accepted(const Observations& o) {
  std::vector<std::int64_t> amounts;
  for (const NetworkMove& move : o.moves)
    if (move.kind == NetworkMove::Kind::refund && move.refusal.empty()) amounts.push_back(move.amount);
  return amounts;
}

const std::string two_refunds = "capture_after: 1s\nrefund_after: 2s\nrefund_share: 3/5\nrefunds: 2\n";

}  // namespace

TEST_CASE("P9 (c): two refunds under way together over-refund on the seed's read-then-write, not with the saga's "
          "claim",
          "[payment]") {
  sim::RunResult seed = run_file("p9c-concurrent-refunds-seed");
  CHECK(seed.expectations_met);
  sim::RunResult fixed = run_file("p9c-concurrent-refunds-atomic-claim");
  CHECK(fixed.expectations_met);
  // The seed's: both read 0 refunded and refund 3,000; the row records one, so a third refund takes the 2,000
  // it believes left.
  Ran together = run_payment("design: seed\n" + two_refunds + "refund_gap: 0s\n");
  CHECK(refunds_accepted(together.observations) == std::vector<std::int64_t>{3000, 3000, 2000});
  CHECK(row_of(together.observations, 1).refunded == 5000);
  CHECK_FALSE(check_named(together.findings, "over_refund").held);
  // One after the other, the seed's second refund reads the first's sum: 2,000 left, REFUNDED.
  Ran apart = run_payment("design: seed\n" + two_refunds + "refund_gap: 2s\n");
  CHECK(refunds_accepted(apart.observations) == std::vector<std::int64_t>{3000, 2000});
  CHECK(check_named(apart.findings, "over_refund").held);
  CHECK(statuses_of(apart.observations, 1) ==
        std::vector<std::string>{"PENDING", "AUTHORIZED", "CAPTURED", "PARTIALLY_REFUNDED", "REFUNDED"});
  // The saga's claim: two sagas, each its own row and reference, 5,000 in all, the row's sums agreeing.
  Ran saga = run_payment("design: atomic_claim\n" + two_refunds + "refund_gap: 0s\n");
  REQUIRE(saga.observations.refunds.size() == 2);
  CHECK(saga.observations.refunds[0].refund_id != saga.observations.refunds[1].refund_id);
  CHECK(saga.observations.refunds[0].amount + saga.observations.refunds[1].amount == 5000);
  for (const RefundRow& refund : saga.observations.refunds) CHECK(refund.step == "finished");
  const PaymentRow& row = row_of(saga.observations, 1);
  CHECK((row.status == "REFUNDED" && row.captured == 5000 && row.refunded == 5000 && row.refund_claimed == 5000));
  CHECK(check_named(saga.findings, "invalid_transition").held);
}

TEST_CASE("three partial refunds of a partial capture: PARTIALLY_REFUNDED twice, then REFUNDED", "[payment]") {
  for (const char* design : {"seed", "atomic_claim"}) {
    Ran ran = run_payment(fmt::format("design: {}\ncapture_after: 1s\ncapture_share: 4/5\nrefund_after: 1s\n"
                                      "refund_share: 2/5\nrefunds: 3\nrefund_gap: 2s\n",
                                      design));
    // The row keeps what the capture took (4,000 of the 5,000 hold); each refund is 2/5 of it, the last what is left.
    CHECK(row_of(ran.observations, 1).captured == 4000);
    CHECK(refunds_accepted(ran.observations) == std::vector<std::int64_t>{1600, 1600, 800});
    CHECK(statuses_of(ran.observations, 1) ==
          std::vector<std::string>{"PENDING", "AUTHORIZED", "CAPTURED", "PARTIALLY_REFUNDED", "PARTIALLY_REFUNDED",
                                   "REFUNDED"});
    CHECK(check_named(ran.findings, "over_refund").held);
    CHECK(check_named(ran.findings, "saga_incomplete").held);
  }
}

TEST_CASE("several refunds of a payment are refused where one would find nothing left, or without refunds",
          "[payment]") {
  const std::string base = "  capture_after: 1s\n  refund_after: 1s\n";
  std::string too_many = payment_support::refusal(base + "  refund_share: 3/5\n  refunds: 3\n");
  CHECK(too_many.find("refunds must be at most 2 with refund_share 3/5") != std::string::npos);
  CHECK(payment_support::refusal(base + "  refunds: 2\n").find("at most 1 with refund_share 1/1") !=
        std::string::npos);
  CHECK(payment_support::refusal("  capture_after: 1s\n  refunds: 2\n").find("applies only with refund_after") !=
        std::string::npos);
  CHECK(payment_support::refusal(base + "  refund_gap: 1s\n").find("applies only with refunds above 1") !=
        std::string::npos);
  CHECK(payment_support::refusal(base + "  refund_share: 1/2\n  refunds: 2\n  refund_gap: 1s\n").empty());
}

TEST_CASE("P8 with re-authorisation: the expired hold is replaced and captured, neither a duplicate nor a leak",
          "[payment]") {
  sim::RunResult run = run_file("p8-reauthorize-atomic-claim");
  CHECK(run.expectations_met);
  CHECK(detail(check_named(run, "capture_after_expiry"), "recovered by re-authorisation") == "1");
  // Without re-authorisation the same timeline ships the order unpaid and leaves the hold to expire.
  std::string without = shipped_text("p8-reauthorize-atomic-claim");
  without.erase(without.find("  reauthorize: true\n"), std::string("  reauthorize: true\n").size());
  sim::RunResult unpaid = sim::run_scenario(sim::parse_scenario(without, "t.yaml"), 1).result;
  CHECK_FALSE(check_named(unpaid, "capture_after_expiry").held);
  CHECK_FALSE(check_named(unpaid, "held_funds_leak").held);
  // A hold valid 2 s, captured after 3 s: refused, re-authorised under the payment id's negative, captured.
  Ran ran = run_payment("design: atomic_claim\ncapture_after: 3s\nauth_validity: 2s\nreauthorize: true\n");
  REQUIRE(ran.observations.authorizations.size() == 2);
  const Authorization& renewed = ran.observations.authorizations[1];
  CHECK((renewed.replaces == 1 && renewed.reference == -1 && renewed.captured == 5000));
  CHECK((row_of(ran.observations, 1).status == "CAPTURED" && row_of(ran.observations, 1).network_ref == 2));
  CHECK(ran.findings.measures.at("reauthorization_alerts") == 1);
  for (const char* name : {"duplicate_authorization", "held_funds_leak", "capture_after_expiry", "duplicate_charge"})
    CHECK(check_named(ran.findings, name).held);
}

TEST_CASE("a hold replaced before it expired is a second authorisation, and one replaced after is not", "[payment]") {
  Observations o;
  o.auth_validity = sim::Duration::seconds(10);
  o.end = at_s(100);
  Authorization first{at_s(0), 1, 1, 1, 7, 1000001, 5000, true};
  Authorization second{at_s(10), 2, -1, 1, 7, 1000001, 5000, true};
  second.replaces = 1;
  second.captured = 5000;
  o.authorizations = {first, second};
  o.payments = {PaymentRow{1, 7, 1000001, 5000, "CAPTURED", 2, 5000}};
  CHECK(check_duplicate_authorization(o).held);
  CHECK(check_held_funds(o).held);
  // Replaced while the first still held the funds: two holds on the card at once.
  o.authorizations[1].at = at_s(9);
  CHECK_FALSE(check_duplicate_authorization(o).held);
  CHECK_FALSE(check_held_funds(o).held);
}

TEST_CASE("re-authorisation is refused but with atomic_claim and its back office", "[payment]") {
  CHECK(payment_support::refusal("  capture_after: 1s\n  reauthorize: true\n").find("applies only with design: "
                                                                                    "atomic_claim") !=
        std::string::npos);
  CHECK(payment_support::refusal("  design: atomic_claim\n  reauthorize: true\n").find("applies only with "
                                                                                      "capture_after") !=
        std::string::npos);
}
