#include "sim/cli/commands.hpp"
#include "sim/cli/command_line.hpp"
#include "sim/cli/memory_limit.hpp"
#include "sim/cli/output_paths.hpp"
#include "sim/cli/shard_commands.hpp"
#include "sim/cli/verify_seeds.hpp"

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <csignal>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <new>
#include <thread>
#include <chrono>
#include <sstream>
#include <string_view>

#include "models/model.hpp"
#include "reports/console_report.hpp"
#include "reports/format.hpp"
#include "reports/json_report.hpp"
#include "reports/html_report.hpp"
#include "reports/markdown_report.hpp"
#include "reports/output_file.hpp"
#include "reports/study_report.hpp"
#include "sim/kernel/assert.hpp"
#include "sim/run/run.hpp"
#include "sim/run/study.hpp"
#include "sim/run/sweep.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/printable.hpp"

namespace sim::cli {
namespace fs = std::filesystem;

namespace {

std::string default_jobs() { return std::to_string(std::max(1u, std::thread::hardware_concurrency())); }

void write_file(const fs::path& path, const std::string& text) { report::write_output_file(path, text); }

/// Runs `body`; an assertion that fails inside it is reported with the seed and the command
/// that replays the run.
template <class Body>
RunOutput replayable(const Scenario& scenario, std::uint64_t seed, Body body) {
  try {
    return body();
  } catch (const InternalError& e) {
    throw InternalError(fmt::format("{}\n  seed {}; replay: {}", e.what(), seed, replay_command(scenario.file, seed)));
  }
}

fs::path out_folder(const po::variables_map& vars, const std::string& file, const std::string& model,
                    const std::string& leaf) {
  return vars.count("out") ? fs::path(vars["out"].as<std::string>()) : default_out_folder(file, model, leaf);
}

/// Checks, before anything runs, that the folder takes files and that none of `outputs` is the
/// input file.
void check_outputs(const fs::path& folder, const std::vector<fs::path>& outputs, const std::string& input) {
  prepare_out_folder(folder);
  for (const fs::path& output : outputs) check_output_file(output, {input});
}

// Set by SIGINT or SIGTERM during a sweep. A signal handler can reach nothing else; lock-free
// atomics are safe to store from one.
std::atomic<bool> stop_requested{false};
std::atomic<int> stop_signal{0};

extern "C" void on_stop_signal(int signal) {
  stop_signal.store(signal);
  stop_requested.store(true);
  static const char note[] =
      "\ndesignsim: interrupted: no further seed starts; the runs under way finish (again to stop at once)\n";
  [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, note, sizeof note - 1);
}

/// While alive, SIGINT and SIGTERM ask the sweep to stop instead of ending the process; the
/// handler is taken away after the first (SA_RESETHAND), so a second signal ends it at once.
class StopOnSignal {
 public:
  StopOnSignal() {
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
  }
  ~StopOnSignal() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

/// The status of a command ended by `signal`, as a shell reports it.
int status_of_signal(int signal) { return 128 + signal; }

std::string options_text(const std::vector<std::pair<std::string, std::string>>& options) {
  std::size_t width = 0;
  for (const auto& [key, value] : options) width = std::max(width, key.size());
  std::string text;
  for (const auto& [key, value] : options)
    text += fmt::format("  {:<{}}  {}\n", printable(key), width, printable(value));
  return text;
}

/// Every .yaml file under the paths, sorted, so verify walks them in one order everywhere. A
/// folder's studies/ subfolders hold study files, not scenarios: they are left out. Anything
/// named .yaml that is not a folder is kept, so that the loader names what is wrong with a
/// dangling link, a link loop or a pipe instead of it being skipped. A folder with none is bad
/// input when `require_some`.
std::vector<std::string> scenario_files(const Args& paths, bool require_some = true) {
  std::vector<std::string> files;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      fs::recursive_directory_iterator it(p, ec), end;
      for (; !ec && it != end; it.increment(ec)) {
        std::error_code type_ec;
        if (it->path().extension() == ".yaml" && !it->is_directory(type_ec) && !is_study_path(it->path()))
          found.push_back(it->path().string());
      }
      if (ec) throw UsageError(fmt::format("cannot read the folder {}: {}", p, ec.message()));
      if (found.empty() && require_some) throw UsageError(fmt::format("no scenarios found in {} (no .yaml files)", p));
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(p);  // a missing file is reported by the loader, with its name
    }
  }
  return files;
}

void write_trace(const fs::path& path, const RunOutput& out) {
  report::OutputFile file(path);
  for (const TraceRecord& r : out.trace) {
    nlohmann::ordered_json line;
    line["t_ns"] = r.time.ns();
    line["t"] = to_string(r.time);
    line["node"] = r.node < out.node_names.size() ? out.node_names[r.node] : "";
    line["kind"] = r.kind;
    line["detail"] = r.detail;
    file.write(line.dump());
    file.write("\n");
  }
  file.commit();
}

/// Refuses a --trace that names where a report goes, or an input.
void check_trace_path(const fs::path& trace, const fs::path& out_dir, const Scenario& scenario) {
  for (const char* report : {"report.json", "report.md", "report.html"})
    if (!trace.empty() && fs::absolute(trace).lexically_normal() == fs::absolute(out_dir / report).lexically_normal())
      throw UsageError(
          fmt::format("designsim run: --trace {} is where {} goes; name another file", trace.string(), report));
  check_output_file(trace, {scenario.file});
}

/// --check-determinism: runs the seed again, and the trace hash and the reports must not change.
void check_determinism(const Scenario& scenario, std::uint64_t seed, const RunResult& first, const std::string& json) {
  RunOptions options;
  options.pictures = true;
  RunOutput again = replayable(scenario, seed, [&] { return run_scenario(scenario, seed, options); });
  std::string again_json = run_report_json(again.result);
  if (again.result.trace_hash != first.trace_hash || again_json != json ||
      html_of_run_report(again_json) != html_of_run_report(json))
    throw InternalError(fmt::format("two runs of seed {} differ (trace {} then {}); replay: {}", seed,
                                    hash_text(first.trace_hash), hash_text(again.result.trace_hash),
                                    replay_command(scenario.file, seed)));
}

/// Prints a run's verdicts and writes its reports (and its trace, when asked).
void report_run(const RunOutput& out, const std::string& json, const fs::path& out_dir,
                const std::optional<fs::path>& trace) {
  std::printf("trace %s (%llu records, %llu events, %s simulated)\n", hash_text(out.result.trace_hash).c_str(),
              static_cast<unsigned long long>(out.result.trace_records),
              static_cast<unsigned long long>(out.result.events_run), to_string(out.result.simulated).c_str());
  std::fputs(run_summary_text(out.result).c_str(), stdout);
  write_file(out_dir / "report.json", json);
  write_file(out_dir / "report.md", run_report_markdown(out.result));
  write_file(out_dir / "report.html", html_of_run_report(json));
  if (trace) {
    write_trace(trace->string(), out);
    std::printf("trace: %zu records written to %s; %llu more events folded into the hash only\n", out.trace.size(),
                trace->string().c_str(), static_cast<unsigned long long>(out.result.trace_records - out.trace.size()));
  }
  std::printf("reports: %s, %s, %s\n", (out_dir / "report.json").string().c_str(),
              (out_dir / "report.md").string().c_str(), (out_dir / "report.html").string().c_str());
}

/// The seeds, threads and listing a sweep's (or verify's) command line asks for, each checked.
SweepOptions sweep_options_of(const Parsed& parsed, const std::string& command = "sweep") {
  SweepOptions sweep_options;
  sweep_options.seed_count = whole_number(parsed, command, "seeds", 1, 10'000'000);
  sweep_options.first_seed = whole_number(parsed, command, "first-seed", 0, any_seed);
  sweep_options.jobs = static_cast<unsigned>(whole_number(parsed, command, "jobs", 1, 256));
  sweep_options.failing_seed_limit = whole_number(parsed, command, "failing-seeds", 0, 10'000'000);
  if (sweep_options.first_seed > any_seed - (sweep_options.seed_count - 1))
    throw UsageError(
        fmt::format("designsim {}: --first-seed {} with --seeds {} goes past the last seed, {}; "
                    "start at {} at most",
                    command, sweep_options.first_seed, sweep_options.seed_count, any_seed,
                    any_seed - (sweep_options.seed_count - 1)));
  return sweep_options;
}

/// A progress bar on standard error, when it is a terminal.
void show_progress(SweepOptions& sweep_options, std::mutex& progress_mutex) {
  if (!isatty(STDERR_FILENO)) return;
  sweep_options.progress = [&progress_mutex](std::uint64_t done, std::uint64_t all) {
    std::lock_guard lock(progress_mutex);
    int filled = static_cast<int>(40 * done / all);
    std::fprintf(stderr, "\r[%s%s] %llu/%llu", std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 std::string(static_cast<std::size_t>(40 - filled), ' ').c_str(), static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(all));
    if (done == all) std::fprintf(stderr, "\n");
  };
}

/// Prints and writes a sweep's result (or says why nothing was written) and gives its status.
int finish_sweep(const SweepResult& sweep, const fs::path& out_dir) {
  if (sweep.partial && sweep.seed_count == 0) {
    std::error_code ec;
    bool earlier = fs::exists(out_dir / "sweep.json", ec);
    std::printf(
        "designsim sweep: interrupted before any seed finished: nothing written%s\n",
        earlier ? fmt::format("; {} holds an earlier sweep, left as it was", (out_dir / "sweep.json").string()).c_str()
                : "");
    return status_of_signal(stop_signal.load());
  }
  std::fputs(sweep_summary_text(sweep).c_str(), stdout);
  std::string json = sweep_report_json(sweep);
  write_file(out_dir / "sweep.json", json);
  write_file(out_dir / "sweep.md", sweep_report_markdown(sweep));
  write_file(out_dir / "sweep.html", html_of_sweep_report(json));
  std::printf("reports: %s, %s, %s%s\n", (out_dir / "sweep.json").string().c_str(),
              (out_dir / "sweep.md").string().c_str(), (out_dir / "sweep.html").string().c_str(),
              sweep.partial ? " (partial)" : "");
  if (sweep.partial) return status_of_signal(stop_signal.load());
  return sweep.runs_violated == 0 ? all_held : violated;
}

/// Every scenario checked before any runs: a bad one stops the command with nothing run.
std::vector<Scenario> checked_scenarios(const std::vector<std::string>& files) {
  std::vector<Scenario> scenarios;
  for (const std::string& file : files) {
    scenarios.push_back(load_scenario(file));
    check_scenario(scenarios.back());
  }
  return scenarios;
}

}  // namespace

int run_command(const Args& args) {
  return guarded("run", [&] {
    po::options_description options("options");
    options.add_options()("scenario", po::value<std::string>(), "the scenario file")(
        "seed", po::value<std::string>(), "the seed, 0 to 2^64-1 (default: the scenario's own)")(
        "out", po::value<std::string>(),
        "folder for report.json, report.md and report.html (default: out/PATH/seed-N, PATH the scenario's path under "
        "scenarios/ "
        "without .yaml)")(
        "trace", po::value<std::string>(),
        "also write the trace's records to this file, as JSON lines: faults, node events and what the\n"
        "model records, up to 20,000,000 of them; the events of the hot path (each packet, each Redis\n"
        "command) are folded into the trace hash only, and the terminal says how many")(
        "check-determinism", "run twice and fail (status 3) unless the trace hash and report.json agree")(
        "quiet,q", "print only the verdict lines");
    po::positional_options_description positional;
    positional.add("scenario", 1);
    Parsed parsed = parse_simulating("run", args, options, positional);
    if (parsed.help) {
      print_help("designsim run SCENARIO [--seed N] [--out DIR] [--trace FILE]",
                 "One run of a scenario. Prints the seed and resolved options, then the trace hash, each\n"
                 "check (held or VIOLATED, with how bad), latency percentiles and the requirements;\n"
                 "writes report.json, report.md and report.html. Status 0: every check held; 1: a check was violated.",
                 options);
      return all_held;
    }
    if (!parsed.vars.count("scenario")) throw UsageError("designsim run: which scenario? (designsim run SCENARIO)");
    Scenario scenario = load_scenario(parsed.vars["scenario"].as<std::string>());
    check_scenario(scenario);
    std::uint64_t seed = parsed.vars.count("seed") ? whole_number(parsed, "run", "seed", 0, any_seed) : scenario.seed;
    bool quiet = parsed.vars.count("quiet") > 0;
    fs::path out_dir = out_folder(parsed.vars, scenario.file, scenario.model, fmt::format("seed-{}", seed));
    check_outputs(out_dir, {out_dir / "report.json", out_dir / "report.md", out_dir / "report.html"}, scenario.file);
    if (parsed.vars.count("trace")) check_trace_path(parsed.vars["trace"].as<std::string>(), out_dir, scenario);

    std::printf("designsim run %s\nseed %llu\n", scenario.file.c_str(), static_cast<unsigned long long>(seed));
    std::fflush(stdout);
    RunOptions run_options;
    run_options.return_trace = parsed.vars.count("trace") > 0;
    run_options.pictures = true;
    if (run_options.return_trace) run_options.trace_records_kept = 20'000'000;
    auto started = std::chrono::steady_clock::now();  // allowed: reports how long the run took
    RunOutput out = replayable(scenario, seed, [&] { return run_scenario(scenario, seed, run_options); });
    out.result.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();  // allowed: timing only
    std::string json = run_report_json(out.result);
    if (parsed.vars.count("check-determinism")) check_determinism(scenario, seed, out.result, json);
    if (!quiet) std::printf("options:\n%s", options_text(out.result.options).c_str());
    std::optional<fs::path> trace;
    if (run_options.return_trace) trace = parsed.vars["trace"].as<std::string>();
    report_run(out, json, out_dir, trace);
    return exit_status(out.result);
  });
}

int verify_command(const Args& args) {
  return guarded("verify", [&] {
    po::options_description options("options");
    options.add_options()("paths", po::value<std::vector<std::string>>(),
                          "scenario files or folders (default: scenarios)")(
        "seeds", po::value<std::string>(),
        "verify over this many seeds instead of each scenario's own (1 to 10,000,000)")(
        "first-seed", po::value<std::string>()->default_value("1"),
        "with --seeds: the first seed; seeds are consecutive")(
        "jobs,j", po::value<std::string>()->default_value(default_jobs()), "with --seeds: threads (1 to 256)")(
        "failing-seeds", po::value<std::string>()->default_value("20"),
        "with --seeds: how many missed seeds to list for each scenario");
    po::positional_options_description positional;
    positional.add("paths", -1);
    Parsed parsed = parse_simulating("verify", args, options, positional);
    if (parsed.help) {
      print_help("designsim verify [FILES or FOLDERS] [--seeds N [--first-seed S] [--jobs J]]",
                 "Runs every scenario with its own seed and compares each check with the scenario's\n"
                 "expect: block. With --seeds, runs seeds S..S+N-1 of each instead: every seed must meet the\n"
                 "block, and each check under violated_in_at_least must be violated in at least its share of\n"
                 "them. Status 0: every scenario did what it says; 1: one did not; 2: one is bad.",
                 options);
      return all_held;
    }
    Args paths = parsed.vars.count("paths") ? parsed.vars["paths"].as<std::vector<std::string>>() : Args{"scenarios"};
    std::vector<std::string> files = scenario_files(paths);
    if (files.empty())
      throw UsageError("designsim verify: no .yaml scenarios under " + fmt::format("{}", fmt::join(paths, ", ")));
    std::vector<Scenario> scenarios = checked_scenarios(files);
    if (parsed.vars.count("seeds")) {
      int failures = verify_over_seeds(scenarios, sweep_options_of(parsed, "verify"));
      std::printf("%zu passed, %d failed\n", scenarios.size() - static_cast<std::size_t>(failures), failures);
      return failures == 0 ? all_held : violated;
    }
    int failures = 0;
    for (const Scenario& scenario : scenarios) {
      RunOptions run_options;
      run_options.trace_records_kept = 0;
      RunOutput out =
          replayable(scenario, scenario.seed, [&] { return run_scenario(scenario, scenario.seed, run_options); });
      const RunResult& r = out.result;
      if (r.expectations_met) {
        std::string broken;
        for (const CheckOutcome& c : r.checks)
          if (!c.result.held) broken += (broken.empty() ? "" : ", ") + c.result.name;
        std::printf("ok    %s  (seed %llu, trace %s%s)\n", scenario.file.c_str(),
                    static_cast<unsigned long long>(r.seed), hash_text(r.trace_hash).c_str(),
                    broken.empty() ? "" : (", violated as expected: " + broken).c_str());
      } else {
        ++failures;
        std::printf("FAIL  %s  (seed %llu)\n", scenario.file.c_str(), static_cast<unsigned long long>(r.seed));
        for (const std::string& problem : r.expectation_problems) std::printf("        %s\n", problem.c_str());
        std::printf("        replay: %s\n", replay_command(scenario.file, r.seed).c_str());
      }
    }
    std::printf("%zu passed, %d failed\n", scenarios.size() - static_cast<std::size_t>(failures), failures);
    return failures == 0 ? all_held : violated;
  });
}

int sweep_command(const Args& args) {
  return guarded("sweep", [&] {
    po::options_description options("options");
    options.add_options()("scenario", po::value<std::string>(), "the scenario file")(
        "seeds", po::value<std::string>(), "how many seeds to run (1 to 10,000,000)")(
        "first-seed", po::value<std::string>()->default_value("1"), "the first seed; seeds are consecutive")(
        "jobs,j", po::value<std::string>()->default_value(default_jobs()), "threads (1 to 256)")(
        "out", po::value<std::string>(),
        "folder for sweep.json, sweep.md and sweep.html (default: out/PATH/sweep-FIRST-N, PATH as for run)")(
        "failing-seeds", po::value<std::string>()->default_value("20"),
        "how many failing seeds to list for each check");
    add_shard_options(options);
    po::positional_options_description positional;
    positional.add("scenario", 1);
    Parsed parsed = parse_simulating("sweep", args, options, positional);
    if (parsed.help) {
      print_help("designsim sweep SCENARIO --seeds N [--jobs J] [--first-seed S] [--out DIR]",
                 "Runs N consecutive seeds of a scenario on J threads and reports how often each check was\n"
                 "violated, with 95% Wilson intervals, and the exact command that replays each failing seed.\n"
                 "Status 0: no run violated a check; 1: some run did. On SIGINT or SIGTERM no further seed\n"
                 "starts, the runs under way finish, and the seeds done are written as a result marked\n"
                 "partial (status 130 or 143); a second signal ends the sweep at once.",
                 options);
      return all_held;
    }
    if (!parsed.vars.count("scenario"))
      throw UsageError("designsim sweep: which scenario? (designsim sweep SCENARIO --seeds N)");
    if (!parsed.vars.count("seeds")) throw UsageError("designsim sweep: how many seeds? (--seeds N)");
    SweepOptions sweep_options = sweep_options_of(parsed);
    Scenario scenario = load_scenario(parsed.vars["scenario"].as<std::string>());
    check_scenario(scenario);
    fs::path out_dir = out_folder(parsed.vars, scenario.file, scenario.model,
                                  fmt::format("sweep-{}-{}", sweep_options.first_seed, sweep_options.seed_count));
    if (sharded(parsed, "sweep")) return sweep_shard(parsed, scenario, sweep_options, out_dir);
    check_outputs(out_dir, {out_dir / "sweep.json", out_dir / "sweep.md", out_dir / "sweep.html"}, scenario.file);
    std::printf("designsim sweep %s\nseeds %llu..%llu on %u threads\n", scenario.file.c_str(),
                static_cast<unsigned long long>(sweep_options.first_seed),
                static_cast<unsigned long long>(sweep_options.first_seed + sweep_options.seed_count - 1),
                sweep_options.jobs);
    std::fflush(stdout);
    std::mutex progress_mutex;
    show_progress(sweep_options, progress_mutex);
    SweepResult sweep;
    {
      StopOnSignal stop_on_signal;
      sweep_options.stop = &stop_requested;
      sweep = sweep_scenario(scenario, sweep_options);
    }
    return finish_sweep(sweep, out_dir);
  });
}

int study_command(const Args& args) {
  return guarded("study", [&] {
    po::options_description options("options");
    options.add_options()("study", po::value<std::string>(), "the study file")(
        "seeds", po::value<std::string>(), "seeds per cell, 1 to 1,000,000 (default: the study's own)")(
        "jobs,j", po::value<std::string>()->default_value(default_jobs()), "threads (1 to 256)")(
        "out", po::value<std::string>(),
        "folder for study.json, study.md, study.html and cells/ (default: out/PATH/study-N, PATH the study's path "
        "under scenarios/ "
        "without .yaml)");
    add_shard_options(options);
    po::positional_options_description positional;
    positional.add("study", 1);
    Parsed parsed = parse_simulating("study", args, options, positional);
    if (parsed.help) {
      print_help("designsim study STUDY [--seeds N] [--jobs J] [--out DIR]",
                 "Runs every cell of a study (rows x columns x fault classes of one scenario) over N seeds\n"
                 "and writes one comparison: the rate of each check's violation with 95% intervals, a latency,\n"
                 "and a sentence per cell told from its first failing seed. Each cell's scenario is written to\n"
                 "cells/ so any seed replays with designsim run. Status 0 when it ran (violations are findings).",
                 options);
      return all_held;
    }
    if (!parsed.vars.count("study"))
      throw UsageError("designsim study: which study? (designsim study scenarios/studies/redlock-vs-fencing.yaml)");
    StudyOptions study_options;
    if (parsed.vars.count("seeds")) study_options.seeds = whole_number(parsed, "study", "seeds", 1, 1'000'000);
    study_options.jobs = static_cast<unsigned>(whole_number(parsed, "study", "jobs", 1, 256));
    Study study = load_study(parsed.vars["study"].as<std::string>());
    std::uint64_t seeds = study_options.seeds.value_or(study.seeds);
    fs::path out_dir = out_folder(parsed.vars, study.file, "studies", fmt::format("study-{}", seeds));
    std::vector<StudyCell> cells = plan_study(study);  // every cell checked before anything runs
    if (sharded(parsed, "study")) return study_shard(parsed, study, cells, seeds, study_options.jobs, out_dir);
    std::vector<fs::path> outputs{out_dir / "study.json", out_dir / "study.md", out_dir / "study.html"};
    for (const StudyCell& cell : cells) outputs.push_back(out_dir / "cells" / (cell.place.slug + ".yaml"));
    check_outputs(out_dir, outputs, study.file);
    for (const StudyCell& cell : cells) write_file(out_dir / "cells" / (cell.place.slug + ".yaml"), cell.scenario_text);
    std::printf("designsim study %s\n%zu cells x %llu seeds on %u threads\n", study.file.c_str(), cells.size(),
                static_cast<unsigned long long>(seeds), study_options.jobs);
    std::fflush(stdout);
    if (isatty(STDERR_FILENO)) {
      study_options.progress = [](std::size_t done, std::size_t all) {
        std::fprintf(stderr, "\r%zu/%zu cells", done, all);
        if (done == all) std::fprintf(stderr, "\n");
      };
    }
    StudyResult result = run_study(study, study_options);
    std::fputs(study_console_summary(result).c_str(), stdout);
    std::string study_json = study_report_json(result);
    write_file(out_dir / "study.json", study_json);
    write_file(out_dir / "study.md", study_report_markdown(result));
    write_file(out_dir / "study.html", html_of_study_report(study_json));
    std::printf("reports: %s, %s, %s (cell scenarios in %s)\n", (out_dir / "study.json").string().c_str(),
                (out_dir / "study.md").string().c_str(), (out_dir / "study.html").string().c_str(),
                (out_dir / "cells").string().c_str());
    return all_held;
  });
}

int list_command(const Args& args) {
  return guarded("list", [&] {
    po::options_description options("options");
    options.add_options()("scenarios", po::value<std::string>()->default_value("scenarios"),
                          "folder of shipped scenarios");
    po::positional_options_description positional;
    Parsed parsed = parse("list", args, options, positional);
    if (parsed.help) {
      print_help("designsim list", "The models designsim simulates and the scenarios shipped for each.", options);
      return all_held;
    }
    fs::path folder = parsed.vars["scenarios"].as<std::string>();
    for (const ModelInfo& model : model_registry()) {
      std::printf("%s\n  %s\n", model.name.c_str(), model.summary.c_str());
      std::unique_ptr<Model> instance = model.make();
      std::printf("  checks: %s\n", fmt::format("{}", fmt::join(instance->check_names(), ", ")).c_str());
      std::error_code ec;
      if (!fs::is_directory(folder / model.name, ec)) continue;
      for (const std::string& file : scenario_files({(folder / model.name).string()}, false)) {
        try {
          Scenario s = load_scenario(file);
          std::printf("  %-50s %s\n", file.c_str(), s.name.c_str());
        } catch (const ScenarioError& e) {
          std::printf("  %-50s (bad: %s)\n", file.c_str(), e.message.c_str());
        }
      }
    }
    return all_held;
  });
}

int check_command(const Args& args) {
  return guarded("check", [&] {
    po::options_description options("options");
    options.add_options()("paths", po::value<std::vector<std::string>>(), "scenario files or folders");
    po::positional_options_description positional;
    positional.add("paths", -1);
    Parsed parsed = parse("check", args, options, positional);
    if (parsed.help) {
      print_help("designsim check SCENARIO...",
                 "Validates scenarios without running them: keys, types, units, ranges, node and check\n"
                 "names. Status 0: all good; 2: the first problem, with its file, line and column.",
                 options);
      return all_held;
    }
    if (!parsed.vars.count("paths")) throw UsageError("designsim check: which scenario? (designsim check SCENARIO...)");
    for (const std::string& file : scenario_files(parsed.vars["paths"].as<std::vector<std::string>>())) {
      check_scenario(load_scenario(file));
      std::printf("ok    %s\n", file.c_str());
    }
    return all_held;
  });
}

}  // namespace sim::cli
