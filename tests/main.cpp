// The test binary's entry point: Catch2's own, plus --scenario, which names the scenario a
// [golden] test replays (CMake adds one such CTest test per shipped scenario).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "tests/scenario_under_test.hpp"

std::string& scenario_under_test() {
  static std::string file;
  return file;
}

int main(int argc, char* argv[]) {
  Catch::Session session;
  session.cli(session.cli() | Catch::clara::Opt(scenario_under_test(),
                                                "file")["--scenario"]("the scenario file a [golden] test replays"));
  if (int status = session.applyCommandLine(argc, argv); status != 0) return status;
  return session.run();
}
