// A client's proposal as an asynchronous operation: it completes once, posted on the leader's
// node, when its entry is applied (committed), at once when the node is not the leader, when
// the node loses its leadership first, or when the caller cancels it.
//
// Fault model: "lost_leadership" and "cancelled" say nothing about the entry's fate: a new
// leader may still commit it, as in any Raft. Only "committed" is an acknowledgement. A crash
// of the node destroys the waiting operation with the node's other continuations.
#pragma once

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/cancellation_type.hpp>

#include <functional>
#include <optional>
#include <string>

#include "models/raft/types.hpp"
#include "sim/kernel/world.hpp"

namespace raft {

enum class ProposeStatus : std::uint8_t { committed, not_leader, lost_leadership, cancelled };
const char* to_string(ProposeStatus status);

struct ProposeOutcome {
  ProposeStatus status = ProposeStatus::not_leader;
  Index index = 0;  ///< where the entry went (0 when it was never appended)
  Term term = 0;
  std::string result;  ///< committed: what the state machine answered
  std::optional<sim::NodeId> leader_hint;  ///< not_leader / lost_leadership: who may lead now
};

namespace detail {

/// A waiting proposal's completion handler, whatever its type.
class ProposalWaiter {
public:
  virtual ~ProposalWaiter() = default;
  /// Posts the completion on the node's executor (never runs it inline).
  virtual void complete(sim::Executor ex, ProposeOutcome outcome) = 0;
  virtual void on_cancel(std::function<void()> cancel) = 0;
};

template <class Handler>
class TypedProposalWaiter final : public ProposalWaiter {
public:
  explicit TypedProposalWaiter(Handler&& handler) : handler_(std::move(handler)) {}
  void complete(sim::Executor ex, ProposeOutcome outcome) override {
    auto slot = boost::asio::get_associated_cancellation_slot(handler_);
    if (slot.is_connected()) slot.clear();
    ex.world().post(ex.node(), ex.incarnation(), [h = std::move(handler_), o = std::move(outcome)]() mutable {
      std::move(h)(std::move(o));
    });
  }
  void on_cancel(std::function<void()> cancel) override {
    auto slot = boost::asio::get_associated_cancellation_slot(handler_);
    if (!slot.is_connected()) return;
    slot.assign([cancel = std::move(cancel)](boost::asio::cancellation_type type) {
      if (type != boost::asio::cancellation_type::none) cancel();
    });
  }

private:
  Handler handler_;
};

}  // namespace detail
}  // namespace raft
