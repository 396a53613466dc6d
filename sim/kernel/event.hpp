// Events: the small type-erased units of work the World's queue holds.
//
// An event belongs to a node (or to no node, for the kernel's own work) and to one incarnation
// of it: after a crash, events of the old incarnation are destroyed, never run. Events are
// allocated from the World's pool, so steady-state posting does not call malloc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>
#include <vector>

namespace sim {

using NodeId = std::uint32_t;
inline constexpr NodeId no_node = UINT32_MAX;

/// Free lists of fixed-size blocks by size class (64-byte steps up to 512 bytes); larger blocks
/// go to the global allocator. Single-threaded by design: one World, one thread.
class EventPool {
public:
  EventPool() = default;
  EventPool(const EventPool&) = delete;
  EventPool& operator=(const EventPool&) = delete;
  ~EventPool();

  void* allocate(std::size_t size) {
    std::size_t cls = size_class(size);
    if (cls >= class_count) return ::operator new(size);
    if (FreeBlock* block = free_[cls]) {
      free_[cls] = block->next;
      return block;
    }
    return fresh(cls);
  }
  void deallocate(void* p, std::size_t size) {
    std::size_t cls = size_class(size);
    if (cls >= class_count) {
      ::operator delete(p);
      return;
    }
    auto* block = static_cast<FreeBlock*>(p);
    block->next = free_[cls];
    free_[cls] = block;
  }

private:
  struct FreeBlock { FreeBlock* next; };
  static constexpr std::size_t class_bytes = 64;
  static constexpr std::size_t class_count = 8;
  static std::size_t size_class(std::size_t size) { return (size - 1) / class_bytes; }
  void* fresh(std::size_t cls);

  FreeBlock* free_[class_count] = {};
  std::vector<void*> slabs_;
};

class Event {
public:
  Event(NodeId node, std::uint32_t incarnation) : node_(node), incarnation_(incarnation) {}
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  NodeId node() const { return node_; }
  std::uint32_t incarnation() const { return incarnation_; }

  /// Runs the event's work, then frees it into `pool`.
  virtual void run_and_free(EventPool& pool) = 0;
  /// Frees the event without running it (a crashed node's work, or the World shutting down).
  virtual void free(EventPool& pool) = 0;

protected:
  ~Event() = default;

private:
  NodeId node_;
  std::uint32_t incarnation_;
};

/// An event holding any callable; the callable is moved out before it runs, so work it posts
/// may reuse this block.
template <class F>
class CallableEvent final : public Event {
public:
  CallableEvent(NodeId node, std::uint32_t incarnation, F&& f)
      : Event(node, incarnation), f_(std::move(f)) {}

  static Event* make(EventPool& pool, NodeId node, std::uint32_t incarnation, F&& f) {
    void* p = pool.allocate(sizeof(CallableEvent));
    return new (p) CallableEvent(node, incarnation, std::move(f));
  }
  void run_and_free(EventPool& pool) override {
    F f(std::move(f_));
    this->~CallableEvent();
    pool.deallocate(this, sizeof(CallableEvent));
    std::move(f)();
  }
  void free(EventPool& pool) override {
    this->~CallableEvent();
    pool.deallocate(this, sizeof(CallableEvent));
  }

private:
  F f_;
};

}  // namespace sim
