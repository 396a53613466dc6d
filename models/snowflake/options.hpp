// The Snowflake model's options: one field per key of a scenario's `params:`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/snowflake/generator.hpp"
#include "models/snowflake/id_layout.hpp"
#include "sim/kernel/time.hpp"

namespace sim {
class ParamReader;
}

namespace snowflake {

/// Where last_timestamp lives: only in memory (the spec; lost by a crash) or behind a
/// high-water mark on the node's disk.
enum class LastTimestampStore { memory, persisted };
const char* to_string(LastTimestampStore store);

enum class Arrival { constant, poisson };
const char* to_string(Arrival arrival);

struct SnowflakeOptions {
  int node_count = 4;                       ///< `nodes`: generators gen-0 .. gen-(n-1); 1..1024
  std::int64_t epoch_ms = twitter_epoch_ms;  ///< `epoch`: Unix ms; ids count from here
  OnBackwards on_backwards = OnBackwards::raise;                 ///< `on_backwards`
  LastTimestampStore last_timestamp = LastTimestampStore::memory;  ///< `last_timestamp`
  /// `reserve`: how far past the last timestamp the persisted mark is written (> 0; persisted
  /// only). Larger means fewer disk syncs and a longer wait after a restart.
  sim::Duration reserve = sim::Duration::seconds(1);
  /// `node_id_assignment`: the node id of each node, by node index. Static gives node i id i; a
  /// `collision: [a, b, ...]` gives every listed node the first one's id.
  std::vector<std::int64_t> node_ids;
  std::vector<std::string> collision;           ///< the colliding node names, as written
  sim::Rate rate{1000, sim::Duration::seconds(1)};  ///< `rate`: requests per node; > 0
  Arrival arrival = Arrival::poisson;             ///< `arrival`
  std::optional<int> hot_node;                    ///< `hot_node`: index of the node at hot_rate
  sim::Rate hot_rate{0, sim::Duration::seconds(1)};  ///< `hot_rate`: that node's rate
  sim::Duration service_time = sim::Duration::zero();  ///< `service_time`: per id, >= 0
  sim::Duration skew_spread = sim::Duration::zero();   ///< `skew_spread`: skews uniform in +-spread
  std::int64_t drift_spread_ppm = 0;                   ///< `drift_spread_ppm`: drifts uniform in +-ppm
  /// `skew`: explicit initial wall-clock skews by node index, overriding the spread.
  std::vector<std::pair<int, sim::Duration>> skews;
  std::optional<sim::Duration> k_sorted_bound;  ///< `k_sorted_bound`: k_sortedness fails past it

  std::string node_name(int index) const { return "gen-" + std::to_string(index); }
  sim::Rate rate_of(int index) const { return hot_node == index ? hot_rate : rate; }
};

/// Reads and validates `params:`; throws ScenarioError at the offending key.
SnowflakeOptions read_options(sim::ParamReader& params);

/// The resolved options, in a fixed order, for the head of every run and report.
std::vector<std::pair<std::string, std::string>> describe(const SnowflakeOptions& options);

}  // namespace snowflake
