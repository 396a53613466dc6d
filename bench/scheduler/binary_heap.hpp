// The plainest event queue there is, for the scheduler benchmark's timer stress: a binary
// min-heap (std::priority_queue) of (time, sequence, function, context) entries, ties in
// insertion order. The hold model runs on it through bench::QueueHold, as on the other plain
// queues (bench/plain_queues.hpp).
#pragma once

#include <queue>
#include <vector>

#include "bench/queue_hold.hpp"

namespace bench {

template <class Entry>
class BinaryHeap {
public:
  bool empty() const { return items_.empty(); }
  void push(const Entry& e) { items_.push(e); }
  Entry pop() {
    Entry e = items_.top();
    items_.pop();
    return e;
  }

private:
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const { return a.time != b.time ? a.time > b.time : a.seq > b.seq; }
  };
  std::priority_queue<Entry, std::vector<Entry>, Later> items_;
};

using BinaryHold = QueueHold<BinaryHeap<SequencedEntry>, SequencedEntry>;

}  // namespace bench
