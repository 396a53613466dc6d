#include "sim/cli/command_line.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <optional>
#include <sstream>
#include <string_view>

#include "sim/scenario/printable.hpp"

namespace sim::cli {
namespace {

/// --memory-limit, for the commands that simulate.
void add_memory_limit_option(po::options_description& options) {
  options.add_options()("memory-limit", po::value<std::string>(),
                        "a ceiling on the process's memory (its address space), such as 2GiB: a run that needs "
                        "more stops with status 2");
}

/// Applies --memory-limit when it is given.
void limit_memory(const Parsed& parsed, const std::string& command) {
  if (!parsed.vars.count("memory-limit")) return;
  const std::string text = parsed.vars["memory-limit"].as<std::string>();
  std::optional<std::uint64_t> bytes = parse_memory_size(text);
  if (!bytes)
    throw UsageError(fmt::format("designsim {}: --memory-limit expects a size such as 512MiB or 2GiB (units B, KiB, "
                                 "MiB, GiB, TiB), got '{}'",
                                 command, printable(text)));
  try {
    apply_memory_limit(*bytes);
  } catch (const std::runtime_error& e) {
    throw UsageError(fmt::format("designsim {}: --memory-limit {} {}", command, text, e.what()));
  }
  set_memory_limit_text(text);
}

}  // namespace

Parsed parse(const std::string& command, const Args& args, po::options_description& options,
             const po::positional_options_description& positional) {
  options.add_options()("help,h", "describe this command");
  Parsed parsed;
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), parsed.vars);
    po::notify(parsed.vars);
  } catch (const po::error& e) {
    throw UsageError(fmt::format("designsim {}: {} (see 'designsim {} --help')", command, e.what(), command));
  }
  parsed.help = parsed.vars.count("help") > 0;
  return parsed;
}

Parsed parse_simulating(const std::string& command, const Args& args, po::options_description& options,
                        const po::positional_options_description& positional) {
  add_memory_limit_option(options);
  Parsed parsed = parse(command, args, options, positional);
  limit_memory(parsed, command);
  return parsed;
}

std::uint64_t whole_number(const Parsed& parsed, const std::string& command, const std::string& option,
                           std::uint64_t min, std::uint64_t max) {
  const std::string text = parsed.vars[option].as<std::string>();
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [stop, error] = std::from_chars(text.data(), end, value);
  bool digits = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || error != std::errc() || stop != end || value < min || value > max)
    throw UsageError(fmt::format("designsim {}: --{} expects a whole number from {} to {}, got '{}'", command, option,
                                 min, max, text));
  return value;
}

void print_help(const char* synopsis, const char* what, const po::options_description& options) {
  std::printf("usage: %s\n\n%s\n\n", synopsis, what);
  std::ostringstream text;
  text << options;
  std::fputs(text.str().c_str(), stdout);
}

void print_error(const std::string& text) {
  std::string shown;
  std::size_t start = 0;
  for (bool first = true; start <= text.size(); first = false) {
    std::size_t end = std::min(text.find('\n', start), text.size());
    std::string_view line = std::string_view(text).substr(start, end - start);
    if (!first && line.empty()) {
      start = end + 1;
      continue;
    }
    if (!first) shown += (line.front() == ' ' ? "\n" : "\n  ");
    shown += line;
    start = end + 1;
  }
  std::fprintf(stderr, "%s\n", shown.c_str());
}

}  // namespace sim::cli
