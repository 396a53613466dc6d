#include "conform/pg_schedules.hpp"

#include <algorithm>
#include <chrono>
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

struct ModelPlayer {
  postgres::Engine db;
  std::vector<postgres::SessionId> ids;
  PgPlay play;

  std::size_t index_of(postgres::SessionId id) const {
    return static_cast<std::size_t>(std::find(ids.begin(), ids.end(), id) - ids.begin());
  }
  void collect(PgStepOutcome& into) {
    for (const postgres::Completion& c : db.take_completions()) into.resumed[index_of(c.session)] = done(c.result);
  }
  void step(const ScheduleStep& s) {
    PgStepOutcome out;
    if (db.blocked(ids[s.session])) {
      db.fire_deadlock_timeouts();
      collect(out);
    }
    if (db.blocked(ids[s.session])) {
      out.own = of_kind(PgOutcome::Kind::skipped);
    } else {
      postgres::Step result = db.execute(ids[s.session], s.statement);
      out.own = result.blocked ? of_kind(PgOutcome::Kind::blocked) : done(result.result);
      collect(out);
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

}  // namespace

PgPlay play_on_model(const Schedule& schedule) {
  ModelPlayer player;
  player.db.create_table(postgres::schedule_table());
  player.db.load("kv", postgres::schedule_rows());
  for (std::size_t s = 0; s < schedule.sessions; ++s) player.ids.push_back(player.db.connect());
  for (const ScheduleStep& step : schedule.steps) player.step(step);
  player.finish();
  std::vector<postgres::Row> rows = player.db.committed_rows("kv");
  std::sort(rows.begin(), rows.end(),
            [](const postgres::Row& a, const postgres::Row& b) { return postgres::compare(a[0], b[0]) < 0; });
  for (const postgres::Row& row : rows) player.play.table.push_back(row_text(row));
  return player.play;
}

postgres::Schedule conform_schedule(std::uint64_t seed, postgres::Isolation level) {
  sim::Rng rng = sim::Rng::stream(seed, "postgres/conform");
  std::size_t sessions = 2 + rng.below(3);
  std::size_t statements = 3 + rng.below(3);
  return postgres::generate_schedule(rng, level, sessions, statements);
}

// ---------------------------------------------------------------------------------------------
// The real server.

struct PgServerPlayer::State {
  Endpoint endpoint;
  PgLogin login;
  int deadlock_timeout_ms = 0;
  std::unique_ptr<PgConnection> admin;
  std::vector<std::unique_ptr<PgConnection>> sessions;

  PgConnection& session(std::size_t s) { return *sessions[s]; }

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
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
      std::vector<std::size_t> pending;
      for (std::size_t s = 0; s < sessions.size(); ++s) {
        if (!session(s).busy()) continue;
        if (std::optional<PgResult> r = session(s).poll()) finished[s].result = *r;
        else pending.push_back(s);
      }
      if (pending.empty()) return;
      if (blocked_now(pending).size() == pending.size()) return;
      if (std::chrono::steady_clock::now() > deadline)
        throw PgConnectError("a statement neither finished nor waited for a lock within 30 s");
      session(pending.front()).wait_readable(1);
    }
  }

  void let_deadlock_timeout_pass(std::map<std::size_t, PgOutcome>& finished) {
    std::this_thread::sleep_for(std::chrono::milliseconds(deadlock_timeout_ms + deadlock_timeout_ms / 4 + 5));
    settle(finished);
  }

  void step(const ScheduleStep& s, PgPlay& play) {
    PgStepOutcome out;
    if (session(s.session).busy()) let_deadlock_timeout_pass(out.resumed);
    if (session(s.session).busy()) {
      out.own = of_kind(PgOutcome::Kind::skipped);
    } else {
      session(s.session).send(postgres::to_sql(s.statement));
      std::map<std::size_t, PgOutcome> after;
      settle(after);
      auto own = after.find(s.session);
      out.own = own == after.end() ? of_kind(PgOutcome::Kind::blocked) : own->second;
      for (const auto& [session, outcome] : after)
        if (session != s.session) out.resumed[session] = outcome;
    }
    play.steps.push_back(out);
  }

  void finish() {
    std::map<std::size_t, PgOutcome> ignored;
    bool any_busy = false;
    for (auto& c : sessions) any_busy = any_busy || c->busy();
    if (any_busy) let_deadlock_timeout_pass(ignored);
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
};

PgServerPlayer::PgServerPlayer(const Endpoint& endpoint, const PgLogin& login, int deadlock_timeout_ms)
    : state_(std::make_unique<State>()) {
  state_->endpoint = endpoint;
  state_->login = login;
  state_->deadlock_timeout_ms = deadlock_timeout_ms;
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

PgPlay PgServerPlayer::play(const Schedule& schedule) {
  State& st = *state_;
  std::string setup = "DROP TABLE IF EXISTS kv; " + postgres::create_table_sql(postgres::schedule_table()) +
                      " WITH (autovacuum_enabled = off); " +
                      postgres::to_sql(postgres::Insert{"kv", postgres::schedule_rows(), std::nullopt, false});
  PgResult made = st.admin->run(setup);
  if (made.sqlstate != "00000") throw PgConnectError("cannot create the table kv: " + made.message);
  std::vector<std::unique_ptr<PgConnection>> all = std::move(st.sessions);
  st.sessions.clear();
  for (std::size_t s = 0; s < schedule.sessions; ++s) st.sessions.push_back(std::move(all[s]));
  PgPlay play;
  try {
    for (const ScheduleStep& step : schedule.steps) st.step(step, play);
    st.finish();
  } catch (...) {
    for (std::size_t s = 0; s < st.sessions.size(); ++s) all[s] = std::move(st.sessions[s]);
    st.sessions = std::move(all);
    throw;
  }
  for (std::size_t s = 0; s < st.sessions.size(); ++s) all[s] = std::move(st.sessions[s]);
  st.sessions = std::move(all);
  play.table = st.admin->run("SELECT * FROM kv ORDER BY id").rows;
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
  text += (model.table == real.table ? "  " : "* ") + std::string("kv at the end:\n");
  text += "      model:  " + joined(model.table) + "\n      server: " + joined(real.table) + "\n";
  return text;
}

}  // namespace conform
