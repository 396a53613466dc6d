#include "sim/cli/shard_commands.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <tuple>
#include <utility>

#include "reports/console_report.hpp"
#include "reports/html_report.hpp"
#include "reports/json_report.hpp"
#include "reports/markdown_report.hpp"
#include "reports/output_file.hpp"
#include "reports/study_report.hpp"
#include "sim/cli/output_paths.hpp"
#include "sim/kernel/random.hpp"
#include "sim/run/run.hpp"
#include "sim/run/shard.hpp"
#include "sim/scenario/loader.hpp"

namespace sim::cli {
namespace fs = std::filesystem;

namespace {

/// The identity of this binary: a hash of its own file, so that partials from two builds are
/// never merged (their runs could differ).
std::string binary_identity() {
  std::ifstream in("/proc/self/exe", std::ios::binary);
  if (!in) throw UsageError("designsim: cannot read its own binary (/proc/self/exe) to name it in a partial result");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return fmt::format("fnv1a64:{:016x}", fnv1a64(bytes));
}

/// --shard K/N, checked: K from 0 to N-1.
std::pair<std::uint64_t, std::uint64_t> shard_of(const Parsed& parsed, const std::string& command) {
  const std::string text = parsed.vars["shard"].as<std::string>();
  auto number = [](const std::string& digits, std::uint64_t& value) {
    if (digits.empty() || digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string::npos)
      return false;
    value = std::stoull(digits);
    return true;
  };
  std::size_t slash = text.find('/');
  std::uint64_t k = 0;
  std::uint64_t n = 0;
  if (slash == std::string::npos || !number(text.substr(0, slash), k) || !number(text.substr(slash + 1), n) ||
      n == 0 || n > 100'000 || k >= n)
    throw UsageError(fmt::format("designsim {}: --shard expects K/N, N shards from 1 to 100000 and K from 0 to N-1 "
                                 "(as SLURM_ARRAY_TASK_ID counts), got '{}'",
                                 command, text));
  return {k, n};
}

fs::path partial_path(const fs::path& out_dir, const Partial& partial) {
  return out_dir / fmt::format("shard-{}-of-{}.json", partial.shard, partial.shards);
}

/// With --resume, whether the shard's partial is already written by this binary for this run.
bool already_done(const Parsed& parsed, const Partial& wanted, const fs::path& path) {
  std::error_code ec;
  if (!parsed.vars.count("resume") || !fs::exists(path, ec)) return false;
  try {
    Partial done = read_partial(path.string());
    std::string differ = partial_disagreement(wanted, done);
    if (differ.empty() && done.shard == wanted.shard) {
      std::printf("shard %llu/%llu already done: %s (--resume)\n", static_cast<unsigned long long>(wanted.shard),
                  static_cast<unsigned long long>(wanted.shards), path.string().c_str());
      return true;
    }
    std::printf("--resume: %s is of another run (%s); running the shard again\n", path.string().c_str(),
                differ.empty() ? "another shard" : differ.c_str());
  } catch (const ShardError& e) {
    std::printf("--resume: %s cannot be used (%s); running the shard again\n", path.string().c_str(), e.what());
  }
  return false;
}

/// Writes the partial and says what it holds.
int write_partial(const Partial& partial, const fs::path& path) {
  std::uint64_t runs = 0;
  for (const SeedSlice& slice : partial.slices) runs += slice.runs.outcomes.size();
  report::write_output_file(path, partial_json(partial));
  std::printf("shard %llu/%llu: %llu runs; partial result: %s (join the shards with designsim merge)\n",
              static_cast<unsigned long long>(partial.shard), static_cast<unsigned long long>(partial.shards),
              static_cast<unsigned long long>(runs), path.string().c_str());
  return all_held;
}

Partial identity(const Parsed& parsed, const std::string& command, const std::string& file) {
  Partial partial;
  partial.command = command;
  partial.binary = binary_identity();
  partial.file = file;
  partial.file_hash = file_hash_of(read_scenario_file(file));
  std::tie(partial.shard, partial.shards) = shard_of(parsed, command);
  return partial;
}

/// The file's text now, checked against the partials' hash of it.
void check_unchanged(const Partial& partial) {
  if (file_hash_of(read_scenario_file(partial.file)) != partial.file_hash)
    throw UsageError(fmt::format("designsim merge: {} changed since the shards ran; run them again", partial.file));
}

int merge_sweep(const std::vector<Partial>& partials, const fs::path& out_dir) {
  const Partial& first = partials.front();
  check_unchanged(first);
  Scenario scenario = load_scenario(first.file);
  check_scenario(scenario);
  SweepOptions options;
  options.first_seed = first.first_seed;
  options.seed_count = first.seeds;
  options.failing_seed_limit = first.failing_seed_limit;
  check_output_file(out_dir / "sweep.json", {scenario.file});
  check_output_file(out_dir / "sweep.md", {scenario.file});
  check_output_file(out_dir / "sweep.html", {scenario.file});
  SweepResult sweep = sweep_result_of(scenario, options, join_partials(partials).front());
  std::fputs(sweep_summary_text(sweep).c_str(), stdout);
  std::string json = sweep_report_json(sweep);
  report::write_output_file(out_dir / "sweep.json", json);
  report::write_output_file(out_dir / "sweep.md", sweep_report_markdown(sweep));
  report::write_output_file(out_dir / "sweep.html", html_of_sweep_report(json));
  std::printf("reports: %s, %s, %s\n", (out_dir / "sweep.json").string().c_str(),
              (out_dir / "sweep.md").string().c_str(), (out_dir / "sweep.html").string().c_str());
  return sweep.runs_violated == 0 ? all_held : violated;
}

int merge_study(const std::vector<Partial>& partials, const fs::path& out_dir) {
  const Partial& first = partials.front();
  check_unchanged(first);
  Study study = load_study(first.file);
  std::vector<StudyCell> cells = plan_study(study);
  if (cells.size() != first.cells)
    throw UsageError(
        fmt::format("designsim merge: {} has {} cells, its shards {}", first.file, cells.size(), first.cells));
  std::vector<fs::path> outputs{out_dir / "study.json", out_dir / "study.md", out_dir / "study.html"};
  for (const StudyCell& cell : cells) outputs.push_back(out_dir / "cells" / (cell.place.slug + ".yaml"));
  for (const fs::path& output : outputs) check_output_file(output, {study.file});
  for (const StudyCell& cell : cells)
    report::write_output_file(out_dir / "cells" / (cell.place.slug + ".yaml"), cell.scenario_text);
  StudyResult result = study_result_of(study, cells, first.seeds, join_partials(partials));
  std::fputs(study_console_summary(result).c_str(), stdout);
  std::string study_json = study_report_json(result);
  report::write_output_file(out_dir / "study.json", study_json);
  report::write_output_file(out_dir / "study.md", study_report_markdown(result));
  report::write_output_file(out_dir / "study.html", html_of_study_report(study_json));
  std::printf("reports: %s, %s, %s (cell scenarios in %s)\n", (out_dir / "study.json").string().c_str(),
              (out_dir / "study.md").string().c_str(), (out_dir / "study.html").string().c_str(),
              (out_dir / "cells").string().c_str());
  return all_held;
}

}  // namespace

void add_shard_options(po::options_description& options) {
  options.add_options()("shard", po::value<std::string>(),
                        "run only the K-th of N slices of the work (K from 0 to N-1) and write it as a partial\n"
                        "result, shard-K-of-N.json in the output folder, for designsim merge")(
      "resume", "with --shard: when the shard's partial result is already written, by this binary for this\n"
                "run, do nothing");
}

bool sharded(const Parsed& parsed, const std::string& command) {
  if (parsed.vars.count("resume") && !parsed.vars.count("shard"))
    throw UsageError(fmt::format("designsim {}: --resume goes with --shard K/N", command));
  return parsed.vars.count("shard") > 0;
}

int sweep_shard(const Parsed& parsed, const Scenario& scenario, const SweepOptions& options, const fs::path& out_dir) {
  Partial partial = identity(parsed, "sweep", scenario.file);
  partial.first_seed = options.first_seed;
  partial.seeds = options.seed_count;
  partial.failing_seed_limit = options.failing_seed_limit;
  fs::path path = partial_path(out_dir, partial);
  prepare_out_folder(out_dir);
  check_output_file(path, {scenario.file});
  if (already_done(parsed, partial, path)) return all_held;
  auto [first, last] = shard_range(partial.seeds, partial.shard, partial.shards);
  std::printf("designsim sweep %s\nshard %llu/%llu: seeds %llu..%llu of %llu..%llu on %u threads\n",
              scenario.file.c_str(), static_cast<unsigned long long>(partial.shard),
              static_cast<unsigned long long>(partial.shards),
              static_cast<unsigned long long>(options.first_seed + first),
              static_cast<unsigned long long>(options.first_seed + last - 1),
              static_cast<unsigned long long>(options.first_seed),
              static_cast<unsigned long long>(options.first_seed + options.seed_count - 1), options.jobs);
  std::fflush(stdout);
  run_sweep_shard(scenario, options, partial);
  return write_partial(partial, path);
}

int study_shard(const Parsed& parsed, const Study& study, const std::vector<StudyCell>& cells, std::uint64_t seeds,
                unsigned jobs, const fs::path& out_dir) {
  Partial partial = identity(parsed, "study", study.file);
  partial.first_seed = 1;
  partial.seeds = seeds;
  partial.cells = cells.size();
  partial.failing_seed_limit = cell_sweep_options(seeds, jobs).failing_seed_limit;
  fs::path path = partial_path(out_dir, partial);
  prepare_out_folder(out_dir);
  check_output_file(path, {study.file});
  if (already_done(parsed, partial, path)) return all_held;
  auto [first, last] = shard_range(seeds * cells.size(), partial.shard, partial.shards);
  std::printf("designsim study %s\nshard %llu/%llu: runs %llu..%llu of %zu cells x %llu seeds on %u threads\n",
              study.file.c_str(), static_cast<unsigned long long>(partial.shard),
              static_cast<unsigned long long>(partial.shards), static_cast<unsigned long long>(first),
              static_cast<unsigned long long>(last), cells.size(), static_cast<unsigned long long>(seeds), jobs);
  std::fflush(stdout);
  run_study_shard(cells, jobs, partial);
  return write_partial(partial, path);
}

int merge_command(const Args& args) {
  return guarded("merge", [&] {
    po::options_description options("options");
    options.add_options()("partials", po::value<std::vector<std::string>>(), "the partial results, one per shard")(
        "out", po::value<std::string>(), "folder for the reports (default: the folder of the first partial)");
    po::positional_options_description positional;
    positional.add("partials", -1);
    Parsed parsed = parse("merge", args, options, positional);
    if (parsed.help) {
      print_help("designsim merge PARTIAL... [--out DIR]",
                 "Joins the partial results of a sharded sweep or study (sweep/study --shard K/N) into the\n"
                 "reports one unsharded run writes, byte for byte. Every shard 0..N-1 must be given once, all\n"
                 "from one binary and one scenario or study text, else status 2 naming the one missing,\n"
                 "repeated or foreign. Run it from the folder the shards ran in (it reads the scenario or\n"
                 "study again). Status: as the sweep or study.",
                 options);
      return all_held;
    }
    if (!parsed.vars.count("partials"))
      throw UsageError("designsim merge: which partial results? (designsim merge out/.../shard-*-of-N.json)");
    std::vector<std::pair<std::string, Partial>> read;
    std::vector<Partial> partials;
    try {
      for (const std::string& path : parsed.vars["partials"].as<std::vector<std::string>>())
        read.emplace_back(path, read_partial(path));
      partials = check_partials(std::move(read));
    } catch (const ShardError& e) {
      throw UsageError(fmt::format("designsim merge: {}", e.what()));
    }
    fs::path first = parsed.vars["partials"].as<std::vector<std::string>>().front();
    fs::path out_dir = parsed.vars.count("out") ? fs::path(parsed.vars["out"].as<std::string>()) : first.parent_path();
    if (out_dir.empty()) out_dir = ".";
    prepare_out_folder(out_dir);
    return partials.front().command == "sweep" ? merge_sweep(partials, out_dir) : merge_study(partials, out_dir);
  });
}

}  // namespace sim::cli
