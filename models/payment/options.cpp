#include "models/payment/options.hpp"

#include <fmt/format.h>

#include "models/postgres/server/replication_options.hpp"
#include "sim/scenario/param_reader.hpp"

namespace payment {
namespace {

using sim::Duration;

const Duration day = Duration::minutes(24 * 60);

Design read_design(sim::ParamReader& params) {
  std::string design = params.choice(
      "design", {"seed", "unique_index", "serializable", "atomic_claim", "redis_setnx", "ledger"}, "seed");
  if (design == "unique_index") return Design::unique_index;
  if (design == "redis_setnx") return Design::redis_setnx;
  if (design == "serializable") return Design::serializable;
  if (design == "atomic_claim") return Design::atomic_claim;
  if (design == "ledger") return Design::ledger;
  return Design::seed;
}

/// Open-loop arrivals (rate, orders, daily_peak, peak_window) instead of each client's requests in turn.
void read_arrivals(sim::ParamReader& params, PaymentOptions& options) {
  options.rate = params.optional_rate("rate");
  std::optional<std::int64_t> orders =
      params.optional_integer<std::int64_t>("orders", 1, std::int64_t{options.clients} * 999'999);
  options.daily_peak = params.integer<int>("daily_peak", options.daily_peak, 1, 24);
  options.peak_window = params.duration("peak_window", options.peak_window, {Duration::minutes(1), day});
  if (!options.rate) {
    for (const char* key : {"orders", "daily_peak", "peak_window"})
      if (params.has(key)) params.fail(key, "applies only with rate (open-loop arrivals)");
    return;
  }
  if (options.rate->count <= 0) params.fail("rate", "must be more than zero orders");
  for (const char* key : {"requests", "interval", "stagger", "reuse_key"})
    if (params.has(key)) params.fail(key, "applies only without rate (each client's orders in turn)");
  if (!orders) params.fail("rate", "needs orders: the number of orders in all");
  options.orders = *orders;
  if (options.peak_window * options.daily_peak > day)
    params.fail(params.has("peak_window") ? "peak_window" : "daily_peak",
                "daily_peak x peak_window must be at most 24h (the rest of the day cannot go below zero)");
}

void read_workload(sim::ParamReader& params, PaymentOptions& options) {
  options.clients = params.integer<int>("clients", options.clients, 1, 1000);
  options.api_servers = params.integer<int>("api_servers", options.api_servers, 1, 64);
  options.requests = params.integer<int>("requests", options.requests, 1, 100'000);
  options.interval = params.duration("interval", options.interval, {Duration::milliseconds(1), day});
  options.start = params.duration("start", options.start, {Duration::zero(), day});
  options.stagger = params.duration("stagger", options.stagger, {Duration::zero(), day});
  options.amount = params.integer<std::int64_t>("amount", options.amount, 1, 1'000'000'000);
  options.double_submit = params.optional_duration("double_submit", {Duration::zero(), Duration::minutes(10)});
  options.reuse_key = params.boolean("reuse_key", options.reuse_key);
  options.reused_amount = params.integer<std::int64_t>("reused_amount", options.reused_amount, 1, 1'000'000'000);
  if (!options.reuse_key && params.has("reused_amount"))
    params.fail("reused_amount", "applies only with reuse_key: true");
  if (options.reuse_key && options.requests < 2)
    params.fail("reuse_key", "a reused key needs a second order: give requests: 2 or more");
  read_arrivals(params, options);
}

void read_timing(sim::ParamReader& params, PaymentOptions& options) {
  options.client_timeout = params.duration("client_timeout", options.client_timeout, {Duration::milliseconds(1), day});
  options.retry_after =
      params.duration("retry_after", options.retry_after, {Duration::milliseconds(1), Duration::minutes(7 * 24 * 60)});
  options.retry_horizon =
      params.duration("retry_horizon", options.retry_horizon, {Duration::zero(), Duration::minutes(7 * 24 * 60)});
  options.network_latency = params.duration_dist("network_latency", options.network_latency);
  options.network_timeout =
      params.duration("network_timeout", options.network_timeout, {Duration::milliseconds(1), day});
  options.declines = params.ratio("declines", options.declines);
  options.network_dedup = params.boolean("network_dedup", options.network_dedup);
  options.lock_lease = params.duration("lock_lease", options.lock_lease, {Duration::milliseconds(1), day});
  if (!claims_atomically(options.design) && options.design != Design::redis_setnx && params.has("lock_lease"))
    params.fail("lock_lease", "applies only with design: atomic_claim or ledger (the claimed key's lock) or "
                              "redis_setnx (the claim's PX)");
  options.db_timeout = params.duration("db_timeout", options.db_timeout, {Duration::milliseconds(1), day});
}

// Several refunds of a payment: each refund_share of the capture, so the last one must find something left.
void read_refunds(sim::ParamReader& params, PaymentOptions& options) {
  options.refunds = params.integer<int>("refunds", options.refunds, 1, 100);
  options.refund_gap = params.optional_duration("refund_gap", {Duration::zero(), Duration::minutes(28 * 24 * 60)});
  if (!options.refund_after)
    for (const char* key : {"refunds", "refund_gap"})
      if (params.has(key)) params.fail(key, "applies only with refund_after");
  if (options.refunds == 1 && params.has("refund_gap"))
    params.fail("refund_gap", "applies only with refunds above 1 (the time between a payment's refunds)");
  const sim::Ratio share = options.refund_share;
  // The most refunds that each leave something to the next: ceil(den / num).
  auto most = static_cast<int>((share.den + share.num - 1) / share.num);
  if (options.refunds > most)
    params.value("refunds")->out_of_range(
        fmt::format("at most {} with refund_share {}/{} (refund {} would find nothing left to refund)", most, share.num,
                    share.den, most + 1));
}

void read_backoffice(sim::ParamReader& params, PaymentOptions& options) {
  const Duration week = Duration::minutes(7 * 24 * 60);
  options.capture_after = params.optional_duration("capture_after", {Duration::zero(), week * 4});
  options.refund_after = params.optional_duration("refund_after", {Duration::zero(), week * 4});
  options.cancels = params.ratio("cancels", options.cancels);
  options.refund_share = params.ratio("refund_share", options.refund_share);
  options.capture_share = params.ratio("capture_share", options.capture_share);
  if (options.capture_share.num == 0) params.fail("capture_share", "must be more than zero: a capture of nothing");
  if (options.refund_share.num == 0) params.fail("refund_share", "must be more than zero: a refund of nothing");
  if (!options.refund_after && params.has("refund_share"))
    params.fail("refund_share", "applies only with refund_after");
  read_refunds(params, options);
  options.order_unique = params.boolean("order_unique", options.order_unique);
  options.multicapture = params.boolean("multicapture", options.multicapture);
  options.backoffice_interval =
      params.duration("backoffice_interval", options.backoffice_interval, {Duration::milliseconds(10), day});
  options.backoffice_workers =
      params.integer<int>("backoffice_workers", options.backoffice_workers, 1, 1000);
  options.auth_validity = params.duration("auth_validity", options.auth_validity, {Duration::seconds(1), week * 5});
  options.refund_declines = params.ratio("refund_declines", options.refund_declines);
  options.capture_margin = params.optional_duration("capture_margin", {Duration::zero(), week * 5});
  options.reauthorize = params.boolean("reauthorize", options.reauthorize);
  if (options.reauthorize && options.design != Design::atomic_claim)
    params.fail("reauthorize", "applies only with design: atomic_claim (its payment id is the reference the "
                               "re-authorisation's is derived from)");
  if (options.capture_margin && *options.capture_margin >= options.auth_validity)
    params.value("capture_margin")
        ->out_of_range("shorter than auth_validity (" + sim::to_string(options.auth_validity) + ")");
  if (options.capture_after) return;
  for (const char* key :
       {"refund_after", "cancels", "backoffice_interval", "backoffice_workers", "refund_declines", "capture_margin",
        "publish_after_commit", "order_unique", "capture_share", "reauthorize", "multicapture"})
    if (params.has(key)) params.fail(key, "applies only with capture_after (the back office captures, then refunds)");
}

// The two-phase ledger's options; its pending transfers outlive the capture deadline's margin.
void read_ledger(sim::ParamReader& params, PaymentOptions& options) {
  const Duration week = Duration::minutes(7 * 24 * 60);
  options.pending_timeout = params.duration("pending_timeout", options.auth_validity, {Duration::seconds(1), week * 5});
  options.ledger_timeout = params.duration("ledger_timeout", options.ledger_timeout, {Duration::milliseconds(1), day});
  if (options.design != Design::ledger) {
    for (const char* key : {"pending_timeout", "ledger_timeout"})
      if (params.has(key)) params.fail(key, "applies only with design: ledger (its two-phase transfers)");
    return;
  }
  if (options.capture_margin && *options.capture_margin >= options.pending_timeout)
    params.value("pending_timeout")
        ->out_of_range("longer than capture_margin (" + sim::to_string(*options.capture_margin) +
                       "), or the back office captures after the ledger released the hold");
}

void read_relay(sim::ParamReader& params, PaymentOptions& options) {
  options.relay_interval = params.optional_duration("relay_interval", {Duration::milliseconds(10), day});
  options.ledger_dedup = params.boolean("ledger_dedup", claims_atomically(options.design));
  options.relay_marks_first = params.boolean("relay_marks_first", options.relay_marks_first);
  options.publish_after_commit = params.boolean("publish_after_commit", options.publish_after_commit);
  if (options.publish_after_commit && options.relay_interval)
    params.fail("publish_after_commit", "the events go either through the outbox relay (relay_interval) or "
                                        "straight after the commit, not both");
  for (const char* key : {"ledger_dedup", "relay_marks_first"})
    if (!options.relay_interval && !options.publish_after_commit && params.has(key))
      params.fail(key, "applies only with relay_interval (the relay and its ledger)");
  options.notifier = params.boolean("notifier", options.notifier);
  options.notifier_dedup = params.boolean("notifier_dedup", claims_atomically(options.design) && options.notifier);
  if (options.notifier && !options.relay_interval)
    params.fail("notifier", "applies only with relay_interval (the relay publishes to the notifier)");
  if (!options.notifier && params.has("notifier_dedup")) params.fail("notifier_dedup", "applies only with notifier");
}

// Disputes contested with evidence: the fixed designs' DISPUTED payments, by the back office.
void read_disputes(sim::ParamReader& params, PaymentOptions& options) {
  options.dispute_evidence_after =
      params.optional_duration("dispute_evidence_after", {Duration::zero(), Duration::minutes(120 * 24 * 60)});
  options.dispute_wins = params.ratio("dispute_wins", options.dispute_wins);
  if (!options.dispute_evidence_after) {
    if (params.has("dispute_wins")) params.fail("dispute_wins", "applies only with dispute_evidence_after");
    return;
  }
  if (!claims_atomically(options.design))
    params.fail("dispute_evidence_after", "applies only with design: atomic_claim or ledger (the seed's payments "
                                          "have no DISPUTED state)");
  if (!options.capture_after)
    params.fail("dispute_evidence_after", "applies only with capture_after (the back office submits the evidence)");
}

void read_reconciliation(sim::ParamReader& params, PaymentOptions& options) {
  options.reconcile_interval = params.optional_duration("reconcile_interval", {Duration::milliseconds(10), day});
  options.reconcile_after =
      params.duration("reconcile_after", options.reconcile_after, {Duration::zero(), Duration::minutes(7 * 24 * 60)});
  options.status_timeout = params.duration("status_timeout", options.status_timeout, {Duration::milliseconds(1), day});
  options.settlement_interval =
      params.optional_duration("settlement_interval", {Duration::seconds(1), Duration::minutes(7 * 24 * 60)});
  options.chargebacks = params.ratio("chargebacks", options.chargebacks);
  options.fee = params.ratio("fee", options.fee);
  options.settlement_batch = params.integer<int>("settlement_batch", options.settlement_batch, 1, 100'000);
  options.reversal_advice =
      params.boolean("reversal_advice", claims_atomically(options.design) && options.reconcile_interval);
  if (params.has("reversal_advice") && !claims_atomically(options.design))
    params.fail("reversal_advice", "applies only with design: atomic_claim or ledger (the job that asks the network "
                                   "before it fails a payment)");
  std::string reference = params.choice("network_reference", {"payment_id", "key"}, "payment_id");
  options.key_reference = reference == "key";
  if (params.has("network_reference") && options.design != Design::atomic_claim)
    params.fail("network_reference", "applies only with design: atomic_claim (the seed's designs send no reference; "
                                     "the ledger's pending transfers are keyed by the payment id, which a lost "
                                     "claim changes, so a key reference would leave them unposted)");
  options.adopt_holds = params.boolean("adopt_holds", options.key_reference && options.reconcile_interval);
  if (params.has("adopt_holds") && !options.key_reference)
    params.fail("adopt_holds", "applies only with network_reference: key (the job finds a hold's idempotency key "
                               "by its reference)");
  for (const char* key :
       {"reconcile_after", "status_timeout", "settlement_interval", "reversal_advice", "adopt_holds"})
    if (!options.reconcile_interval && params.has(key))
      params.fail(key, "applies only with reconcile_interval (the reconciliation job)");
  for (const char* key : {"chargebacks", "fee", "settlement_batch", "dispute_evidence_after"})
    if (!options.settlement_interval && params.has(key))
      params.fail(key, "applies only with settlement_interval (the network's settlement files)");
  read_disputes(params, options);
}

void read_reaper(sim::ParamReader& params, PaymentOptions& options) {
  options.reaper_interval = params.optional_duration("reaper_interval", {Duration::seconds(1), day});
  if (options.reaper_interval && options.redis_store)
    params.fail("reaper_interval", "Redis expires the idempotency keys by their TTL (key_retention): no reaper");
  options.key_retention =
      params.duration("key_retention", options.key_retention, {Duration::seconds(1), Duration::minutes(30 * 24 * 60)});
  std::string clock =
      params.choice("reaper_clock", {"own", "database"}, claims_atomically(options.design) ? "database" : "own");
  options.reaper_on_database_clock = clock == "database";
  if (options.reaper_interval && options.design == Design::serializable)
    params.fail("reaper_interval", "serializable keeps no idempotency records but the payments: nothing to reap");
  if (!options.reaper_interval && params.has("key_retention") && !options.redis_store)
    params.fail("key_retention", "applies only with reaper_interval (the key reaper) or a Redis store (the keys' TTL)");
  for (const char* key : {"reaper_clock"})
    if (!options.reaper_interval && params.has(key))
      params.fail(key, "applies only with reaper_interval (the key reaper)");
}

// Where the idempotency records live: the seed's cache may be a table or Redis; redis_setnx's is
// Redis; the other designs keep theirs in PostgreSQL.
void read_store(sim::ParamReader& params, PaymentOptions& options) {
  bool redis_default = options.design == Design::redis_setnx;
  std::string store = params.choice("idempotency_store", {"table", "redis"}, redis_default ? "redis" : "table");
  options.redis_store = store == "redis";
  if (options.design == Design::redis_setnx && !options.redis_store)
    params.fail("idempotency_store", "redis_setnx claims its keys in Redis: leave idempotency_store at redis");
  if (options.redis_store && options.design != Design::seed && options.design != Design::redis_setnx)
    params.fail("idempotency_store",
                "only the seed's cache (design: seed) or redis_setnx keeps its keys in Redis; the other designs keep "
                "them in PostgreSQL");
  if (options.design != Design::seed && options.design != Design::redis_setnx) {
    for (const char* key : {"redis", "redis_timeout"})
      if (params.has(key)) params.fail(key, "applies only with design: seed (idempotency_store: redis) or redis_setnx");
    return;
  }
  if (!options.redis_store)
    for (const char* key : {"redis", "redis_timeout"})
      if (params.has(key)) params.fail(key, "applies only with idempotency_store: redis (or design: redis_setnx)");
  options.redis_timeout = params.duration("redis_timeout", options.redis_timeout, {Duration::milliseconds(1), day});
  sim::ParamReader section = params.section("redis");
  options.redis = redis::read_redis_options(section);
}

// The PostgreSQL deployment, its standbys and failover included; the actors find the primary
// through the host list (database.hpp).
void read_database(sim::ParamReader& params, PaymentOptions& options) {
  sim::ParamReader section = params.section("postgres");
  options.postgres = postgres::read_replicated_postgres_options(section);
  options.connect_timeout =
      params.duration("connect_timeout", options.connect_timeout, {Duration::milliseconds(1), day});
  if (options.postgres.standbys == 0 && params.has("connect_timeout"))
    params.fail("connect_timeout", "applies only with postgres.standbys (the host list has one server)");
}

}  // namespace

const char* to_string(Design design) {
  switch (design) {
    case Design::seed: return "seed";
    case Design::unique_index: return "unique_index";
    case Design::serializable: return "serializable";
    case Design::atomic_claim: return "atomic_claim";
    case Design::redis_setnx: return "redis_setnx";
    case Design::ledger: return "ledger";
  }
  return "?";
}

PaymentOptions read_options(sim::ParamReader& params) {
  PaymentOptions options;
  options.design = read_design(params);
  read_workload(params, options);
  read_timing(params, options);
  read_backoffice(params, options);
  read_ledger(params, options);
  read_relay(params, options);
  read_reconciliation(params, options);
  read_store(params, options);
  read_reaper(params, options);
  read_database(params, options);
  params.finish();
  return options;
}

namespace {

/// The reconciliation job's, the settlement files' and the key reaper's rows of describe().
void describe_jobs(const PaymentOptions& options, std::vector<std::pair<std::string, std::string>>& rows) {
  if (options.reconcile_interval)
    rows.emplace_back(
        "reconciliation",
        fmt::format("every {}, payments in doubt for {}, status wait {}{}{}",
                    sim::to_string(*options.reconcile_interval), sim::to_string(options.reconcile_after),
                    sim::to_string(options.status_timeout),
                    options.reversal_advice ? ", a reversal advice before failing what the network never saw" : "",
                    options.adopt_holds ? ", the network's holds no payment records adopted" : ""));
  if (options.settlement_interval)
    rows.emplace_back("settlement", fmt::format("a file every {}, chargebacks {}/{}, fee {}/{}{}",
                                                sim::to_string(*options.settlement_interval), options.chargebacks.num,
                                                options.chargebacks.den, options.fee.num, options.fee.den,
                                                options.settlement_batch > 1
                                                    ? fmt::format(", {} lines a transaction", options.settlement_batch)
                                                    : ""));
  if (options.dispute_evidence_after)
    rows.emplace_back("disputes", fmt::format("contested {} after DISPUTED, {}/{} won",
                                              sim::to_string(*options.dispute_evidence_after),
                                              options.dispute_wins.num, options.dispute_wins.den));
  if (options.reaper_interval)
    rows.emplace_back(
        "reaper", fmt::format("every {}, keys older than {} on the {} clock", sim::to_string(*options.reaper_interval),
                              sim::to_string(options.key_retention),
                              options.reaper_on_database_clock ? "database's" : "reaper's own"));
}

/// The back office's rows of describe().
void describe_backoffice(const PaymentOptions& options, std::vector<std::pair<std::string, std::string>>& rows) {
  if (!options.capture_after) return;
  rows.emplace_back("auth_validity", sim::to_string(options.auth_validity));
  rows.emplace_back("capture_after", sim::to_string(*options.capture_after));
  if (options.capture_margin)
    rows.emplace_back("capture_deadline", "auth_validity - " + sim::to_string(*options.capture_margin));
  if (options.reauthorize) rows.emplace_back("reauthorize", "an expired hold is re-authorised, with an alert");
  rows.emplace_back("refund_after", options.refund_after ? sim::to_string(*options.refund_after) : "no refunds");
  if (options.multicapture)
    rows.emplace_back("multicapture", "the network accepts several captures of a hold, each up to its amount");
  if (options.capture_share.num != options.capture_share.den)
    rows.emplace_back("capture_share", fmt::format("{}/{}", options.capture_share.num, options.capture_share.den));
  if (options.refund_share.num != options.refund_share.den)
    rows.emplace_back("refund_share", fmt::format("{}/{}", options.refund_share.num, options.refund_share.den));
  if (options.refunds > 1)
    rows.emplace_back("refunds", fmt::format("{} a payment, {} apart", options.refunds,
                                             sim::to_string(options.refund_gap.value_or(*options.refund_after))));
  rows.emplace_back("cancels", fmt::format("{}/{}", options.cancels.num, options.cancels.den));
  if (options.order_unique) rows.emplace_back("order_unique", "UNIQUE(order_id) on captures");
  rows.emplace_back("backoffice_interval", sim::to_string(options.backoffice_interval));
  if (options.backoffice_workers > 1)
    rows.emplace_back("backoffice_workers", std::to_string(options.backoffice_workers));
  rows.emplace_back("refund_declines",
                    fmt::format("{}/{}", options.refund_declines.num, options.refund_declines.den));
}

/// The outbox relay's rows of describe(): the relay, its ledger and its notifier.
void describe_relay(const PaymentOptions& options, std::vector<std::pair<std::string, std::string>>& rows) {
  if (!options.relay_interval) return;
  rows.emplace_back("relay_interval", sim::to_string(*options.relay_interval));
  rows.emplace_back("relay_marks", options.relay_marks_first ? "before publishing" : "after publishing");
  rows.emplace_back("ledger_dedup", options.ledger_dedup ? "yes" : "no");
  if (options.notifier)
    rows.emplace_back("notifier", options.notifier_dedup ? "once per event (an inbox of event ids)" : "per delivery");
}

}  // namespace

std::vector<std::pair<std::string, std::string>> describe(const PaymentOptions& options) {
  std::vector<std::pair<std::string, std::string>> rows;
  rows.emplace_back("design", to_string(options.design));
  rows.emplace_back("clients", std::to_string(options.clients));
  rows.emplace_back("api_servers", std::to_string(options.api_servers));
  if (options.rate)
    rows.emplace_back("arrivals", fmt::format("{} orders at {} (x{} for {} around noon)", options.orders,
                                              sim::to_string(*options.rate), options.daily_peak,
                                              sim::to_string(options.peak_window)));
  else
    rows.emplace_back("requests",
                      fmt::format("{} per client, every {}", options.requests, sim::to_string(options.interval)));
  rows.emplace_back("start",
                    fmt::format("{} (stagger {})", sim::to_string(options.start), sim::to_string(options.stagger)));
  rows.emplace_back("amount", std::to_string(options.amount));
  rows.emplace_back("double_submit", options.double_submit ? sim::to_string(*options.double_submit) : "no");
  rows.emplace_back("reuse_key", options.reuse_key ? fmt::format("yes, for {}", options.reused_amount) : "no");
  rows.emplace_back("client_timeout", sim::to_string(options.client_timeout));
  rows.emplace_back("retry", fmt::format("after {}, for {}", sim::to_string(options.retry_after),
                                         sim::to_string(options.retry_horizon)));
  rows.emplace_back("network_latency", options.network_latency.describe());
  rows.emplace_back("network_timeout", sim::to_string(options.network_timeout));
  rows.emplace_back("declines", fmt::format("{}/{}", options.declines.num, options.declines.den));
  rows.emplace_back("network_dedup", options.network_dedup ? "yes" : "no");
  if (options.key_reference) rows.emplace_back("network_reference", "the idempotency key");
  if (claims_atomically(options.design) || options.design == Design::redis_setnx)
    rows.emplace_back("lock_lease", sim::to_string(options.lock_lease));
  if (options.design == Design::ledger)
    rows.emplace_back("ledger", fmt::format("two-phase transfers, pending for {}, callers wait {}",
                                            sim::to_string(options.pending_timeout),
                                            sim::to_string(options.ledger_timeout)));
  rows.emplace_back("db_timeout", sim::to_string(options.db_timeout));
  if (options.postgres.standbys > 0) rows.emplace_back("connect_timeout", sim::to_string(options.connect_timeout));
  describe_relay(options, rows);
  describe_backoffice(options, rows);
  describe_jobs(options, rows);
  for (auto& [key, value] : postgres::describe(options.postgres)) rows.emplace_back("postgres." + key, value);
  if (!options.redis_store) return rows;
  rows.emplace_back("idempotency_store", fmt::format("redis, keys kept {} (their TTL), commands wait {}",
                                                     sim::to_string(options.key_retention),
                                                     sim::to_string(options.redis_timeout)));
  for (auto& [key, value] : redis::describe(options.redis)) rows.emplace_back("redis." + key, value);
  return rows;
}

}  // namespace payment
