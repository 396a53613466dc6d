// The reconciliation job's settlement matching on hand-made lines and in the shipped P10 scenarios (the
// seed's Chargeback and Fee lines have nowhere to go, atomic_claim matches every line once), the clearing
// account returning to what the network owes once each file's payout is booked, the capture and refunds
// read from the payment's row, and disputes contested with evidence, won or lost.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "models/payment/checks.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/payment_support.hpp"

using namespace payment;
using sim::Instant;

namespace {

Instant at_s(std::int64_t s) { return Instant::zero() + sim::Duration::seconds(s); }

using payment_support::check_named;
using payment_support::detail;
using payment_support::Ran;
using payment_support::run_file;
using payment_support::run_payment;
using payment_support::shipped_text;
using payment_support::statuses_of;

}  // namespace

namespace {

SettlementLine line(std::int64_t id, std::int64_t file, SettlementLine::Kind kind, std::int64_t amount) {
  return SettlementLine{id, file, kind, id, amount, id, at_s(10)};
}

/// Observations with hourly files and a 5-minute job, ending at `end_s`.
Observations settled(std::int64_t end_s) {
  Observations o;
  o.settlement_interval = sim::Duration::seconds(3600);
  o.reconcile_interval = sim::Duration::seconds(300);
  o.end = at_s(end_s);
  return o;
}

std::string p10_with(const std::string& design, const std::string& more_faults) {
  std::string s = shipped_text("p10-settlement-seed");
  s.replace(s.find("design: seed"), std::string("design: seed").size(), "design: " + design);
  s.replace(s.find("expect:"), std::string::npos, "");
  return s + more_faults;
}

}  // namespace

TEST_CASE("a settlement line no record matches is unmatched, judged once its file has had two job periods",
          "[payment]") {
  Observations o = settled(3600 + 600);
  o.settlement = {line(1, 0, SettlementLine::Kind::settled, 5000), line(2, 0, SettlementLine::Kind::fee, 100)};
  o.recorded_lines = {RecordedLine{1, 5000, true}, RecordedLine{2, 100, false}};
  sim::CheckResult unmatched = check_ledger_matches_network(o);
  CHECK_FALSE(unmatched.held);
  CHECK(detail(unmatched, "unmatched lines") == "1");
  CHECK(detail(unmatched, "unmatched amount") == "100");
  o.recorded_lines[1].matched = true;
  CHECK(check_ledger_matches_network(o).held);
  // A line the job never recorded, in a file closed less than two periods before the end: not judged yet.
  Observations fresh = settled(3600 + 599);
  fresh.settlement = {line(1, 0, SettlementLine::Kind::chargeback, 5000)};
  CHECK(check_ledger_matches_network(fresh).held);
  CHECK(detail(check_ledger_matches_network(fresh), "lines judged") == "0");
  fresh.end = at_s(3600 + 600);
  CHECK_FALSE(check_ledger_matches_network(fresh).held);
}

TEST_CASE("P10: the seed's Chargeback and Fee lines have nowhere to go, atomic_claim matches every line once",
          "[payment]") {
  sim::RunResult seed = run_file("p10-settlement-seed");
  CHECK(seed.expectations_met);
  const sim::CheckResult& seed_check = check_named(seed, "ledger_matches_network");
  CHECK(seed_check.summary.find("Chargeback") != std::string::npos);
  CHECK(seed_check.summary.find("Fee") != std::string::npos);
  CHECK(seed_check.summary.find("Settled") == std::string::npos);
  sim::RunResult fixed = run_file("p10-settlement-atomic-claim");
  CHECK(fixed.expectations_met);
  const sim::CheckResult& fixed_check = check_named(fixed, "ledger_matches_network");
  CHECK(detail(fixed_check, "lines judged") == detail(seed_check, "lines judged"));
  CHECK(detail(fixed_check, "lines judged") != "0");
  // The job crashes while it matches the first file and starts again from file 0 after its
  // restart: each line is recorded with its effects in one transaction, so nothing is booked twice.
  std::string crash = "  - at: 3606s\n    crash: { node: reconciler, restart_after: 1m }\n";
  sim::RunResult restarted =
      sim::run_scenario(sim::parse_scenario(p10_with("atomic_claim", crash), "t.yaml"), 1).result;
  CHECK(check_named(restarted, "ledger_matches_network").held);
  CHECK(check_named(restarted, "ledger_double_post").held);
  CHECK(check_named(restarted, "ledger_balanced").held);
  // As many transfers as without the crash: no fee or chargeback was booked a second time.
  CHECK(detail(check_named(restarted, "ledger_balanced"), "transfers") ==
        detail(check_named(fixed, "ledger_balanced"), "transfers"));
}

TEST_CASE("a payment run with settlement files and chargebacks: one seed gives one trace", "[payment]") {
  std::string text = p10_with("atomic_claim", "");
  payment_support::require_one_trace_per_seed(text, 2);
}

TEST_CASE("settlement options are refused without the job or the files they need", "[payment]") {
  const auto& error_of = payment_support::refusal;
  CHECK(error_of("  settlement_interval: 1h\n").find("applies only with reconcile_interval") != std::string::npos);
  CHECK(error_of("  reconcile_interval: 5m\n  chargebacks: 1%\n").find("applies only with settlement_interval") !=
        std::string::npos);
  CHECK(error_of("  reconcile_interval: 5m\n  settlement_interval: 1h\n  fee: 120%\n").find("fee") !=
        std::string::npos);
}

TEST_CASE("settlement matching reads the capture and the refunds from the payment's row", "[payment]") {
  std::string s = p10_with("atomic_claim", "");
  s.replace(s.find("  chargebacks: 2%\n"), std::string("  chargebacks: 2%\n").size(),
            "  chargebacks: 0%\n  capture_share: 4/5\n  refund_after: 5m\n  refund_share: 1/2\n  refunds: 2\n");
  sim::RunResult run = sim::run_scenario(sim::parse_scenario(s, "t.yaml"), 1).result;
  // Settled lines of 4/5 of each payment's amount, two Refunded lines a payment: each matched with its row.
  const sim::CheckResult& matching = check_named(run, "ledger_matches_network");
  CHECK(matching.held);
  CHECK(std::stoi(detail(matching, "lines judged")) > 0);
  CHECK(check_named(run, "over_refund").held);
}

TEST_CASE("card_clearing returns to what the network owes once each file's payout is booked", "[payment]") {
  Observations o = settled(3600 + 600);
  o.relay = true;
  o.settlement = {line(1, 0, SettlementLine::Kind::settled, 5000), line(2, 0, SettlementLine::Kind::fee, 100)};
  LedgerTransfer capture{at_s(10), 1, 1, {{"card_clearing", 5000}, {"sales", -5000}}};
  LedgerTransfer fee{at_s(3700), 2, 1, {{"fees", 100}, {"card_clearing", -100}}};
  LedgerTransfer payout{at_s(3700), 3, 0, {{"bank", 4900}, {"card_clearing", -4900}}};
  o.transfers = {capture, fee, payout};
  CHECK(check_ledger_balanced(o).held);
  // The fee never booked: the payout leaves 100 in the clearing account.
  o.transfers = {capture, payout};
  sim::CheckResult unbooked = check_ledger_balanced(o);
  CHECK_FALSE(unbooked.held);
  CHECK(detail(unbooked, "card_clearing posted") == "100");
  // No payout for a file closed two job periods before the end: owed, and late.
  o.transfers = {capture, fee};
  CHECK_FALSE(check_ledger_balanced(o).held);
  // Closed less than two periods before the end, its payout may still come: what is posted is what is owed.
  o.end = at_s(3600 + 599);
  CHECK(check_ledger_balanced(o).held);
  // An event still in the outbox: the books have not caught up, the account is not judged.
  o.transfers = {capture};
  o.outbox = {OutboxRow{2, 1, "fee.charged", 100, false}};
  CHECK(check_ledger_balanced(o).held);
  CHECK(check_ledger_balanced(o).summary.find("not judged") != std::string::npos);
}

TEST_CASE("P10: the seed's clearing account keeps its unbooked chargebacks and fees, atomic_claim's returns",
          "[payment]") {
  sim::RunResult seed = run_file("p10-settlement-seed");
  const sim::CheckResult& seed_books = check_named(seed, "ledger_balanced");
  CHECK_FALSE(seed_books.held);
  CHECK(detail(seed_books, "files paid out") != "0");
  sim::RunResult fixed = run_file("p10-settlement-atomic-claim");
  const sim::CheckResult& fixed_books = check_named(fixed, "ledger_balanced");
  CHECK(fixed_books.held);
  CHECK(detail(fixed_books, "files paid out") == detail(seed_books, "files paid out"));
  CHECK(detail(fixed_books, "card_clearing posted") == detail(fixed_books, "card_clearing owed by the network"));
}

namespace {

/// A small run with every payment charged back and its dispute contested, `wins` of them won.
std::string disputes_with(const std::string& wins) {
  return fmt::format("design: atomic_claim\nclients: 4\ncapture_after: 1s\nrelay_interval: 1s\nreconcile_interval: "
                     "10s\nsettlement_interval: 1m\nchargebacks: 100%\ndispute_evidence_after: 30s\n"
                     "dispute_wins: {}\n",
                     wins);
}

std::size_t with_status(const Observations& o, const std::string& status) {
  return static_cast<std::size_t>(
      std::count_if(o.payments.begin(), o.payments.end(), [&](const PaymentRow& row) { return row.status == status; }));
}

}  // namespace

TEST_CASE("a contested dispute is won (the chargeback reversed, booked and settled) or lost", "[payment]") {
  sim::RunResult shipped = run_file("p10b-dispute-evidence-atomic-claim");
  CHECK(shipped.expectations_met);
  Ran won = run_payment(disputes_with("100%"), sim::Duration::seconds(300));
  CHECK(with_status(won.observations, "DISPUTE_WON") == 4);
  CHECK(won.observations.chargeback_reversals.size() == 4);
  std::size_t reversed_lines = 0;
  for (const SettlementLine& line : won.observations.settlement)
    reversed_lines += line.kind == SettlementLine::Kind::chargeback_reversed ? 1 : 0;
  CHECK(reversed_lines == 4);
  for (const char* name : {"ledger_matches_network", "ledger_balanced", "invalid_transition"})
    CHECK(check_named(won.findings, name).held);
  CHECK(statuses_of(won.observations, 1).back() == "DISPUTE_WON");
  Ran lost = run_payment(disputes_with("0%"), sim::Duration::seconds(300));
  CHECK(with_status(lost.observations, "DISPUTE_LOST") == 4);
  CHECK(lost.observations.chargeback_reversals.empty());
  for (const char* name : {"ledger_matches_network", "ledger_balanced", "invalid_transition"})
    CHECK(check_named(lost.findings, name).held);
  // A ChargebackReversed line whose payment's dispute is not recorded as won matches nothing.
  Observations o = settled(3600 + 600);
  o.settlement = {line(1, 0, SettlementLine::Kind::chargeback_reversed, 5000)};
  CHECK_FALSE(check_ledger_matches_network(o).held);
}

TEST_CASE("disputes are contested only by the designs with a DISPUTED state and a back office", "[payment]") {
  const std::string files = "  reconcile_interval: 10s\n  settlement_interval: 1m\n  chargebacks: 1%\n";
  CHECK(payment_support::refusal("  capture_after: 1s\n" + files + "  dispute_evidence_after: 1m\n")
            .find("no DISPUTED state") != std::string::npos);
  CHECK(payment_support::refusal("  design: atomic_claim\n" + files + "  dispute_evidence_after: 1m\n")
            .find("applies only with capture_after") != std::string::npos);
  CHECK(payment_support::refusal("  design: atomic_claim\n  capture_after: 1s\n" + files + "  dispute_wins: 1/2\n")
            .find("applies only with dispute_evidence_after") != std::string::npos);
}
