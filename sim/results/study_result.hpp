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

/// What a varied value is: its x on a curve is seconds for a duration, per second for a rate.
enum class VaryKind { duration, number, rate };

/// A study's varied parameter: its name and each value with its x, in file order.
struct VaryOutline {
  std::string param;
  VaryKind kind = VaryKind::number;
  std::vector<std::string> values;  ///< as written
  std::vector<double> xs;           ///< each value in the parameter's unit
};

/// What a study's reports show of its file.
struct StudyOutline {
  std::string file;
  std::string name;
  std::string description;
  std::vector<std::string> checks;       ///< whose violation rates fill the table
  std::string latency;                   ///< a latency summarised per cell ("" for none)
  std::vector<std::string> fault_labels;  ///< the fault classes, in file order
  std::optional<VaryOutline> vary;        ///< with vary: only
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

/// One point of a curve: a check's rate at one value of the varied parameter.
struct CurvePoint {
  std::string value;  ///< as written
  double x = 0.0;     ///< in the parameter's unit: seconds for a duration, per second for a rate
  std::uint64_t runs = 0;
  std::uint64_t runs_violated = 0;
  double rate = 0.0;
  WilsonInterval interval;
};

/// A check's violation rate against the varied parameter, for one design: the cells that
/// differ only in the value (the design is "row / column / fault class").
struct Curve {
  std::string param;
  std::string check;
  std::string design;
  std::vector<CurvePoint> points;  ///< in the order of the values
};

/// The study's curves, check by check, each design in cell order; none without vary:.
std::vector<Curve> study_curves(const StudyResult& result);

/// The rate of `check` in a cell, or nullptr if the model does not have it.
const CheckRate* cell_rate(const CellResult& cell, const std::string& check);
/// The cell's summary of `latency` over all its runs, or nullptr.
const LatencySummary* cell_latency(const CellResult& cell, const std::string& latency);

}  // namespace sim
