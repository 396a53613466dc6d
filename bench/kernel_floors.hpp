// Floors: the cheapest any design could do that keeps what the kernel must keep per event, on
// the best plain queue (the radix heap), so the benchmark shows how much of the kernel's cost is
// its structure and how much is memory no queue can avoid.
//   PooledBlockHold  the hold model where each pending event owns a 64-byte block from a LIFO
//                    free list (as the kernel's type-erased events do), read when it runs: the
//                    floor of any queue whose entries point at their work.
//   BareCoroutines   C minimal C++20 coroutines, each looping on `co_await` of a sleep whose
//                    suspension pushes (time, handle) into the radix heap; the loop pops and
//                    resumes: the floor of any coroutine type, whose frame is cold at 10^5.
#pragma once

#include <coroutine>
#include <cstdint>
#include <memory>
#include <vector>

#include "bench/contestant.hpp"
#include "bench/delays.hpp"
#include "bench/plain_queues.hpp"

namespace bench {

class PooledBlockHold final : public Contestant {
public:
  PooledBlockHold(std::size_t pending, std::shared_ptr<const DelayTable> table);
  ~PooledBlockHold() override;
  void run(std::uint64_t events) override;
  std::int64_t now_ns() const override { return now_; }

private:
  struct alignas(64) Block {
    void (*fn)(void*);
    void* ctx;
    Block* next_free;
  };
  struct Entry {
    std::int64_t time;
    Block* block;
  };
  static void fire(void* ctx);
  void push_next();

  RadixHeap<Entry> queue_;
  DelayCursor delays_;
  std::vector<Block*> slabs_;
  Block* free_ = nullptr;
  std::int64_t now_ = 0;
};

class BareCoroutines final : public Contestant {
public:
  BareCoroutines(std::size_t count, std::shared_ptr<const DelayTable> table);
  ~BareCoroutines() override;
  void run(std::uint64_t resumes) override;
  std::int64_t now_ns() const override { return now_; }

  struct Entry {
    std::int64_t time;
    std::coroutine_handle<> handle;
  };
  /// What a sleeper awaits: it suspends into the queue at now + the next delay.
  struct Sleep {
    BareCoroutines* owner;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) const {
      owner->queue_.push(Entry{owner->now_ + owner->delays_.next(), h});
    }
    void await_resume() const noexcept {}
  };
  Sleep sleep() { return Sleep{this}; }

private:
  RadixHeap<Entry> queue_;
  DelayCursor delays_;
  std::vector<std::coroutine_handle<>> frames_;
  std::int64_t now_ = 0;
};

}  // namespace bench
