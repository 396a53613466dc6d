// Generic key commands: DEL, EXISTS, TYPE, and the expiry family (EXPIRE, PEXPIRE, EXPIREAT,
// PEXPIREAT with Redis 7's NX|XX|GT|LT, TTL, PTTL, PERSIST).
#include <fmt/format.h>

#include <limits>

#include "models/redis/engine/command_table.hpp"

namespace redis::commands {

namespace {

struct ExpireConditions {
  bool nx = false;  ///< only if the key has no TTL
  bool xx = false;  ///< only if the key has a TTL
  bool gt = false;  ///< only if the new deadline is later (no TTL counts as infinite)
  bool lt = false;  ///< only if the new deadline is earlier
};

std::variant<ExpireConditions, Reply> parse_conditions(const Argv& argv) {
  ExpireConditions conditions;
  for (std::size_t j = 3; j < argv.size(); ++j) {
    const std::string& word = argv[j];
    if (is_option(word, "nx")) {
      conditions.nx = true;
    } else if (is_option(word, "xx")) {
      conditions.xx = true;
    } else if (is_option(word, "gt")) {
      conditions.gt = true;
    } else if (is_option(word, "lt")) {
      conditions.lt = true;
    } else {
      return Reply::error(fmt::format("ERR Unsupported option {}", word));
    }
  }
  if (conditions.nx && (conditions.xx || conditions.gt || conditions.lt)) {
    return Reply::error("ERR NX and XX, GT or LT options at the same time are not compatible");
  }
  if (conditions.gt && conditions.lt) {
    return Reply::error("ERR GT and LT options at the same time are not compatible");
  }
  return conditions;
}

bool conditions_hold(const ExpireConditions& conditions, std::optional<std::int64_t> current, std::int64_t deadline) {
  if (conditions.nx && current) return false;
  if (conditions.xx && !current) return false;
  if (conditions.gt && (!current || deadline <= *current)) return false;
  if (conditions.lt && current && deadline >= *current) return false;
  return true;
}

// The deadline in Unix ms for `amount` (seconds or ms) after `base_ms`, or Redis's error when
// the conversion or the sum overflows. Negative deadlines are allowed: they delete the key.
std::optional<std::int64_t> expire_deadline(std::int64_t amount, bool seconds, std::int64_t base_ms) {
  constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t min = std::numeric_limits<std::int64_t>::min();
  if (seconds) {
    if (amount > max / 1000 || amount < min / 1000) return std::nullopt;
    amount *= 1000;
  }
  if (amount > max - base_ms) return std::nullopt;
  return amount + base_ms;
}

// One handler for the four commands: EXPIRE k s, PEXPIRE k ms (relative to now), EXPIREAT k s,
// PEXPIREAT k ms (absolute). Redis 7 propagates the result as PEXPIREAT with the options kept,
// or as DEL when the deadline has already passed.
Reply expire_generic(Call& call, bool seconds, bool relative) {
  if (call.version() == Version::v6_2 && call.argv.size() != 3) return replies::wrong_arity(lowercase(call.argv[0]));
  auto parsed = parse_conditions(call.argv);
  if (auto* error = std::get_if<Reply>(&parsed)) return *error;
  const auto& conditions = std::get<ExpireConditions>(parsed);
  std::optional<std::int64_t> amount = parse_integer(call.argv[2]);
  if (!amount) return replies::not_integer();
  std::optional<std::int64_t> deadline = expire_deadline(*amount, seconds, relative ? call.now_ms() : 0);
  if (!deadline) return replies::invalid_expire_time(call.version(), lowercase(call.argv[0]));
  const std::string& key = call.argv[1];
  Entry* entry = call.find(key);
  if (!entry) return Reply::from_integer(0);
  if (!conditions_hold(conditions, entry->expire_at_ms(), *deadline)) return Reply::from_integer(0);
  if (*deadline <= call.now_ms()) {
    call.keys.erase(key);
    call.propagate({"DEL", key});
    return Reply::from_integer(1);
  }
  call.keys.set_expiry(key, *deadline);
  if (call.version() == Version::v6_2) {
    call.propagate_verbatim();
  } else {
    Argv effect = call.argv;
    effect[0] = "PEXPIREAT";
    effect[2] = std::to_string(*deadline);
    call.propagate(std::move(effect));
  }
  return Reply::from_integer(1);
}

Reply ttl_generic(Call& call, bool milliseconds) {
  Entry* entry = call.find(call.argv[1]);
  if (!entry) return Reply::from_integer(-2);
  std::optional<std::int64_t> deadline = entry->expire_at_ms();
  if (!deadline) return Reply::from_integer(-1);
  std::int64_t remaining = std::max<std::int64_t>(*deadline - call.now_ms(), 0);
  return Reply::from_integer(milliseconds ? remaining : (remaining + 500) / 1000);
}

}  // namespace

Reply del(Call& call) {
  std::int64_t deleted = 0;
  for (std::size_t i = 1; i < call.argv.size(); ++i) {
    const std::string& key = call.argv[i];
    if (call.find(key) && call.keys.erase(key)) ++deleted;
  }
  if (deleted > 0) call.propagate_verbatim();
  return Reply::from_integer(deleted);
}

Reply exists(Call& call) {
  std::int64_t count = 0;
  for (std::size_t i = 1; i < call.argv.size(); ++i) {
    if (call.find(call.argv[i])) ++count;
  }
  return Reply::from_integer(count);
}

Reply type(Call& call) {
  Entry* entry = call.find(call.argv[1]);
  return Reply::status(entry ? type_name(entry->value) : "none");
}

Reply expire(Call& call) { return expire_generic(call, true, true); }
Reply pexpire(Call& call) { return expire_generic(call, false, true); }
Reply expireat(Call& call) { return expire_generic(call, true, false); }
Reply pexpireat(Call& call) { return expire_generic(call, false, false); }

Reply ttl(Call& call) { return ttl_generic(call, false); }
Reply pttl(Call& call) { return ttl_generic(call, true); }

Reply persist(Call& call) {
  const std::string& key = call.argv[1];
  if (!call.find(key) || !call.keys.clear_expiry(key)) return Reply::from_integer(0);
  call.propagate_verbatim();
  return Reply::from_integer(1);
}

}  // namespace redis::commands
