// designsim conform: the simulated Redis against a real server, reply by reply.
#include <cstdio>
#include <optional>

#include "conform/harness.hpp"
#include "conform/report.hpp"
#include "conform/resp_client.hpp"
#include "conform/resp_parse.hpp"
#include "sim/cli/command_line.hpp"
#include "sim/cli/commands.hpp"

namespace sim::cli {

namespace {

// Earlier steps printed with each disagreement; the seed and --commands replay all of them.
constexpr std::size_t history_shown = 30;

conform::Endpoint redis_endpoint(const po::variables_map& vars) {
  if (!vars.count("redis")) throw UsageError("designsim conform: which server? (designsim conform --redis HOST:PORT)");
  std::string text = vars["redis"].as<std::string>();
  std::optional<conform::Endpoint> endpoint = conform::parse_endpoint(text);
  if (!endpoint)
    throw UsageError(fmt::format("designsim conform: --redis '{}' is not HOST:PORT with a port in 1..65535", text));
  return *endpoint;
}

// Plays the sequence through `client`; a server that fails mid-way is reported like one that
// cannot be reached.
int conform_against(conform::RespClient& client, const conform::Endpoint& endpoint,
                    const conform::SequenceOptions& sequence_options) {
  conform::SendCommand send = [&client](const conform::Argv& argv) { return client.call(argv); };
  std::printf("server %s, redis_version %s; model: simulated Redis 7.0\n", endpoint.text().c_str(),
              conform::server_version(send).c_str());
  conform::Sequence sequence = conform::build_sequence(sequence_options);
  std::printf("%zu steps: %zu of the script cases, %zu generated\nnormalised (see the README):\n",
              sequence.steps.size(), sequence.steps.size() - sequence_options.command_count,
              sequence_options.command_count);
  for (const conform::NormalisationRule& rule : conform::normalisation_rules())
    std::printf("  %s: %s\n", std::string(rule.name).c_str(), std::string(rule.applies_to).c_str());
  std::fflush(stdout);
  conform::ConformResult result = conform::run_conformance(sequence, send);
  for (const conform::Disagreement& disagreement : result.disagreements)
    std::fputs(conform::disagreement_text(sequence, disagreement, history_shown).c_str(), stdout);
  std::fputs(conform::summary_text(result).c_str(), stdout);
  if (!result.disagreements.empty()) {
    const conform::Disagreement& first = result.disagreements.front();
    std::size_t script_steps = sequence.steps.size() - sequence_options.command_count;
    std::size_t generated_before = first.index < script_steps ? 0 : first.index - script_steps + 1;
    std::printf("replay up to the first: designsim conform --redis %s --seed %llu --commands %zu\n",
                endpoint.text().c_str(), static_cast<unsigned long long>(sequence_options.seed), generated_before);
  }
  return result.disagreements.empty() ? all_held : violated;
}

}  // namespace

int conform_command(const Args& args) {
  for (const std::string& arg : args)
    if (arg == "--postgres" || arg.rfind("--postgres=", 0) == 0) return conform_postgres_command(args);
  return guarded("conform", [&] {
    po::options_description options("options");
    options.add_options()("redis", po::value<std::string>(), "the real server, HOST:PORT (IPv6 as [ADDR]:PORT)")(
        "seed", po::value<std::string>()->default_value("1"), "the seed the commands are generated from")(
        "commands", po::value<std::string>()->default_value("10000"),
        "commands to generate after the script cases (0 to 1000000)");
    po::positional_options_description positional;
    Parsed parsed = parse("conform", args, options, positional);
    if (parsed.help) {
      std::string what =
          "Plays the same commands against a real Redis and the simulated Redis 7.0 and compares every\n"
          "reply byte for byte, except where a rule below says why it may differ. The script cases (the\n"
          "rate limiter, the lock scripts, math.random) come first, then commands generated from the seed.\n"
          "Only keys under \"designsim:conform:\" are touched; they are deleted before and after. Use a\n"
          "server no one else is using; a freshly started one compares math.random too.\n"
          "Status 0: every reply agreed; 1: some disagreed; 2: the server cannot be reached.\n\n"
          "Normalisations:\n" + conform::rules_text();
      print_help("designsim conform --redis HOST:PORT [--seed N] [--commands N]", what.c_str(), options);
      return all_held;
    }
    conform::Endpoint endpoint = redis_endpoint(parsed.vars);
    conform::SequenceOptions sequence_options;
    sequence_options.seed = whole_number(parsed, "conform", "seed", 0, any_seed);
    sequence_options.command_count = whole_number(parsed, "conform", "commands", 0, 1'000'000);
    std::printf("designsim conform --redis %s\nseed %llu, commands %zu\n", endpoint.text().c_str(),
                static_cast<unsigned long long>(sequence_options.seed), sequence_options.command_count);
    std::fflush(stdout);
    try {
      conform::RespClient client(endpoint);
      return conform_against(client, endpoint, sequence_options);
    } catch (const conform::ConnectError& e) {
      throw UsageError(fmt::format("designsim conform: cannot use the server: {}", e.what()));
    } catch (const conform::ProtocolError& e) {
      throw UsageError(
          fmt::format("designsim conform: the server at {} does not answer in RESP2: {}", endpoint.text(), e.what()));
    }
  });
}

}  // namespace sim::cli
