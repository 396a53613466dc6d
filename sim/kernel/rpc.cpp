#include "sim/kernel/rpc.hpp"

#include "sim/kernel/assert.hpp"

namespace sim {
namespace {

/// RPC's header around a message. It describes itself as the message does, so that the trace
/// of a dropped packet reads the same whatever layer sent it.
class Frame final : public MessageBody {
public:
  Frame(std::uint64_t call_id, bool reply, MessagePtr message)
      : call_id_(call_id), reply_(reply), message_(std::move(message)) {}
  std::string describe() const override { return message_ ? message_->describe() : std::string("-"); }
  std::uint64_t call_id() const { return call_id_; }
  bool is_reply() const { return reply_; }
  const MessagePtr& message() const { return message_; }

private:
  std::uint64_t call_id_;
  bool reply_;
  MessagePtr message_;
};

MessagePtr framed(std::uint64_t call_id, bool reply, MessagePtr message) {
  return std::make_shared<const Frame>(call_id, reply, std::move(message));
}

}  // namespace

void Responder::reply(MessagePtr body) {
  SIM_ASSERT(!replied_, "a request was answered twice");
  replied_ = true;
  network_->send(request_.to, request_.from, framed(request_.call_id, true, std::move(body)));
}

Rpc::Rpc(World& world, Network& network) : world_(world), network_(network) {
  handlers_.resize(world.node_count());
  calls_.resize(world.node_count());
  for (NodeId n = 0; n < world.node_count(); ++n)
    network_.set_receiver(n, [this](const Packet& packet) { receive(packet); });
  world_.on_crash([this](NodeId node) {
    drop_calls_of(node);
    handlers_[node] = nullptr;
  });
}

Rpc::~Rpc() {
  for (NodeId n = 0; n < calls_.size(); ++n) drop_calls_of(n);
}

void Rpc::serve(NodeId node, Handler handler) { handlers_[node] = std::move(handler); }

void Rpc::start(Executor ex, NodeId to, MessagePtr body, Duration timeout, std::unique_ptr<PendingBase> pending) {
  NodeId caller = ex.node();
  SIM_ASSERT(caller != no_node, "an RPC must be made from a node");
  if (!world_.is_current(caller, ex.incarnation())) return;  // the caller crashed: drop the call
  std::uint64_t call_id = next_call_++;
  pending->bind_cancellation(Canceller{this, caller, call_id});
  calls_[caller].emplace(call_id, Call{std::move(pending), ex.incarnation()});
  const Clock& clock = world_.node(caller).clock();
  Instant deadline = clock.when_mono_reaches(world_.now(), clock.mono(world_.now()) + timeout);
  world_.schedule_at(deadline, caller, ex.incarnation(), [this, caller, call_id] {
    finish(caller, call_id, asio::error::timed_out, nullptr);
  });
  network_.send(caller, to, framed(call_id, false, std::move(body)));
}

void Rpc::receive(const Packet& packet) {
  const auto* frame = dynamic_cast<const Frame*>(packet.body.get());
  if (frame && frame->is_reply()) {
    finish(packet.to, frame->call_id(), error_code{}, frame->message());
    return;
  }
  RpcRequest request{packet.from, packet.to, frame ? frame->call_id() : 0, frame ? frame->message() : packet.body};
  if (const Handler& handler = handlers_[packet.to]) handler(request, Responder(network_, request));
}

bool Rpc::finish(NodeId caller, std::uint64_t call_id, error_code ec, MessagePtr reply) {
  auto& calls = calls_[caller];
  auto it = calls.find(call_id);
  if (it == calls.end()) return false;
  Call call = std::move(it->second);
  calls.erase(it);
  call.pending->complete(world_, caller, call.incarnation, ec, std::move(reply));
  return true;
}

void Rpc::drop_calls_of(NodeId node) {
  // Destroying a pending handler frees the coroutine waiting on it.
  std::map<std::uint64_t, Call> doomed;
  doomed.swap(calls_[node]);
  doomed.clear();
}

}  // namespace sim
