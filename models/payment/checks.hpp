// The payment model's checkers (reference §1.6), each a pure function of the observations:
// the network's authorisations (its ground truth), the answers the clients got, and the
// payments table as the database holds it at the end of the run. Money is in minor units.
#pragma once

#include "models/payment/context.hpp"
#include "sim/results/check.hpp"

namespace payment {

/// At most one approved authorisation per idempotency key and per order; an expired hold that a
/// re-authorisation replaced is one with its replacement, not a second.
sim::CheckResult check_duplicate_authorization(const Observations& o);
/// At most one payment row per key and per order that the merchant holds as authorised (and
/// will capture).
sim::CheckResult check_duplicate_charge(const Observations& o);
/// No 200 for a request whose amount differs from the payment answered for.
sim::CheckResult check_param_mismatch(const Observations& o);
/// Every 200 for one key names the same payment, outcome and amount.
sim::CheckResult check_response_consistency(const Observations& o);
/// Every approved hold is captured, voided, or the one its payment row records as authorised
/// and not yet expired: any other is never captured nor voided and stays held until it expires.
/// With the two-phase ledger the hold must also be reserved by its payment's open pending transfer. An
/// expired hold that a re-authorisation replaced is not a leak.
sim::CheckResult check_held_funds(const Observations& o);
/// No payment row is still in doubt (PENDING, or UNKNOWN) at the end of the run.
sim::CheckResult check_in_doubt(const Observations& o);
/// For each hold, the refunds the network accepted sum to no more than what it captured.
sim::CheckResult check_over_refund(const Observations& o);
/// No capture is refused because its hold had expired (the goods go out unpaid); one whose hold a
/// re-authorisation replaced and that replacement was captured is counted apart, recovered.
sim::CheckResult check_capture_after_expiry(const Observations& o);
/// Every refund the network accepted is recorded on its payment (REFUNDED), and no refund saga
/// is left between its steps at the end of the run.
sim::CheckResult check_saga_incomplete(const Observations& o);
/// Every ledger transfer sums to zero (one currency here): debits equal credits. With the two-phase
/// ledger, also the pending and the posted books apart, no reservation left for a final payment (the
/// clearing account's pending balance back to zero), every captured payment's pending posted
/// (checks_ledger.cpp).
sim::CheckResult check_ledger_balanced(const Observations& o);
/// Each event is posted at most once in effect, however often it was delivered; with the two-phase
/// ledger, each pending transfer resolved (posted, voided, expired) at most once, never beyond its amount.
sim::CheckResult check_ledger_double_post(const Observations& o);
/// Every outbox event the relay marked sent reached the ledger.
sim::CheckResult check_event_lost(const Observations& o);
/// Per hold, the captures the network accepted sum to at most its amount (refusals counted apart).
sim::CheckResult check_over_capture(const Observations& o);
/// With a notifier: an event notified to the customer more than once (checks_notifier.cpp).
sim::CheckResult check_duplicate_notification(const Observations& o);
/// With a notifier: an outbox row marked sent whose event the customer was never notified of.
sim::CheckResult check_notification_lost(const Observations& o);
/// ledger_matches_network: every line of a settlement file closed two reconciliation periods
/// before the end is matched once with an internal record of the same amount (checks.cpp).
sim::CheckResult check_ledger_matches_network(const Observations& o);

/// Each payment's status path, and the order of its events, follow the state graph of reference
/// §1.6 (PENDING -> {AUTHORIZED, FAILED, UNKNOWN}, UNKNOWN -> {AUTHORIZED, FAILED}, AUTHORIZED ->
/// {CAPTURED, VOIDED, EXPIRED}, CAPTURED -> {PARTIALLY_REFUNDED, REFUNDED, DISPUTED},
/// PARTIALLY_REFUNDED -> {PARTIALLY_REFUNDED, REFUNDED, DISPUTED}), from PENDING at creation
/// (checks_lifecycle.cpp).
sim::CheckResult check_invalid_transition(const Observations& o);
/// No payment emits events that contradict each other: authorized and failed, or captured and
/// voided or expired.
sim::CheckResult check_contradictory_events(const Observations& o);
/// Liveness, with a reconciliation job: every payment leaves doubt (PENDING, UNKNOWN) within two
/// reconciliation periods of the later of its reconcile_after and the faults' healing.
sim::CheckResult check_unknown_age(const Observations& o);

}  // namespace payment
