// What the bank's checkers read: each transaction as its client saw it (what it wrote, as the
// server's RETURNING gave it, and whether its COMMIT was acknowledged), each total a reader read,
// and the database's committed state at the end of the run, read from the server by an observer
// outside the simulated system. Plain values: the checks can be fed hand-made histories.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/kernel/time.hpp"

namespace bank {

enum class Outcome {
  committed,  ///< COMMIT acknowledged
  declined,   ///< the client chose not to write (insufficient funds) and rolled back
  failed,     ///< an error it did not retry (or out of attempts): nothing of it committed
  unknown,    ///< the connection broke during COMMIT: it may or may not have committed
};
const char* to_string(Outcome outcome);

struct Write {
  int account = 0;
  std::int64_t balance = 0;  ///< the row's new balance, as the server returned it
  std::int64_t delta = 0;    ///< what the transfer meant to change it by
};

struct TransferRecord {
  std::int64_t id = 0;  ///< the row it inserts into transfers
  std::string client;
  int from = 0;
  int to = 0;
  std::int64_t amount = 0;
  sim::Instant invoked;
  sim::Instant ended;  ///< when the outcome reached the client
  Outcome outcome = Outcome::failed;
  int attempts = 0;
  std::vector<std::string> errors;  ///< the SQLSTATE of each failed attempt, in order
  std::vector<Write> writes;        ///< of the attempt that committed (or may have)
};

struct TotalRead {
  std::string reader;
  sim::Instant invoked;
  sim::Instant ended;
  std::int64_t total = 0;
};

struct DoctorRecord {
  std::string doctor;
  int id = 0;  ///< the doctor's row
  int ward = 0;
  sim::Instant ended;
  Outcome outcome = Outcome::failed;
  bool left = false;  ///< it took itself off call (committed or unknown); false: it stayed
  int attempts = 0;
  std::vector<std::string> errors;
};

/// The committed database at the end of the run, as the server's engine holds it.
struct FinalState {
  std::map<int, std::int64_t> balances;              ///< account -> balance
  std::map<std::int64_t, TransferRecord> transfers;  ///< the transfers table: id -> from, to, amount
  std::map<int, bool> on_call;                       ///< doctor -> on call
  std::map<int, int> ward_of;                        ///< doctor -> ward
};

struct History {
  int accounts = 0;
  std::int64_t initial_balance = 0;
  int wards = 0;
  std::vector<TransferRecord> transfers;  ///< in the order their outcomes came
  std::vector<TotalRead> reads;
  std::vector<DoctorRecord> doctors;
  /// Absent when the server was down at the end (a crash without a restart).
  std::optional<FinalState> final;

  std::int64_t initial_total() const { return initial_balance * accounts; }
};

}  // namespace bank
