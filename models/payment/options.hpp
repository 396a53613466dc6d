// The payment model's parameters (problem 3), read and checked from `params:`.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "models/postgres/server/options.hpp"
#include "models/redis/options.hpp"
#include "sim/kernel/distribution.hpp"
#include "sim/kernel/network_options.hpp"
#include "sim/kernel/time.hpp"

namespace sim {
class ParamReader;
}

namespace payment {

/// How the API servers process a payment (`design:`).
enum class Design {
  seed,          ///< the problem's code as written: cache get, insert, network call, update, cache set
  unique_index,  ///< the seed with UNIQUE(idempotency_key) on payments (the loser gets 23505, a 500)
  serializable,  ///< check and insert in one SERIALIZABLE transaction on payments; 40001 answered 409
  atomic_claim,  ///< INSERT ... ON CONFLICT DO NOTHING claim, recovery points, payment id as network reference
  redis_setnx,   ///< the key claimed in Redis with SET NX PX, the result set there after the commit
  ledger,        ///< atomic_claim's claim, the money in a two-phase ledger: pending at authorisation, posted at capture
};
const char* to_string(Design design);
/// Whether the design claims its key in one statement with recovery points (atomic_claim, and ledger,
/// which builds on it): its idempotency_keys, its reconciliation job's compare-and-set, its refund saga.
inline bool claims_atomically(Design design) { return design == Design::atomic_claim || design == Design::ledger; }

struct PaymentOptions {
  Design design = Design::seed;
  int clients = 1;
  int api_servers = 1;
  int requests = 1;                                    ///< orders per client
  sim::Duration interval = sim::Duration::seconds(1);  ///< between a client's orders
  sim::Duration start = sim::Duration::zero();         ///< first order of client 1
  sim::Duration stagger = sim::Duration::milliseconds(10);
  std::int64_t amount = 5000;  ///< minor units, per order
  /// Open-loop arrivals: orders arrive as a Poisson process of this mean rate, each placed by the next client in
  /// turn (absent: each client places `requests` orders one after another, `interval` apart).
  std::optional<sim::Rate> rate;
  std::int64_t orders = 0;  ///< with rate: orders in all
  /// With rate: within each day's peak window (peak_window long, centred on 12:00 of simulated time) orders
  /// arrive at daily_peak times the mean rate, and slower in the rest of the day, so the day's mean is `rate`.
  int daily_peak = 1;
  sim::Duration peak_window = sim::Duration::minutes(4 * 60);
  /// Each order is also submitted a second time this long after the first, same key (a double click).
  std::optional<sim::Duration> double_submit;
  /// A client's later orders reuse its first order's key, for `reused_amount` (a key reused by mistake).
  bool reuse_key = false;
  std::int64_t reused_amount = 2000;
  sim::Duration client_timeout = sim::Duration::seconds(3);
  sim::Duration retry_after = sim::Duration::seconds(1);
  sim::Duration retry_horizon = sim::Duration::seconds(60);  ///< a client stops retrying an order after this
  sim::DurationDist network_latency = sim::DurationDist::constant(sim::Duration::milliseconds(300));
  sim::Duration network_timeout = sim::Duration::seconds(2);  ///< the API's wait for the card network
  sim::Ratio declines{0, 1};                                  ///< share of authorisations declined
  bool network_dedup = true;  ///< the network returns the first authorisation for a reference it saw
  sim::Duration lock_lease = sim::Duration::seconds(90);  ///< atomic_claim: a claim older than this is abandoned
  sim::Duration db_timeout = sim::Duration::seconds(5);   ///< the API's wait for one statement
  // design: ledger only.
  /// A pending transfer expires this long after the ledger created it, on the ledger's own time, releasing
  /// its reserved amount (the hold's validity: 7 days card-not-present).
  sim::Duration pending_timeout = sim::Duration::minutes(7 * 24 * 60);
  sim::Duration ledger_timeout = sim::Duration::seconds(1);  ///< a caller's wait for the ledger's answer
  /// With standbys: every actor's wait for each host's startup answer (libpq's connect_timeout).
  sim::Duration connect_timeout = sim::Duration::milliseconds(500);
  // The back office (a node "backoffice", present with capture_after only).
  std::optional<sim::Duration> capture_after;  ///< an AUTHORIZED payment is captured this long after first seen
  std::optional<sim::Duration> refund_after;   ///< a CAPTURED payment is refunded this long after first seen
  /// The share of the payment refunded: 1, in full (REFUNDED); less, a partial refund (PARTIALLY_REFUNDED).
  sim::Ratio refund_share{1, 1};
  /// The refunds the back office makes of each refunded payment: the k-th (from 0) due refund_after + k x
  /// refund_gap after it first saw the payment CAPTURED, each refund_share of the capture and never more than the
  /// payment's row says is left. Those due at one pass are requested together, each its own request.
  int refunds = 1;
  std::optional<sim::Duration> refund_gap;  ///< between a payment's refunds (absent: refund_after)
  /// The share of the hold the back office captures: 1, all of it; less, a partial capture (the network
  /// releases the rest). A refund's share is of what was captured.
  sim::Ratio capture_share{1, 1};
  /// The network accepts further captures of a hold (several clearing presentments for one authorisation,
  /// each matched to it on its own: each at most the hold's amount, their sum not enforced); a capture sent
  /// again with the reference of one it accepted is answered as that one (with network_dedup). Off: one
  /// capture a hold, a second refused already_captured.
  bool multicapture = false;
  /// The capture deadline's margin: an AUTHORIZED payment is captured once its hold is within this of expiring
  /// (created_at + auth_validity - margin on the back office's wall clock), even before capture_after (none: no
  /// deadline, the seed's).
  std::optional<sim::Duration> capture_margin;
  /// atomic_claim: a capture refused as expired is not the end: the back office re-authorises the payment (a new
  /// hold, its reference derived from the payment id, naming the expired one), raises an alert and captures it.
  bool reauthorize = false;
  sim::Ratio cancels{0, 1};                    ///< share of orders cancelled: their holds voided, not captured
  /// UNIQUE(order_id) on captures (P5's fix): the back office claims the order in `captures` before it
  /// captures, and voids the hold of a second payment of an order another payment holds.
  bool order_unique = false;
  sim::Duration backoffice_interval = sim::Duration::seconds(1);      ///< between the back office's passes
  /// The back office's workers: above 1, its reader hands each pass's due payments to them, worker k those
  /// whose id mod backoffice_workers is k when it is idle, each on its own connection (one worker captures
  /// one payment at a time, a few a second).
  int backoffice_workers = 1;
  sim::Duration auth_validity = sim::Duration::minutes(7 * 24 * 60);  ///< a hold expires this long after approval
  sim::Ratio refund_declines{0, 1};                                   ///< share of refunds the network declines
  /// The outbox relay polls this often and publishes to the ledger (absent: no relay, no ledger).
  std::optional<sim::Duration> relay_interval;
  bool relay_marks_first = false;  ///< the relay marks a row sent before publishing it (at-most-once)
  /// No relay: the back office publishes its capture and refund events to the ledger itself, right after
  /// the transaction that records them commits (P7 b: a crash between loses the event).
  bool publish_after_commit = false;
  bool ledger_dedup = false;       ///< the ledger recognises a redelivered event by its id (default: atomic_claim)
  /// With a relay: the notifier (a node "notifier") consumes the outbox events after the ledger and sends the
  /// customer a notification per event.
  bool notifier = false;
  bool notifier_dedup = false;  ///< the notifier keeps the event ids it notified (an inbox): once per event
  /// The reconciliation job (a node "reconciler") runs this often (absent: no reconciliation).
  std::optional<sim::Duration> reconcile_interval;
  /// It takes up a PENDING payment once this much older than its creation (its created_at, wall time).
  sim::Duration reconcile_after = sim::Duration::seconds(5);
  sim::Duration status_timeout = sim::Duration::seconds(2);  ///< the job's wait for the network's status answer
  /// atomic_claim's job sends a reversal advice by reference for a payment the network never saw
  /// before it fails it, and keeps sending it until answered (ISO 8583's 1420, reason 4021).
  bool reversal_advice = false;
  /// atomic_claim: the network's reference is the idempotency key instead of the payment id
  /// (network_reference: key), so a claim made again after the database lost the first one is still
  /// the first authorisation's reference.
  bool key_reference = false;
  /// With key_reference: at each pass the job reads the network's report of the holds it approved and
  /// adopts each that no payment records and no idempotency key claims (an authorised payment written from
  /// the report), so a hold the database forgot is recorded again.
  bool adopt_holds = false;
  /// The network closes a settlement file this often (absent: none); the job matches its lines.
  std::optional<sim::Duration> settlement_interval;
  /// The job matches this many settlement lines a transaction (1: one line a transaction, each its own
  /// lookups; above 1, one read of the batch's records and payments and one INSERT of their records).
  int settlement_batch = 1;
  sim::Ratio chargebacks{0, 1};  ///< share of captures the issuers charge back, one interval later
  sim::Ratio fee{0, 1};          ///< the network's fee on each settled capture, a share of its amount
  /// atomic_claim, ledger: the back office contests each DISPUTED payment with evidence this long after it first
  /// saw it so (absent: disputes are not contested, DISPUTED is final).
  std::optional<sim::Duration> dispute_evidence_after;
  sim::Ratio dispute_wins{1, 2};  ///< share of contested disputes the issuers decide for the merchant (assumption)
  /// The key reaper (a node "reaper") deletes idempotency records this often (absent: kept for ever).
  std::optional<sim::Duration> reaper_interval;
  sim::Duration key_retention = sim::Duration::minutes(24 * 60);  ///< records older than this are deleted
  bool reaper_on_database_clock = false;  ///< ages judged on the database's clock, not the reaper's own
  /// The seed's idempotency store: a table in PostgreSQL, or Redis (redis_setnx's is always Redis).
  bool redis_store = false;
  sim::Duration redis_timeout = sim::Duration::seconds(1);  ///< the API's wait for one Redis command
  postgres::ServerOptions postgres;
  redis::RedisOptions redis;  ///< with redis_store only

  std::string client_name(int i) const { return "client-" + std::to_string(i + 1); }
  std::string api_name(int i) const { return "api-" + std::to_string(i + 1); }
  /// The reference an authorisation of payment `id` under idempotency key `key` is sent with.
  std::int64_t reference_of(std::int64_t id, std::int64_t key) const { return key_reference ? key : id; }
};

/// `share` of `amount`, rounded down (a partial capture's or refund's amount).
inline std::int64_t share_of(std::int64_t amount, sim::Ratio share) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(amount) * share.num / share.den);
}

/// Reads `params:`; throws ScenarioError at the offending key.
PaymentOptions read_options(sim::ParamReader& params);
std::vector<std::pair<std::string, std::string>> describe(const PaymentOptions& options);

}  // namespace payment
