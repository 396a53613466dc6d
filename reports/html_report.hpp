// report.html and study.html: one self-contained page each (inline CSS and SVG, no script,
// nothing fetched), drawn from the report's JSON alone (report.json, study.json), which stays
// the source of truth: a picture shows nothing the JSON does not hold.
//
// Determinism: pure functions of the JSON, so one report gives one page byte for byte.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace sim {

/// report.html from report.json's content (run_to_json of a run that gathered its pictures;
/// without them the page shows the verdicts, the story and the tables only).
std::string run_report_html(const nlohmann::ordered_json& report);

/// study.html from study.json's content: each check's matrix as a heat map of violation rates
/// with their 95% intervals and each cell's replay command, then the curves, if any.
std::string study_report_html(const nlohmann::ordered_json& study);

/// sweep.html from sweep.json's content: each check's violation rate with its 95% interval,
/// the failing seeds with their replay commands, and the curves, if any.
std::string sweep_report_html(const nlohmann::ordered_json& sweep);
std::string html_of_sweep_report(const std::string& sweep_json);

/// The same, from the JSON's text (what report.json and study.json hold).
std::string html_of_run_report(const std::string& report_json);
std::string html_of_study_report(const std::string& study_json);

namespace html {
/// The space-time diagram of the window around the first violation ("" without one).
std::string space_time_diagram(const nlohmann::ordered_json& report);
/// The whole run at a glance: fault spans, clock steps and first violations over true time.
std::string run_summary_strip(const nlohmann::ordered_json& report);
/// One chart per (parameter, check) of a study's or sweep's "curves": each design's violation
/// rate against the parameter, with its 95% band.
std::string curves_html(const nlohmann::ordered_json& curves);
}  // namespace html

}  // namespace sim
