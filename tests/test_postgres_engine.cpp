// Goal: the simulated PostgreSQL's engine does what PostgreSQL 15 does beyond Hermitage's cases:
// unique-index inserters wait for the first (23505 if it commits, on if it aborts), ON CONFLICT
// decides atomically, SKIP LOCKED and NOWAIT, ORDER BY and LIMIT, deadlocks fail one victim with
// 40P01, advisory locks, autocommit statements, a failed transaction block, and errors with
// PostgreSQL's SQLSTATEs and texts. Row locks and their waiters: test_postgres_row_locks.cpp;
// serializable snapshot isolation: test_postgres_ssi.cpp.
#include "tests/postgres_support.hpp"

using namespace pgtest;

TEST_CASE("A second inserter of a key waits for the first: 23505 if it commits", "[postgres]") {
  Play p;
  p.ok("A", Begin{rc});
  p.ok("B", Begin{rc});
  p.ok("A", insert_row(3, 30));
  CHECK(p.blocks("B", insert_row(3, 31)) == p.session("A"));
  p.ok("A", Commit{});
  Result b = p.resumed_one("B");
  CHECK(b.sqlstate() == "23505");
  CHECK(b.error->message == "duplicate key value violates unique constraint \"test_pkey\"");
  CHECK(b.error->detail == "Key (id)=(3) already exists.");
  CHECK(p.fails("B", select_all(), "25P02").message ==
        "current transaction is aborted, commands ignored until end of transaction block");
  CHECK(p.ok("B", Commit{}).tag == "ROLLBACK");
  CHECK(p.table() == "1=>10 2=>20 3=>30");
}

TEST_CASE("A second inserter of a key waits for the first: it proceeds if the first aborts", "[postgres]") {
  Play p;
  p.ok("A", Begin{rc});
  p.ok("A", insert_row(3, 30));
  p.blocks("B", insert_row(3, 31));  // autocommit
  p.ok("A", Rollback{});
  CHECK(p.resumed_one("B").tag == "INSERT 0 1");
  CHECK(p.table() == "1=>10 2=>20 3=>31");
}

TEST_CASE("ON CONFLICT DO NOTHING returns no row to the loser, DO UPDATE updates atomically", "[postgres]") {
  Play p;
  p.ok("A", Begin{rc});
  p.ok("B", Begin{rc});
  CHECK(p.rows("A", insert_or_nothing(3, 30)) == "3=>30");
  p.blocks("B", insert_or_nothing(3, 31));
  p.ok("A", Commit{});
  Result b = p.resumed_one("B");
  CHECK(b.tag == "INSERT 0 0");
  CHECK(b.rows.empty());
  p.ok("B", Commit{});

  p.ok("A", Begin{rc});
  p.ok("B", Begin{rc});
  CHECK(p.rows("A", upsert(3, 0)) == "3=>31");
  p.blocks("B", upsert(3, 0));
  p.ok("A", Commit{});
  Result upserted = p.resumed_one("B");
  CHECK(upserted.tag == "INSERT 0 1");
  CHECK(show(upserted.rows) == "3=>32");
  p.ok("B", Commit{});
}

TEST_CASE("ON CONFLICT DO UPDATE cannot affect a row twice, and needs a target that is a unique index",
          "[postgres]") {
  Play p;
  Insert twice = upsert(5, 50);
  twice.rows.push_back(Row{5, 51});
  CHECK(p.fails("A", twice, "21000").message == "ON CONFLICT DO UPDATE command cannot affect row a second time");
  Insert no_target = upsert(5, 50);
  no_target.on_conflict->target.clear();
  p.fails("A", no_target, "42601");
  Insert wrong_target = upsert(5, 50);
  wrong_target.on_conflict->target = {"value"};
  p.fails("A", wrong_target, "42P10");
  Insert nothing_twice = insert_or_nothing(5, 50);
  nothing_twice.rows.push_back(Row{5, 51});
  CHECK(p.ok("A", nothing_twice).tag == "INSERT 0 1");
}

TEST_CASE("ON CONFLICT at repeatable read fails with 40001 on a row its snapshot cannot see", "[postgres]") {
  Play p;
  p.ok("A", Begin{rr});
  CHECK(p.rows("A", select_all()) == "1=>10 2=>20");
  p.ok("B", insert_row(3, 30));
  p.fails("A", insert_or_nothing(3, 31), "40001");
}

TEST_CASE("SKIP LOCKED passes over locked rows and NOWAIT fails with 55P03", "[postgres]") {
  Play p;
  p.ok("A", Begin{rc});
  Select first = for_update(where::always(), WaitPolicy::skip_locked);
  first.order_by = {{"id", false}};
  first.limit = 1;
  CHECK(p.rows("A", first) == "1=>10");
  p.ok("B", Begin{rc});
  CHECK(p.rows("B", first) == "2=>20");
  p.ok("C", Begin{rc});
  CHECK(p.rows("C", first).empty());
  Error nowait = p.fails("C", for_update(where::eq("id", 1), WaitPolicy::nowait), "55P03");
  CHECK(nowait.message == "could not obtain lock on row in relation \"test\"");
}

TEST_CASE("ORDER BY with LIMIT returns the first rows of the whole sort, ties in the scan's order", "[postgres]") {
  // 40 rows loaded from id 40 down, value id % 3: many ties, and a heap order that is not the ids'.
  std::vector<Row> rows;
  for (std::int64_t id = 40; id >= 1; --id) rows.push_back(Row{id, id % 3});
  Play p(hermitage_table(), rows);
  auto in_order = [&](const Select& select) { return show(p.ok("A", select).rows); };
  Select by_value = select_all();
  by_value.order_by = {{"value", false}};
  std::string all = in_order(by_value);
  by_value.limit = 3;
  CHECK(in_order(by_value) == "39=>0 36=>0 33=>0");
  CHECK(all.rfind("39=>0 36=>0 33=>0 30=>0 ", 0) == 0);
  by_value.order_by = {{"value", true}, {"id", false}};
  by_value.limit = 2;
  CHECK(in_order(by_value) == "2=>2 5=>2");
}

TEST_CASE("ON CONFLICT DO UPDATE fails on a conflicting row deleted while it waited", "[postgres]") {
  for (Isolation level : {rc, rr}) {
    Play p;
    p.ok("A", Begin{rc});
    p.ok("A", for_update(where::eq("id", 1)));
    p.ok("B", Begin{level});
    p.ok("B", select_all());
    CHECK(p.blocks("B", upsert(1, 99)) == p.session("A"));
    p.ok("A", delete_where(where::eq("id", 1)));
    p.ok("A", Commit{});
    Result b = p.resumed_one("B");
    if (level == rr) {
      CHECK(b.sqlstate() == "40001");
      CHECK(b.error->message == "could not serialize access due to concurrent delete");
    } else {
      CHECK(show(b.rows) == "1=>99");  // READ COMMITTED starts over and inserts
    }
  }
}

// Conformance seed 1050: a tuple lock belongs to one version (its TID), not to the row. A waits
// for no one when C holds the tuple lock of the version A replaced: A's delete of its own new
// version, which B holds FOR KEY SHARE, waits for B alone, and nothing deadlocks.
TEST_CASE("An insert waiting at one unique index has not entered the next", "[postgres]") {
  TableSchema schema{"kv", {{"id", Type::integer}, {"k", Type::integer}, {"value", Type::integer}}, {"id"}, {{"k"}}};
  Play p(schema, {Row{1, 1, 10}, Row{3, 3, 30}});
  p.ok("A", Begin{rc});
  p.ok("A", Update{"kv", {set_value("value", 24)}, where::eq("id", 3), false});
  p.ok("B", Begin{rc});
  CHECK(p.blocks("B", Insert{"kv", {Row{3, 5, 42}}, std::nullopt, false}) == p.session("A"));
  p.ok("A", Insert{"kv", {Row{5, 5, 24}}, std::nullopt, false});
  p.ok("A", Commit{});
  CHECK(p.resumed_one("B").sqlstate() == "23505");
}

// Conformance seed 1926: a SELECT with LIMIT and no ORDER BY stops reading at the limit, so
// SERIALIZABLE takes no SIREAD lock on (and has no conflict out with) the rows past it. Here A
// reads row 1 only; B reads row 1 and writes row 2 and commits; A's write of row 1 then makes
// B -> A but no A -> B, and A commits. Had A read row 2 too, the cycle would fail it.
TEST_CASE("An IN list without LIMIT reads rows in heap order, as a bitmap heap scan does", "[postgres]") {
  Play p;
  p.ok("A", Begin{rc});
  p.ok("A", Delete{"test", where::eq("id", 1), false});
  p.ok("A", insert_row(5, 50));
  p.ok("A", insert_row(1, 11));
  p.ok("A", set_where(21, where::eq("id", 2)));
  Select both{"test", where::in("id", {1, 5}), {}, std::nullopt, std::nullopt};
  CHECK(p.rows_in_order("A", both) == "5=>50 1=>11");
  Select updated{"test", where::in("id", {2, 5}), {}, std::nullopt, std::nullopt};
  CHECK(p.rows_in_order("A", updated) == "2=>21 5=>50");  // 2's chain starts before 5
  Select first{"test", where::in("id", {1, 5}), {}, 2, std::nullopt};
  CHECK(p.rows_in_order("A", first) == "1=>11 5=>50");
  p.ok("A", Commit{});
}

TEST_CASE("A deadlock fails the waiter whose deadlock_timeout finds the cycle, with 40P01", "[postgres]") {
  Play p;
  p.ok("A", Begin{rc});
  p.ok("B", Begin{rc});
  p.ok("A", set_where(11, where::eq("id", 1)));
  p.ok("B", set_where(22, where::eq("id", 2)));
  p.blocks("A", set_where(12, where::eq("id", 2)));
  CHECK_FALSE(p.db.check_deadlock(p.session("A")));  // no cycle yet
  p.blocks("B", set_where(21, where::eq("id", 1)));
  CHECK(p.db.waiting_sessions() == std::vector<SessionId>{p.session("A"), p.session("B")});
  CHECK(p.db.check_deadlock(p.session("B")));
  std::map<std::string, Result> done = p.resumed();
  REQUIRE(done.size() == 2);
  CHECK(done["B"].sqlstate() == "40P01");
  CHECK(done["B"].error->message == "deadlock detected");
  CHECK(done["A"].tag == "UPDATE 1");
  p.ok("A", Commit{});
  CHECK(p.ok("B", Rollback{}).tag == "ROLLBACK");
  CHECK(p.table() == "1=>11 2=>12");
}

TEST_CASE("Advisory locks: session and transaction scope, try and blocking, unlock", "[postgres]") {
  Play p;
  CHECK(p.rows("A", AdvisoryLock{42, AdvisoryScope::session, false, false}) == "''");
  CHECK(p.rows("B", AdvisoryLock{42, AdvisoryScope::session, false, true}) == "false");
  p.ok("B", Begin{rc});
  p.blocks("B", AdvisoryLock{42, AdvisoryScope::transaction, false, false});
  CHECK(p.rows("A", AdvisoryLock{42, AdvisoryScope::session, false, false}) == "''");  // re-entrant
  CHECK(p.rows("A", AdvisoryUnlock{42, false}) == "true");
  CHECK(p.resumed().empty());
  CHECK(p.rows("A", AdvisoryUnlock{42, false}) == "true");
  CHECK(p.resumed_one("B").tag == "SELECT 1");
  Result again = p.ok("A", AdvisoryUnlock{42, false});
  CHECK(show(again.rows) == "false");
  REQUIRE(again.warnings.size() == 1);
  CHECK(again.warnings[0].message == "you don't own a lock of type ExclusiveLock");
  CHECK(p.rows("A", AdvisoryLock{42, AdvisoryScope::session, true, true}) == "false");
  p.ok("B", Commit{});
  CHECK(p.rows("A", AdvisoryLock{42, AdvisoryScope::session, true, true}) == "true");
  CHECK(p.rows("C", AdvisoryLock{42, AdvisoryScope::session, true, true}) == "true");
  p.db.disconnect(p.session("A"));
  CHECK(p.rows("B", AdvisoryLock{42, AdvisoryScope::session, false, true}) == "false");
  p.ok("C", AdvisoryUnlockAll{});
  CHECK(p.rows("B", AdvisoryLock{42, AdvisoryScope::session, false, true}) == "true");
}

TEST_CASE("An autocommit statement that blocks commits when it finishes", "[postgres]") {
  Play p;
  p.ok("A", Begin{rc});
  p.ok("A", set_where(11, where::eq("id", 1)));
  p.blocks("B", add_where(5, where::eq("id", 1)));
  p.ok("A", Commit{});
  CHECK(p.resumed_one("B").tag == "UPDATE 1");
  CHECK(p.table() == "1=>16 2=>20");
}

TEST_CASE("Transaction control warns as PostgreSQL does", "[postgres]") {
  Play p;
  Result commit = p.ok("A", Commit{});
  CHECK(commit.tag == "COMMIT");
  REQUIRE(commit.warnings.size() == 1);
  CHECK(commit.warnings[0].sqlstate == "25P01");
  p.ok("A", Begin{rc});
  Result again = p.ok("A", Begin{rc});
  REQUIRE(again.warnings.size() == 1);
  CHECK(again.warnings[0].message == "there is already a transaction in progress");
}

TEST_CASE("Errors carry PostgreSQL's SQLSTATEs and texts", "[postgres]") {
  Play p;
  CHECK(p.fails("A", Select{"nope", where::always(), {}, std::nullopt, std::nullopt}, "42P01").message ==
        "relation \"nope\" does not exist");
  CHECK(p.fails("A", select_where(where::eq("nope", 1)), "42703").message == "column \"nope\" does not exist");
  CHECK(p.fails("A", insert_row(3, 3'000'000'000), "22003").message == "integer out of range");
  CHECK(p.fails("A", add_where(2'147'483'647, where::eq("id", 1)), "22003").message == "integer out of range");
  Insert null_key{"test", {Row{Null{}, 1}}, std::nullopt, false};
  CHECK(p.fails("A", null_key, "23502").message ==
        "null value in column \"id\" of relation \"test\" violates not-null constraint");
  p.fails("A", select_where(where::modulo("value", 0, CompareOp::eq, 0)), "22012");
  Select negative = select_all();
  negative.limit = -1;
  p.fails("A", negative, "2201W");
  CHECK(p.table() == "1=>10 2=>20");
}

TEST_CASE("A multi-column unique index and ORDER BY with LIMIT", "[postgres]") {
  TableSchema schema{"jobs",
                     {{"id", Type::integer}, {"queue", Type::text}, {"seq", Type::bigint}},
                     {"id"},
                     {{"queue", "seq"}}};
  Play p(schema, {Row{1, std::string("a"), 1}, Row{2, std::string("a"), 2}, Row{3, std::string("b"), 1}});
  Error dup = p.fails("A", Insert{"jobs", {Row{4, std::string("a"), 2}}, std::nullopt, false}, "23505");
  CHECK(dup.message == "duplicate key value violates unique constraint \"jobs_queue_seq_key\"");
  CHECK(dup.detail == "Key (queue, seq)=(a, 2) already exists.");
  Select latest{"jobs", where::eq("queue", std::string("a")), {{"seq", true}}, 1, std::nullopt};
  CHECK(p.rows("A", latest) == "2=>'a',2");
  latest.limit = 3;
  CHECK(p.rows_in_order("A", latest) == "2=>'a',2 1=>'a',1");
  Select either{"jobs", where::any_of({where::eq("queue", std::string("b")), where::gt("seq", 1)}), {}, {}, {}};
  CHECK(p.rows("A", either) == "2=>'a',2 3=>'b',1");
}

TEST_CASE("A sequential scan meets rows in heap order: an updated row's new version comes last", "[postgres]") {
  Play p;
  p.ok("A", set_where(11, where::eq("id", 1)));
  CHECK(p.rows_in_order("A", select_all()) == "2=>20 1=>11");
  CHECK(p.rows_in_order("A", select_where(where::in("id", {2, 1}))) == "1=>11 2=>20");  // the index's order
}

TEST_CASE("Repeatable read: a row deleted under FOR UPDATE is a concurrent update, under UPDATE a concurrent delete",
          "[postgres]") {
  Play p;
  p.ok("A", Begin{rr});
  CHECK(p.rows("A", select_all()) == "1=>10 2=>20");
  p.ok("B", delete_where(where::eq("id", 1)));
  CHECK(p.fails("A", for_update(where::eq("id", 1)), "40001").message ==
        "could not serialize access due to concurrent update");
  p.ok("A", Rollback{});
  p.ok("A", Begin{rr});
  CHECK(p.rows("A", select_all()) == "2=>20");
  p.ok("B", delete_where(where::eq("id", 2)));
  CHECK(p.fails("A", set_where(1, where::eq("id", 2)), "40001").message ==
        "could not serialize access due to concurrent delete");
}

// Checked against PostgreSQL 15.18: with the second wait 0.6 s after the first, the first waiter
// was the victim; with more than deadlock_timeout between them, the second.
TEST_CASE("deadlock_timeout fires once per wait, in the order waiters began: who the victim is depends on when",
          "[postgres]") {
  for (bool cycle_within_timeout : {true, false}) {
    Play p;
    p.ok("A", Begin{rc});
    p.ok("B", Begin{rc});
    p.ok("A", set_where(11, where::eq("id", 1)));
    p.ok("B", set_where(22, where::eq("id", 2)));
    p.blocks("A", set_where(12, where::eq("id", 2)));
    if (!cycle_within_timeout) CHECK(p.db.fire_deadlock_timeouts() == 0);  // A's check runs, no cycle yet
    p.blocks("B", set_where(21, where::eq("id", 1)));
    CHECK(p.db.fire_deadlock_timeouts() == 1);
    std::map<std::string, Result> done = p.resumed();
    const std::string victim = cycle_within_timeout ? "A" : "B", survivor = cycle_within_timeout ? "B" : "A";
    CHECK(done[victim].sqlstate() == "40P01");
    CHECK(done[survivor].tag == "UPDATE 1");
    CHECK(p.db.fire_deadlock_timeouts() == 0);
  }
}

// Conformance seed 611: a READ COMMITTED FOR KEY SHARE that waited for a FOR UPDATE holder who
// then updated the row twice and committed follows the chain to the row's last version and
// re-checks that one: the first update changed the keys (the holder had the row FOR UPDATE), and
// once the lock follows the chain it goes past every committed update, the second one (which kept
// the keys) included. Here the last versions are odd and nothing is returned; stopping at the
// middle version returned (2, 22).
namespace {

/// One story of reads and concurrent updates on a column, told as what each statement answered: with
/// a non-unique index on `value` when `indexed`, by sequential scans otherwise.
std::string value_story(bool indexed) {
  TableSchema schema = hermitage_table();
  if (indexed) schema.indexes = {{"value"}};
  Play p(schema, {Row{1, 10}, Row{2, 20}, Row{3, 10}});
  std::string story;
  auto note = [&](const std::string& line) { story += line + "\n"; };
  p.ok("A", Begin{rc});
  p.ok("A", set_where(11, where::eq("id", 1)));  // row 1 leaves value 10, not yet committed
  note("B sees " + p.rows_in_order("B", select_where(where::eq("value", 10))));
  p.blocks("B", set_where(12, where::eq("value", 10)));  // waits for row 1's updater
  p.ok("A", Commit{});
  note("B " + p.resumed_one("B").tag);  // row 1 re-checked on its new version: no longer 10
  note("after " + p.rows_in_order("C", select_where(where::in("value", {std::int64_t{11}, std::int64_t{12}}))));
  note("tens " + p.rows_in_order("C", select_where(where::eq("value", 10))));
  note(p.ok("C", insert_row(4, 12)).tag);  // a non-unique index takes a second 12
  note("twelves " + p.rows_in_order("C", select_where(where::eq("value", 12))));
  return story;
}

}  // namespace

TEST_CASE("a non-unique index finds what a sequential scan finds, in the same order, under concurrent updates",
          "[postgres]") {
  std::string scanned = value_story(false);
  CHECK(scanned == "B sees 1=>10 3=>10\nB UPDATE 1\nafter 1=>11 3=>12\ntens \nINSERT 0 1\ntwelves 3=>12 4=>12\n");
  CHECK(value_story(true) == scanned);
}
