#include "sim/kernel/event.hpp"

#include <mutex>

#include "sim/kernel/assert.hpp"
#include "sim/kernel/queued_event.hpp"

namespace sim {

EventPool::~EventPool() {
  for (void* slab : slabs_) ::operator delete(slab);
}

void* EventPool::fresh(std::size_t cls) {
  // Carve a slab of blocks of this class; hand out the first, keep the rest free.
  constexpr std::size_t blocks_per_slab = 64;
  std::size_t block = (cls + 1) * class_bytes;
  auto* slab = static_cast<char*>(::operator new(block * blocks_per_slab));
  slabs_.push_back(slab);
  for (std::size_t i = blocks_per_slab - 1; i >= 1; --i) {
    auto* b = reinterpret_cast<FreeBlock*>(slab + i * block);
    b->next = free_[cls];
    free_[cls] = b;
  }
  return slab;
}

namespace detail {

std::uint32_t EntryKinds::add(const EntryKind& kind) {
  static std::mutex lock;
  static std::uint32_t count = 1;  // the pooled kind's
  std::lock_guard<std::mutex> hold(lock);
  SIM_ASSERT(count < capacity, "more kinds of queued work than EntryKinds holds");
  table_[count] = &kind;
  return count++;
}

}  // namespace detail

}  // namespace sim
