// Goal: every PostgreSQL case of Kleppmann's Hermitage suite (ept/hermitage, postgres.md) holds
// in the simulated PostgreSQL statement by statement, at the isolation level the case names:
// which statement blocks, what each SELECT returns, which statement fails with which SQLSTATE.
// Each case starts from Hermitage's setup: test (id int primary key, value int) with (1, 10)
// and (2, 20).
#include "tests/postgres_support.hpp"

using namespace pgtest;

namespace {

const Isolation serializable = Isolation::serializable;
const std::string rw_message = "could not serialize access due to read/write dependencies among transactions";

void begin(Play& p, Isolation level, std::initializer_list<const char*> who) {
  for (const char* t : who) CHECK(p.ok(t, Begin{level}).tag == "BEGIN");
}

}  // namespace

TEST_CASE("Hermitage G0: read committed prevents write cycles by locking updated rows", "[hermitage]") {
  Play p;
  begin(p, rc, {"T1", "T2"});
  p.ok("T1", set_where(11, where::eq("id", 1)));
  CHECK(p.blocks("T2", set_where(12, where::eq("id", 1))) == p.session("T1"));
  p.ok("T1", set_where(21, where::eq("id", 2)));
  p.ok("T1", Commit{});
  CHECK(p.resumed_one("T2").tag == "UPDATE 1");
  CHECK(p.rows("T1", select_all()) == "1=>11 2=>21");
  p.ok("T2", set_where(22, where::eq("id", 2)));
  p.ok("T2", Commit{});
  CHECK(p.rows("T1", select_all()) == "1=>12 2=>22");
  CHECK(p.rows("T2", select_all()) == "1=>12 2=>22");
}

TEST_CASE("Hermitage G1a: read committed prevents aborted reads", "[hermitage]") {
  Play p;
  begin(p, rc, {"T1", "T2"});
  p.ok("T1", set_where(101, where::eq("id", 1)));
  CHECK(p.rows("T2", select_all()) == "1=>10 2=>20");
  p.ok("T1", Rollback{});
  CHECK(p.rows("T2", select_all()) == "1=>10 2=>20");
  p.ok("T2", Commit{});
}

TEST_CASE("Hermitage G1b: read committed prevents intermediate reads", "[hermitage]") {
  Play p;
  begin(p, rc, {"T1", "T2"});
  p.ok("T1", set_where(101, where::eq("id", 1)));
  CHECK(p.rows("T2", select_all()) == "1=>10 2=>20");
  p.ok("T1", set_where(11, where::eq("id", 1)));
  p.ok("T1", Commit{});
  CHECK(p.rows("T2", select_all()) == "1=>11 2=>20");
  p.ok("T2", Commit{});
}

TEST_CASE("Hermitage G1c: read committed prevents circular information flow", "[hermitage]") {
  Play p;
  begin(p, rc, {"T1", "T2"});
  p.ok("T1", set_where(11, where::eq("id", 1)));
  p.ok("T2", set_where(22, where::eq("id", 2)));
  CHECK(p.rows("T1", select_where(where::eq("id", 2))) == "2=>20");
  CHECK(p.rows("T2", select_where(where::eq("id", 1))) == "1=>10");
  p.ok("T1", Commit{});
  p.ok("T2", Commit{});
}

TEST_CASE("Hermitage OTV: read committed prevents observed transaction vanishes", "[hermitage]") {
  Play p;
  begin(p, rc, {"T1", "T2", "T3"});
  p.ok("T1", set_where(11, where::eq("id", 1)));
  p.ok("T1", set_where(19, where::eq("id", 2)));
  p.blocks("T2", set_where(12, where::eq("id", 1)));
  p.ok("T1", Commit{});
  CHECK(p.resumed_one("T2").tag == "UPDATE 1");
  CHECK(p.rows("T3", select_where(where::eq("id", 1))) == "1=>11");
  p.ok("T2", set_where(18, where::eq("id", 2)));
  CHECK(p.rows("T3", select_where(where::eq("id", 2))) == "2=>19");
  p.ok("T2", Commit{});
  CHECK(p.rows("T3", select_where(where::eq("id", 2))) == "2=>18");
  CHECK(p.rows("T3", select_where(where::eq("id", 1))) == "1=>12");
  p.ok("T3", Commit{});
}

TEST_CASE("Hermitage PMP: read committed does not prevent predicate-many-preceders", "[hermitage]") {
  Play p;
  begin(p, rc, {"T1", "T2"});
  CHECK(p.rows("T1", select_where(where::eq("value", 30))).empty());
  p.ok("T2", insert_row(3, 30));
  p.ok("T2", Commit{});
  CHECK(p.rows("T1", select_where(where::modulo("value", 3, CompareOp::eq, 0))) == "3=>30");
  p.ok("T1", Commit{});
}

TEST_CASE("Hermitage PMP: repeatable read prevents predicate-many-preceders", "[hermitage]") {
  Play p;
  begin(p, rr, {"T1", "T2"});
  CHECK(p.rows("T1", select_where(where::eq("value", 30))).empty());
  p.ok("T2", insert_row(3, 30));
  p.ok("T2", Commit{});
  CHECK(p.rows("T1", select_where(where::modulo("value", 3, CompareOp::eq, 0))).empty());
  p.ok("T1", Commit{});
}

TEST_CASE("Hermitage PMP for write predicates: read committed re-checks the newest version", "[hermitage]") {
  Play p;
  begin(p, rc, {"T1", "T2"});
  p.ok("T1", add_where(10, where::always()));
  p.blocks("T2", delete_where(where::eq("value", 20)));
  p.ok("T1", Commit{});
  CHECK(p.resumed_one("T2").tag == "DELETE 0");
  CHECK(p.rows("T2", select_where(where::eq("value", 20))) == "1=>20");
  p.ok("T2", Commit{});
}

TEST_CASE("Hermitage PMP for write predicates: repeatable read fails the blocked delete", "[hermitage]") {
  Play p;
  begin(p, rr, {"T1", "T2"});
  p.ok("T1", add_where(10, where::always()));
  p.blocks("T2", delete_where(where::eq("value", 20)));
  p.ok("T1", Commit{});
  Result t2 = p.resumed_one("T2");
  CHECK(t2.sqlstate() == "40001");
  CHECK(t2.error->message == "could not serialize access due to concurrent update");
  CHECK(p.ok("T2", Rollback{}).tag == "ROLLBACK");
}

TEST_CASE("Hermitage P4: read committed does not prevent lost update", "[hermitage]") {
  Play p;
  begin(p, rc, {"T1", "T2"});
  CHECK(p.rows("T1", select_where(where::eq("id", 1))) == "1=>10");
  CHECK(p.rows("T2", select_where(where::eq("id", 1))) == "1=>10");
  p.ok("T1", set_where(11, where::eq("id", 1)));
  p.blocks("T2", set_where(11, where::eq("id", 1)));
  p.ok("T1", Commit{});
  CHECK(p.resumed_one("T2").tag == "UPDATE 1");
  p.ok("T2", Commit{});
}

TEST_CASE("Hermitage P4: repeatable read prevents lost update", "[hermitage]") {
  Play p;
  begin(p, rr, {"T1", "T2"});
  CHECK(p.rows("T1", select_where(where::eq("id", 1))) == "1=>10");
  CHECK(p.rows("T2", select_where(where::eq("id", 1))) == "1=>10");
  p.ok("T1", set_where(11, where::eq("id", 1)));
  p.blocks("T2", set_where(11, where::eq("id", 1)));
  p.ok("T1", Commit{});
  Result t2 = p.resumed_one("T2");
  CHECK(t2.sqlstate() == "40001");
  CHECK(t2.error->message == "could not serialize access due to concurrent update");
  p.ok("T2", Rollback{});
}

TEST_CASE("Hermitage G-single: read committed does not prevent read skew", "[hermitage]") {
  Play p;
  begin(p, rc, {"T1", "T2"});
  CHECK(p.rows("T1", select_where(where::eq("id", 1))) == "1=>10");
  CHECK(p.rows("T2", select_where(where::eq("id", 1))) == "1=>10");
  CHECK(p.rows("T2", select_where(where::eq("id", 2))) == "2=>20");
  p.ok("T2", set_where(12, where::eq("id", 1)));
  p.ok("T2", set_where(18, where::eq("id", 2)));
  p.ok("T2", Commit{});
  CHECK(p.rows("T1", select_where(where::eq("id", 2))) == "2=>18");
  p.ok("T1", Commit{});
}

TEST_CASE("Hermitage G-single: repeatable read prevents read skew", "[hermitage]") {
  Play p;
  begin(p, rr, {"T1", "T2"});
  CHECK(p.rows("T1", select_where(where::eq("id", 1))) == "1=>10");
  CHECK(p.rows("T2", select_where(where::eq("id", 1))) == "1=>10");
  CHECK(p.rows("T2", select_where(where::eq("id", 2))) == "2=>20");
  p.ok("T2", set_where(12, where::eq("id", 1)));
  p.ok("T2", set_where(18, where::eq("id", 2)));
  p.ok("T2", Commit{});
  CHECK(p.rows("T1", select_where(where::eq("id", 2))) == "2=>20");
  p.ok("T1", Commit{});
}

TEST_CASE("Hermitage G-single: repeatable read prevents read skew through predicate dependencies", "[hermitage]") {
  Play p;
  begin(p, rr, {"T1", "T2"});
  CHECK(p.rows("T1", select_where(where::modulo("value", 5, CompareOp::eq, 0))) == "1=>10 2=>20");
  p.ok("T2", set_where(12, where::eq("value", 10)));
  p.ok("T2", Commit{});
  CHECK(p.rows("T1", select_where(where::modulo("value", 3, CompareOp::eq, 0))).empty());
  p.ok("T1", Commit{});
}

TEST_CASE("Hermitage G-single: repeatable read prevents read skew through a write predicate", "[hermitage]") {
  Play p;
  begin(p, rr, {"T1", "T2"});
  CHECK(p.rows("T1", select_where(where::eq("id", 1))) == "1=>10");
  CHECK(p.rows("T2", select_all()) == "1=>10 2=>20");
  p.ok("T2", set_where(12, where::eq("id", 1)));
  p.ok("T2", set_where(18, where::eq("id", 2)));
  p.ok("T2", Commit{});
  Error error = p.fails("T1", delete_where(where::eq("value", 20)), "40001");
  CHECK(error.message == "could not serialize access due to concurrent update");
  p.ok("T1", Rollback{});
}

TEST_CASE("Hermitage G2-item: repeatable read does not prevent write skew", "[hermitage]") {
  Play p;
  begin(p, rr, {"T1", "T2"});
  CHECK(p.rows("T1", select_where(where::in("id", {1, 2}))) == "1=>10 2=>20");
  CHECK(p.rows("T2", select_where(where::in("id", {1, 2}))) == "1=>10 2=>20");
  p.ok("T1", set_where(11, where::eq("id", 1)));
  p.ok("T2", set_where(21, where::eq("id", 2)));
  p.ok("T1", Commit{});
  p.ok("T2", Commit{});
  CHECK(p.rows("T1", select_all()) == "1=>11 2=>21");
}

TEST_CASE("Hermitage G2-item: serializable prevents write skew", "[hermitage]") {
  Play p;
  begin(p, serializable, {"T1", "T2"});
  CHECK(p.rows("T1", select_where(where::in("id", {1, 2}))) == "1=>10 2=>20");
  CHECK(p.rows("T2", select_where(where::in("id", {1, 2}))) == "1=>10 2=>20");
  p.ok("T1", set_where(11, where::eq("id", 1)));
  p.ok("T2", set_where(21, where::eq("id", 2)));
  p.ok("T1", Commit{});
  CHECK(p.fails("T2", Commit{}, "40001").message == rw_message);
  CHECK(p.rows("T1", select_all()) == "1=>11 2=>20");
}

TEST_CASE("Hermitage G2: repeatable read does not prevent anti-dependency cycles", "[hermitage]") {
  Play p;
  begin(p, rr, {"T1", "T2"});
  CHECK(p.rows("T1", select_where(where::modulo("value", 3, CompareOp::eq, 0))).empty());
  CHECK(p.rows("T2", select_where(where::modulo("value", 3, CompareOp::eq, 0))).empty());
  p.ok("T1", insert_row(3, 30));
  p.ok("T2", insert_row(4, 42));
  p.ok("T1", Commit{});
  p.ok("T2", Commit{});
  CHECK(p.rows("T1", select_where(where::modulo("value", 3, CompareOp::eq, 0))) == "3=>30 4=>42");
}

TEST_CASE("Hermitage G2: serializable prevents anti-dependency cycles", "[hermitage]") {
  Play p;
  begin(p, serializable, {"T1", "T2"});
  CHECK(p.rows("T1", select_where(where::modulo("value", 3, CompareOp::eq, 0))).empty());
  CHECK(p.rows("T2", select_where(where::modulo("value", 3, CompareOp::eq, 0))).empty());
  p.ok("T1", insert_row(3, 30));
  p.ok("T2", insert_row(4, 42));
  p.ok("T1", Commit{});
  CHECK(p.fails("T2", Commit{}, "40001").message == rw_message);
  CHECK(p.rows("T1", select_where(where::modulo("value", 3, CompareOp::eq, 0))) == "3=>30");
}

TEST_CASE("Hermitage G2: serializable prevents Fekete et al's read-only anomaly", "[hermitage]") {
  Play p;
  begin(p, serializable, {"T1"});
  CHECK(p.rows("T1", select_all()) == "1=>10 2=>20");
  begin(p, serializable, {"T2"});
  p.ok("T2", add_where(5, where::eq("id", 2)));
  p.ok("T2", Commit{});
  begin(p, serializable, {"T3"});
  CHECK(p.rows("T3", select_all()) == "1=>10 2=>25");
  p.ok("T3", Commit{});
  CHECK(p.fails("T1", set_where(0, where::eq("id", 1)), "40001").message == rw_message);
  p.ok("T1", Rollback{});
  CHECK(p.rows("T1", select_all()) == "1=>10 2=>25");
}
