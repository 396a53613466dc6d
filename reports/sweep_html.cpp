// sweep.html: a sweep's violation rates with their intervals, its failing seeds with their
// replay commands, and the curves of a varied parameter, if sweep.json has them.
#include <fmt/format.h>

#include "reports/html_page.hpp"
#include "reports/html_report.hpp"

namespace sim {

using nlohmann::ordered_json;

namespace {

std::string text_or_dump(const ordered_json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

std::string rates_table(const ordered_json& sweep) {
  std::vector<std::vector<std::string>> rows;
  for (const ordered_json& c : sweep["checks"]) {
    std::string interval = "";
    if (c.contains("interval_95"))
      interval = fmt::format("[{:.2f}%, {:.2f}%]", c["interval_95"]["low"].get<double>() * 100,
                             c["interval_95"]["high"].get<double>() * 100);
    rows.push_back({text_or_dump(c["name"]),
                    fmt::format("{} of {}", c["runs_violated"].get<std::uint64_t>(), c["runs"].get<std::uint64_t>()),
                    fmt::format("{:.2f}%", c["rate"].get<double>() * 100), interval,
                    c["expected_violated"].get<bool>() ? "violated" : "held"});
  }
  return html::table({"check", "runs violated", "rate", "95% interval", "expected"}, rows);
}

std::string failing_table(const ordered_json& sweep) {
  std::vector<std::vector<std::string>> rows;
  for (const ordered_json& f : sweep["failing_seeds"]) {
    std::string checks;
    for (const ordered_json& name : f["checks_violated"]) checks += (checks.empty() ? "" : ", ") + text_or_dump(name);
    rows.push_back({text_or_dump(f["seed"]), checks, text_or_dump(f["reproduce"])});
  }
  if (rows.empty()) return "<p>No seed failed.</p>\n";
  return html::table({"seed", "checks violated", "replay"}, rows);
}

}  // namespace

std::string sweep_report_html(const ordered_json& sweep) {
  const ordered_json& scenario = sweep["scenario"];
  std::string body = fmt::format(
      "<h1>designsim sweep: {}</h1>\n<p>{} over seeds {}</p>\n", svg::escape(text_or_dump(scenario["name"])),
      svg::escape(text_or_dump(scenario["file"])), svg::escape(text_or_dump(sweep["seeds"]["text"])));
  body += "<h2>Violation rates</h2>\n" + rates_table(sweep);
  if (sweep.contains("curves") && !sweep["curves"].empty())
    body += "<h2>Curves</h2>\n" + html::curves_html(sweep["curves"]);
  body += "<h2>Failing seeds</h2>\n" + failing_table(sweep);
  return html::page("designsim sweep: " + text_or_dump(scenario["name"]), body);
}

std::string html_of_sweep_report(const std::string& sweep_json) {
  return sweep_report_html(ordered_json::parse(sweep_json));
}

}  // namespace sim
