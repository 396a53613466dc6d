// Simulated sleeping, on a node's monotonic clock, as an asynchronous operation that accepts
// any completion token: a callback, sim::use_awaitable, asio::deferred, or one side of `||`.
//
// Fault model: the sleep's true deadline is computed from the node's monotonic clock and its
// drift when the sleep starts; a pause of the node delays the wake-up until the pause ends; a
// crash destroys the sleeping continuation. Cancellation (through the handler's cancellation
// slot) completes the sleep at once with operation_aborted, by posting, never inline.
//
// Determinism: the wake-up is an ordinary event in the World's queue.
#pragma once

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <type_traits>

#include "sim/kernel/world.hpp"

namespace sim {

template <class T = void>
using Task = asio::awaitable<T, Executor>;
inline constexpr asio::use_awaitable_t<Executor> use_awaitable;

namespace detail {

/// The pending sleep, living in the queue as its own wake-up event. Cancellation takes the
/// handler out and posts it; the event, when it comes due, then finds nothing to do.
template <class Handler>
class SleepEvent final : public Event {
public:
  SleepEvent(World& world, NodeId node, std::uint32_t incarnation, Handler&& handler)
      : Event(node, incarnation), world_(world), handler_(std::move(handler)) {
    auto slot = asio::get_associated_cancellation_slot(*handler_);
    if (slot.is_connected()) {
      slot.assign([this](asio::cancellation_type type) {
        if (type != asio::cancellation_type::none) cancel();
      });
    }
  }

  void run_and_free(EventPool& pool) override {
    std::optional<Handler> handler = take();
    destroy(pool);
    if (handler) std::move (*handler)(error_code{});
  }
  void free(EventPool& pool) override {
    take();
    destroy(pool);
  }

private:
  std::optional<Handler> take() {
    std::optional<Handler> handler;
    if (handler_) {
      auto slot = asio::get_associated_cancellation_slot(*handler_);
      if (slot.is_connected()) slot.clear();
      handler.emplace(std::move(*handler_));
      handler_.reset();
    }
    return handler;
  }
  void cancel() {
    std::optional<Handler> handler = take();
    if (!handler) return;
    world_.post(node(), incarnation(), [h = std::move(*handler)]() mutable {
      std::move(h)(error_code(asio::error::operation_aborted));
    });
  }
  void destroy(EventPool& pool) {
    this->~SleepEvent();
    pool.deallocate(this, sizeof(SleepEvent));
  }

  World& world_;
  std::optional<Handler> handler_;
};

/// The true instant at which a sleep of `d` started now on `node`'s monotonic clock ends.
inline Instant wake_time(const World& world, NodeId node, Duration d) {
  Instant now = world.now();
  if (node == no_node) return now + (d > Duration::zero() ? d : Duration::zero());
  return world.node(node).clock().after_mono(now, d);
}

}  // namespace detail

/// Sleeps for `d` on the monotonic clock of the executor's node (true time for the kernel's
/// executor). Completion signature: void(error_code).
template <class Token>
auto sleep_for(Executor ex, Duration d, Token&& token) {
  return asio::async_initiate<Token, void(error_code)>(
      [ex, d](auto handler) {
        using Handler = std::decay_t<decltype(handler)>;
        World& world = ex.world();
        Instant at = detail::wake_time(world, ex.node(), d);
        if (!world.is_current(ex.node(), ex.incarnation())) return;  // dropped: node crashed
        void* p = world.pool().allocate(sizeof(detail::SleepEvent<Handler>));
        Event* e = new (p) detail::SleepEvent<Handler>(world, ex.node(), ex.incarnation(), std::move(handler));
        world.enqueue(at, e);
      },
      token);
}

namespace detail {

/// The completion handler Asio 1.81 passes to an asynchronous operation awaited directly by an
/// awaitable coroutine (`co_await op`, no use_awaitable): the suspended coroutine itself.
using AwaitedSleepHandler = asio::detail::awaitable_async_op_handler<void(error_code), Executor>;

/// Runs the wake-up of a sleep that nothing can cancel: resumes the sleeper.
struct WakeSleeper {
  void operator()(AwaitedSleepHandler& handler) const { std::move(handler)(error_code{}); }
};

}  // namespace detail

/// The sleeper's handler is an awaitable thread (the one pointer that owns the bottom frame of
/// the coroutine's stack, null once moved from) and a reference to the awaiting frame's result
/// slot. Nothing points at the handler while the sleep waits (Asio points a frame at its thread
/// only while pumping it), so its bytes may move with the queue's entry.
template <>
inline constexpr bool relocatable_by_bytes<detail::AwaitedSleepHandler> = true;
/// Its two words point at the bottom frame of the sleeper's stack and at the awaiting frame,
/// which are what a resume reads first.
template <>
inline constexpr unsigned hot_pointer_words<detail::AwaitedSleepHandler> = 2;

/// What `co_await sim::sleep(d)` awaits: an asynchronous operation (completion signature
/// void(error_code)), which Asio 1.81 awaits directly, without a coroutine frame of its own.
/// Awaited so, its handler is the suspended coroutine itself, held inside the queue's entry when
/// nothing can cancel the sleep: a resume touches the entry and the coroutine's frames, nothing
/// else, and a crash that sweeps the entry destroys the sleeper's stack. When something can
/// cancel it (the coroutine is one side of `||`, or has a bound cancellation slot) it is the
/// general sleep_for. Any other completion token gets sleep_for on the executor associated with
/// its handler. The wake-up is never kept in the Sleep object: a wrapper that forwards its
/// token, or a deferred sequence ending in a sleep, hands the coroutine's handler to a Sleep
/// that dies before the sleep ends.
class [[nodiscard]] Sleep {
public:
  explicit Sleep(Duration d) : d_(d) {}

  Duration duration() const { return d_; }

  template <class Token>
    requires asio::completion_token_for<Token, void(error_code)>
  auto operator()(Token&& token) {
    if constexpr (std::is_same_v<std::decay_t<Token>, detail::AwaitedSleepHandler>) {
      start_awaited(std::move(token));
    } else {
      return asio::async_initiate<Token, void(error_code)>(
          [d = d_](auto handler) {
            Executor ex = asio::get_associated_executor(handler);
            sleep_for(ex, d, std::move(handler));
          },
          token);
    }
  }

private:
  void start_awaited(detail::AwaitedSleepHandler handler) const;

  Duration d_;
};

/// Sleeps for `d` on the monotonic clock of the coroutine's node: `co_await sim::sleep(10ms);`
inline Sleep sleep(Duration d) { return Sleep(d); }

/// A sleep as a coroutine of its own, for what takes only awaitables (`||`, co_spawn).
Task<void> sleep_task(Duration d);

/// `sleep(d) || other` and the like: each side of `||` runs as a coroutine of its own. (Named
/// in full: these overloads hide the using-directive's from unqualified lookup in here.)
template <class T>
auto operator||(Sleep a, Task<T> b) {
  return asio::experimental::awaitable_operators::operator||(sleep_task(a.duration()), std::move(b));
}
template <class T>
auto operator||(Task<T> a, Sleep b) {
  return asio::experimental::awaitable_operators::operator||(std::move(a), sleep_task(b.duration()));
}
inline auto operator||(Sleep a, Sleep b) {
  return asio::experimental::awaitable_operators::operator||(sleep_task(a.duration()), sleep_task(b.duration()));
}

}  // namespace sim
