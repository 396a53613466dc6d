#include "models/etcd/commands.hpp"

#include <fmt/format.h>

#include <charconv>
#include <sstream>

#include "sim/kernel/assert.hpp"

namespace etcd {
namespace {

void require_no_space(const std::string& text) {
  SIM_ASSERT(text.find(' ') == std::string::npos && !text.empty(), "a lock name must be one word: '" + text + "'");
}

}  // namespace

std::string grant_command(sim::Duration ttl) { return fmt::format("grant {}", ttl.ns()); }
std::string revoke_command(LeaseId lease) { return fmt::format("revoke {}", lease); }

std::string acquire_command(const std::string& name, LeaseId lease) {
  require_no_space(name);
  return fmt::format("acquire {} {}", name, lease);
}

std::string release_command(const std::string& name, LeaseId lease) {
  require_no_space(name);
  return fmt::format("release {} {}", name, lease);
}

std::string guarded_put_command(const std::string& key, Revision revision, const std::string& tag) {
  require_no_space(key);
  require_no_space(tag);
  return fmt::format("guarded_put {} {} {}", key, revision, tag);
}

std::string lock_key(const std::string& name, LeaseId lease) { return fmt::format("{}/{:016x}", name, lease); }

LeaseId lease_of_key(const std::string& key) {
  std::size_t slash = key.rfind('/');
  LeaseId lease = 0;
  if (slash != std::string::npos) std::from_chars(key.data() + slash + 1, key.data() + key.size(), lease, 16);
  return lease;
}

std::string encode(const AcquireAnswer& answer) {
  if (!answer.lease_found) return "no_lease";
  return fmt::format("ok {} {} {} {}", answer.key, answer.create_revision, answer.holds ? 1 : 0,
                     answer.predecessor.empty() ? "-" : answer.predecessor);
}

std::optional<AcquireAnswer> decode_acquire(const std::string& text) {
  AcquireAnswer answer;
  if (text == "no_lease") return answer;
  std::istringstream in(text);
  std::string ok, predecessor;
  int holds = 0;
  if (!(in >> ok >> answer.key >> answer.create_revision >> holds >> predecessor) || ok != "ok") return std::nullopt;
  answer.lease_found = true;
  answer.holds = holds == 1;
  if (predecessor != "-") answer.predecessor = predecessor;
  return answer;
}

}  // namespace etcd
