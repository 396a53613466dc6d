// The payment model's checkers on hand-made histories (each fails on the history it is about
// and holds on its fixed twin), a run's determinism, and its options' validation.
#include <catch2/catch.hpp>

#include "models/payment/checks.hpp"
#include "models/payment/payment_model.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/loader.hpp"

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

TEST_CASE("a charge is an authorised payment row; a PENDING twin is a leaked hold, not a charge", "[payment]") {
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

TEST_CASE("a 200 for another amount is an accepted parameter mismatch; differing 200s for a key are inconsistent",
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
  auto hash_of = [&](std::uint64_t seed) {
    return sim::run_scenario(sim::parse_scenario(text, "test.yaml"), seed).result.trace_hash;
  };
  REQUIRE(hash_of(7) == hash_of(7));
  REQUIRE(hash_of(7) != hash_of(8));
}

TEST_CASE("payment options out of range or misspelt are refused with the nearest valid value", "[payment]") {
  auto error_of = [](const std::string& params) {
    try {
      sim::run_scenario(sim::parse_scenario("name: t\nmodel: payment\nduration: 5s\nparams:\n" + params, "t.yaml"), 1);
    } catch (const sim::ScenarioError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(error_of("  design: atomic_clam\n").find("did you mean 'atomic_claim'") != std::string::npos);
  CHECK(error_of("  clients: 0\n").find("clients") != std::string::npos);
  CHECK(error_of("  design: seed\n  lock_lease: 1s\n").find("applies only with design: atomic_claim") !=
        std::string::npos);
  CHECK(error_of("  reuse_key: true\n").find("requests: 2 or more") != std::string::npos);
}
