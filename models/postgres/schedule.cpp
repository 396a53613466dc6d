#include "models/postgres/schedule.hpp"

#include <algorithm>

namespace postgres {

TableSchema schedule_table() {
  return TableSchema{"kv", {{"id", Type::integer}, {"k", Type::integer}, {"value", Type::integer}}, {"id"}, {{"k"}}};
}

std::vector<Row> schedule_rows() { return {Row{1, 1, 10}, Row{2, 2, 20}, Row{3, 3, 30}}; }

namespace {

std::int64_t pick(sim::Rng& rng, std::int64_t low, std::int64_t high) {
  return low + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(high - low + 1)));
}

Predicate some_predicate(sim::Rng& rng) {
  switch (rng.below(5)) {
    case 0: return where::eq("id", pick(rng, 1, 5));
    case 1: {
      std::int64_t a = pick(rng, 1, 5);
      std::int64_t b = pick(rng, 1, 5);
      return where::in("id", {a, b});
    }
    case 2: return where::lt("value", pick(rng, 5, 45));
    case 3: return where::modulo("value", 2, CompareOp::eq, pick(rng, 0, 1));
    default: {
      std::int64_t k = pick(rng, 1, 5);
      std::int64_t value = pick(rng, 5, 45);
      return where::any_of({where::eq("k", k), where::ge("value", value)});
    }
  }
}

Statement some_select(sim::Rng& rng) {
  Select s{"kv", some_predicate(rng), {}, std::nullopt, std::nullopt};
  if (rng.below(2) == 0) s.order_by = {{"id", false}};
  if (rng.below(2) == 0) {
    LockStrength strengths[] = {LockStrength::key_share, LockStrength::share, LockStrength::no_key_update,
                                LockStrength::update};
    WaitPolicy policies[] = {WaitPolicy::wait, WaitPolicy::wait, WaitPolicy::skip_locked, WaitPolicy::nowait};
    std::size_t strength = rng.below(4);
    std::size_t policy = rng.below(4);
    s.locking = RowLocking{strengths[strength], policies[policy]};
    if (rng.below(2) == 0) s.limit = 1;
  }
  return s;
}

Statement some_write(sim::Rng& rng) {
  switch (rng.below(4)) {
    case 0: {
      std::int64_t value = pick(rng, 5, 45);
      return Update{"kv", {set_value("value", value)}, some_predicate(rng), rng.below(2) == 0};
    }
    case 1: {
      std::int64_t delta = pick(rng, 1, 9);
      return Update{"kv", {set_add("value", delta)}, some_predicate(rng), false};
    }
    case 2: {
      std::int64_t id = pick(rng, 1, 6);
      std::int64_t k = pick(rng, 1, 6);
      std::int64_t value = pick(rng, 5, 45);
      Insert insert{"kv", {Row{id, k, value}}, std::nullopt, true};
      std::size_t conflict = rng.below(3);
      if (conflict == 1) insert.on_conflict = OnConflict{};
      if (conflict == 2) insert.on_conflict = OnConflict{{"id"}, true, {set_add("value", 1)}, where::always()};
      return insert;
    }
    default: return Delete{"kv", where::eq("id", pick(rng, 1, 6)), false};
  }
}

Statement some_statement(sim::Rng& rng) {
  std::uint64_t kind = rng.below(10);
  if (kind < 4) return some_select(rng);
  if (kind < 9) return some_write(rng);
  bool try_only = rng.below(2) == 0;
  return AdvisoryLock{pick(rng, 1, 2), AdvisoryScope::transaction, false, try_only};
}

}  // namespace

Schedule generate_schedule(sim::Rng& rng, Isolation isolation, std::size_t sessions, std::size_t statements) {
  Schedule schedule;
  schedule.isolation = isolation;
  schedule.sessions = sessions;
  std::vector<std::vector<Statement>> per_session(sessions);
  for (auto& list : per_session) {
    list.push_back(Begin{isolation});
    for (std::size_t i = 0; i < statements; ++i) list.push_back(some_statement(rng));
    if (rng.below(5) == 0)
      list.push_back(Rollback{});
    else
      list.push_back(Commit{});
  }
  std::vector<std::size_t> next(sessions, 0);
  for (std::size_t left = sessions * (statements + 2); left > 0; --left) {
    std::vector<std::size_t> open;
    for (std::size_t s = 0; s < sessions; ++s)
      if (next[s] < per_session[s].size()) open.push_back(s);
    std::size_t s = open[rng.below(open.size())];
    schedule.steps.push_back(ScheduleStep{s, per_session[s][next[s]++]});
  }
  return schedule;
}

namespace {

std::string name(std::size_t session) { return "T" + std::to_string(session + 1); }

std::string describe(const Result& r) {
  if (r.error) return "ERROR " + r.error->sqlstate + " " + r.error->message;
  std::string text = r.tag;
  for (const Row& row : r.rows) {
    text += " (";
    for (std::size_t c = 0; c < row.size(); ++c) text += (c ? "," : "") + to_literal(row[c]);
    text += ")";
  }
  return text;
}

struct Player {
  Engine db;
  std::vector<SessionId> ids;
  std::vector<std::string> lines;

  std::size_t index_of(SessionId id) const {
    return static_cast<std::size_t>(std::find(ids.begin(), ids.end(), id) - ids.begin());
  }

  void collect() {
    for (const Completion& c : db.take_completions())
      lines.push_back("  " + name(index_of(c.session)) + " resumed: " + describe(c.result));
  }

  void step(const ScheduleStep& s) {
    std::string head = name(s.session) + ": " + to_sql(s.statement) + " -> ";
    if (db.blocked(ids[s.session])) {
      lines.push_back(head + "skipped (the session is blocked)");
      return;
    }
    Step result = db.execute(ids[s.session], s.statement);
    if (result.blocked)
      lines.push_back(head + "blocked by " + name(index_of(result.waits_for_session)));
    else
      lines.push_back(head + describe(result.result));
    collect();
    while (db.fire_deadlock_timeouts() > 0) {  // before the next step, for every wait this one began
    }
    collect();
  }

  void finish() {
    db.fire_deadlock_timeouts();
    collect();
    for (bool progress = true; progress;) {
      progress = false;
      for (std::size_t s = 0; s < ids.size(); ++s) {
        if (db.blocked(ids[s])) continue;
        Step end = db.execute(ids[s], Rollback{});
        if (!end.result.warnings.empty()) continue;  // nothing was open
        lines.push_back(name(s) + ": ROLLBACK (end of schedule) -> " + describe(end.result));
        collect();
        progress = true;
      }
    }
    for (std::size_t s = 0; s < ids.size(); ++s) {
      if (db.blocked(ids[s])) lines.push_back(name(s) + ": still blocked at the end; disconnected");
      db.disconnect(ids[s]);
      collect();
    }
  }
};

}  // namespace

std::vector<std::string> play(const Schedule& schedule) {
  Player player;
  player.db.create_table(schedule.table);
  player.db.load(schedule.table.name, schedule.rows);
  for (std::size_t s = 0; s < schedule.sessions; ++s) player.ids.push_back(player.db.connect());
  for (const ScheduleStep& step : schedule.steps) player.step(step);
  player.finish();
  std::vector<Row> rows = player.db.committed_rows(schedule.table.name);
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return compare(a[0], b[0]) < 0; });
  std::string table = schedule.table.name + ":";
  for (const Row& row : rows) {
    table += " (";
    for (std::size_t c = 0; c < row.size(); ++c) table += (c ? "," : "") + to_text(row[c]);
    table += ")";
  }
  player.lines.push_back(table);
  return player.lines;
}

std::string to_text(const Schedule& schedule) {
  std::string text;
  for (const ScheduleStep& step : schedule.steps) text += name(step.session) + ": " + to_sql(step.statement) + "\n";
  return text;
}

}  // namespace postgres
