// The hold model on a plain queue (plain_queues.hpp): popping an entry calls fn(ctx), which
// pushes the next one at now + delay. The same work as PlainHold on other queues; the entries
// of a queue that needs no sequence number (the radix heap) carry none.
#pragma once

#include <cstdint>
#include <memory>

#include "bench/contestant.hpp"
#include "bench/delays.hpp"
#include "bench/plain_queues.hpp"

namespace bench {

struct SequencedEntry {
  std::int64_t time;
  std::uint64_t seq;
  void (*fn)(void*);
  void* ctx;
};

struct TimedEntry {
  std::int64_t time;
  void (*fn)(void*);
  void* ctx;
};

template <class Queue, class Entry>
class QueueHold final : public Contestant {
public:
  QueueHold(std::size_t pending, std::shared_ptr<const DelayTable> table) : delays_(std::move(table)) {
    for (std::size_t i = 0; i < pending; ++i) push_next();
  }

  void run(std::uint64_t events) override {
    for (std::uint64_t i = 0; i < events; ++i) {
      Entry e = queue_.pop();
      now_ = e.time;
      e.fn(e.ctx);
    }
  }
  std::int64_t now_ns() const override { return now_; }

private:
  static void fire(void* ctx) { static_cast<QueueHold*>(ctx)->push_next(); }
  void push_next() {
    if constexpr (requires(Entry e) { e.seq; }) {
      queue_.push(Entry{now_ + delays_.next(), next_seq_++, &QueueHold::fire, this});
    } else if constexpr (requires(Entry e) { e.node_and_kind; }) {
      queue_.push(Entry{now_ + delays_.next(), 0, &QueueHold::fire, this});
    } else {
      queue_.push(Entry{now_ + delays_.next(), &QueueHold::fire, this});
    }
  }

  Queue queue_;
  DelayCursor delays_;
  std::int64_t now_ = 0;
  std::uint64_t next_seq_ = 0;
};

/// A radix heap entry of 32 bytes (time, node and kind, 16 bytes of work: the kernel's entry
/// until 2026-12-08, 24 bytes since), holding the same fn and ctx: the floor of any radix heap
/// that moves entries of that size.
struct KernelSizedEntry {
  std::int64_t time;
  std::uint64_t node_and_kind;
  void (*fn)(void*);
  void* ctx;
};
static_assert(sizeof(KernelSizedEntry) == 32);

using BranchyHold = QueueHold<BranchyQuadHeap<SequencedEntry>, SequencedEntry>;
using RadixHold = QueueHold<RadixHeap<TimedEntry>, TimedEntry>;
using KernelSizedRadixHold = QueueHold<RadixHeap<KernelSizedEntry>, KernelSizedEntry>;

}  // namespace bench
