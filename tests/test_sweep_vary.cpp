// Goal: `sweep --vary` sweeps the seeds at each value of one parameter and reports each value's
// rate with its interval (sweep.json's values and curves, a curve in sweep.html), every failing
// seed replays from the value's own scenario file, the result does not depend on the number of
// threads, and a bad --vary is one message and status 2 with nothing written.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/checkout.hpp"
#include "tests/cli_support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using test_support::designsim;
using test_support::Outcome;
using test_support::scratch;

namespace {

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// client-1's pause: 1 s leaves its 30 s lock held; 35 s lets client-2 in.
const std::string paused = "scenarios/lock/redis-gc-pause-plain.yaml";
const std::string two_pauses = "'{param: pause.duration, values: [1s, 35s]}'";

Outcome sweep_varied(const fs::path& out, const std::string& jobs) {
  return designsim("sweep " + paused + " --seeds 2 --jobs " + jobs + " --vary " + two_pauses + " --out " +
                   out.string());
}

const json& curve_of(const json& sweep, const std::string& check) {
  for (const json& curve : sweep["curves"])
    if (curve["check"] == check) return curve;
  FAIL("no curve for " << check);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("sweep --vary gives each value's rate with its interval, a curve, and replays that fail", "[cli]") {
  fs::path out = scratch("sweep-vary", "two-pauses");
  Outcome run = sweep_varied(out, "1");
  INFO(run.out);
  CHECK(run.status == 1);  // some run violated a check
  json sweep = json::parse(read_text(out / "sweep.json"));
  CHECK(sweep["vary"]["param"] == "pause.duration");
  REQUIRE(sweep["values"].size() == 2);
  CHECK(sweep["values"][1]["x"].get<double>() == 35.0);
  const json& curve = curve_of(sweep, "overlapping_holders");
  REQUIRE(curve["points"].size() == 2);
  CHECK(curve["points"][0]["value"] == "1s");
  CHECK(curve["points"][0]["runs"] == 2);
  CHECK(curve["points"][0]["rate"].get<double>() == 0.0);  // the lock outlives a 1 s pause
  CHECK(curve["points"][1]["rate"].get<double>() == 1.0);  // not a 35 s one
  CHECK(curve["points"][1]["interval_95"]["low"].get<double>() < 1.0);
  for (const json& check : sweep["checks"])
    if (check["name"] == "overlapping_holders") CHECK(check["runs"] == 4);  // every run of every value
  REQUIRE(!sweep["failing_seeds"].empty());
  const json& failing = sweep["failing_seeds"][0];
  CHECK(failing["value"] == "35s");
  std::string replay = failing["reproduce"].get<std::string>();
  CHECK(replay.find("values/35s.yaml") != std::string::npos);
  CHECK(fs::exists(out / "values" / "1s.yaml"));
  Outcome again = test_support::shell(replay.replace(0, std::string("designsim").size(), checkout::designsim_binary) +
                                      " --quiet --out " + (out / "replay").string());
  INFO(again.out);
  CHECK(again.status == 1);  // the value's scenario, replayed, violates again
  CHECK(designsim("check " + (out / "values" / "1s.yaml").string()).status == 0);
  std::string page = read_text(out / "sweep.html");
  CHECK(page.find("<h2>Curves</h2>") != std::string::npos);
  CHECK(page.find("class=\"ribbon") != std::string::npos);  // the 95% band
  CHECK(read_text(out / "sweep.md").find("against pause.duration") != std::string::npos);
  CHECK(run.out.find("overlapping_holders against pause.duration") != std::string::npos);
}

TEST_CASE("sweep --vary writes the same reports on one thread and on two", "[cli]") {
  // One folder for both, since the replay commands name it.
  fs::path out = scratch("sweep-vary", "threads");
  const std::vector<std::string> files{"sweep.json", "sweep.md", "sweep.html", "values/1s.yaml", "values/35s.yaml"};
  REQUIRE(sweep_varied(out, "1").status == 1);
  std::vector<std::string> one;
  for (const std::string& file : files) one.push_back(read_text(out / file));
  fs::remove_all(out);
  REQUIRE(sweep_varied(out, "2").status == 1);
  for (std::size_t i = 0; i < files.size(); ++i) {
    INFO(files[i]);
    CHECK(!one[i].empty());
    CHECK(one[i] == read_text(out / files[i]));
  }
}

TEST_CASE("sweep --vary refuses a bad vary with one message and status 2, writing nothing", "[cli]") {
  struct Bad {
    std::string vary, says;
  };
  std::vector<Bad> cases = {
      {"'pause.duration'", "--vary"},
      {"'{param: pause_length, values: [1s]}'", "expected duration, params.KEY"},
      {"'{param: pause.duration, values: [1s, 3]}'", "like the first value"},
      {"'{param: pause.duration, values: [1, 2]}'", "vary: pause.duration = 1"},
      {"'{param: params.no_such_param, values: [1, 2]}'", "no_such_param"},
      {"'{param: crash.restart_after, values: [1s]}'", "names nothing"},
      {"'{param: params.ttl, values: [1s, 1s]}'", "distinct values"},
      {"'{param: params.ttl, values: [1s], colour: red}'", "colour"},
      {"'{param: params.ttl, from: 1s, to: 2s}'", "steps"},
  };
  for (const Bad& bad : cases) {
    fs::path out = scratch("sweep-vary", "bad");
    Outcome run = designsim("sweep " + paused + " --seeds 2 --vary " + bad.vary + " --out " + out.string());
    INFO(bad.vary << "\n" << run.out);
    CHECK(run.status == 2);
    CHECK_THAT(run.out, Catch::Contains(bad.says));
    CHECK(run.out.find("--vary") != std::string::npos);
    CHECK(!fs::exists(out / "sweep.json"));
    CHECK(!fs::exists(out / "values"));
  }
}

TEST_CASE("sweep --vary --shard K/N runs (value, seed) pairs apart and merge writes the unsharded sweep's reports, "
          "byte for byte",
          "[cli]") {
  // Both in one folder: the replay commands name the values' files there.
  fs::path out = scratch("sweep-vary", "sharded");
  const std::string varied = "sweep " + paused + " --seeds 3 --jobs 2 --vary " + two_pauses + " --out " + out.string();
  Outcome whole = designsim(varied);
  INFO(whole.out);
  REQUIRE(whole.status == 1);  // the 35 s pause lets two clients hold the lock
  std::vector<std::string> files{"sweep.json", "sweep.md", "sweep.html", "values/1s.yaml", "values/35s.yaml"};
  std::map<std::string, std::string> unsharded;
  for (const std::string& file : files) {
    REQUIRE(fs::exists(out / file));
    unsharded[file] = read_text(out / file);
    fs::remove(out / file);
  }
  // 2 values x 3 seeds over 3 shards: shard 1 holds the last seed of 1s and the first of 35s.
  std::string partials;
  for (int k = 0; k < 3; ++k) {
    Outcome shard = designsim(varied + " --shard " + std::to_string(k) + "/3");
    INFO(shard.out);
    REQUIRE(shard.status == 0);
    partials += " " + (out / ("shard-" + std::to_string(k) + "-of-3.json")).string();
  }
  CHECK(!fs::exists(out / "sweep.json"));
  json middle = json::parse(read_text(out / "shard-1-of-3.json"));
  CHECK(middle["cells"] == 2);
  REQUIRE(middle["slices"].size() == 2);
  CHECK(middle["slices"][0]["cell"] == 0);
  CHECK(middle["slices"][1]["cell"] == 1);
  Outcome merged = designsim("merge" + partials);
  INFO(merged.out);
  CHECK(merged.status == 1);  // as the sweep's
  for (const std::string& file : files) {
    INFO(file);
    CHECK(read_text(out / file) == unsharded[file]);
  }
  CHECK(json::parse(unsharded["sweep.json"])["values"].size() == 2);
  // A shard of another vary is not one of these.
  fs::path other = scratch("sweep-vary", "sharded-other");
  Outcome foreign = designsim("sweep " + paused + " --seeds 3 --vary '{param: pause.duration, values: [1s, 20s]}' "
                              "--shard 2/3 --out " + other.string());
  REQUIRE(foreign.status == 0);
  std::string mixed = partials.substr(0, partials.rfind(' ')) + " " + (other / "shard-2-of-3.json").string();
  Outcome refused = designsim("merge" + mixed + " --out " + other.string());
  CHECK(refused.status == 2);
  CHECK_THAT(refused.out, Catch::Contains("vary differently"));
}
