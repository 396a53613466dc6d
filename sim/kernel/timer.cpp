#include "sim/kernel/timer.hpp"

#include <boost/version.hpp>
#include <type_traits>

namespace sim {
namespace {

// sim::sleep is what protocol code awaits most, so it has a path of its own for the common case
// of a coroutine that nothing can cancel. It leans on details of Boost 1.81's awaitables: a
// co_await on a callable taking the frame runs it once the frame has suspended (the hook
// async_result<use_awaitable_t> uses); the detached thread, attached back to the suspended top
// frame whose frame is then popped and pumped, resumes the caller, which destroys that frame
// (what use_awaitable's handler does on success, where return_void of a void frame does
// nothing); and the thread's cancellation slot says whether anything could cancel the
// operation, and cannot change while the thread is suspended. CMakeLists.txt pins Boost 1.81;
// these checks make another Boost fail to compile here rather than misbehave.
static_assert(BOOST_VERSION / 100 == 1081, "sim::sleep's fast path was written against Boost 1.81's awaitables");
using AwaitableFrame = asio::detail::awaitable_frame_base<Executor>;
using AwaitableThread = asio::detail::awaitable_thread<Executor>;
using AwaitableHandler = asio::async_result<asio::use_awaitable_t<Executor>, void(error_code)>::handler_type;
static_assert(std::is_same_v<AwaitableHandler, asio::detail::awaitable_handler<Executor, error_code>>,
              "use_awaitable's handler is no longer the one the cancellable path hands to sleep_for");
static_assert(std::is_base_of_v<AwaitableThread, AwaitableHandler> &&
                  std::is_constructible_v<AwaitableHandler, AwaitableThread*> &&
                  std::is_nothrow_move_constructible_v<AwaitableHandler>,
              "the cancellable path builds use_awaitable's handler from the detached thread");
static_assert(std::is_nothrow_move_constructible_v<AwaitableThread>, "the fast path moves the detached thread");

// Which frame awaits a frame is a protected member of it (`caller_`); a pointer to that member
// may be formed through a derived class and read from any frame. Only used as a prefetch hint.
struct CallerOf : AwaitableFrame {
  static constexpr AwaitableFrame* AwaitableFrame::*member = &CallerOf::caller_;
  static const void* of(const AwaitableFrame* frame) {
    const AwaitableFrame* caller = frame->*member;
    return caller ? caller : frame;
  }
};

/// The sleeper's thread, resumed as use_awaitable's handler resumes it on success, minus what a
/// sleep nothing can cancel does not need: finding the top frame (the event knows it) and
/// clearing a cancellation slot that was never connected.
class Waker : public AwaitableThread {
public:
  explicit Waker(AwaitableThread* thread) : AwaitableThread(std::move(*thread)) {}
  void wake(AwaitableFrame* top) {
    top->attach_thread(this);
    top->pop_frame();
    this->pump();
  }
};

/// The wake-up of a sleep that cannot be cancelled. It lives in sim::sleep's own coroutine
/// frame, which exists exactly as long as the sleep is pending: no pool block, no optional, no
/// cancellation slot. Running it resumes the sleeper, whose caller then destroys the frame and
/// this event with it; freeing it (a crash) destroys the sleeper's stack, this frame included.
/// Waking touches three frames besides this one's event: the thread's entry frame, the sleep's
/// own promise and the sleeper's frame; the World fetches them while it pops the event.
class FrameSleepEvent final : public PrefetchedEvent {
public:
  FrameSleepEvent(NodeId node, std::uint32_t incarnation, AwaitableThread* thread, AwaitableFrame* frame)
      : PrefetchedEvent(node, incarnation, thread->entry_point(), frame, CallerOf::of(frame)), frame_(frame), waker_(thread) {}

  void run_and_free(EventPool&) override {
    AwaitableFrame* frame = frame_;
    Waker waker(std::move(waker_));  // on the C++ stack: `this` is about to go
    waker.wake(frame);
  }
  void free(EventPool&) override { Waker doomed(std::move(waker_)); }

private:
  AwaitableFrame* frame_;
  Waker waker_;
};

/// Room in the sleep's frame for its wake-up event, built only if the fast path is taken.
struct FrameSleepStorage {
  alignas(FrameSleepEvent) unsigned char bytes[sizeof(FrameSleepEvent)];
};

/// What sim::sleep awaits: Asio calls it with the suspended frame.
class StartSleep {
public:
  StartSleep(Duration d, FrameSleepStorage& storage) : d_(d), storage_(&storage) {}

  AwaitableThread* operator()(AwaitableFrame* frame) const {
    AwaitableThread* thread = frame->detach_thread();
    Executor ex = thread->get_executor();
    if (thread->get_cancellation_slot().is_connected()) {
      // Something may cancel it (`||`, a bound slot): the general operation handles that.
      sleep_for(ex, d_, AwaitableHandler(thread));
      return nullptr;
    }
    World& world = ex.world();
    Instant at = detail::wake_time(world, ex.node(), d_);
    if (!world.is_current(ex.node(), ex.incarnation())) {
      // The node crashed under the sleeper: its stack, this frame included, is destroyed here.
      AwaitableHandler doomed(thread);
      return nullptr;
    }
    world.enqueue(at, new (storage_->bytes) FrameSleepEvent(ex.node(), ex.incarnation(), thread, frame));
    return nullptr;
  }

private:
  Duration d_;
  FrameSleepStorage* storage_;
};

}  // namespace

Task<void> sleep(Duration d) {
  FrameSleepStorage storage;
  co_await StartSleep(d, storage);
  // Never reached: the completion resumes the caller, which destroys this frame.
}

}  // namespace sim
