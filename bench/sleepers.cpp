#include "bench/sleepers.hpp"

#include "sim/kernel/assert.hpp"

namespace bench {
namespace {

// Coroutines take what they use as parameters (captures of a coroutine lambda would dangle).
sim::Task<void> loop_sim_sleep(Sleepers* sleepers) {
  for (;;) {
    co_await sim::sleep(sleepers->next_delay());
    sleepers->on_resume();
  }
}

sim::Task<void> loop_sleep_for(Sleepers* sleepers, sim::Executor ex) {
  for (;;) {
    co_await sim::sleep_for(ex, sleepers->next_delay(), sim::use_awaitable);
    sleepers->on_resume();
  }
}

/// The plain-callback sleeper: each wake-up counts a resume and sleeps again.
struct Rearm {
  Sleepers* sleepers;
  sim::Executor ex;
  void operator()(sim::error_code) const {
    sleepers->on_resume();
    sleepers->sleep_then_call_back(ex);
  }
};

}  // namespace

std::string_view to_string(SleepKind kind) {
  switch (kind) {
    case SleepKind::sim_sleep: return "sleep";
    case SleepKind::sleep_for: return "diag:sleep_for";
    case SleepKind::kernel_sleep: return "diag:kernel_ex";
    case SleepKind::callback: return "diag:callback";
  }
  return "?";
}

Sleepers::Sleepers(SleepKind kind, std::size_t count, std::shared_ptr<const DelayTable> table)
    : delays_(std::move(table)) {
  sim::NodeId node = world_.add_node("sleepers", {});
  sim::Executor ex = kind == SleepKind::kernel_sleep ? world_.executor() : world_.executor(node);
  for (std::size_t i = 0; i < count; ++i) {
    switch (kind) {
      case SleepKind::sim_sleep:
      case SleepKind::kernel_sleep: sim::spawn(ex, loop_sim_sleep(this)); break;
      case SleepKind::sleep_for: sim::spawn(ex, loop_sleep_for(this, ex)); break;
      case SleepKind::callback: sleep_then_call_back(ex); break;
    }
  }
}

void Sleepers::sleep_then_call_back(sim::Executor ex) { sim::sleep_for(ex, next_delay(), Rearm{this, ex}); }

void Sleepers::run(std::uint64_t resumes) {
  SIM_ASSERT(resumes > 0, "a run needs at least one resume");
  remaining_ = resumes;
  world_.run();
  SIM_ASSERT(remaining_ == 0, "the world stopped before every resume");
}

}  // namespace bench
