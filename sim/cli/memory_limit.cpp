#include "sim/cli/memory_limit.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>
#include <utility>

#if defined(__SANITIZE_ADDRESS__)
#define DESIGNSIM_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DESIGNSIM_ADDRESS_SANITIZER 1
#endif
#endif

namespace sim::cli {
namespace {

std::string limit_text;  // the CLI's own state: one process, one limit

std::optional<int> unit_shift(std::string_view unit) {
  constexpr std::pair<std::string_view, int> units[] = {
      {"B", 0}, {"K", 10}, {"KiB", 10}, {"M", 20}, {"MiB", 20}, {"G", 30}, {"GiB", 30}, {"T", 40}, {"TiB", 40}};
  for (const auto& [name, shift] : units)
    if (unit == name) return shift;
  return std::nullopt;
}

}  // namespace

std::optional<std::uint64_t> parse_memory_size(std::string_view text) {
  std::uint64_t count = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (error != std::errc() || end == text.data() || count == 0) return std::nullopt;
  std::optional<int> shift = unit_shift(text.substr(static_cast<std::size_t>(end - text.data())));
  if (!shift || count > (UINT64_MAX >> *shift)) return std::nullopt;
  return count << *shift;
}

void apply_memory_limit(std::uint64_t bytes) {
#ifdef DESIGNSIM_ADDRESS_SANITIZER
  (void)bytes;
  throw std::runtime_error(
      "cannot be enforced in a build with AddressSanitizer, which reserves terabytes of address space for its "
      "shadow memory; use the optimised build");
#else
  rlimit limit{};
  if (getrlimit(RLIMIT_AS, &limit) != 0) throw std::runtime_error(std::strerror(errno));
  if (limit.rlim_max != RLIM_INFINITY && bytes > limit.rlim_max)
    throw std::runtime_error("is above this process's hard limit on address space");
  limit.rlim_cur = bytes;
  if (setrlimit(RLIMIT_AS, &limit) != 0) throw std::runtime_error(std::strerror(errno));
#endif
}

const std::string& memory_limit_text() { return limit_text; }

void set_memory_limit_text(std::string text) { limit_text = std::move(text); }

}  // namespace sim::cli
