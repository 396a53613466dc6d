// Goal: the simulated PostgreSQL's row locks do what PostgreSQL 15's do: the four strengths conflict
// as its table says, waiters for a row queue behind the first waiter's tuple lock and go in turn, a
// waiter follows the update chain (with or without the tuple lock), FOR KEY SHARE passes a key-keeping
// update, writers wait for lockers in MultiXact member order, and READ COMMITTED's re-check keeps or
// releases what it locked.
#include "tests/postgres_support.hpp"

using namespace pgtest;

TEST_CASE("Row lock strengths conflict as PostgreSQL's table says", "[postgres]") {
  Play p;
  p.ok("A", Begin{rc});
  p.ok("A", for_update(where::eq("id", 1), WaitPolicy::wait, LockStrength::share));
  p.ok("B", Begin{rc});
  p.ok("B", for_update(where::eq("id", 1), WaitPolicy::wait, LockStrength::share));
  p.ok("B", for_update(where::eq("id", 1), WaitPolicy::wait, LockStrength::key_share));
  p.blocks("C", set_where(11, where::eq("id", 1)));  // FOR NO KEY UPDATE against two FOR SHARE
  p.ok("A", Commit{});
  CHECK(p.resumed().empty());
  p.ok("B", Commit{});
  CHECK(p.resumed_one("C").tag == "UPDATE 1");
  p.ok("D", Begin{rc});
  p.ok("D", for_update(where::eq("id", 2), WaitPolicy::wait, LockStrength::key_share));
  p.ok("E", set_where(21, where::eq("id", 2)));  // FOR NO KEY UPDATE passes FOR KEY SHARE
  p.blocks("E", Update{"test", {set_value("id", 7)}, where::eq("id", 2), false});  // a key change does not
  p.ok("D", Rollback{});
  CHECK(p.resumed_one("E").tag == "UPDATE 1");
  CHECK(p.table() == "1=>11 7=>21");
}

TEST_CASE("Waiters for one row queue behind the first waiter's tuple lock and go in turn", "[postgres]") {
  Play p;
  p.ok("A", Begin{rc});
  p.ok("A", add_where(1, where::eq("id", 1)));
  p.ok("B", Begin{rc});
  CHECK(p.blocks("B", add_where(10, where::eq("id", 1))) == p.session("A"));
  p.ok("C", Begin{rc});
  CHECK(p.blocks("C", add_where(100, where::eq("id", 1))) == p.session("B"));  // B holds the tuple lock
  p.ok("A", Commit{});
  CHECK(p.resumed_one("B").tag == "UPDATE 1");
  CHECK(p.db.blocked(p.session("C")));
  CHECK(*p.db.blocked_by(p.session("C")) == p.session("B"));
  p.ok("B", Commit{});
  CHECK(p.resumed_one("C").tag == "UPDATE 1");
  p.ok("C", Commit{});
  CHECK(p.table() == "1=>121 2=>20");
}

// Conformance seeds 69 and 329: a waiter woken past a committed update follows the row's chain
// and fetches the next version with a dirty snapshot (heapam_tuple_lock's FIND_LAST_VERSION
// loop); an update of it in progress is waited for without the tuple lock. A newcomer whose
// snapshot sees that version takes its tuple lock and waits for the same updater, whose commit
// wakes both: which updates the row first is the server's scheduler's choice.
TEST_CASE("A waiter that followed the update chain waits for an updater without the tuple lock", "[postgres]") {
  Play p;
  p.ok("A", Begin{rc});
  p.ok("A", add_where(1, where::eq("id", 1)));
  p.ok("B", Begin{rc});
  CHECK(p.blocks("B", add_where(10, where::eq("id", 1))) == p.session("A"));
  p.ok("C", Begin{rc});
  CHECK(p.blocks("C", add_where(100, where::eq("id", 1))) == p.session("B"));  // behind B's tuple lock
  p.ok("A", Commit{});
  CHECK(p.resumed_one("B").tag == "UPDATE 1");
  CHECK(*p.db.blocked_by(p.session("C")) == p.session("B"));  // at B's version, for B, no tuple lock
  p.ok("D", Begin{rc});
  CHECK(p.blocks("D", add_where(1000, where::eq("id", 1))) == p.session("B"));  // not queued behind C
  const auto& offered = p.prefer("D");  // D whenever it can go
  p.ok("B", Commit{});
  REQUIRE_FALSE(offered.empty());
  CHECK(offered.front() == std::vector<SessionId>{p.session("C"), p.session("D")});
  CHECK(p.resumed_one("D").tag == "UPDATE 1");  // picked first
  CHECK(*p.db.blocked_by(p.session("C")) == p.session("D"));
  p.ok("D", Commit{});
  CHECK(p.resumed_one("C").tag == "UPDATE 1");
  p.ok("C", Commit{});
  CHECK(p.table() == "1=>1121 2=>20");
}

// Conformance seeds 395 and 917: a waiter woken holding a row's tuple lock that finds the row
// updated lets the tuple lock go before it follows the chain (heap_update returns TM_Updated),
// so the next waiter in the lock's queue wakes with it and may reach the new version first.
TEST_CASE("A waiter woken to a changed row lets the tuple lock go before it follows the chain", "[postgres]") {
  Play p;
  p.ok("A", Begin{rc});
  p.ok("A", add_where(1, where::eq("id", 1)));
  p.ok("B", Begin{rc});
  CHECK(p.blocks("B", add_where(10, where::eq("id", 1))) == p.session("A"));
  p.ok("C", Begin{rc});
  CHECK(p.blocks("C", delete_where(where::eq("id", 1))) == p.session("B"));  // behind B's tuple lock
  const auto& offered = p.prefer("C");  // C whenever it can go
  p.ok("A", Commit{});
  REQUIRE_FALSE(offered.empty());
  CHECK(offered.front() == std::vector<SessionId>{p.session("B"), p.session("C")});
  CHECK(p.resumed_one("C").tag == "DELETE 1");  // picked first
  CHECK(*p.db.blocked_by(p.session("B")) == p.session("C"));
  p.ok("C", Commit{});
  CHECK(p.resumed_one("B").tag == "UPDATE 0");
  p.ok("B", Commit{});
  CHECK(p.table() == "2=>20");
}

// Conformance seed 1347: the tuple lock is a heavyweight lock in a mode that follows the strength
// wanted (tupleLockExtraInfo), so FOR KEY SHARE and an update that keeps the keys hold it
// together and both wait for the row's holder, whose commit wakes both in an order the server
// does not fix. When the update goes first, FOR KEY SHARE follows the chain and waits for it.
TEST_CASE("Waiters whose strengths do not conflict hold a row's tuple lock together", "[postgres]") {
  Play p;
  p.ok("A", Begin{rc});
  p.ok("A", for_update(where::eq("id", 1)));
  p.ok("B", Begin{rc});
  CHECK(p.blocks("B", for_update(where::eq("id", 1), WaitPolicy::wait, LockStrength::key_share)) == p.session("A"));
  p.ok("C", Begin{rc});
  CHECK(p.blocks("C", add_where(10, where::eq("id", 1))) == p.session("A"));  // not behind B
  p.ok("D", Begin{rc});
  CHECK(p.blocks("D", delete_where(where::eq("id", 1))) == p.session("B"));  // behind both
  p.ok("A", add_where(1, where::eq("id", 1)));
  const auto& offered = p.prefer("C");  // C whenever it can go
  p.ok("A", Commit{});
  REQUIRE_FALSE(offered.empty());
  CHECK(offered.front() == std::vector<SessionId>{p.session("B"), p.session("C")});
  CHECK(p.resumed_one("C").tag == "UPDATE 1");  // picked first
  CHECK(*p.db.blocked_by(p.session("B")) == p.session("C"));
  CHECK(*p.db.blocked_by(p.session("D")) == p.session("C"));
  p.db.set_resume_chooser({});
  p.ok("C", Commit{});
  CHECK(show(p.resumed_one("B").rows) == "1=>21");
  CHECK(*p.db.blocked_by(p.session("D")) == p.session("B"));
  p.ok("B", Commit{});
  CHECK(p.resumed_one("D").tag == "DELETE 1");
  p.ok("D", Commit{});
  CHECK(p.table() == "2=>20");
}

// Conformance seed 124: a session that holds FOR KEY SHARE on a row and then updates it waits for
// the FOR SHARE holder without the row's tuple lock (heap_update's current_is_member), so a later
// updater takes the tuple lock instead of queueing behind it; when the share lock goes, either
// may update the row first.
TEST_CASE("A waiter that already holds a weaker lock on the row waits without its tuple lock", "[postgres]") {
  Play p;
  p.ok("A", Begin{rc});
  p.ok("A", for_update(where::eq("id", 1), WaitPolicy::wait, LockStrength::share));
  p.ok("B", Begin{rc});
  p.ok("B", for_update(where::eq("id", 1), WaitPolicy::wait, LockStrength::key_share));
  CHECK(p.blocks("B", add_where(5, where::eq("id", 1))) == p.session("A"));
  p.ok("C", Begin{rc});
  // C waits for A, not behind B: B took no tuple lock.
  CHECK(p.blocks("C", add_where(100, where::eq("id", 1))) == p.session("A"));
  p.ok("A", Commit{});
  // B began waiting first and goes first here; C then waits for B's update.
  CHECK(p.resumed_one("B").tag == "UPDATE 1");
  CHECK(*p.db.blocked_by(p.session("C")) == p.session("B"));
  p.ok("B", Commit{});
  CHECK(p.resumed_one("C").tag == "UPDATE 1");
  p.ok("C", Commit{});
  CHECK(p.table() == "1=>115 2=>20");
}

// Conformance seeds 263 and 314: FOR KEY SHARE follows a row's update chain. An update that kept
// the key lets it through, but a later version deleted by a committed transaction fails it (40001
// in a transaction snapshot), and one deleted by a running transaction makes it wait, NOWAIT or
// not; once the deleter commits, READ COMMITTED finds the row gone.
TEST_CASE("FOR KEY SHARE follows the update chain to a deletion", "[postgres]") {
  Select key_share = for_update(where::eq("id", 1), WaitPolicy::nowait, LockStrength::key_share);
  {
    Play p;
    p.ok("A", Begin{rr});
    p.ok("B", Begin{rr});
    p.ok("B", select_all());  // B's snapshot
    p.ok("A", add_where(5, where::eq("id", 1)));
    p.ok("A", delete_where(where::eq("id", 1)));
    p.ok("A", Commit{});
    p.fails("B", key_share, "40001");
  }
  {
    Play p;
    p.ok("A", Begin{rr});
    p.ok("B", Begin{rr});
    p.ok("B", select_all());
    p.ok("A", add_where(5, where::eq("id", 1)));  // the key kept: B's lock alone would pass
    p.ok("A", Commit{});
    CHECK(p.rows("B", key_share) == "1=>10");
  }
  {
    Play p;
    p.ok("A", Begin{rc});
    p.ok("A", add_where(5, where::eq("id", 1)));
    p.ok("A", delete_where(where::eq("id", 1)));
    p.ok("B", Begin{rc});
    CHECK(p.blocks("B", key_share) == p.session("A"));  // waits despite NOWAIT
    p.ok("A", Commit{});
    CHECK(p.resumed_one("B").rows.empty());
  }
}

// Conformance seed 479: a writer waits for a row's lockers in the order they locked it, as
// MultiXactIdWait goes through a MultiXact's members, whatever order their transactions began in.
TEST_CASE("A writer waits for a row's lockers in the order they locked it", "[postgres]") {
  Select key_share = for_update(where::eq("id", 1), WaitPolicy::wait, LockStrength::key_share);
  Play p;
  p.ok("B", Begin{rc});
  p.ok("B", select_all());
  p.ok("C", Begin{rc});
  p.ok("C", key_share);  // C locks first although B began first
  p.ok("B", key_share);
  p.ok("A", Begin{rc});
  CHECK(p.blocks("A", delete_where(where::eq("id", 1))) == p.session("C"));
  p.ok("C", Commit{});
  CHECK(*p.db.blocked_by(p.session("A")) == p.session("B"));
  p.ok("B", Commit{});
  CHECK(p.resumed_one("A").tag == "DELETE 1");
}

// Conformance seed 3607: a locker that came before the row's updater is waited for first, as the
// MultiXact lists it first; the updater only after it (a deadlock through the updater shows
// only once the locker has ended).
TEST_CASE("A writer waits for a locker that came before the updater, then for the updater", "[postgres]") {
  Play p;
  p.ok("C", Begin{rc});
  p.ok("C", for_update(where::eq("id", 1), WaitPolicy::wait, LockStrength::key_share));
  p.ok("A", Begin{rc});
  p.ok("A", add_where(5, where::eq("id", 1)));  // keeps the key: passes C's FOR KEY SHARE
  p.ok("B", Begin{rc});
  CHECK(p.blocks("B", delete_where(where::eq("id", 1))) == p.session("C"));
  p.ok("C", Commit{});
  CHECK(*p.db.blocked_by(p.session("B")) == p.session("A"));
  p.ok("A", Commit{});
  CHECK(p.resumed_one("B").tag == "DELETE 1");
}

// Conformance seed 2381: FOR KEY SHARE passes an update in progress that kept the key, but not a
// lock on the version that update made: the updater had locked its new version FOR UPDATE, so
// the newcomer waits for it (heap_lock_updated_tuple tests each later version's lockers too), and
// then locks the version it saw.
TEST_CASE("FOR KEY SHARE waits for a FOR UPDATE lock on the version an update made", "[postgres]") {
  Select key_share = for_update(where::eq("id", 1), WaitPolicy::wait, LockStrength::key_share);
  Play p;
  p.ok("A", Begin{rc});
  p.ok("A", add_where(5, where::eq("id", 1)));
  p.ok("A", for_update(where::eq("id", 1)));  // its own new version, FOR UPDATE
  p.ok("B", Begin{rc});
  CHECK(p.blocks("B", key_share) == p.session("A"));
  p.ok("A", Commit{});
  CHECK(show(p.resumed_one("B").rows) == "1=>10");
}

// Conformance seed 574: an update by a transaction that held the row FOR UPDATE marks the key
// as updated (the stronger lock is kept), so a FOR KEY SHARE waiter that wakes after its commit
// follows to the new version in READ COMMITTED instead of locking the one it saw.
TEST_CASE("An update made under the updater's own FOR UPDATE lock stops FOR KEY SHARE", "[postgres]") {
  Play p;
  p.ok("A", Begin{rc});
  p.ok("A", for_update(where::eq("id", 1)));
  p.ok("B", Begin{rc});
  CHECK(p.blocks("B", for_update(where::eq("id", 1), WaitPolicy::wait, LockStrength::key_share)) == p.session("A"));
  p.ok("A", add_where(8, where::eq("id", 1)));
  p.ok("A", Commit{});
  CHECK(show(p.resumed_one("B").rows) == "1=>18");
}

// Conformance seed 779: ON CONFLICT DO UPDATE that waited to lock the conflicting row fails with
// 40001 in a transaction snapshot when that row was deleted meanwhile, instead of inserting anew.
TEST_CASE("Tuple locks belong to versions: a row's new version is not queued behind its old one", "[postgres]") {
  Play p;
  p.ok("A", Begin{rc});
  p.ok("A", add_where(1, where::eq("id", 1)));
  p.ok("B", Begin{rc});
  p.ok("B", for_update(where::eq("id", 1), WaitPolicy::wait, LockStrength::key_share));  // both versions
  p.ok("C", Begin{rc});
  CHECK(p.blocks("C", add_where(100, where::eq("id", 1))) == p.session("A"));  // C: the old version's lock
  CHECK(p.blocks("A", delete_where(where::eq("id", 1))) == p.session("B"));
  CHECK(p.db.fire_deadlock_timeouts() == 0);
  p.ok("B", Commit{});
  CHECK(p.resumed_one("A").tag == "DELETE 1");
  p.ok("A", Commit{});
  CHECK(p.resumed_one("C").tag == "UPDATE 0");
  CHECK(p.table() == "2=>20");
}

// Conformance seed 1098: an insert enters its unique indexes one at a time, each after its check
// (_bt_doinsert). While B's insert waits at the primary key, its k is in no index yet, so A's
// insert of the same k goes through; B then fails on the primary key.
TEST_CASE("READ COMMITTED keeps the lock on a row whose re-check fails", "[postgres]") {
  Play p;
  p.ok("A", Begin{rc});
  p.ok("A", set_where(15, where::eq("id", 1)));
  p.ok("B", Begin{rc});
  p.blocks("B", for_update(where::eq("value", 10)));
  p.ok("A", Commit{});
  Result b = p.resumed_one("B");
  CHECK(b.tag == "SELECT 0");
  p.blocks("C", set_where(16, where::eq("id", 1)));  // B still holds the row it re-checked
  p.ok("B", Commit{});
  CHECK(p.resumed_one("C").tag == "UPDATE 1");
}

// Conformance seed 389: a delete leaves no forward link (heap_delete points the tuple's t_ctid
// at itself), so a READ COMMITTED waiter woken by the deleter's commit finds the row gone. Here
// the row had been updated by a transaction that rolled back; the waiter must not follow that
// dead update to the version it made, and lock and return a value that never committed.
TEST_CASE("A row deleted after an update that rolled back is gone for the waiter the delete woke", "[postgres]") {
  Play p;
  p.ok("A", Begin{rc});
  p.ok("A", set_where(11, where::eq("id", 1)));
  p.ok("A", Rollback{});
  p.ok("B", Begin{rc});
  p.ok("B", Delete{"test", where::eq("id", 1), false});
  p.ok("C", Begin{rc});
  p.blocks("C", for_update(where::eq("id", 1)));
  p.ok("B", Commit{});
  std::map<std::string, Result> done = p.resumed();
  REQUIRE(done.count("C") == 1);
  CHECK(done["C"].ok());
  CHECK(show(done["C"].rows).empty());
  p.ok("C", Commit{});
  CHECK(p.table() == "2=>20");
}

// Conformance seed 1925: `id IN (1, 5)` with no LIMIT is a bitmap heap scan, which returns (and
// locks) rows in heap order: where each row's index entry points, the first version of its HOT
// chain. A row re-inserted after a delete is a new chain at the heap's end; a row whose value was
// updated stays where it was. With a LIMIT the planner takes an index scan, in key order.
TEST_CASE("FOR KEY SHARE woken past a key-changing update re-checks the row's last version", "[postgres]") {
  Play p(hermitage_table(), {Row{1, 10}, Row{2, 20}, Row{3, 30}});
  p.ok("T2", Begin{rc});
  p.ok("T3", Begin{rc});
  p.ok("T2",
       Select{
           "test", where::ge("value", 0), {}, std::nullopt, RowLocking{LockStrength::update, WaitPolicy::skip_locked}});
  Select ks{"test",
            where::modulo("value", 2, CompareOp::eq, 0),
            {{"id", false}},
            1,
            RowLocking{LockStrength::key_share, WaitPolicy::wait}};
  p.blocks("T3", ks);
  Update u1{"test", {set_add("value", 2)}, where::in("id", {2, 2}), false};
  p.ok("T2", u1);
  Update u2{"test", {set_add("value", 3)}, where::ge("value", 0), false};
  p.ok("T2", u2);
  p.ok("T2", Commit{});
  auto done = p.resumed();
  REQUIRE(done.count("T3"));
  CHECK(show(done["T3"].rows) == "");
}
