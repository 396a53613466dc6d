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
  conform::PgRunOptions run;
  std::uint64_t seed = 1;
  std::uint64_t count = 1;
  std::vector<Isolation> levels;
};

/// What one level's verdicts came to.
struct Tally {
  std::size_t disagreed = 0, reordered = 0, replayed = 0;
};

void print_verdict(const PgOptions& o, std::uint64_t seed, Isolation level, const conform::PgVerdict& v, Tally& tally) {
  tally.replayed += v.agreed && v.attempts > 1 ? 1 : 0;
  if (v.agreed) {
    if (v.resume_order.empty()) return;
    ++tally.reordered;
    std::printf("seed %llu (%s): agreed under resume order %s\n", static_cast<unsigned long long>(seed),
                level_word(level), v.resume_order.c_str());
    return;
  }
  ++tally.disagreed;
  std::printf("disagreement, seed %llu:\n%sreplay: designsim conform --postgres %s --seed %llu --level %s\n\n",
              static_cast<unsigned long long>(seed), v.report.c_str(), o.run.endpoint.text().c_str(),
              static_cast<unsigned long long>(seed), level_word(level));
}

// Plays every schedule of every level; prints each disagreement with its replay command.
int conform_postgres_against(const PgOptions& o) {
  std::printf("server %s, PostgreSQL %s; model: simulated PostgreSQL 15; %zu lanes, deadlock_timeout %d ms\n",
              o.run.endpoint.text().c_str(), conform::pg_server_version(o.run.endpoint, o.run.login).c_str(),
              o.run.lanes, o.run.deadlock_timeout_ms);
  std::fflush(stdout);
  std::size_t played = 0, failed = 0;
  auto start = std::chrono::steady_clock::now();  // allowed: elapsed time against the real server, printed only
  for (Isolation level : o.levels) {
    std::vector<postgres::Schedule> schedules;
    for (std::uint64_t i = 0; i < o.count; ++i) schedules.push_back(conform::conform_schedule(o.seed + i, level));
    Tally tally;
    conform::conform_schedules(o.run, schedules, [&](std::size_t k, const conform::PgVerdict& v) {
      print_verdict(o, o.seed + k, level, v, tally);
      std::fflush(stdout);
    });
    std::printf(
        "%s: %llu schedules, %zu disagreed, %zu agreed under another resume order, %zu agreed when played "
        "again\n",
        level_word(level), static_cast<unsigned long long>(o.count), tally.disagreed, tally.reordered, tally.replayed);
    played += schedules.size();
    failed += tally.disagreed;
  }
  auto stop = std::chrono::steady_clock::now();  // allowed: as above
  double seconds = std::chrono::duration<double>(stop - start).count();
  std::printf("%zu schedules in %.1f s, %zu disagreed\n", played, seconds, failed);
  return failed == 0 ? all_held : violated;
}

PgOptions read_options(const Parsed& parsed) {
  PgOptions o;
  std::string text = parsed.vars["postgres"].as<std::string>();
  std::optional<conform::Endpoint> endpoint = conform::parse_endpoint(text);
  if (!endpoint)
    throw UsageError(fmt::format("designsim conform: --postgres '{}' is not HOST:PORT with a port in 1..65535", text));
  o.run.endpoint = *endpoint;
  o.run.login.user = parsed.vars["user"].as<std::string>();
  o.run.login.database = parsed.vars["database"].as<std::string>();
  o.seed = whole_number(parsed, "conform", "seed", 0, any_seed - 1'000'000);
  o.count = whole_number(parsed, "conform", "count", 1, 1'000'000);
  o.levels = levels_of(parsed.vars["level"].as<std::string>());
  o.run.deadlock_timeout_ms = static_cast<int>(whole_number(parsed, "conform", "deadlock-timeout-ms", 1, 10'000));
  o.run.attempts = static_cast<std::size_t>(whole_number(parsed, "conform", "attempts", 1, 5));
  o.run.lanes = static_cast<std::size_t>(whole_number(parsed, "conform", "lanes", 1, 16));
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
        "database", po::value<std::string>()->default_value("postgres"),
        "the database the harness first connects to (it creates designsim_conform_1, ... beside it)")(
        "deadlock-timeout-ms", po::value<std::string>()->default_value("10"),
        "the sessions' deadlock_timeout; a step ends once every wait it began has had its check")(
        "attempts", po::value<std::string>()->default_value("1"),
        "plays of a schedule on the server while it disagrees (1 to 5; 1: no second play)")(
        "lanes", po::value<std::string>()->default_value("8"),
        "schedules played at once, each in a database of its own (1 to 16)");
    po::positional_options_description positional;
    Parsed parsed = parse("conform", args, options, positional);
    if (parsed.help) {
      print_help("designsim conform --postgres HOST:PORT [--seed N] [--count N] [--level L]",
                 "Plays generated concurrent schedules (2 to 4 sessions over a table kv with a primary key and a\n"
                 "unique index) against a real PostgreSQL 15 and the simulated one, and compares for each\n"
                 "statement the rows returned, whether it blocked on a lock (pg_locks on the server),\n"
                 "its SQLSTATE, and the table at the end. Schedules are played --lanes at a time, each lane in a\n"
                 "database of its own (designsim_conform_N, created with the C collation when missing) whose\n"
                 "table kv is dropped and re-created for each schedule: use a server no one else is using.\n"
                 "Status 0: every schedule agreed; 1: some disagreed; 2: bad options or no server.",
                 options);
      return all_held;
    }
    if (!parsed.vars.count("postgres"))
      throw UsageError("designsim conform: which server? (designsim conform --postgres HOST:PORT)");
    PgOptions o = read_options(parsed);
    std::printf("designsim conform --postgres %s\nseed %llu, %llu schedules per level\n", o.run.endpoint.text().c_str(),
                static_cast<unsigned long long>(o.seed), static_cast<unsigned long long>(o.count));
    std::fflush(stdout);
    try {
      return conform_postgres_against(o);
    } catch (const conform::PgConnectError& e) {
      throw UsageError(
          fmt::format("designsim conform: cannot use the server at {}: {}", o.run.endpoint.text(), e.what()));
    }
  });
}

}  // namespace sim::cli
