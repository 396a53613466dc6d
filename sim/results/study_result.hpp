// The result of a study: one cell per (row, column, fault class), each a sweep with the
// sentence its evidence gives. Reports read only this; the study file, its cells' scenarios
// and how they run belong to the run layer.
//
// Determinism: cells are in row, column, fault order; only `wall_seconds` and `jobs` depend
// on the machine, and reports leave them out unless asked.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/results/sweep_result.hpp"

namespace sim {

/// What a study's reports show of its file.
struct StudyOutline {
  std::string file;
  std::string name;
  std::string description;
  std::vector<std::string> checks;       ///< whose violation rates fill the table
  std::string latency;                   ///< a latency summarised per cell ("" for none)
  std::vector<std::string> fault_labels;  ///< the fault classes, in file order
  std::optional<VaryOutline> vary;        ///< with vary: only
  std::string rows_title = "design";      ///< what the rows are
  std::string columns_title = "storage";  ///< what the columns are
};

/// Where a cell sits in the study, and the file name of its scenario.
struct CellPlace {
  std::string row;
  std::string column;
  std::string fault;
  std::string slug;  ///< "redlock--plain--gc-pause" ("redlock--plain--2s--gc-pause" with vary:)
  std::string value;  ///< the varied parameter's value as written; "" without vary:
};

struct CellResult {
  CellPlace cell;
  SweepResult sweep;
  std::optional<std::uint64_t> example_seed;  ///< the first failing seed, replayed for its story
  std::string sentence;
};

struct StudyResult {
  StudyOutline study;
  std::uint64_t seeds = 0;  ///< per cell
  std::vector<CellResult> cells;
  double wall_seconds = 0;
  unsigned jobs = 1;
};

/// The study's curves, check by check, each design in cell order; none without vary:.
std::vector<Curve> study_curves(const StudyResult& result);

/// The rate of `check` in a cell, or nullptr if the model does not have it.
const CheckRate* cell_rate(const CellResult& cell, const std::string& check);
/// The cell's summary of `latency` over all its runs, or nullptr.
const LatencySummary* cell_latency(const CellResult& cell, const std::string& latency);

}  // namespace sim
