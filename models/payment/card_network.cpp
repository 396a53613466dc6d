// The card network (the acquirer and the schemes behind it, as one node "network"): authorises
// after its latency, declines a share, and, when asked with a reference it has seen and
// `network_dedup` is on, answers with the first authorisation instead of placing a second hold.
// A status query by reference says what it did. It processes a request whether or not its
// reply then reaches the caller: what a drop_response fault exercises.
#include <fmt/format.h>

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
  return fmt::format("{} reference={} amount={}", op == Op::authorize ? "authorize" : "status", reference, amount);
}

std::string NetResponse::describe() const {
  if (!found) return "unknown reference";
  return fmt::format("auth={} {}", auth_id, approved ? "approved" : "declined");
}

namespace {

struct NetworkState {
  std::map<std::int64_t, std::size_t> by_reference;  ///< reference -> index in authorizations
  sim::Rng rng;
};

std::shared_ptr<NetResponse> answer_of(const Authorization& auth) {
  auto response = std::make_shared<NetResponse>();
  response->approved = auth.approved;
  response->auth_id = auth.auth_id;
  return response;
}

std::shared_ptr<NetResponse> decide(Context& context, NetworkState& state, const NetRequest& request) {
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
  if (request.reference != 0 && seen == state.by_reference.end())
    state.by_reference.emplace(request.reference, auths.size());
  auths.push_back(auth);
  context.world.trace().record(context.world.now(), context.network, "payment.network_authorized",
                               fmt::format("auth={} payment={} key={} amount={} {}", auth.auth_id, auth.payment_id,
                                           auth.key, auth.amount, auth.approved ? "approved" : "declined"));
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
  auto state = std::make_shared<NetworkState>(NetworkState{{}, context->world.rng("payment/network")});
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
