// A transfer: BEGIN at the configured level; read both balances (or lock them FOR UPDATE) and
// write the values computed on the client, or change each with one UPDATE ... SET balance =
// balance +/- x; insert the transfer into the transfers table; COMMIT. After 40001 or 40P01 it
// rolls back and, with retry, runs again.
#include <optional>

#include "models/bank/clients.hpp"
#include "models/bank/session.hpp"
#include "sim/kernel/assert.hpp"
#include "sim/kernel/spawn.hpp"

namespace bank {
namespace {

using postgres::Reply;

enum class Ended { committed, declined, error, unknown };

struct Attempt {
  Ended ended = Ended::error;
  Reply reply;  ///< the failing statement's, for an error
};

class TransferClient {
public:
  TransferClient(const std::shared_ptr<Context>& context, sim::NodeId node, int index)
      : context_(context), session_(*context, node, context->options.client_name(index)), index_(index) {}

  sim::Task<void> run();

private:
  TransferRecord draw();
  sim::Task<void> transfer(TransferRecord& t);
  sim::Task<Attempt> attempt(TransferRecord& t);
  sim::Task<Attempt> read_then_write(TransferRecord& t);
  sim::Task<Attempt> atomic_update(TransferRecord& t);
  sim::Task<Attempt> finish(TransferRecord& t);
  static Attempt failed(Reply reply) { return Attempt{Ended::error, std::move(reply)}; }
  static postgres::Update set_balance(int account, std::int64_t balance);
  static postgres::Statement log(const TransferRecord& t);
  static postgres::Statement debit(const TransferRecord& t);
  static postgres::Statement credit(const TransferRecord& t);
  postgres::Statement read(const TransferRecord& t) const;

  std::shared_ptr<Context> context_;
  Session session_;
  int index_;
  std::int64_t sequence_ = 0;
};

TransferRecord TransferClient::draw() {
  const BankOptions& o = context_->options;
  TransferRecord t;
  t.id = static_cast<std::int64_t>(index_ + 1) * 1'000'000'000 + ++sequence_;
  t.client = session_.name;
  t.from = static_cast<int>(session_.rng.between(1, o.accounts));
  t.to = static_cast<int>(session_.rng.between(1, o.accounts - 1));
  if (t.to >= t.from) ++t.to;
  t.amount = session_.rng.between(1, o.amount);
  return t;
}

postgres::Update TransferClient::set_balance(int account, std::int64_t balance) {
  return postgres::Update{
      "accounts", {postgres::set_value("balance", balance)}, postgres::where::eq("id", account), true};
}

// The statements are built outside the coroutines: g++ 12 fails on brace-initialised lists
// inside a co_await expression.
postgres::Statement TransferClient::log(const TransferRecord& t) {
  return postgres::Insert{"transfers", {{t.id, std::int64_t{t.from}, std::int64_t{t.to}, t.amount}}, {}, false};
}

postgres::Statement TransferClient::debit(const TransferRecord& t) {
  using namespace postgres;
  return Update{"accounts",
                {set_add("balance", -t.amount)},
                where::all_of({where::eq("id", std::int64_t{t.from}), where::ge("balance", t.amount)}),
                true};
}

postgres::Statement TransferClient::credit(const TransferRecord& t) {
  using namespace postgres;
  return Update{"accounts", {set_add("balance", t.amount)}, where::eq("id", std::int64_t{t.to}), true};
}

postgres::Statement TransferClient::read(const TransferRecord& t) const {
  postgres::Select read{"accounts", postgres::where::in("id", {std::int64_t{t.from}, std::int64_t{t.to}}), {}, {}, {}};
  if (context_->options.transfer == TransferStyle::for_update) read.locking = postgres::RowLocking{};
  return read;
}

sim::Task<Attempt> TransferClient::finish(TransferRecord& t) {
  Reply logged = co_await session_.execute(log(t));
  if (!logged.ok()) co_return failed(std::move(logged));
  Reply commit = co_await session_.execute(postgres::Commit{});
  // A session ended by a shutdown while its COMMIT waited (for a standby, say) may have committed:
  // PostgreSQL warns that the transaction "has already committed locally".
  if (commit.broken || commit.sqlstate() == "57P01") co_return Attempt{Ended::unknown, std::move(commit)};
  // A COMMIT of a transaction that failed answers ROLLBACK; the engine reports its error.
  if (!commit.ok() || commit.result.tag != "COMMIT") co_return failed(std::move(commit));
  co_return Attempt{Ended::committed, {}};
}

sim::Task<Attempt> TransferClient::read_then_write(TransferRecord& t) {
  const BankOptions& o = context_->options;
  Reply balances = co_await session_.execute(read(t));
  if (!balances.ok()) co_return failed(std::move(balances));
  std::int64_t from = 0, to = 0;
  for (const postgres::Row& row : balances.rows()) (integer(row[0]) == t.from ? from : to) = integer(row[1]);
  co_await sim::sleep(o.work.sample(session_.rng));
  if (from < t.amount) co_return Attempt{Ended::declined, {}};
  Reply debit = co_await session_.execute(set_balance(t.from, from - t.amount));
  if (!debit.ok()) co_return failed(std::move(debit));
  Reply credit = co_await session_.execute(set_balance(t.to, to + t.amount));
  if (!credit.ok()) co_return failed(std::move(credit));
  // Both UPDATEs are by primary key with no other condition: each returns its row, at every
  // isolation level (READ COMMITTED re-reads the newest version after a wait).
  SIM_ASSERT(!debit.rows().empty() && !credit.rows().empty(), "an UPDATE by primary key returned no row");
  t.writes = {{t.from, integer(debit.rows().at(0)[1]), -t.amount}, {t.to, integer(credit.rows().at(0)[1]), t.amount}};
  Attempt done = co_await finish(t);
  co_return done;
}

sim::Task<Attempt> TransferClient::atomic_update(TransferRecord& t) {
  co_await sim::sleep(context_->options.work.sample(session_.rng));
  Reply debited = co_await session_.execute(debit(t));
  if (!debited.ok()) co_return failed(std::move(debited));
  if (debited.rows().empty()) co_return Attempt{Ended::declined, {}};
  Reply credited = co_await session_.execute(credit(t));
  if (!credited.ok() || credited.rows().empty()) co_return failed(std::move(credited));
  t.writes = {{t.from, integer(debited.rows().at(0)[1]), -t.amount},
              {t.to, integer(credited.rows().at(0)[1]), t.amount}};
  Attempt done = co_await finish(t);
  co_return done;
}

sim::Task<Attempt> TransferClient::attempt(TransferRecord& t) {
  t.writes.clear();
  Reply begun = co_await session_.execute(postgres::Begin{context_->options.isolation});
  if (!begun.ok()) co_return failed(std::move(begun));
  // The awaited result goes to a local first: g++ 12 miscompiles co_await inside a condition.
  Attempt result;
  if (context_->options.transfer == TransferStyle::atomic_update)
    result = co_await atomic_update(t);
  else
    result = co_await read_then_write(t);
  if (result.ended == Ended::declined || (result.ended == Ended::error && !result.reply.broken))
    co_await session_.rollback();
  co_return result;
}

sim::Task<void> TransferClient::transfer(TransferRecord& t) {
  const BankOptions& o = context_->options;
  t.invoked = context_->world.now();
  for (;;) {
    ++t.attempts;
    Attempt result = co_await attempt(t);
    if (result.ended != Ended::error) {
      t.outcome = result.ended == Ended::committed  ? Outcome::committed
                  : result.ended == Ended::declined ? Outcome::declined
                                                    : Outcome::unknown;
      if (t.outcome == Outcome::declined) t.writes.clear();
      break;
    }
    t.errors.push_back(result.reply.sqlstate());
    t.writes.clear();
    if (!o.retry || !retryable(result.reply) || t.attempts >= o.max_attempts) {
      t.outcome = Outcome::failed;
      break;
    }
    co_await sim::sleep(sim::Duration::nanoseconds(
        static_cast<std::int64_t>(session_.rng.below(static_cast<std::uint64_t>(o.retry_delay.ns())))));
  }
  t.ended = context_->world.now();
  if (t.outcome == Outcome::committed) context_->world.record_latency(transfer_latency, t.ended - t.invoked);
}

sim::Task<void> TransferClient::run() {
  const BankOptions& o = context_->options;
  co_await sim::sleep(o.think.sample(session_.rng));
  for (int done = 0; !o.transactions || done < *o.transactions; ++done) {
    TransferRecord t = draw();
    co_await transfer(t);
    context_->history.transfers.push_back(std::move(t));
    co_await sim::sleep(o.think.sample(session_.rng));
  }
}

}  // namespace

void boot_transfer_client(const std::shared_ptr<Context>& context, sim::NodeId node, int index) {
  auto client = std::make_shared<TransferClient>(context, node, index);
  TransferClient* raw = client.get();
  context->world.node(node).set_process(std::move(client));
  sim::spawn(context->world.executor(node), raw->run());
}

}  // namespace bank
