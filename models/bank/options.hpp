// The bank's options: one field per key of a scenario's `params:` (the `postgres:` section is the
// simulated server's own, read by postgres::read_postgres_options).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/postgres/server/options.hpp"
#include "models/postgres/statement.hpp"
#include "sim/kernel/distribution.hpp"
#include "sim/kernel/time.hpp"

namespace sim {
class ParamReader;
}

namespace bank {

/// How a transfer moves money.
enum class TransferStyle {
  read_then_write,  ///< SELECT both balances, then UPDATE each to the value computed on the client
  for_update,       ///< the same, with SELECT ... FOR UPDATE locking both rows first
  atomic_update,    ///< UPDATE ... SET balance = balance - x WHERE ... AND balance >= x, then + x
};
const char* to_string(TransferStyle style);

/// How a reader reads the total.
enum class ReadStyle {
  one_statement,  ///< one SELECT of every account: one snapshot at every level
  per_account,    ///< one SELECT per account in one transaction: per-statement snapshots at READ COMMITTED
};
const char* to_string(ReadStyle style);

struct BankOptions {
  int accounts = 10;                    ///< `accounts`: accounts 1..N
  std::int64_t initial_balance = 1000;  ///< `initial_balance`: each account's balance at the start
  int clients = 4;                      ///< `clients`: transfer clients, client-1 .. client-N
  std::int64_t amount = 100;            ///< `amount`: a transfer moves U[1, amount]
  postgres::Isolation isolation = postgres::Isolation::read_committed;  ///< `isolation`
  TransferStyle transfer = TransferStyle::read_then_write;              ///< `transfer`
  /// `work`: the client's time between reading the balances and writing them (inside the transaction).
  sim::DurationDist work = sim::DurationDist::constant(sim::Duration::milliseconds(1));
  /// `think`: time between a client's transactions.
  sim::DurationDist think = sim::DurationDist::constant(sim::Duration::milliseconds(5));
  std::optional<int> transactions;  ///< `transactions`: per client (absent: until the run ends)
  bool retry = false;               ///< `retry`: run a transaction again after 40001 or 40P01
  int max_attempts = 10;            ///< `max_attempts`: tries of one transaction, with retry
  sim::Duration retry_delay = sim::Duration::milliseconds(5);        ///< `retry_delay`: U[0, this) before a retry
  int readers = 0;                                                   ///< `readers`: reader-1 .. reader-N
  ReadStyle read = ReadStyle::one_statement;                         ///< `read`
  sim::Duration read_every = sim::Duration::milliseconds(20);        ///< `read_every`: a reader's pause between reads
  int wards = 0;                                                     ///< `wards`: on-call wards, two doctors each
  sim::Duration shift_change = sim::Duration::milliseconds(50);      ///< `shift_change`: when doctors try to leave
  sim::Duration shift_jitter = sim::Duration::milliseconds(1);       ///< `shift_jitter`: each doctor U[0, this) later
  sim::Duration timeout = sim::Duration::seconds(5);                 ///< `timeout`: a call's wait for an answer
  sim::Duration reconnect_delay = sim::Duration::milliseconds(100);  ///< `reconnect_delay`
  /// `connect_timeout`: libpq's, per host: how long a client waits for a server to admit it
  /// before it tries the next host. Default: `timeout`.
  sim::Duration connect_timeout = sim::Duration::seconds(5);
  postgres::ServerOptions postgres;                                  ///< `postgres:`

  std::string client_name(int index) const { return "client-" + std::to_string(index + 1); }
  std::string reader_name(int index) const { return "reader-" + std::to_string(index + 1); }
  /// Doctors 2w and 2w+1 (from 0) work in ward w.
  std::string doctor_name(int index) const { return "doctor-" + std::to_string(index + 1); }
  std::int64_t total() const { return initial_balance * accounts; }
};

BankOptions read_options(sim::ParamReader& params);
std::vector<std::pair<std::string, std::string>> describe(const BankOptions& options);

}  // namespace bank
