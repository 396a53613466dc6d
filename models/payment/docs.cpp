// What each of the payment model's parameters and checks means (models/model.hpp, ModelDocs).
#include "models/payment/payment.hpp"
#include "models/postgres/server/docs.hpp"
#include "models/postgres/server/replication_options.hpp"
#include "models/redis/docs.hpp"

namespace {

/// The reconciliation job's and the key reaper's options.
std::vector<sim::OptionDoc> job_option_docs() {
  return {
      {"reconcile_interval",
       "the reconciliation job (node reconciler) reads the payments in doubt this often and asks the network for "
       "their status (absent: no job)"},
      {"reconcile_after",
       "the job takes up a PENDING payment this long after its created_at: the seed's fails it without the "
       "network's answer, atomic_claim's marks it UNKNOWN and waits for the answer"},
      {"status_timeout", "the job's wait for the network's answer to a status query"},
      {"reversal_advice",
       "atomic_claim's job, before it fails a payment the network says it never saw, sends a reversal advice for "
       "its reference (ISO 8583 1420, reason 4021) and sends it again at each pass until answered: the network "
       "releases a hold it placed meanwhile and, with network_dedup, declines a later authorisation of that "
       "reference (default: true with atomic_claim)"},
      {"network_reference",
       "atomic_claim: what the network is sent as the authorisation's reference: payment_id (the default) "
       "or key (the idempotency key, which a retry sends again even after the database lost the first claim, so "
       "the network's deduplication still answers with the first authorisation)"},
      {"adopt_holds",
       "with network_reference: key, the job also reads the network's report of the holds it approved and adopts "
       "each that no payment records and no idempotency key claims, writing it as an authorised payment with its "
       "key finished (default: true with network_reference: key and the job)"},
      {"settlement_interval",
       "the network closes a settlement file this often (Settled, Refunded, Chargeback and Fee lines for the "
       "period's moves) and the job matches each line with the payments once the file is closed (absent: none)"},
      {"chargebacks", "share of captures the issuers charge back, a settlement interval after the capture"},
      {"settlement_batch",
       "the job matches this many settlement lines a transaction: 1, each line with its own lookups and "
       "transaction; above 1, one read of the batch's records and payments, one INSERT of their records"},
      {"fee", "the network's fee on each settled capture, as a share of its amount (a Fee line each)"},
      {"reaper_interval",
       "the key reaper (node reaper) deletes idempotency records older than key_retention this often (absent: "
       "records are kept for ever); not with serializable, which keeps none but the payments"},
      {"key_retention",
       "idempotency records older than this are deleted by the reaper (a retry after it is new); in Redis, the "
       "keys' TTL (the seed's 24 h)"},
      {"reaper_clock",
       "whose wall clock ages the records: own (the reaper's, so a step of it prunes early; the default but for "
       "atomic_claim) or database (the server's clock_timestamp(); atomic_claim's default)"},
  };
}

/// The options of the disputes the back office contests and of P8's re-authorisation.
std::vector<sim::OptionDoc> recovery_option_docs() {
  return {
      {"dispute_evidence_after",
       "atomic_claim, ledger: the back office contests each DISPUTED payment with evidence this long after it "
       "first saw it so; the network's decision makes it DISPUTE_WON (the chargeback reversed: a "
       "payment.dispute_won event, the ledger's reversal, a ChargebackReversed line one settlement interval "
       "later) or DISPUTE_LOST (absent: DISPUTED is final)"},
      {"dispute_wins", "with dispute_evidence_after: the share of contested disputes won (default: 1/2, an "
                       "assumption)"},
      {"reauthorize",
       "atomic_claim: a capture refused as expired makes the back office re-authorise the payment (a new hold "
       "under the payment id's negative as reference, naming the expired one), raise an alert "
       "(payment.alert, measure reauthorization_alerts) and capture the new hold (default: false)"},
  };
}

/// The back office's, the relay's and the ledger's options.
std::vector<sim::OptionDoc> backoffice_option_docs() {
  return {
      {"capture_after",
       "the back office (node backoffice) captures an AUTHORIZED payment this long after it first saw it (absent: no "
       "back office, nothing captured)"},
      {"refund_after",
       "the back office refunds a CAPTURED payment in full this long after it first saw it (absent: no refunds); "
       "atomic_claim runs the refund saga with its state in the refunds table, the other designs the seed's refund"},
      {"refunds",
       "with refund_after: the refunds made of each payment, each refund_share of its capture and never more than "
       "its row says is left (at most ceil(1 / refund_share)); those due at one pass are requested together "
       "(default: 1)"},
      {"refund_gap",
       "with refunds above 1: the time between a payment's refunds, the k-th due refund_after + k x refund_gap "
       "after the payment was first seen captured; 0s requests them together (default: refund_after)"},
      {"capture_margin",
       "the capture deadline: the back office captures an AUTHORIZED payment once its hold is within this of "
       "expiring (created_at + auth_validity - margin), even before capture_after (absent: no deadline)"},
      {"cancels", "share of orders cancelled: the back office voids their holds instead of capturing"},
      {"multicapture",
       "the network accepts several captures of one hold, each matched to the authorisation on its own (each at "
       "most the hold's amount, their sum not enforced, as separate clearing presentments are); a capture sent "
       "again with the reference of one it accepted is answered as that one, with network_dedup (default: "
       "false, one capture a hold, a second refused already_captured)"},
      {"capture_share",
       "the share of each hold the back office captures: below 1 a partial capture, the network releasing the "
       "rest (default: 1, all of it)"},
      {"refund_share",
       "with refund_after: the share of the capture each refund takes; below 1 a partial refund, the payment "
       "PARTIALLY_REFUNDED with a payment.partially_refunded event until its refunds reach the capture "
       "(default: 1, in full)"},
      {"order_unique",
       "UNIQUE(order_id) on captures (P5's fix): the back office claims the order in captures before it "
       "captures, and voids the hold of a second payment of an order that another payment holds"},
      {"backoffice_interval", "time between the back office's passes over the payments table"},
      {"backoffice_workers",
       "the back office's workers: above 1, each pass's due payments are handed to them (worker k those whose id "
       "mod backoffice_workers is k, when it is idle), each on its own connection; the reader resumes the sagas"},
      {"auth_validity", "a hold expires this long after its approval; a capture after it is refused"},
      {"refund_declines", "share of refunds the network declines (atomic_claim's saga compensates)"},
      {"relay_interval",
       "the outbox relay (node relay) polls unsent outbox rows this often, publishes each to the ledger (node ledger) "
       "and then marks it sent (absent: no relay, no ledger)"},
      {"publish_after_commit",
       "no relay: the back office publishes each capture and refund event to the ledger (node ledger) itself, "
       "right after the transaction that records it commits; a crash between loses it (P7 b)"},
      {"relay_marks_first",
       "the relay marks a row sent before publishing it: at-most-once, a crash between loses the event"},
      {"ledger_dedup",
       "the ledger recognises a redelivered event by its id and does not post it again (default: yes for "
       "atomic_claim, no otherwise)"},
      {"notifier",
       "with relay_interval: the relay publishes each event to a notifier (node notifier) after the ledger, which "
       "sends the customer a notification per event"},
      {"notifier_dedup",
       "the notifier keeps the ids of the events it notified and notifies a redelivered one no more (default: "
       "yes for atomic_claim, no otherwise)"},
  };
}

std::vector<sim::OptionDoc> payment_option_docs() {
  std::vector<sim::OptionDoc> docs{
      {"design",
       "how the API processes a payment: seed (the problem's code), unique_index, serializable, "
       "atomic_claim, redis_setnx (the key claimed in Redis with SET NX PX, the result set there after the "
       "commit), ledger (atomic_claim's claim, and the money in a two-phase ledger: a pending transfer with the "
       "payment id as its id before the authorisation, posted at the capture, voided on a decline, a void or a "
       "failure, expired after pending_timeout)"},
      {"idempotency_store",
       "where the seed keeps its idempotency cache: table (in PostgreSQL) or redis (GET before, SET with a TTL "
       "after); redis_setnx's is redis"},
      {"redis_timeout", "the API's wait for one Redis command (with a Redis store)"},
      {"clients", "clients, client-1 .. client-N, each placing its orders in turn"},
      {"api_servers", "API servers api-1 .. api-N; client i talks to api-((i-1) mod N + 1)"},
      {"requests", "orders per client"},
      {"rate",
       "open-loop arrivals: orders arrive as a Poisson process of this mean rate, each placed by the next client "
       "in turn (absent: each client places requests orders, interval apart)"},
      {"orders", "with rate: orders in all"},
      {"daily_peak",
       "with rate: orders arrive this many times faster than the mean within the peak window, slower outside it, "
       "the day's mean staying rate"},
      {"peak_window", "with rate: the daily peak's length, centred on 12:00 of each simulated day"},
      {"interval", "time between a client's orders"},
      {"start", "when client 1 places its first order"},
      {"stagger", "client i starts at start + (i-1) x stagger"},
      {"amount", "each order's amount, in minor units"},
      {"double_submit", "each order is submitted a second time this long after the first, same key (absent: no)"},
      {"reuse_key", "a client's later orders reuse its first order's key (a key reused by mistake)"},
      {"reused_amount", "the amount of those later orders (with reuse_key)"},
      {"client_timeout", "a client's wait for the API's answer before it retries"},
      {"retry_after", "a client retries this long after a timeout, a 409 or a 500, with the same key"},
      {"retry_horizon", "a client stops retrying an order this long after its first submission"},
      {"network_latency", "the card network's time to answer a request"},
      {"network_timeout", "the API's wait for the card network"},
      {"declines", "share of authorisations the network declines"},
      {"network_dedup", "the network answers a reference it saw with its first authorisation"},
      {"lock_lease",
       "atomic_claim: a claimed key whose lock is older than this counts as abandoned; redis_setnx: the claim's "
       "PX"},
      {"db_timeout", "the API's wait for one PostgreSQL statement"},
      {"pending_timeout",
       "design ledger: a pending transfer expires this long after the ledger created it, on the ledger's own time, "
       "and releases its reserved amount (default: auth_validity, the hold's 7 days); longer than capture_margin"},
      {"ledger_timeout",
       "design ledger: the API's, the back office's and the reconciliation job's wait for the ledger's answer to "
       "one transfer; without it they send the same transfer again (its id makes a resend answer exists)"},
      {"connect_timeout",
       "with postgres.standbys: every actor's wait for each server's startup answer as it tries the host list "
       "(libpq's connect_timeout, target_session_attrs=read-write)"},
  };
  for (const auto& part : {backoffice_option_docs(), recovery_option_docs(), job_option_docs()})
    docs.insert(docs.end(), part.begin(), part.end());
  for (sim::OptionDoc& doc : postgres::option_docs_under("postgres.", "the PostgreSQL server holding the tables"))
    docs.push_back(std::move(doc));
  for (sim::OptionDoc& doc : postgres::replication_option_docs_under("postgres.")) docs.push_back(std::move(doc));
  for (sim::OptionDoc& doc : redis::option_docs_under("redis.", "the Redis holding the idempotency keys"))
    docs.push_back(std::move(doc));
  return docs;
}

/// What each check of the charges and the payments means and how its severity is measured.
std::vector<sim::CheckDoc> charge_check_docs() {
  return {
      {"duplicate_charge", "at most one authorised payment per idempotency key and per order",
       "extra authorised payments per key and per order, and their amount"},
      {"duplicate_authorization",
       "at most one approved network hold per idempotency key and per order (an expired hold that a "
       "re-authorisation replaced is one with its replacement)",
       "extra holds per key and per order, and their amount"},
      {"param_mismatch_accepted", "no 200 for a request whose amount differs from the payment answered for",
       "such answers, and the amount never charged"},
      {"response_consistency", "every 200 for one key names the same payment, outcome and amount",
       "answers that differ from their key's first 200"},
      {"held_funds_leak",
       "every approved hold is captured, voided, or recorded by its payment as authorised and not yet expired "
       "(with design ledger, and reserved by its payment's open pending transfer); an expired hold that a "
       "re-authorisation replaced is not a leak",
       "holds no payment records, that expired uncaptured or (ledger) that the books released, and their "
       "amount"},
      {"in_doubt", "no payment is left in doubt (PENDING, or UNKNOWN) at the end of the run",
       "payments left in doubt, and their amount"},
      {"over_refund", "for each hold, the refunds the network accepted sum to no more than its capture",
       "payments refunded beyond their capture, and the excess"},
      {"capture_after_expiry",
       "no capture is refused because its hold had expired (one whose hold was re-authorised and the new hold "
       "captured is counted apart, recovered)",
       "captures refused as expired and not recovered, and their amount (orders shipped unpaid)"},
      {"saga_incomplete",
       "every refund the network accepted is recorded on its payment, and no refund saga is left open",
       "refunds not recorded, sagas left between steps"},
  };
}

/// The same for the checks of the books, the events and the jobs.
std::vector<sim::CheckDoc> books_check_docs() {
  return {
      {"ledger_balanced",
       "every ledger transfer sums to zero: debits equal credits (one currency in this model); with design "
       "ledger, the pending and the posted books balance apart, no final payment is still reserved "
       "(card_clearing's pending balance back to zero once every payment is final), every captured payment's "
       "pending transfer is posted; with settlement files and the relay (not design ledger), card_clearing's "
       "posted balance equals what the network's files leave owed once the payouts are booked, every file "
       "closed two reconciliation periods before the end paid out",
       "transfers that do not, the sum of all lines; reservations left and captures not posted, and their "
       "amounts; card_clearing's balance against what is owed"},
      {"ledger_double_post",
       "each event is posted at most once in effect, however often it is delivered; with design ledger, each "
       "pending transfer is resolved (posted, voided or expired) at most once and never posted beyond its "
       "amount",
       "extra postings and resolutions, and the amount moved too much"},
      {"event_lost", "every outbox event the relay marked sent reached the ledger", "events marked sent and lost"},
      {"invalid_transition",
       "each payment's status path and the order of its events follow the state graph (PENDING -> AUTHORIZED, "
       "FAILED or UNKNOWN; UNKNOWN -> AUTHORIZED or FAILED; AUTHORIZED -> CAPTURED, VOIDED or EXPIRED; ...)",
       "payments off the graph, and the moves that left it"},
      {"contradictory_events",
       "no payment emits events that contradict each other (authorized and failed; captured and voided or expired)",
       "such payments, and their amount"},
      {"ledger_matches_network",
       "every line of the network's settlement files (Settled, Refunded, Chargeback, Fee), once its file has been "
       "closed two reconciliation periods, is matched with an internal record of the same amount",
       "unmatched lines, by kind, and their amount"},
      {"over_capture", "per hold, the captures the network accepted sum to at most its authorised amount",
       "holds captured beyond their amount and the amount too much; captures the network refused as over_capture"},
      {"duplicate_notification",
       "with a notifier: each outbox event is notified to the customer at most once, however often the relay "
       "delivers it",
       "extra notifications"},
      {"notification_lost",
       "with a notifier: every outbox event the relay marked sent was notified to the customer",
       "events marked sent and never notified"},
      {"unknown_age_max",
       "with a reconciliation job, every payment leaves doubt (PENDING, UNKNOWN) within two reconciliation "
       "periods of the later of its reconcile_after and the faults' healing",
       "payments in doubt past that, and the longest time any payment spent in doubt"},
  };
}

std::vector<sim::CheckDoc> payment_check_docs() {
  std::vector<sim::CheckDoc> docs = charge_check_docs();
  for (sim::CheckDoc& doc : books_check_docs()) docs.push_back(std::move(doc));
  return docs;
}

}  // namespace

const sim::ModelDocs& payment_docs() {
  static const sim::ModelDocs docs{
      "design",
      {"{postgres: {standbys: 1, promote: [{at: 1s, node: postgres-2}], patroni: {}}}"},
      payment_option_docs(),
      payment_check_docs(),
  };
  return docs;
}
