// The baseline: the cheapest honest heap-based event loop. A 4-ary heap (the kernel's own
// sim::QuadHeap) of plain (time, sequence, function, context) entries; popping an entry calls
// fn(ctx), which pushes the next one at now + delay. No pool, no type erasure beyond a
// function pointer, no node checks.
#pragma once

#include <cstdint>
#include <memory>

#include "bench/contestant.hpp"
#include "bench/delays.hpp"
#include "sim/kernel/event_queue.hpp"

namespace bench {

class PlainHold final : public Contestant {
public:
  /// Fills the heap with `pending` entries at delays drawn from `table`.
  PlainHold(std::size_t pending, std::shared_ptr<const DelayTable> table);
  void run(std::uint64_t events) override;
  std::int64_t now_ns() const override { return now_; }

private:
  struct Entry {
    std::int64_t time;
    std::uint64_t seq;
    void (*fn)(void*);
    void* ctx;
  };
  static void fire(void* ctx);
  void push_next();

  sim::QuadHeap<Entry> heap_;
  DelayCursor delays_;
  std::int64_t now_ = 0;
  std::uint64_t next_seq_ = 0;
};

}  // namespace bench
