#include "models/scheduler/pg_store.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "models/postgres/server/server.hpp"
#include "models/scheduler/context.hpp"
#include "sim/kernel/spawn.hpp"

namespace scheduler {

using postgres::Statement;
using postgres::Type;
namespace where = postgres::where;

std::vector<PgTable> pg_tables(Design design, int schedules) {
  std::vector<PgTable> tables;
  tables.push_back(PgTable{postgres::TableSchema{"tasks",
                                                 {{"id", Type::bigint},
                                                  {"name", Type::text},
                                                  {"due", Type::bigint},
                                                  {"state", Type::text},
                                                  {"attempt", Type::bigint},
                                                  {"lease_until", Type::bigint},
                                                  {"retries", Type::bigint},
                                                  {"schedule", Type::bigint},
                                                  {"nominal", Type::bigint}},
                                                 {"id"},
                                                 {}},
                           {}});
  std::vector<std::string> key;
  if (design == Design::fixed) key = {"schedule", "nominal"};
  tables.push_back(PgTable{
      postgres::TableSchema{
          "fires",
          {{"schedule", Type::bigint}, {"nominal", Type::bigint}, {"node", Type::text}, {"token", Type::bigint}},
          key,
          {}},
      {}});
  if (design == Design::fixed)
    tables.push_back(
        PgTable{postgres::TableSchema{"fence", {{"id", Type::bigint}, {"token", Type::bigint}}, {"id"}, {}},
                {{std::int64_t{1}, std::int64_t{0}}}});
  PgTable status{
      postgres::TableSchema{
          "schedules", {{"id", Type::bigint}, {"last", Type::bigint}, {"buffer", Type::text}}, {"id"}, {}},
      {}};
  for (int s = 0; s < schedules; ++s) status.rows.push_back({std::int64_t{s}, std::int64_t{-1}, std::string()});
  tables.push_back(std::move(status));
  return tables;
}

void declare_pg_tables(postgres::Deployment& pg, Design design, int schedules) {
  for (const PgTable& table : pg_tables(design, schedules)) pg.add_table(table.schema, table.rows);
}

std::pair<std::int64_t, std::string> schedule_status(const postgres::Row& row) {
  return {std::get<std::int64_t>(row.at(schedule_last)), std::get<std::string>(row.at(schedule_buffer))};
}

TaskRow task_row(const postgres::Row& row) {
  TaskRow t;
  t.id = std::get<std::int64_t>(row.at(col_id));
  t.name = std::get<std::string>(row.at(col_name));
  t.attempt = std::get<std::int64_t>(row.at(col_attempt));
  t.retries = std::get<std::int64_t>(row.at(col_retries));
  return t;
}

PgSession::PgSession(sim::Executor ex, sim::NodeId server, sim::Duration timeout)
    : ex_(ex), server_(server), timeout_(timeout) {}

sim::Task<bool> PgSession::ensure_open() {
  if (db_ && db_->is_open()) co_return true;
  db_ = std::make_unique<postgres::Connection>(ex_, server_, postgres::ConnectionOptions{timeout_, false});
  postgres::Reply hello = co_await db_->connect();
  co_return hello.ok();
}

sim::Task<postgres::Reply> PgSession::run(Statement statement) {
  BusyMark mark(busy_);
  bool open = co_await ensure_open();
  if (!open) {
    postgres::Reply lost;
    lost.broken = true;
    co_return lost;
  }
  postgres::Reply reply = co_await db_->execute(std::move(statement));
  co_return reply;
}

sim::Task<std::optional<std::int64_t>> PgSession::now_ms() {
  BusyMark mark(busy_);
  bool open = co_await ensure_open();
  if (!open) co_return std::nullopt;
  postgres::Reply reply = co_await db_->now();
  if (!reply.ok()) co_return std::nullopt;
  co_return postgres::timestamp_of(reply) / 1000;
}

sim::Task<postgres::Reply> PgSession::begin() {
  Statement begin = postgres::Begin{postgres::Isolation::read_committed};
  return run(std::move(begin));
}

sim::Task<postgres::Reply> PgSession::commit() {
  Statement commit = postgres::Commit{};
  return run(std::move(commit));
}

sim::Task<void> PgSession::rollback() {
  if (!db_ || !db_->is_open()) co_return;
  BusyMark mark(busy_);
  Statement rollback = postgres::Rollback{};
  co_await db_->execute(std::move(rollback));
}

namespace sql {

Statement insert_task(std::int64_t id, const std::string& name, std::int64_t due_ms) {
  // A delayed task has no schedule: schedule and nominal are NULL.
  return postgres::Insert{"tasks",
                          {{id, name, due_ms, std::string("pending"), std::int64_t{0}, std::int64_t{0}, std::int64_t{0},
                            postgres::Null{}, postgres::Null{}}},
                          std::nullopt,
                          false};
}

Statement insert_cron_task(std::int64_t id, const std::string& name, std::int64_t due_ms, int schedule,
                           std::int64_t nominal) {
  return postgres::Insert{"tasks",
                          {{id, name, due_ms, std::string("pending"), std::int64_t{0}, std::int64_t{0}, std::int64_t{0},
                            std::int64_t{schedule}, nominal}},
                          std::nullopt,
                          false};
}

namespace {

postgres::Predicate open_runs_of(int schedule) {
  std::vector<postgres::Value> open{std::string("pending"), std::string("running")};
  return where::all_of({where::eq("schedule", std::int64_t{schedule}), where::in("state", std::move(open))});
}

}  // namespace

Statement live_runs(int schedule) {
  std::vector<postgres::Value> live{std::string("pending"), std::string("running"), std::string("cancelling")};
  postgres::Predicate of = where::all_of({where::eq("schedule", std::int64_t{schedule}), where::in("state", live)});
  return postgres::Select{"tasks", std::move(of), {{"id", false}}, std::nullopt, std::nullopt};
}

Statement request_cancel(int schedule) {
  postgres::Predicate of =
      where::all_of({where::eq("schedule", std::int64_t{schedule}), where::eq("state", std::string("running"))});
  return postgres::Update{"tasks", {postgres::set_value("state", std::string("cancelling"))}, std::move(of), true};
}

Statement close_lapsed_cancels(int schedule, std::int64_t now_ms) {
  postgres::Predicate of =
      where::all_of({where::eq("schedule", std::int64_t{schedule}), where::eq("state", std::string("cancelling")),
                     where::le("lease_until", now_ms)});
  return postgres::Update{"tasks", {postgres::set_value("state", std::string("cancelled"))}, std::move(of), true};
}

Statement close_cancel(std::int64_t id, std::int64_t attempt) {
  postgres::Predicate of = where::all_of(
      {where::eq("id", id), where::eq("attempt", attempt), where::eq("state", std::string("cancelling"))});
  return postgres::Update{"tasks", {postgres::set_value("state", std::string("cancelled"))}, std::move(of), true};
}

Statement task_by_id(std::int64_t id) {
  return postgres::Select{"tasks", where::eq("id", id), {}, std::nullopt, std::nullopt};
}

Statement active_runs(int schedule) {
  return postgres::Select{"tasks", open_runs_of(schedule), {{"id", false}}, std::nullopt, std::nullopt};
}

Statement cancel_runs(int schedule) {
  return postgres::Update{"tasks", {postgres::set_value("state", std::string("cancelled"))}, open_runs_of(schedule),
                          true};
}

Statement schedule_row(int schedule, bool lock) {
  std::optional<postgres::RowLocking> locking;
  if (lock) locking = postgres::RowLocking{postgres::LockStrength::update, postgres::WaitPolicy::wait};
  return postgres::Select{"schedules", where::eq("id", std::int64_t{schedule}), {}, std::nullopt, locking};
}

Statement set_last(int schedule, std::int64_t last_s, bool forward_only) {
  postgres::Predicate row = where::eq("id", std::int64_t{schedule});
  if (forward_only) row = where::all_of({row, where::lt("last", last_s)});
  return postgres::Update{"schedules", {postgres::set_value("last", last_s)}, std::move(row), false};
}

Statement set_pass(int schedule, std::int64_t last_s, const std::string& buffer) {
  return postgres::Update{"schedules",
                          {postgres::set_value("last", last_s), postgres::set_value("buffer", buffer)},
                          where::eq("id", std::int64_t{schedule}),
                          false};
}

Statement insert_fire(int schedule, std::int64_t nominal, const std::string& node, std::int64_t token) {
  return postgres::Insert{"fires", {{std::int64_t{schedule}, nominal, node, token}}, std::nullopt, false};
}

Statement raise_fence(std::int64_t token) {
  return postgres::Update{"fence",
                          {postgres::set_value("token", token)},
                          where::all_of({where::eq("id", std::int64_t{1}), where::le("token", token)}),
                          true};
}

Statement claim_select(std::int64_t now_ms) {
  postgres::Predicate due = where::all_of({where::eq("state", std::string("pending")), where::le("due", now_ms)});
  postgres::Predicate expired =
      where::all_of({where::eq("state", std::string("running")), where::le("lease_until", now_ms)});
  return postgres::Select{"tasks",
                          where::any_of({due, expired}),
                          {{"due", false}, {"id", false}},
                          std::int64_t{1},
                          postgres::RowLocking{postgres::LockStrength::update, postgres::WaitPolicy::skip_locked}};
}

Statement claim_update(std::int64_t id, std::int64_t lease_until_ms) {
  return postgres::Update{"tasks",
                          {postgres::set_value("state", std::string("running")), postgres::set_add("attempt", 1),
                           postgres::set_value("lease_until", lease_until_ms)},
                          where::eq("id", id),
                          true};
}

Statement bury(std::int64_t id, std::int64_t attempt) {
  return postgres::Update{"tasks",
                          {postgres::set_value("state", std::string("dead"))},
                          where::all_of({where::eq("id", id), where::eq("attempt", attempt)}),
                          true};
}

namespace {

postgres::Predicate attempt_of(std::int64_t id, std::optional<std::int64_t> attempt) {
  if (!attempt) return where::eq("id", id);
  return where::all_of(
      {where::eq("id", id), where::eq("attempt", *attempt), where::eq("state", std::string("running"))});
}

}  // namespace

Statement finish(std::int64_t id, std::optional<std::int64_t> attempt, const std::string& state) {
  return postgres::Update{"tasks", {postgres::set_value("state", state)}, attempt_of(id, attempt), true};
}

Statement extend(std::int64_t id, std::int64_t attempt, std::int64_t lease_until_ms) {
  return postgres::Update{"tasks", {postgres::set_value("lease_until", lease_until_ms)}, attempt_of(id, attempt), true};
}

Statement extend_live(std::int64_t id, std::int64_t attempt, std::int64_t lease_until_ms) {
  std::vector<postgres::Value> live{std::string("running"), std::string("cancelling")};
  postgres::Predicate of =
      where::all_of({where::eq("id", id), where::eq("attempt", attempt), where::in("state", std::move(live))});
  return postgres::Update{"tasks", {postgres::set_value("lease_until", lease_until_ms)}, std::move(of), true};
}

Statement retry(std::int64_t id, std::optional<std::int64_t> attempt, std::int64_t due_ms,
                std::optional<std::int64_t> retries) {
  std::vector<postgres::Assignment> set{postgres::set_value("state", std::string("pending")),
                                        postgres::set_value("due", due_ms)};
  if (retries) set.push_back(postgres::set_value("retries", *retries));
  return postgres::Update{"tasks", std::move(set), attempt_of(id, attempt), true};
}

}  // namespace sql

sim::Task<void> pg_submit_all(std::shared_ptr<Context> context) {
  const SchedulerOptions& o = context->options;
  sim::Executor ex = context->world.executor(context->client);
  PgSession db(ex, context->pg->primary(), o.request_timeout);
  co_await sim::sleep(o.submit_at);
  for (int i = 0; i < o.tasks; ++i) {
    std::string task = fmt::format("task-{}", i + 1);
    sim::Duration delay = o.delay + o.spacing * i;
    std::optional<std::int64_t> now = co_await db.now_ms();
    if (!now) continue;
    Statement insert = sql::insert_task(context->next_task_id++, task, *now + delay.ns() / 1'000'000);
    postgres::Reply reply = co_await db.run(std::move(insert));
    sim::Instant due_at = sim::Instant::zero() + o.submit_at + delay;
    if (!reply.ok()) continue;
    context->note_submitted(task);
    context->observations.submissions.push_back(Submission{task, context->world.now(), due_at});
  }
}

void pg_sample_depth(Context& context) {
  Observations& o = context.observations;
  sim::World& world = context.world;
  std::int64_t slice = (world.now() - sim::Instant::zero()).ns() / o.depth_slice.ns();
  if (!o.depth.empty() && (o.depth.back().at - sim::Instant::zero()).ns() / o.depth_slice.ns() == slice) return;
  sim::NodeId primary = context.pg->primary();
  const postgres::Server* server = context.pg->server(primary);
  if (!server) return;
  std::int64_t now = world.node(primary).clock().wall(world.now()).unix_ms();
  DepthSample sample{world.now(), 0, 0, 0, 0};
  for (const postgres::Row& row : server->committed_rows("tasks")) {
    const std::string& state = std::get<std::string>(row.at(col_state));
    const auto* due_at = std::get_if<std::int64_t>(&row.at(col_due));
    const auto* lease_until = std::get_if<std::int64_t>(&row.at(col_lease));
    bool due = due_at && *due_at <= now;
    bool leased = lease_until && *lease_until > now;
    if (state == "pending") ++(due ? sample.ready : sample.delayed);
    if (state == "running") ++(leased ? sample.in_flight : sample.ready);
  }
  o.depth.push_back(sample);
}

std::vector<std::pair<std::string, int>> pg_dead_letters(const Context& context) {
  std::vector<std::pair<std::string, int>> dead;
  const postgres::Server* server = context.pg->server(context.pg->primary());
  if (!server) return dead;
  std::vector<std::pair<std::int64_t, std::pair<std::string, int>>> by_id;
  for (const postgres::Row& row : server->committed_rows("tasks")) {
    if (std::get<std::string>(row.at(col_state)) != "dead") continue;
    TaskRow t = task_row(row);
    by_id.push_back({t.id, {t.name, static_cast<int>(t.attempt)}});
  }
  std::sort(by_id.begin(), by_id.end());
  for (auto& [id, letter] : by_id) dead.push_back(std::move(letter));
  return dead;
}

std::optional<std::size_t> pg_open_tasks(const Context& context) {
  const postgres::Server* server = context.pg->server(context.pg->primary());
  if (!server) return std::nullopt;
  std::size_t open = 0;
  for (const postgres::Row& row : server->committed_rows("tasks")) {
    const std::string& state = std::get<std::string>(row.at(col_state));
    if (state == "pending" || state == "running") ++open;
  }
  return open;
}

}  // namespace scheduler
