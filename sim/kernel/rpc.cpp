#include "sim/kernel/rpc.hpp"

#include <algorithm>

#include "sim/kernel/assert.hpp"
#include "sim/kernel/reply_drops.hpp"

namespace sim {
namespace {

/// RPC's header in a packet's header word: the call id above a bit that says a reply. Call ids
/// start at 1, so a packet sent without RPC (header 0) is a one-way request.
std::uint64_t header_of(std::uint64_t call_id, bool reply) { return call_id << 1 | (reply ? 1 : 0); }
std::uint64_t call_id_of(std::uint64_t header) { return header >> 1; }
bool is_reply(std::uint64_t header) { return (header & 1) != 0; }
/// Bits of a timeout's packed word that hold the caller's node.
constexpr unsigned caller_bits = 20;

}  // namespace

void Responder::reply(MessagePtr body) {
  SIM_ASSERT(!replied_, "a request was answered twice");
  replied_ = true;
  // A drop_response fault loses the reply here, after the request was processed.
  if (!drops_->empty() && drops_->dropped(request_.to, request_.from, body.get())) return;
  network_->send(request_.to, request_.from, std::move(body), header_of(request_.call_id, true));
}

Rpc::Rpc(World& world, Network& network) : world_(world), network_(network), reply_drops_(world) {
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
  calls_[caller].add(Call{call_id, std::move(pending), ex.incarnation()});
  const Clock& clock = world_.node(caller).clock();
  Instant deadline = clock.when_mono_reaches(world_.now(), clock.mono(world_.now()) + timeout);
  // The call id and the caller in one word, so the timeout's work is 16 bytes and rides in the
  // queue's entry instead of a pooled block.
  SIM_ASSERT(call_id < (std::uint64_t{1} << (64 - caller_bits)) && caller < (NodeId{1} << caller_bits),
             "too many calls or nodes for a timeout's packed word");
  std::uint64_t packed = call_id << caller_bits | caller;
  world_.schedule_at(deadline, caller, ex.incarnation(), [this, packed] {
    finish(static_cast<NodeId>(packed & ((std::uint64_t{1} << caller_bits) - 1)), packed >> caller_bits,
           asio::error::timed_out, nullptr);
  });
  network_.send(caller, to, std::move(body), header_of(call_id, false));
}

void Rpc::receive(const Packet& packet) {
  if (is_reply(packet.header)) {
    finish(packet.to, call_id_of(packet.header), error_code{}, packet.body);
    return;
  }
  RpcRequest request{packet.from, packet.to, call_id_of(packet.header), packet.body};
  if (const Handler& handler = handlers_[packet.to]) handler(request, Responder(network_, reply_drops_, request));
}

Rpc::Call Rpc::Calls::take(std::uint64_t id) {
  auto it = std::lower_bound(calls_.begin() + static_cast<std::ptrdiff_t>(head_), calls_.end(), id,
                             [](const Call& call, std::uint64_t wanted) { return call.id < wanted; });
  if (it == calls_.end() || it->id != id || !it->pending) return Call{};
  Call taken{it->id, std::move(it->pending), it->incarnation};
  while (head_ < calls_.size() && !calls_[head_].pending) ++head_;
  if (head_ == calls_.size()) {
    calls_.clear();
    head_ = 0;
  } else if (2 * head_ >= calls_.size()) {
    calls_.erase(calls_.begin(), calls_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
  return taken;
}

std::vector<Rpc::Call> Rpc::Calls::take_all() {
  std::vector<Call> all;
  all.swap(calls_);
  head_ = 0;
  return all;
}

bool Rpc::finish(NodeId caller, std::uint64_t call_id, error_code ec, MessagePtr reply) {
  Call call = calls_[caller].take(call_id);
  if (!call.pending) return false;
  call.pending->complete(world_, caller, call.incarnation, ec, std::move(reply));
  return true;
}

void Rpc::drop_calls_of(NodeId node) {
  // Destroying a pending handler frees the coroutine waiting on it: oldest call first, as the
  // ordered map this replaced destroyed them.
  std::vector<Call> doomed = calls_[node].take_all();
  for (Call& call : doomed) call.pending.reset();
}

}  // namespace sim
