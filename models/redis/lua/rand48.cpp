#include "models/redis/lua/rand48.hpp"

namespace redis {

namespace {

constexpr std::uint64_t multiplier = 0x5'DEEC'E66DULL;
constexpr std::uint64_t increment = 0xB;
constexpr std::uint64_t state_mask = (std::uint64_t{1} << 48) - 1;
constexpr std::uint64_t low_word = 0x330E;

}  // namespace

void Rand48::seed(std::int32_t value) {
  auto bits = static_cast<std::uint32_t>(value);
  state_ = (std::uint64_t{bits} << 16) | low_word;
}

std::int32_t Rand48::next() {
  state_ = (multiplier * state_ + increment) & state_mask;
  return static_cast<std::int32_t>(state_ >> 17);
}

double Rand48::next_unit() {
  return static_cast<double>(next() % max) / static_cast<double>(max);
}

}  // namespace redis
