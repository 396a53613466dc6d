// What the report says beside the checks: the transactions' outcomes, and what would have
// prevented the first violation.
#include <fmt/format.h>

#include <map>

#include "models/bank/bank_model.hpp"
#include "sim/results/text.hpp"

namespace bank {
namespace {

struct Tally {
  std::size_t runs = 0, committed = 0, declined = 0, failed = 0, unknown = 0, retries = 0;
  std::map<std::string, std::size_t> errors;

  void add(Outcome outcome, int attempts, const std::vector<std::string>& errors_seen) {
    ++runs;
    committed += outcome == Outcome::committed ? 1 : 0;
    declined += outcome == Outcome::declined ? 1 : 0;
    failed += outcome == Outcome::failed ? 1 : 0;
    unknown += outcome == Outcome::unknown ? 1 : 0;
    retries += static_cast<std::size_t>(attempts > 0 ? attempts - 1 : 0);
    for (const std::string& e : errors_seen) ++errors[e];
  }

  std::vector<std::string> row(std::string kind) const {
    std::string by_state;
    for (const auto& [state, count] : errors)
      by_state += (by_state.empty() ? "" : ", ") + fmt::format("{} x{}", state, count);
    return {std::move(kind),
            sim::group_digits(runs),
            sim::group_digits(committed),
            sim::group_digits(declined),
            sim::group_digits(failed),
            sim::group_digits(unknown),
            sim::group_digits(retries),
            by_state.empty() ? "-" : by_state};
  }
};

bool violated(const sim::Findings& findings, std::string_view name) {
  for (const sim::CheckResult& check : findings.checks)
    if (check.name == name && !check.held) return true;
  return false;
}

}  // namespace

sim::Table transaction_table(const History& history) {
  Tally transfers, doctors;
  for (const TransferRecord& t : history.transfers) transfers.add(t.outcome, t.attempts, t.errors);
  for (const DoctorRecord& d : history.doctors) doctors.add(d.outcome, d.attempts, d.errors);
  sim::Table table;
  table.title = "Transactions";
  table.columns = {"kind", "runs", "committed", "declined", "failed", "unknown", "retries", "errors by SQLSTATE"};
  table.rows.push_back(transfers.row("transfer"));
  if (history.wards > 0) table.rows.push_back(doctors.row("doctor leaves call"));
  return table;
}

std::string prevention(const BankOptions& options, const sim::Findings& findings) {
  bool synchronous_standby = options.postgres.synchronous_standby_names.count > 0 &&
                             options.postgres.synchronous_commit >= postgres::SynchronousCommit::remote_write;
  if (violated(findings, "acknowledged_commits") && options.postgres.standbys > 0 && !synchronous_standby)
    return "COMMIT was acknowledged once the primary had its WAL, before a standby had it (asynchronous "
           "replication), and the standby promoted in its place never received it. Name the standby in "
           "synchronous_standby_names with synchronous_commit = on (or remote_write, remote_apply), so that a "
           "commit is acknowledged only once a standby that can be promoted has it; keep a second standby, or "
           "commits wait while the one synchronous standby is away.";
  if (violated(findings, "acknowledged_commits"))
    return options.postgres.synchronous_commit == postgres::SynchronousCommit::off
               ? "COMMIT was acknowledged before its WAL reached the disk (synchronous_commit = off), so the crash "
                 "lost it: use synchronous_commit = on for transactions whose acknowledgment must hold."
               : "An acknowledged commit was lost: it lived only where the fault took it. Wait for the commit's WAL "
                 "on the disk, and on a synchronous standby before acknowledging.";
  if (violated(findings, "money_conserved"))
    return "Two transfers read the same balance and each wrote its own result, so one overwrote the other (a lost "
           "update). Lock the rows first (SELECT ... FOR UPDATE), change the balance in one statement (UPDATE ... "
           "SET balance = balance - x), or run at REPEATABLE READ or SERIALIZABLE and retry on 40001.";
  if (violated(findings, "doctor_on_call"))
    return "Each doctor checked that another was on call, in its own snapshot, and both left (write skew). "
           "REPEATABLE READ does not see it: it only stops two writers of one row. Run at SERIALIZABLE and retry on "
           "40001, or lock the ward's rows with SELECT ... FOR UPDATE before counting.";
  if (violated(findings, "consistent_totals"))
    return "The total was read one account at a time at READ COMMITTED, where each statement takes a new snapshot, "
           "so it mixed balances from before and after a transfer (read skew). Read in one statement, or in a "
           "REPEATABLE READ transaction, whose one snapshot is a state that existed.";
  return "";
}

}  // namespace bank
