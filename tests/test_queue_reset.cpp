// Goal: a consumer whose offset retention deleted resets as auto.offset.reset says (earliest: the
// log start, latest: the high watermark, none: an error that stops it), the checks count what it
// skipped, a seek by time replays without a false violation, bad settings are refused with one
// message, and a run is one trace per seed.
#include <catch2/catch.hpp>

#include <fstream>

#include "models/queue/checks.hpp"
#include "models/queue/offset_reset.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/checkout.hpp"
#include "tests/cli_support.hpp"

using namespace queue;
using sim::Duration;
using sim::Instant;

namespace {

Instant at_s(std::int64_t s) { return Instant::zero() + Duration::seconds(s); }

sim::RunResult run_file(const std::string& path, std::uint64_t seed = 1) {
  return sim::run_scenario(sim::load_scenario(std::string(checkout::source_dir) + "/" + path), seed).result;
}

const sim::CheckResult& check_in(const sim::RunResult& result, const std::string& name) {
  for (const sim::CheckOutcome& c : result.checks)
    if (c.result.name == name) return c.result;
  FAIL("no check named " << name);
  throw std::logic_error("unreachable");
}

// The leading count of a summary ("1,234 messages ...").
std::int64_t leading_count(const std::string& summary) {
  std::string digits;
  for (char c : summary) {
    if (c == ',') continue;
    if (c < '0' || c > '9') break;
    digits += c;
  }
  REQUIRE_FALSE(digits.empty());
  return std::stoll(digits);
}

std::string error_of(const std::string& params) {
  std::string text = "name: t\nmodel: queue\nduration: 5s\nparams:\n" + params;
  try {
    sim::check_scenario(sim::parse_scenario(text, "t.yaml"));
  } catch (const sim::ScenarioError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("OFFSET_OUT_OF_RANGE below the log start resets by auto.offset.reset, past the end to the end", "[queue]") {
  FetchedPartition got;
  got.error = Error::offset_out_of_range;
  got.log_start = 300;
  got.high_watermark = 900;
  got.last_fetchable = 900;  // read_committed would give the last stable offset here
  got.diverging_end = 950;
  REQUIRE(reset_target(OffsetReset::earliest, 120, got).to == 300);
  REQUIRE(reset_target(OffsetReset::latest, 120, got).to == 900);
  REQUIRE_FALSE(reset_target(OffsetReset::none, 120, got).to);
  REQUIRE(reset_target(OffsetReset::none, 1000, got).to == 950);
  REQUIRE(describe_reset(0, 120, reset_target(OffsetReset::earliest, 120, got)) ==
          "p0 from 120 to the log start 300 (earliest)");
}

TEST_CASE("retention and offset settings are checked, each with one message naming the key", "[queue]") {
  CHECK(error_of("  auto_offset_reset: sometimes\n").find("auto_offset_reset") != std::string::npos);
  CHECK(error_of("  log_segment_bytes: 50\n").find("log_segment_bytes") != std::string::npos);
  CHECK(error_of("  log_retention_bytes: 0\n").find("log_retention_bytes") != std::string::npos);
  CHECK(error_of("  log_retention: 0s\n").find("log_retention") != std::string::npos);
  CHECK(error_of("  seek: { at: 2s, to_time: 1s }\n").find("seek: needs group_members of at least 1") !=
        std::string::npos);
  CHECK(error_of("  group_members: 1\n  seek: { at: 2s }\n").find("needs exactly one of to_time and to_offset") !=
        std::string::npos);
  CHECK(error_of("  group_members: 1\n  seek: { at: 2s, to_time: 1s, to_offset: 4 }\n")
            .find("needs exactly one of to_time and to_offset") != std::string::npos);
  CHECK(error_of("  group_members: 1\n  seek: { to_time: 1s }\n").find("params.seek: missing required key 'at'") !=
        std::string::npos);
  CHECK(error_of("  group_members: 1\n  seek: { at: 2s, to_time: 1s, when: 3s }\n")
            .find("unknown key 'when' in params.seek") != std::string::npos);
  CHECK(error_of("  group_members: 1\n  auto_offset_reset: none\n  seek: { at: 2s, to_offset: 0 }\n").empty());
  // From the command line: one message, exit status 2, no report.
  std::filesystem::path dir = test_support::scratch("queue", "bad-reset");
  std::ofstream(dir / "bad.yaml") << "name: t\nmodel: queue\nduration: 5s\nparams:\n  auto_offset_reset: sometimes\n";
  test_support::Outcome o =
      test_support::designsim("run " + (dir / "bad.yaml").string() + " --out " + (dir / "out").string());
  CHECK(o.status == 2);
  CHECK(o.out.find("auto_offset_reset") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "out" / "report.json"));
}

TEST_CASE(
    "a consumer slower than retention skips records: more with latest than with earliest, and none "
    "stops it",
    "[queue]") {
  sim::RunResult latest = run_file("scenarios/queue/retention-slow-consumer-latest.yaml");
  sim::RunResult earliest = run_file("scenarios/queue/retention-slow-consumer-earliest.yaml");
  sim::RunResult none = run_file("scenarios/queue/retention-consumer-pause-none.yaml");
  sim::RunResult enough = run_file("scenarios/queue/retention-slow-consumer-enough-retention.yaml");
  const sim::CheckResult& skipped_latest = check_in(latest, "retention_skipped");
  const sim::CheckResult& skipped_earliest = check_in(earliest, "retention_skipped");
  REQUIRE_FALSE(skipped_latest.held);
  REQUIRE_FALSE(skipped_earliest.held);
  // earliest resumes at the oldest record left and skips only what was deleted; latest jumps
  // to the newest and skips what the log still held too.
  CHECK(leading_count(skipped_latest.summary) > leading_count(skipped_earliest.summary));
  for (const sim::RunResult* r : {&latest, &earliest}) {
    CHECK(check_in(*r, "lost_acked_write").held);
    CHECK(check_in(*r, "unseen").held);
    CHECK(check_in(*r, "consumer_stopped").held);
  }
  REQUIRE_FALSE(check_in(none, "consumer_stopped").held);
  CHECK(check_in(none, "consumer_stopped").details.size() == 1);
  for (const sim::CheckOutcome& c : enough.checks) CHECK(c.result.held);
}

TEST_CASE("a seek by time replays from offsetsForTimes' offset with no violation", "[queue]") {
  sim::RunResult r = run_file("scenarios/queue/replay-seek-by-time.yaml");
  for (const sim::CheckOutcome& c : r.checks) CHECK(c.result.held);
  // Seeking at 15 s to the records of 5 s replays about 10 s of 300 messages a second.
  double replayed = r.measures.at("replayed_messages");
  CHECK(replayed > 2'700);
  CHECK(replayed < 3'300);
}

TEST_CASE("a commit behind the previous one is a regression unless the member sought in between", "[queue]") {
  Observations o;
  o.partitions = 1;
  o.group = true;
  o.commits = {Commit{0, 0, 500, at_s(2)}, Commit{0, 0, 200, at_s(4)}};
  REQUIRE_FALSE(check_committed_offset_regression(o).held);
  o.repositions = {Reposition{0, 0, 500, 200, at_s(3), "latest"}};
  REQUIRE_FALSE(check_committed_offset_regression(o).held);
  o.repositions = {Reposition{0, 0, 500, 200, at_s(3), "seek"}};
  REQUIRE(check_committed_offset_regression(o).held);
}

TEST_CASE("a run with retention, resets and a seek: one seed gives one trace, another seed another", "[queue]") {
  const std::string text =
      "name: t\nmodel: queue\nseed: 1\nduration: 12s\n"
      "network:\n  latency: { dist: lognormal, median: 1ms, p99: 5ms }\n"
      "params:\n  rate: 300/s\n  partitions: 2\n  drain: 2s\n  group_members: 1\n  processing_time: 5ms\n"
      "  log_segment_bytes: 5000\n  log_retention_bytes: 20000\n  log_retention_check_interval: 500ms\n"
      "  auto_offset_reset: latest\n  seek: { at: 8s, to_time: 6s }\n";
  auto hash_of = [&](std::uint64_t seed) {
    return sim::run_scenario(sim::parse_scenario(text, "t.yaml"), seed).result.trace_hash;
  };
  REQUIRE(hash_of(7) == hash_of(7));
  REQUIRE(hash_of(7) != hash_of(8));
}
