// The entry the World's queue holds for each pending event: its time, its node and its work.
// Small work that may be moved by copying its bytes (a load generator's `[this]`, a sleeping
// coroutine's handler) lives inside the entry, so that running it reads only the queue's bucket,
// which the radix heap walks in order; any other work lives in a pooled Event (event.hpp), whose
// pointer the entry holds.
//
// Fault model: the entry carries its node, so a pause defers entries and a crash sweeps them
// without reading the work they hold.
//
// Determinism: where the work lives changes nothing about when it runs: the queue orders
// entries by (time, posting order), whatever they hold.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

#include "sim/kernel/assert.hpp"
#include "sim/kernel/event.hpp"

namespace sim {

/// Whether moving a T by copying its bytes to another address, and forgetting the original
/// without destroying it, is the same as moving it and destroying the moved-from original. True
/// of trivially copyable types. A type that owns something through a pointer may opt in, by
/// specializing this, when nothing points at it while it is queued and a moved-from one owns
/// nothing.
template <class T>
inline constexpr bool relocatable_by_bytes = std::is_trivially_copyable_v<T>;

/// How many leading words of a T point at what running it reads first (say a coroutine's
/// frames), worth fetching into the cache while earlier events run. A hint only: a wrong
/// address is never read, only fetched.
template <class T>
inline constexpr unsigned hot_pointer_words = 0;

/// How to run or drop what one kind of entry holds: one constant per type of work.
struct EntryKind {
  /// Runs the work held in `payload` (of an entry already taken off the queue) and ends it.
  void (*run)(std::byte* payload, EventPool& pool);
  /// Ends the work without running it: a crashed node's, or any at the World's end.
  void (*drop)(std::byte* payload, EventPool& pool);
};

namespace detail {

template <class F, class Call>
void run_held(std::byte* payload, EventPool&) {
  F& held = *std::launder(reinterpret_cast<F*>(payload));
  // Moved out first, as a pooled event's work is: if it throws, nothing is left half-owned.
  F work(std::move(held));
  held.~F();
  Call{}(work);
}

template <class F>
void drop_held(std::byte* payload, EventPool&) {
  std::launder(reinterpret_cast<F*>(payload))->~F();
}

inline Event* held_event(const std::byte* payload) {
  Event* event;
  std::memcpy(&event, payload, sizeof event);
  return event;
}

/// Calls a posted callable with no arguments.
struct CallPlain {
  template <class F>
  void operator()(F& f) const {
    std::move(f)();
  }
};

template <class F, class Call>
inline constexpr EntryKind held_kind{&run_held<F, Call>, &drop_held<F>};

inline constexpr EntryKind pooled_kind{
    [](std::byte* payload, EventPool& pool) { held_event(payload)->run_and_free(pool); },
    [](std::byte* payload, EventPool& pool) { held_event(payload)->free(pool); }};

/// Every kind of entry the program has queued, by number, so that an entry names its kind in
/// 32 bits. Append-only: a kind is numbered at its first use (by any thread, under a lock) and
/// keeps its number; number 0 is the pooled kind. A number depends on which kind came first in
/// this process and never reaches a run: it only finds the kind's functions.
class EntryKinds {
public:
  static constexpr std::size_t capacity = 4096;
  static std::uint32_t add(const EntryKind& kind);
  static const EntryKind& at(std::uint32_t number) { return *table_[number]; }

private:
  inline static const EntryKind* table_[capacity] = {&pooled_kind};
};

/// The number of the kind that holds an F run by Call. The function-local constant is
/// initialized once, thread-safely, and every later use synchronizes with that.
template <class F, class Call>
std::uint32_t held_kind_number() {
  static const std::uint32_t number = EntryKinds::add(held_kind<F, Call>);
  return number;
}

}  // namespace detail

/// One pending event, in 32 bytes: the radix heap moves entries between buckets as time
/// advances, so their size is most of the queue's cost at a million pending. Trivially copyable
/// whatever it holds (the queue moves entries by copying them), which is why only work that is
/// relocatable_by_bytes is held inline.
///
/// No incarnation is kept: an entry always belongs to its node's current incarnation, since
/// work for an old one is dropped when posted and a crash sweeps every entry of its node. The
/// kind is kept as its number (detail::EntryKinds), beside its count of hot pointer words, which
/// the World reads for every entry it prefetches for and so needs without another load.
struct QueuedEvent {
  static constexpr std::size_t payload_bytes = 16;
  /// Whether work of type F is held inside the entry rather than in a pooled Event.
  template <class F>
  static constexpr bool holds_inline =
      sizeof(F) <= payload_bytes && alignof(F) <= alignof(std::uint64_t) && relocatable_by_bytes<F>;

  std::int64_t time;
  NodeId node;
  std::uint32_t kind_word;  // bits 0 to 29: the kind's number; 30 and 31: its hot pointer words
  alignas(std::uint64_t) std::byte payload[payload_bytes];

  /// An entry holding `work`, which `Call{}(work)` runs.
  template <class Call = detail::CallPlain, class F>
    requires holds_inline<std::decay_t<F>>
  static QueuedEvent holding(std::int64_t time, NodeId node, F&& work) {
    using Fn = std::decay_t<F>;
    static_assert(hot_pointer_words<Fn> * sizeof(void*) <= sizeof(Fn), "hot pointers lie inside the work");
    QueuedEvent e{time, node, detail::held_kind_number<Fn, Call>() | hot_pointer_words<Fn> << hot_shift, {}};
    new (e.payload) Fn(std::forward<F>(work));
    return e;
  }
  /// An entry pointing at a pooled event.
  static QueuedEvent pooled(std::int64_t time, Event* event) {
    QueuedEvent e{time, event->node(), 1u << hot_shift, {}};  // kind 0; the block is hot
    std::memcpy(e.payload, &event, sizeof event);
    return e;
  }

  /// Runs the work; the entry must be out of the queue (the work may post) and is spent after.
  void run(EventPool& pool) { kind().run(payload, pool); }
  /// Ends the work without running it; the entry is spent after.
  void drop(EventPool& pool) { kind().drop(payload, pool); }
  /// How many of the payload's leading words point at what running it touches first, and the
  /// i-th of them: for fetching it into the cache ahead of time (see hot_pointer_words).
  unsigned hot_pointers() const { return kind_word >> hot_shift; }
  const void* hot_pointer(unsigned i) const {
    const void* target;
    std::memcpy(&target, payload + i * sizeof target, sizeof target);
    return target;
  }

private:
  static constexpr unsigned hot_shift = 30;
  const EntryKind& kind() const { return detail::EntryKinds::at(kind_word & ((1u << hot_shift) - 1)); }
};

static_assert(std::is_trivially_copyable_v<QueuedEvent>, "the queue moves entries by copying them");
static_assert(sizeof(void*) * 2 == QueuedEvent::payload_bytes, "hot_pointer_words counts 8-byte words");
static_assert(sizeof(QueuedEvent) == 32, "an entry is half a cache line");

}  // namespace sim
