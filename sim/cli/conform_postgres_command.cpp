// designsim conform --postgres: the simulated PostgreSQL against a real server, schedule by
// schedule.
#include <chrono>
#include <cstdio>
#include <optional>

#include "conform/pg_schedules.hpp"
#include "sim/cli/command_line.hpp"

namespace sim::cli {

namespace {

using postgres::Isolation;

const char* level_word(Isolation level) {
  switch (level) {
    case Isolation::read_committed: return "read-committed";
    case Isolation::repeatable_read: return "repeatable-read";
    case Isolation::serializable: return "serializable";
  }
  return "?";
}

std::vector<Isolation> levels_of(const std::string& text) {
  std::vector<Isolation> all{Isolation::read_committed, Isolation::repeatable_read, Isolation::serializable};
  if (text == "all") return all;
  for (Isolation level : all)
    if (text == level_word(level)) return {level};
  throw UsageError(fmt::format(
      "designsim conform: --level '{}' is not one of all, read-committed, repeatable-read, serializable", text));
}

struct PgOptions {
  conform::Endpoint endpoint;
  conform::PgLogin login;
  std::uint64_t seed = 1;
  std::uint64_t count = 1;
  std::vector<Isolation> levels;
  int deadlock_timeout_ms = 200;
};

// Plays every schedule of every level; prints each disagreement with its replay command.
int conform_postgres_against(conform::PgServerPlayer& server, const PgOptions& o) {
  std::printf("server %s, PostgreSQL %s; model: simulated PostgreSQL 15\n", o.endpoint.text().c_str(),
              server.server_version().c_str());
  std::fflush(stdout);
  std::size_t played = 0, disagreements = 0;
  // allowed: the elapsed time of a run against a real server, printed for the user; no model reads it.
  auto start = std::chrono::steady_clock::now();
  for (Isolation level : o.levels) {
    std::size_t level_disagreements = 0;
    for (std::uint64_t i = 0; i < o.count; ++i) {
      std::uint64_t seed = o.seed + i;
      postgres::Schedule schedule = conform::conform_schedule(seed, level);
      std::string differ = conform::compare_plays(schedule, conform::play_on_model(schedule), server.play(schedule));
      ++played;
      if (differ.empty()) continue;
      ++level_disagreements;
      std::printf("disagreement, seed %llu:\n%sreplay: designsim conform --postgres %s --seed %llu --level %s\n\n",
                  static_cast<unsigned long long>(seed), differ.c_str(), o.endpoint.text().c_str(),
                  static_cast<unsigned long long>(seed), level_word(level));
      std::fflush(stdout);
    }
    std::printf("%s: %llu schedules, %zu disagreed\n", level_word(level), static_cast<unsigned long long>(o.count),
                level_disagreements);
    disagreements += level_disagreements;
  }
  // allowed: as above.
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%zu schedules in %.1f s, %zu disagreed\n", played, seconds, disagreements);
  return disagreements == 0 ? all_held : violated;
}

PgOptions read_options(const Parsed& parsed) {
  PgOptions o;
  std::string text = parsed.vars["postgres"].as<std::string>();
  std::optional<conform::Endpoint> endpoint = conform::parse_endpoint(text);
  if (!endpoint)
    throw UsageError(fmt::format("designsim conform: --postgres '{}' is not HOST:PORT with a port in 1..65535", text));
  o.endpoint = *endpoint;
  o.login.user = parsed.vars["user"].as<std::string>();
  o.login.database = parsed.vars["database"].as<std::string>();
  o.seed = whole_number(parsed, "conform", "seed", 0, any_seed - 1'000'000);
  o.count = whole_number(parsed, "conform", "count", 1, 1'000'000);
  o.levels = levels_of(parsed.vars["level"].as<std::string>());
  o.deadlock_timeout_ms = static_cast<int>(whole_number(parsed, "conform", "deadlock-timeout-ms", 10, 10'000));
  return o;
}

}  // namespace

int conform_postgres_command(const Args& args) {
  return guarded("conform", [&] {
    po::options_description options("options");
    options.add_options()("postgres", po::value<std::string>(), "the real server, HOST:PORT (IPv6 as [ADDR]:PORT)")(
        "seed", po::value<std::string>()->default_value("1"), "the first schedule's seed; the next ones follow")(
        "count", po::value<std::string>()->default_value("200"), "schedules per isolation level (1 to 1000000)")(
        "level", po::value<std::string>()->default_value("all"),
        "all, read-committed, repeatable-read or serializable")(
        "user", po::value<std::string>()->default_value("postgres"), "a superuser (it sets deadlock_timeout)")(
        "database", po::value<std::string>()->default_value("postgres"), "the database (its table kv is replaced)")(
        "deadlock-timeout-ms", po::value<std::string>()->default_value("200"),
        "the sessions' deadlock_timeout; the harness sleeps past it where the model lets it pass");
    po::positional_options_description positional;
    Parsed parsed = parse("conform", args, options, positional);
    if (parsed.help) {
      print_help("designsim conform --postgres HOST:PORT [--seed N] [--count N] [--level L]",
                 "Plays generated concurrent schedules (2 to 4 sessions over a table kv with a primary key and a\n"
                 "unique index) against a real PostgreSQL 15 and the simulated one, and compares for each\n"
                 "statement the rows returned, whether it blocked on a lock (pg_blocking_pids on the server),\n"
                 "its SQLSTATE, and the table at the end. The table kv is dropped and re-created for each\n"
                 "schedule: use a server (or a database) no one else is using, created with the C collation.\n"
                 "Status 0: every schedule agreed; 1: some disagreed; 2: bad options or no server.",
                 options);
      return all_held;
    }
    if (!parsed.vars.count("postgres"))
      throw UsageError("designsim conform: which server? (designsim conform --postgres HOST:PORT)");
    PgOptions o = read_options(parsed);
    std::printf("designsim conform --postgres %s\nseed %llu, %llu schedules per level\n", o.endpoint.text().c_str(),
                static_cast<unsigned long long>(o.seed), static_cast<unsigned long long>(o.count));
    std::fflush(stdout);
    try {
      conform::PgServerPlayer server(o.endpoint, o.login, o.deadlock_timeout_ms);
      return conform_postgres_against(server, o);
    } catch (const conform::PgConnectError& e) {
      throw UsageError(fmt::format("designsim conform: cannot use the server at {}: {}", o.endpoint.text(), e.what()));
    }
  });
}

}  // namespace sim::cli
