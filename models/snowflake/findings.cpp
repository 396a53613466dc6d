#include "models/snowflake/findings.hpp"

#include <algorithm>

#include "models/snowflake/checks.hpp"
#include "models/snowflake/pictures.hpp"
#include "models/snowflake/rates.hpp"
#include "models/snowflake/recorder.hpp"
#include "models/snowflake/text.hpp"

namespace snowflake {
namespace {

void add_measures(const Observations& observations, const sim::Metrics& metrics, const Duplicates& duplicates,
                  const KSortedness& k, sim::Findings& findings) {
  auto& measures = findings.measures;
  if (const sim::Histogram* latency = metrics.find_histogram(generate_latency)) {
    measures["generate_latency_p50"] = static_cast<double>(latency->percentile(50.0));
    measures["generate_latency_p99"] = static_cast<double>(latency->percentile(99.0));
    measures["generate_latency_p999"] = static_cast<double>(latency->percentile(99.9));
  }
  std::vector<std::uint64_t> issued = issued_within_length(observations);
  std::uint64_t busiest = 0;
  std::uint64_t total = 0;
  for (std::uint64_t count : issued) {
    busiest = std::max(busiest, count);
    total += count;
  }
  measures["ids_per_second"] = per_second(total, observations.length);
  measures["max_node_ids_per_second"] = per_second(busiest, observations.length);
  measures["duplicate_ids"] = static_cast<double>(duplicates.count);
  measures["failed_requests"] = static_cast<double>(observations.failed.size());
  measures["k_sortedness_ms"] = static_cast<double>(k.gap.ns()) / 1e6;
}

sim::Table node_table(const SnowflakeOptions& options, const Observations& observations) {
  bool waits_for_clock = options.on_backwards == OnBackwards::wait;
  bool logical = options.on_backwards == OnBackwards::logical;
  bool persisted = options.last_timestamp == LastTimestampStore::persisted;
  sim::Table table;
  table.title = "Generator nodes";
  table.columns = {"node", "node id", "requests", "ids issued", "failed", "waits for next ms", "ids/s"};
  if (waits_for_clock) table.columns.push_back("waits for clock");
  if (logical) table.columns.push_back("logical ids");
  if (persisted) table.columns.push_back("mark syncs");
  table.columns.insert(table.columns.end(), {"queued at end", "wall-clock offset at end"});
  std::vector<std::uint64_t> issued = issued_within_length(observations);
  for (std::size_t i = 0; i < observations.nodes.size(); ++i) {
    const NodeTally& node = observations.nodes[i];
    std::vector<std::string> row{node.name,
                                 std::to_string(node.node_id),
                                 group_digits(node.requests),
                                 group_digits(node.issued),
                                 group_digits(node.failed),
                                 group_digits(node.waits_next_millisecond),
                                 per_second_text(per_second(issued[i], observations.length))};
    if (waits_for_clock) row.push_back(group_digits(node.waits_clock_behind));
    if (logical) row.push_back(group_digits(node.logical_ids));
    if (persisted) row.push_back(group_digits(node.mark_syncs));
    row.push_back(group_digits(node.queued_at_end));
    row.push_back(sim::to_string(node.wall_offset_end, 4));
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace

sim::Findings judge(const SnowflakeOptions& options, const Observations& observations, const sim::Metrics& metrics) {
  Duplicates duplicates = find_duplicates(observations.issued);
  KSortedness k = measure_k_sortedness(observations.issued);
  sim::Findings findings;
  findings.checks.push_back(UniquenessCheck{}.judge(observations, duplicates));
  findings.checks.push_back(MonotonicityCheck{}.run(observations));
  findings.checks.push_back(KSortednessCheck{options.k_sorted_bound}.judge(observations, k));
  findings.checks.push_back(AvailabilityCheck{}.run(observations));
  findings.checks.push_back(ThroughputCheck{}.run(observations));
  add_measures(observations, metrics, duplicates, k, findings);
  findings.tables.push_back(node_table(options, observations));
  if (std::optional<sim::Plot> plot = moved_clock_plot(observations)) findings.plots.push_back(std::move(*plot));
  findings.prevention = prevention(options, findings.checks);
  return findings;
}

}  // namespace snowflake
