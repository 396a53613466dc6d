#include "models/snowflake/findings.hpp"

namespace snowflake {
namespace {

std::string repeated_ids(const SnowflakeOptions& options) {
  if (!options.collision.empty())
    return "Give every generator its own node id (a lease from ZooKeeper or etcd, or a Kubernetes pod ordinal): nodes "
           "sharing an id issue the same id whenever they stamp the same millisecond and sequence.";
  if (options.last_timestamp == LastTimestampStore::memory)
    return "Persist the last timestamp (a high-water mark written ahead and synced, as last_timestamp: persisted "
           "does) so a restarted generator never reuses a millisecond; a logical clock component kept only in memory "
           "is lost in the crash as well.";
  return "Never let a generator reuse a millisecond: keep last_timestamp across restarts and refuse, wait or go "
         "logical when the clock is behind it.";
}

std::string refused_requests(const SnowflakeOptions& options, const sim::CheckResult& check) {
  bool refused = check.first && check.first->what.find("clock moved backwards") != std::string::npos;
  if (refused && options.on_backwards == OnBackwards::raise)
    return "With on_backwards: raise every request fails while the clock is behind; on_backwards: logical keeps "
           "issuing unique ids (stamped max(wall clock, last timestamp)), wait trades the failures for latency, and "
           "slewing the clock instead of stepping it avoids the backward step altogether.";
  if (refused)
    return "Slew the clock instead of stepping it backwards, or stamp ids with logical time while it is behind.";
  return "Requests to a down generator fail until it restarts: clients should retry on another node, since any "
         "node can issue ids.";
}

}  // namespace

std::string prevention(const SnowflakeOptions& options, const std::vector<sim::CheckResult>& checks) {
  const sim::CheckResult* check = sim::earliest_violation(checks);
  if (!check) return "";
  if (check->name == "uniqueness" || check->name == "monotonicity") return repeated_ids(options);
  std::string sentence;
  if (check->name == "availability") sentence = refused_requests(options, *check);
  if (check->name == "k_sortedness")
    sentence = "Keep the nodes' clocks within the bound (NTP with tight offsets), or accept that ids from different "
               "nodes sort only as well as their clocks agree.";
  // Duplicates matter more than whatever broke first: say how to prevent them too.
  for (const sim::CheckResult& other : checks)
    if (other.name == "uniqueness" && !other.held) sentence += " Against the duplicate ids: " + repeated_ids(options);
  return sentence;
}

}  // namespace snowflake
