// What each of the bank model's parameters and checks means (models/model.hpp, ModelDocs).
#include "models/bank/bank.hpp"
#include "models/postgres/server/docs.hpp"
#include "models/postgres/server/replication_options.hpp"

namespace {

std::vector<sim::OptionDoc> bank_option_docs() {
  std::vector<sim::OptionDoc> docs{
      {"accounts", "accounts 1..N in the table accounts(id, balance)"},
      {"initial_balance", "each account's balance when the run starts"},
      {"clients", "transfer clients, client-1 .. client-N, each moving money between two random accounts in a loop"},
      {"amount", "a transfer moves a uniform amount in [1, amount]; it is declined when the source has less"},
      {"isolation", "every transaction's level: read_committed (PostgreSQL's default), repeatable_read, serializable"},
      {"transfer",
       "read_then_write (SELECT both, UPDATE each to the value computed on the client), for_update (the "
       "same after SELECT ... FOR UPDATE), atomic_update (UPDATE ... SET balance = balance - x)"},
      {"work", "the client's time inside a transfer between reading the balances and writing them"},
      {"think", "a client's time between transfers (and before its first)"},
      {"transactions", "transfers per client (absent: until the run ends)"},
      {"retry", "run a transaction again after 40001 (serialization failure) or 40P01 (deadlock)"},
      {"max_attempts", "tries of one transaction with retry: true; then it counts as failed"},
      {"retry_delay", "a retry waits a uniform time in [0, retry_delay)"},
      {"readers", "readers, reader-1 .. reader-N, each reading the total of every balance in a loop"},
      {"read", "one_statement (SELECT * FROM accounts) or per_account (one SELECT per account in one transaction)"},
      {"read_every", "a reader's pause between reads"},
      {"wards", "wards of two doctors each (doctor-1 .. doctor-2N), all on call at the start"},
      {"shift_change", "when each doctor tries to leave call if another of its ward is on call"},
      {"shift_jitter", "each doctor tries a uniform time in [0, shift_jitter) after shift_change"},
      {"timeout", "a client's wait for any answer before it gives the connection up (the outcome unknown)"},
      {"reconnect_delay", "a client's pause before it opens a new connection after one failed or broke"},
      {"connect_timeout",
       "with standbys, a client's wait for each server in turn (postgres-1, postgres-2, ...) to admit it, skipping "
       "hot standbys, as libpq's target_session_attrs=read-write"},
  };
  for (sim::OptionDoc& doc : postgres::option_docs_under("postgres.", "the PostgreSQL server holding the bank"))
    docs.push_back(std::move(doc));
  for (sim::OptionDoc& doc : postgres::replication_option_docs_under("postgres.")) docs.push_back(std::move(doc));
  return docs;
}

}  // namespace

const sim::ModelDocs& bank_docs() {
  static const sim::ModelDocs docs{
      "transfer",
      {"{postgres: {standbys: 1, promote: [{at: 1s, node: postgres-2}], patroni: {}}}"},
      bank_option_docs(),
      {
          {"money_conserved",
           "each account's final balance is its initial balance plus the transfers in the transfers table",
           "money created and money destroyed, summed over the accounts that disagree"},
          {"doctor_on_call", "every ward keeps at least one doctor on call", "wards left with nobody on call"},
          {"acknowledged_commits", "every transaction whose COMMIT was acknowledged is in the database at the end",
           "acknowledged commits missing, out of all acknowledged"},
          {"consistent_totals", "every total a reader read was the database's total at some instant",
           "totals read that the database never held, out of all read"},
      },
  };
  return docs;
}
