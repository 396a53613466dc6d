#include "sim/run/run.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "models/model.hpp"
#include "sim/kernel/fault.hpp"
#include "sim/kernel/network.hpp"
#include "sim/results/text.hpp"
#include "sim/run/pictures.hpp"
#include "sim/run/story.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/param_reader.hpp"
#include "sim/scenario/suggest.hpp"

namespace sim {
namespace {

std::unique_ptr<Model> configured_model(const Scenario& scenario) {
  const ModelInfo* info = find_model(scenario.model);
  if (!info) {
    std::string known;
    for (const ModelInfo& m : model_registry()) known += (known.empty() ? "" : ", ") + m.name;
    throw ScenarioError(scenario.model_where, "unknown model '" + scenario.model + "' (models: " + known + ")");
  }
  std::unique_ptr<Model> model = info->make();
  ParamReader params = ParamReader::of_params(scenario);
  model->configure(params);
  params.finish();
  return model;
}

void check_expect_names(const Scenario& scenario, const Model& model) {
  std::vector<std::string> names = model.check_names();
  auto check_list = [&](const std::vector<std::string>& list, const std::vector<SourceMark>& marks) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (std::find(names.begin(), names.end(), list[i]) != names.end()) continue;
      std::string known;
      for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
      SourceMark where = i < marks.size() ? marks[i] : scenario.expect.where;
      throw ScenarioError(where, "unknown check '" + list[i] + "' (checks of " + scenario.model + ": " + known + ")");
    }
  };
  check_list(scenario.expect.violated, scenario.expect.violated_where);
  check_list(scenario.expect.held, scenario.expect.held_where);
  for (const ShareExpectation& share : scenario.expect.violated_in_at_least) check_list({share.check}, {share.where});
}

bool judged_over_seeds(const Scenario& scenario, const std::string& check) {
  const auto& shares = scenario.expect.violated_in_at_least;
  return std::any_of(shares.begin(), shares.end(), [&](const ShareExpectation& s) { return s.check == check; });
}

void check_node_refs(const Scenario& scenario, const FaultInjector& injector, World& world) {
  auto check_ref = [&](const NodeRef& ref) {
    if (!injector.resolve(ref).empty()) return;
    std::string known;
    for (NodeId n = 0; n < world.node_count() && n < 12; ++n)
      known += (known.empty() ? "" : ", ") + world.node(n).name();
    if (world.node_count() > 12) known += ", …";
    std::string what = ref.name.rfind("role:", 0) == 0 ? "no node has the role '" + ref.name.substr(5) + "'"
                                                          : "no node named '" + ref.name + "'";
    throw ScenarioError(ref.where, what + " (nodes: " + known + ")");
  };
  for (const NodeRef& ref : scenario.link_nodes) check_ref(ref);
  for (const FaultSpec& fault : scenario.faults)
    for (const NodeRef* ref : node_refs(fault)) check_ref(*ref);
  for (const RandomFaultSpec& spec : scenario.random_faults)
    for (const NodeRef& ref : spec.targets) check_ref(ref);
}

constexpr const char* latency_suffixes[] = {"_p50", "_p90", "_p99", "_p999", "_max", "_mean"};

/// Measures every run has: percentiles of each latency histogram, and the counters.
void add_standard_measures(const Metrics& metrics, std::map<std::string, double>& measures) {
  for (const auto& [name, histogram] : metrics.histograms()) {
    if (name.find('@') != std::string::npos || histogram.count() == 0) continue;
    measures.emplace(name + latency_suffixes[0], static_cast<double>(histogram.percentile(50)));
    measures.emplace(name + latency_suffixes[1], static_cast<double>(histogram.percentile(90)));
    measures.emplace(name + latency_suffixes[2], static_cast<double>(histogram.percentile(99)));
    measures.emplace(name + latency_suffixes[3], static_cast<double>(histogram.percentile(99.9)));
    measures.emplace(name + latency_suffixes[4], static_cast<double>(histogram.max()));
    measures.emplace(name + latency_suffixes[5], histogram.mean());
  }
  for (const auto& [name, value] : metrics.counters()) measures.emplace(name, static_cast<double>(value));
}

}  // namespace

LatencySummary summarize_latency(const std::string& key, const Histogram& h) {
  LatencySummary s;
  auto at = key.find('@');
  s.name = key.substr(0, at);
  s.window = at == std::string::npos ? "all" : key.substr(at + 1);
  s.count = h.count();
  s.min_ns = h.min();
  s.p50_ns = h.percentile(50);
  s.p90_ns = h.percentile(90);
  s.p99_ns = h.percentile(99);
  s.p999_ns = h.percentile(99.9);
  s.max_ns = h.max();
  s.mean_ns = h.mean();
  s.buckets = h.buckets();
  return s;
}

namespace {

/// The measured value in the threshold's own terms: a duration when the threshold is one, a
/// rate per second when it is a rate.
std::string measured_like_threshold(double measured, const std::string& threshold) {
  if (parse_duration(threshold)) return to_string(Duration::nanoseconds(std::llround(measured)), 4);
  if (threshold.find('/') != std::string::npos) return number_text(measured) + "/s";
  return number_text(measured);
}

bool compare(double measured, const std::string& comparator, double threshold) {
  if (comparator == "<") return measured < threshold;
  if (comparator == "<=") return measured <= threshold;
  if (comparator == ">") return measured > threshold;
  if (comparator == ">=") return measured >= threshold;
  return false;
}

/// Every name a requirement may use: what a run of no length measures, and each percentile of
/// each latency the model records (which a run measures only once it timed something).
std::vector<std::string> measurable_names(const Model& model, const std::map<std::string, double>& measures) {
  std::vector<std::string> names;
  for (const auto& [name, value] : measures) names.push_back(name);
  for (const std::string& latency : model.latency_names())
    for (const char* suffix : latency_suffixes)
      if (!measures.count(latency + suffix)) names.push_back(latency + suffix);
  std::sort(names.begin(), names.end());
  return names;
}

void check_requirement_names(const Scenario& scenario, const std::vector<std::string>& names) {
  for (const Requirement& req : scenario.requirements) {
    if (std::binary_search(names.begin(), names.end(), req.metric)) continue;
    std::string known;
    for (const std::string& name : names) known += (known.empty() ? "" : ", ") + name;
    throw ScenarioError(req.where, "unknown metric '" + req.metric + "'" + did_you_mean(req.metric, names) + " (" +
                                       scenario.model + " measures: " + known + ")");
  }
}

/// The requirements against what the run measured. Their names were checked before the run, so
/// one the run did not measure is a latency that timed nothing: "no samples", not met.
std::vector<RequirementRow> judge_requirements(const Scenario& scenario,
                                               const std::map<std::string, double>& measures) {
  std::vector<RequirementRow> rows;
  for (const Requirement& req : scenario.requirements) {
    RequirementRow row;
    row.metric = req.metric;
    row.comparator = req.comparator;
    row.threshold = req.threshold;
    auto it = measures.find(req.metric);
    if (it == measures.end()) {
      row.measured_text = "no samples";
      rows.push_back(std::move(row));
      continue;
    }
    row.measured = it->second;
    row.measured_text = measured_like_threshold(it->second, req.threshold);
    row.met = compare(it->second, req.comparator, req.value);
    rows.push_back(std::move(row));
  }
  return rows;
}

void judge_checks(const Scenario& scenario, Findings& findings, RunResult& result) {
  const auto& expected = scenario.expect.violated;
  for (CheckResult& check : findings.checks) {
    CheckOutcome outcome;
    outcome.expected_violated = std::find(expected.begin(), expected.end(), check.name) != expected.end();
    // A check the scenario shows in some seeds only is judged over seeds (verify --seeds), not here.
    outcome.as_expected = outcome.expected_violated == !check.held || judged_over_seeds(scenario, check.name);
    if (!check.held) result.any_violated = true;
    if (!outcome.as_expected) {
      result.expectations_met = false;
      result.expectation_problems.push_back(
          outcome.expected_violated ? "expected " + check.name + " to be violated; it held"
                                    : check.name + " was violated; the scenario expects it to hold");
    }
    outcome.result = std::move(check);
    result.checks.push_back(std::move(outcome));
  }
}

std::vector<std::pair<std::string, std::string>> kernel_options(const Scenario& scenario) {
  std::vector<std::pair<std::string, std::string>> options;
  const LinkOptions& link = scenario.network.defaults;
  options.emplace_back("network.latency", link.latency.describe());
  options.emplace_back("network.loss", fmt::format("{}/{}", link.loss.num, link.loss.den));
  options.emplace_back("network.duplicate", fmt::format("{}/{}", link.duplicate.num, link.duplicate.den));
  options.emplace_back("network.fifo", link.fifo ? "true" : "false");
  for (const LinkOverride& o : scenario.network.links)
    options.emplace_back("network.link " + o.from + " <-> " + o.to, o.options.latency.describe());
  options.emplace_back("faults.fixed", std::to_string(scenario.faults.size()));
  options.emplace_back("faults.random", std::to_string(scenario.random_faults.size()));
  return options;
}

}  // namespace

namespace {

/// A run checked and planned, not yet started: the model built once in its World, the faults'
/// node references checked and resolved into the injector's schedule. Members are destroyed
/// in reverse: the injector, then the World, then the model its queued work refers to.
struct PlannedRun {
  std::unique_ptr<LatencySeriesRecorder> series;  // the World tells it of latencies: it goes last
  std::unique_ptr<Model> model;
  std::unique_ptr<World> world;
  std::unique_ptr<FaultInjector> injector;
};

/// The first phase of every run, and what `check` runs: whatever is wrong with the scenario
/// (model, params, checks, node names) is found here, before anything is simulated.
PlannedRun plan_run(const Scenario& scenario, std::uint64_t seed, const RunOptions& options) {
  PlannedRun plan;
  plan.model = configured_model(scenario);
  check_expect_names(scenario, *plan.model);
  plan.world = std::make_unique<World>(seed);
  plan.world->trace().keep_records(options.trace_records_kept);
  if (options.pictures) {
    plan.series = std::make_unique<LatencySeriesRecorder>(series_interval(scenario.duration));
    plan.world->watch_latencies(plan.series.get());
    plan.model->keep_for_pictures();
  }
  plan.model->build(*plan.world, scenario.duration);
  plan.injector = std::make_unique<FaultInjector>(*plan.world);
  check_node_refs(scenario, *plan.injector, *plan.world);
  plan.world->start_network(scenario.network);
  plan.injector->schedule(scenario.faults, scenario.random_faults, scenario.duration);
  return plan;
}

/// Requirement names resolve against what the model measures and the latencies it records,
/// asked of the planned World before it runs.
void check_planned_requirements(const Scenario& scenario, PlannedRun& plan) {
  Findings findings = plan.model->finish(*plan.world, plan.injector->activity());
  add_standard_measures(plan.world->metrics(), findings.measures);
  check_requirement_names(scenario, measurable_names(*plan.model, findings.measures));
}

}  // namespace

namespace {

/// The run again, up to the end of the window around its first violation, keeping what the
/// window draws: the same seed makes the same events, so this is the first run's window.
Timeline replay_window(const Scenario& scenario, std::uint64_t seed, const RunResult& result,
                       const std::vector<std::string>& node_names) {
  auto [from, to] = *violation_window(result);
  const CheckOutcome* broken = earliest_violation(result.checks);
  Instant focus = broken->result.first ? broken->result.first->at : to;
  RunOptions options;
  options.trace_records_kept = 0;
  PlannedRun plan = plan_run(scenario, seed, options);
  plan.world->trace().keep_window(from, to, window_fold_limit);
  plan.world->boot_all();
  plan.world->run_until(to);
  return timeline_of(plan.world->trace(), from, to, focus, node_names);
}

Pictures gather_pictures(const Scenario& scenario, const PlannedRun& plan, Findings& findings,
                         const RunOutput& out) {
  Pictures pictures;
  pictures.nodes = node_lanes(*plan.world);
  pictures.latency_series = plan.series->series();
  pictures.intervals = std::move(findings.intervals);
  pictures.plots = std::move(findings.plots);
  if (violation_window(out.result))
    pictures.timeline = replay_window(scenario, out.result.seed, out.result, out.node_names);
  return pictures;
}

}  // namespace

void check_scenario(const Scenario& scenario) {
  PlannedRun plan = plan_run(scenario, scenario.seed, RunOptions{});
  check_planned_requirements(scenario, plan);
}

RunOutput run_scenario(const Scenario& scenario, std::uint64_t seed, const RunOptions& options) {
  PlannedRun plan = plan_run(scenario, seed, options);
  Model* model = plan.model.get();
  World& world = *plan.world;
  FaultInjector& injector = *plan.injector;
  world.boot_all();
  world.run_until(Instant::zero() + scenario.duration);
  Findings findings = model->finish(world, injector.activity());

  RunOutput out;
  RunResult& result = out.result;
  result.scenario_file = scenario.file;
  result.scenario_name = scenario.name;
  result.description = scenario.description;
  result.model = scenario.model;
  result.seed = seed;
  result.duration = scenario.duration;
  result.options = model->options();
  for (auto& option : kernel_options(scenario)) result.options.push_back(std::move(option));
  result.trace_hash = world.trace().hash();
  result.trace_records = world.trace().count();
  result.events_run = world.events_run();
  result.simulated = world.now().since_start();

  add_standard_measures(world.metrics(), findings.measures);
  result.requirements = judge_requirements(scenario, findings.measures);
  judge_checks(scenario, findings, result);
  for (const auto& [name, histogram] : world.metrics().histograms())
    if (histogram.count() > 0) result.latencies.push_back(summarize_latency(name, histogram));
  for (const auto& [name, value] : world.metrics().counters()) result.counters.emplace(name, value);
  result.measures = findings.measures;
  for (const FaultRecord& f : injector.applied())
    result.faults.push_back(AppliedFault{f.at, f.node, f.kind, f.detail, f.until});
  result.tables = std::move(findings.tables);
  for (NodeId n = 0; n < world.node_count(); ++n) out.node_names.push_back(world.node(n).name());
  std::vector<std::pair<std::size_t, Instant>> moments;
  result.story =
      tell_story(result, world.trace().records(), out.node_names, findings.prevention, findings.causes, &moments);
  if (options.pictures) {
    result.pictures = gather_pictures(scenario, plan, findings, out);
    result.pictures->story_moments = std::move(moments);
  }
  if (options.return_trace) out.trace = world.trace().records();
  out.metrics = std::move(world.metrics());
  out.random_fired = injector.random_fired();
  return out;
}

int exit_status(const RunResult& result) { return result.any_violated ? 1 : 0; }

}  // namespace sim
