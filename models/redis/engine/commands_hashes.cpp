// Hash commands: HSET, HGET, HMGET, HDEL, HINCRBY, HGETALL. Fields reply in insertion order.
#include "models/redis/engine/command_table.hpp"

namespace redis::commands {

Reply hset(Call& call) {
  if (call.argv.size() % 2 != 0) return replies::wrong_arity("hset");
  const std::string& key = call.argv[1];
  auto typed = find_as<Hash>(call, key);
  if (typed.wrong_type()) return replies::wrong_type();
  Hash& hash = typed.value ? *typed.value : std::get<Hash>(call.keys.put(key, Hash{}).value);
  // A new hash holds exactly the fields given (less if one repeats): a limiter's million keys.
  if (!typed.value) {
    std::size_t bytes = 0;
    for (std::size_t j = 2; j < call.argv.size(); j += 2) bytes += Hash::packed_bytes(call.argv[j], call.argv[j + 1]);
    hash.reserve(bytes);
  }
  std::int64_t created = 0;
  for (std::size_t j = 2; j < call.argv.size(); j += 2) created += hash.put(call.argv[j], call.argv[j + 1]);
  call.propagate_verbatim();
  return Reply::from_integer(created);
}

Reply hget(Call& call) {
  auto typed = find_as<Hash>(call, call.argv[1]);
  if (typed.wrong_type()) return replies::wrong_type();
  std::optional<std::string_view> value = typed.value ? typed.value->get(call.argv[2]) : std::nullopt;
  return value ? Reply::bulk(std::string(*value)) : Reply::null();
}

// A missing key reads as an empty hash: one nil per field. Another type is WRONGTYPE.
Reply hmget(Call& call) {
  auto typed = find_as<Hash>(call, call.argv[1]);
  if (typed.wrong_type()) return replies::wrong_type();
  std::vector<Reply> out;
  out.reserve(call.argv.size() - 2);
  for (std::size_t j = 2; j < call.argv.size(); ++j) {
    std::optional<std::string_view> value = typed.value ? typed.value->get(call.argv[j]) : std::nullopt;
    out.push_back(value ? Reply::bulk(std::string(*value)) : Reply::null());
  }
  return Reply::array(std::move(out));
}

Reply hdel(Call& call) {
  const std::string& key = call.argv[1];
  auto typed = find_as<Hash>(call, key);
  if (typed.wrong_type()) return replies::wrong_type();
  if (!typed.value) return Reply::from_integer(0);
  std::int64_t deleted = 0;
  for (std::size_t j = 2; j < call.argv.size(); ++j) deleted += typed.value->erase(call.argv[j]);
  call.keys.erase_if_empty(key);
  if (deleted > 0) call.propagate_verbatim();
  return Reply::from_integer(deleted);
}

Reply hincrby(Call& call) {
  std::optional<std::int64_t> delta = parse_integer(call.argv[3]);
  if (!delta) return replies::not_integer();
  const std::string& key = call.argv[1];
  auto typed = find_as<Hash>(call, key);
  if (typed.wrong_type()) return replies::wrong_type();
  std::int64_t current = 0;
  if (typed.value) {
    if (std::optional<std::string_view> text = typed.value->get(call.argv[2])) {
      std::optional<std::int64_t> parsed = parse_integer(*text);
      if (!parsed) return Reply::error("ERR hash value is not an integer");
      current = *parsed;
    }
  }
  std::int64_t result = 0;
  if (__builtin_add_overflow(current, *delta, &result)) return replies::overflow();
  Hash& hash = typed.value ? *typed.value : std::get<Hash>(call.keys.put(key, Hash{}).value);
  hash.put(call.argv[2], std::to_string(result));
  call.propagate_verbatim();
  return Reply::from_integer(result);
}

Reply hgetall(Call& call) {
  auto typed = find_as<Hash>(call, call.argv[1]);
  if (typed.wrong_type()) return replies::wrong_type();
  std::vector<Reply> out;
  if (typed.value) {
    typed.value->for_each([&](std::string_view field, std::string_view value) {
      out.push_back(Reply::bulk(std::string(field)));
      out.push_back(Reply::bulk(std::string(value)));
    });
  }
  return Reply::array(std::move(out));
}

}  // namespace redis::commands
