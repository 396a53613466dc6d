#include "sim/run/study.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <thread>

#include "sim/kernel/assert.hpp"
#include "sim/run/run.hpp"
#include "sim/run/study_vary.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/param_reader.hpp"
#include "sim/scenario/yaml_document.hpp"
#include "sim/scenario/yaml_value.hpp"

namespace sim {
namespace {

constexpr std::uint64_t seeds_max = 1'000'000;

}  // namespace

std::string study_slug(const std::string& label) {
  std::string slug;
  for (char c : label) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (c >= 'A' && c <= 'Z') {
      slug += static_cast<char>(c - 'A' + 'a');
    } else if (keep) {
      slug += c;
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug.empty() ? "x" : slug;
}

namespace {

std::string slug_of(const std::string& label) { return study_slug(label); }

YAML::Node mapping_or_empty(ParamReader& entry, std::string_view key) {
  std::optional<YamlValue> value = entry.value(key);
  if (!value || value->node.IsNull()) return YAML::Node(YAML::NodeType::Map);
  if (!value->node.IsMap()) value->expected("a mapping of the model's parameters");
  return value->node;
}

// Labels name the cells' files through their slugs: two labels of one axis with one slug
// ("single Redis", "single-redis") would write two cells to one file. A slug never holds "--",
// so distinct slugs on every axis give distinct cell names.
void refuse_shared_slug(const ParamReader& entry, std::string_view axis, const std::string& label,
                        const std::vector<std::string>& labels) {
  for (const std::string& earlier : labels)
    if (slug_of(earlier) == slug_of(label))
      entry.fail("label", fmt::format("expected {} labels that differ in more than case, spaces and punctuation: "
                                      "'{}' and '{}' would share the cell file name '{}'",
                                      axis, earlier, label, slug_of(label)));
}

std::vector<StudyEntry> read_entries(ParamReader& top, std::string_view key) {
  std::vector<StudyEntry> entries;
  std::vector<std::string> labels;
  std::vector<ParamReader> list = top.section_list(key);
  if (list.empty()) top.fail(key, "expected a list of at least one { label, params }");
  for (ParamReader& entry : list) {
    StudyEntry e;
    e.label = entry.string("label");
    if (e.label.empty()) entry.fail("label", "expected a label");
    refuse_shared_slug(entry, key, e.label, labels);
    labels.push_back(e.label);
    e.params = mapping_or_empty(entry, "params");
    entry.finish();
    entries.push_back(std::move(e));
  }
  return entries;
}

// A fault class's rows: labels of the study's rows, each once.
std::vector<std::string> read_class_rows(ParamReader& entry, const std::vector<StudyEntry>& rows) {
  std::vector<std::string> labels = entry.string_list("rows", {});
  for (std::size_t i = 0; i < labels.size(); ++i) {
    bool known = std::any_of(rows.begin(), rows.end(), [&](const StudyEntry& r) { return r.label == labels[i]; });
    if (!known) entry.fail("rows", fmt::format("'{}' is not the label of one of the study's rows", labels[i]));
    if (std::find(labels.begin(), labels.begin() + static_cast<std::ptrdiff_t>(i), labels[i]) !=
        labels.begin() + static_cast<std::ptrdiff_t>(i))
      entry.fail("rows", fmt::format("'{}' is listed twice", labels[i]));
  }
  return labels;
}

std::vector<StudyFaultClass> read_fault_classes(ParamReader& top, const std::vector<StudyEntry>& rows) {
  std::vector<StudyFaultClass> classes;
  std::vector<std::string> labels;
  std::vector<ParamReader> list = top.section_list("faults");
  if (list.empty()) top.fail("faults", "expected a list of at least one { label, faults }");
  for (ParamReader& entry : list) {
    StudyFaultClass f;
    f.label = entry.string("label");
    if (f.label.empty()) entry.fail("label", "expected a label");
    refuse_shared_slug(entry, "faults", f.label, labels);
    labels.push_back(f.label);
    std::optional<YamlValue> faults = entry.value("faults");
    if (faults && !faults->node.IsNull()) {
      if (!faults->node.IsSequence()) faults->expected("a list of faults, as in a scenario's faults:");
      f.faults = faults->node;
    }
    f.params = mapping_or_empty(entry, "params");
    if (std::optional<YamlValue> duration = entry.value("duration")) {
      read_duration(*duration, DurationRange::positive());  // checked here; the cell's scenario checks its bound
      f.duration = duration->node;
    }
    f.rows = read_class_rows(entry, rows);
    entry.finish();
    classes.push_back(std::move(f));
  }
  return classes;
}

Study read_study(const YAML::Node& root, const std::string& file) {
  ParamReader top(root, mark_of(root, file), "");
  Study study;
  study.file = file;
  study.name = top.string("name");
  if (study.name.empty()) top.fail("name", "expected a name");
  study.description = top.string("description", "");
  study.seeds = top.integer<std::uint64_t>("seeds", study.seeds, 1, seeds_max);
  study.checks = top.string_list("checks");
  if (study.checks.empty()) top.fail("checks", "expected the checks whose rates fill the table");
  study.latency = top.string("latency", "");
  YamlValue scenario = top.required("scenario");
  if (!scenario.node.IsMap()) scenario.expected("a scenario's fields: model, duration, network, params");
  study.scenario = scenario.node;
  study.rows = read_entries(top, "rows");
  study.columns = read_entries(top, "columns");
  study.rows_title = top.string("rows_title", study.rows_title);
  study.columns_title = top.string("columns_title", study.columns_title);
  study.faults = read_fault_classes(top, study.rows);
  study.vary = read_vary(top);
  top.finish();
  return study;
}

YAML::Node cell_node(const Study& study, const StudyEntry& row, const StudyEntry& column,
                     const StudyFaultClass& fault) {
  YAML::Node cell = YAML::Clone(study.scenario);
  cell["name"] = fmt::format("{} / {} / {} / {}", study.name, row.label, column.label, fault.label);
  cell.remove("expect");
  cell.remove("requirements");
  const bool applies = fault.applies_to(row.label);
  const YAML::Node none(YAML::NodeType::Map);
  YAML::Node params = cell["params"] && cell["params"].IsMap() ? cell["params"] : YAML::Node(YAML::NodeType::Map);
  for (const YAML::Node* overlay : {&row.params, &column.params, applies ? &fault.params : &none})
    for (const auto& item : *overlay) params[item.first.Scalar()] = YAML::Clone(item.second);
  cell["params"] = params;
  if (fault.duration && !fault.duration.IsNull()) cell["duration"] = YAML::Clone(fault.duration);
  if (fault.faults && applies) cell["faults"] = YAML::Clone(fault.faults);
  else cell.remove("faults");
  return cell;
}

std::string rates_text(const Study& study, const CellResult& cell) {
  std::string text;
  for (const std::string& check : study.checks) {
    const CheckRate* rate = cell_rate(cell, check);
    if (!rate) continue;
    text += fmt::format("{}{} {}/{}", text.empty() ? "" : ", ", check, rate->runs_violated, rate->runs);
  }
  return "Runs violating: " + (text.empty() ? std::string("none measured") : text);
}

// The last fault applied before `at`, in words, or "".
std::string fault_before(const RunResult& run, Instant at) {
  const AppliedFault* last = nullptr;
  for (const AppliedFault& fault : run.faults)
    if (fault.at <= at) last = &fault;
  if (!last) return "";
  return fmt::format(" (the last fault before it: {}{} at {}, {})", last->kind,
                     last->node.empty() ? "" : " of " + last->node, to_string(last->at - Instant::zero()),
                     last->detail);
}

// The sentence for a cell: its rates, then what its first failing seed shows, as the checkers
// told it, with the fault that came last before; with no failure, what the first seed's checks
// saw.
std::string explain(const Study& study, const Scenario& scenario, CellResult& cell) {
  std::uint64_t seed = cell.sweep.failing_seeds.empty() ? cell.sweep.first_seed : cell.sweep.failing_seeds.front().seed;
  if (!cell.sweep.failing_seeds.empty()) cell.example_seed = seed;
  RunResult run = run_scenario(scenario, seed).result;
  std::vector<std::string> told;
  for (const std::string& check : study.checks) {
    for (const CheckOutcome& outcome : run.checks) {
      if (outcome.result.name != check) continue;
      if (!outcome.result.held && outcome.result.first) {
        const Violation& v = *outcome.result.first;
        told.push_back(fmt::format("{} broke at {}{}: {}", check, to_string(v.at - Instant::zero()),
                                   fault_before(run, v.at), v.what));
      } else {
        told.push_back(fmt::format("{} {}", check, outcome.result.held ? "held: " + outcome.result.summary : "broke"));
      }
    }
  }
  std::string evidence;
  for (const std::string& t : told) evidence += (evidence.empty() ? "" : "; ") + t;
  return fmt::format("{}. Seed {}: {}.", rates_text(study, cell), seed, evidence);
}

StudyOutline outline_of(const Study& study) {
  StudyOutline outline{study.file, study.name, study.description, study.checks, study.latency, {}, {},
                       study.rows_title, study.columns_title};
  for (const StudyFaultClass& fault : study.faults) outline.fault_labels.push_back(fault.label);
  if (study.vary) outline.vary = vary_outline(*study.vary);
  return outline;
}

void check_cell(const Study& study, StudyCell& cell, const std::string& label) {
  cell.scenario = parse_scenario(cell.scenario_text, label);
  check_scenario(cell.scenario);
  for (const std::string& check : study.checks) {
    // check_scenario knows the model's checks through expect:, which a cell has not.
    Scenario probe = cell.scenario;
    probe.expect.held = {check};
    check_scenario(probe);
  }
}

// A cell's scenario, checked against its model. Without `value`, the cell as the rows, columns
// and fault classes make it; with one, the same cell with the vary's value written in, whose
// problems (a bad unit, a key the model does not have) are the vary's, reported at its place.
StudyCell make_cell(const Study& study, const StudyEntry& row, const StudyEntry& column, const StudyFaultClass& fault,
                    const std::string* value, std::size_t& vary_written) {
  StudyCell cell;
  cell.place = {row.label, column.label, fault.label, "", value ? *value : ""};
  cell.fault_applies = fault.applies_to(row.label);
  cell.place.slug = slug_of(row.label) + "--" + slug_of(column.label) + "--" +
                    (value ? slug_of(*value) + "--" : "") + slug_of(fault.label);
  YAML::Node node = cell_node(study, row, column, fault);
  if (value) {
    vary_written += apply_vary(node, *study.vary, *value);
    node["name"] = fmt::format("{} / {} / {} / {} {} / {}", study.name, row.label, column.label, study.vary->param,
                               *value, fault.label);
  }
  YAML::Emitter out;
  out << node;
  cell.scenario_text = std::string(out.c_str()) + "\n";
  std::string label = fmt::format("{} (the scenario of cell {} / {}{} / {})", study.file, row.label, column.label,
                                  value ? " / " + *value : "", fault.label);
  try {
    check_cell(study, cell, label);
  } catch (const ScenarioError& e) {
    if (!value) throw;
    throw ScenarioError(study.vary->where, fmt::format("vary: {} = {} in cell {} / {} / {}: {}", study.vary->param,
                                                       *value, row.label, column.label, fault.label, e.message));
  }
  return cell;
}

}  // namespace

bool StudyFaultClass::applies_to(const std::string& row) const {
  return rows.empty() || std::find(rows.begin(), rows.end(), row) != rows.end();
}

bool is_study_path(const std::filesystem::path& path) { return path.parent_path().filename() == "studies"; }

Study load_study(const std::string& path) {
  std::string text = read_scenario_file(path);
  YAML::Node root = parse_yaml_document(text, path);
  return read_yaml_document(root, path, [&](const YAML::Node& node) { return read_study(node, path); });
}

std::vector<StudyCell> plan_study(const Study& study) {
  std::vector<StudyCell> cells;
  std::size_t vary_written = 0;
  for (const StudyEntry& row : study.rows) {
    for (const StudyEntry& column : study.columns) {
      // Each cell as it is without the vary first, so that its own problems are not blamed on the vary.
      std::vector<StudyCell> plain;
      for (const StudyFaultClass& fault : study.faults)
        plain.push_back(make_cell(study, row, column, fault, nullptr, vary_written));
      if (!study.vary) {
        for (StudyCell& cell : plain) cells.push_back(std::move(cell));
        continue;
      }
      for (const std::string& value : study.vary->values)
        for (const StudyFaultClass& fault : study.faults)
          cells.push_back(make_cell(study, row, column, fault, &value, vary_written));
    }
  }
  if (study.vary && vary_written == 0)
    throw ScenarioError(study.vary->where,
                        fmt::format("vary: {} names nothing in any cell: no fault class has a fault of "
                                    "that kind",
                                    study.vary->param));
  return cells;
}

SweepOptions cell_sweep_options(std::uint64_t seeds, unsigned jobs) {
  SweepOptions sweep;
  sweep.first_seed = 1;
  sweep.seed_count = seeds;
  sweep.jobs = jobs;
  sweep.failing_seed_limit = 1;
  return sweep;
}

namespace {

/// Each cell's sentence (explain: one replay of its example seed), on `jobs` threads; sentences
/// are kept by cell, and the first cell's error, if any, is rethrown.
void explain_cells(const Study& study, const std::vector<StudyCell>& cells, StudyResult& result, unsigned jobs) {
  std::vector<std::exception_ptr> errors(cells.size());
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next.fetch_add(1); i < cells.size(); i = next.fetch_add(1)) {
      try {
        result.cells[i].sentence =
            (cells[i].fault_applies ? "" : "The fault class does not apply to this row: run without its faults. ") +
            explain(study, cells[i].scenario, result.cells[i]);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  std::vector<std::thread> threads;
  for (unsigned j = 1; j < std::max(1u, jobs); ++j) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();
  for (const std::exception_ptr& error : errors)
    if (error) std::rethrow_exception(error);
}

}  // namespace

StudyResult study_result_of(const Study& study, const std::vector<StudyCell>& cells, std::uint64_t seeds,
                            std::vector<SeedRuns> runs, unsigned jobs) {
  SIM_ASSERT(runs.size() == cells.size(), "study_result_of: one set of runs per cell");
  StudyResult result;
  result.study = outline_of(study);
  result.seeds = seeds;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    CellResult cell;
    cell.cell = cells[i].place;
    cell.sweep = sweep_result_of(cells[i].scenario, cell_sweep_options(seeds, runs[i].jobs), runs[i]);
    result.cells.push_back(std::move(cell));
  }
  explain_cells(study, cells, result, jobs);
  return result;
}

StudyResult run_study(const Study& study, const StudyOptions& options) {
  auto started = std::chrono::steady_clock::now();  // allowed: reports how long the study took
  std::uint64_t seeds = options.seeds.value_or(study.seeds);
  std::vector<StudyCell> cells = plan_study(study);
  std::vector<const Scenario*> scenarios;
  for (const StudyCell& cell : cells) scenarios.push_back(&cell.scenario);
  // One pool for every cell's seeds: a thread does not wait at the end of a cell for the other's
  // last run. Results are gathered by cell and seed, so they do not depend on the threads.
  std::vector<SeedRuns> runs = run_seeds_of(scenarios, cell_sweep_options(seeds, options.jobs), options.progress);
  StudyResult result = study_result_of(study, cells, seeds, std::move(runs), options.jobs);
  result.jobs = options.jobs;
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();  // allowed: as above
  return result;
}

}  // namespace sim
