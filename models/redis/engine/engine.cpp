#include "models/redis/engine/engine.hpp"

#include <variant>

#include "models/redis/engine/command_table.hpp"
#include "models/redis/engine/keyspace.hpp"

namespace redis {

struct Engine::Impl {
  Keyspace keys;
};

namespace {

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
  Reply reply = spec->handler(call);
  // Every write command here acts on the key in argv[1] (DEL's other keys and FLUSHALL only
  // remove keys, which takes their bytes along).
  if (spec->is_write && argv.size() > 1) impl_->keys.reaccount(argv[1]);
  return reply;
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
  const Entry* entry = impl_->keys.peek(key);
  if (entry == nullptr) return std::nullopt;
  if (const auto* text = std::get_if<std::string>(&entry->value)) return *text;
  return std::nullopt;
}

std::map<std::string, std::uint64_t> Engine::memory_by_type() const {
  std::map<std::string, std::uint64_t> bytes;
  for (std::size_t type = 0; type < 3; ++type) bytes[value_type_names[type]] = impl_->keys.bytes_by_type()[type];
  return bytes;
}

std::uint64_t Engine::memory_bytes() const {
  const auto& bytes = impl_->keys.bytes_by_type();
  return bytes[0] + bytes[1] + bytes[2];
}

std::uint64_t Engine::memory_bytes_recounted() const {
  auto bytes = impl_->keys.recount_bytes();
  return bytes[0] + bytes[1] + bytes[2];
}

const char* to_string(Version version) {
  switch (version) {
    case Version::v6_2: return "6.2";
    case Version::v7_0: return "7.0";
  }
  return "?";
}

}  // namespace redis
