// The payment model's checkers on hand-made histories (each fails on the history it is about
// and holds on its fixed twin), a run's determinism, and its options' validation; the ledger
// design's two-phase book on its own (ids idempotent, each pending resolved once, expiry).
#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <memory>
#include <stdexcept>

#include "models/payment/checks.hpp"
#include "models/payment/payment_model.hpp"
#include "models/payment/two_phase.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/param_reader.hpp"
#include "tests/checkout.hpp"
#include "tests/payment_support.hpp"

using namespace payment;
using sim::Instant;

namespace {

Instant at_ms(std::int64_t ms) { return Instant::zero() + sim::Duration::milliseconds(ms); }

Authorization auth(std::int64_t id, std::int64_t payment, std::int64_t key, std::int64_t order, bool approved = true) {
  return Authorization{at_ms(100 * id), id, 0, payment, key, order, 5000, approved};
}

PaymentRow row(std::int64_t id, std::int64_t key, std::int64_t order, std::string status, std::int64_t ref) {
  return PaymentRow{id, key, order, 5000, std::move(status), ref};
}

Answer answer(std::int64_t key, std::int64_t asked, int code, std::int64_t payment, std::int64_t answered) {
  return Answer{at_ms(10), 0, key, key, asked, 1, code, "", payment, true, answered};
}

}  // namespace

TEST_CASE("two approved holds for one key are a duplicate authorisation, counted in money", "[payment]") {
  Observations o;
  o.authorizations = {auth(1, 1, 7, 7), auth(2, 2, 7, 7), auth(3, 3, 8, 8, false)};
  sim::CheckResult check = check_duplicate_authorization(o);
  CHECK_FALSE(check.held);
  CHECK(check.summary == "1 extra authorisations per key (+5000), 1 per order (+5000)");
  REQUIRE(check.first);
  CHECK(check.first->at == at_ms(200));
  o.authorizations.pop_back();
  o.authorizations[1].key = 9;  // another key, the same order: the order-level check still sees it
  check = check_duplicate_authorization(o);
  CHECK_FALSE(check.held);
  CHECK(check.summary == "0 extra authorisations per key (+0), 1 per order (+5000)");
  o.authorizations[1].order = 9;
  CHECK(check_duplicate_authorization(o).held);
}

TEST_CASE("a charge is an authorised payment row, and a PENDING twin is a leaked hold, not a charge", "[payment]") {
  Observations o;
  o.authorizations = {auth(1, 1, 7, 7), auth(2, 2, 7, 7)};
  o.payments = {row(1, 7, 7, "AUTHORIZED", 1), row(2, 7, 7, "AUTHORIZED", 2)};
  CHECK_FALSE(check_duplicate_charge(o).held);
  CHECK(check_held_funds(o).held);
  CHECK(check_in_doubt(o).held);
  o.payments[0].status = "PENDING";
  o.payments[0].network_ref = 0;
  CHECK(check_duplicate_charge(o).held);
  sim::CheckResult leak = check_held_funds(o);
  CHECK_FALSE(leak.held);
  CHECK(leak.summary == "1 holds leaked (5000)");
  sim::CheckResult doubt = check_in_doubt(o);
  CHECK_FALSE(doubt.held);
  CHECK(doubt.summary == "1 payments left PENDING (5000)");
}

TEST_CASE("a 200 for another amount is an accepted parameter mismatch, and differing 200s for a key are inconsistent",
          "[payment]") {
  Observations o;
  o.answers = {answer(7, 5000, 200, 1, 5000), answer(7, 2000, 200, 1, 5000)};
  sim::CheckResult mismatch = check_param_mismatch(o);
  CHECK_FALSE(mismatch.held);
  CHECK(mismatch.summary == "1 requests answered 200 for another amount (2000 never charged)");
  CHECK(check_response_consistency(o).held);  // both name payment 1 of 5000
  o.answers[1] = answer(7, 5000, 200, 2, 5000);
  CHECK(check_param_mismatch(o).held);
  CHECK_FALSE(check_response_consistency(o).held);
  o.answers[1] = answer(7, 2000, 400, 0, 0);  // refused: nothing accepted
  CHECK(check_param_mismatch(o).held);
  CHECK(check_response_consistency(o).held);
}

TEST_CASE("a payment run: one seed gives one trace, another seed another", "[payment]") {
  const std::string text =
      "name: t\nmodel: payment\nseed: 1\nduration: 20s\n"
      "params:\n  design: atomic_claim\n  clients: 3\n  requests: 3\n  double_submit: 3ms\n"
      "  network_latency: { dist: lognormal, median: 300ms, p99: 1500ms }\n  declines: 10%\n"
      "faults:\n  - at: 1s\n    drop_response: { from: network, to: api-1, duration: 3s }\n";
  payment_support::require_one_trace_per_seed(text, 7);
}

TEST_CASE("a payment run with the back office, the relay and the ledger: one seed gives one trace", "[payment]") {
  const std::string text =
      "name: t\nmodel: payment\nseed: 1\nduration: 20s\n"
      "params:\n  design: seed\n  clients: 3\n  requests: 2\n  declines: 20%\n  capture_after: 1s\n"
      "  refund_after: 2s\n  refund_declines: 30%\n  cancels: 1/3\n  relay_interval: 300ms\n"
      "  network_latency: { dist: lognormal, median: 300ms, p99: 1500ms }\n"
      "faults:\n  - at: 5s\n    crash: { node: backoffice, restart_after: 1s }\n"
      "  - at: 6s\n    crash: { node: relay, restart_after: 1s }\n";
  payment_support::require_one_trace_per_seed(text, 3);
}

TEST_CASE("payment options out of range or misspelt are refused with the nearest valid value", "[payment]") {
  const auto& error_of = payment_support::refusal;
  CHECK(error_of("  design: atomic_clam\n").find("did you mean 'atomic_claim'") != std::string::npos);
  CHECK(error_of("  clients: 0\n").find("clients") != std::string::npos);
  CHECK(error_of("  design: seed\n  lock_lease: 1s\n").find("applies only with design: atomic_claim") !=
        std::string::npos);
  CHECK(error_of("  reuse_key: true\n").find("requests: 2 or more") != std::string::npos);
  CHECK(error_of("  multicapture: true\n").find("applies only with capture_after") != std::string::npos);
  // Replication and failover are read as the bank reads them; connect_timeout needs a host list.
  CHECK(error_of("  postgres: { standbys: 1, promote: [{ at: 1s, node: postgres-2 }], patroni: {} }\n").empty());
  CHECK(error_of("  connect_timeout: 1s\n").find("applies only with postgres.standbys") != std::string::npos);
}

namespace {

NetworkMove net_move(NetworkMove::Kind kind, std::int64_t auth_id, std::int64_t payment, std::int64_t amount,
                     std::string refusal = "") {
  return NetworkMove{at_ms(1000), kind, auth_id, payment, payment, amount, 0, std::move(refusal)};
}

using payment_support::Ran;
using payment_support::run_payment;

using payment_support::check_named;

using payment_support::detail;

std::string status_of(const Observations& o, std::int64_t payment) {
  for (const PaymentRow& row : o.payments)
    if (row.id == payment) return row.status;
  return "";
}

}  // namespace

TEST_CASE("refunds beyond the capture are an over-refund counted in money, and declined ones are not", "[payment]") {
  Observations o;
  o.authorizations = {auth(1, 1, 7, 7)};
  o.authorizations[0].captured = 5000;
  o.moves = {net_move(NetworkMove::Kind::refund, 1, 1, 5000)};
  CHECK(check_over_refund(o).held);
  o.moves.push_back(net_move(NetworkMove::Kind::refund, 1, 1, 5000, "declined"));
  CHECK(check_over_refund(o).held);
  o.moves.push_back(net_move(NetworkMove::Kind::refund, 1, 1, 5000));
  sim::CheckResult over = check_over_refund(o);
  CHECK_FALSE(over.held);
  CHECK(over.summary == "1 payments refunded beyond their capture (+5000)");
  o.authorizations[0].captured = 0;  // nothing captured: every accepted refund is too much
  CHECK(check_over_refund(o).summary == "1 payments refunded beyond their capture (+10000)");
}

TEST_CASE("a capture refused as expired is a capture after expiry, and other refusals are not", "[payment]") {
  Observations o;
  o.moves = {net_move(NetworkMove::Kind::capture, 1, 1, 5000, "already_captured")};
  CHECK(check_capture_after_expiry(o).held);
  o.moves.push_back(net_move(NetworkMove::Kind::capture, 2, 2, 5000, "expired"));
  sim::CheckResult late = check_capture_after_expiry(o);
  CHECK_FALSE(late.held);
  CHECK(late.summary == "1 captures refused as expired (5000 unpaid)");
}

TEST_CASE("a hold its payment records leaks once it expires uncaptured, a captured or voided one never", "[payment]") {
  Observations o;
  o.authorizations = {auth(1, 1, 7, 7), auth(2, 2, 8, 8), auth(3, 3, 9, 9)};
  o.payments = {row(1, 7, 7, "AUTHORIZED", 1), row(2, 8, 8, "CAPTURED", 2), row(3, 9, 9, "VOIDED", 3)};
  o.authorizations[1].captured = 5000;
  o.authorizations[2].voided = true;
  o.auth_validity = sim::Duration::seconds(10);
  o.end = at_ms(5000);
  CHECK(check_held_funds(o).held);
  o.end = at_ms(10'100);  // hold 1 (approved at 100 ms) has expired uncaptured
  sim::CheckResult leak = check_held_funds(o);
  CHECK_FALSE(leak.held);
  CHECK(leak.summary == "1 holds leaked (5000)");
  REQUIRE(leak.first);
  CHECK(leak.first->what.find("expired uncaptured") != std::string::npos);
}

TEST_CASE("a refund the network made that its payment does not record, or an open saga, is incomplete", "[payment]") {
  Observations o;
  o.payments = {row(1, 7, 7, "CAPTURED", 1)};
  o.moves = {net_move(NetworkMove::Kind::refund, 1, 1, 5000, "declined")};
  CHECK(check_saga_incomplete(o).held);
  o.moves.push_back(net_move(NetworkMove::Kind::refund, 1, 1, 5000));
  CHECK_FALSE(check_saga_incomplete(o).held);
  o.payments[0].status = "REFUNDED";
  CHECK(check_saga_incomplete(o).held);
  o.refunds = {RefundRow{1, 1, 1, 5000, "refunded"}};
  CHECK(check_saga_incomplete(o).summary == "0 refunds not recorded on their payment, 1 sagas left open");
  o.refunds[0].step = "finished";
  CHECK(check_saga_incomplete(o).held);
}

TEST_CASE("the back office captures each authorised payment and voids the cancelled orders' holds", "[payment]") {
  Ran ran = run_payment("design: atomic_claim\nrequests: 2\ncapture_after: 1s\ncancels: 1/2\n");
  REQUIRE(ran.observations.authorizations.size() == 2);
  // Order 2 of each client is cancelled (one in two): its hold is voided, order 1's captured.
  const Authorization& first = ran.observations.authorizations[0];
  const Authorization& second = ran.observations.authorizations[1];
  CHECK(first.captured == 5000);
  CHECK_FALSE(first.voided);
  CHECK(second.captured == 0);
  CHECK(second.voided);
  CHECK(status_of(ran.observations, first.payment_id) == "CAPTURED");
  CHECK(status_of(ran.observations, second.payment_id) == "VOIDED");
  CHECK(check_named(ran.findings, "held_funds_leak").held);
}

TEST_CASE("a capture after the hold's validity is refused: the payment expires and the check says so", "[payment]") {
  Ran ran = run_payment("design: atomic_claim\ncapture_after: 3s\nauth_validity: 2s\n");
  REQUIRE(ran.observations.moves.size() == 1);
  CHECK(ran.observations.moves[0].refusal == "expired");
  CHECK(status_of(ran.observations, ran.observations.moves[0].payment_id) == "EXPIRED");
  CHECK_FALSE(check_named(ran.findings, "capture_after_expiry").held);
  // Within its validity the same capture is made.
  Ran early = run_payment("design: atomic_claim\ncapture_after: 1s\nauth_validity: 5s\n");
  CHECK(check_named(early.findings, "capture_after_expiry").held);
  CHECK(early.observations.authorizations.at(0).captured == 5000);
}

TEST_CASE("a declined refund is compensated by atomic_claim's saga and retried for ever by the seed's", "[payment]") {
  std::string common = "capture_after: 1s\nrefund_after: 1s\nrefund_declines: 100%\n";
  Ran saga = run_payment("design: atomic_claim\n" + common);
  REQUIRE(saga.observations.refunds.size() == 1);
  CHECK(saga.observations.refunds[0].step == "compensated");
  std::size_t saga_tries = 0, seed_tries = 0;
  for (const NetworkMove& move : saga.observations.moves) saga_tries += move.kind == NetworkMove::Kind::refund;
  CHECK(saga_tries == 1);
  Ran seed = run_payment("design: seed\n" + common);
  for (const NetworkMove& move : seed.observations.moves) seed_tries += move.kind == NetworkMove::Kind::refund;
  CHECK(seed_tries > 5);  // every pass from the first refund on, once a second
  CHECK(status_of(seed.observations, 1) == "CAPTURED");
}

TEST_CASE("a transfer whose lines do not sum to zero unbalances the ledger", "[payment]") {
  Observations o;
  o.transfers = {LedgerTransfer{at_ms(1), 1, 1, {{"card_clearing", 5000}, {"sales", -5000}}}};
  CHECK(check_ledger_balanced(o).held);
  o.transfers.push_back(LedgerTransfer{at_ms(2), 2, 1, {{"card_clearing", 5000}}});
  sim::CheckResult check = check_ledger_balanced(o);
  CHECK_FALSE(check.held);
  CHECK(check.summary == "1 transfers do not sum to zero (ledger off by 5000)");
}

TEST_CASE("an event posted twice is a double post, delivered twice and posted once is not", "[payment]") {
  Observations o;
  o.applied = {{at_ms(1), 3}, {at_ms(2), 3}};
  o.transfers = {LedgerTransfer{at_ms(1), 3, 1, {{"card_clearing", 5000}, {"sales", -5000}}}};
  CHECK(check_ledger_double_post(o).held);
  o.transfers.push_back(o.transfers.front());
  sim::CheckResult check = check_ledger_double_post(o);
  CHECK_FALSE(check.held);
  CHECK(check.summary == "1 events posted more than once (+5000)");
}

TEST_CASE("an outbox row marked sent that the ledger never took in is a lost event, an unsent one not yet",
          "[payment]") {
  Observations o;
  o.relay = true;
  o.outbox = {OutboxRow{1, 1, "payment.created", 5000, true}, OutboxRow{2, 1, "payment.captured", 5000, false}};
  o.applied = {{at_ms(1), 1}};
  CHECK(check_event_lost(o).held);
  o.outbox[1].sent = true;
  sim::CheckResult check = check_event_lost(o);
  CHECK_FALSE(check.held);
  CHECK(check.summary == "1 events marked sent never reached the ledger");
}

TEST_CASE("the relay publishes every event and the ledger posts each capture once", "[payment]") {
  Ran ran = run_payment("design: atomic_claim\nclients: 2\ncapture_after: 1s\nrelay_interval: 200ms\n");
  // Each payment: created, authorized, captured; every row sent and taken in once.
  REQUIRE(ran.observations.outbox.size() == 6);
  for (const OutboxRow& row : ran.observations.outbox) CHECK(row.sent);
  CHECK(ran.observations.applied.size() == 6);
  REQUIRE(ran.observations.transfers.size() == 2);
  for (const LedgerTransfer& transfer : ran.observations.transfers) {
    REQUIRE(transfer.lines.size() == 2);
    CHECK(transfer.lines[0] == std::make_pair(std::string("card_clearing"), std::int64_t{5000}));
  }
  for (const char* name : {"ledger_balanced", "ledger_double_post", "event_lost"})
    CHECK(check_named(ran.findings, name).held);
}

namespace {

/// The ledger design's two-phase book on its own node, pending transfers expiring after 2 s.
struct LedgerRig {
  sim::World world{1};
  std::shared_ptr<Context> context;
  std::unique_ptr<TwoPhaseBook> book;

  LedgerRig() {
    PaymentOptions options;
    options.design = Design::ledger;
    options.pending_timeout = sim::Duration::seconds(2);
    context = std::make_shared<Context>(Context{world, options, postgres::Deployment(options.postgres), sim::no_node,
                                                sim::no_node, sim::no_node, sim::no_node, sim::no_node, sim::no_node,
                                                {}, {}, 1, 1, 1, 1, {}, nullptr});
    context->ledger = world.add_node("ledger", {"ledger"});
    book = std::make_unique<TwoPhaseBook>(context);
  }
  std::string send(const std::shared_ptr<TransferRequest>& request) { return book->serve(*request)->result; }
  const AccountBalance& clearing() { return context->observations.accounts[clearing_account()]; }
};

}  // namespace

TEST_CASE("the two-phase book: a resent pending is reserved once, resolved once, never beyond its amount",
          "[payment]") {
  LedgerRig rig;
  CHECK(rig.send(pending_of(*rig.context, 1, 5000)) == "ok");
  CHECK(rig.send(pending_of(*rig.context, 1, 5000)) == "exists");  // a retry after a lost answer
  CHECK(rig.send(pending_of(*rig.context, 1, 4000)) == "exists_with_different_fields");
  REQUIRE(rig.context->observations.pending_transfers.size() == 1);
  CHECK(rig.clearing().debits_pending == 5000);
  CHECK(rig.send(post_of(1, 6000)) == "exceeds_pending_transfer_amount");
  CHECK(rig.send(post_of(1, 3000)) == "ok");  // a partial capture: the rest is released
  CHECK(rig.send(post_of(1, 3000)) == "exists");
  CHECK(rig.send(void_of(1)) == "pending_transfer_already_posted");
  CHECK(rig.clearing().debits_pending == 0);
  CHECK(rig.clearing().debits_posted == 3000);
  CHECK(rig.context->observations.accounts[sales_account()].credits_posted == 3000);
  // Voided first, a post (its own id) is refused and a resent void is answered exists.
  CHECK(rig.send(pending_of(*rig.context, 2, 5000)) == "ok");
  CHECK(rig.send(void_of(2)) == "ok");
  CHECK(rig.send(post_of(2, 5000)) == "pending_transfer_already_voided");
  CHECK(rig.send(void_of(2)) == "exists");
  CHECK(rig.send(post_of(3, 5000)) == "pending_transfer_not_found");
  for (const PendingTransfer& pending : rig.context->observations.pending_transfers)
    CHECK(pending.resolutions.size() == 1);
  CHECK(rig.clearing().debits_pending == 0);
}

TEST_CASE("the two-phase book: a pending transfer expires after its timeout and releases its amount", "[payment]") {
  LedgerRig rig;
  rig.world.boot_all();
  CHECK(rig.send(pending_of(*rig.context, 1, 5000)) == "ok");
  rig.world.run_until(Instant::zero() + sim::Duration::milliseconds(1999));
  CHECK(rig.context->observations.pending_transfers[0].open());
  CHECK(rig.clearing().debits_pending == 5000);
  rig.world.run_until(Instant::zero() + sim::Duration::seconds(3));
  const PendingTransfer& pending = rig.context->observations.pending_transfers[0];
  REQUIRE(pending.resolutions.size() == 1);
  CHECK(pending.resolutions[0].how == "expired");
  CHECK(pending.resolutions[0].at == Instant::zero() + sim::Duration::seconds(2));
  CHECK(rig.clearing().debits_pending == 0);
  CHECK(rig.clearing().debits_posted == 0);
  CHECK(rig.send(post_of(1, 5000)) == "pending_transfer_expired");
  CHECK(rig.send(void_of(1)) == "pending_transfer_expired");
}

namespace {

PendingTransfer pending_transfer(std::int64_t payment, std::vector<Resolution> resolutions) {
  return PendingTransfer{at_ms(1), at_ms(1) + sim::Duration::seconds(60), payment, payment, 5000,
                         "card_clearing", "sales", std::move(resolutions)};
}

Resolution resolved(const char* how, std::int64_t amount = 5000) { return Resolution{at_ms(500), how, 9, amount}; }

}  // namespace

TEST_CASE("a pending transfer resolved twice or beyond its amount is a double post, in money", "[payment]") {
  Observations o;
  o.two_phase = true;
  o.pending_transfers = {pending_transfer(1, {resolved("posted")})};
  sim::CheckResult once = check_ledger_double_post(o);
  CHECK(once.held);
  CHECK_THAT(once.summary, Catch::Contains("1 pending transfers, each resolved at most once"));
  o.pending_transfers[0].resolutions.push_back(resolved("voided"));
  sim::CheckResult twice = check_ledger_double_post(o);
  CHECK_FALSE(twice.held);
  CHECK_THAT(twice.summary,
             Catch::Contains("1 pending transfers resolved again, 0 posted beyond their amount (+5000)"));
  o.pending_transfers[0].resolutions = {resolved("posted", 7000)};
  CHECK_FALSE(check_ledger_double_post(o).held);
}

TEST_CASE("a final payment still reserved, or a capture never posted, unbalances the two-phase ledger", "[payment]") {
  Observations o;
  o.two_phase = true;
  o.payments = {row(1, 7, 7, "FAILED", 0)};
  o.pending_transfers = {pending_transfer(1, {})};
  o.accounts["card_clearing"].debits_pending = 5000;
  o.accounts["sales"].credits_pending = 5000;
  sim::CheckResult left = check_ledger_balanced(o);
  CHECK_FALSE(left.held);
  CHECK(detail(left, "amount left reserved") == "5000");
  CHECK_THAT(left.summary, Catch::Contains("pending balances left with every payment final"));
  // Voided with its payment's failure: the clearing account's pending balance is back to zero.
  o.pending_transfers[0].resolutions = {resolved("voided")};
  o.accounts["card_clearing"].debits_pending = 0;
  o.accounts["sales"].credits_pending = 0;
  CHECK(check_ledger_balanced(o).held);
  // Captured at the network, but the books voided the reservation: a sale missing from the ledger.
  o.payments[0] = row(1, 7, 7, "CAPTURED", 1);
  sim::CheckResult unposted = check_ledger_balanced(o);
  CHECK_FALSE(unposted.held);
  CHECK(detail(unposted, "amount not posted") == "5000");
  // Pending books that differ between debits and credits are unbalanced on their own.
  o.payments[0].status = "VOIDED";
  o.accounts["sales"].credits_pending = 4000;
  CHECK_FALSE(check_ledger_balanced(o).held);
}

TEST_CASE("with the two-phase ledger a hold the books no longer reserve is a leak", "[payment]") {
  Observations o;
  o.two_phase = true;
  o.end = at_ms(10'000);
  o.authorizations = {auth(1, 1, 7, 7)};
  o.payments = {row(1, 7, 7, "AUTHORIZED", 1)};
  o.pending_transfers = {pending_transfer(1, {})};
  sim::CheckResult held = check_held_funds(o);
  CHECK(held.held);
  CHECK(held.summary == "every approved hold is a payment's, reserved in the ledger");
  o.pending_transfers[0].resolutions = {resolved("expired")};
  sim::CheckResult released = check_held_funds(o);
  CHECK_FALSE(released.held);
  CHECK(detail(released, "holds the ledger no longer reserves") == "1");
  CHECK(detail(released, "amount held") == "5000");
}

TEST_CASE("ledger options apply to the ledger design only, and its pending outlives the capture margin",
          "[payment]") {
  const auto& error_of = payment_support::refusal;
  CHECK(error_of("  design: legder\n").find("did you mean 'ledger'") != std::string::npos);
  CHECK(error_of("  design: atomic_claim\n  pending_timeout: 1d\n").find("applies only with design: ledger") !=
        std::string::npos);
  CHECK(error_of("  design: ledger\n  pending_timeout: 0s\n").find("pending_timeout") != std::string::npos);
  CHECK(error_of("  design: ledger\n  capture_after: 1h\n  capture_margin: 2d\n  pending_timeout: 1d\n")
            .find("longer than capture_margin (172800s)") != std::string::npos);
  CHECK(error_of("  design: ledger\n  pending_timeout: 3d\n  ledger_timeout: 500ms\n").empty());
}

TEST_CASE("the ledger design reserves, posts and voids each payment's hold once, and its run is deterministic",
          "[payment]") {
  Ran ran = run_payment("design: ledger\nrequests: 4\ncapture_after: 1s\ncancels: 1/4\ndeclines: 1/4\n");
  const Observations& o = ran.observations;
  REQUIRE(o.pending_transfers.size() == 4);
  std::map<std::string, int> how;
  for (const PendingTransfer& pending : o.pending_transfers) {
    REQUIRE(pending.resolutions.size() == 1);
    ++how[pending.resolutions[0].how];
    std::string status = status_of(o, pending.payment_id);
    CHECK((pending.resolutions[0].how == "posted") == (status == "CAPTURED"));
  }
  CHECK(how["posted"] >= 1);
  CHECK(how["voided"] >= 1);
  for (const auto& [account, balance] : o.accounts) {
    CHECK(balance.debits_pending == 0);
    CHECK(balance.credits_pending == 0);
  }
  for (const char* name : {"ledger_balanced", "ledger_double_post", "held_funds_leak", "in_doubt"})
    CHECK(check_named(ran.findings, name).held);
  const std::string text =
      "name: t\nmodel: payment\nseed: 1\nduration: 20s\n"
      "params:\n  design: ledger\n  clients: 3\n  requests: 3\n  capture_after: 1s\n  declines: 10%\n"
      "  network_latency: { dist: lognormal, median: 300ms, p99: 1500ms }\n"
      "faults:\n  - at: 1s\n    drop_response: { from: ledger, to: api-1, duration: 3s }\n";
  payment_support::require_one_trace_per_seed(text, 7);
}

TEST_CASE("open-loop arrivals: every order placed, by the clients in turn, three times faster in the peak window",
          "[payment]") {
  // One day at a mean of one order a minute: 1,440 orders, 720 of them expected in the four hours
  // around noon (three times the mean rate), 36 an hour elsewhere.
  Ran ran = run_payment("design: atomic_claim\nclients: 4\nrate: 1/min\norders: 1440\ndaily_peak: 3\n"
                        "peak_window: 4h\n",
                        sim::Duration::minutes(30 * 60));
  const std::vector<Order>& orders = ran.observations.orders;
  REQUIRE(orders.size() == 1440);
  const sim::Duration hour = sim::Duration::minutes(60);
  std::size_t in_peak = 0, first_hours = 0;
  std::vector<int> by_client(4, 0);
  for (const Order& order : orders) {
    sim::Duration at = order.sent - Instant::zero();
    in_peak += at >= hour * 10 && at < hour * 14 ? 1 : 0;
    first_hours += at < hour * 10 ? 1 : 0;
    ++by_client[static_cast<std::size_t>(order.client)];
    CHECK(order.done);  // every order answered
  }
  CHECK(by_client == std::vector<int>{360, 360, 360, 360});
  // Poisson counts: 720 +- 27 in the peak, 360 +- 19 in the first ten hours (five standard deviations).
  CHECK(in_peak > 585);
  CHECK(in_peak < 855);
  CHECK(first_hours > 265);
  CHECK(first_hours < 455);
  CHECK(check_named(ran.findings, "duplicate_charge").held);
}

TEST_CASE("open-loop arrivals: one seed gives one trace, another seed another", "[payment]") {
  const std::string text =
      "name: t\nmodel: payment\nseed: 1\nduration: 30s\n"
      "params:\n  design: atomic_claim\n  clients: 5\n  rate: 20/s\n  orders: 200\n  capture_after: 1s\n"
      "  backoffice_workers: 4\n  network_latency: { dist: lognormal, median: 300ms, p99: 1500ms }\n";
  payment_support::require_one_trace_per_seed(text, 5);
}

TEST_CASE("open-loop arrival options: refused with closed-loop keys, and a peak the day cannot hold", "[payment]") {
  const auto& error_of = payment_support::refusal;
  CHECK(error_of("  rate: 10/s\n  orders: 5\n").empty());
  CHECK(error_of("  rate: 10/s\n").find("orders") != std::string::npos);
  CHECK(error_of("  rate: 10/s\n  orders: 5\n  requests: 2\n").find("applies only without rate") != std::string::npos);
  CHECK(error_of("  orders: 5\n").find("applies only with rate") != std::string::npos);
  CHECK(error_of("  rate: 10/s\n  orders: 5\n  daily_peak: 7\n").find("daily_peak x peak_window") !=
        std::string::npos);
  CHECK(error_of("  rate: 10/s\n  orders: 5\n  daily_peak: 3\n  peak_window: 9h\n").find("peak_window") !=
        std::string::npos);
}

TEST_CASE("back office workers capture what one back office cannot keep up with", "[payment]") {
  // 300 orders at 20 a second; each capture waits 300 ms for the network: one back office captures about
  // three a second, twenty workers sixty.
  const std::string params =
      "design: atomic_claim\nclients: 10\nrate: 20/s\norders: 300\ncapture_after: 1s\n"
      "network_latency: 300ms\npostgres: { max_connections: 100 }\n";
  auto captured = [](const Ran& ran) {
    return std::count_if(ran.observations.authorizations.begin(), ran.observations.authorizations.end(),
                         [](const Authorization& a) { return a.captured > 0; });
  };
  Ran one = run_payment(params, sim::Duration::seconds(40));
  Ran twenty = run_payment(params + "backoffice_workers: 20\n", sim::Duration::seconds(40));
  CHECK(captured(one) < 150);
  CHECK(captured(twenty) == 300);
  for (const Ran* ran : {&one, &twenty}) {
    CHECK(check_named(ran->findings, "invalid_transition").held);
    CHECK(check_named(ran->findings, "held_funds_leak").held);
  }
}

TEST_CASE("settlement lines matched in batches are matched as one at a time matches them", "[payment]") {
  // P10's shape, scaled: captures, chargebacks and fees, every line matched once either way.
  const std::string params =
      "design: atomic_claim\nclients: 10\nrate: 5/s\norders: 600\ncapture_after: 5s\nbackoffice_workers: 10\n"
      "network_latency: { dist: lognormal, median: 300ms, p99: 1500ms }\nreconcile_interval: 30s\n"
      "reconcile_after: 20s\nsettlement_interval: 1m\nchargebacks: 2%\nfee: 2%\n";
  Ran single = run_payment(params, sim::Duration::minutes(6));
  Ran batched = run_payment(params + "settlement_batch: 50\n", sim::Duration::minutes(6));
  for (const Ran* ran : {&single, &batched}) {
    CHECK(check_named(ran->findings, "ledger_matches_network").held);
    CHECK(ran->observations.recorded_lines.size() > 500);
  }
  auto matched = [](const Ran& ran) {
    return std::count_if(ran.observations.recorded_lines.begin(), ran.observations.recorded_lines.end(),
                         [](const RecordedLine& line) { return line.matched; });
  };
  CHECK(matched(batched) == matched(single));
  auto disputed = [](const Ran& ran) {
    return std::count_if(ran.observations.payments.begin(), ran.observations.payments.end(),
                         [](const PaymentRow& row) { return row.status == "DISPUTED"; });
  };
  CHECK(disputed(batched) == disputed(single));
  CHECK(disputed(single) > 0);
}

TEST_CASE("a partial capture and a partial refund: PARTIALLY_REFUNDED, every settlement line matched, books balanced",
          "[payment]") {
  const std::string params =
      "clients: 5\nrate: 5/s\norders: 100\ncapture_after: 2s\ncapture_share: 4/5\nrefund_after: 5s\nrefund_share: 1/2\n"
      "backoffice_workers: 5\nrelay_interval: 1s\nreconcile_interval: 30s\nsettlement_interval: 1m\n";
  for (const char* design : {"seed", "atomic_claim"}) {
    INFO(design);
    Ran ran = run_payment(std::string("design: ") + design + "\n" + params, sim::Duration::minutes(5));
    auto partly = std::count_if(ran.observations.payments.begin(), ran.observations.payments.end(),
                                [](const PaymentRow& row) { return row.status == "PARTIALLY_REFUNDED"; });
    CHECK(partly == 100);
    std::int64_t captured = 0, refunded = 0;
    for (const Authorization& auth : ran.observations.authorizations) {
      captured += auth.captured;
      refunded += auth.refunded;
    }
    CHECK(captured == 100 * 4000);  // 4/5 of each 5,000 hold
    CHECK(refunded == 100 * 2000);  // 1/2 of each capture
    for (const char* check : {"ledger_matches_network", "over_refund", "over_capture", "invalid_transition",
                              "ledger_balanced", "saga_incomplete", "duplicate_charge"})
      CHECK(check_named(ran.findings, check).held);
  }
  CHECK(payment_support::refusal("  refund_share: 1/2\n").find("applies only with refund_after") != std::string::npos);
}
