#include "models/redis/options.hpp"

#include <algorithm>

#include "sim/scenario/param_reader.hpp"

namespace redis {
namespace {

using sim::Duration;

void read_failover(sim::ParamReader& section, RedisOptions& options) {
  bool written = section.has("failover");  // writing the section turns failover on
  sim::ParamReader failover = section.section("failover");
  FailoverOptions& f = options.failover;
  f.enabled = failover.boolean("enabled", written);
  f.down_after = failover.duration("down_after", f.down_after, {Duration::milliseconds(1), Duration::minutes(60)});
  // Sentinel pings every second, or every down_after when that is shorter.
  f.ping_period = failover.duration("ping_period", std::min(f.ping_period, f.down_after),
                                    {Duration::milliseconds(1), f.down_after});
  f.failover_timeout =
      failover.duration("failover_timeout", f.failover_timeout, {Duration::milliseconds(1), Duration::minutes(60)});
  if (f.enabled && options.replicas == 0)
    failover.fail("enabled", "failover needs replicas to promote: set replicas to 1 or more");
}

void read_replication(sim::ParamReader& section, RedisOptions& options) {
  options.replicas = section.integer<int>("replicas", options.replicas, 0, 4);
  options.replication_lag = section.duration_dist("replication_lag", options.replication_lag);
  options.send_buffer_bytes =
      section.integer<std::uint64_t>("send_buffer_bytes", options.send_buffer_bytes, 4096, std::uint64_t{64} << 20);
  options.min_replicas_to_write = section.integer<int>("min_replicas_to_write", 0, 0, 4);
  if (options.min_replicas_to_write > options.replicas)
    section.fail("min_replicas_to_write",
                 "is more than the " + std::to_string(options.replicas) + " replicas per master: no write could pass");
  options.min_replicas_max_lag = section.duration("min_replicas_max_lag", options.min_replicas_max_lag,
                                                  {Duration::seconds(1), Duration::minutes(60)});
}

}  // namespace

const char* to_string(Discovery discovery) {
  switch (discovery) {
    case Discovery::sentinel: return "sentinel";
    case Discovery::instant: return "instant";
  }
  return "?";
}

const char* to_string(Persistence persistence) {
  switch (persistence) {
    case Persistence::none: return "none";
    case Persistence::everysec: return "everysec";
    case Persistence::always: return "always";
  }
  return "?";
}

RedisOptions read_redis_options(sim::ParamReader& section) {
  RedisOptions options;
  options.version = section.choice("version", {"7.0", "6.2"}, "7.0") == "6.2" ? Version::v6_2 : Version::v7_0;
  options.masters = section.integer<int>("masters", options.masters, 1, 16);
  read_replication(section, options);
  options.service_time = section.duration_dist("service_time", options.service_time);
  std::string persistence = section.choice("persistence", {"none", "everysec", "always"}, "none");
  options.persistence = persistence == "always"     ? Persistence::always
                        : persistence == "everysec" ? Persistence::everysec
                                                    : Persistence::none;
  options.active_expiry_hz = section.integer<int>("active_expiry_hz", options.active_expiry_hz, 1, 500);
  read_failover(section, options);
  options.discovery =
      section.choice("discovery", {"sentinel", "instant"}, "sentinel") == "instant" ? Discovery::instant
                                                                                   : Discovery::sentinel;
  section.finish();
  return options;
}

std::vector<std::pair<std::string, std::string>> describe(const RedisOptions& options) {
  std::vector<std::pair<std::string, std::string>> rows;
  rows.emplace_back("version", to_string(options.version));
  rows.emplace_back("masters", std::to_string(options.masters) + (options.cluster() ? " (cluster)" : ""));
  rows.emplace_back("replicas", std::to_string(options.replicas));
  rows.emplace_back("service_time", options.service_time.describe());
  rows.emplace_back("persistence", to_string(options.persistence));
  rows.emplace_back("replication_lag", options.replication_lag.describe());
  if (options.replicas > 0) rows.emplace_back("send_buffer_bytes", std::to_string(options.send_buffer_bytes));
  rows.emplace_back("active_expiry_hz", std::to_string(options.active_expiry_hz));
  rows.emplace_back("min_replicas_to_write", std::to_string(options.min_replicas_to_write));
  if (options.min_replicas_to_write > 0)
    rows.emplace_back("min_replicas_max_lag", sim::to_string(options.min_replicas_max_lag));
  rows.emplace_back("failover.enabled", options.failover.enabled ? "true" : "false");
  if (options.failover.enabled) {
    rows.emplace_back("failover.down_after", sim::to_string(options.failover.down_after));
    rows.emplace_back("failover.ping_period", sim::to_string(options.failover.ping_period));
    rows.emplace_back("failover.failover_timeout", sim::to_string(options.failover.failover_timeout));
    rows.emplace_back("discovery", to_string(options.discovery));
  }
  return rows;
}

}  // namespace redis
