#include "models/redis/docs.hpp"

namespace redis {

const std::vector<sim::OptionDoc>& option_docs() {
  static const std::vector<sim::OptionDoc> docs{
      {"version", "the Redis version whose behaviour is simulated"},
      {"masters", "masters; more than one is a Redis Cluster with the 16384 slots split evenly"},
      {"replicas", "replicas per master"},
      {"replication_lag",
       "how long a write waits on the master's side (its output buffer, then the kernel's send buffer) before "
       "it leaves for a replica: master_repl_offset - slave_repl_offset over time"},
      {"send_buffer_bytes",
       "the kernel's share of a replica's unsent stream (a process crash still sends it; a machine crash or a "
       "partition loses it); the rest waits in Redis's own output buffer"},
      {"discovery",
       "sentinel: a client keeps the master it knows and asks Sentinel again after a timeout or READONLY; "
       "instant: every client uses the current master at once"},
      {"min_replicas_to_write",
       "a master refuses writes (NOREPLICAS) unless this many replicas acknowledged recently; 0 disables"},
      {"min_replicas_max_lag",
       "how recent a replica's acknowledgement must be, in whole seconds of the master's clock"},
      {"service_time", "the single thread's time per command, so load queues"},
      {"persistence", "what a write reaches before the reply: none, fsync every second, or fsync always (AOF)"},
      {"active_expiry_hz", "active-expiry cycles per second (Redis hz)"},
      {"failover", "automatic failover by a monitor standing in for Sentinel; writing the section turns it on"},
      {"failover.enabled", "promote a replica when the master is down (true once failover: is written)"},
      {"failover.down_after", "a master silent this long, on the monitor's wall clock, is down"},
      {"failover.ping_period", "how often each instance is probed (default: 1s, or down_after when shorter)"},
      {"failover.failover_timeout", "after a failed attempt, the next waits twice this"},
  };
  return docs;
}

std::vector<sim::OptionDoc> option_docs_under(const std::string& prefix, const std::string& section) {
  std::vector<sim::OptionDoc> docs{{prefix.substr(0, prefix.size() - 1), section}};
  for (const sim::OptionDoc& doc : option_docs()) docs.push_back({prefix + doc.path, doc.text});
  return docs;
}

}  // namespace redis
