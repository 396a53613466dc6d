// A reader: every read_every, the total of all balances, read by one SELECT of the table or by
// one SELECT per account inside one transaction at the configured level.
#include "models/bank/clients.hpp"
#include "models/bank/session.hpp"
#include "sim/kernel/spawn.hpp"

namespace bank {
namespace {

using postgres::Reply;

class Reader {
public:
  Reader(const std::shared_ptr<Context>& context, sim::NodeId node, int index)
      : context_(context), session_(*context, node, context->options.reader_name(index)) {}

  sim::Task<void> run() {
    const BankOptions& o = context_->options;
    for (;;) {
      co_await sim::sleep(o.read_every);
      TotalRead read{session_.name, context_->world.now(), {}, 0};
      std::optional<std::int64_t> total;
      if (o.read == ReadStyle::one_statement)
        total = co_await whole_table();
      else
        total = co_await per_account();
      if (!total) continue;
      read.total = *total;
      read.ended = context_->world.now();
      context_->history.reads.push_back(read);
    }
  }

private:
  // The statements are built outside the coroutines: g++ 12 destroys a braced temporary inside a
  // co_await expression twice (the reader's SELECTs did: heap corruption, then a crash or a hang).
  static postgres::Statement whole_table_read() {
    return postgres::Select{"accounts", postgres::where::always(), {}, {}, {}};
  }
  static postgres::Statement account_read(int account) {
    return postgres::Select{"accounts", postgres::where::eq("id", std::int64_t{account}), {}, {}, {}};
  }

  sim::Task<std::optional<std::int64_t>> whole_table() {
    Reply rows = co_await session_.execute(whole_table_read());
    if (!rows.ok()) co_return std::nullopt;
    std::int64_t total = 0;
    for (const postgres::Row& row : rows.rows()) total += integer(row[1]);
    co_return total;
  }

  sim::Task<std::optional<std::int64_t>> per_account() {
    Reply begun = co_await session_.execute(postgres::Begin{context_->options.isolation});
    if (!begun.ok()) co_return std::nullopt;
    std::int64_t total = 0;
    for (int account = 1; account <= context_->options.accounts; ++account) {
      Reply row = co_await session_.execute(account_read(account));
      if (!row.ok()) {
        co_await session_.rollback();
        co_return std::nullopt;
      }
      for (const postgres::Row& r : row.rows()) total += integer(r[1]);
    }
    Reply commit = co_await session_.execute(postgres::Commit{});
    if (!commit.ok()) co_return std::nullopt;
    co_return total;
  }

  std::shared_ptr<Context> context_;
  Session session_;
};

}  // namespace

void boot_reader(const std::shared_ptr<Context>& context, sim::NodeId node, int index) {
  auto reader = std::make_shared<Reader>(context, node, index);
  Reader* raw = reader.get();
  context->world.node(node).set_process(std::move(reader));
  sim::spawn(context->world.executor(node), raw->run());
}

}  // namespace bank
