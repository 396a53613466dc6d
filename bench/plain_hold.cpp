#include "bench/plain_hold.hpp"

namespace bench {

PlainHold::PlainHold(std::size_t pending, std::shared_ptr<const DelayTable> table)
    : delays_(std::move(table)) {
  heap_.reserve(pending);
  for (std::size_t i = 0; i < pending; ++i) push_next();
}

void PlainHold::push_next() { heap_.push(Entry{now_ + delays_.next(), next_seq_++, &PlainHold::fire, this}); }

void PlainHold::fire(void* ctx) { static_cast<PlainHold*>(ctx)->push_next(); }

void PlainHold::run(std::uint64_t events) {
  for (std::uint64_t i = 0; i < events; ++i) {
    Entry e = heap_.pop();
    now_ = e.time;
    e.fn(e.ctx);
  }
}

}  // namespace bench
