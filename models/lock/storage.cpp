#include "models/lock/storage.hpp"

#include <fmt/format.h>

#include "models/lock/context.hpp"
#include "sim/kernel/rpc.hpp"

namespace lock {
namespace {

const char* op_name(StorageRequest::Op op) {
  switch (op) {
    case StorageRequest::Op::claim: return "claim";
    case StorageRequest::Op::read: return "read";
    case StorageRequest::Op::write: return "write";
  }
  return "?";
}

}  // namespace

std::pair<bool, std::string> decide(StorageKind kind, StorageState& state, const StorageRequest& write) {
  switch (kind) {
    case StorageKind::plain: return {true, "plain storage accepts every write"};
    case StorageKind::fenced:
      if (write.token < state.highest_token)
        return {false, fmt::format("token {} is lower than {}, the highest seen", write.token, state.highest_token)};
      if (write.token == state.highest_token)
        return {true, fmt::format("token {} equals the highest seen, and a >= check accepts it", write.token)};
      state.highest_token = write.token;
      return {true, fmt::format("token {} is the highest seen", write.token)};
    case StorageKind::cas:
      if (write.value != state.owner) return {false, "another holder has claimed the resource since"};
      return {true, "the writer is the last to have claimed the resource"};
    case StorageKind::txn: break;  // decided by the lock service's store, never here
  }
  return {false, "?"};
}

namespace {

void serve(Context& context, StorageState& state, const sim::RpcRequest& incoming, sim::Responder responder) {
  const auto* request = dynamic_cast<const StorageRequest*>(incoming.body.get());
  if (request == nullptr) return;
  auto response = std::make_shared<StorageResponse>();
  response->version = state.version;
  switch (request->op) {
    case StorageRequest::Op::claim:
      state.owner = request->value;
      response->reason = "claimed";
      break;
    case StorageRequest::Op::read: response->reason = "read"; break;
    case StorageRequest::Op::write: {
      auto [accepted, reason] = decide(context.options.storage, state, *request);
      if (accepted) ++state.version;
      response->accepted = accepted;
      response->version = state.version;
      response->reason = reason;
      context.recorder->storage_decided(
          WriteRecord{sim::Instant::zero(), request->client, request->epoch, request->token, accepted, reason});
      context.world.trace().record(context.world.now(), context.storage,
                                   accepted ? "storage.accepted" : "storage.refused",
                                   fmt::format("{} epoch {} token {}: {}", context.options.client_name(request->client),
                                               request->epoch, request->token, reason));
      break;
    }
  }
  responder.reply(std::move(response));
}

}  // namespace

std::string StorageRequest::describe() const {
  return fmt::format("{} by client-{} token {}", op_name(op), client + 1, token);
}

std::string StorageResponse::describe() const { return accepted ? "accepted" : "refused: " + reason; }

void boot_storage(const std::shared_ptr<Context>& context, const std::shared_ptr<StorageState>& state) {
  Context* raw = context.get();
  StorageState* durable = state.get();
  context->world.rpc().serve(context->storage,
                             [raw, durable](const sim::RpcRequest& request, sim::Responder responder) {
                               serve(*raw, *durable, request, std::move(responder));
                             });
}

}  // namespace lock
