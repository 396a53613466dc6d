// Reading a study's result in tests: a cell by its row, column and fault class, and how many of
// its runs violated a check.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "sim/results/study_result.hpp"

namespace study_support {

inline const sim::CellResult& cell_of(const sim::StudyResult& result, const std::string& row,
                                      const std::string& column, const std::string& fault) {
  for (const sim::CellResult& cell : result.cells)
    if (cell.cell.row == row && cell.cell.column == column && cell.cell.fault == fault) return cell;
  FAIL("no cell " << row << " / " << column << " / " << fault);
  throw std::logic_error("unreachable");
}

inline std::uint64_t violated(const sim::StudyResult& result, const std::string& row, const std::string& column,
                              const std::string& fault, const std::string& check) {
  const sim::CheckRate* rate = sim::cell_rate(cell_of(result, row, column, fault), check);
  REQUIRE(rate);
  return rate->runs_violated;
}

}  // namespace study_support
