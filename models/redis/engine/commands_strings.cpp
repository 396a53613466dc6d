// String commands: GET, SET with its options, and the INCR family.
#include <limits>

#include "models/redis/engine/command_table.hpp"

namespace redis::commands {

namespace {

enum class ExpiryUnit { none, ex, px, exat, pxat };

struct SetOptions {
  bool nx = false;
  bool xx = false;
  bool get = false;
  bool keep_ttl = false;
  ExpiryUnit expiry = ExpiryUnit::none;
  const std::string* expiry_argument = nullptr;
};

// An expiry option is accepted when no other expiry (nor KEEPTTL) came before it; repeating
// the same one is allowed and the last value wins, as in Redis.
bool expiry_allowed(const SetOptions& options, ExpiryUnit unit) {
  return !options.keep_ttl && (options.expiry == ExpiryUnit::none || options.expiry == unit);
}

std::optional<SetOptions> parse_set_options(const Argv& argv, Version version) {
  SetOptions options;
  bool v6 = version == Version::v6_2;
  constexpr std::pair<std::string_view, ExpiryUnit> expiries[] = {
      {"ex", ExpiryUnit::ex}, {"px", ExpiryUnit::px}, {"exat", ExpiryUnit::exat}, {"pxat", ExpiryUnit::pxat}};
  for (std::size_t j = 3; j < argv.size(); ++j) {
    const std::string& word = argv[j];
    bool has_next = j + 1 < argv.size();
    if (is_option(word, "nx") && !options.xx && !(v6 && options.get)) {
      options.nx = true;
    } else if (is_option(word, "xx") && !options.nx) {
      options.xx = true;
    } else if (is_option(word, "get") && !(v6 && options.nx)) {
      options.get = true;
    } else if (is_option(word, "keepttl") && options.expiry == ExpiryUnit::none) {
      options.keep_ttl = true;
    } else {
      bool matched = false;
      for (const auto& [name, unit] : expiries) {
        if (is_option(word, name) && expiry_allowed(options, unit) && has_next) {
          options.expiry = unit;
          options.expiry_argument = &argv[++j];
          matched = true;
          break;
        }
      }
      if (!matched) return std::nullopt;
    }
  }
  return options;
}

// The absolute deadline in Unix ms for SET's expiry option, or Redis's error.
std::variant<std::int64_t, Reply> set_deadline(const Call& call, const SetOptions& options) {
  std::optional<std::int64_t> amount = parse_integer(*options.expiry_argument);
  if (!amount) return replies::not_integer();
  bool seconds = options.expiry == ExpiryUnit::ex || options.expiry == ExpiryUnit::exat;
  bool relative = options.expiry == ExpiryUnit::ex || options.expiry == ExpiryUnit::px;
  std::int64_t ms = *amount;
  if (ms <= 0 || (seconds && ms > std::numeric_limits<std::int64_t>::max() / 1000)) {
    return replies::invalid_expire_time(call.version(), "set");
  }
  if (seconds) ms *= 1000;
  if (relative && __builtin_add_overflow(ms, call.now_ms(), &ms)) {
    return replies::invalid_expire_time(call.version(), "set");
  }
  if (ms <= 0) return replies::invalid_expire_time(call.version(), "set");
  return ms;
}

// SET propagates without its GET words; with an expiry, Redis 7 rewrites it whole as
// SET key value PXAT <deadline>.
void propagate_set(Call& call, const SetOptions& options, std::optional<std::int64_t> deadline) {
  if (deadline && call.version() == Version::v7_0) {
    call.propagate({"SET", call.argv[1], call.argv[2], "PXAT", std::to_string(*deadline)});
    return;
  }
  if (!options.get) {
    call.propagate_verbatim();
    return;
  }
  Argv effect;
  for (std::size_t j = 0; j < call.argv.size(); ++j) {
    if (j >= 3 && is_option(call.argv[j], "get")) continue;
    effect.push_back(call.argv[j]);
  }
  call.propagate(std::move(effect));
}

Reply increment(Call& call, std::int64_t delta) {
  const std::string& key = call.argv[1];
  auto typed = find_as<std::string>(call, key);
  if (typed.wrong_type()) return replies::wrong_type();
  std::int64_t current = 0;
  if (typed.value) {
    std::optional<std::int64_t> parsed = parse_integer(*typed.value);
    if (!parsed) return replies::not_integer();
    current = *parsed;
  }
  std::int64_t result = 0;
  if (__builtin_add_overflow(current, delta, &result)) return replies::overflow();
  if (typed.value) {
    *typed.value = std::to_string(result);  // in place: the key keeps its TTL
  } else {
    call.keys.put(key, std::to_string(result));
  }
  call.propagate_verbatim();
  return Reply::from_integer(result);
}

}  // namespace

Reply get(Call& call) {
  auto typed = find_as<std::string>(call, call.argv[1]);
  if (typed.wrong_type()) return replies::wrong_type();
  if (!typed.value) return Reply::null();
  return Reply::bulk(*typed.value);
}

Reply set(Call& call) {
  std::optional<SetOptions> options = parse_set_options(call.argv, call.version());
  if (!options) return replies::syntax_error();
  std::optional<std::int64_t> deadline;
  if (options->expiry != ExpiryUnit::none) {
    auto parsed = set_deadline(call, *options);
    if (auto* error = std::get_if<Reply>(&parsed)) return *error;
    deadline = std::get<std::int64_t>(parsed);
  }
  Reply previous = Reply::null();
  if (options->get) {
    previous = get(call);
    if (previous.is_error()) return previous;
  }
  const std::string& key = call.argv[1];
  bool found = call.find(key) != nullptr;
  if ((options->nx && found) || (options->xx && !found)) return previous;
  call.keys.put(key, call.argv[2], options->keep_ttl);
  if (deadline) call.keys.set_expiry(key, *deadline);
  propagate_set(call, *options, deadline);
  return options->get ? previous : Reply::ok();
}

Reply incr(Call& call) { return increment(call, 1); }

Reply decr(Call& call) { return increment(call, -1); }

Reply incrby(Call& call) {
  std::optional<std::int64_t> delta = parse_integer(call.argv[2]);
  if (!delta) return replies::not_integer();
  return increment(call, *delta);
}

Reply decrby(Call& call) {
  std::optional<std::int64_t> delta = parse_integer(call.argv[2]);
  if (!delta) return replies::not_integer();
  if (*delta == std::numeric_limits<std::int64_t>::min()) return Reply::error("ERR decrement would overflow");
  return increment(call, -*delta);
}

}  // namespace redis::commands
