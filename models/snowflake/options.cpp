#include "sim/scenario/numbered_name.hpp"
#include "models/snowflake/options.hpp"

#include "sim/kernel/clock.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/param_reader.hpp"

namespace snowflake {
namespace {

using sim::Duration;

constexpr std::int64_t day_ms = 86'400'000;
constexpr std::int64_t year_ms = 365 * day_ms;
constexpr std::int64_t wall_start_ms = sim::default_wall_start.unix_ms();
// The load generator schedules one event per request: cap a node's rate where a run of seconds
// stays a run of seconds.
constexpr std::int64_t rate_per_second_max = 100'000'000;
const Duration skew_max = Duration::minutes(60);

// "gen-12" -> 12 when below `node_count`.
std::optional<int> node_index(const std::string& name, int node_count) {
  return sim::numbered_name_index(name, "gen-", node_count);
}

std::string node_names_hint(int node_count) {
  return node_count == 1 ? "the only node is gen-0" : "nodes are gen-0 .. gen-" + std::to_string(node_count - 1);
}

int read_node_name(const sim::MarkedString& name, const std::string& label, int node_count) {
  auto index = node_index(name.text, node_count);
  if (!index)
    throw sim::ScenarioError(name.where,
                             label + ": unknown node '" + name.text + "' (" + node_names_hint(node_count) + ")");
  return *index;
}

sim::Rate read_positive_rate(sim::ParamReader& params, std::string_view key, std::optional<sim::Rate> fallback) {
  sim::Rate rate = fallback ? params.rate(key, *fallback) : params.rate(key);
  if (rate.count <= 0) params.fail(key, "must be more than zero requests");
  auto per_second = static_cast<__int128>(rate.count) * 1'000'000'000 / rate.per.ns();
  if (per_second > rate_per_second_max) params.fail(key, "must be at most 100000/ms per node");
  return rate;
}

void read_node_ids(sim::ParamReader& params, SnowflakeOptions& options) {
  options.node_ids.resize(static_cast<std::size_t>(options.node_count));
  for (int i = 0; i < options.node_count; ++i) options.node_ids[static_cast<std::size_t>(i)] = i;
  auto written = params.value("node_id_assignment");
  if (!written) return;
  if (written->node.IsScalar()) {
    sim::read_choice(*written, {"static"});
    return;
  }
  if (!written->node.IsMap()) written->expected("static or a mapping {collision: [gen-1, gen-2]}");
  sim::ParamReader section = params.section("node_id_assignment");
  std::vector<sim::MarkedString> names = section.marked_strings("collision");
  std::string label = section.label("collision");
  if (names.size() < 2) section.fail("collision", "must list at least two nodes");
  std::vector<int> indices;
  for (const sim::MarkedString& name : names) {
    int index = read_node_name(name, label, options.node_count);
    for (int earlier : indices)
      if (earlier == index) throw sim::ScenarioError(name.where, label + ": " + name.text + " is listed twice");
    indices.push_back(index);
    options.collision.push_back(name.text);
  }
  for (int index : indices) options.node_ids[static_cast<std::size_t>(index)] = indices.front();
}

void read_clocks(sim::ParamReader& params, SnowflakeOptions& options) {
  options.skew_spread = params.duration("skew_spread", Duration::zero(), {Duration::zero(), skew_max});
  options.drift_spread_ppm = params.integer<std::int64_t>("drift_spread_ppm", 0, 0, 100'000);
  for (const auto& [name, skew] : params.named_durations("skew", {-skew_max, skew_max})) {
    int index = read_node_name(name, params.label("skew") + "." + name.text, options.node_count);
    options.skews.emplace_back(index, skew);
  }
}

void read_load(sim::ParamReader& params, SnowflakeOptions& options) {
  options.rate = read_positive_rate(params, "rate", options.rate);
  options.arrival = params.choice("arrival", {"constant", "poisson"}, "poisson") == "constant" ? Arrival::constant
                                                                                               : Arrival::poisson;
  if (auto hot = params.value("hot_node")) {
    sim::MarkedString name{sim::read_string(*hot), hot->where};
    options.hot_node = read_node_name(name, hot->label, options.node_count);
    options.hot_rate = read_positive_rate(params, "hot_rate", std::nullopt);
  } else if (params.has("hot_rate")) {
    params.fail("hot_rate", "needs hot_node: the node that gets this rate");
  }
  options.service_time = params.duration("service_time", Duration::zero(), {Duration::zero(), Duration::seconds(1)});
}

void read_generator(sim::ParamReader& params, SnowflakeOptions& options) {
  options.epoch_ms = params.integer<std::int64_t>("epoch", twitter_epoch_ms, wall_start_ms - (max_timestamp - year_ms),
                                                  wall_start_ms - year_ms);
  std::string mode = params.choice("on_backwards", {"raise", "wait", "logical"}, "raise");
  options.on_backwards = mode == "raise"  ? OnBackwards::raise
                         : mode == "wait" ? OnBackwards::wait
                                          : OnBackwards::logical;
  bool persisted = params.choice("last_timestamp", {"memory", "persisted"}, "memory") == "persisted";
  options.last_timestamp = persisted ? LastTimestampStore::persisted : LastTimestampStore::memory;
  if (!persisted && params.has("reserve")) params.fail("reserve", "applies only with last_timestamp: persisted");
  options.reserve = params.duration("reserve", options.reserve, {Duration::milliseconds(1), Duration::minutes(60)});
}

}  // namespace

const char* to_string(LastTimestampStore store) {
  return store == LastTimestampStore::memory ? "memory" : "persisted";
}

const char* to_string(Arrival arrival) { return arrival == Arrival::constant ? "constant" : "poisson"; }

SnowflakeOptions read_options(sim::ParamReader& params) {
  SnowflakeOptions options;
  options.node_count = params.integer<int>("nodes", options.node_count, 1, static_cast<int>(max_node_id + 1));
  read_generator(params, options);
  read_node_ids(params, options);
  read_clocks(params, options);
  read_load(params, options);
  options.k_sorted_bound = params.optional_duration("k_sorted_bound");
  params.finish();
  return options;
}

std::vector<std::pair<std::string, std::string>> describe(const SnowflakeOptions& options) {
  std::vector<std::pair<std::string, std::string>> rows;
  rows.emplace_back("nodes", std::to_string(options.node_count));
  rows.emplace_back("epoch", std::to_string(options.epoch_ms));
  rows.emplace_back("on_backwards", to_string(options.on_backwards));
  rows.emplace_back("last_timestamp", to_string(options.last_timestamp));
  if (options.last_timestamp == LastTimestampStore::persisted)
    rows.emplace_back("reserve", sim::to_string(options.reserve));
  std::string assignment = "static";
  if (!options.collision.empty()) {
    assignment = "collision:";
    for (const std::string& name : options.collision) assignment += " " + name;
  }
  rows.emplace_back("node_id_assignment", assignment);
  rows.emplace_back("rate", sim::to_string(options.rate));
  rows.emplace_back("arrival", to_string(options.arrival));
  if (options.hot_node) {
    rows.emplace_back("hot_node", options.node_name(*options.hot_node));
    rows.emplace_back("hot_rate", sim::to_string(options.hot_rate));
  }
  rows.emplace_back("service_time", sim::to_string(options.service_time));
  rows.emplace_back("skew_spread", sim::to_string(options.skew_spread));
  rows.emplace_back("drift_spread_ppm", std::to_string(options.drift_spread_ppm));
  for (const auto& [index, skew] : options.skews)
    rows.emplace_back("skew." + options.node_name(index), sim::to_string(skew));
  if (options.k_sorted_bound) rows.emplace_back("k_sorted_bound", sim::to_string(*options.k_sorted_bound));
  return rows;
}

}  // namespace snowflake
