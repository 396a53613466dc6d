#include "conform/pg_schedules.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <set>
#include <thread>

#include "models/postgres/engine.hpp"

namespace conform {

using postgres::Schedule;
using postgres::ScheduleStep;

bool PgOutcome::operator==(const PgOutcome& other) const {
  if (kind != other.kind) return false;
  return kind != Kind::done || (result.sqlstate == other.result.sqlstate && result.rows == other.result.rows);
}

namespace {

std::string row_text(const postgres::Row& row) {
  std::string text = "(";
  for (std::size_t c = 0; c < row.size(); ++c) text += (c ? "," : "") + postgres::to_text(row[c]);
  return text + ")";
}

PgOutcome done(const postgres::Result& r) {
  PgOutcome outcome;
  outcome.result.sqlstate = r.sqlstate();
  if (r.error) outcome.result.message = r.error->message;
  for (const postgres::Row& row : r.rows) outcome.result.rows.push_back(row_text(row));
  return outcome;
}

PgOutcome of_kind(PgOutcome::Kind kind) {
  PgOutcome outcome;
  outcome.kind = kind;
  return outcome;
}

std::string name(std::size_t session) { return "T" + std::to_string(session + 1); }

/// The choices of one play where several statements could resume: the first `prefix` ones
/// given, the rest the first ready; what was taken and among how many, for the next plays.
struct Choices {
  std::vector<std::size_t> prefix;
  std::vector<std::size_t> taken;
  std::vector<std::size_t> arity;
  std::string text;
};

struct ModelPlayer {
  postgres::Engine db;
  std::vector<postgres::SessionId> ids;
  PgPlay play;

  std::size_t index_of(postgres::SessionId id) const {
    return static_cast<std::size_t>(std::find(ids.begin(), ids.end(), id) - ids.begin());
  }
  // One chooser for both kinds of choice point: which woken statement runs first, and which
  // wait's deadlock_timeout runs out first.
  postgres::Engine::ResumeChooser chooser(Choices& choices, std::string verb) {
    return [this, &choices, verb](const std::vector<postgres::SessionId>& ready) {
      std::size_t at = choices.taken.size();
      std::size_t pick = at < choices.prefix.size() ? choices.prefix[at] : 0;
      choices.taken.push_back(pick);
      choices.arity.push_back(ready.size());
      if (pick != 0)
        choices.text += std::string(choices.text.empty() ? "" : ", ") + name(index_of(ready[pick])) + verb +
                        name(index_of(ready[0]));
      return pick;
    };
  }
  void choose_by(Choices& choices) {
    db.set_resume_chooser(chooser(choices, " before "));
    db.set_deadlock_chooser(chooser(choices, " checks for a deadlock before "));
  }
  void collect(PgStepOutcome& into) {
    for (const postgres::Completion& c : db.take_completions()) into.resumed[index_of(c.session)] = done(c.result);
  }
  void step(const ScheduleStep& s) {
    PgStepOutcome out;
    if (db.blocked(ids[s.session])) {
      out.own = of_kind(PgOutcome::Kind::skipped);
      play.steps.push_back(out);
      return;
    }
    postgres::Step result = db.execute(ids[s.session], s.statement);
    out.own = result.blocked ? of_kind(PgOutcome::Kind::blocked) : done(result.result);
    collect(out);
    while (db.fire_deadlock_timeouts() > 0) {  // deadlock_timeout runs out for every wait the step began
    }
    collect(out);
    if (auto own = out.resumed.find(s.session); own != out.resumed.end()) {  // a deadlock's victim
      out.own = own->second;
      out.resumed.erase(own);
    }
    play.steps.push_back(out);
  }
  void finish() {
    PgStepOutcome ignored;
    db.fire_deadlock_timeouts();
    collect(ignored);
    for (bool progress = true; progress;) {
      progress = false;
      for (std::size_t s = 0; s < ids.size(); ++s) {
        if (db.blocked(ids[s])) continue;
        postgres::Step end = db.execute(ids[s], postgres::Rollback{});
        collect(ignored);
        progress = progress || end.result.warnings.empty();
      }
    }
    for (postgres::SessionId id : ids) db.disconnect(id);
    collect(ignored);
  }
};

PgPlay play_with(const Schedule& schedule, Choices& choices) {
  ModelPlayer player;
  player.choose_by(choices);
  player.db.create_table(schedule.table);
  player.db.load(schedule.table.name, schedule.rows);
  for (std::size_t s = 0; s < schedule.sessions; ++s) player.ids.push_back(player.db.connect());
  for (const ScheduleStep& step : schedule.steps) player.step(step);
  player.finish();
  std::vector<postgres::Row> rows = player.db.committed_rows(schedule.table.name);
  std::sort(rows.begin(), rows.end(),
            [](const postgres::Row& a, const postgres::Row& b) { return postgres::compare(a[0], b[0]) < 0; });
  for (const postgres::Row& row : rows) player.play.table.push_back(row_text(row));
  player.play.resume_order = choices.text;
  return player.play;
}

}  // namespace

PgPlay play_on_model(const Schedule& schedule) {
  Choices fixed;
  return play_with(schedule, fixed);
}

std::vector<PgPlay> plays_on_model(const Schedule& schedule, std::size_t limit) {
  std::vector<PgPlay> plays;
  std::vector<std::vector<std::size_t>> todo{{}};
  while (!todo.empty() && plays.size() < limit) {
    Choices choices;
    choices.prefix = std::move(todo.back());
    todo.pop_back();
    plays.push_back(play_with(schedule, choices));
    // Every other pick at each choice this play made beyond its given prefix: a play of its own.
    for (std::size_t at = choices.taken.size(); at-- > choices.prefix.size();)
      for (std::size_t pick = choices.arity[at]; pick-- > 1;) {
        std::vector<std::size_t> next(choices.taken.begin(), choices.taken.begin() + static_cast<std::ptrdiff_t>(at));
        next.push_back(pick);
        todo.push_back(std::move(next));
      }
  }
  return plays;
}

postgres::Schedule conform_schedule(std::uint64_t seed, postgres::Isolation level) {
  sim::Rng rng = sim::Rng::stream(seed, "postgres/conform");
  std::size_t sessions = 2 + rng.below(3);
  std::size_t statements = 3 + rng.below(3);
  return postgres::generate_schedule(rng, level, sessions, statements);
}

// ---------------------------------------------------------------------------------------------
// The real server.

namespace {

using Clock = std::chrono::steady_clock;

std::string first_column(const postgres::TableSchema& table) { return table.columns.front().name; }

}  // namespace

struct PgServerPlayer::State {
  Endpoint endpoint;
  PgLogin login;
  std::chrono::milliseconds deadlock_timeout{0};
  std::unique_ptr<PgConnection> admin;
  std::vector<std::unique_ptr<PgConnection>> sessions;
  std::chrono::milliseconds grace{40};

  PgConnection& session(std::size_t s) { return *sessions[s]; }

  bool any_busy() {
    for (auto& c : sessions)
      if (c->busy()) return true;
    return false;
  }

  // The sessions of `pending` that wait for a lock, as the server sees it now.
  std::set<std::size_t> blocked_now(const std::vector<std::size_t>& pending) {
    std::string pids;
    for (std::size_t s : pending) pids += (pids.empty() ? "" : ",") + std::to_string(session(s).backend_pid());
    PgResult r =
        admin->run("SELECT p FROM unnest('{" + pids + "}'::int[]) p WHERE cardinality(pg_blocking_pids(p)) > 0");
    if (r.sqlstate != "00000") throw PgConnectError("pg_blocking_pids failed: " + r.message);
    std::set<std::size_t> blocked;
    for (std::size_t s : pending)
      if (std::count(r.rows.begin(), r.rows.end(), "(" + std::to_string(session(s).backend_pid()) + ")"))
        blocked.insert(s);
    return blocked;
  }

  // Waits until every busy session has either finished (its result goes to `finished`) or waits
  // for a lock, by the server's own account, with nothing else still running.
  void settle(std::map<std::size_t, PgOutcome>& finished) {
    auto deadline = Clock::now() + std::chrono::seconds(30);
    for (;;) {
      std::vector<std::size_t> pending;
      for (std::size_t s = 0; s < sessions.size(); ++s) {
        if (!session(s).busy()) continue;
        if (std::optional<PgResult> r = session(s).poll())
          finished[s].result = *r;
        else
          pending.push_back(s);
      }
      if (pending.empty()) return;
      if (blocked_now(pending).size() == pending.size()) return;
      if (Clock::now() > deadline)
        throw PgConnectError("a statement neither finished nor waited for a lock within 30 s");
      session(pending.front()).wait_readable(1);
    }
  }

  // deadlock_timeout runs out for the waits the step began: every such waiter's check runs (the
  // grace lets a busy machine give their backends the processor). Then waits up to 5 s more
  // while fewer statements finished than `expected` (the model's victims and what they let go).
  void let_deadlock_timeout_run_out(std::map<std::size_t, PgOutcome>& finished, std::size_t expected) {
    std::this_thread::sleep_for(deadlock_timeout + grace);
    settle(finished);
    auto deadline = Clock::now() + std::chrono::seconds(5);
    while (finished.size() < expected && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      settle(finished);
    }
  }

  void step(const ScheduleStep& s, std::size_t expected, PgPlay& play) {
    PgStepOutcome out;
    if (session(s.session).busy()) {
      out.own = of_kind(PgOutcome::Kind::skipped);
      play.steps.push_back(out);
      return;
    }
    session(s.session).send(postgres::to_sql(s.statement));
    std::map<std::size_t, PgOutcome> after;
    settle(after);
    // A wait may have begun: the statement waits, or something ended a transaction (an error, a
    // COMMIT, a ROLLBACK, another statement let finish) and a waiter it woke may wait anew.
    auto own = after.find(s.session);
    bool ended = own == after.end() || own->second.result.sqlstate != "00000" || after.size() > 1 ||
                 std::holds_alternative<postgres::Commit>(s.statement) ||
                 std::holds_alternative<postgres::Rollback>(s.statement);
    if (ended && any_busy()) let_deadlock_timeout_run_out(after, expected);
    own = after.find(s.session);
    out.own = own == after.end() ? of_kind(PgOutcome::Kind::blocked) : own->second;
    for (const auto& [session, outcome] : after)
      if (session != s.session) out.resumed[session] = outcome;
    play.steps.push_back(out);
  }

  void finish() {
    std::map<std::size_t, PgOutcome> ignored;
    for (bool progress = true; progress;) {
      progress = false;
      for (std::size_t s = 0; s < sessions.size(); ++s) {
        if (session(s).busy() || !session(s).in_transaction()) continue;
        session(s).send("ROLLBACK");
        settle(ignored);
        progress = true;
      }
    }
    // Sessions still blocked: the model disconnects them; here they are cancelled and rolled back.
    for (auto& c : sessions)
      if (c->busy()) c->cancel();
    settle(ignored);
    for (auto& c : sessions)
      if (c->in_transaction()) c->run("ROLLBACK");
  }

  void create(const Schedule& schedule) {
    std::string setup = "DROP TABLE IF EXISTS " + schedule.table.name + "; " +
                        postgres::create_table_sql(schedule.table) + " WITH (autovacuum_enabled = off); " +
                        postgres::to_sql(postgres::Insert{schedule.table.name, schedule.rows, std::nullopt, false});
    PgResult made = admin->run(setup);
    if (made.sqlstate != "00000")
      throw PgConnectError("cannot create the table " + schedule.table.name + ": " + made.message);
  }

  void play_steps(const Schedule& schedule, const std::vector<PgPlay>& expected, PgPlay& play) {
    for (std::size_t i = 0; i < schedule.steps.size(); ++i) {
      std::size_t finishing = static_cast<std::size_t>(-1);
      for (const PgPlay& model : expected)
        if (i < model.steps.size()) {
          const PgStepOutcome& step = model.steps[i];
          finishing = std::min(finishing, step.resumed.size() + (step.own.kind == PgOutcome::Kind::done ? 1 : 0));
        }
      step(schedule.steps[i], finishing == static_cast<std::size_t>(-1) ? 0 : finishing, play);
    }
    finish();
  }
};

PgServerPlayer::PgServerPlayer(const Endpoint& endpoint, const PgLogin& login, int deadlock_timeout_ms)
    : state_(std::make_unique<State>()) {
  state_->endpoint = endpoint;
  state_->login = login;
  state_->deadlock_timeout = std::chrono::milliseconds(deadlock_timeout_ms);
  state_->admin = std::make_unique<PgConnection>(endpoint, login);
  for (int s = 0; s < 4; ++s) {
    state_->sessions.push_back(std::make_unique<PgConnection>(endpoint, login));
    PgResult r = state_->sessions.back()->run("SET deadlock_timeout = '" + std::to_string(deadlock_timeout_ms) + "ms'");
    if (r.sqlstate != "00000")
      throw PgConnectError("cannot SET deadlock_timeout (a superuser is needed): " + r.message);
  }
}

PgServerPlayer::~PgServerPlayer() = default;

std::string PgServerPlayer::server_version() {
  PgResult r = state_->admin->run("SHOW server_version");
  return r.rows.empty() ? "unknown" : r.rows.front().substr(1, r.rows.front().size() - 2);
}

PgPlay PgServerPlayer::play(const Schedule& schedule, const std::vector<PgPlay>& expected) {
  State& st = *state_;
  if (schedule.sessions > 4) throw PgConnectError("a schedule of more than 4 sessions");
  st.create(schedule);
  std::vector<std::unique_ptr<PgConnection>> all = std::move(st.sessions);
  st.sessions.clear();
  for (std::size_t s = 0; s < schedule.sessions; ++s) st.sessions.push_back(std::move(all[s]));
  PgPlay play;
  auto give_back = [&] {
    for (std::size_t s = 0; s < st.sessions.size(); ++s) all[s] = std::move(st.sessions[s]);
    st.sessions = std::move(all);
  };
  try {
    st.play_steps(schedule, expected, play);
  } catch (...) {
    give_back();
    throw;
  }
  give_back();
  play.table = st.admin->run("SELECT * FROM " + schedule.table.name + " ORDER BY " + first_column(schedule.table)).rows;
  return play;
}

// ---------------------------------------------------------------------------------------------
// Comparing.

namespace {

std::string outcome_text(const PgOutcome& o) {
  switch (o.kind) {
    case PgOutcome::Kind::blocked: return "blocked";
    case PgOutcome::Kind::skipped: return "skipped (the session is blocked)";
    case PgOutcome::Kind::done: break;
  }
  if (o.result.sqlstate != "00000") return "ERROR " + o.result.sqlstate + " " + o.result.message;
  std::string text = "ok";
  for (const std::string& row : o.result.rows) text += " " + row;
  return text;
}

std::string step_text(const PgStepOutcome& step) {
  std::string text = outcome_text(step.own);
  for (const auto& [session, outcome] : step.resumed)
    text += "; T" + std::to_string(session + 1) + " resumed: " + outcome_text(outcome);
  return text;
}

bool same_step(const PgStepOutcome& a, const PgStepOutcome& b) {
  if (!(a.own == b.own) || a.resumed.size() != b.resumed.size()) return false;
  for (const auto& [session, outcome] : a.resumed) {
    auto it = b.resumed.find(session);
    if (it == b.resumed.end() || !(it->second == outcome)) return false;
  }
  return true;
}

std::string joined(const std::vector<std::string>& rows) {
  std::string text;
  for (const std::string& row : rows) text += (text.empty() ? "" : " ") + row;
  return text;
}

}  // namespace

std::string compare_plays(const Schedule& schedule, const PgPlay& model, const PgPlay& real) {
  bool differ = model.table != real.table || model.steps.size() != real.steps.size();
  for (std::size_t i = 0; !differ && i < model.steps.size(); ++i) differ = !same_step(model.steps[i], real.steps[i]);
  if (!differ) return {};
  std::string text = std::string("schedule at ") + postgres::to_string(schedule.isolation) + ", " +
                     std::to_string(schedule.sessions) + " sessions (* marks a step that differs):\n";
  for (std::size_t i = 0; i < schedule.steps.size(); ++i) {
    const ScheduleStep& step = schedule.steps[i];
    bool same = i < model.steps.size() && i < real.steps.size() && same_step(model.steps[i], real.steps[i]);
    text += (same ? "  " : "* ") + std::string("T") + std::to_string(step.session + 1) + ": " +
            postgres::to_sql(step.statement) + "\n";
    if (i < model.steps.size()) text += "      model:  " + step_text(model.steps[i]) + "\n";
    if (!same && i < real.steps.size()) text += "      server: " + step_text(real.steps[i]) + "\n";
  }
  text += (model.table == real.table ? "  " : "* ") + schedule.table.name + " at the end:\n";
  text += "      model:  " + joined(model.table) + "\n      server: " + joined(real.table) + "\n";
  return text;
}

PgVerdict judge(const Schedule& schedule, const std::vector<PgPlay>& models, const PgPlay& real) {
  PgVerdict verdict;
  verdict.orders = models.size();
  for (const PgPlay& model : models)
    if (compare_plays(schedule, model, real).empty()) {
      verdict.agreed = true;
      verdict.resume_order = model.resume_order;
      return verdict;
    }
  verdict.report = compare_plays(schedule, models.front(), real);
  if (models.size() > 1)
    verdict.report += "  (the model under the first-waiter-first rule; none of its " + std::to_string(models.size()) +
                      " resume orders agrees)\n";
  return verdict;
}

// ---------------------------------------------------------------------------------------------
// Lanes.

namespace {

std::string lane_database(std::size_t lane) { return "designsim_conform_" + std::to_string(lane + 1); }

void create_lane_databases(const PgRunOptions& o) {
  PgConnection admin(o.endpoint, o.login);
  PgResult have = admin.run("SELECT datname FROM pg_database WHERE datname LIKE 'designsim_conform_%'");
  if (have.sqlstate != "00000") throw PgConnectError("cannot list the databases: " + have.message);
  for (std::size_t lane = 0; lane < o.lanes; ++lane) {
    std::string name = lane_database(lane);
    if (std::count(have.rows.begin(), have.rows.end(), "(" + name + ")")) continue;
    PgResult made = admin.run("CREATE DATABASE " + name + " TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'");
    if (made.sqlstate != "00000") throw PgConnectError("cannot create the database " + name + ": " + made.message);
  }
}

PgVerdict play_one(PgServerPlayer& server, const Schedule& schedule, std::size_t attempts) {
  std::vector<PgPlay> models = plays_on_model(schedule);
  PgVerdict verdict;
  for (std::size_t attempt = 1; attempt <= attempts; ++attempt) {
    verdict = judge(schedule, models, server.play(schedule, models));
    verdict.attempts = attempt;
    if (verdict.agreed) break;
  }
  return verdict;
}

/// What the lanes share: the next schedule to take, the verdicts in, the first failure.
struct Lanes {
  const PgRunOptions& options;
  const std::vector<Schedule>& schedules;
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t next = 0;
  std::vector<std::optional<PgVerdict>> verdicts;
  std::exception_ptr failure;

  void run(std::size_t lane) {
    try {
      PgLogin login = options.login;
      login.database = lane_database(lane);
      PgServerPlayer server(options.endpoint, login, options.deadlock_timeout_ms);
      for (;;) {
        std::size_t k = 0;
        {
          std::lock_guard<std::mutex> hold(mutex);
          if (failure || next >= schedules.size()) return;
          k = next++;
        }
        PgVerdict verdict = play_one(server, schedules[k], options.attempts);
        std::lock_guard<std::mutex> hold(mutex);
        verdicts[k] = std::move(verdict);
        changed.notify_all();
      }
    } catch (...) {
      std::lock_guard<std::mutex> hold(mutex);
      if (!failure) failure = std::current_exception();
      changed.notify_all();
    }
  }
};

}  // namespace

std::vector<PgVerdict> conform_schedules(const PgRunOptions& options, const std::vector<Schedule>& schedules,
                                         const std::function<void(std::size_t, const PgVerdict&)>& done) {
  create_lane_databases(options);
  Lanes lanes{options, schedules, {}, {}, 0, std::vector<std::optional<PgVerdict>>(schedules.size()), nullptr};
  std::vector<std::thread> threads;
  for (std::size_t lane = 0; lane < std::max<std::size_t>(1, std::min(options.lanes, schedules.size())); ++lane)
    threads.emplace_back([&lanes, lane] { lanes.run(lane); });
  std::vector<PgVerdict> verdicts;
  for (std::size_t k = 0; k < schedules.size(); ++k) {
    std::unique_lock<std::mutex> hold(lanes.mutex);
    lanes.changed.wait(hold, [&] { return lanes.failure || lanes.verdicts[k]; });
    if (lanes.failure) break;
    verdicts.push_back(*lanes.verdicts[k]);
    hold.unlock();
    if (done) done(k, verdicts.back());
  }
  for (std::thread& t : threads) t.join();
  if (lanes.failure) std::rethrow_exception(lanes.failure);
  return verdicts;
}

std::string pg_server_version(const Endpoint& endpoint, const PgLogin& login) {
  PgConnection admin(endpoint, login);
  PgResult r = admin.run("SHOW server_version");
  return r.rows.empty() ? "unknown" : r.rows.front().substr(1, r.rows.front().size() - 2);
}

}  // namespace conform
