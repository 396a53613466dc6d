// The API servers: each request runs the processor of the chosen design on its own PostgreSQL
// connection. `seed` and `unique_index` follow the problem's process_payment step by step (get
// the key from the cache table, insert PENDING with an outbox row, call the network with no
// reference, update with no status guard, set the cache); `serializable` checks and inserts on
// payments in one SERIALIZABLE transaction; `atomic_claim` claims the key with INSERT ... ON
// CONFLICT DO NOTHING RETURNING, sends the payment id (network_reference: key, the idempotency key)
// as the network's reference, resumes an abandoned claim with a status query (and, with no answer,
// authorises nothing), and stores the result with the payment's update;
// `redis_setnx` claims the key in Redis with SET NX PX and sets the result there after the commit
// (the seed's cache may be Redis too: GET before, SET with a TTL after); `ledger` is atomic_claim with
// the hold reserved in the two-phase ledger (a pending transfer whose id is the payment id) before the
// network is asked, and released (voided) before a decline is stored.
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "models/payment/context.hpp"
#include "models/payment/database.hpp"
#include "models/payment/two_phase.hpp"
#include "models/payment/values.hpp"
#include "models/postgres/server/client.hpp"
#include "models/redis/server/client.hpp"
#include "sim/kernel/rpc.hpp"
#include "sim/kernel/spawn.hpp"

namespace payment {
namespace {

using postgres::Reply;
using postgres::Statement;
using Response = std::shared_ptr<PayResponse>;
namespace where = postgres::where;

Response failure(int code, std::string error) {
  auto response = std::make_shared<PayResponse>();
  response->code = code;
  response->error = std::move(error);
  return response;
}

Response success(std::int64_t payment_id, bool approved, std::int64_t amount) {
  auto response = std::make_shared<PayResponse>();
  response->code = 200;
  response->payment_id = payment_id;
  response->approved = approved;
  response->amount = amount;
  return response;
}

bool boolean(const postgres::Value& value) {
  const auto* b = std::get_if<bool>(&value);
  return b && *b;
}

/// An idempotency record in Redis, one string: "<status> <amount> <payment id> <approved 0|1>",
/// status `started` (claimed, redis_setnx) or `completed` (the problem's {status, result}).
struct CachedRecord {
  std::string status;
  std::int64_t amount = 0;
  std::int64_t payment_id = 0;
  bool approved = false;
};

std::string encode(const CachedRecord& record) {
  return fmt::format("{} {} {} {}", record.status, record.amount, record.payment_id, record.approved ? 1 : 0);
}

std::optional<CachedRecord> decode(const std::string& text) {
  CachedRecord record;
  std::istringstream in(text);
  int approved = 0;
  if (!(in >> record.status >> record.amount >> record.payment_id >> approved)) return std::nullopt;
  record.approved = approved != 0;
  return record;
}

std::string redis_key(std::int64_t key) { return fmt::format("idem:{}", key); }

std::string milliseconds(sim::Duration d) { return std::to_string(std::max<std::int64_t>(1, d.ns() / 1'000'000)); }

/// One request on one API server, from its connection to its answer.
class Processor {
public:
  Processor(std::shared_ptr<Context> context, int api, const PayRequest& request, sim::Executor ex)
      : context_(std::move(context)),
        api_(api),
        request_(request),
        ex_(ex),
        db_(ex, context_->pg.servers(), connection_options(*context_)) {}

  sim::Task<Response> run() {
    Reply hello = co_await db_.connect();
    if (!hello.ok()) co_return failure(500, "database " + hello.sqlstate());
    Response response;
    switch (context_->options.design) {
      case Design::seed:
      case Design::unique_index: response = co_await seed(); break;
      case Design::serializable: response = co_await serializable(); break;
      case Design::atomic_claim:
      case Design::ledger: response = co_await atomic_claim(); break;
      case Design::redis_setnx: response = co_await redis_setnx(); break;
    }
    db_.close();
    co_return response;
  }

private:
  /// Runs the statements in order; on the first error, rolls back (when the connection still
  /// stands) and keeps the error's SQLSTATE. Returns whether all succeeded.
  sim::Task<bool> all(std::vector<Statement> statements) {
    bool ok = co_await run_all(db_, std::move(statements), replies_);
    if (!ok) failed_ = replies_.back().sqlstate();
    co_return ok;
  }

  // Rollback and commit built outside any co_await expression: g++ 12 destroys a braced
  // temporary inside one twice.
  sim::Task<Reply> rollback() { return db_.execute(Statement(postgres::Rollback{})); }
  sim::Task<Reply> commit() { return db_.execute(Statement(postgres::Commit{})); }

  std::int64_t now_ms() const {
    sim::World& world = context_->world;
    return world.node(context_->api[static_cast<std::size_t>(api_)]).clock().wall(world.now()).unix_ms();
  }

  Statement insert_payment(std::int64_t id) const {
    return postgres::Insert{"payments",
                            {{id, request_.key, request_.order, request_.amount, std::string("PENDING"),
                              std::int64_t{0}, now_ms(), std::int64_t{0}, std::int64_t{0}, std::int64_t{0},
                              std::int64_t{0}}},
                            std::nullopt,
                            false};
  }

  Statement outbox(std::int64_t payment_id, const char* event) {
    return outbox_row(*context_, payment_id, event, request_.amount);
  }

  /// The payment's update after the network answered: no status guard in the seed's code;
  /// serializable's moves a PENDING payment only (RETURNING tells whether it did).
  Statement update_payment(std::int64_t id, const NetResponse& net, bool guarded) const {
    postgres::Predicate predicate = where::eq("id", id);
    if (guarded) predicate = where::all_of({predicate, where::eq("status", std::string("PENDING"))});
    return postgres::Update{"payments",
                            {postgres::set_value("status", std::string(net.approved ? "AUTHORIZED" : "FAILED")),
                             postgres::set_value("network_ref", net.auth_id)},
                            predicate,
                            guarded};
  }

  /// atomic_claim's compare-and-set: the network's outcome, only over the (status, version) read.
  Statement cas_payment(std::int64_t id, const NetResponse& net, const std::string& status,
                        std::int64_t version) const {
    return postgres::Update{
        "payments",
        {postgres::set_value("status", std::string(net.approved ? "AUTHORIZED" : "FAILED")),
         postgres::set_value("network_ref", net.auth_id), postgres::set_value("version", version + 1)},
        where::all_of({where::eq("id", id), where::eq("status", status), where::eq("version", version)}),
        true};
  }

  Statement cache_set(std::int64_t id, bool approved) const {
    postgres::OnConflict upsert{
        {"key"},
        true,
        {postgres::set_excluded("payment_id"), postgres::set_excluded("approved"), postgres::set_excluded("amount")},
        where::always()};
    return postgres::Insert{"idem_cache", {{request_.key, id, approved, request_.amount, now_ms()}}, upsert, false};
  }

  /// INSERT INTO idempotency_keys ... ON CONFLICT (key) DO NOTHING RETURNING *: the one-statement claim.
  Statement claim_key(std::int64_t id) const {
    postgres::OnConflict nothing{{"key"}, false, {}, where::always()};
    return postgres::Insert{"idempotency_keys",
                            {{request_.key, request_.amount, id, std::string("started"), now_ms(), false, now_ms()}},
                            nothing,
                            true};
  }

  Statement take_lock(std::int64_t locked_at, std::int64_t now) const {
    return postgres::Update{"idempotency_keys",
                            {postgres::set_value("locked_at", now)},
                            where::all_of({where::eq("key", request_.key), where::eq("locked_at", locked_at)}),
                            true};
  }

  Statement release_lock() const {
    return postgres::Update{
        "idempotency_keys", {postgres::set_value("locked_at", std::int64_t{0})}, where::eq("key", request_.key), false};
  }

  Statement finish_key(bool approved) const {
    return postgres::Update{
        "idempotency_keys",
        {postgres::set_value("recovery_point", std::string("finished")), postgres::set_value("approved", approved),
         postgres::set_value("locked_at", std::int64_t{0})},
        where::eq("key", request_.key),
        false};
  }

  sim::NodeId node() const { return context_->api[static_cast<std::size_t>(api_)]; }

  /// The step-4 transaction committed: the payment's outcome is in the database (`moved`: its
  /// status changed; a guarded update may have found it moved by another).
  void updated(std::int64_t id, const NetResponse& net, bool moved = true) {
    const char* status = net.approved ? "AUTHORIZED" : "FAILED";
    context_->world.trace().record(context_->world.now(), node(), "payment.updated",
                                   fmt::format("payment={} {}{}", id, status, moved ? "" : " (not moved)"));
    note_transition(*context_, node(), id, moved ? status : "", net.approved ? "payment.authorized" : "payment.failed");
  }

  void created(std::int64_t id) {
    context_->observations.created.emplace_back(context_->world.now(), id);
    context_->world.trace().record(context_->world.now(), node(), "payment.created",
                                   fmt::format("payment={} key={}", id, request_.key));
    note_transition(*context_, node(), id, "PENDING", "payment.created");
  }

  sim::Task<std::optional<NetResponse>> network(NetRequest::Op op, std::int64_t reference, std::int64_t id) {
    auto call = std::make_shared<NetRequest>();
    call->op = op;
    call->reference = reference;
    call->amount = request_.amount;
    call->payment_id = id;
    call->key = request_.key;
    call->order = request_.order;
    std::optional<NetResponse> answer =
        co_await ask_network(*context_, ex_, std::move(call), context_->options.network_timeout);
    co_return answer;
  }

  /// One command to the Redis holding the keys, through the master this server last learned of:
  /// none on a timeout or a lost connection, after which the server asks Sentinel again.
  sim::Task<std::optional<redis::Reply>> ask_redis(std::vector<std::string> argv) {
    std::string key = argv.at(1);
    sim::Duration timeout = context_->options.redis_timeout;
    sim::NodeId master = context_->redis->route(key, node());
    sim::error_code ec;
    redis::Reply reply = co_await redis::call(ex_, master, std::move(argv), timeout,
                                              boost::asio::redirect_error(sim::use_awaitable, ec),
                                              static_cast<std::uint64_t>(node()) + 1);
    if (redis::needs_rediscovery(ec ? nullptr : &reply)) context_->redis->rediscover(node(), key, timeout);
    if (ec || reply.is_error()) co_return std::nullopt;
    co_return reply;
  }

  // The Redis commands, built outside the coroutines (GCC 12 rejects braced lists in them).
  std::vector<std::string> get_key() const { return {"GET", redis_key(request_.key)}; }
  std::vector<std::string> del_key() const { return {"DEL", redis_key(request_.key)}; }
  /// SET NX PX: the claim, with the request's amount, for lock_lease.
  std::vector<std::string> claim_in_redis() const {
    return {"SET", redis_key(request_.key), encode(CachedRecord{"started", request_.amount, 0, false}), "NX", "PX",
            milliseconds(context_->options.lock_lease)};
  }
  /// Step 5 in Redis: the result with the keys' TTL.
  std::vector<std::string> set_result(std::int64_t id, bool approved) const {
    return {"SET", redis_key(request_.key), encode(CachedRecord{"completed", request_.amount, id, approved}), "PX",
            milliseconds(context_->options.key_retention)};
  }

  sim::Task<bool> cache_result(std::int64_t id, bool approved) {
    std::optional<redis::Reply> set = co_await ask_redis(set_result(id, approved));
    co_return set.has_value();
  }

  bool two_phase() const { return context_->options.design == Design::ledger; }

  /// design ledger: one transfer to the ledger; whether it is done (created now or before).
  sim::Task<bool> book(std::shared_ptr<TransferRequest> request) {
    std::optional<std::string> result = co_await ask_ledger(*context_, ex_, request);
    co_return result && settled_by(*request, *result);
  }

  /// Brandur's shape: the key's lock released so that the client's retry resumes at once; a 500.
  sim::Task<Response> unlocked(std::string why) {
    co_await db_.execute(release_lock());
    co_return failure(500, std::move(why));
  }

  sim::Task<Response> seed();
  sim::Task<Response> seed_lookup(bool& found);
  sim::Task<Response> redis_setnx();
  sim::Task<Response> claim_refused();
  sim::Task<Response> serializable();
  sim::Task<Response> atomic_claim();
  sim::Task<Response> claim_taken(std::int64_t& payment_id);
  sim::Task<Response> authorize_and_finish(std::int64_t payment_id, bool resumed);
  sim::Task<Response> store_outcome(std::int64_t payment_id, const NetResponse& net);
  sim::Task<Response> store_read(std::int64_t payment_id, const NetResponse& net, bool& retry);

  std::shared_ptr<Context> context_;
  int api_;
  PayRequest request_;
  sim::Executor ex_;
  postgres::Connection db_;
  std::string failed_;
  std::vector<Reply> replies_;  ///< the last all()'s replies, in order
};

// Step 1: the idempotency store, a table or Redis; a completed record is the answer.
sim::Task<Response> Processor::seed_lookup(bool& found) {
  found = true;
  if (context_->options.redis_store) {
    std::optional<redis::Reply> got = co_await ask_redis(get_key());
    if (!got) co_return failure(500, "cache unavailable");
    std::optional<CachedRecord> record = decode(got->text);
    if (got->type == redis::Reply::Type::bulk && record && record->status == "completed")
      co_return success(record->payment_id, record->approved, record->amount);
    found = false;
    co_return nullptr;
  }
  Reply cached = co_await db_.execute(select("idem_cache", where::eq("key", request_.key)));
  if (!cached.ok()) co_return failure(500, "database " + cached.sqlstate());
  if (!cached.rows().empty()) {
    const postgres::Row& row = cached.rows().front();
    co_return success(integer(row[1]), boolean(row[2]), integer(row[3]));
  }
  found = false;
  co_return nullptr;
}

sim::Task<Response> Processor::seed() {
  bool found = false;
  Response cached = co_await seed_lookup(found);
  if (found) co_return cached;
  // Step 2: the payment and its outbox row.
  std::int64_t id = context_->next_payment++;
  std::vector<Statement> create =
      steps(postgres::Begin{}, insert_payment(id), outbox(id, "payment.created"), postgres::Commit{});
  if (!co_await all(std::move(create))) co_return failure(500, failed_);
  created(id);
  // Step 3: the network, with no reference. On an exception nothing is stored (PENDING stays).
  std::optional<NetResponse> net = co_await network(NetRequest::Op::authorize, 0, id);
  if (!net) co_return failure(500, "network timeout");
  // Step 4: the status, no guard.
  std::vector<Statement> update =
      steps(postgres::Begin{}, update_payment(id, *net, false),
            outbox(id, net->approved ? "payment.authorized" : "payment.failed"), postgres::Commit{});
  if (!co_await all(std::move(update))) co_return failure(500, failed_);
  updated(id, *net);
  // Step 5: the result into the cache, after the commit.
  if (context_->options.redis_store) {
    if (!co_await cache_result(id, net->approved)) co_return failure(500, "cache timeout");
    co_return success(id, net->approved, request_.amount);
  }
  Reply set = co_await db_.execute(cache_set(id, net->approved));
  if (!set.ok()) co_return failure(500, "cache " + set.sqlstate());
  co_return success(id, net->approved, request_.amount);
}

// The key claimed in Redis with SET NX PX (the claim expires after lock_lease), the request's
// amount kept in the claim; then the seed's steps 2 to 4, the claim released (DEL) when they fail
// so that a retry may go again, and the result set over the claim with the keys' TTL.
sim::Task<Response> Processor::redis_setnx() {
  std::optional<redis::Reply> won = co_await ask_redis(claim_in_redis());
  if (!won) co_return failure(500, "cache unavailable");
  if (won->type != redis::Reply::Type::status) co_return co_await claim_refused();
  std::int64_t id = context_->next_payment++;
  std::vector<Statement> create =
      steps(postgres::Begin{}, insert_payment(id), outbox(id, "payment.created"), postgres::Commit{});
  if (!co_await all(std::move(create))) {
    co_await ask_redis(del_key());
    co_return failure(500, failed_);
  }
  created(id);
  std::optional<NetResponse> net = co_await network(NetRequest::Op::authorize, 0, id);
  if (!net) {
    co_await ask_redis(del_key());
    co_return failure(500, "network timeout");
  }
  std::vector<Statement> update =
      steps(postgres::Begin{}, update_payment(id, *net, false),
            outbox(id, net->approved ? "payment.authorized" : "payment.failed"), postgres::Commit{});
  if (!co_await all(std::move(update))) co_return failure(500, failed_);
  updated(id, *net);
  if (!co_await cache_result(id, net->approved)) co_return failure(500, "cache timeout");
  co_return success(id, net->approved, request_.amount);
}

// SET NX found the key: its record decides (another amount: 400; still claimed: 409; completed:
// the stored answer). Gone since (its claim expired or was released): 409, and the retry claims it.
sim::Task<Response> Processor::claim_refused() {
  std::optional<redis::Reply> got = co_await ask_redis(get_key());
  if (!got) co_return failure(500, "cache unavailable");
  std::optional<CachedRecord> record = decode(got->text);
  if (got->type != redis::Reply::Type::bulk || !record) co_return failure(409, "idempotency_key_in_use");
  if (record->amount != request_.amount) co_return failure(400, "idempotency_error");
  if (record->status != "completed") co_return failure(409, "idempotency_key_in_use");
  co_return success(record->payment_id, record->approved, record->amount);
}

sim::Task<Response> Processor::serializable() {
  std::vector<Statement> begin = steps(postgres::Begin{postgres::Isolation::serializable});
  if (!co_await all(std::move(begin))) co_return failure(500, failed_);
  Reply found = co_await db_.execute(select("payments", where::eq("idem_key", request_.key)));
  if (!found.ok()) {
    if (!found.broken && db_.is_open()) co_await rollback();
    co_return failure(found.sqlstate() == "40001" ? 409 : 500, found.sqlstate());
  }
  if (!found.rows().empty()) {
    co_await commit();
    const postgres::Row& row = found.rows().front();
    std::string status = text(row[4]);
    if (status == "PENDING") co_return failure(409, "idempotency_key_in_use");
    co_return success(integer(row[0]), status == "AUTHORIZED", integer(row[3]));
  }
  std::int64_t id = context_->next_payment++;
  std::vector<Statement> create = steps(insert_payment(id), outbox(id, "payment.created"), postgres::Commit{});
  if (!co_await all(std::move(create))) co_return failure(failed_ == "40001" ? 409 : 500, failed_);
  created(id);
  std::optional<NetResponse> net = co_await network(NetRequest::Op::authorize, 0, id);
  if (!net) co_return failure(500, "network timeout");
  std::vector<Statement> update =
      steps(postgres::Begin{}, update_payment(id, *net, true),
            outbox(id, net->approved ? "payment.authorized" : "payment.failed"), postgres::Commit{});
  if (!co_await all(std::move(update))) co_return failure(500, failed_);
  updated(id, *net, !replies_[1].rows().empty());
  co_return success(id, net->approved, request_.amount);
}

sim::Task<Response> Processor::atomic_claim() {
  std::int64_t id = context_->next_payment++;
  std::vector<Statement> begin = steps(postgres::Begin{});
  if (!co_await all(std::move(begin))) co_return failure(500, failed_);
  Reply claim = co_await db_.execute(claim_key(id));
  if (!claim.ok()) {
    if (!claim.broken && db_.is_open()) co_await rollback();
    co_return failure(500, claim.sqlstate());
  }
  if (claim.rows().empty()) {
    co_await rollback();
    Response refused = co_await claim_taken(id);
    if (refused) co_return refused;
    co_return co_await authorize_and_finish(id, true);
  }
  std::vector<Statement> create = steps(insert_payment(id), outbox(id, "payment.created"), postgres::Commit{});
  if (!co_await all(std::move(create))) co_return failure(500, failed_);
  created(id);
  co_return co_await authorize_and_finish(id, false);
}

// The key was claimed before: its stored answer, a refusal, or (an abandoned claim) the payment
// to resume, in payment_id with a null response.
sim::Task<Response> Processor::claim_taken(std::int64_t& payment_id) {
  Reply found = co_await db_.execute(select("idempotency_keys", where::eq("key", request_.key)));
  if (!found.ok() || found.rows().empty()) co_return failure(500, "database " + found.sqlstate());
  const postgres::Row& row = found.rows().front();
  if (integer(row[1]) != request_.amount) co_return failure(400, "idempotency_error");
  if (text(row[3]) == "finished") co_return success(integer(row[2]), boolean(row[5]), integer(row[1]));
  std::int64_t locked_at = integer(row[4]);
  std::int64_t now = now_ms();
  if (locked_at != 0 && now - locked_at < context_->options.lock_lease.ns() / 1'000'000)
    co_return failure(409, "idempotency_key_in_use");
  Reply lock = co_await db_.execute(take_lock(locked_at, now));
  if (!lock.ok()) co_return failure(500, "database " + lock.sqlstate());
  if (lock.rows().empty()) co_return failure(409, "idempotency_key_in_use");
  payment_id = integer(row[2]);
  co_return nullptr;
}

sim::Task<Response> Processor::authorize_and_finish(std::int64_t id, bool resumed) {
  // The ledger design reserves the hold in its books first; a resumed claim sends the same pending
  // transfer, answered `exists`.
  if (two_phase() && !co_await book(pending_of(*context_, id, request_.amount)))
    co_return co_await unlocked("ledger timeout");
  // A resumed claim asks first what the network did with this payment's reference; with no answer
  // it authorises nothing (the first authorisation may stand), and the next retry asks again.
  std::optional<NetResponse> net;
  std::int64_t reference = context_->options.reference_of(id, request_.key);
  if (resumed) {
    net = co_await network(NetRequest::Op::status, reference, id);
    if (!net) co_return co_await unlocked("network timeout");
  }
  if (!net || !net->found) net = co_await network(NetRequest::Op::authorize, reference, id);
  if (!net) co_return co_await unlocked("network timeout");
  // A decline releases the reservation before the payment is failed: a FAILED payment reserves nothing.
  if (two_phase() && !net->approved && !co_await book(void_of(id))) co_return co_await unlocked("ledger timeout");
  co_return co_await store_outcome(id, *net);
}

// The network's outcome into the payment by compare-and-set on the (status, version) read in the
// same transaction, with the key's result and the event; a payment the reconciliation job moved
// meanwhile is answered as it now stands. A CAS lost to a concurrent move is tried again.
sim::Task<Response> Processor::store_outcome(std::int64_t id, const NetResponse& net) {
  for (int tries = 0; tries < 3; ++tries) {
    bool retry = false;
    Response response = co_await store_read(id, net, retry);
    if (!retry) co_return response;
  }
  co_return failure(500, "payment moved concurrently");
}

sim::Task<Response> Processor::store_read(std::int64_t id, const NetResponse& net, bool& retry) {
  std::vector<Statement> begin = steps(postgres::Begin{});
  if (!co_await all(std::move(begin))) co_return failure(500, failed_);
  Reply found = co_await db_.execute(select("payments", where::eq("id", id)));
  if (!found.ok() || found.rows().empty()) {
    if (!found.broken && db_.is_open()) co_await rollback();
    co_return failure(500, "database " + found.sqlstate());
  }
  std::string status = text(found.rows().front()[4]);
  std::int64_t version = integer(found.rows().front()[7]);
  if (status != "PENDING" && status != "UNKNOWN") {
    // Resolved by the reconciliation job, which finished the key too: its answer stands (a reservation
    // made after the job voided, by a resumed retry, is released; a lost answer leaves it to expire).
    co_await commit();
    if (two_phase() && status == "FAILED") co_await book(void_of(id));
    context_->world.trace().record(context_->world.now(), node(), "payment.already_resolved",
                                   fmt::format("payment={} {}", id, status));
    co_return success(id, status != "FAILED", request_.amount);
  }
  Reply moved = co_await db_.execute(cas_payment(id, net, status, version));
  if (!moved.ok() || moved.rows().empty()) {
    if (!moved.broken && db_.is_open()) co_await rollback();
    retry = moved.ok();
    co_return failure(500, "database " + moved.sqlstate());
  }
  std::vector<Statement> store = steps(
      finish_key(net.approved), outbox(id, net.approved ? "payment.authorized" : "payment.failed"), postgres::Commit{});
  if (!co_await all(std::move(store))) co_return failure(500, failed_);
  updated(id, net);
  co_return success(id, net.approved, request_.amount);
}

sim::Task<void> handle(std::shared_ptr<Context> context, int api, std::shared_ptr<const PayRequest> request,
                       sim::Responder responder) {
  sim::Executor ex = co_await boost::asio::this_coro::executor;
  Processor processor(context, api, *request, ex);
  Response response = co_await processor.run();
  responder.reply(std::move(response));
}

}  // namespace

void boot_api(const std::shared_ptr<Context>& context, int index) {
  sim::NodeId node = context->api[static_cast<std::size_t>(index)];
  context->world.rpc().serve(node, [context, index, node](const sim::RpcRequest& incoming, sim::Responder responder) {
    auto request = std::dynamic_pointer_cast<const PayRequest>(incoming.body);
    if (!request) return;
    sim::spawn(context->world.executor(node), handle(context, index, request, std::move(responder)));
  });
}

}  // namespace payment
