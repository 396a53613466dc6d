#include "sim/cli/verify_seeds.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "sim/results/text.hpp"
#include "sim/run/run.hpp"

namespace sim::cli {
namespace {

const CheckRate* rate_of(const SweepResult& sweep, const std::string& check) {
  for (const CheckRate& rate : sweep.checks)
    if (rate.name == check) return &rate;
  return nullptr;
}

/// What a share expectation found over the seeds; empty when it was met. Exact in integers.
std::string share_problem(const ShareExpectation& share, const SweepResult& sweep) {
  const CheckRate* rate = rate_of(sweep, share.check);
  std::uint64_t violated = rate ? rate->runs_violated : 0;
  std::uint64_t runs = rate ? rate->runs : sweep.seed_count;
  using Wide = unsigned __int128;
  if (static_cast<Wide>(violated) * share.share.den >= static_cast<Wide>(share.share.num) * runs) return "";
  return fmt::format("{} was violated in {} of {} seeds ({}); the scenario expects at least {}", share.check, violated,
                     runs, percent_text(runs ? static_cast<double>(violated) / static_cast<double>(runs) : 0.0),
                     share.share_text);
}

std::string shares_met_text(const Scenario& scenario, const SweepResult& sweep) {
  std::string text;
  for (const ShareExpectation& share : scenario.expect.violated_in_at_least) {
    const CheckRate* rate = rate_of(sweep, share.check);
    text += fmt::format("; {} violated in {} of {} (at least {} expected)", share.check, rate ? rate->runs_violated : 0,
                        rate ? rate->runs : sweep.seed_count, share.share_text);
  }
  return text;
}

/// Each seed that missed the per-run expectations, run again to say how, with its replay.
void print_missed_seeds(const Scenario& scenario, const SweepResult& sweep) {
  for (std::uint64_t seed : sweep.mismatched_seeds) {
    RunOptions run_options;
    run_options.trace_records_kept = 0;
    RunOutput out = run_scenario(scenario, seed, run_options);
    for (const std::string& problem : out.result.expectation_problems)
      std::printf("        seed %llu: %s\n", static_cast<unsigned long long>(seed), problem.c_str());
    std::printf("          replay: %s\n", replay_command(scenario.file, seed).c_str());
  }
  if (sweep.expectation_mismatches > sweep.mismatched_seeds.size())
    std::printf("        (%llu more seeds missed; designsim sweep lists them all)\n",
                static_cast<unsigned long long>(sweep.expectation_mismatches - sweep.mismatched_seeds.size()));
}

/// Prints the scenario's verdict; true when it met its expect: block over every seed.
bool verify_one(const Scenario& scenario, const SweepOptions& options) {
  SweepResult sweep = sweep_scenario(scenario, options);
  std::string seeds = fmt::format("seeds {}..{}", options.first_seed, options.first_seed + options.seed_count - 1);
  std::vector<std::string> share_problems;
  for (const ShareExpectation& share : scenario.expect.violated_in_at_least)
    if (std::string problem = share_problem(share, sweep); !problem.empty()) share_problems.push_back(problem);
  if (sweep.expectation_mismatches == 0 && share_problems.empty()) {
    std::printf("ok    %s  (%s%s)\n", scenario.file.c_str(), seeds.c_str(), shares_met_text(scenario, sweep).c_str());
    return true;
  }
  std::printf("FAIL  %s  (%s)\n", scenario.file.c_str(), seeds.c_str());
  if (sweep.expectation_mismatches > 0) {
    std::printf("        %s missed the expectations of one run:\n",
                count_of(sweep.expectation_mismatches, "seed", "seeds").c_str());
    print_missed_seeds(scenario, sweep);
  }
  for (const std::string& problem : share_problems) std::printf("        %s\n", problem.c_str());
  return false;
}

}  // namespace

int verify_over_seeds(const std::vector<Scenario>& scenarios, const SweepOptions& options) {
  int failures = 0;
  for (const Scenario& scenario : scenarios)
    if (!verify_one(scenario, options)) ++failures;
  return failures;
}

}  // namespace sim::cli
