// The event queue keeps (time, posting order) exactly: the radix heap against a plain sorted
// reference, over random mixes of pushes (many ties, many at the current time), pops and removals.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/kernel/event_queue.hpp"
#include "sim/kernel/random.hpp"

namespace {

struct Item {
  std::int64_t time;
  std::uint64_t seq;  // the posting order, which the queue must keep without being told
};

/// The reference: every pending item, popped by least (time, seq).
class SortedReference {
public:
  void push(const Item& item) { items_.push_back(item); }
  Item pop() {
    auto least = std::min_element(items_.begin(), items_.end(), [](const Item& a, const Item& b) {
      return a.time != b.time ? a.time < b.time : a.seq < b.seq;
    });
    Item item = *least;
    items_.erase(least);
    return item;
  }
  template <class Pred>
  void remove_if(Pred drop) {
    items_.erase(std::remove_if(items_.begin(), items_.end(), drop), items_.end());
  }
  std::size_t size() const { return items_.size(); }

private:
  std::vector<Item> items_;
};

/// A delay with many ties: zero (due now) a quarter of the time, else from one of a few scales.
std::int64_t draw_delay(sim::Rng& rng) {
  std::uint64_t pick = rng.below(8);
  if (pick < 2) return 0;
  if (pick < 4) return static_cast<std::int64_t>(rng.below(4));
  if (pick < 7) return static_cast<std::int64_t>(rng.below(1'000));
  return static_cast<std::int64_t>(rng.below(std::uint64_t{1} << 40));
}

}  // namespace

TEST_CASE("the radix event queue pops in (time, posting order), as a sorted list does", "[world]") {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    sim::Rng rng = sim::Rng::stream(seed, "test/event_queue");
    sim::RadixQueue<Item> queue;
    SortedReference reference;
    std::int64_t now = static_cast<std::int64_t>(seed) - 10;  // negative times order too
    std::uint64_t seq = 0;
    for (int step = 0; step < 4'000; ++step) {
      std::uint64_t action = rng.below(16);
      if (action < 8 || queue.empty()) {
        Item item{now + draw_delay(rng), seq++};
        queue.push(item);
        reference.push(item);
      } else if (action < 15) {
        Item got = queue.pop();
        Item expected = reference.pop();
        REQUIRE(got.time == expected.time);
        REQUIRE(got.seq == expected.seq);
        now = got.time;
      } else {
        std::uint64_t modulus = 3 + rng.below(5);
        auto drop = [modulus](const Item& item) { return item.seq % modulus == 0; };
        queue.remove_if(drop);
        reference.remove_if(drop);
      }
      REQUIRE(queue.size() == reference.size());
    }
    while (!queue.empty()) {
      Item got = queue.pop();
      Item expected = reference.pop();
      REQUIRE(got.time == expected.time);
      REQUIRE(got.seq == expected.seq);
    }
  }
}

TEST_CASE("the radix event queue orders times that differ in any digit, and peeks without moving", "[world]") {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    sim::Rng rng = sim::Rng::stream(seed, "test/event_queue/wide");
    sim::RadixQueue<Item> queue;
    SortedReference reference;
    std::int64_t now = -(std::int64_t{1} << 40);
    std::uint64_t seq = 0;
    for (int step = 0; step < 3'000; ++step) {
      if (rng.below(2) == 0 || queue.empty()) {
        // A delay whose highest bit is anywhere from 0 to 48 (so 3,000 steps cannot overflow), so
        // twelve levels of digits are used, and the times cross zero.
        auto bits = static_cast<unsigned>(rng.below(49));
        Item item{now + static_cast<std::int64_t>(rng.below(std::uint64_t{1} << bits)), seq++};
        queue.push(item);
        reference.push(item);
      } else {
        std::int64_t peeked = queue.next_time();
        std::size_t seen = 0;
        queue.for_next(5, [&](const Item&) { ++seen; });
        REQUIRE(seen == std::min<std::size_t>(5, reference.size()));
        Item got = queue.pop();
        Item expected = reference.pop();
        REQUIRE(peeked == expected.time);
        REQUIRE(got.time == expected.time);
        REQUIRE(got.seq == expected.seq);
        now = got.time;
      }
    }
  }
}

TEST_CASE("the radix event queue's room does not grow with the run: far buckets let theirs go", "[world]") {
  // An RPC's pattern: every 14 us a call posts four events 100 us ahead and a timeout 5 s ahead,
  // so about 357,000 timeouts are pending at once. Each far bucket (a 4.3 s span of timeouts)
  // fills once; kept, their rooms added up to 21 times the entries pending after 60 s.
  sim::RadixQueue<Item> queue;
  std::uint64_t seq = 0;
  queue.push(Item{0, seq++});
  std::size_t most_room = 0;
  std::size_t pending = 0;
  for (std::int64_t now = 0; now < 60'000'000'000;) {
    Item item = queue.pop();
    now = item.time;
    if (item.time % 14'000 != 0) continue;  // a delivery or a timeout (never on a call's times)
    queue.push(Item{now + 14'000, seq++});
    queue.push(Item{now + 100'000, seq++});
    queue.push(Item{now + 100'001, seq++});
    queue.push(Item{now + 100'002, seq++});
    queue.push(Item{now + 100'003, seq++});
    queue.push(Item{now + 5'000'000'000, seq++});
    if (now > 10'000'000'000) {
      most_room = std::max(most_room, queue.room());
      pending = std::max(pending, queue.size());
    }
  }
  REQUIRE(pending > 300'000);
  CHECK(most_room < 3 * pending);
}
