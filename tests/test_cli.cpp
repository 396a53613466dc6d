// The command line as a user meets it: exit statuses, one clear message for bad input, reports
// written where asked, and nothing run or written for a bad scenario.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <csignal>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/wait.h>

#include "tests/checkout.hpp"
#include "tests/cli_support.hpp"

namespace fs = std::filesystem;

namespace {

using test_support::designsim;
using test_support::Outcome;

fs::path scratch(const std::string& name) { return test_support::scratch("cli", name); }

}  // namespace

TEST_CASE("help for every command exits 0", "[cli]") {
  for (const char* command :
       {"run", "verify", "sweep", "study", "check", "list", "describe", "new", "schema", "conform"}) {
    Outcome o = designsim(std::string(command) + " --help");
    INFO(o.out);
    CHECK(o.status == 0);
    CHECK(o.out.find("usage: designsim") != std::string::npos);
  }
}

TEST_CASE("an unknown command or option is bad input (2) with one message", "[cli]") {
  Outcome o = designsim("frobnicate");
  CHECK(o.status == 2);
  CHECK(o.out.find("unknown command 'frobnicate'") != std::string::npos);
  o = designsim("run scenarios/snowflake/healthy.yaml --sed 3");
  CHECK(o.status == 2);
  CHECK(o.out.find("--sed") != std::string::npos);
}

TEST_CASE("a missing scenario file is bad input and names the file", "[cli]") {
  Outcome o = designsim("run no/such/scenario.yaml");
  CHECK(o.status == 2);
  CHECK(o.out.find("no/such/scenario.yaml") != std::string::npos);
}

TEST_CASE("a bad scenario prints file:line:col, exits 2, and writes no report", "[cli]") {
  fs::path dir = scratch("bad");
  fs::path file = dir / "bad.yaml";
  std::ofstream(file) << "name: bad\nmodel: snowflake\nduration: 2s\nparams:\n  nodes: 3\n  rtae: 100/s\n";
  Outcome o = designsim("run " + file.string() + " --out " + (dir / "out").string());
  INFO(o.out);
  CHECK(o.status == 2);
  CHECK(o.out.find(file.string() + ":6:3:") != std::string::npos);
  CHECK(o.out.find("did you mean 'rate'") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "out"));
  CHECK(o.out.find("trace") == std::string::npos);  // nothing ran
}

TEST_CASE("a fault aimed at a node that does not exist is bad input at its place", "[cli]") {
  fs::path dir = scratch("node");
  fs::path file = dir / "node.yaml";
  std::ofstream(file) << "name: n\nmodel: snowflake\nduration: 2s\nparams:\n  nodes: 2\nfaults:\n"
                         "  - at: 1s\n    pause: { node: gen-7, duration: 1s }\n";
  Outcome o = designsim("check " + file.string());
  INFO(o.out);
  CHECK(o.status == 2);
  CHECK(o.out.find("no node named 'gen-7'") != std::string::npos);
  CHECK(o.out.find(file.string() + ":8:") != std::string::npos);
}

TEST_CASE("run prints the seed first, then the trace hash, and writes its three reports", "[cli]") {
  fs::path dir = scratch("run");
  Outcome o = designsim("run scenarios/snowflake/healthy.yaml --seed 5 --out " + dir.string());
  INFO(o.out);
  CHECK(o.status == 0);
  CHECK(o.out.find("seed 5") < o.out.find("trace "));
  CHECK(fs::exists(dir / "report.json"));
  CHECK(fs::exists(dir / "report.md"));
  CHECK(fs::exists(dir / "report.html"));
}

TEST_CASE("run exits 1 when a check is violated, and a second run writes the same report.json and report.html",
          "[cli][determinism]") {
  fs::path a = scratch("violated-a");
  fs::path b = scratch("violated-b");
  Outcome first = designsim("run scenarios/snowflake/node-id-collision.yaml --out " + a.string());
  Outcome second =
      designsim("run scenarios/snowflake/node-id-collision.yaml --out " + b.string() + " --check-determinism");
  INFO(first.out);
  CHECK(first.status == 1);
  CHECK(second.status == 1);
  for (const char* report : {"report.json", "report.html"}) {
    INFO(report);
    std::ifstream ja(a / report), jb(b / report);
    std::string ta((std::istreambuf_iterator<char>(ja)), {}), tb((std::istreambuf_iterator<char>(jb)), {});
    CHECK_FALSE(ta.empty());
    CHECK(ta == tb);
  }
}

TEST_CASE("verify runs the shipped scenarios and reports each against its expect block", "[cli]") {
  Outcome o = designsim("verify scenarios/snowflake");
  INFO(o.out);
  CHECK(o.status == 0);
  CHECK(o.out.find(" 0 failed") != std::string::npos);
}

TEST_CASE("verify --seeds judges every seed and each share, and names each seed that missed", "[cli][sweep]") {
  // api-clock-skew-caller-now rejects a user under the limit in seeds 7 and 11 of 7 to 11.
  fs::path dir = scratch("verify-seeds");
  std::ifstream shipped(std::string(checkout::source_dir) + "/scenarios/ratelimiter/api-clock-skew-caller-now.yaml");
  std::string text((std::istreambuf_iterator<char>(shipped)), std::istreambuf_iterator<char>());
  const std::string share = "  violated_in_at_least: { false_rejections: 5% }\n";
  REQUIRE(text.find(share) != std::string::npos);
  auto variant = [&](const std::string& name, const std::string& expectation) {
    std::string changed = text;
    changed.replace(changed.find(share), share.size(), expectation);
    std::ofstream(dir / name) << changed;
    return (dir / name).string();
  };
  const std::string seeds = " --seeds 5 --first-seed 7 --jobs 2";
  Outcome shown =
      designsim("verify " + variant("share.yaml", "  violated_in_at_least: { false_rejections: 40% }\n") + seeds);
  INFO(shown.out);
  CHECK(shown.status == 0);
  CHECK(shown.out.find("false_rejections violated in 2 of 5 (at least 40% expected)") != std::string::npos);
  Outcome too_rare =
      designsim("verify " + variant("rare.yaml", "  violated_in_at_least: { false_rejections: 1/2 }\n") + seeds);
  INFO(too_rare.out);
  CHECK(too_rare.status == 1);
  CHECK(
      too_rare.out.find("false_rejections was violated in 2 of 5 seeds (40.00%); the scenario expects at least 1/2") !=
      std::string::npos);
  const std::string strict = variant("strict.yaml", "");
  Outcome missed = designsim("verify " + strict + seeds);
  INFO(missed.out);
  CHECK(missed.status == 1);
  CHECK(missed.out.find("seed 11: false_rejections was violated; the scenario expects it to hold") !=
        std::string::npos);
  CHECK(missed.out.find("replay: designsim run " + strict + " --seed 11") != std::string::npos);
  CHECK(missed.out.find("seed 8:") == std::string::npos);
}

TEST_CASE("sweep reports violation rates and the command that replays each failing seed", "[cli][sweep]") {
  fs::path dir = scratch("sweep");
  Outcome o = designsim("sweep scenarios/snowflake/node-id-collision.yaml --seeds 6 --jobs 2 --out " + dir.string());
  INFO(o.out);
  CHECK(o.status == 1);
  CHECK(o.out.find("designsim run scenarios/snowflake/node-id-collision.yaml --seed 1") != std::string::npos);
  CHECK(fs::exists(dir / "sweep.json"));
  Outcome bad = designsim("sweep scenarios/snowflake/healthy.yaml --seeds 0");
  CHECK(bad.status == 2);
}

TEST_CASE("list names the models, their checks and the shipped scenarios", "[cli]") {
  Outcome o = designsim("list");
  CHECK(o.status == 0);
  CHECK(o.out.find("snowflake") != std::string::npos);
  CHECK(o.out.find("uniqueness") != std::string::npos);
}

TEST_CASE("conform exits 2 with one message for a bad --redis or a server it cannot reach", "[cli][conform]") {
  Outcome bad = designsim("conform --redis localhost");
  INFO(bad.out);
  CHECK(bad.status == 2);
  CHECK(bad.out.find("'localhost' is not HOST:PORT") != std::string::npos);
  Outcome missing = designsim("conform");
  CHECK(missing.status == 2);
  CHECK(missing.out.find("--redis HOST:PORT") != std::string::npos);
  // Port 1 on the loopback: nothing listens there, so the connection is refused at once.
  Outcome unreachable = designsim("conform --redis 127.0.0.1:1 --commands 10");
  INFO(unreachable.out);
  CHECK(unreachable.status == 2);
  CHECK(unreachable.out.find("cannot use the server: 127.0.0.1:1: cannot connect") != std::string::npos);
  CHECK(unreachable.out.find("DISAGREE") == std::string::npos);
}

TEST_CASE("study runs a study file into its reports and refuses a missing one with 2", "[cli][study]") {
  fs::path dir = scratch("study");
  Outcome o = designsim("study scenarios/studies/redlock-vs-fencing.yaml --seeds 2 --jobs 2 --out " + dir.string());
  INFO(o.out);
  CHECK(o.status == 0);
  CHECK(o.out.find("54 cells x 2 seeds") != std::string::npos);
  CHECK(fs::exists(dir / "study.json"));
  CHECK(fs::exists(dir / "study.md"));
  CHECK(fs::exists(dir / "cells" / "redlock--fenced--gc-pause.yaml"));
  // A cell's scenario replays on its own.
  Outcome replay = designsim("run " + (dir / "cells" / "redlock--fenced--gc-pause.yaml").string() +
                             " --seed 1 -q --out " + (dir / "replay").string());
  INFO(replay.out);
  CHECK((replay.status == 0 || replay.status == 1));

  Outcome missing = designsim("study /nonexistent/study.yaml");
  CHECK(missing.status == 2);
  CHECK(missing.out.find("cannot open") != std::string::npos);
  Outcome none = designsim("study");
  CHECK(none.status == 2);
}

namespace {

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

}  // namespace

TEST_CASE("a seed that is not a whole number in range is refused, never wrapped", "[cli]") {
  Outcome negative = designsim("run scenarios/snowflake/healthy.yaml --seed -1");
  INFO(negative.out);
  CHECK(negative.status == 2);
  CHECK(negative.out.find("--seed expects a whole number from 0 to 18446744073709551615, got '-1'") !=
        std::string::npos);
  CHECK(negative.out.find("trace") == std::string::npos);
  Outcome past = designsim("sweep scenarios/snowflake/healthy.yaml --seeds 3 --first-seed 18446744073709551614");
  INFO(past.out);
  CHECK(past.status == 2);
  CHECK(past.out.find("goes past the last seed, 18446744073709551615; start at 18446744073709551613 at most") !=
        std::string::npos);
  Outcome huge = designsim("sweep scenarios/snowflake/healthy.yaml --seeds 3 --first-seed 18446744073709551616");
  CHECK(huge.status == 2);
  CHECK(huge.out.find("--first-seed expects a whole number") != std::string::npos);
}

TEST_CASE("check names what is wrong with a pipe, an empty folder, a dangling link and a link loop", "[cli]") {
  fs::path dir = scratch("check-odd-files");
  fs::path pipe = dir / "pipe.yaml";
  REQUIRE(::mkfifo(pipe.c_str(), 0600) == 0);
  Outcome piped = designsim("check " + pipe.string());
  INFO(piped.out);
  CHECK(piped.status == 2);
  CHECK(piped.out == pipe.string() + ": not a scenario file: a named pipe\n");

  fs::create_directories(dir / "empty");
  Outcome empty = designsim("check " + (dir / "empty").string());
  CHECK(empty.status == 2);
  CHECK(empty.out == "no scenarios found in " + (dir / "empty").string() + " (no .yaml files)\n");

  fs::create_directories(dir / "dangling");
  fs::create_symlink("gone.yaml", dir / "dangling" / "link.yaml");
  Outcome dangling = designsim("check " + (dir / "dangling").string());
  INFO(dangling.out);
  CHECK(dangling.status == 2);
  CHECK(dangling.out.find("link.yaml: not a scenario file: a symbolic link to 'gone.yaml', which does not exist") !=
        std::string::npos);

  fs::create_directories(dir / "loop");
  fs::create_symlink("b.yaml", dir / "loop" / "a.yaml");
  fs::create_symlink("a.yaml", dir / "loop" / "b.yaml");
  Outcome loop = designsim("check " + (dir / "loop").string());
  INFO(loop.out);
  CHECK(loop.status == 2);
  CHECK(loop.out.find("a.yaml: cannot open scenario file (Too many levels of symbolic links)") != std::string::npos);
}

TEST_CASE("default output folders are unique per scenario file and stay under out/", "[cli]") {
  fs::path a = fs::path(checkout::source_dir) / "out" / "lock" / "redis-clock-step" / "seed-1";
  fs::path b = fs::path(checkout::source_dir) / "out" / "ratelimiter" / "redis-clock-step" / "seed-1";
  fs::remove_all(a);
  fs::remove_all(b);
  Outcome lock = designsim("run scenarios/lock/redis-clock-step.yaml --seed 1 -q");
  Outcome limiter = designsim("run scenarios/ratelimiter/redis-clock-step.yaml --seed 1 -q");
  INFO(lock.out << limiter.out);
  CHECK(read_text(a / "report.json").find("\"model\": \"lock\"") != std::string::npos);
  CHECK(read_text(b / "report.json").find("\"model\": \"ratelimiter\"") != std::string::npos);

  // A file named "...yaml" has the stem "..": its reports must not land beside out/.
  fs::path dir = scratch("dots");
  fs::copy_file(fs::path(checkout::source_dir) / "scenarios/snowflake/healthy.yaml", dir / "...yaml");
  Outcome dots = designsim("run " + (dir / "...yaml").string() + " -q");
  INFO(dots.out);
  CHECK(dots.status == 0);
  CHECK(dots.out.find("reports: out/snowflake/_/seed-1/report.json") != std::string::npos);
}

TEST_CASE("outputs are checked before the run and never written over an input", "[cli]") {
  fs::path dir = scratch("outputs");
  fs::path scenario = dir / "s.yaml";
  fs::copy_file(fs::path(checkout::source_dir) / "scenarios/snowflake/healthy.yaml", scenario);
  const std::string original = read_text(scenario);

  Outcome over =
      designsim("run " + scenario.string() + " --trace " + scenario.string() + " --out " + (dir / "o").string());
  INFO(over.out);
  CHECK(over.status == 2);
  CHECK(over.out.find("it is " + scenario.string() + ", an input of this command") != std::string::npos);
  CHECK(over.out.find("trace ") == std::string::npos);  // refused before the run
  CHECK(read_text(scenario) == original);

  fs::path file = dir / "a-file";
  std::ofstream(file) << "x";
  for (const std::string& out : {file.string(), std::string("/proc/designsim-out"), std::string("''")}) {
    Outcome bad = designsim("run " + scenario.string() + " --out " + out);
    INFO(bad.out);
    CHECK(bad.status == 2);
    CHECK(bad.out.find("cannot write") != std::string::npos);
    CHECK(bad.out.find("trace ") == std::string::npos);  // refused before the run
  }
  Outcome folder_trace =
      designsim("run " + scenario.string() + " --out " + (dir / "o").string() + " --trace " + dir.string());
  CHECK(folder_trace.status == 2);
  CHECK(folder_trace.out.find("it is a folder") != std::string::npos);
}

TEST_CASE("run with --trace writes every text record, and says how many events only the hash holds", "[cli]") {
  fs::path dir = scratch("trace");
  Outcome o = designsim("run scenarios/snowflake/restart-backstep-memory.yaml -q --out " + dir.string() + " --trace " +
                        (dir / "trace.jsonl").string());
  INFO(o.out);
  std::string trace = read_text(dir / "trace.jsonl");
  std::size_t lines = static_cast<std::size_t>(std::count(trace.begin(), trace.end(), '\n'));
  CHECK(lines > 0);
  CHECK(o.out.find("trace: " + std::to_string(lines) + " records written to " + (dir / "trace.jsonl").string()) !=
        std::string::npos);
}

TEST_CASE("a requirement on a latency that timed nothing reads 'no samples' and does not stop a sweep",
          "[cli][sweep]") {
  fs::path dir = scratch("no-samples");
  fs::path file = dir / "short.yaml";
  std::ofstream(file) << "name: short\nmodel: snowflake\nduration: 20us\nparams:\n  nodes: 1\n  rate: 1/s\n"
                         "requirements:\n  generate_latency_p99: \"< 1ms\"\n";
  Outcome run = designsim("run " + file.string() + " --out " + (dir / "run").string());
  INFO(run.out);
  CHECK(run.status == 0);
  CHECK(run.out.find("no samples") != std::string::npos);
  Outcome sweep = designsim("sweep " + file.string() + " --seeds 3 --jobs 1 --out " + (dir / "sweep").string());
  INFO(sweep.out);
  CHECK(sweep.status == 0);
  CHECK(fs::exists(dir / "sweep" / "sweep.json"));
}

TEST_CASE("a sweep whose seeds all give one trace says so and gives no intervals", "[cli][sweep]") {
  // 20 us with one request a second: nothing arrives, nothing draws from the seed.
  fs::path dir = scratch("one-trace");
  fs::path file = dir / "idle.yaml";
  std::ofstream(file) << "name: idle\nmodel: snowflake\nduration: 20us\nparams:\n  nodes: 1\n  rate: 1/s\n";
  Outcome idle = designsim("sweep " + file.string() + " --seeds 3 --jobs 2 --out " + (dir / "idle").string());
  INFO(idle.out);
  CHECK(idle.out.find("every seed gave one trace") != std::string::npos);
  CHECK(idle.out.find("95% CI") == std::string::npos);
  CHECK(read_text(dir / "idle" / "sweep.json").find("\"single_trace_hash\"") != std::string::npos);
  CHECK(read_text(dir / "idle" / "sweep.json").find("interval_95") == std::string::npos);
  CHECK(read_text(dir / "idle" / "sweep.md").find("one run repeated") != std::string::npos);
  // Poisson arrivals draw from the seed: these are samples, with intervals.
  Outcome healthy =
      designsim("sweep scenarios/snowflake/healthy.yaml --seeds 2 --jobs 2 --out " + (dir / "healthy").string());
  CHECK(healthy.out.find("every seed gave one trace") == std::string::npos);
  CHECK(healthy.out.find("95% CI") != std::string::npos);
}

TEST_CASE("sweep lists the first failing seeds of each violated check", "[cli][sweep]") {
  fs::path dir = scratch("by-check");
  Outcome o = designsim("sweep scenarios/snowflake/node-id-collision.yaml --seeds 4 --jobs 2 --failing-seeds 2 --out " +
                        dir.string());
  INFO(o.out);
  CHECK(o.out.find("first failing seeds of each violated check") != std::string::npos);
  CHECK(o.out.find("1, 2 (the lowest 2 of 4)") != std::string::npos);
  CHECK(read_text(dir / "sweep.md").find("## Failing seeds by check") != std::string::npos);
  CHECK(read_text(dir / "sweep.json").find("\"failing_seeds\": [\n        1,\n        2\n      ]") !=
        std::string::npos);
}

TEST_CASE("a sweep stopped by SIGINT writes the seeds it finished as a partial result", "[cli][sweep][signal]") {
  fs::path dir = scratch("interrupted");
  // An earlier, complete sweep in the same folder: it must not be left looking current.
  std::ofstream(dir / "sweep.json") << "{\"earlier\": true}\n";
  fs::path terminal = dir / "terminal.txt";
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    if (::chdir(checkout::source_dir) != 0) ::_exit(127);
    std::freopen(terminal.c_str(), "w", stdout);
    ::dup2(::fileno(stdout), 2);
    ::execl(checkout::designsim_binary, "designsim", "sweep", "scenarios/snowflake/healthy.yaml", "--seeds", "100000",
            "--jobs", "2", "--out", dir.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Let it start and finish some seeds (one takes a few tens of milliseconds), then interrupt it.
  for (int i = 0; i < 600 && read_text(terminal).find("seeds 1..100000") == std::string::npos; ++i) ::usleep(10'000);
  ::sleep(3);
  REQUIRE(::kill(child, SIGINT) == 0);
  int raw = 0;
  REQUIRE(::waitpid(child, &raw, 0) == child);
  std::string out = read_text(terminal);
  INFO(out);
  REQUIRE(WIFEXITED(raw));
  CHECK(WEXITSTATUS(raw) == 128 + SIGINT);
  CHECK(out.find("interrupted: no further seed starts") != std::string::npos);
  CHECK(out.find("PARTIAL: interrupted after ") != std::string::npos);
  std::string json = read_text(dir / "sweep.json");
  CHECK(json.find("\"earlier\"") == std::string::npos);
  CHECK(json.find("\"partial\": {\n    \"seeds_requested\": 100000") != std::string::npos);
  CHECK(read_text(dir / "sweep.md").find("**Partial result:**") != std::string::npos);
}

// --memory-limit: a ceiling on what a run may take, which a user sets so that a scenario too big
// for the machine stops with a clear message instead of taking the memory and the swap. A build
// with AddressSanitizer refuses it (the sanitizer's shadow memory takes terabytes of address space).
#if defined(__SANITIZE_ADDRESS__)
#define TEST_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ADDRESS_SANITIZER 1
#endif
#endif

TEST_CASE("a --memory-limit that is not a size is bad input, named with the units it takes", "[cli]") {
  for (const char* bad : {"2XB", "0GiB", "-1GiB", "GiB", "99999999999TiB"}) {
    Outcome o = designsim(std::string("run scenarios/snowflake/healthy.yaml --memory-limit ") + bad);
    INFO(o.out);
    CHECK(o.status == 2);
    CHECK(o.out.find("--memory-limit expects a size such as 512MiB or 2GiB") != std::string::npos);
  }
}

#ifndef TEST_ADDRESS_SANITIZER

TEST_CASE("a run that needs more memory than --memory-limit stops with status 2, says so, and writes nothing",
          "[cli]") {
  // A million users and 200,000 requests a second take several hundred MiB; 128MiB of address
  // space is exhausted while the population is built.
  fs::path out = scratch("memory-exceeded");
  Outcome o = designsim("run bench/ratelimiter/million-users.yaml --memory-limit 128MiB --out " + out.string());
  INFO(o.out);
  CHECK(o.status == 2);
  CHECK(o.out.find("designsim run: the run needed more memory than --memory-limit 128MiB allows") != std::string::npos);
  CHECK_FALSE(fs::exists(out / "report.json"));
  fs::remove_all(out);
}

TEST_CASE("a run within its --memory-limit runs as it would without one", "[cli]") {
  fs::path out = scratch("memory-within");
  Outcome o = designsim("run scenarios/snowflake/healthy.yaml -q --memory-limit 4GiB --out " + out.string());
  Outcome plain = designsim("run scenarios/snowflake/healthy.yaml -q --out " + out.string());
  INFO(o.out);
  CHECK(o.status == 0);
  CHECK(o.out == plain.out);
  fs::remove_all(out);
}

#else

TEST_CASE("a build with AddressSanitizer refuses --memory-limit rather than ignore it", "[cli]") {
  Outcome o = designsim("run scenarios/snowflake/healthy.yaml --memory-limit 4GiB");
  INFO(o.out);
  CHECK(o.status == 2);
  CHECK(o.out.find("cannot be enforced in a build with AddressSanitizer") != std::string::npos);
}

#endif
