// Reading a study's result in tests: a cell by its row, column and fault class, and how many of
// its runs violated a check.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

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

/// Keeps the entries (rows, columns or fault classes) with these labels, in their order. Copied into a new
/// list, never erased in place: erasing move-assigns the entries, and a yaml-cpp Node's assignment writes
/// through to the node it refers to, which would give an entry another one's params.
template <typename Entry>
void keep_only(std::vector<Entry>& entries, const std::vector<std::string>& labels) {
  std::vector<Entry> kept;
  for (const Entry& e : entries)
    if (std::find(labels.begin(), labels.end(), e.label) != labels.end()) kept.push_back(e);
  entries.swap(kept);
  REQUIRE(entries.size() == labels.size());
}

}  // namespace study_support
