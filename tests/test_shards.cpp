// Sharded sweeps and studies: the shards' partial results merge into the reports one unsharded
// run writes, byte for byte; partials that do not belong together are refused with status 2;
// --resume leaves a shard already written alone.
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>

#include "tests/cli_support.hpp"

namespace fs = std::filesystem;

namespace {

using test_support::designsim;
using test_support::Outcome;

fs::path scratch(const std::string& name) { return test_support::scratch("shards", name); }

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

/// Runs shards 0..n-1 of `command` (which names its work and seeds) into `dir`.
void run_shards(const std::string& command, int n, const fs::path& dir) {
  for (int k = 0; k < n; ++k) {
    Outcome shard = designsim(command + " --jobs " + std::to_string(1 + k % 2) + " --shard " + std::to_string(k) +
                              "/" + std::to_string(n) + " --out " + dir.string());
    INFO(shard.out);
    REQUIRE(shard.status == 0);
    REQUIRE(fs::exists(dir / ("shard-" + std::to_string(k) + "-of-" + std::to_string(n) + ".json")));
  }
}

std::string partial(const fs::path& dir, int k, int n) {
  return (dir / ("shard-" + std::to_string(k) + "-of-" + std::to_string(n) + ".json")).string();
}

}  // namespace

TEST_CASE("a sweep run as shards and merged writes the unsharded sweep's reports byte for byte", "[cli][shards]") {
  fs::path dir = scratch("sweep");
  const std::string sweep = "sweep scenarios/lock/redis-gc-pause-plain.yaml --seeds 13 --failing-seeds 3";
  Outcome whole = designsim(sweep + " --jobs 2 --out " + (dir / "whole").string());
  INFO(whole.out);
  REQUIRE((whole.status == 0 || whole.status == 1));
  run_shards(sweep, 4, dir / "shards");
  // Given in any order, the partials merge into one result.
  Outcome merged = designsim("merge " + partial(dir / "shards", 2, 4) + " " + partial(dir / "shards", 0, 4) + " " +
                             partial(dir / "shards", 3, 4) + " " + partial(dir / "shards", 1, 4));
  INFO(merged.out);
  CHECK(merged.status == whole.status);
  CHECK(read_text(dir / "shards" / "sweep.json") == read_text(dir / "whole" / "sweep.json"));
  CHECK(read_text(dir / "shards" / "sweep.md") == read_text(dir / "whole" / "sweep.md"));
  CHECK(read_text(dir / "shards" / "sweep.html") == read_text(dir / "whole" / "sweep.html"));
  // The sweep has latencies and failing seeds, so the equality above covers histograms and seed lists.
  CHECK(read_text(dir / "whole" / "sweep.json").find("\"p99") != std::string::npos);
  CHECK(read_text(dir / "whole" / "sweep.json").find("designsim run") != std::string::npos);
}

TEST_CASE("a study run as shards that cut cells apart merges into the unsharded study byte for byte",
          "[cli][shards][study]") {
  fs::path dir = scratch("study");
  const std::string study = "study scenarios/studies/redlock-vs-fencing.yaml --seeds 2";
  Outcome whole = designsim(study + " --jobs 2 --out " + (dir / "whole").string());
  INFO(whole.out);
  REQUIRE(whole.status == 0);
  run_shards(study, 5, dir / "shards");  // 108 runs in 5 shards: shard 1 starts inside cell 10
  std::string all;
  for (int k = 0; k < 5; ++k) all += " " + partial(dir / "shards", k, 5);
  Outcome merged = designsim("merge" + all + " --out " + (dir / "merged").string());
  INFO(merged.out);
  CHECK(merged.status == 0);
  CHECK(read_text(dir / "merged" / "study.json") == read_text(dir / "whole" / "study.json"));
  CHECK(read_text(dir / "merged" / "study.md") == read_text(dir / "whole" / "study.md"));
  CHECK(read_text(dir / "merged" / "study.html") == read_text(dir / "whole" / "study.html"));
  CHECK(read_text(dir / "merged" / "cells" / "redlock--fenced--gc-pause.yaml") ==
        read_text(dir / "whole" / "cells" / "redlock--fenced--gc-pause.yaml"));
}

TEST_CASE("a study with vary: run as shards merges into the unsharded study and its curves byte for byte",
          "[cli][shards][study]") {
  fs::path dir = scratch("study-vary");
  const std::string study = "study scenarios/studies/redlock-vs-fencing-pause-curve.yaml --seeds 2";
  Outcome whole = designsim(study + " --jobs 2 --out " + (dir / "whole").string());
  INFO(whole.out);
  REQUIRE(whole.status == 0);
  run_shards(study, 3, dir / "shards");  // 120 runs in 3 shards: each cut falls inside a value's cell
  Outcome merged = designsim("merge " + partial(dir / "shards", 0, 3) + " " + partial(dir / "shards", 1, 3) + " " +
                             partial(dir / "shards", 2, 3) + " --out " + (dir / "merged").string());
  INFO(merged.out);
  CHECK(merged.status == 0);
  std::string json = read_text(dir / "whole" / "study.json");
  CHECK(read_text(dir / "merged" / "study.json") == json);
  CHECK(read_text(dir / "merged" / "study.md") == read_text(dir / "whole" / "study.md"));
  CHECK(json.find("\"curves\": [") != std::string::npos);
  CHECK(json.find("\"param\": \"pause.duration\"") != std::string::npos);
  CHECK(read_text(dir / "merged" / "cells" / "redlock--fenced--2-5s--gc-pause.yaml") ==
        read_text(dir / "whole" / "cells" / "redlock--fenced--2-5s--gc-pause.yaml"));
}

TEST_CASE("merge refuses a missing, repeated or foreign partial with one message and status 2", "[cli][shards]") {
  fs::path dir = scratch("refuse");
  const std::string sweep = "sweep scenarios/snowflake/node-id-collision.yaml --seeds 6";
  run_shards(sweep, 3, dir / "a");
  Outcome missing = designsim("merge " + partial(dir / "a", 0, 3) + " " + partial(dir / "a", 2, 3));
  CHECK(missing.status == 2);
  CHECK(missing.out.find("shard 1/3 of scenarios/snowflake/node-id-collision.yaml is missing") != std::string::npos);
  Outcome twice = designsim("merge " + partial(dir / "a", 0, 3) + " " + partial(dir / "a", 1, 3) + " " +
                            partial(dir / "a", 1, 3) + " " + partial(dir / "a", 2, 3));
  CHECK(twice.status == 2);
  CHECK(twice.out.find("shard 1/3 is given twice") != std::string::npos);
  run_shards("sweep scenarios/snowflake/node-id-collision.yaml --seeds 7", 3, dir / "b");
  Outcome foreign = designsim("merge " + partial(dir / "a", 0, 3) + " " + partial(dir / "b", 1, 3) + " " +
                              partial(dir / "a", 2, 3));
  CHECK(foreign.status == 2);
  CHECK(foreign.out.find("are not shards of one run: they cover different seeds") != std::string::npos);
  std::ofstream(dir / "junk.json") << "{\"designsim_partial\": 1}";
  Outcome junk = designsim("merge " + (dir / "junk.json").string());
  CHECK(junk.status == 2);
  CHECK(junk.out.find("not a designsim partial result") != std::string::npos);
  Outcome none = designsim("merge");
  CHECK(none.status == 2);
  CHECK(designsim("merge --help").status == 0);
  for (const Outcome& o : {missing, twice, foreign, junk, none}) CHECK(o.out.find("internal") == std::string::npos);
  CHECK_FALSE(fs::exists(dir / "a" / "sweep.json"));
}

TEST_CASE("a shard is named K/N with K below N, and --resume skips a shard already written", "[cli][shards]") {
  fs::path dir = scratch("resume");
  const std::string sweep = "sweep scenarios/snowflake/node-id-collision.yaml --seeds 6 --out " + dir.string();
  for (const char* bad : {"3/3", "1", "a/2", "0/0", "-1/2"}) {
    Outcome o = designsim(sweep + " --shard=" + bad);
    INFO(bad << ": " << o.out);
    CHECK(o.status == 2);
    CHECK(o.out.find("--shard expects K/N") != std::string::npos);
  }
  CHECK(designsim(sweep + " --resume").status == 2);
  Outcome first = designsim(sweep + " --shard 1/3 --resume");
  INFO(first.out);
  REQUIRE(first.status == 0);
  CHECK(first.out.find("already done") == std::string::npos);
  fs::path written = partial(dir, 1, 3);
  std::string text = read_text(written);
  std::ofstream(written, std::ios::app) << " ";  // a mark the shard would not write: proves it was left alone
  Outcome again = designsim(sweep + " --shard 1/3 --resume");
  CHECK(again.status == 0);
  CHECK(again.out.find("shard 1/3 already done") != std::string::npos);
  CHECK(read_text(written) == text + " ");
  // A partial of another run is not taken for this one: the shard runs again.
  Outcome other = designsim("sweep scenarios/snowflake/node-id-collision.yaml --seeds 9 --out " + dir.string() +
                            " --shard 1/3 --resume");
  CHECK(other.status == 0);
  CHECK(other.out.find("of another run") != std::string::npos);
  CHECK(read_text(written) != text + " ");
}
