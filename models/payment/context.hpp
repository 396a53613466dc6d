// What the payment model's actors share: the options, the nodes, the PostgreSQL deployment, the
// ids handed out, and the observations the checkers judge after the run. The card network's
// records are its own ground truth (what it authorised); the clients' records are what they
// were told.
//
// Determinism: ids are counters in calling order; every record goes into a vector in the
// order it happened.
#pragma once

#include <boost/asio/redirect_error.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "models/payment/options.hpp"
#include "models/postgres/server/deployment.hpp"
#include "models/postgres/statement.hpp"
#include "models/redis/server/deployment.hpp"
#include "sim/kernel/network.hpp"
#include "sim/kernel/rpc.hpp"
#include "sim/kernel/timer.hpp"
#include "sim/kernel/world.hpp"

namespace postgres {
class Connection;
}

namespace payment {

/// A client's request to an API server: pay `amount` for `order` under idempotency key `key`.
struct PayRequest final : sim::MessageBody {
  std::int64_t key = 0;
  std::int64_t order = 0;
  std::int64_t amount = 0;
  int attempt = 1;
  std::string describe() const override;
};

/// The API's answer: an HTTP status and, for 200, the payment it speaks of.
struct PayResponse final : sim::MessageBody {
  int code = 500;               ///< 200, 400 (idempotency_error), 409 (key in use), 500
  std::string error;            ///< "idempotency_key_in_use", "idempotency_error", "23505", ...
  std::int64_t payment_id = 0;  ///< 200 only
  bool approved = false;        ///< 200 only: authorised, or declined
  std::int64_t amount = 0;      ///< 200 only: the amount of the payment answered for
  std::string describe() const override;
};

/// A call to the card network: authorise, ask the status of a reference, capture, void or refund an
/// authorisation, or contest its chargeback with evidence.
struct NetRequest final : sim::MessageBody {
  enum class Op { authorize, status, capture, void_auth, refund, settlement, reverse, evidence, holds };
  Op op = Op::authorize;
  /// the caller's reference (0: none sent); a refund's own for refunds; settlement: the file's index;
  /// holds: the last authorisation the caller has read (the report lists those after it)
  std::int64_t reference = 0;
  std::int64_t amount = 0;
  /// capture, void, refund: the authorisation; authorize: the expired one this re-authorises (0: none)
  std::int64_t auth_id = 0;
  // The simulation's bookkeeping, never read by the network's logic: which payment sent it.
  std::int64_t payment_id = 0;
  std::int64_t key = 0;
  std::int64_t order = 0;
  std::string describe() const override;
};

/// One line of the network's settlement file (Adyen's settlement details report: Settled,
/// Refunded, Chargeback, ChargebackReversed, Fee): money that moved between the network and the merchant.
struct SettlementLine {
  enum class Kind { settled, refunded, chargeback, fee, chargeback_reversed };
  std::int64_t line_id = 0;  ///< unique: file x 1,000,000 + its place in the file, from 1
  std::int64_t file = 0;     ///< the file it is in, from 0: the moves of [file, file + 1) x settlement_interval
  Kind kind = Kind::settled;
  std::int64_t auth_id = 0;  ///< the authorisation it concerns
  std::int64_t amount = 0;
  // The simulation's bookkeeping, never read by the merchant's logic.
  std::int64_t payment_id = 0;
  sim::Instant at;  ///< when the money moved
};
const char* to_string(SettlementLine::Kind kind);
/// What the line moves to the merchant: a capture's money or a chargeback's reversal in, the rest out.
inline std::int64_t paid_to_merchant(const SettlementLine& line) {
  bool in = line.kind == SettlementLine::Kind::settled || line.kind == SettlementLine::Kind::chargeback_reversed;
  return in ? line.amount : -line.amount;
}

/// One line of the network's report of the authorisations it approved for the merchant (an acquirer's
/// authorisation report): what the merchant sent with it and how long ago it was approved.
struct HoldLine {
  std::int64_t auth_id = 0;
  std::int64_t reference = 0;
  std::int64_t order = 0;  ///< the merchant's order reference the authorisation carried
  std::int64_t amount = 0;
  sim::Duration age;       ///< since its approval, on the network's clock
  bool open = false;       ///< neither captured nor voided (nor reversed)
};

struct NetResponse final : sim::MessageBody {
  /// status: whether the network knows the reference; settlement: whether the file is closed
  bool found = true;
  bool approved = false;
  std::int64_t auth_id = 0;
  /// capture, void, refund: empty when done; else why not ("expired", "already_captured",
  /// "already_voided", "over_capture", "unknown_authorization", "declined")
  std::string refusal;
  std::vector<SettlementLine> lines;  ///< settlement: the file's lines
  /// holds: the approved authorisations after the caller's, in order; auth_id is then the last
  /// authorisation the network has made, approved or not
  std::vector<HoldLine> holds;
  bool report = false;  ///< the answer to a holds request
  bool move = false;    ///< the answer to a capture, void or refund (done when refusal is empty)
  std::string describe() const override;
};

/// One authorisation the network approved or declined: its ground truth.
struct Authorization {
  sim::Instant at;
  std::int64_t auth_id = 0;
  std::int64_t reference = 0;
  std::int64_t payment_id = 0;
  std::int64_t key = 0;
  std::int64_t order = 0;
  std::int64_t amount = 0;
  bool approved = false;
  /// a reversal advice that came before any authorisation of the reference: its record, declined,
  /// which a later authorisation of the reference is answered with (network_dedup)
  bool reversed = false;
  // What became of the hold (the network's books, kept here as it changes).
  std::int64_t captured = 0;  ///< amount captured (0: none)
  bool voided = false;
  std::int64_t refunded = 0;  ///< sum of accepted refunds
  /// A re-authorisation: the expired authorisation it replaces, as the merchant named it (0: a first one).
  std::int64_t replaces = 0;
};

/// A capture, void or refund the network was asked for, accepted or refused: its ground truth.
struct NetworkMove {
  enum class Kind { capture, void_auth, refund };
  sim::Instant at;
  Kind kind = Kind::capture;
  std::int64_t auth_id = 0;
  std::int64_t payment_id = 0;
  std::int64_t order = 0;
  std::int64_t amount = 0;
  std::int64_t reference = 0;
  std::string refusal;  ///< empty: accepted
};

/// One answer a client got (or a timeout, code 0).
struct Answer {
  sim::Instant at;
  int client = 0;
  std::int64_t key = 0;
  std::int64_t order = 0;
  std::int64_t amount = 0;  ///< what the client asked for
  int attempt = 1;
  int code = 0;  ///< 0: no answer within client_timeout
  std::string error;
  std::int64_t payment_id = 0;
  bool approved = false;
  std::int64_t answered_amount = 0;
};

/// One order as its client lived it, first submission to the end.
struct Order {
  int client = 0;
  std::int64_t key = 0;
  std::int64_t order = 0;
  std::int64_t amount = 0;
  sim::Instant sent;
  std::optional<sim::Instant> done;  ///< a final answer (200 or 400); none: gave up or still trying
  int attempts = 0;
  bool gave_up = false;
};

/// One payment row as the database holds it at the end of the run.
struct PaymentRow {
  std::int64_t id = 0;
  std::int64_t key = 0;
  std::int64_t order = 0;
  std::int64_t amount = 0;
  std::string status;
  std::int64_t network_ref = 0;  ///< the authorisation recorded (0: none)
  std::int64_t captured = 0;     ///< what its capture took (0: none)
  std::int64_t refunded = 0;     ///< the sum of the refunds recorded on it
  std::int64_t refund_claimed = 0;  ///< atomic_claim: what its refund sagas claimed of the capture
};

/// A committed transaction that moved a payment's status or emitted its event, as the actor that
/// committed it saw it answered: `status` the status it set (empty: none moved), `event` the
/// outbox event written with it (empty: none).
struct Transition {
  sim::Instant at;
  std::int64_t payment_id = 0;
  std::string status;
  std::string event;
  std::string node;
};

/// An outbox event as the relay publishes it to a consumer.
struct LedgerEvent final : sim::MessageBody {
  std::int64_t event_id = 0;
  std::int64_t payment_id = 0;
  std::string event;
  std::int64_t amount = 0;
  std::string describe() const override;
};

/// The consumer's acknowledgement of an event.
struct LedgerAck final : sim::MessageBody {
  bool existed = false;  ///< a redelivery the consumer recognised by its event id
  std::string describe() const override;
};

/// One ledger transfer: double-entry lines (account, signed amount: debit positive), posted
/// at once, for the event that caused it.
struct LedgerTransfer {
  sim::Instant at;
  std::int64_t event_id = 0;
  std::int64_t payment_id = 0;
  std::vector<std::pair<std::string, std::int64_t>> lines;
};

/// How a pending transfer of the two-phase ledger (design: ledger) was resolved: posted (`amount` of it),
/// voided or expired, by transfer `transfer_id` (0 for an expiry).
struct Resolution {
  sim::Instant at;
  std::string how;  ///< posted, voided, expired
  std::int64_t transfer_id = 0;
  std::int64_t amount = 0;  ///< posted: the amount posted; else the amount released
};

/// A pending transfer as the ledger holds it: the amount it reserves (debit `debit`, credit `credit`) until
/// it is resolved. A correct ledger resolves each at most once; every resolution it made is kept here.
struct PendingTransfer {
  sim::Instant at;
  sim::Instant expires;
  std::int64_t id = 0;
  std::int64_t payment_id = 0;
  std::int64_t amount = 0;
  std::string debit;
  std::string credit;
  std::vector<Resolution> resolutions;
  bool open() const { return resolutions.empty(); }
};

/// One account's four balances, TigerBeetle's: reserved by pending transfers, and posted.
struct AccountBalance {
  std::int64_t debits_pending = 0;
  std::int64_t credits_pending = 0;
  std::int64_t debits_posted = 0;
  std::int64_t credits_posted = 0;
};

/// One outbox row at the end of the run.
struct OutboxRow {
  std::int64_t id = 0;
  std::int64_t payment_id = 0;
  std::string event;
  std::int64_t amount = 0;
  bool sent = false;
};

/// A settlement line as the reconciliation job recorded it (the settlement_lines table) at the end.
struct RecordedLine {
  std::int64_t line_id = 0;
  std::int64_t amount = 0;
  bool matched = false;  ///< matched with an internal record of the same amount
};

/// One refund saga's row (atomic_claim's refunds table, one a refund) at the end of the run.
struct RefundRow {
  std::int64_t payment_id = 0;
  std::int64_t refund_id = 0;
  std::int64_t auth_id = 0;
  std::int64_t amount = 0;
  std::string step;  ///< started, refunded, finished, compensated
};

struct Observations {
  std::vector<Authorization> authorizations;
  std::vector<NetworkMove> moves;
  std::vector<Answer> answers;
  std::vector<Order> orders;
  std::vector<PaymentRow> payments;                            ///< filled at the end from the database
  std::vector<RefundRow> refunds;                              ///< filled at the end (atomic_claim's sagas)
  std::vector<OutboxRow> outbox;                               ///< filled at the end (with a relay)
  /// With settlement files: the lines of every file closed before the end (the network's books)
  /// and what the reconciliation job recorded of them, both filled at the end.
  std::vector<SettlementLine> settlement;
  std::vector<RecordedLine> recorded_lines;
  std::vector<SettlementLine> open_lines;  ///< the money moved in the period no file has closed yet
  std::optional<sim::Duration> settlement_interval;
  /// Chargebacks the issuers raised: (the capture's authorisation, when the chargeback came).
  std::vector<std::pair<std::int64_t, sim::Instant>> chargebacks;
  /// Chargebacks reversed because the merchant's evidence won: (the authorisation, when the reversal settles).
  std::vector<std::pair<std::int64_t, sim::Instant>> chargeback_reversals;
  bool relay = false;                                          ///< a relay and a ledger ran
  bool publish_after_commit = false;  ///< no relay: the back office published its events after each commit
  std::vector<LedgerTransfer> transfers;                       ///< the ledger's postings, in order
  /// design: ledger: its two-phase book, the pending transfers in creation order and every account's balances.
  bool two_phase = false;
  std::vector<PendingTransfer> pending_transfers;
  std::map<std::string, AccountBalance> accounts;
  std::vector<std::pair<sim::Instant, std::int64_t>> applied;  ///< events the ledger took in (redeliveries too)
  bool notifier = false;                                       ///< a notifier consumed the events
  /// The notifications the notifier sent the customers: (when, the event's id), redeliveries' too.
  std::vector<std::pair<sim::Instant, std::int64_t>> notifications;
  std::vector<std::pair<sim::Instant, std::int64_t>> created;  ///< payments inserted (time, id)
  std::vector<std::pair<sim::Instant, std::int64_t>> pruned;   ///< idempotency records the reaper deleted (time, key)
  std::vector<Transition> transitions;                         ///< in the order their commits were answered
  std::optional<sim::Duration> reconcile_interval;             ///< the reconciliation job's period (none: no job)
  sim::Duration reconcile_after = sim::Duration::seconds(5);   ///< its threshold for taking up a payment
  std::optional<sim::Instant> faults_healed;                   ///< the last fault's end (none: no fault)
  bool faults_open_at_end = false;
  bool database_down_at_end = false;
  /// With reauthorize: the holds the back office re-authorised after they expired (each an alert).
  bool reauthorize = false;
  std::size_t reauthorizations = 0;
  sim::Instant end;                                                   ///< when the run ended
  sim::Duration auth_validity = sim::Duration::minutes(7 * 24 * 60);  ///< holds expire this long after approval
};

struct Context {
  sim::World& world;
  PaymentOptions options;
  postgres::Deployment pg;
  sim::NodeId network = sim::no_node;
  sim::NodeId backoffice = sim::no_node;  ///< with capture_after only
  sim::NodeId relay = sim::no_node;       ///< with relay_interval only
  sim::NodeId ledger = sim::no_node;      ///< with relay_interval, publish_after_commit or design: ledger
  sim::NodeId reconciler = sim::no_node;  ///< with reconcile_interval only
  sim::NodeId reaper = sim::no_node;      ///< with reaper_interval only
  std::vector<sim::NodeId> api;
  std::vector<sim::NodeId> clients;
  std::int64_t next_payment = 1;
  std::int64_t next_event = 1;
  std::int64_t next_auth = 1;
  std::int64_t next_refund = 1;
  Observations observations;
  std::shared_ptr<redis::Deployment> redis;  ///< the idempotency store, with redis_store only
  /// With rate: the orders placed so far and the arrival process's stream; the customers are not the
  /// client machine, so a restarted client-1 goes on where it stopped.
  std::int64_t arrivals_placed = 0;
  std::optional<sim::Rng> arrival_rng = std::nullopt;
  sim::NodeId notifier = sim::no_node;  ///< with notifier only
};

/// Sends `call` to the card network and waits up to `timeout`: its answer, or none when the call
/// or its reply was lost or timed out (the processor, the back office and the reconciler).
inline sim::Task<std::optional<NetResponse>> ask_network(Context& context, sim::Executor ex,
                                                         std::shared_ptr<NetRequest> call, sim::Duration timeout) {
  sim::error_code ec;
  sim::MessagePtr reply = co_await context.world.rpc().call(ex, context.network, std::move(call), timeout,
                                                            boost::asio::redirect_error(sim::use_awaitable, ec));
  const auto* answer = dynamic_cast<const NetResponse*>(reply.get());
  if (ec || answer == nullptr) co_return std::nullopt;
  co_return *answer;
}

/// The card network's boot code, its state kept across restarts (card_network.cpp).
std::function<void()> card_network_boot(const std::shared_ptr<Context>& context);
/// Boots API server `index` (processor.cpp).
void boot_api(const std::shared_ptr<Context>& context, int index);
/// Boots the back office: captures, voids and the refund saga (backoffice.cpp).
void boot_backoffice(const std::shared_ptr<Context>& context);
/// Boots the reconciliation job (reconciler.cpp).
void boot_reconciler(const std::shared_ptr<Context>& context);
/// The lines of settlement file `file` (settlement.cpp): the network's accepted captures and refunds
/// of its period, the chargebacks raised in it and a fee per settled capture.
std::vector<SettlementLine> settlement_file(const Context& context, std::int64_t file);
/// The reconciliation job's settlement pass (settlement.cpp): fetches each closed file from
/// `next_file` on and matches its lines, recording each once in settlement_lines.
sim::Task<void> reconcile_settlement(Context& context, postgres::Connection& db, sim::Executor ex,
                                     std::int64_t& next_file);
/// The reconciliation job's adoption pass (holds.cpp, adopt_holds): reads the network's report of
/// the holds approved after `cursor` and adopts each that no payment records and no key claims.
sim::Task<void> adopt_holds(Context& context, postgres::Connection& db, sim::Executor ex, std::int64_t& cursor);
/// Boots the key reaper (reaper.cpp).
void boot_reaper(const std::shared_ptr<Context>& context);
/// Records a committed move of `payment_id` (status and/or event) by `node` in the observations
/// (schema.cpp).
void note_transition(Context& context, sim::NodeId node, std::int64_t payment_id, const std::string& status,
                     const std::string& event);
/// Boots client `index` (client.cpp).
void boot_client(const std::shared_ptr<Context>& context, int index);
/// The tables each design declares (schema.cpp).
void declare_tables(postgres::Deployment& pg, const PaymentOptions& options);
/// INSERT INTO outbox: the event with the next event id, not yet sent (schema.cpp).
postgres::Statement outbox_row(Context& context, std::int64_t payment_id, const char* event, std::int64_t amount);
/// Boots the outbox relay and the ledger consumer (relay.cpp).
void boot_relay(const std::shared_ptr<Context>& context);
std::function<void()> ledger_boot(const std::shared_ptr<Context>& context);
/// The notifier's boot code, its inbox kept across restarts (relay.cpp).
std::function<void()> notifier_boot(const std::shared_ptr<Context>& context);

}  // namespace payment
