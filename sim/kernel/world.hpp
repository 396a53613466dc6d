// The World: true time, the event queue, the nodes, the root seed, the trace, the history and
// the metrics of one run. It is a Boost.Asio execution_context whose executors post into the
// virtual-time queue, so protocol code written as asio::awaitable coroutines runs in simulated
// time. Asio's own timers and io_context are never used: they sleep in real time.
//
// Fault model: the World's verbs are the kernel's faults on nodes: crash, restart, pause,
// resume, clock_step, clock_drift. The network's verbs live in network.hpp.
//
// Determinism: events run in (time, sequence) order; work is always posted, never run inline;
// time jumps straight to the next event. Nothing real (clock, randomness, thread, address)
// reaches the queue. One World belongs to one thread.
#pragma once

#include <boost/asio/execution.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/system/error_code.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/kernel/assert.hpp"
#include "sim/kernel/event.hpp"
#include "sim/kernel/event_queue.hpp"
#include "sim/kernel/fault_windows.hpp"
#include "sim/kernel/history.hpp"
#include "sim/kernel/metrics.hpp"
#include "sim/kernel/node.hpp"
#include "sim/kernel/queued_event.hpp"
#include "sim/kernel/random.hpp"
#include "sim/kernel/time.hpp"
#include "sim/kernel/trace.hpp"

namespace sim {

namespace asio = boost::asio;
using error_code = boost::system::error_code;

class World;
class Network;
class Rpc;
struct NetworkOptions;

/// Told of each latency as the World files it, with the moment it ended.
class LatencyWatcher {
public:
  virtual void latency(std::string_view name, Instant end, Duration latency) = 0;

protected:
  ~LatencyWatcher() = default;
};

/// Posts into the World's virtual-time queue on behalf of one incarnation of one node (or of
/// the kernel, for `no_node`). Work posted for an incarnation that has crashed is destroyed
/// instead of run: that is how a crash frees a node's coroutines.
class Executor {
public:
  Executor(World& world, NodeId node, std::uint32_t incarnation) noexcept
      : world_(&world), node_(node), incarnation_(incarnation) {}

  World& query(asio::execution::context_t) const noexcept { return *world_; }
  static constexpr asio::execution::blocking_t query(asio::execution::blocking_t) noexcept {
    return asio::execution::blocking.never;
  }
  template <class F>
  void execute(F f) const;

  bool operator==(const Executor& other) const noexcept {
    return world_ == other.world_ && node_ == other.node_ && incarnation_ == other.incarnation_;
  }
  bool operator!=(const Executor& other) const noexcept { return !(*this == other); }

  World& world() const { return *world_; }
  NodeId node() const { return node_; }
  std::uint32_t incarnation() const { return incarnation_; }

private:
  World* world_;
  NodeId node_;
  std::uint32_t incarnation_;
};

class World : public asio::execution_context {
public:
  explicit World(std::uint64_t seed);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  Instant now() const { return now_; }
  std::uint64_t seed() const { return seed_; }
  /// The random stream named `name` for this run.
  Rng rng(std::string_view name) const { return Rng::stream(seed_, name); }
  Trace& trace() { return trace_; }
  History& history() { return history_; }
  /// Creates the network and the RPC layer over the nodes added so far. Call once, after the
  /// model has added its nodes and before boot_all().
  void start_network(const NetworkOptions& options);
  Network& network() { return *network_; }
  Rpc& rpc() { return *rpc_; }
  Metrics& metrics() { return metrics_; }

  // --- fault windows ----------------------------------------------------------------------
  /// The fault injector keeps the fault windows (fault_windows.hpp); the World asks it which
  /// is open when it files a latency. Without one, every latency falls in "no_fault".
  void watch_fault_windows(const FaultWindowView* view) { fault_windows_ = view; }
  /// When the faults last changed anything so far (nothing without an injector): for checkers
  /// that judge recovery as the run goes, never for a model's own decisions.
  FaultActivity fault_activity() const { return fault_windows_ ? fault_windows_->activity() : FaultActivity{}; }
  /// Records a latency that ends now, overall and in the current fault window.
  void record_latency(std::string_view name, Duration latency) {
    metrics_.record_latency(name, latency, fault_windows_ ? fault_windows_->fault_window() : "no_fault");
    if (latency_watcher_) latency_watcher_->latency(name, now_, latency);
  }
  /// One watcher at most (nullptr stops watching): told of every latency as it is filed, for
  /// series over time (latency_series.hpp).
  void watch_latencies(LatencyWatcher* watcher) { latency_watcher_ = watcher; }

  // --- nodes -----------------------------------------------------------------------------
  NodeId add_node(std::string name, std::vector<std::string> roles, const ClockOptions& clock = {});
  Node& node(NodeId node_id) { return *nodes_[node_id]; }
  const Node& node(NodeId node_id) const { return *nodes_[node_id]; }
  std::size_t node_count() const { return nodes_.size(); }
  std::optional<NodeId> find_node(std::string_view name) const;
  /// Runs every node's boot code (in node order). Call once, after the model has built.
  void boot_all();

  // --- scheduling -------------------------------------------------------------------------
  /// The kernel's executor: work that belongs to no node (fault schedule, load generators).
  Executor executor() { return Executor(*this, no_node, 0); }
  /// The executor of the node's current incarnation.
  Executor executor(NodeId node) { return Executor(*this, node, nodes_[node]->incarnation_); }

  template <class F>
  void post(NodeId node, std::uint32_t incarnation, F&& f) {
    schedule_at(now_, node, incarnation, std::forward<F>(f));
  }
  template <class F>
  void post(F&& f) { schedule_at(now_, no_node, 0, std::forward<F>(f)); }
  template <class F>
  void schedule_at(Instant at, NodeId node, std::uint32_t incarnation, F&& f);
  /// Schedules `f` run by `Call{}(f)` (a sleeper's handler is resumed, not called plainly).
  template <class Call, class F>
  void schedule_call(Instant at, NodeId node, std::uint32_t incarnation, F&& f);
  template <class F>
  void schedule_after(Duration delay, NodeId node, std::uint32_t incarnation, F&& f) {
    schedule_at(now_ + delay, node, incarnation, std::forward<F>(f));
  }
  /// Queues an already built event of a current incarnation (is_current). `at` must not be in
  /// the past.
  void enqueue(Instant at, Event* event) {
    SIM_ASSERT(is_current(event->node(), event->incarnation()), "an event of a crashed incarnation was queued");
    enqueue(QueuedEvent::pooled(at.ns(), event));
  }
  /// Queues an entry for the current incarnation of its node, holding its work inline or
  /// pointing at a pooled event. Its time must not be in the past.
  void enqueue(const QueuedEvent& entry);
  EventPool& pool() { return pool_; }
  /// Whether work for this incarnation of this node may still run.
  bool is_current(NodeId node, std::uint32_t incarnation) const {
    return node == no_node || (nodes_[node]->incarnation_ == incarnation && nodes_[node]->state_ != NodeState::crashed);
  }

  // --- running ----------------------------------------------------------------------------
  /// Runs one event; false when the queue is empty.
  bool step();
  /// Runs every event due at or before `end`, then sets the time to `end`.
  void run_until(Instant end);
  /// Runs until the queue is empty or stop() is called.
  void run();
  void stop() { stopped_ = true; }
  std::uint64_t events_run() const { return events_run_; }
  /// True while the World is being destroyed: work is freed, not run, and nothing is traced.
  bool shutting_down() const { return shutting_down_; }
  std::size_t pending() const { return queue_.size(); }

  // --- node faults ------------------------------------------------------------------------
  /// Destroys the node's pending continuations and volatile state. `lose_unsynced`: whether
  /// the machine died too (a machine crash), so that disk writes not yet synced and messages
  /// still in its kernel's send buffers (Network::send_at) are lost; false is a process crash.
  void crash(NodeId node, bool lose_unsynced = true);
  /// Boots a crashed node's code again, as a new incarnation.
  void restart(NodeId node);
  /// Freezes the node until resume(). Its clocks keep running.
  void pause(NodeId node);
  void resume(NodeId node);
  void clock_step(NodeId node, Duration by);
  /// Kernel services that hold a node's continuations outside the queue (the RPC layer's
  /// pending calls) register here; they are told of a crash before the process is dropped.
  void on_crash(std::function<void(NodeId)> listener) { crash_listeners_.push_back(std::move(listener)); }
  void clock_drift(NodeId node, std::int64_t ppm);

private:
  template <class Call, class Fn>
  void enqueue_pooled(Instant at, NodeId node, std::uint32_t incarnation, Fn&& f);
  void run_event(QueuedEvent& entry);
  void prefetch_next();
  void drop_node_events(NodeId node);

  std::uint64_t seed_;
  Instant now_;
  std::uint64_t events_run_ = 0;
  bool stopped_ = false;
  bool shutting_down_ = false;
  EventPool pool_;
  RadixQueue<QueuedEvent> queue_;  // (time, posting order): see event_queue.hpp
  std::vector<std::unique_ptr<Node>> nodes_;
  Trace trace_;
  History history_;
  Metrics metrics_;
  const FaultWindowView* fault_windows_ = nullptr;
  LatencyWatcher* latency_watcher_ = nullptr;
  std::vector<std::function<void(NodeId)>> crash_listeners_;
  // Declared last: destroyed first, while the pool and the nodes still exist.
  std::unique_ptr<Network> network_;
  std::unique_ptr<Rpc> rpc_;
};

template <class F>
void World::schedule_at(Instant at, NodeId node, std::uint32_t incarnation, F&& f) {
  schedule_call<detail::CallPlain>(at, node, incarnation, std::forward<F>(f));
}

template <class Call, class F>
void World::schedule_call(Instant at, NodeId node, std::uint32_t incarnation, F&& f) {
  using Fn = std::decay_t<F>;
  if (shutting_down_ || !is_current(node, incarnation)) {
    // Work for a crashed incarnation is destroyed here, never run: this is what frees the
    // frames of a crashed node's coroutines.
    [[maybe_unused]] Fn dropped(std::forward<F>(f));
    return;
  }
  // Small work that may move by its bytes rides in the queue's entry: running it then reads
  // nothing but the entry (and what it points at). Anything else takes a block from the pool.
  if constexpr (QueuedEvent::fits_inline<Fn>) {
    enqueue(QueuedEvent::holding<Call>(at.ns(), node, std::forward<F>(f)));
  } else if constexpr (QueuedEvent::packs_inline<Fn>) {
    // Moved first, so that the bytes judged are the ones the entry takes over.
    alignas(Fn) std::byte bytes[sizeof(Fn)];
    Fn* moved = new (bytes) Fn(std::forward<F>(f));
    if (QueuedEvent::packable(bytes)) {
      enqueue(QueuedEvent::packing<Call, Fn>(at.ns(), node, bytes));  // the entry owns it now
      return;
    }
    enqueue_pooled<Call>(at, node, incarnation, std::move(*moved));
    moved->~Fn();
  } else {
    enqueue_pooled<Call>(at, node, incarnation, Fn(std::forward<F>(f)));
  }
}

template <class Call, class Fn>
void World::enqueue_pooled(Instant at, NodeId node, std::uint32_t incarnation, Fn&& f) {
  if constexpr (std::is_same_v<Call, detail::CallPlain>) {
    enqueue(at, CallableEvent<Fn>::make(pool_, node, incarnation, std::move(f)));
  } else {
    auto call = [work = std::move(f)]() mutable { Call{}(work); };
    enqueue(at, CallableEvent<decltype(call)>::make(pool_, node, incarnation, std::move(call)));
  }
}

inline void World::enqueue(const QueuedEvent& entry) {
  SIM_ASSERT(entry.time >= now_.ns(), "an event was scheduled in the past");
  queue_.push(entry);
}

template <class F>
void Executor::execute(F f) const {
  world_->post(node_, incarnation_, std::move(f));
}

}  // namespace sim
