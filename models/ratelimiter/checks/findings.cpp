#include "models/ratelimiter/checks/findings.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "models/ratelimiter/checks/checks.hpp"
#include "models/ratelimiter/checks/pictures.hpp"
#include "models/ratelimiter/recorder.hpp"
#include "models/ratelimiter/text.hpp"

namespace ratelimiter {
namespace {

double per_second(std::uint64_t count, sim::Duration length) {
  return length > sim::Duration::zero() ? static_cast<double>(count) / length.seconds_f() : 0.0;
}

struct Totals {
  std::uint64_t requests = 0, admitted = 0, rejected = 0, unserved = 0, without_redis = 0;
};

Totals totals_of(const Observations& observations) {
  Totals t;
  for (const ServerTally& s : observations.servers) {
    t.requests += s.requests;
    t.admitted += s.admitted;
    t.rejected += s.rejected;
    t.unserved += s.unserved;
    t.without_redis += s.without_redis;
  }
  return t;
}

void add_redis_measures(const Observations& observations, std::map<std::string, double>& measures) {
  std::uint64_t peak = 0, end_bytes = 0, end_keys = 0;
  for (const RedisMemory& server : observations.redis) {
    peak = std::max(peak, server.peak_bytes);
    end_bytes += server.end_bytes;
    end_keys += server.end_keys;
  }
  measures["redis_memory_bytes"] = static_cast<double>(peak);
  // Keys of users who made no request this run cost nothing yet; were every user active at
  // once, each would cost about what an active key costs now.
  double per_key = end_keys == 0 ? 0.0 : static_cast<double>(end_bytes) / static_cast<double>(end_keys);
  measures["redis_bytes_per_key"] = per_key;
  measures["redis_memory_all_keys_bytes"] = per_key * static_cast<double>(observations.population->key_count());
}

void add_measures(const Observations& observations, const sim::Metrics& metrics, const OverAdmission& over,
                  const FalseRejections& rejections, sim::Findings& findings) {
  auto& measures = findings.measures;
  // A run that timed nothing has no latency to report: its requirements read "no samples"
  // (the model names limiter_latency, so they are checked before anything runs).
  const sim::Histogram* latency = metrics.find_histogram(limiter_latency);
  if (latency && latency->count() > 0) {
    measures["limiter_latency_p50"] = static_cast<double>(latency->percentile(50.0));
    measures["limiter_latency_p99"] = static_cast<double>(latency->percentile(99.0));
    measures["limiter_latency_p999"] = static_cast<double>(latency->percentile(99.9));
  }
  Totals t = totals_of(observations);
  measures["requests_per_second"] = per_second(t.requests, observations.length);
  measures["admitted_per_second"] = per_second(t.admitted, observations.length);
  measures["admitted"] = static_cast<double>(t.admitted);
  measures["rejected"] = static_cast<double>(t.rejected);
  measures["unserved"] = static_cast<double>(t.unserved);
  measures["over_admitted_users"] = static_cast<double>(over.users_over);
  measures["over_admitted_requests"] = static_cast<double>(over.admitted_beyond);
  measures["worst_over_admission_ratio"] =
      over.worst ? static_cast<double>(over.worst->most) / static_cast<double>(over.worst->limit) : 0.0;
  measures["false_rejections"] = static_cast<double>(rejections.count);
  measures["redis_unavailable_requests"] = static_cast<double>(t.without_redis);
  measures["users"] = static_cast<double>(observations.population->user_count());
  std::uint64_t keys_held = 0;
  for (const ServerTally& s : observations.servers) keys_held = std::max(keys_held, s.keys_held);
  measures["local_keys_per_server"] = static_cast<double>(keys_held);
  add_redis_measures(observations, measures);
}

sim::Table server_table(const RateLimiterOptions& options, const Observations& observations) {
  sim::Table table;
  table.title = "API servers";
  table.columns = {"server", "requests", "admitted", "rejected", "unserved", "lost", "without Redis"};
  if (options.uses_redis()) table.columns.insert(table.columns.end(), {"Redis timeouts", "Redis errors"});
  if (options.placement == Placement::hybrid) table.columns.push_back("syncs");
  table.columns.insert(table.columns.end(), {"keys in memory", "wall-clock offset at end"});
  for (const ServerTally& s : observations.servers) {
    std::vector<std::string> row{s.name,          group_digits(s.requests), group_digits(s.admitted),
                                 group_digits(s.rejected), group_digits(s.unserved), group_digits(s.lost),
                                 group_digits(s.without_redis)};
    if (options.uses_redis()) row.insert(row.end(), {group_digits(s.redis_timeouts), group_digits(s.redis_errors)});
    if (options.placement == Placement::hybrid) row.push_back(group_digits(s.syncs));
    row.insert(row.end(), {group_digits(s.keys_held), sim::to_string(s.wall_offset_end, 4)});
    table.rows.push_back(std::move(row));
  }
  return table;
}

sim::Table worst_keys_table(const Observations& observations, const OverAdmission& over) {
  const Population& population = *observations.population;
  sim::Table table;
  table.title = "Keys over their limit (worst first)";
  table.columns = {"key", "limit", "busiest window", "over by", "at"};
  for (const KeyPeak& peak : over.top) {
    const Limit& limit = population.limit(peak.key);
    table.rows.push_back({population.key_label(peak.key), sim::to_string(sim::Rate{limit.count, limit.window}),
                          group_digits(peak.most), fmt::format("{:.2f}x", static_cast<double>(peak.most) / peak.limit),
                          sim::to_string(peak.at)});
  }
  return table;
}

}  // namespace

sim::Findings judge(const RateLimiterOptions& options, const Observations& observations, DecisionStream& decisions,
                    const ReleaseHistory* history, const sim::Metrics& metrics) {
  decisions.finish();
  const OverAdmission& over = decisions.over_admission();
  const FalseRejections& rejections = decisions.false_rejections();
  sim::Findings findings;
  findings.checks.push_back(OverAdmissionCheck{}.judge(observations, over));
  findings.checks.push_back(
      FalseRejectionCheck{options.false_rejection_tolerance}.judge(observations, rejections, decisions.requests()));
  findings.checks.push_back(AddedLatencyCheck{options.latency_budget}.run(metrics.find_histogram(limiter_latency)));
  findings.checks.push_back(
      RedisUnavailableCheck{options.placement}.judge(observations, decisions.without_redis(), decisions.requests()));
  findings.checks.push_back(RedisMemoryCheck{options.memory_budget}.run(observations));
  add_measures(observations, metrics, over, rejections, findings);
  findings.tables.push_back(server_table(options, observations));
  if (!over.top.empty()) findings.tables.push_back(worst_keys_table(observations, over));
  if (over.worst && history) findings.plots.push_back(worst_key_plot(observations, *history, *over.worst));
  findings.prevention = prevention(options, observations, findings.checks);
  findings.causes = configured_causes(options, observations);
  return findings;
}

}  // namespace ratelimiter
