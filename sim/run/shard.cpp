#include "sim/run/shard.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

#include "sim/kernel/assert.hpp"
#include "sim/kernel/random.hpp"

namespace sim {
namespace {

using Json = nlohmann::ordered_json;

constexpr int partial_format = 1;

Json histogram_json(const std::string& name, const Histogram& histogram) {
  Histogram::State s = histogram.state();
  Json buckets = Json::array();
  for (const auto& [index, count] : s.counts) buckets.push_back(Json::array({index, count}));
  return Json{{"name", name},         {"count", s.count},       {"min", s.min},         {"max", s.max},
              {"sum_high", s.sum_high}, {"sum_low", s.sum_low}, {"buckets", buckets}};
}

Json slice_json(const SeedSlice& slice) {
  Json checks = Json::array();
  if (!slice.runs.outcomes.empty())
    for (const auto& [name, violated] : slice.runs.outcomes.front().violated) checks.push_back(name);
  Json seeds = Json::array();
  for (const SeedOutcome& o : slice.runs.outcomes) {
    SIM_ASSERT(o.violated.size() == checks.size(), "a sweep's seeds judged different checks");
    std::string verdicts;
    for (std::size_t c = 0; c < o.violated.size(); ++c) {
      SIM_ASSERT(o.violated[c].first == checks[c].get<std::string>(), "a sweep's seeds judged different checks");
      verdicts += o.violated[c].second ? '1' : '0';
    }
    seeds.push_back(Json::array({o.events, o.trace_hash, o.as_expected, verdicts}));
  }
  Json options = Json::array();
  for (const auto& [key, value] : slice.runs.resolved_options) options.push_back(Json::array({key, value}));
  Json histograms = Json::array();
  for (const auto& [name, histogram] : slice.runs.merged.histograms())
    histograms.push_back(histogram_json(name, histogram));
  return Json{{"cell", slice.cell}, {"first_index", slice.first_index}, {"options", options}, {"checks", checks},
              {"seeds", seeds},     {"histograms", histograms}};
}

/// The field `key` of `object` as T; a ShardError names the file and the field.
template <class T>
T field(const Json& object, const char* key, const std::string& path) {
  if (!object.is_object() || !object.contains(key))
    throw ShardError(fmt::format("{}: not a designsim partial result: no field '{}'", path, key));
  try {
    return object.at(key).get<T>();
  } catch (const Json::exception&) {
    throw ShardError(fmt::format("{}: not a designsim partial result: the field '{}' has the wrong type", path, key));
  }
}

SeedOutcome outcome_of(const Json& seed, const std::vector<std::string>& checks, const std::string& path) {
  if (!seed.is_array() || seed.size() != 4)
    throw ShardError(
        fmt::format("{}: not a designsim partial result: a seed is not [events, trace, ok, verdicts]", path));
  SeedOutcome o;
  std::string verdicts;
  try {
    o.events = seed[0].get<std::uint64_t>();
    o.trace_hash = seed[1].get<std::uint64_t>();
    o.as_expected = seed[2].get<bool>();
    verdicts = seed[3].get<std::string>();
  } catch (const Json::exception&) {
    throw ShardError(fmt::format("{}: not a designsim partial result: a seed's fields have the wrong types", path));
  }
  if (verdicts.size() != checks.size() || verdicts.find_first_not_of("01") != std::string::npos)
    throw ShardError(
        fmt::format("{}: not a designsim partial result: a seed's verdicts do not match its checks", path));
  for (std::size_t c = 0; c < checks.size(); ++c) o.violated.emplace_back(checks[c], verdicts[c] == '1');
  return o;
}

void read_histogram(const Json& h, Metrics& metrics, const std::string& path) {
  Histogram::State s;
  s.count = field<std::uint64_t>(h, "count", path);
  s.min = field<std::int64_t>(h, "min", path);
  s.max = field<std::int64_t>(h, "max", path);
  s.sum_high = field<std::uint64_t>(h, "sum_high", path);
  s.sum_low = field<std::uint64_t>(h, "sum_low", path);
  s.counts = field<std::vector<std::pair<std::uint32_t, std::uint64_t>>>(h, "buckets", path);
  Histogram histogram;
  if (!Histogram::from_state(s, histogram))
    throw ShardError(fmt::format("{}: not a designsim partial result: a histogram does not add up", path));
  metrics.histogram(field<std::string>(h, "name", path)).merge(histogram);
}

SeedSlice read_slice(const Json& j, const std::string& path) {
  SeedSlice slice;
  slice.cell = field<std::uint64_t>(j, "cell", path);
  slice.first_index = field<std::uint64_t>(j, "first_index", path);
  slice.runs.resolved_options = field<std::vector<std::pair<std::string, std::string>>>(j, "options", path);
  auto checks = field<std::vector<std::string>>(j, "checks", path);
  for (const Json& seed : field<Json>(j, "seeds", path)) slice.runs.outcomes.push_back(outcome_of(seed, checks, path));
  for (const Json& h : field<Json>(j, "histograms", path)) read_histogram(h, slice.runs.merged, path);
  return slice;
}

/// The seeds partial.shard covers, slice by slice, as (cell, first index, count).
std::vector<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>> planned_slices(const Partial& partial) {
  std::vector<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>> plan;
  if (partial.seeds == 0) return plan;
  auto [first, last] = shard_range(partial.seeds * partial.cells, partial.shard, partial.shards);
  while (first < last) {
    std::uint64_t cell = first / partial.seeds;
    std::uint64_t index = first % partial.seeds;
    std::uint64_t count = std::min(last - first, partial.seeds - index);
    plan.emplace_back(cell, index, count);
    first += count;
  }
  return plan;
}

}  // namespace

std::pair<std::uint64_t, std::uint64_t> shard_range(std::uint64_t total, std::uint64_t shard, std::uint64_t shards) {
  SIM_ASSERT(shards > 0 && shard < shards, "shard_range: no such shard");
  auto at = [&](std::uint64_t k) {
    return static_cast<std::uint64_t>(static_cast<unsigned __int128>(total) * k / shards);
  };
  return {at(shard), at(shard + 1)};
}

std::string partial_disagreement(const Partial& a, const Partial& b) {
  if (a.command != b.command) return fmt::format("one is a {}, the other a {}", a.command, b.command);
  if (a.file != b.file) return fmt::format("one ran {}, the other {}", a.file, b.file);
  if (a.file_hash != b.file_hash) return fmt::format("{} changed between them", a.file);
  if (a.binary != b.binary) return fmt::format("different designsim binaries ran them ({} and {})", a.binary, b.binary);
  if (a.first_seed != b.first_seed || a.seeds != b.seeds || a.cells != b.cells)
    return fmt::format("they cover different seeds ({} seeds from {}, and {} from {})", a.seeds, a.first_seed, b.seeds,
                       b.first_seed);
  if (a.failing_seed_limit != b.failing_seed_limit) return "they keep different numbers of failing seeds";
  if (a.vary != b.vary)
    return fmt::format("they vary differently ('{}' and '{}')", a.vary.empty() ? "no --vary" : a.vary,
                       b.vary.empty() ? "no --vary" : b.vary);
  if (a.shards != b.shards) return fmt::format("one is of {} shards, the other of {}", a.shards, b.shards);
  return "";
}

std::string file_hash_of(const std::string& text) { return fmt::format("{:016x}", fnv1a64(text)); }

void run_sweep_shard(const Scenario& scenario, const SweepOptions& options, Partial& partial) {
  partial.slices.clear();
  for (const auto& [cell, index, count] : planned_slices(partial)) {
    SweepOptions slice_options = options;
    slice_options.first_seed = options.first_seed + index;
    slice_options.seed_count = count;
    partial.slices.push_back(SeedSlice{cell, index, run_seeds(scenario, slice_options)});
  }
}

void run_varied_sweep_shard(const std::vector<const Scenario*>& values, const SweepOptions& options,
                            Partial& partial) {
  partial.slices.clear();
  for (const auto& [cell, index, count] : planned_slices(partial)) {
    SweepOptions slice_options = options;
    slice_options.first_seed = options.first_seed + index;
    slice_options.seed_count = count;
    partial.slices.push_back(SeedSlice{cell, index, run_seeds(*values.at(cell), slice_options)});
  }
}

void run_study_shard(const std::vector<StudyCell>& cells, unsigned jobs, Partial& partial) {
  partial.slices.clear();
  for (const auto& [cell, index, count] : planned_slices(partial)) {
    SweepOptions slice_options;
    slice_options.first_seed = partial.first_seed + index;
    slice_options.seed_count = count;
    slice_options.jobs = jobs;
    partial.slices.push_back(SeedSlice{cell, index, run_seeds(cells.at(cell).scenario, slice_options)});
  }
}

bool shard_complete(const Partial& partial) {
  auto plan = planned_slices(partial);
  if (plan.size() != partial.slices.size()) return false;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const SeedSlice& s = partial.slices[i];
    if (std::tuple(s.cell, s.first_index, std::uint64_t{s.runs.outcomes.size()}) != plan[i]) return false;
  }
  return true;
}

std::string partial_json(const Partial& partial) {
  Json root{{"designsim_partial", partial_format},
            {"command", partial.command},
            {"binary", partial.binary},
            {"file", partial.file},
            {"file_hash", partial.file_hash},
            {"first_seed", partial.first_seed},
            {"seeds", partial.seeds},
            {"cells", partial.cells},
            {"failing_seeds", partial.failing_seed_limit},
            {"shard", partial.shard},
            {"shards", partial.shards}};
  if (!partial.vary.empty()) root["vary"] = partial.vary;  // only then, so other partials keep their bytes
  Json slices = Json::array();
  for (const SeedSlice& slice : partial.slices) slices.push_back(slice_json(slice));
  root["slices"] = slices;
  return root.dump() + "\n";
}

Partial read_partial(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ShardError(fmt::format("{}: cannot read this partial result (no such file?)", path));
  std::stringstream text;
  text << in.rdbuf();
  Json root = Json::parse(text.str(), nullptr, false);
  if (root.is_discarded()) throw ShardError(fmt::format("{}: not a designsim partial result: not JSON", path));
  if (!root.is_object() || !root.contains("designsim_partial") || root["designsim_partial"] != partial_format)
    throw ShardError(fmt::format("{}: not a designsim partial result of this version", path));
  Partial p;
  p.command = field<std::string>(root, "command", path);
  p.binary = field<std::string>(root, "binary", path);
  p.file = field<std::string>(root, "file", path);
  p.file_hash = field<std::string>(root, "file_hash", path);
  p.first_seed = field<std::uint64_t>(root, "first_seed", path);
  p.seeds = field<std::uint64_t>(root, "seeds", path);
  p.cells = field<std::uint64_t>(root, "cells", path);
  p.failing_seed_limit = field<std::uint64_t>(root, "failing_seeds", path);
  p.shard = field<std::uint64_t>(root, "shard", path);
  p.shards = field<std::uint64_t>(root, "shards", path);
  if (root.contains("vary")) p.vary = field<std::string>(root, "vary", path);
  if ((p.command != "sweep" && p.command != "study") || p.shards == 0 || p.shard >= p.shards || p.cells == 0)
    throw ShardError(fmt::format("{}: not a designsim partial result: its command or shard is impossible", path));
  for (const Json& slice : field<Json>(root, "slices", path)) p.slices.push_back(read_slice(slice, path));
  if (!shard_complete(p))
    throw ShardError(fmt::format("{}: shard {}/{} does not hold the seeds of its slice", path, p.shard, p.shards));
  return p;
}

std::vector<Partial> check_partials(std::vector<std::pair<std::string, Partial>> partials) {
  if (partials.empty()) throw ShardError("no partial results to merge");
  const auto& [first_path, first] = partials.front();
  std::map<std::uint64_t, std::string> paths;
  for (const auto& [path, p] : partials) {
    std::string differ = partial_disagreement(first, p);
    if (!differ.empty())
      throw ShardError(fmt::format("{} and {} are not shards of one run: {}", first_path, path, differ));
    auto [at, fresh] = paths.emplace(p.shard, path);
    if (!fresh)
      throw ShardError(fmt::format("shard {}/{} is given twice: {} and {}", p.shard, p.shards, at->second, path));
  }
  for (std::uint64_t k = 0; k < first.shards; ++k)
    if (!paths.count(k))
      throw ShardError(fmt::format("shard {}/{} of {} is missing ({} of {} shards given)", k, first.shards, first.file,
                                   partials.size(), first.shards));
  std::sort(partials.begin(), partials.end(),
            [](const auto& a, const auto& b) { return a.second.shard < b.second.shard; });
  std::vector<Partial> ordered;
  for (auto& [path, p] : partials) ordered.push_back(std::move(p));
  return ordered;
}

std::vector<SeedRuns> join_partials(const std::vector<Partial>& partials) {
  std::vector<SeedRuns> cells(partials.front().cells);
  for (const Partial& p : partials) {
    for (const SeedSlice& slice : p.slices) {
      SeedRuns& runs = cells.at(slice.cell);
      SIM_ASSERT(runs.outcomes.size() == slice.first_index, "join_partials: the slices are not in seed order");
      if (slice.first_index == 0) runs.resolved_options = slice.runs.resolved_options;
      runs.outcomes.insert(runs.outcomes.end(), slice.runs.outcomes.begin(), slice.runs.outcomes.end());
      runs.merged.merge(slice.runs.merged);
    }
  }
  return cells;
}

}  // namespace sim
