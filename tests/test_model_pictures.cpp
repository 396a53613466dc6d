// Goal: the models' own pictures in report.json (the source report.html draws them from): who
// led which Raft term (a lane per member, a bar per leadership), each Kafka-like replica's log
// end and the high watermark per partition with leader changes and lost offsets, each Redis
// replica's lag with failovers; each bounded in size, and gathered without changing the run.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "reports/html_report.hpp"
#include "reports/json_report.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/loader.hpp"

using namespace sim;
using nlohmann::json;

namespace {

RunResult run_of(const std::string& file, bool pictures) {
  Scenario scenario = load_scenario(file);
  RunOptions options;
  options.pictures = pictures;
  return run_scenario(scenario, scenario.seed, options).result;
}

json report_of(const std::string& file) { return json::parse(run_report_json(run_of(file, true))); }

std::string lines_named(const json& plot) {
  std::string names;
  for (const json& line : plot["lines"]) names += line["name"].get<std::string>() + "; ";
  return names;
}

const json* line_named(const json& plot, const std::string& name) {
  for (const json& line : plot["lines"])
    if (line["name"] == name) return &line;
  return nullptr;
}

}  // namespace

TEST_CASE("sampling the models for their pictures leaves the run as it was: same trace, same verdicts",
          "[reports]") {
  for (const char* file : {"scenarios/lock/consensus-leader-crash.yaml", "scenarios/queue/m1-acks1-leader-crash.yaml",
                           "scenarios/lock/redis-failover-lag.yaml"}) {
    INFO(file);
    RunResult plain = run_of(file, false), drawn = run_of(file, true);
    CHECK(plain.trace_hash == drawn.trace_hash);
    CHECK(plain.trace_records == drawn.trace_records);
    CHECK(plain.events_run == drawn.events_run);
    CHECK(plain.simulated == drawn.simulated);
    REQUIRE(plain.checks.size() == drawn.checks.size());
    for (std::size_t i = 0; i < plain.checks.size(); ++i)
      CHECK(plain.checks[i].result.held == drawn.checks[i].result.held);
    CHECK(!plain.pictures);
    REQUIRE(drawn.pictures);
  }
}

TEST_CASE("the consensus lock's picture: a lane per etcd member, a bar per leadership with its term, elections "
          "marked, and the crashed leader's bar ends at its crash",
          "[reports]") {
  json r = report_of("scenarios/lock/consensus-leader-crash.yaml");
  REQUIRE(r["pictures"].contains("lane_charts"));
  const json& chart = r["pictures"]["lane_charts"][0];
  CHECK(chart["lanes"] == json::array({"etcd-1", "etcd-2", "etcd-3"}));
  const json& bars = chart["bars"];
  INFO(chart.dump());
  REQUIRE(bars.size() >= 2);
  std::map<std::string, std::vector<std::pair<std::int64_t, std::int64_t>>> by_lane;
  std::int64_t crash = 5'000'000'000, slice = 30'000'000'000 / 400;
  bool crashed_leader_ends = false;
  for (const json& b : bars) {
    std::int64_t from = b["from_ns"], to = b["to_ns"];
    CHECK(from <= to);
    by_lane[b["lane"]].emplace_back(from, to);
    CHECK(b["label"].get<std::string>().rfind("term ", 0) == 0);
    if (b["lane"] == "etcd-3" && from < crash)
      crashed_leader_ends = to >= crash && to <= crash + slice;  // ends at the first sample after it
  }
  CHECK(crashed_leader_ends);
  CHECK(by_lane.size() >= 2);  // another member led after etcd-3 crashed
  for (auto& [lane, spans] : by_lane)
    for (std::size_t i = 1; i < spans.size(); ++i) CHECK(spans[i - 1].second <= spans[i].first);
  // Terms rise over the run: bars ordered by their start carry increasing terms.
  std::vector<std::pair<std::int64_t, int>> terms;
  for (const json& b : bars)
    terms.emplace_back(b["from_ns"].get<std::int64_t>(), std::stoi(b["label"].get<std::string>().substr(5)));
  std::sort(terms.begin(), terms.end());
  for (std::size_t i = 1; i < terms.size(); ++i) CHECK(terms[i - 1].second < terms[i].second);
  // Each election is marked where its bar starts, on the same lane.
  REQUIRE(chart["marks"].size() == bars.size());
  for (const json& m : chart["marks"]) {
    bool matched = std::any_of(bars.begin(), bars.end(), [&](const json& b) {
      return b["lane"] == m["lane"] && b["from_ns"] == m["at_ns"] &&
             m["label"] == "elected, " + b["label"].get<std::string>();
    });
    CHECK(matched);
  }
  std::string page = html_of_run_report(r.dump());
  CHECK(page.find("class=\"lanechart\" data-lanes=\"3\"") != std::string::npos);
}

TEST_CASE("the queue's picture: per partition each replica's log end, the high watermark, leader changes and the "
          "acknowledged offsets acks=1 lost",
          "[reports]") {
  json lossy = report_of("scenarios/queue/m1-acks1-leader-crash.yaml");
  const json& plots = lossy["pictures"]["plots"];
  REQUIRE(!plots.empty());
  const json& p0 = plots[0];
  INFO(lines_named(p0));
  CHECK(p0["title"].get<std::string>().rfind("partition 0:", 0) == 0);
  for (const char* name : {"broker-1 log end", "broker-2 log end", "broker-3 log end", "high watermark (leader)"}) {
    const json* line = line_named(p0, name);
    REQUIRE(line);
    CHECK((*line)["points"].size() >= 100);
    CHECK((*line)["points"].size() <= 401);  // one per sample at most, whatever the run's length
  }
  const json* lost = line_named(p0, "acknowledged, then lost");
  REQUIRE(lost);
  CHECK((*lost)["dots"] == true);
  CHECK(!(*lost)["points"].empty());
  for (const json& dot : (*lost)["points"]) CHECK(dot[0].get<double>() <= 10.0);  // acknowledged before the crash
  // broker-1 led p0 first; after its crash at 10 s another broker leads with a higher epoch.
  REQUIRE(p0.contains("marks"));
  const json& marks = p0["marks"];
  REQUIRE(marks.size() >= 2);
  CHECK(marks[0]["label"].get<std::string>().rfind("broker-1 leads", 0) == 0);
  bool new_leader = std::any_of(marks.begin(), marks.end(), [](const json& m) {
    return m["x"].get<double>() > 10.0 && m["label"].get<std::string>().find(" leads (epoch ") != std::string::npos &&
           m["label"].get<std::string>().rfind("broker-1", 0) != 0;
  });
  CHECK(new_leader);
  // The high watermark rose with the acknowledged writes.
  const json& hw = (*line_named(p0, "high watermark (leader)"))["points"];
  CHECK(hw.back()[1].get<double>() > 0);
  // acks=all loses nothing: no dots.
  json safe = report_of("scenarios/queue/m1-acks-all-leader-crash.yaml");
  REQUIRE(!safe["pictures"]["plots"].empty());
  CHECK(line_named(safe["pictures"]["plots"][0], "acknowledged, then lost") == nullptr);
  CHECK(safe["pictures"].contains("lane_charts"));  // the KRaft controllers' leadership
  std::string page = html_of_run_report(lossy.dump());
  CHECK(page.find("class=\"leader\"") != std::string::npos);  // the leader changes drawn
}

TEST_CASE("the Redis picture: each replica's lag behind the master over the run, failovers marked", "[reports]") {
  json r = report_of("scenarios/lock/redis-failover-lag.yaml");
  const json& plots = r["pictures"]["plots"];
  auto it = std::find_if(plots.begin(), plots.end(), [](const json& p) {
    return p["y_label"] == "lag (bytes)";
  });
  REQUIRE(it != plots.end());
  INFO(it->dump());
  REQUIRE(!(*it)["lines"].empty());
  for (const json& line : (*it)["lines"]) {
    CHECK(line["name"].get<std::string>().find("behind the master") != std::string::npos);
    CHECK(line["points"].size() <= 401);
  }
  REQUIRE(it->contains("marks"));
  CHECK((*it)["marks"][0]["label"].get<std::string>().rfind("failover: ", 0) == 0);
  // Some replica was behind at some moment: the lag the scenario is about.
  bool behind = false;
  for (const json& line : (*it)["lines"])
    for (const json& p : line["points"]) behind = behind || p[1].get<double>() > 0;
  CHECK(behind);
}

TEST_CASE("a model without such pictures keeps its report.json as before: no lane_charts, no marks", "[reports]") {
  json r = report_of("scenarios/snowflake/restart-backstep-memory.yaml");
  CHECK(!r["pictures"].contains("lane_charts"));
  for (const json& plot : r["pictures"]["plots"]) CHECK(!plot.contains("marks"));
}

TEST_CASE("the scheduler's PostgreSQL store charts its tasks table: open rows by state over the run", "[reports]") {
  json r = report_of("scenarios/scheduler/fixed-postgres-worker-crash.yaml");
  const json& plots = r["pictures"]["plots"];
  REQUIRE(!plots.empty());
  const json& table = plots[0];
  CHECK(table["title"] == "The tasks table: open rows by state");
  INFO(lines_named(table));
  CHECK(line_named(table, "dead-letter") == nullptr);  // the table has no dead-letter queue
  const json* in_flight = line_named(table, "in flight");
  const json* ready = line_named(table, "ready");
  REQUIRE(in_flight);
  REQUIRE(ready);
  // Two tasks: each is in flight while a worker runs it, and none is open once both have run.
  double most = 0;
  for (const json& p : (*in_flight)["points"]) most = std::max(most, p[1].get<double>());
  CHECK(most >= 1);
  CHECK(most <= 2);
  CHECK((*in_flight)["points"].back()[1].get<double>() == 0);
  CHECK((*ready)["points"].back()[1].get<double>() == 0);
}
