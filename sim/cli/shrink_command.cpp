// designsim shrink: the smallest scenario that still violates a check, written as YAML that an
// editor checks against the schema and that `designsim run` replays.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "reports/output_file.hpp"
#include "sim/cli/command_line.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/output_paths.hpp"
#include "sim/results/text.hpp"
#include "sim/run/shrink.hpp"
#include "sim/scenario/loader.hpp"

namespace sim::cli {
namespace fs = std::filesystem;

namespace {

/// The scenario's own `$schema=` path, from its first line; empty when it has none.
std::string schema_of(const std::string& file) {
  std::ifstream in(file);
  std::string first;
  std::getline(in, first);
  static const std::regex line(R"(^#\s*yaml-language-server:\s*\$schema=(\S+)\s*$)");
  std::smatch match;
  return std::regex_match(first, match, line) ? match[1].str() : std::string();
}

/// The schema's path as seen from the shrunk file: the original's schema where it points to one
/// that exists (or to an address), else scenarios/schema.json under the current folder.
std::string schema_path_for(const std::string& original, const fs::path& out) {
  std::string own = schema_of(original);
  if (own.find("://") != std::string::npos) return own;
  fs::path schema = fs::path(original).parent_path() / own;
  std::error_code ec;
  if (own.empty() || !fs::is_regular_file(schema, ec)) schema = fs::path("scenarios") / "schema.json";
  fs::path from = fs::absolute(out).parent_path();
  return fs::absolute(schema).lexically_normal().lexically_relative(from.lexically_normal()).generic_string();
}

std::string header(const ShrinkResult& result, const std::string& schema, const fs::path& out) {
  std::string text = fmt::format("# yaml-language-server: $schema={}\n", schema);
  text += fmt::format("# Shrunk by designsim shrink from {} at seed {}: {} is still violated. {} runs{}.\n",
                      result.file, result.seed, result.check, result.runs,
                      result.budget_spent ? " (the budget, spent: --budget allows more)" : "");
  if (result.changes.empty())
    text += "# Nothing could be removed: every step tried made the check hold.\n";
  else
    text += "# Removed or made smaller, each step kept only because the check was still violated:\n";
  for (const std::string& change : result.changes) text += "#   - " + change + "\n";
  text += "# Replay: " + replay_command(out.generic_string(), result.seed) + "\n";
  return text;
}

void print_summary(const ShrinkResult& result, const fs::path& out) {
  std::printf("shrunk %s at seed %llu for %s in %llu runs%s\n", result.file.c_str(),
              static_cast<unsigned long long>(result.seed), result.check.c_str(),
              static_cast<unsigned long long>(result.runs), result.budget_spent ? " (budget spent)" : "");
  for (const std::string& change : result.changes) std::printf("  - %s\n", change.c_str());
  std::printf("kept: %zu fault%s", result.faults_kept.size(), result.faults_kept.size() == 1 ? "" : "s");
  for (std::size_t i = 0; i < result.faults_kept.size(); ++i)
    std::printf("%s%s", i == 0 ? ": " : "; ", result.faults_kept[i].c_str());
  std::printf("\n  faults applied %zu -> %zu, duration %s -> %s; violates: %s\n", result.faults_applied_before,
              result.faults_applied_after, to_string(result.duration_before).c_str(),
              to_string(result.duration_after).c_str(), fmt::format("{}", fmt::join(result.violated, ", ")).c_str());
  std::printf("written: %s\nreplay: %s\n", out.string().c_str(),
              replay_command(out.generic_string(), result.seed).c_str());
}

}  // namespace

int shrink_command(const Args& args) {
  return guarded("shrink", [&] {
    po::options_description options("options");
    options.add_options()("scenario", po::value<std::string>(), "the scenario file")(
        "seed", po::value<std::string>(), "the seed that violates the check (default: the scenario's own)")(
        "check", po::value<std::string>(), "the check to keep violated (default: the one violated first)")(
        "budget", po::value<std::string>()->default_value("200"), "runs at most, the first included (2 to 100,000)")(
        "out", po::value<std::string>(),
        "the shrunk scenario's file (default: out/PATH/shrink-seed-N/shrunk.yaml, PATH as for run)");
    po::positional_options_description positional;
    positional.add("scenario", 1);
    Parsed parsed = parse_simulating("shrink", args, options, positional);
    if (parsed.help) {
      print_help("designsim shrink SCENARIO [--seed N] [--check NAME] [--budget RUNS] [--out FILE]",
                 "Finds a smaller scenario that still violates the check at the same seed: random faults become\n"
                 "the fixed faults that fired, then faults are removed, their durations shortened, clients,\n"
                 "nodes and load lowered and the run shortened, each step kept only if the check is still\n"
                 "violated. Writes the scenario as YAML with what was removed, and prints the command that\n"
                 "replays it. Status 0 when written; 2 for bad input or a check that holds at that seed.",
                 options);
      return all_held;
    }
    if (!parsed.vars.count("scenario"))
      throw UsageError("designsim shrink: which scenario? (designsim shrink SCENARIO)");
    std::string file = parsed.vars["scenario"].as<std::string>();
    ShrinkOptions shrink;
    if (parsed.vars.count("seed")) shrink.seed = whole_number(parsed, "shrink", "seed", 0, any_seed);
    if (parsed.vars.count("check")) shrink.check = parsed.vars["check"].as<std::string>();
    shrink.budget = whole_number(parsed, "shrink", "budget", shrink_budget_min, shrink_budget_max);
    Scenario scenario = load_scenario(file);
    std::uint64_t seed = shrink.seed.value_or(scenario.seed);
    fs::path out = parsed.vars.count("out")
                       ? fs::path(parsed.vars["out"].as<std::string>())
                       : default_out_folder(file, scenario.model, fmt::format("shrink-seed-{}", seed)) / "shrunk.yaml";
    check_output_file(out, {file});
    ShrinkResult result = shrink_scenario(file, shrink);
    report::write_output_file(out, header(result, schema_path_for(file, out), out) + result.scenario_yaml);
    print_summary(result, out);
    return all_held;
  });
}

}  // namespace sim::cli
