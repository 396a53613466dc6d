#include "models/ratelimiter/algorithms/script_call.hpp"

#include <array>
#include <charconv>

#include "models/ratelimiter/algorithms/scripts.hpp"
#include "models/ratelimiter/algorithms/units.hpp"
#include "models/redis/lua/sha1.hpp"

namespace ratelimiter {
namespace {

// How long a key must outlive its last write for the algorithm to still need it.
sim::Duration key_ttl(const RateLimiterOptions& options, const Limit& limit) {
  switch (options.algorithm) {
    case Algorithm::token_bucket:  // until an empty bucket is full again, and a window more
      return limit.window * limit.capacity / limit.refill + limit.window;
    case Algorithm::leaky_bucket:  // until the queue has drained, and a window more
      return limit.interval() * (limit.capacity + 1) + limit.window;
    case Algorithm::fixed_window: return limit.window;
    case Algorithm::sliding_window_counter: return limit.window * 2;
    case Algorithm::sliding_window_log: break;  // the spec's script sets its own EXPIRE
  }
  return limit.window;
}

// The SHA-1 of each script, hashed once per (algorithm, source, member), in a fixed table.
const std::string& decision_script_sha(Algorithm algorithm, NowSource source, Member member) {
  static const auto table = [] {
    std::array<std::array<std::array<std::string, 2>, 2>, 5> shas;
    for (int a = 0; a < 5; ++a) {
      for (int s = 0; s < 2; ++s)
        for (int m = 0; m < 2; ++m)
          shas[a][s][m] = redis::sha1_hex(
              decision_script(static_cast<Algorithm>(a), static_cast<NowSource>(s), static_cast<Member>(m)));
    }
    return shas;
  }();
  return table[static_cast<int>(algorithm)][static_cast<int>(source)][static_cast<int>(member)];
}

}  // namespace

bool uses_request_id(const RateLimiterOptions& options) {
  return options.algorithm == Algorithm::sliding_window_log && options.member == Member::request_id;
}

bool is_noscript(const redis::Reply& reply) { return reply.is_error() && reply.text.starts_with("NOSCRIPT "); }

std::vector<std::string> decision_command(const RateLimiterOptions& options, const std::string& key, const Limit& limit,
                                          sim::WallTime now, ScriptBy by) {
  std::vector<std::string> argv;
  argv.reserve(10);
  if (by == ScriptBy::sha) {
    argv.emplace_back("EVALSHA");
    argv.push_back(decision_script_sha(options.algorithm, options.now_source, options.member));
  } else {
    argv.emplace_back("EVAL");
    argv.push_back(decision_script(options.algorithm, options.now_source, options.member));
  }
  argv.emplace_back("1");
  argv.push_back(key);
  argv.push_back(window_argument(limit.window, options.window_unit));
  argv.push_back(std::to_string(limit.count));
  argv.push_back(options.now_source == NowSource::caller ? now_argument(now, options.now_unit)
                                                         : std::string(to_string(options.now_unit)));
  if (options.algorithm == Algorithm::sliding_window_log) return argv;
  if (options.algorithm == Algorithm::token_bucket) {
    argv.push_back(std::to_string(limit.capacity));
    argv.push_back(std::to_string(limit.refill));
  } else if (options.algorithm == Algorithm::leaky_bucket) {
    argv.push_back(std::to_string(limit.capacity));
  }
  argv.push_back(ttl_argument(key_ttl(options, limit)));
  return argv;
}

std::optional<Decision> read_decision(const RateLimiterOptions& options, const redis::Reply& reply) {
  using Type = redis::Reply::Type;
  if (options.algorithm != Algorithm::leaky_bucket) {
    if (reply.type != Type::integer) return std::nullopt;
    return Decision{reply.integer == 1};
  }
  if (reply.type != Type::array || reply.elements.size() != 2 || reply.elements[0].type != Type::integer ||
      reply.elements[1].type != Type::bulk)
    return std::nullopt;
  if (reply.elements[0].integer != 1) return Decision{false};
  const std::string& text = reply.elements[1].text;
  double wait = 0.0;
  if (std::from_chars(text.data(), text.data() + text.size(), wait).ec != std::errc()) return std::nullopt;
  return Decision{true, duration_in(wait, options.now_unit)};
}

}  // namespace ratelimiter
