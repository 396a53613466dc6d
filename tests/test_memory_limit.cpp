// --memory-limit: a ceiling on what a run may take, which a user sets so that a scenario too big
// for the machine stops with a clear message instead of taking the memory and the swap.
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>
#include <sys/wait.h>

#if defined(__SANITIZE_ADDRESS__)
#define TEST_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ADDRESS_SANITIZER 1
#endif
#endif

namespace fs = std::filesystem;

namespace {

struct Outcome {
  int status = -1;
  std::string out;  // stdout and stderr, merged
};

Outcome designsim(const std::string& args) {
  std::string command = "cd ";
  command.append(DESIGNSIM_SOURCE_DIR).append(" && ").append(DESIGNSIM_BINARY).append(" ").append(args).append(" 2>&1");
  Outcome o;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe)) o.out += buffer.data();
  int raw = pclose(pipe);
  o.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return o;
}

fs::path scratch(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("designsim-memory-test-" + name);
  fs::remove_all(dir);
  return dir;
}

}  // namespace

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
  fs::path out = scratch("exceeded");
  Outcome o = designsim("run bench/ratelimiter/million-users.yaml --memory-limit 128MiB --out " + out.string());
  INFO(o.out);
  CHECK(o.status == 2);
  CHECK(o.out.find("designsim run: the run needed more memory than --memory-limit 128MiB allows") != std::string::npos);
  CHECK_FALSE(fs::exists(out / "report.json"));
  fs::remove_all(out);
}

TEST_CASE("a run within its --memory-limit runs as it would without one", "[cli]") {
  fs::path out = scratch("within");
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
