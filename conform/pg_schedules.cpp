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
  std::unique_ptr<PgConnection> admin;
  std::vector<std::unique_ptr<PgConnection>> sessions;

  PgConnection& session(std::size_t s) { return *sessions[s]; }

  // The lock each session of `pending` waits for, as the server sees it now, named as the
  // server names it in its lock-wait reports (lmgr.c's DescribeLockTag), with its mode.
  std::map<std::size_t, std::string> waits_now(const std::vector<std::size_t>& pending) {
    std::string pids;
    for (std::size_t s : pending) pids += (pids.empty() ? "" : ",") + std::to_string(session(s).backend_pid());
    PgResult r = admin->run(
        "SELECT pid, mode || ' on ' || CASE locktype"
        " WHEN 'transactionid' THEN format('transaction %s', transactionid)"
        " WHEN 'tuple' THEN format('tuple (%s,%s) of relation %s of database %s', page, tuple, relation, database)"
        " WHEN 'relation' THEN format('relation %s of database %s', relation, database)"
        " WHEN 'virtualxid' THEN format('virtual transaction %s', virtualxid)"
        " WHEN 'spectoken' THEN format('speculative token %s of transaction %s', classid, database)"
        " WHEN 'advisory' THEN format('advisory lock [%s,%s,%s,%s]', database, classid, objid, objsubid)"
        " ELSE locktype END FROM pg_locks WHERE NOT granted AND pid IN (" +
        pids + ")");
    if (r.sqlstate != "00000") throw PgConnectError("pg_locks failed: " + r.message);
    std::map<std::size_t, std::string> waits;
    for (const std::string& row : r.rows) {
      std::size_t comma = row.find(',');
      int pid = std::stoi(row.substr(1, comma - 1));
      for (std::size_t s : pending)
        if (session(s).backend_pid() == pid) waits[s] = row.substr(comma + 1, row.size() - comma - 2);
    }
    return waits;
  }

  // Reads what the busy sessions sent: results go to `finished`; the sessions still busy.
  std::vector<std::size_t> collect(std::map<std::size_t, PgOutcome>& finished) {
    std::vector<std::size_t> pending;
    for (std::size_t s = 0; s < sessions.size(); ++s) {
      if (!session(s).busy()) continue;
      if (std::optional<PgResult> r = session(s).poll())
        finished[s].result = *r;
      else
        pending.push_back(s);
    }
    return pending;
  }

  std::uint64_t reports() {
    std::uint64_t n = 0;
    for (auto& c : sessions) n += c->lock_wait_reports();
    return n;
  }

  // What the sessions that neither finished nor had their wait checked were doing.
  std::string stuck(const std::vector<std::size_t>& pending) {
    std::map<std::size_t, std::string> waits = waits_now(pending);
    std::string text = "within 30 s, a statement neither finished nor had its lock wait checked:";
    for (std::size_t s : pending)
      text += " " + name(s) + " waits for '" + (waits.count(s) ? waits[s] : "") + "', reported '" +
              session(s).checked_wait() + "';";
    return text;
  }

  // Waits until every busy session has either finished (its result goes to `finished`) or waits
  // for a lock whose deadlock check has run, by the server's own account: the lock it waits for
  // in pg_locks is the one its backend last reported still waiting for. Nothing is decided by a
  // timer: a wait's check runs deadlock_timeout after it began, whenever its backend gets the
  // processor, and the report of it wakes this loop.
  void settle(std::map<std::size_t, PgOutcome>& finished) {
    auto deadline = Clock::now() + std::chrono::seconds(30);
    for (;;) {
      std::vector<std::size_t> pending = collect(finished);
      if (pending.empty()) return;
      bool reported = true;
      for (std::size_t s : pending) reported = reported && !session(s).checked_wait().empty();
      if (reported) {
        std::uint64_t before = reports();
        std::map<std::size_t, std::string> waits = waits_now(pending);
        // What arrived while the server was asked (a result, a wait that ended) is looked at first.
        if (collect(finished).size() == pending.size() && reports() == before) {
          bool checked = true;
          for (std::size_t s : pending) checked = checked && waits.count(s) && waits[s] == session(s).checked_wait();
          if (checked) return;
        }
      }
      if (Clock::now() > deadline) throw PgConnectError(stuck(pending));
      std::vector<const PgConnection*> watched;
      for (std::size_t s : pending) watched.push_back(&session(s));
      PgConnection::wait_readable(watched, 100);
    }
  }

  void step(const ScheduleStep& s, PgPlay& play) {
    PgStepOutcome out;
    if (session(s.session).busy()) {
      out.own = of_kind(PgOutcome::Kind::skipped);
      play.steps.push_back(out);
      return;
    }
    session(s.session).send(postgres::to_sql(s.statement));
    std::map<std::size_t, PgOutcome> after;
    settle(after);
    auto own = after.find(s.session);
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

  void play_steps(const Schedule& schedule, PgPlay& play) {
    for (const ScheduleStep& s : schedule.steps) step(s, play);
    finish();
  }
};

PgServerPlayer::PgServerPlayer(const Endpoint& endpoint, const PgLogin& login, int deadlock_timeout_ms)
    : state_(std::make_unique<State>()) {
  state_->endpoint = endpoint;
  state_->login = login;
  state_->admin = std::make_unique<PgConnection>(endpoint, login);
  // Each wait's deadlock check is reported to the session's client (see settle), in English.
  std::string settings = "SET deadlock_timeout = '" + std::to_string(deadlock_timeout_ms) +
                         "ms'; SET log_lock_waits = on; SET client_min_messages = log; SET lc_messages = 'C'";
  for (int s = 0; s < 4; ++s) {
    state_->sessions.push_back(std::make_unique<PgConnection>(endpoint, login));
    PgResult r = state_->sessions.back()->run(settings);
    if (r.sqlstate != "00000")
      throw PgConnectError("cannot SET deadlock_timeout and log_lock_waits (a superuser is needed): " + r.message);
  }
}

PgServerPlayer::~PgServerPlayer() = default;

std::string PgServerPlayer::server_version() {
  PgResult r = state_->admin->run("SHOW server_version");
  return r.rows.empty() ? "unknown" : r.rows.front().substr(1, r.rows.front().size() - 2);
}

PgPlay PgServerPlayer::play(const Schedule& schedule) {
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
    st.play_steps(schedule, play);
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
    verdict = judge(schedule, models, server.play(schedule));
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
