// `sweep --vary`: one scenario swept over seeds at each value of one parameter, the vary a
// study takes (study.hpp, study_vary.hpp) given on the command line as one YAML mapping:
//
//   designsim sweep scenarios/lock/redis-gc-pause-plain.yaml --seeds 100
//       --vary '{param: pause.duration, values: [1s, 20s, 35s]}'
//
// Each value's scenario (the file with the value written where the param points) is written
// beside the report, so each failing seed's replay names a file that exists. Values run in
// order, each a sweep gathered by seed: nothing depends on the number of threads.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "sim/run/study.hpp"
#include "sim/run/sweep.hpp"

namespace sim {

/// The --vary text read as a study's vary: is; a ScenarioError names "--vary" and the place.
StudyVary parse_vary_option(const std::string& text);

/// One value's scenario: its YAML text and the scenario read from it, whose file is
/// `folder/values/SLUG.yaml` (the caller writes `text` there).
struct VariedScenario {
  std::string value;
  std::string text;
  Scenario scenario;
};

/// The scenario file at each value, each checked against its model. A ScenarioError at the
/// vary's place names the value whose scenario is bad, or says the param reaches nothing.
std::vector<VariedScenario> plan_varied_sweep(const std::string& scenario_file, const StudyVary& vary,
                                              const std::filesystem::path& folder);

/// Sweeps each value's scenario, in order, and combines them (sweep_result.hpp's vary and
/// values). A stop leaves the values not yet started out, and marks the result partial.
SweepResult sweep_varied(const Scenario& base, const std::vector<VariedScenario>& values, const StudyVary& vary,
                         const SweepOptions& options);

/// The varied sweep's result from each value's runs (a sharded varied sweep's joined
/// partials, runs[i] for values[i]): what sweep_varied gives for the same seeds, but for its
/// wall time.
SweepResult varied_sweep_result_of(const Scenario& base, const std::vector<VariedScenario>& values,
                                   const StudyVary& vary, const SweepOptions& options,
                                   const std::vector<SeedRuns>& runs);

}  // namespace sim
