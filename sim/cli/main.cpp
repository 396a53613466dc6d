// designsim: run a system design against injected faults, deterministically from a seed.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "sim/cli/commands.hpp"
#include "sim/cli/shard_commands.hpp"

namespace {

constexpr const char* usage =
    "usage: designsim COMMAND [ARGS]\n"
    "\n"
    "Runs a system design against injected faults in simulated time, deterministically from a\n"
    "seed, and checks whether it stayed correct.\n"
    "\n"
    "commands:\n"
    "  run SCENARIO [--seed N] [--out DIR]      one run; prints seed, trace hash, checks, latencies\n"
    "  verify [FILES or FOLDERS]                runs each scenario and compares with its expect: block\n"
    "  sweep SCENARIO --seeds N [--jobs J]      many seeds: violation rates and failing seeds\n"
    "  study STUDY [--seeds N] [--jobs J]       designs x storages x fault classes, each over N seeds\n"
    "  shrink SCENARIO [--seed N] [--check C]   the smallest scenario that still violates the check\n"
    "  merge PARTIAL... [--out DIR]             joins the shards of a sweep or study (--shard K/N)\n"
    "  check SCENARIO...                        validates scenarios without running them\n"
    "  list                                     the models and the shipped scenarios\n"
    "  describe MODEL | faults | checks MODEL   every parameter, fault or check, with its meaning [--json]\n"
    "  new MODEL [--design D]                   prints a complete starting scenario\n"
    "  schema                                   prints the JSON Schema of scenario files\n"
    "  conform --redis HOST:PORT [--seed N]     compares the simulated Redis with a real server\n"
    "  conform --postgres HOST:PORT [--count N] compares the simulated PostgreSQL with a real server\n"
    "\n"
    "'designsim COMMAND --help' describes each. Exit status: 0 every check held, 1 a check was\n"
    "violated, 2 bad input, 3 internal error.\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace sim::cli;
  std::vector<std::string> words(argv + 1, argv + argc);
  if (words.empty() || words[0] == "--help" || words[0] == "-h" || words[0] == "help") {
    std::fputs(usage, words.empty() ? stderr : stdout);
    return words.empty() ? bad_input : all_held;
  }
  std::string command = words[0];
  Args args(words.begin() + 1, words.end());
  try {
    if (command == "run") return run_command(args);
    if (command == "verify") return verify_command(args);
    if (command == "sweep") return sweep_command(args);
    if (command == "study") return study_command(args);
    if (command == "shrink") return shrink_command(args);
    if (command == "list") return list_command(args);
    if (command == "check") return check_command(args);
    if (command == "merge") return merge_command(args);
    if (command == "conform") return conform_command(args);
    if (command == "describe") return describe_command(args);
    if (command == "new") return new_command(args);
    if (command == "schema") return schema_command(args);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "designsim: internal error: %s\n", e.what());
    return internal_error;
  }
  std::fprintf(
      stderr,
      "designsim: unknown command '%s' (commands: run, verify, sweep, study, shrink, merge, check, list, describe, "
      "new, schema, conform)\n",
      command.c_str());
  return bad_input;
}
