// A doctor (the write-skew example of PostgreSQL's documentation and Kleppmann's book): at the
// shift change, in one transaction at the configured level, count the doctors of its ward on
// call and, if another one is, take itself off call. Two doctors doing this at once under
// snapshot isolation both see the other on call and both leave.
#include "models/bank/clients.hpp"
#include "models/bank/session.hpp"
#include "sim/kernel/spawn.hpp"

namespace bank {
namespace {

using postgres::Reply;

class Doctor {
public:
  Doctor(const std::shared_ptr<Context>& context, sim::NodeId node, int index)
      : context_(context), session_(*context, node, context->options.doctor_name(index)), index_(index) {}

  sim::Task<void> run() {
    const BankOptions& o = context_->options;
    if (context_->world.node(session_.node).incarnation() > 0) co_return;
    sim::Duration jitter = sim::Duration::nanoseconds(
        static_cast<std::int64_t>(session_.rng.below(static_cast<std::uint64_t>(o.shift_jitter.ns()))));
    co_await sim::sleep(o.shift_change + jitter);
    DoctorRecord record{session_.name, index_ + 1, index_ / 2, {}, Outcome::failed, false, 0, {}};
    for (;;) {
      ++record.attempts;
      Reply failed = co_await attempt(record);
      if (failed.ok()) break;
      record.errors.push_back(failed.sqlstate());
      if (!o.retry || !retryable(failed) || record.attempts >= o.max_attempts) break;
      co_await sim::sleep(sim::Duration::nanoseconds(
          static_cast<std::int64_t>(session_.rng.below(static_cast<std::uint64_t>(o.retry_delay.ns())))));
    }
    record.ended = context_->world.now();
    context_->history.doctors.push_back(record);
  }

private:
  // Built outside the coroutines: g++ 12 fails on brace-initialised lists inside a co_await.
  static postgres::Statement on_call_in(int ward) {
    using namespace postgres;
    return Select{"doctors",
                  where::all_of({where::eq("ward", std::int64_t{ward}), where::eq("on_call", std::int64_t{1})}),
                  {},
                  {},
                  {}};
  }

  static postgres::Statement leave_call(int id) {
    using namespace postgres;
    return Update{"doctors", {set_value("on_call", std::int64_t{0})}, where::eq("id", std::int64_t{id}), false};
  }

  /// Sets the record's outcome; returns the failing reply, or an ok one.
  sim::Task<Reply> attempt(DoctorRecord& record) {
    using namespace postgres;
    record.left = false;
    Reply begun = co_await session_.execute(Begin{context_->options.isolation});
    if (!begun.ok()) co_return begun;
    Reply on_call = co_await session_.execute(on_call_in(record.ward));
    if (!on_call.ok()) co_return co_await abandon(std::move(on_call));
    if (on_call.rows().size() >= 2) {
      Reply leave = co_await session_.execute(leave_call(record.id));
      if (!leave.ok()) co_return co_await abandon(std::move(leave));
      record.left = true;
    }
    Reply commit = co_await session_.execute(Commit{});
    if (commit.broken) {
      record.outcome = Outcome::unknown;
      co_return Reply{};
    }
    if (!commit.ok() || commit.result.tag != "COMMIT") {
      record.left = false;
      co_return commit;
    }
    record.outcome = record.left ? Outcome::committed : Outcome::declined;
    co_return commit;
  }

  sim::Task<Reply> abandon(Reply failed) {
    if (!failed.broken) co_await session_.rollback();
    co_return failed;
  }

  std::shared_ptr<Context> context_;
  Session session_;
  int index_;
};

}  // namespace

void boot_doctor(const std::shared_ptr<Context>& context, sim::NodeId node, int index) {
  auto doctor = std::make_shared<Doctor>(context, node, index);
  Doctor* raw = doctor.get();
  context->world.node(node).set_process(std::move(doctor));
  sim::spawn(context->world.executor(node), raw->run());
}

}  // namespace bank
