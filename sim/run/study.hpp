// A study: one scenario crossed with rows (designs), columns (storages, or any second axis) and
// fault classes, each cell swept over many seeds, into one comparison table. The study file:
//
//   name: redlock-vs-fencing
//   description: ...
//   seeds: 1000                 # per cell, unless --seeds says otherwise
//   checks: [overlapping_holders, stale_writes]   # whose violation rates fill the table
//   latency: acquire_latency    # a latency the model records, summarised per cell
//   scenario: { model: lock, duration: 10s, network: ..., params: {...} }
//   rows:    [ { label: "single Redis", params: {...} }, ... ]
//   columns: [ { label: plain, params: {...} }, ... ]
//   faults:  [ { label: none }, { label: GC pause, faults: [ ...fault items... ] }, ... ]
//            { label: failover, params: {...}, faults: [...], rows: [a row label, ...] }
//   vary:    { param: pause.duration, values: [500ms, 1s, 2s] }     # optional: a curve
//            { param: params.ttl, from: 1s, to: 4s, steps: 4 }     # or a range, ends included
//
// A cell's scenario is the shared one with the row's, the column's, then the fault class's params
// laid over its params (each top-level key replaced whole), and the fault class's faults as its
// faults. A class with `rows:` applies only to those rows: a fault that needs a part the other
// designs do not have (a Redis failover where the keys live in PostgreSQL), or params they refuse;
// their cells in that class run without its faults and params, and their sentences say so.
// With vary:, each column is crossed with each value (row, column, value, fault order), the value written where the
// param says: `duration` (the run's length), `params.KEY` or `params.SECTION.KEY` (a model parameter), or `KIND.FIELD`
// (FIELD of every fault of that kind: `pause.duration` sets a fixed pause's duration and a random
// pause's drawn duration alike). The report then draws each check's rate against the value. Each cell gets a sentence
// built from its evidence: the rates, and the first violation of its first failing seed, told by the checker.
//
// Determinism: cells run in file order, each a sweep gathered by seed; nothing depends on the
// number of threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/results/study_result.hpp"
#include "sim/run/sweep.hpp"

namespace sim {

struct StudyEntry {
  std::string label;
  YAML::Node params;  ///< a mapping laid over the scenario's params (may be empty)
};

struct StudyFaultClass {
  std::string label;
  YAML::Node faults;  ///< a fault list, or null for none
  YAML::Node params;  ///< a mapping laid over the cell's params last (may be empty)
  std::vector<std::string> rows;  ///< the row labels it applies to; empty: every row
  YAML::Node duration;  ///< the length of its cells' runs (every row's), or null: the scenario's

  bool applies_to(const std::string& row) const;
};

/// The one parameter a study varies, and its values as written (a range's as computed).
struct StudyVary {
  std::string param;
  std::vector<std::string> values;
  VaryKind kind = VaryKind::number;
  SourceMark where;
};

struct Study {
  std::string file;
  std::string name;
  std::string description;
  std::uint64_t seeds = 100;
  std::vector<std::string> checks;
  std::string latency;
  YAML::Node scenario;
  std::vector<StudyEntry> rows;
  std::vector<StudyEntry> columns;
  std::string rows_title = "design";     ///< what the rows are, as the tables head them
  std::string columns_title = "storage";  ///< what the columns are
  std::vector<StudyFaultClass> faults;
  std::optional<StudyVary> vary;
};

/// A label as it names a cell's file: lower case, runs of anything else than a-z and 0-9 as
/// one '-' ("single Redis" -> "single-redis", "1.5s" -> "1-5s").
std::string study_slug(const std::string& label);

/// Whether a file found while walking a scenarios folder is a study (it lives in a studies/
/// folder), which verify and the scenario tests leave out.
bool is_study_path(const std::filesystem::path& path);

/// Reads a study file; a ScenarioError names the place of the first problem.
Study load_study(const std::string& path);

/// A cell of the study, ready to run.
struct StudyCell {
  CellPlace place;
  bool fault_applies = true;  ///< false: a row outside its fault class's rows, run without the class
  std::string scenario_text;  ///< the cell's scenario as YAML, to replay a seed
  Scenario scenario;
};

/// The study's cells, in row, column, fault order, each checked against its model (a bad cell
/// is a ScenarioError naming the cell).
std::vector<StudyCell> plan_study(const Study& study);

struct StudyOptions {
  std::optional<std::uint64_t> seeds;  ///< overrides the file's
  unsigned jobs = 1;
  /// Called after each cell with (cells done, cells in all).
  std::function<void(std::size_t, std::size_t)> progress;
};

StudyResult run_study(const Study& study, const StudyOptions& options);

/// The options every cell's sweep runs with: `seeds` seeds from seed 1.
SweepOptions cell_sweep_options(std::uint64_t seeds, unsigned jobs);

/// The study's result from its cells' runs (each cell's seeds, as run_seeds gave them), as
/// run_study gives it: this replays each cell's first failing seed for its sentence, on `jobs`
/// threads. `wall_seconds` is left at 0.
StudyResult study_result_of(const Study& study, const std::vector<StudyCell>& cells, std::uint64_t seeds,
                            std::vector<SeedRuns> runs, unsigned jobs = 1);

}  // namespace sim
