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

/// The payload's word at `index`, stored as it is.
inline std::uint64_t word_at(const std::byte* payload, std::size_t index) {
  std::uint64_t word;
  std::memcpy(&word, payload + index * sizeof word, sizeof word);
  return word;
}

/// The two 48-bit words QueuedEvent::packing stored in 12 bytes: the first in the low 48 bits of
/// the first 8 bytes, the second in their top 16 bits and the 4 bytes after.
inline void unpack_words(const std::byte* payload, std::uint64_t (&words)[2]) {
  std::uint64_t low = word_at(payload, 0);
  std::uint32_t high;
  std::memcpy(&high, payload + sizeof low, sizeof high);
  words[0] = low & ((std::uint64_t{1} << 48) - 1);
  words[1] = low >> 48 | std::uint64_t{high} << 16;
}

/// Work of 16 bytes held packed, restored to its own bytes on the C++ stack.
template <class F>
struct Unpacked {
  explicit Unpacked(const std::byte* payload) {
    std::uint64_t words[2];
    unpack_words(payload, words);
    std::memcpy(bytes, words, sizeof words);
  }
  F& work() { return *std::launder(reinterpret_cast<F*>(bytes)); }
  alignas(F) std::byte bytes[sizeof(F)];
};

template <class F, class Call>
void run_packed(std::byte* payload, EventPool& pool) {
  Unpacked<F> unpacked(payload);
  run_held<F, Call>(unpacked.bytes, pool);
}

template <class F>
void drop_packed(std::byte* payload, EventPool&) {
  Unpacked<F> unpacked(payload);
  unpacked.work().~F();
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

template <class F, class Call>
inline constexpr EntryKind packed_kind{&run_packed<F, Call>, &drop_packed<F>};

inline constexpr EntryKind pooled_kind{
    [](std::byte* payload, EventPool& pool) { held_event(payload)->run_and_free(pool); },
    [](std::byte* payload, EventPool& pool) { held_event(payload)->free(pool); }};

/// Every kind of entry the program has queued, by number, so that an entry names its kind in
/// 12 bits. Append-only: a kind is numbered at its first use (by any thread, under a lock) and
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

/// The number of the kind that holds an F packed (QueuedEvent::packing), run by Call.
template <class F, class Call>
std::uint32_t packed_kind_number() {
  static const std::uint32_t number = EntryKinds::add(packed_kind<F, Call>);
  return number;
}

}  // namespace detail

/// One pending event, in 24 bytes: the radix heap moves entries between buckets as time
/// advances, so their size is most of the queue's cost at a million pending (entries of 32 bytes
/// measured 1.24 times the plain radix heap's 24 at 10^6; see the README's kernel benchmark).
/// Trivially copyable whatever it holds (the queue moves entries by copying them), which is why
/// only work that is relocatable_by_bytes is held inline.
///
/// The payload is 12 bytes. Work of at most 8 bytes (a load generator's `[this]`) is stored
/// there as it is. Work of 16 bytes (a sleeping coroutine's handler, two pointers; an RPC's
/// timeout, a pointer and a packed word) is stored packed, each of its two words in 48 bits,
/// when both words are below 2^48, as user-space pointers on x86-64 and AArch64 are; work whose
/// words do not fit takes a pooled block instead (World::schedule_call), which changes where it
/// lives and nothing about when it runs.
///
/// No incarnation is kept: an entry always belongs to its node's current incarnation, since
/// work for an old one is dropped when posted and a crash sweeps every entry of its node. The
/// node, the kind's number (detail::EntryKinds) and how its hot pointers are kept share one
/// 32-bit word, which the World reads for every entry it prefetches for and so needs without
/// another load.
struct QueuedEvent {
  static constexpr std::size_t payload_bytes = 12;
  /// Nodes an entry can name: 18 bits, the last value standing for no_node.
  static constexpr unsigned node_bits = 18;
  static constexpr NodeId max_nodes = (NodeId{1} << node_bits) - 1;

  /// Whether work of type F is stored in the payload as it is.
  template <class F>
  static constexpr bool fits_inline = sizeof(F) <= payload_bytes && alignof(F) <= alignof(std::uint64_t) &&
                                      (alignof(F) < alignof(std::uint64_t) || sizeof(F) <= 8) &&
                                      relocatable_by_bytes<F>;
  /// Whether work of type F is stored packed when its two words fit 48 bits each (packable).
  template <class F>
  static constexpr bool packs_inline = !fits_inline<F> && sizeof(F) == 16 &&
                                       alignof(F) <= alignof(std::uint64_t) && relocatable_by_bytes<F>;
  /// Whether work of type F may ride in the entry (always, or when its words fit).
  template <class F>
  static constexpr bool holds_inline = fits_inline<F> || packs_inline<F>;

  std::int64_t time;
  alignas(std::uint64_t) std::byte payload[payload_bytes];
  std::uint32_t word;  // bits 0 to 17: the node; 18 to 29: the kind's number; 30 and 31: the hot pointers

  NodeId node() const {
    NodeId n = word & max_nodes;
    return n == max_nodes ? no_node : n;
  }

  /// An entry holding `work` as it is, which `Call{}(work)` runs.
  template <class Call = detail::CallPlain, class F>
    requires fits_inline<std::decay_t<F>>
  static QueuedEvent holding(std::int64_t time, NodeId node, F&& work) {
    using Fn = std::decay_t<F>;
    static_assert(hot_pointer_words<Fn> * sizeof(void*) <= sizeof(Fn), "hot pointers lie inside the work");
    QueuedEvent e{time, {}, pack_word(node, detail::held_kind_number<Fn, Call>(),
                                      hot_pointer_words<Fn> > 0 ? hot_direct : hot_none)};
    new (e.payload) Fn(std::forward<F>(work));
    return e;
  }
  /// Whether the bytes of `work` (an Fn of 16 bytes, already moved where it will be relocated
  /// from) fit the payload packed: both of its words below 2^48.
  static bool packable(const std::byte* work) {
    std::uint64_t words[2];
    std::memcpy(words, work, sizeof words);
    return ((words[0] | words[1]) >> 48) == 0;
  }
  /// An entry holding the Fn whose bytes are at `work` (packable), packed, which `Call{}(work)`
  /// runs. The entry owns it after: the Fn at `work` must be forgotten, not destroyed.
  template <class Call, class Fn>
    requires packs_inline<Fn>
  static QueuedEvent packing(std::int64_t time, NodeId node, const std::byte* work) {
    static_assert(hot_pointer_words<Fn> <= 2);
    std::uint64_t words[2];
    std::memcpy(words, work, sizeof words);
    std::uint32_t hot = hot_pointer_words<Fn> == 2   ? hot_packed_two
                        : hot_pointer_words<Fn> == 1 ? hot_packed_one
                                                     : hot_none;
    QueuedEvent e{time, {}, pack_word(node, detail::packed_kind_number<Fn, Call>(), hot)};
    std::uint64_t low = words[0] | words[1] << 48;
    auto high = static_cast<std::uint32_t>(words[1] >> 16);
    std::memcpy(e.payload, &low, sizeof low);
    std::memcpy(e.payload + sizeof low, &high, sizeof high);
    return e;
  }
  /// An entry pointing at a pooled event.
  static QueuedEvent pooled(std::int64_t time, Event* event) {
    QueuedEvent e{time, {}, pack_word(event->node(), 0, hot_direct)};  // kind 0; the block is hot
    std::memcpy(e.payload, &event, sizeof event);
    return e;
  }

  /// Runs the work; the entry must be out of the queue (the work may post) and is spent after.
  void run(EventPool& pool) { kind().run(payload, pool); }
  /// Ends the work without running it; the entry is spent after.
  void drop(EventPool& pool) { kind().drop(payload, pool); }
  /// Calls `f` with each pointer to what running the work touches first, for fetching it into
  /// the cache ahead of time (see hot_pointer_words).
  template <class F>
  void for_hot_pointers(F f) const {
    std::uint32_t hot = word >> hot_shift;
    if (hot == hot_none) return;
    if (hot == hot_direct) {
      f(pointer(detail::word_at(payload, 0)));
      return;
    }
    std::uint64_t words[2];
    detail::unpack_words(payload, words);
    f(pointer(words[0]));
    if (hot == hot_packed_two) f(pointer(words[1]));
  }

private:
  static constexpr unsigned kind_shift = node_bits;
  static constexpr unsigned hot_shift = 30;
  static constexpr std::uint32_t hot_none = 0;        // nothing worth fetching
  static constexpr std::uint32_t hot_direct = 1;      // the payload's first word, stored as it is
  static constexpr std::uint32_t hot_packed_two = 2;  // both packed words
  static constexpr std::uint32_t hot_packed_one = 3;  // the first packed word

  static std::uint32_t pack_word(NodeId node, std::uint32_t kind, std::uint32_t hot) {
    SIM_ASSERT(node == no_node || node < max_nodes, "a node beyond what a queue entry can name");
    SIM_ASSERT(kind < detail::EntryKinds::capacity, "a kind beyond what a queue entry can name");
    return (node == no_node ? max_nodes : node) | kind << kind_shift | hot << hot_shift;
  }
  static const void* pointer(std::uint64_t word) {
    return reinterpret_cast<const void*>(static_cast<std::uintptr_t>(word));
  }
  const EntryKind& kind() const {
    return detail::EntryKinds::at((word >> kind_shift) & (detail::EntryKinds::capacity - 1));
  }
};

static_assert(std::is_trivially_copyable_v<QueuedEvent>, "the queue moves entries by copying them");
static_assert(sizeof(QueuedEvent) == 24, "an entry is three words");
static_assert(detail::EntryKinds::capacity == std::size_t{1} << (30 - QueuedEvent::node_bits),
              "the kind's number fills the bits between the node and the hot pointers");

}  // namespace sim
