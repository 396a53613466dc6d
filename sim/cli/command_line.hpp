// What every designsim command shares: reading its options (with the one clear message for a
// bad one), its help text, and turning what goes wrong into one message and an exit status.
#pragma once

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <cstdint>
#include <limits>
#include <new>
#include <stdexcept>
#include <string>

#include "reports/output_file.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/memory_limit.hpp"
#include "sim/kernel/assert.hpp"
#include "sim/scenario/error.hpp"

namespace sim::cli {

namespace po = boost::program_options;

/// Bad command-line input: printed as one line, exit status 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A command's options as read.
struct Parsed {
  po::variables_map vars;
  bool help = false;
};

/// Reads a command's options (adding --help); a bad one is a UsageError naming the command.
Parsed parse(const std::string& command, const Args& args, po::options_description& options,
             const po::positional_options_description& positional);

/// parse, for the commands that simulate: with --memory-limit, applied at once.
Parsed parse_simulating(const std::string& command, const Args& args, po::options_description& options,
                        const po::positional_options_description& positional);

constexpr std::uint64_t any_seed = std::numeric_limits<std::uint64_t>::max();

/// The option's text as a whole number in [min, max]: digits only, so "-1" is refused rather
/// than wrapped to 2^64 - 1 as the standard conversions do.
std::uint64_t whole_number(const Parsed& parsed, const std::string& command, const std::string& option,
                           std::uint64_t min, std::uint64_t max);

void print_help(const char* synopsis, const char* what, const po::options_description& options);

/// Prints an error as one line; any details it carries follow on lines of their own, indented,
/// so that the first line alone says what went wrong.
void print_error(const std::string& text);

/// Runs a command body, turning errors into one message and an exit status.
template <class Body>
int guarded(const std::string& command, Body body) {
  try {
    return body();
  } catch (const UsageError& e) {
    print_error(e.what());
    return bad_input;
  } catch (const ScenarioError& e) {
    print_error(e.what());
    return bad_input;
  } catch (const report::OutputError& e) {
    print_error(fmt::format("designsim {}: {}", command, e.what()));
    return bad_input;
  } catch (const InternalError& e) {
    print_error(fmt::format("designsim {}: internal error: {}", command, e.what()));
    return internal_error;
  } catch (const std::bad_alloc&) {
    if (memory_limit_text().empty()) throw;
    print_error(fmt::format("designsim {}: the run needed more memory than --memory-limit {} allows; raise the limit, "
                            "or shorten the run or its load",
                            command, memory_limit_text()));
    return bad_input;
  }
}

}  // namespace sim::cli
