// Sharded sweeps and studies on the command line: `--shard K/N` (and `--resume`) on sweep and
// study, which write one partial result, and `designsim merge`, which joins the partials into
// the reports one unsharded run writes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "sim/cli/command_line.hpp"
#include "sim/run/study.hpp"
#include "sim/run/sweep.hpp"

namespace sim::cli {

/// Adds --shard and --resume to a sweep's or study's options.
void add_shard_options(po::options_description& options);

/// Whether --shard was given (--resume without it is a UsageError).
bool sharded(const Parsed& parsed, const std::string& command);

/// Runs the shard --shard names of a sweep and writes its partial result into `out_dir`.
int sweep_shard(const Parsed& parsed, const Scenario& scenario, const SweepOptions& options,
                const std::filesystem::path& out_dir);

/// Runs the shard --shard names of a varied sweep (its work: each value's seeds, value after
/// value) and writes its partial result, which keeps the --vary text for merge.
int varied_sweep_shard(const Parsed& parsed, const Scenario& scenario, const StudyVary& vary,
                       const std::string& vary_text, const SweepOptions& options, const std::filesystem::path& out_dir);

/// Runs the shard --shard names of a study's cells and writes its partial result into `out_dir`.
int study_shard(const Parsed& parsed, const Study& study, const std::vector<StudyCell>& cells, std::uint64_t seeds,
                unsigned jobs, const std::filesystem::path& out_dir);

int merge_command(const Args& args);

}  // namespace sim::cli
