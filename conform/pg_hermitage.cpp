#include "conform/pg_hermitage.hpp"

namespace conform {

namespace {

using namespace postgres;

TableSchema test_table() { return TableSchema{"test", {{"id", Type::integer}, {"value", Type::integer}}, {"id"}, {}}; }

Statement select_all() { return Select{"test", where::always(), {}, std::nullopt, std::nullopt}; }
Statement select_where(Predicate p) { return Select{"test", std::move(p), {}, std::nullopt, std::nullopt}; }
Statement set_where(std::int64_t value, Predicate p) {
  return Update{"test", {set_value("value", value)}, std::move(p), false};
}
Statement add_where(std::int64_t delta, Predicate p) {
  return Update{"test", {set_add("value", delta)}, std::move(p), false};
}
Statement delete_where(Predicate p) { return Delete{"test", std::move(p), false}; }
Statement insert_row(std::int64_t id, std::int64_t value) {
  return Insert{"test", {Row{id, value}}, std::nullopt, false};
}
Predicate id_is(std::int64_t id) { return where::eq("id", id); }
Predicate value_mod(std::int64_t m) { return where::modulo("value", m, CompareOp::eq, 0); }

/// One case: sessions T1.. by number, each step (session, statement).
struct Case {
  std::vector<NamedSchedule>& into;
  NamedSchedule named;
  Case(std::vector<NamedSchedule>& all, std::string name, Isolation level, std::size_t sessions) : into(all) {
    named.name = std::move(name);
    named.schedule.isolation = level;
    named.schedule.sessions = sessions;
    named.schedule.table = test_table();
    named.schedule.rows = {Row{1, 10}, Row{2, 20}};
  }
  Case& begin(std::initializer_list<std::size_t> who) {
    for (std::size_t t : who) run(t, Begin{named.schedule.isolation});
    return *this;
  }
  Case& run(std::size_t t, Statement statement) {
    named.schedule.steps.push_back(ScheduleStep{t - 1, std::move(statement)});
    return *this;
  }
  ~Case() { into.push_back(std::move(named)); }
};

const Isolation rc = Isolation::read_committed;
const Isolation rr = Isolation::repeatable_read;
const Isolation serializable = Isolation::serializable;

void read_committed_cases(std::vector<NamedSchedule>& all) {
  Case(all, "G0 (read committed)", rc, 2)
      .begin({1, 2})
      .run(1, set_where(11, id_is(1)))
      .run(2, set_where(12, id_is(1)))
      .run(1, set_where(21, id_is(2)))
      .run(1, Commit{})
      .run(1, select_all())
      .run(2, set_where(22, id_is(2)))
      .run(2, Commit{})
      .run(1, select_all())
      .run(2, select_all());
  Case(all, "G1a (read committed)", rc, 2)
      .begin({1, 2})
      .run(1, set_where(101, id_is(1)))
      .run(2, select_all())
      .run(1, Rollback{})
      .run(2, select_all())
      .run(2, Commit{});
  Case(all, "G1b (read committed)", rc, 2)
      .begin({1, 2})
      .run(1, set_where(101, id_is(1)))
      .run(2, select_all())
      .run(1, set_where(11, id_is(1)))
      .run(1, Commit{})
      .run(2, select_all())
      .run(2, Commit{});
  Case(all, "G1c (read committed)", rc, 2)
      .begin({1, 2})
      .run(1, set_where(11, id_is(1)))
      .run(2, set_where(22, id_is(2)))
      .run(1, select_where(id_is(2)))
      .run(2, select_where(id_is(1)))
      .run(1, Commit{})
      .run(2, Commit{});
  Case(all, "OTV (read committed)", rc, 3)
      .begin({1, 2, 3})
      .run(1, set_where(11, id_is(1)))
      .run(1, set_where(19, id_is(2)))
      .run(2, set_where(12, id_is(1)))
      .run(1, Commit{})
      .run(3, select_where(id_is(1)))
      .run(2, set_where(18, id_is(2)))
      .run(3, select_where(id_is(2)))
      .run(2, Commit{})
      .run(3, select_where(id_is(2)))
      .run(3, select_where(id_is(1)))
      .run(3, Commit{});
}

void predicate_cases(std::vector<NamedSchedule>& all) {
  for (Isolation level : {rc, rr})
    Case(all, std::string("PMP (") + to_string(level) + ")", level, 2)
        .begin({1, 2})
        .run(1, select_where(where::eq("value", 30)))
        .run(2, insert_row(3, 30))
        .run(2, Commit{})
        .run(1, select_where(value_mod(3)))
        .run(1, Commit{});
  for (Isolation level : {rc, rr})
    Case(all, std::string("PMP write predicates (") + to_string(level) + ")", level, 2)
        .begin({1, 2})
        .run(1, add_where(10, where::always()))
        .run(2, delete_where(where::eq("value", 20)))
        .run(1, Commit{})
        .run(2, select_where(where::eq("value", 20)))
        .run(2, level == rc ? Statement{Commit{}} : Statement{Rollback{}});
  for (Isolation level : {rc, rr})
    Case(all, std::string("P4 (") + to_string(level) + ")", level, 2)
        .begin({1, 2})
        .run(1, select_where(id_is(1)))
        .run(2, select_where(id_is(1)))
        .run(1, set_where(11, id_is(1)))
        .run(2, set_where(11, id_is(1)))
        .run(1, Commit{})
        .run(2, level == rc ? Statement{Commit{}} : Statement{Rollback{}});
}

void skew_cases(std::vector<NamedSchedule>& all) {
  for (Isolation level : {rc, rr})
    Case(all, std::string("G-single (") + to_string(level) + ")", level, 2)
        .begin({1, 2})
        .run(1, select_where(id_is(1)))
        .run(2, select_where(id_is(1)))
        .run(2, select_where(id_is(2)))
        .run(2, set_where(12, id_is(1)))
        .run(2, set_where(18, id_is(2)))
        .run(2, Commit{})
        .run(1, select_where(id_is(2)))
        .run(1, Commit{});
  Case(all, "G-single predicate dependencies (repeatable read)", rr, 2)
      .begin({1, 2})
      .run(1, select_where(value_mod(5)))
      .run(2, set_where(12, where::eq("value", 10)))
      .run(2, Commit{})
      .run(1, select_where(value_mod(3)))
      .run(1, Commit{});
  Case(all, "G-single write predicate (repeatable read)", rr, 2)
      .begin({1, 2})
      .run(1, select_where(id_is(1)))
      .run(2, select_all())
      .run(2, set_where(12, id_is(1)))
      .run(2, set_where(18, id_is(2)))
      .run(2, Commit{})
      .run(1, delete_where(where::eq("value", 20)))
      .run(1, Rollback{});
}

void anti_dependency_cases(std::vector<NamedSchedule>& all) {
  for (Isolation level : {rr, serializable})
    Case(all, std::string("G2-item (") + to_string(level) + ")", level, 2)
        .begin({1, 2})
        .run(1, select_where(where::in("id", {1, 2})))
        .run(2, select_where(where::in("id", {1, 2})))
        .run(1, set_where(11, id_is(1)))
        .run(2, set_where(21, id_is(2)))
        .run(1, Commit{})
        .run(2, Commit{})
        .run(1, select_all());
  for (Isolation level : {rr, serializable})
    Case(all, std::string("G2 (") + to_string(level) + ")", level, 2)
        .begin({1, 2})
        .run(1, select_where(value_mod(3)))
        .run(2, select_where(value_mod(3)))
        .run(1, insert_row(3, 30))
        .run(2, insert_row(4, 42))
        .run(1, Commit{})
        .run(2, Commit{})
        .run(1, select_where(value_mod(3)));
  Case(all, "G2 Fekete et al's read-only anomaly (serializable)", serializable, 3)
      .begin({1})
      .run(1, select_all())
      .begin({2})
      .run(2, add_where(5, id_is(2)))
      .run(2, Commit{})
      .begin({3})
      .run(3, select_all())
      .run(3, Commit{})
      .run(1, set_where(0, id_is(1)))
      .run(1, Rollback{})
      .run(1, select_all());
}

}  // namespace

std::vector<NamedSchedule> hermitage_schedules() {
  std::vector<NamedSchedule> all;
  read_committed_cases(all);
  predicate_cases(all);
  skew_cases(all);
  anti_dependency_cases(all);
  return all;
}

}  // namespace conform
