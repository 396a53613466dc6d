// The bank's checkers. Each reads a History (history.hpp) and nothing else, and says how badly
// its invariant broke:
//   money_conserved       no money created or destroyed: each account's final balance is its
//                         initial balance plus the transfers the database holds (created and
//                         destroyed summed separately, so two errors cannot cancel out)
//   doctor_on_call        every ward keeps at least one doctor on call
//   acknowledged_commits  every transaction whose COMMIT was acknowledged is in the final state
//   consistent_totals     every total a reader read is the database's true total at some instant
//
// Where a check needs to know when something happened, commits are placed in the order their
// acknowledgments reached the clients. For one row that is the server's order of commits: a
// second writer of a row waits for the first to commit, then needs at least a round trip before
// its own COMMIT is answered, so only a latency spread of more than that could swap them.
#pragma once

#include <string>
#include <vector>

#include "models/bank/history.hpp"
#include "sim/results/check.hpp"

namespace bank {

std::vector<std::string> check_names();

sim::CheckResult money_conserved(const History& history);
sim::CheckResult doctor_on_call(const History& history);
sim::CheckResult acknowledged_commits(const History& history);
sim::CheckResult consistent_totals(const History& history);

/// The database's total after each acknowledged commit, in acknowledgment order, from the
/// balances the commits wrote; the initial total first.
std::vector<std::int64_t> true_totals(const History& history);

}  // namespace bank
