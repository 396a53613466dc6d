// Request and response over the simulated network, with request ids and timeouts, as an
// asynchronous operation that accepts any completion token. RPC's header (the call id, and
// whether a packet is a request or a reply) travels in the packet's header word, which the
// network carries without reading: the network below knows nothing of calls. A packet sent
// without that header (a replication stream, say) reaches the server's handler as a one-way
// request.
//
// Fault model: a call completes exactly once: with the reply, with timed_out when no reply
// came within the timeout (on the caller's monotonic clock), or with operation_aborted when
// cancelled. A lost request, a lost reply, a partition and a crashed server all look the same
// to the caller: a timeout. A crash of the caller destroys its pending calls.
//
// Determinism: call ids are numbered in calling order; each caller's pending calls are kept in
// that order (a sorted run, searched by id), and dropped in it.
#pragma once

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/error.hpp>

#include <functional>
#include <memory>
#include <vector>

#include "sim/kernel/network.hpp"
#include "sim/kernel/reply_drops.hpp"
#include "sim/kernel/world.hpp"

namespace sim {

/// A request as its server sees it.
struct RpcRequest {
  NodeId from = no_node;
  NodeId to = no_node;
  std::uint64_t call_id = 0;  ///< the call it belongs to; 0 for a one-way message
  MessagePtr body;
};

/// What a server hands its handler to answer with. Answering is optional (a server may drop
/// a request on purpose); answering twice is an error.
class Responder {
public:
  Responder(Network& network, const ReplyDrops& drops, const RpcRequest& request)
      : network_(&network), drops_(&drops), request_(request) {}
  void reply(MessagePtr body);

private:
  Network* network_;
  const ReplyDrops* drops_;  // the run's lost replies (drop_response)
  RpcRequest request_;
  bool replied_ = false;
};

class Rpc {
public:
  using Handler = std::function<void(const RpcRequest& request, Responder responder)>;

  Rpc(World& world, Network& network);
  ~Rpc();
  Rpc(const Rpc&) = delete;
  Rpc& operator=(const Rpc&) = delete;

  /// Serves requests arriving at `node`. Set again by the node's boot code after a restart.
  void serve(NodeId node, Handler handler);

  /// Calls `to` from the executor's node. Completion: void(error_code, MessagePtr).
  template <class Token>
  auto call(Executor ex, NodeId to, MessagePtr request, Duration timeout, Token&& token) {
    return asio::async_initiate<Token, void(error_code, MessagePtr)>(
        [this, ex, to, timeout](auto handler, MessagePtr body) {
          start(ex, to, std::move(body), timeout,
                std::make_unique<Pending<std::decay_t<decltype(handler)>>>(std::move(handler)));
        },
        token, std::move(request));
  }

  std::uint64_t calls_started() const { return next_call_ - 1; }
  /// The run's drop_response faults: replies its handlers send that are lost.
  ReplyDrops& reply_drops() { return reply_drops_; }

private:
  /// Cancels one call: what a pending call's cancellation slot is bound to.
  struct Canceller {
    Rpc* rpc;
    NodeId caller;
    std::uint64_t call_id;
    void operator()() const { rpc->finish(caller, call_id, asio::error::operation_aborted, nullptr); }
  };
  struct PendingBase {
    virtual ~PendingBase() = default;
    virtual void complete(World& world, NodeId node, std::uint32_t incarnation, error_code ec, MessagePtr reply) = 0;
    virtual void bind_cancellation(Canceller cancel) = 0;
  };
  template <class H>
  struct Pending final : PendingBase {
    explicit Pending(H&& h) : handler(std::move(h)) {}
    void complete(World& world, NodeId node, std::uint32_t incarnation, error_code ec, MessagePtr reply) override {
      auto slot = asio::get_associated_cancellation_slot(handler);
      if (slot.is_connected()) slot.clear();
      world.post(node, incarnation, [h = std::move(handler), ec, reply = std::move(reply)]() mutable {
        std::move(h)(ec, std::move(reply));
      });
    }
    void bind_cancellation(Canceller cancel) override {
      auto slot = asio::get_associated_cancellation_slot(handler);
      if (!slot.is_connected()) return;
      slot.assign([cancel](asio::cancellation_type type) {
        if (type != asio::cancellation_type::none) cancel();
      });
    }
    H handler;
  };

  void start(Executor ex, NodeId to, MessagePtr body, Duration timeout, std::unique_ptr<PendingBase> pending);
  void receive(const Packet& packet);
  /// Completes the call if it is still pending; false when it already completed.
  bool finish(NodeId caller, std::uint64_t call_id, error_code ec, MessagePtr reply);
  void drop_calls_of(NodeId node);

  struct Call {
    std::uint64_t id = 0;
    std::unique_ptr<PendingBase> pending;  ///< null once the call completed
    std::uint32_t incarnation = 0;
  };
  /// One caller's calls in id order: appended at the back (ids grow), found by binary search,
  /// completed ones dropped from the front. Replies come nearly in calling order, so the run
  /// stays about as long as the calls in flight; no node of a tree per call.
  class Calls {
  public:
    void add(Call call) { calls_.push_back(std::move(call)); }
    /// Takes the pending call `id` out; its `pending` is null when it completed already.
    Call take(std::uint64_t id);
    /// Every pending call, oldest first, leaving none.
    std::vector<Call> take_all();

  private:
    std::vector<Call> calls_;
    std::size_t head_ = 0;
  };
  World& world_;
  Network& network_;
  std::vector<Handler> handlers_;
  std::vector<Calls> calls_;  // per caller node
  std::uint64_t next_call_ = 1;
  ReplyDrops reply_drops_;
};

}  // namespace sim
