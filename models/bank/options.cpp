#include "models/bank/options.hpp"

#include "models/postgres/server/replication_options.hpp"
#include "sim/scenario/param_reader.hpp"

namespace bank {
namespace {

using sim::Duration;

const Duration hour = Duration::minutes(60);

void read_workload(sim::ParamReader& params, BankOptions& options) {
  options.accounts = params.integer<int>("accounts", options.accounts, 2, 100'000);
  options.initial_balance = params.integer<std::int64_t>("initial_balance", options.initial_balance, 0, 1'000'000'000);
  options.clients = params.integer<int>("clients", options.clients, 0, 1000);
  options.amount = params.integer<std::int64_t>("amount", options.amount, 1, 1'000'000'000);
  std::string isolation =
      params.choice("isolation", {"read_committed", "repeatable_read", "serializable"}, "read_committed");
  options.isolation = isolation == "serializable"      ? postgres::Isolation::serializable
                      : isolation == "repeatable_read" ? postgres::Isolation::repeatable_read
                                                       : postgres::Isolation::read_committed;
  std::string transfer =
      params.choice("transfer", {"read_then_write", "for_update", "atomic_update"}, "read_then_write");
  options.transfer = transfer == "for_update"      ? TransferStyle::for_update
                     : transfer == "atomic_update" ? TransferStyle::atomic_update
                                                   : TransferStyle::read_then_write;
  options.work = params.duration_dist("work", options.work);
  options.think = params.duration_dist("think", options.think);
  options.transactions = params.optional_integer<int>("transactions", 1, 10'000'000);
}

void read_retries(sim::ParamReader& params, BankOptions& options) {
  options.retry = params.boolean("retry", options.retry);
  options.max_attempts = params.integer<int>("max_attempts", options.max_attempts, 1, 1000);
  options.retry_delay = params.duration("retry_delay", options.retry_delay, {Duration::microseconds(1), hour});
  if (!options.retry && params.has("max_attempts")) params.fail("max_attempts", "applies only with retry: true");
}

void read_readers_and_doctors(sim::ParamReader& params, BankOptions& options) {
  options.readers = params.integer<int>("readers", options.readers, 0, 1000);
  std::string read = params.choice("read", {"one_statement", "per_account"}, "one_statement");
  options.read = read == "per_account" ? ReadStyle::per_account : ReadStyle::one_statement;
  options.read_every = params.duration("read_every", options.read_every, {Duration::microseconds(1), hour});
  options.wards = params.integer<int>("wards", options.wards, 0, 10'000);
  options.shift_change = params.duration("shift_change", options.shift_change, {Duration::zero(), hour});
  options.shift_jitter = params.duration("shift_jitter", options.shift_jitter, {Duration::nanoseconds(1), hour});
  if (options.clients == 0 && options.readers == 0 && options.wards == 0)
    params.fail("clients", "nothing would run: give clients, readers or wards");
}

void read_connections(sim::ParamReader& params, BankOptions& options) {
  options.timeout = params.duration("timeout", options.timeout, {Duration::milliseconds(1), hour});
  options.reconnect_delay =
      params.duration("reconnect_delay", options.reconnect_delay, {Duration::microseconds(1), hour});
  options.connect_timeout =
      params.duration("connect_timeout", options.timeout, {Duration::milliseconds(1), hour});
  sim::ParamReader section = params.section("postgres");
  options.postgres = postgres::read_replicated_postgres_options(section);
  int needed = options.clients + options.readers + 2 * options.wards;
  int slots = options.postgres.max_connections - options.postgres.superuser_reserved_connections;
  if (needed > slots)
    params.fail("postgres", "the bank opens one connection per client, reader and doctor (" + std::to_string(needed) +
                                "), more than max_connections - superuser_reserved_connections (" +
                                std::to_string(slots) + ")");
}

}  // namespace

BankOptions read_options(sim::ParamReader& params) {
  BankOptions options;
  read_workload(params, options);
  read_retries(params, options);
  read_readers_and_doctors(params, options);
  read_connections(params, options);
  params.finish();
  return options;
}

const char* to_string(TransferStyle style) {
  switch (style) {
    case TransferStyle::read_then_write: return "read_then_write";
    case TransferStyle::for_update: return "for_update";
    case TransferStyle::atomic_update: return "atomic_update";
  }
  return "?";
}

const char* to_string(ReadStyle style) {
  switch (style) {
    case ReadStyle::one_statement: return "one_statement";
    case ReadStyle::per_account: return "per_account";
  }
  return "?";
}

std::vector<std::pair<std::string, std::string>> describe(const BankOptions& options) {
  std::vector<std::pair<std::string, std::string>> rows;
  rows.emplace_back("accounts", std::to_string(options.accounts));
  rows.emplace_back("initial_balance", std::to_string(options.initial_balance));
  rows.emplace_back("clients", std::to_string(options.clients));
  rows.emplace_back("amount", "U[1, " + std::to_string(options.amount) + "]");
  rows.emplace_back("isolation", postgres::to_string(options.isolation));
  rows.emplace_back("transfer", to_string(options.transfer));
  rows.emplace_back("work", options.work.describe());
  rows.emplace_back("think", options.think.describe());
  rows.emplace_back("transactions", options.transactions ? std::to_string(*options.transactions) : "until the end");
  rows.emplace_back("retry", options.retry ? "on 40001 and 40P01, at most " + std::to_string(options.max_attempts) +
                                                 " attempts, U[0, " + sim::to_string(options.retry_delay) + ") apart"
                                           : "no");
  rows.emplace_back("readers", std::to_string(options.readers));
  if (options.readers > 0) {
    rows.emplace_back("read", to_string(options.read));
    rows.emplace_back("read_every", sim::to_string(options.read_every));
  }
  rows.emplace_back("wards", std::to_string(options.wards));
  if (options.wards > 0)
    rows.emplace_back("shift_change",
                      sim::to_string(options.shift_change) + " + U[0, " + sim::to_string(options.shift_jitter) + ")");
  rows.emplace_back("timeout", sim::to_string(options.timeout));
  rows.emplace_back("reconnect_delay", sim::to_string(options.reconnect_delay));
  if (options.postgres.standbys > 0)
    rows.emplace_back("connect_timeout", sim::to_string(options.connect_timeout) +
                                             " per host; hosts tried in order, target_session_attrs=read-write");
  for (auto& [key, value] : postgres::describe(options.postgres)) rows.emplace_back("postgres." + key, value);
  return rows;
}

}  // namespace bank
