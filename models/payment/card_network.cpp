// The card network (the acquirer and the schemes behind it, as one node "network"): authorises
// after its latency, declines a share, and, when asked with a reference it has seen and
// `network_dedup` is on, answers with the first authorisation instead of placing a second hold.
// A status query by reference says what it did. It processes a request whether or not its
// reply then reaches the caller: what a drop_response fault exercises.
//
// Captures, voids and refunds name the authorisation. A hold expires `auth_validity` after its
// approval (7 days for card-not-present on Mastercard, Amex, Discover and Visa's customer-
// initiated payments): a capture after that is refused "expired", as is a void; expiry is judged
// when asked (and by the checks at the end), not by a timer per hold. One capture per hold, at
// most its amount ("over_capture" beyond; "already_captured" for a second, unless multicapture: then each
// capture is matched to the hold on its own, their sum unchecked, and deduplicated by the capture's reference
// with network_dedup); a void of a captured
// hold is refused. A refund is a credit to the card that the network does not tie to what was
// captured: it accepts it (declining `refund_declines` of them), and deduplicates it only by the
// refund's own reference when one is sent and `network_dedup` is on. With settlement_interval it
// serves its settlement files (settlement.cpp) and its issuers charge back a share of captures.
// A reversal advice by reference (ISO 8583's 1420, reason 4021: the acquirer had no answer to an
// authorisation) releases the reference's uncaptured hold; one that comes before any
// authorisation of its reference is kept, with network_dedup, as the reference's first answer, a
// decline, so an authorisation still travelling is declined when it arrives. A re-authorisation names
// the expired authorisation it replaces (as Visa's reauthorisation carries the original transaction's
// identifier); the network records it, and authorises it as any other. Its authorisation report lists the
// approved authorisations after one the merchant names, with the reference and order each carried.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "models/payment/context.hpp"
#include "sim/kernel/rpc.hpp"
#include "sim/kernel/spawn.hpp"
#include "sim/kernel/timer.hpp"

namespace payment {

std::string PayRequest::describe() const {
  return fmt::format("pay key={} order={} amount={} attempt={}", key, order, amount, attempt);
}

std::string PayResponse::describe() const {
  if (code != 200) return fmt::format("{} {}", code, error);
  return fmt::format("200 payment={} {} amount={}", payment_id, approved ? "approved" : "declined", amount);
}

std::string NetRequest::describe() const {
  switch (op) {
    case Op::authorize: return fmt::format("authorize reference={} amount={}", reference, amount);
    case Op::status: return fmt::format("status reference={}", reference);
    case Op::capture: return fmt::format("capture auth={} amount={}", auth_id, amount);
    case Op::void_auth: return fmt::format("void auth={}", auth_id);
    case Op::refund: return fmt::format("refund auth={} amount={} reference={}", auth_id, amount, reference);
    case Op::settlement: return fmt::format("settlement file={}", reference);
    case Op::reverse: return fmt::format("reversal advice reference={}", reference);
    case Op::evidence: return fmt::format("dispute evidence auth={}", auth_id);
    case Op::holds: return fmt::format("authorisation report after auth={}", reference);
  }
  return "?";
}

std::string NetResponse::describe() const {
  if (!lines.empty()) return fmt::format("{} settlement lines", lines.size());
  if (report) return fmt::format("{} approved authorisations, through auth={}", holds.size(), auth_id);
  if (!found) return "unknown reference";
  if (!refusal.empty()) return "refused " + refusal;
  if (move) return fmt::format("auth={} done", auth_id);
  return fmt::format("auth={} {}", auth_id, approved ? "approved" : "declined");
}

namespace {

struct NetworkState {
  std::map<std::int64_t, std::size_t> by_reference;  ///< reference -> index in authorizations
  std::map<std::int64_t, std::size_t> refunds;       ///< refund reference -> index in moves
  sim::Rng rng;
  sim::Rng issuers;  ///< which captures their issuers charge back
  sim::Rng reviews;  ///< which contested chargebacks the issuers decide for the merchant
  std::map<std::int64_t, bool> disputes = {};  ///< authorisation -> its dispute decided: won
  std::map<std::int64_t, std::size_t> captures = {};  ///< multicapture: an accepted capture's reference -> its move
};

/// The trace event of a move the network made.
const char* move_event(NetworkMove::Kind kind) {
  switch (kind) {
    case NetworkMove::Kind::capture: return "payment.network_captured";
    case NetworkMove::Kind::void_auth: return "payment.network_voided";
    case NetworkMove::Kind::refund: return "payment.network_refunded";
  }
  return "payment.network_moved";
}

/// Why the network refuses a capture or a void of `auth` now; empty: it does not.
std::string refusal_of(const Context& context, const Authorization& auth, const NetRequest& request) {
  if (!auth.approved) return "declined";
  if (auth.voided) return "already_voided";
  bool another = request.op == NetRequest::Op::capture && context.options.multicapture;
  if (auth.captured != 0 && !another) return "already_captured";
  if (context.world.now() >= auth.at + context.options.auth_validity) return "expired";
  if (request.op == NetRequest::Op::capture && request.amount > auth.amount) return "over_capture";
  return "";
}

/// A capture, void or refund: done on the network's books, or refused.
std::shared_ptr<NetResponse> move(Context& context, NetworkState& state, const NetRequest& request) {
  std::vector<Authorization>& auths = context.observations.authorizations;
  auto response = std::make_shared<NetResponse>();
  response->move = true;
  response->auth_id = request.auth_id;
  bool known = request.auth_id >= 1 && request.auth_id <= static_cast<std::int64_t>(auths.size());
  Authorization* auth = known ? &auths[static_cast<std::size_t>(request.auth_id - 1)] : nullptr;
  NetworkMove::Kind kind = request.op == NetRequest::Op::capture     ? NetworkMove::Kind::capture
                           : request.op == NetRequest::Op::void_auth ? NetworkMove::Kind::void_auth
                                                                     : NetworkMove::Kind::refund;
  bool multicapture = kind == NetworkMove::Kind::capture && context.options.multicapture;
  if ((kind == NetworkMove::Kind::refund || multicapture) && request.reference != 0 && context.options.network_dedup) {
    std::map<std::int64_t, std::size_t>& sent = multicapture ? state.captures : state.refunds;
    auto seen = sent.find(request.reference);
    if (seen != sent.end()) {
      response->refusal = context.observations.moves[seen->second].refusal;
      return response;  // the first refund's answer; nothing moves again
    }
  }
  NetworkMove record{context.world.now(),    kind,           request.auth_id,   auth ? auth->payment_id : 0,
                     auth ? auth->order : 0, request.amount, request.reference, ""};
  if (auth == nullptr)
    record.refusal = "unknown_authorization";
  else if (kind == NetworkMove::Kind::refund)
    record.refusal = state.rng.chance(context.options.refund_declines) ? "declined" : "";
  else
    record.refusal = refusal_of(context, *auth, request);
  if (record.refusal.empty()) {
    if (kind == NetworkMove::Kind::capture) auth->captured += request.amount;
    if (kind == NetworkMove::Kind::capture && context.options.settlement_interval &&
        state.issuers.chance(context.options.chargebacks))
      context.observations.chargebacks.emplace_back(auth->auth_id,
                                                    context.world.now() + *context.options.settlement_interval);
    if (kind == NetworkMove::Kind::void_auth) auth->voided = true;
    if (kind == NetworkMove::Kind::refund) auth->refunded += request.amount;
  }
  if (kind == NetworkMove::Kind::refund && request.reference != 0)
    state.refunds.emplace(request.reference, context.observations.moves.size());
  if (multicapture && request.reference != 0 && record.refusal.empty())
    state.captures.emplace(request.reference, context.observations.moves.size());
  context.observations.moves.push_back(record);
  context.world.trace().record(context.world.now(), context.network,
                               record.refusal.empty() ? move_event(kind) : "payment.network_refused",
                               fmt::format("auth={} payment={} amount={} {}", record.auth_id, record.payment_id,
                                           record.amount, record.refusal.empty() ? "done" : record.refusal));
  response->refusal = record.refusal;
  return response;
}

/// A reversal advice: the reference's uncaptured hold released, or, before any authorisation of it,
/// remembered as its first answer (a decline) when the network deduplicates by reference.
std::shared_ptr<NetResponse> reverse(Context& context, NetworkState& state, const NetRequest& request) {
  std::vector<Authorization>& auths = context.observations.authorizations;
  auto response = std::make_shared<NetResponse>();
  std::string what;
  auto seen = state.by_reference.find(request.reference);
  if (seen != state.by_reference.end()) {
    Authorization& auth = auths[seen->second];
    response->auth_id = auth.auth_id;
    if (auth.approved && !auth.voided && auth.captured == 0) {
      auth.voided = true;
      what = fmt::format("auth={} hold released", auth.auth_id);
    } else {
      response->refusal = auth.captured != 0 ? "already_captured" : "";
      what = fmt::format("auth={} {}", auth.auth_id, auth.captured != 0 ? "captured: refused" : "no hold to release");
    }
  } else if (context.options.network_dedup) {
    Authorization record{context.world.now(), context.next_auth++, request.reference, request.payment_id,
                         request.key,         request.order,       0,                 false};
    record.reversed = true;
    state.by_reference.emplace(request.reference, auths.size());
    auths.push_back(record);
    response->auth_id = record.auth_id;
    what = "before any authorisation: a later one is declined";
  } else {
    what = "unknown reference: nothing to release";
  }
  context.world.trace().record(context.world.now(), context.network, "payment.network_reversed",
                               fmt::format("reference={} payment={} {}", request.reference, request.payment_id, what));
  return response;
}

/// Evidence against a chargeback: the issuer's decision, once an authorisation (a resend is answered alike): won,
/// `dispute_wins` of them, reverses the chargeback, which settles one interval later; lost leaves it. Refused
/// "no_chargeback" for an authorisation never charged back.
std::shared_ptr<NetResponse> contest(Context& context, NetworkState& state, const NetRequest& request) {
  auto response = std::make_shared<NetResponse>();
  response->auth_id = request.auth_id;
  Observations& o = context.observations;
  bool charged_back = std::any_of(o.chargebacks.begin(), o.chargebacks.end(),
                                  [&](const auto& chargeback) { return chargeback.first == request.auth_id; });
  if (!charged_back) {
    response->refusal = "no_chargeback";
    return response;
  }
  auto [decided, first] = state.disputes.try_emplace(request.auth_id, false);
  if (first) {
    decided->second = state.reviews.chance(context.options.dispute_wins);
    if (decided->second)
      o.chargeback_reversals.emplace_back(request.auth_id,
                                          context.world.now() + *context.options.settlement_interval);
    context.world.trace().record(context.world.now(), context.network, "payment.network_dispute_decided",
                                 fmt::format("auth={} payment={} {}", request.auth_id, request.payment_id,
                                             decided->second ? "won: the chargeback reversed" : "lost"));
  }
  response->approved = decided->second;
  return response;
}

std::shared_ptr<NetResponse> answer_of(const Authorization& auth) {
  auto response = std::make_shared<NetResponse>();
  response->approved = auth.approved;
  response->auth_id = auth.auth_id;
  return response;
}

/// Settlement file `request.reference`, once its period has closed.
std::shared_ptr<NetResponse> settlement(const Context& context, const NetRequest& request) {
  auto response = std::make_shared<NetResponse>();
  const std::optional<sim::Duration>& interval = context.options.settlement_interval;
  response->found = interval && request.reference >= 0 &&
                    context.world.now() >= sim::Instant::zero() + *interval * (request.reference + 1);
  if (response->found) response->lines = settlement_file(context, request.reference);
  return response;
}

/// The authorisation report: every approved authorisation after `request.reference`, in order, with what
/// the merchant sent with it, its age and whether its hold is still open; auth_id: the last one made.
std::shared_ptr<NetResponse> holds_report(const Context& context, const NetRequest& request) {
  const std::vector<Authorization>& auths = context.observations.authorizations;
  auto response = std::make_shared<NetResponse>();
  response->report = true;
  response->auth_id = static_cast<std::int64_t>(auths.size());
  for (auto i = static_cast<std::size_t>(std::max<std::int64_t>(request.reference, 0)); i < auths.size(); ++i) {
    const Authorization& auth = auths[i];
    if (!auth.approved || auth.reversed) continue;
    response->holds.push_back(HoldLine{auth.auth_id, auth.reference, auth.order, auth.amount,
                                       context.world.now() - auth.at, !auth.voided && auth.captured == 0});
  }
  return response;
}

std::shared_ptr<NetResponse> decide(Context& context, NetworkState& state, const NetRequest& request) {
  if (request.op == NetRequest::Op::settlement) return settlement(context, request);
  if (request.op == NetRequest::Op::holds) return holds_report(context, request);
  if (request.op == NetRequest::Op::reverse) return reverse(context, state, request);
  if (request.op == NetRequest::Op::evidence) return contest(context, state, request);
  if (request.op != NetRequest::Op::authorize && request.op != NetRequest::Op::status)
    return move(context, state, request);
  std::vector<Authorization>& auths = context.observations.authorizations;
  auto seen = request.reference != 0 ? state.by_reference.find(request.reference) : state.by_reference.end();
  if (request.op == NetRequest::Op::status) {
    if (seen == state.by_reference.end()) {
      auto response = std::make_shared<NetResponse>();
      response->found = false;
      return response;
    }
    return answer_of(auths[seen->second]);
  }
  if (seen != state.by_reference.end() && context.options.network_dedup) return answer_of(auths[seen->second]);
  Authorization auth{
      context.world.now(), context.next_auth++, request.reference, request.payment_id,
      request.key,         request.order,       request.amount,    !state.rng.chance(context.options.declines)};
  auth.replaces = request.auth_id;
  if (request.reference != 0 && seen == state.by_reference.end())
    state.by_reference.emplace(request.reference, auths.size());
  auths.push_back(auth);
  context.world.trace().record(context.world.now(), context.network, "payment.network_authorized",
                               fmt::format("auth={} payment={} key={} amount={} {}{}", auth.auth_id, auth.payment_id,
                                           auth.key, auth.amount, auth.approved ? "approved" : "declined",
                                           auth.replaces != 0 ? fmt::format(" (replaces auth={})", auth.replaces)
                                                              : std::string()));
  return answer_of(auth);
}

sim::Task<void> handle(std::shared_ptr<Context> context, std::shared_ptr<NetworkState> state,
                       std::shared_ptr<const NetRequest> request, sim::Responder responder) {
  co_await sim::sleep(context->options.network_latency.sample(state->rng));
  responder.reply(decide(*context, *state, *request));
}

}  // namespace

std::function<void()> card_network_boot(const std::shared_ptr<Context>& context) {
  // The network's state outlives a restart of its node (it is many machines, not one).
  auto state = std::make_shared<NetworkState>(
      NetworkState{{}, {}, context->world.rng("payment/network"), context->world.rng("payment/issuers"),
                   context->world.rng("payment/disputes")});
  return [context, state] {
    context->world.rpc().serve(
        context->network, [context, state](const sim::RpcRequest& incoming, sim::Responder responder) {
          auto request = std::dynamic_pointer_cast<const NetRequest>(incoming.body);
          if (!request) return;
          sim::spawn(context->world.executor(context->network), handle(context, state, request, std::move(responder)));
        });
  };
}

}  // namespace payment
