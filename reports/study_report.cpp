#include "reports/study_report.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "reports/curve_report.hpp"
#include "reports/format.hpp"
#include "reports/text_table.hpp"

namespace sim {
namespace {

using nlohmann::ordered_json;

std::string rate_text(const CheckRate* rate) {
  if (!rate) return "-";
  return fmt::format("{} [{}, {}]", percent_text(rate->rate), percent_text(rate->interval.low),
                     percent_text(rate->interval.high));
}

std::string latency_text(const LatencySummary* latency) {
  if (!latency || latency->count == 0) return "-";
  return fmt::format("{} / {}", to_string(Duration::nanoseconds(latency->p50_ns), 4),
                     to_string(Duration::nanoseconds(latency->p99_ns), 4));
}

std::string replay_text(const CellResult& cell) {
  if (!cell.example_seed) return "";
  return replay_command("cells/" + cell.cell.slug + ".yaml", *cell.example_seed);
}

ordered_json rate_json(const CheckRate* rate) {
  ordered_json j = ordered_json::object();
  if (!rate) return j;
  j["runs_violated"] = rate->runs_violated;
  j["runs"] = rate->runs;
  j["rate"] = rate->rate;
  j["interval_95"] = {rate->interval.low, rate->interval.high};
  return j;
}

}  // namespace

std::string study_report_json(const StudyResult& result, bool include_runtime) {
  const StudyOutline& study = result.study;
  ordered_json root = ordered_json::object();
  root["study"] = study.name;
  root["file"] = study.file;
  root["description"] = study.description;
  root["seeds_per_cell"] = result.seeds;
  root["checks"] = study.checks;
  root["latency"] = study.latency;
  root["rows_title"] = study.rows_title;
  root["columns_title"] = study.columns_title;
  ordered_json cells = ordered_json::array();
  for (const CellResult& cell : result.cells) {
    ordered_json c = ordered_json::object();
    c["row"] = cell.cell.row;
    c["column"] = cell.cell.column;
    c["faults"] = cell.cell.fault;
    if (study.vary) c["value"] = cell.cell.value;
    c["scenario"] = "cells/" + cell.cell.slug + ".yaml";
    ordered_json rates = ordered_json::object();
    for (const std::string& check : study.checks) rates[check] = rate_json(cell_rate(cell, check));
    c["rates"] = rates;
    if (const LatencySummary* latency = cell_latency(cell, study.latency)) {
      c["latency"] = {{"name", latency->name}, {"count", latency->count}, {"p50_ns", latency->p50_ns},
                      {"p99_ns", latency->p99_ns}, {"max_ns", latency->max_ns}};
    }
    c["runs_with_any_violation"] = cell.sweep.runs_violated;
    if (cell.example_seed) {
      c["example_seed"] = *cell.example_seed;
      c["reproduce"] = replay_text(cell);
    }
    c["sentence"] = cell.sentence;
    cells.push_back(std::move(c));
  }
  root["cells"] = std::move(cells);
  root["curves"] = curves_json(study_curves(result));
  if (include_runtime) root["runtime"] = {{"wall_seconds", result.wall_seconds}, {"jobs", result.jobs}};
  return root.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

std::string study_report_markdown(const StudyResult& result) {
  const StudyOutline& study = result.study;
  std::string md = fmt::format("# designsim study: {}\n\n", study.name);
  if (!study.description.empty()) md += study.description + "\n\n";
  md += fmt::format("- **Study file:** `{}`\n- **Seeds per cell:** {} (seeds 1 to {}); intervals are 95% Wilson score "
                    "intervals\n- **Cells:** {}\n\n",
                    study.file, result.seeds, result.seeds, result.cells.size());
  // One matrix per check: rows and columns against fault classes.
  for (const std::string& check : study.checks) {
    md += fmt::format("## Runs with {} violated\n\n", check);
    report::TextRow header{study.rows_title, study.columns_title};
    if (study.vary) header.push_back(study.vary->param);
    for (const std::string& fault : study.fault_labels) header.push_back(fault);
    std::vector<report::TextRow> rows;
    for (std::size_t c = 0; c < result.cells.size(); c += study.fault_labels.size()) {
      report::TextRow row{result.cells[c].cell.row, result.cells[c].cell.column};
      if (study.vary) row.push_back(result.cells[c].cell.value);
      for (std::size_t f = 0; f < study.fault_labels.size() && c + f < result.cells.size(); ++f) {
        const CheckRate* rate = cell_rate(result.cells[c + f], check);
        row.push_back(rate ? percent_text(rate->rate) : std::string("-"));
      }
      rows.push_back(std::move(row));
    }
    md += report::markdown_table(header, rows) + "\n";
  }
  md += curves_markdown(study_curves(result));
  md += "## Every cell\n\n";
  for (const CellResult& cell : result.cells) {
    std::string value = study.vary ? fmt::format(" / {} {}", study.vary->param, cell.cell.value) : "";
    md += fmt::format("### {} / {}{} / {}\n\n", cell.cell.row, cell.cell.column, value, cell.cell.fault);
    for (const std::string& check : study.checks)
      md += fmt::format("- {}: {}\n", check, rate_text(cell_rate(cell, check)));
    if (!study.latency.empty())
      md += fmt::format("- {} (p50 / p99): {}\n", study.latency, latency_text(cell_latency(cell, study.latency)));
    md += fmt::format("- {}\n", cell.sentence);
    if (cell.example_seed) md += fmt::format("- Replay: `{}`\n", replay_text(cell));
    md += "\n";
  }
  md += "Each cell's scenario is in `cells/`, next to this report.\n";
  return md;
}

std::string study_console_summary(const StudyResult& result) {
  const StudyOutline& study = result.study;
  std::string out =
      fmt::format("designsim study {}: {} cells x {} seeds\n", study.file, result.cells.size(), result.seeds);
  std::vector<report::TextRow> rows;
  report::TextRow header{study.rows_title, study.columns_title, "faults"};
  if (study.vary) header.push_back(study.vary->param);
  for (const std::string& check : study.checks) header.push_back(check);
  if (!study.latency.empty()) header.push_back(study.latency + " p50/p99");
  rows.push_back(header);
  for (const CellResult& cell : result.cells) {
    report::TextRow row{cell.cell.row, cell.cell.column, cell.cell.fault};
    if (study.vary) row.push_back(cell.cell.value);
    for (const std::string& check : study.checks) {
      const CheckRate* rate = cell_rate(cell, check);
      row.push_back(rate ? percent_text(rate->rate) : "-");
    }
    if (!study.latency.empty()) row.push_back(latency_text(cell_latency(cell, study.latency)));
    rows.push_back(std::move(row));
  }
  std::vector<std::size_t> numbers;
  for (std::size_t i = study.vary ? 4 : 3; i < header.size(); ++i) numbers.push_back(i);
  out += report::aligned_table(rows, "  ", numbers);
  out += curves_text(study_curves(result));
  return out;
}

}  // namespace sim
