// The ledger's two-phase book (design: ledger) and its callers' requests; see two_phase.hpp.
#include "models/payment/two_phase.hpp"

#include <boost/asio/redirect_error.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "sim/kernel/rpc.hpp"
#include "sim/kernel/spawn.hpp"
#include "sim/kernel/timer.hpp"

namespace payment {

namespace {

const char* kind_name(TransferRequest::Kind kind) {
  switch (kind) {
    case TransferRequest::Kind::pending: return "pending";
    case TransferRequest::Kind::post_pending: return "post_pending";
    case TransferRequest::Kind::void_pending: return "void_pending";
    case TransferRequest::Kind::single: return "single";
  }
  return "?";
}

std::shared_ptr<TransferRequest> request(TransferRequest::Kind kind, std::int64_t id, std::int64_t payment_id) {
  auto r = std::make_shared<TransferRequest>();
  r->kind = kind;
  r->id = id;
  r->payment_id = payment_id;
  return r;
}

}  // namespace

sim::Task<void> expire_after(TwoPhaseBook* book, std::size_t index, sim::Duration wait) {
  co_await sim::sleep(wait);
  book->expire(index);
}

std::string TransferRequest::describe() const {
  switch (kind) {
    case Kind::pending:
    case Kind::single:
      return fmt::format("{} id={} {} -> {} amount={}", kind_name(kind), id, debit, credit, amount);
    case Kind::post_pending:
    case Kind::void_pending:
      return fmt::format("{} id={} pending={} amount={}", kind_name(kind), id, pending_id, amount);
  }
  return "?";
}

std::shared_ptr<TransferRequest> pending_of(const Context& context, std::int64_t payment_id, std::int64_t amount) {
  auto r = request(TransferRequest::Kind::pending, payment_id, payment_id);
  r->debit = clearing_account();
  r->credit = sales_account();
  r->amount = amount;
  r->timeout = context.options.pending_timeout;
  return r;
}

std::shared_ptr<TransferRequest> post_of(std::int64_t payment_id, std::int64_t amount) {
  auto r = request(TransferRequest::Kind::post_pending, post_offset + payment_id, payment_id);
  r->pending_id = payment_id;
  r->amount = amount;
  return r;
}

std::shared_ptr<TransferRequest> void_of(std::int64_t payment_id) {
  auto r = request(TransferRequest::Kind::void_pending, void_offset + payment_id, payment_id);
  r->pending_id = payment_id;
  return r;
}

std::shared_ptr<TransferRequest> refund_transfer_of(std::int64_t refund_id, std::int64_t payment_id,
                                                    std::int64_t amount) {
  auto r = request(TransferRequest::Kind::single, refund_offset + refund_id, payment_id);
  r->debit = sales_account();
  r->credit = clearing_account();
  r->amount = amount;
  return r;
}

bool settled_by(const TransferRequest& request, const std::string& result) {
  if (result == "ok" || result == "exists") return true;
  if (request.kind == TransferRequest::Kind::post_pending) return result == "pending_transfer_already_posted";
  if (request.kind == TransferRequest::Kind::void_pending)
    return result == "pending_transfer_already_voided" || result == "pending_transfer_expired" ||
           result == "pending_transfer_not_found";
  return false;
}

sim::Task<std::optional<std::string>> ask_ledger(Context& context, sim::Executor ex,
                                                 std::shared_ptr<TransferRequest> request) {
  sim::error_code ec;
  sim::MessagePtr reply = co_await context.world.rpc().call(ex, context.ledger, std::move(request),
                                                            context.options.ledger_timeout,
                                                            boost::asio::redirect_error(sim::use_awaitable, ec));
  const auto* answer = dynamic_cast<const TransferReply*>(reply.get());
  if (ec || answer == nullptr) co_return std::nullopt;
  co_return answer->result;
}

std::shared_ptr<TransferReply> TwoPhaseBook::serve(const TransferRequest& request) {
  auto reply = std::make_shared<TransferReply>();
  auto found = stored_.find(request.id);
  if (found != stored_.end()) {
    const Stored& s = found->second;
    bool same = s.kind == request.kind && s.pending_id == request.pending_id && s.amount == request.amount &&
                s.debit == request.debit && s.credit == request.credit;
    reply->result = same ? "exists" : "exists_with_different_fields";
  } else if (request.kind == TransferRequest::Kind::pending || request.kind == TransferRequest::Kind::single) {
    reply->result = create(request);
  } else {
    reply->result = resolve(request);
  }
  if (reply->result == "ok")
    stored_.emplace(request.id, Stored{request.kind, request.pending_id, request.amount, request.debit,
                                       request.credit});
  sim::World& world = context_->world;
  world.trace().record(world.now(), context_->ledger, "payment.ledger_transfer",
                       fmt::format("{} payment={}: {}", request.describe(), request.payment_id, reply->result));
  return reply;
}

void TwoPhaseBook::boot() {
  for (const auto& [id, index] : pending_at_)
    if (context_->observations.pending_transfers[index].open()) arm(index);
}

// A pending transfer reserves its amount; a single-phase one posts at once.
std::string TwoPhaseBook::create(const TransferRequest& request) {
  if (request.amount <= 0 || request.debit == request.credit) return "invalid_transfer";
  if (request.kind == TransferRequest::Kind::single) {
    post(request.debit, request.credit, request.id, request.payment_id, request.amount);
    return "ok";
  }
  Observations& o = context_->observations;
  sim::Instant now = context_->world.now();
  o.pending_transfers.push_back(PendingTransfer{now, now + request.timeout, request.id, request.payment_id,
                                                request.amount, request.debit, request.credit, {}});
  o.accounts[request.debit].debits_pending += request.amount;
  o.accounts[request.credit].credits_pending += request.amount;
  std::size_t index = o.pending_transfers.size() - 1;
  pending_at_.emplace(request.id, index);
  arm(index);
  return "ok";
}

// A post or a void of a pending transfer: once, and only while it is open and not past its timeout.
std::string TwoPhaseBook::resolve(const TransferRequest& request) {
  auto at = pending_at_.find(request.pending_id);
  if (at == pending_at_.end()) return "pending_transfer_not_found";
  expire(at->second);  // past its timeout: expired now, before anything resolves it
  PendingTransfer& pending = context_->observations.pending_transfers[at->second];
  if (!pending.open()) {
    const std::string& how = pending.resolutions.front().how;
    return how == "expired" ? "pending_transfer_expired" : "pending_transfer_already_" + how;
  }
  if (request.kind == TransferRequest::Kind::void_pending) {
    release(pending, "voided", request.id, 0);
    return "ok";
  }
  if (request.amount > pending.amount) return "exceeds_pending_transfer_amount";
  std::int64_t amount = request.amount == 0 ? pending.amount : request.amount;
  release(pending, "posted", request.id, amount);
  post(pending.debit, pending.credit, request.id, pending.payment_id, amount);
  return "ok";
}

void TwoPhaseBook::post(const std::string& debit, const std::string& credit, std::int64_t id,
                        std::int64_t payment_id, std::int64_t amount) {
  Observations& o = context_->observations;
  o.accounts[debit].debits_posted += amount;
  o.accounts[credit].credits_posted += amount;
  o.transfers.push_back(LedgerTransfer{context_->world.now(), id, payment_id, {{debit, amount}, {credit, -amount}}});
}

// The pending amount leaves the pending balances: posted (`posted` of it), voided or expired.
void TwoPhaseBook::release(PendingTransfer& pending, const char* how, std::int64_t transfer_id, std::int64_t posted) {
  Observations& o = context_->observations;
  o.accounts[pending.debit].debits_pending -= pending.amount;
  o.accounts[pending.credit].credits_pending -= pending.amount;
  pending.resolutions.push_back(
      Resolution{context_->world.now(), how, transfer_id, std::string(how) == "posted" ? posted : pending.amount});
}

void TwoPhaseBook::expire(std::size_t index) {
  PendingTransfer& pending = context_->observations.pending_transfers[index];
  sim::World& world = context_->world;
  if (!pending.open() || world.now() < pending.expires) return;
  release(pending, "expired", 0, 0);
  world.trace().record(world.now(), context_->ledger, "payment.ledger_expired",
                       fmt::format("pending={} payment={} amount={} released", pending.id, pending.payment_id,
                                   pending.amount));
}

// The expiry's timer on the ledger's executor: lost with a crash, armed again by boot().
void TwoPhaseBook::arm(std::size_t index) {
  const PendingTransfer& pending = context_->observations.pending_transfers[index];
  sim::Duration wait = std::max(sim::Duration::zero(), pending.expires - context_->world.now());
  sim::spawn(context_->world.executor(context_->ledger), expire_after(this, index, wait));
}

}  // namespace payment
