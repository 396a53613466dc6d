#include "bench/kernel_floors.hpp"

#include <exception>

namespace bench {
namespace {

/// A coroutine that starts suspended and is destroyed only by its owner.
struct Loop {
  struct promise_type {
    Loop get_return_object() { return Loop{std::coroutine_handle<promise_type>::from_promise(*this)}; }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() { std::terminate(); }
  };
  std::coroutine_handle<promise_type> handle;
};

Loop sleep_forever(BareCoroutines* owner) {
  for (;;) co_await owner->sleep();
}

}  // namespace

PooledBlockHold::PooledBlockHold(std::size_t pending, std::shared_ptr<const DelayTable> table)
    : delays_(std::move(table)) {
  // Carved in slabs of 64, as the kernel's pool does.
  constexpr std::size_t per_slab = 64;
  for (std::size_t made = 0; made < pending; made += per_slab) {
    Block* slab = new Block[per_slab];
    slabs_.push_back(slab);
    for (std::size_t i = per_slab; i-- > 0;) {
      slab[i].next_free = free_;
      free_ = &slab[i];
    }
  }
  for (std::size_t i = 0; i < pending; ++i) push_next();
}

PooledBlockHold::~PooledBlockHold() {
  for (Block* slab : slabs_) delete[] slab;
}

void PooledBlockHold::fire(void* ctx) { static_cast<PooledBlockHold*>(ctx)->push_next(); }

void PooledBlockHold::push_next() {
  Block* b = free_;
  free_ = b->next_free;
  b->fn = &PooledBlockHold::fire;
  b->ctx = this;
  queue_.push(Entry{now_ + delays_.next(), b});
}

void PooledBlockHold::run(std::uint64_t events) {
  for (std::uint64_t i = 0; i < events; ++i) {
    Entry e = queue_.pop();
    now_ = e.time;
    void (*fn)(void*) = e.block->fn;
    void* ctx = e.block->ctx;
    e.block->next_free = free_;
    free_ = e.block;
    fn(ctx);
  }
}

BareCoroutines::BareCoroutines(std::size_t count, std::shared_ptr<const DelayTable> table) : delays_(std::move(table)) {
  for (std::size_t i = 0; i < count; ++i) {
    Loop loop = sleep_forever(this);
    frames_.push_back(loop.handle);
    loop.handle.resume();  // runs to its first sleep
  }
}

BareCoroutines::~BareCoroutines() {
  for (std::coroutine_handle<> h : frames_) h.destroy();
}

void BareCoroutines::run(std::uint64_t resumes) {
  for (std::uint64_t i = 0; i < resumes; ++i) {
    Entry e = queue_.pop();
    now_ = e.time;
    e.handle.resume();
  }
}

}  // namespace bench
