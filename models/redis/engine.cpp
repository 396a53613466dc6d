#include "models/redis/engine.hpp"

#include <variant>

#include "models/redis/command_table.hpp"
#include "models/redis/keyspace.hpp"

namespace redis {

struct Engine::Impl {
  Keyspace keys;
};

namespace {

// Memory estimate, in bytes, loosely after Redis's allocations (dict entry, key sds, robj):
//   every key     key_overhead + key length, plus expiry_overhead if it has a TTL
//   string        string_overhead + value length
//   sorted set    zset_overhead + per member (zset_member_overhead + member length)
//   hash          hash_overhead + per field (hash_field_overhead + field length + value length)
constexpr std::uint64_t key_overhead = 50;
constexpr std::uint64_t expiry_overhead = 24;
constexpr std::uint64_t string_overhead = 16;
constexpr std::uint64_t zset_overhead = 96;
constexpr std::uint64_t zset_member_overhead = 64;
constexpr std::uint64_t hash_overhead = 64;
constexpr std::uint64_t hash_field_overhead = 40;

std::uint64_t value_bytes(const Value& value) {
  if (const auto* text = std::get_if<std::string>(&value)) return string_overhead + text->size();
  if (const auto* zset = std::get_if<SortedSet>(&value)) {
    return zset_overhead + zset_member_overhead * zset->size() + zset->member_bytes();
  }
  const auto& hash = std::get<Hash>(value);
  std::uint64_t bytes = hash_overhead;
  for (const auto& [field, text] : hash.fields()) bytes += hash_field_overhead + field.size() + text.size();
  return bytes;
}

}  // namespace

Engine::Engine(Version version) : impl_(std::make_unique<Impl>()), version_(version) {}

Engine::~Engine() = default;

Reply Engine::execute(const std::vector<std::string>& argv, const ExecContext& ctx) {
  const CommandSpec* spec = argv.empty() ? nullptr : find_command(argv[0]);
  if (spec && spec->scripting && !scripts_) spec = nullptr;
  if (!spec) {
    if (ctx.in_script) return Reply::error("ERR Unknown Redis command called from script");
    return replies::unknown_command(argv, version_);
  }
  if (!arity_accepts(*spec, argv.size())) {
    if (ctx.in_script) return Reply::error("ERR Wrong number of args calling Redis command from script");
    return replies::wrong_arity(spec->name);
  }
  if (ctx.in_script && spec->no_script) return Reply::error("ERR This Redis command is not allowed from script");
  Call call{impl_->keys, ctx, argv, *this};
  return spec->handler(call);
}

std::size_t Engine::active_expire_cycle(std::int64_t now_ms, sim::Rng& rng) {
  return impl_->keys.active_expire_cycle(now_ms, rng);
}

std::vector<std::vector<std::string>> Engine::take_effects() { return impl_->keys.take_effects(); }

bool Engine::is_write(const std::string& command) {
  const CommandSpec* spec = find_command(command);
  return spec != nullptr && spec->is_write;
}

void Engine::set_script_host(std::unique_ptr<ScriptHost> host) { scripts_ = std::move(host); }

void Engine::clear() { impl_->keys.clear(); }

std::size_t Engine::key_count() const { return impl_->keys.size(); }

std::vector<std::string> Engine::keys() const { return impl_->keys.sorted_keys(); }

std::optional<std::string> Engine::peek(const std::string& key) const {
  auto it = impl_->keys.entries().find(key);
  if (it == impl_->keys.entries().end()) return std::nullopt;
  if (const auto* text = std::get_if<std::string>(&it->second.value)) return *text;
  return std::nullopt;
}

std::map<std::string, std::uint64_t> Engine::memory_by_type() const {
  std::map<std::string, std::uint64_t> bytes{{"hash", 0}, {"string", 0}, {"zset", 0}};
  for (const auto& [key, entry] : impl_->keys.entries()) {
    std::uint64_t key_bytes = key_overhead + key.size() + (entry.expire_at_ms() ? expiry_overhead : 0);
    bytes[type_name(entry.value)] += key_bytes + value_bytes(entry.value);
  }
  return bytes;
}

std::uint64_t Engine::memory_bytes() const {
  std::uint64_t total = 0;
  for (const auto& [type, bytes] : memory_by_type()) total += bytes;
  return total;
}

const char* to_string(Version version) {
  switch (version) {
    case Version::v6_2: return "6.2";
    case Version::v7_0: return "7.0";
  }
  return "?";
}

}  // namespace redis
