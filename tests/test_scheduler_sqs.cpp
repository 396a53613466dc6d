// Goal: the scheduler's SQS-like ready queue does what SQS documents, on its own: visibility taken
// at receive and a new receipt handle each time, stale deletes (SQS's and fenced), dead letters,
// the seed's calls by task id, cancellation, the depth counts, retention in the queue and its
// dead-letter queue, and FIFO queues' deduplication, message groups and DLQ clock.
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "models/scheduler/sqs.hpp"

using namespace scheduler;
using sim::Duration;

namespace {

sim::MonoTime mono_s(std::int64_t s) { return sim::MonoTime::boot() + Duration::seconds(s); }

}  // namespace

TEST_CASE("the SQS-like queue hides a message at receive and hands a new receipt handle each time", "[scheduler]") {
  SqsQueue q(QueueOptions{});
  q.send("task-1", mono_s(0), Duration::zero());
  std::optional<Received> first = q.receive(mono_s(1), Duration::seconds(30));
  REQUIRE(first);
  CHECK(first->receives == 1);
  CHECK_FALSE(q.receive(mono_s(30), std::nullopt));  // hidden until 31 s
  std::optional<Received> second = q.receive(mono_s(31), std::nullopt);
  REQUIRE(second);
  CHECK(second->handle != first->handle);
  CHECK(second->receives == 2);
  // The old handle cannot extend the visibility: the message is no longer in flight for it.
  CHECK_FALSE(q.change_visibility(first->handle, mono_s(32), Duration::seconds(60)).ok);
  CHECK(q.change_visibility(second->handle, mono_s(32), Duration::seconds(60)).ok);
  CHECK_FALSE(q.receive(mono_s(91), std::nullopt));
  CHECK(q.receive(mono_s(92), std::nullopt));
}

TEST_CASE("deleting with an old receipt handle succeeds and deletes under SQS, and is refused when fenced",
          "[scheduler]") {
  for (StaleHandles rule : {StaleHandles::sqs, StaleHandles::refused}) {
    QueueOptions options;
    options.stale_handles = rule;
    SqsQueue q(options);
    q.send("task-1", mono_s(0), Duration::zero());
    std::optional<Received> a = q.receive(mono_s(0), Duration::seconds(10));
    std::optional<Received> b = q.receive(mono_s(10), Duration::seconds(10));
    REQUIRE((a && b));
    QueueAnswer stale = q.delete_message(a->handle);
    if (rule == StaleHandles::sqs) {
      CHECK(stale.ok);
      CHECK(stale.held_by_newer);
      CHECK(q.depth() == 0);  // "even if the message is locked by another reader"
    } else {
      CHECK_FALSE(stale.ok);
      CHECK(q.depth() == 1);
      CHECK(q.delete_message(b->handle).ok);
      CHECK(q.depth() == 0);
    }
  }
}

TEST_CASE("a message received max_receive_count times goes to the dead-letter queue on the next receive",
          "[scheduler]") {
  QueueOptions options;
  options.max_receive_count = 2;
  SqsQueue q(options);
  q.send("task-1", mono_s(0), Duration::zero());
  CHECK(q.receive(mono_s(0), Duration::seconds(1)));
  CHECK(q.receive(mono_s(1), Duration::seconds(1)));
  CHECK_FALSE(q.receive(mono_s(2), Duration::seconds(1)));
  REQUIRE(q.dead_letters().size() == 1);
  CHECK(q.dead_letters()[0] == std::pair<std::string, int>{"task-1", 2});
}

TEST_CASE("retention deletes a message from its send, in flight or not, and the DLQ keeps the send's clock",
          "[scheduler]") {
  QueueOptions options;
  options.retention = Duration::seconds(100);
  options.dlq_retention = Duration::seconds(150);
  options.max_receive_count = 1;
  SqsQueue q(options);
  q.send("task-1", mono_s(0), Duration::zero());
  q.send("task-2", mono_s(10), Duration::zero());
  q.send("task-3", mono_s(20), Duration::zero());
  REQUIRE(q.receive(mono_s(0), Duration::seconds(500)));  // task-1 in flight past its retention
  CHECK(q.expire(mono_s(99)).empty());
  std::vector<Expired> gone = q.expire(mono_s(105));
  REQUIRE(gone.size() == 1);
  CHECK(gone[0].task == "task-1");
  CHECK_FALSE(gone[0].dead_letter);
  CHECK(gone[0].expired_at == mono_s(100));  // when it fell due, not when noticed
  CHECK(q.depth() == 2);
  // task-2: received once, then moved to the DLQ at 101 s by a receive that finds it visible
  // again; the DLQ's 150 s count from its send at 10 s, so it goes at 160 s, 59 s after the move.
  REQUIRE(q.receive(mono_s(90), Duration::seconds(5)));   // task-2
  REQUIRE(q.receive(mono_s(100), Duration::seconds(5)));  // task-3
  CHECK_FALSE(q.receive(mono_s(101), Duration::seconds(5)));
  REQUIRE(q.dead_letters().size() == 1);
  gone = q.expire(mono_s(170));
  REQUIRE(gone.size() == 2);
  CHECK(gone[0].task == "task-3");  // from the queue at 120 s
  CHECK(gone[1].task == "task-2");
  CHECK(gone[1].dead_letter);
  CHECK(gone[1].expired_at == mono_s(160));
  CHECK(gone[1].expired_at - gone[1].moved == Duration::seconds(59));
  CHECK(q.counts(mono_s(170)).dead == 0);
  CHECK(q.dead_letters().size() == 1);  // what the DLQ received stays on record
}

TEST_CASE("a FIFO queue drops a body sent again within 5 minutes and hands out a group one at a time",
          "[scheduler]") {
  QueueOptions options;
  options.fifo = true;
  options.group = MessageGroup::schedule;
  SqsQueue q(options);
  CHECK(q.send("cron-1@60", mono_s(0), Duration::zero()));
  CHECK_FALSE(q.send("cron-1@60", mono_s(299), Duration::zero()));  // deduplicated
  CHECK(q.depth() == 1);
  CHECK(q.send("cron-1@120", mono_s(60), Duration::zero()));
  CHECK(q.send("task-1", mono_s(61), Duration::zero()));
  std::optional<Received> first = q.receive(mono_s(62), Duration::seconds(30));
  REQUIRE(first);
  CHECK(first->task == "cron-1@60");
  // cron-1's next run waits while its first is in flight; the delayed task is its own group.
  std::optional<Received> other = q.receive(mono_s(62), Duration::seconds(30));
  REQUIRE(other);
  CHECK(other->task == "task-1");
  CHECK_FALSE(q.receive(mono_s(63), Duration::seconds(30)));
  CHECK(q.delete_message(first->handle).ok);
  std::optional<Received> next = q.receive(mono_s(64), Duration::seconds(30));
  REQUIRE(next);
  CHECK(next->task == "cron-1@120");
  // Past the interval the same body is a new message.
  q.expire(mono_s(301));
  CHECK(q.send("cron-1@60", mono_s(301), Duration::zero()));
  // A standard queue keeps every copy and lets a group's runs overlap.
  SqsQueue standard(QueueOptions{});
  CHECK(standard.send("cron-1@60", mono_s(0), Duration::zero()));
  CHECK(standard.send("cron-1@60", mono_s(1), Duration::zero()));
  CHECK(standard.receive(mono_s(2), Duration::seconds(30)));
  CHECK(standard.receive(mono_s(2), Duration::seconds(30)));
}

TEST_CASE("a FIFO queue's dead-letter queue starts the retention clock again", "[scheduler]") {
  QueueOptions options;
  options.fifo = true;
  options.max_receive_count = 1;
  options.retention = Duration::seconds(100);
  options.dlq_retention = Duration::seconds(100);
  SqsQueue q(options);
  q.send("task-1", mono_s(0), Duration::zero());
  REQUIRE(q.receive(mono_s(0), Duration::seconds(5)));
  CHECK_FALSE(q.receive(mono_s(90), Duration::seconds(5)));  // moved at 90 s
  CHECK(q.expire(mono_s(189)).empty());  // a standard queue's DLQ would have let it go at 100 s
  std::vector<Expired> gone = q.expire(mono_s(190));
  REQUIRE(gone.size() == 1);
  CHECK(gone[0].dead_letter);
}

TEST_CASE("the seed's ack by task id deletes the message a newer receive holds", "[scheduler]") {
  SqsQueue q(QueueOptions{});
  q.send("task-1", mono_s(0), Duration::zero());
  std::optional<Received> first = q.receive(mono_s(0), Duration::seconds(5));
  REQUIRE(first);
  REQUIRE(q.receive(mono_s(5), Duration::seconds(5)));
  QueueAnswer ack = q.delete_by_task("task-1", first->handle, mono_s(6));
  CHECK(ack.held_by_newer);
  CHECK(q.depth() == 0);
  // Its own receive, or one no longer in flight, is no stale ack; a retry's body is the same task.
  q.send("task-2|1", mono_s(10), Duration::zero());
  std::optional<Received> own = q.receive(mono_s(10), Duration::seconds(5));
  REQUIRE(own);
  CHECK_FALSE(q.delete_by_task("task-2", own->handle, mono_s(11)).held_by_newer);
  CHECK(q.depth() == 0);
}

TEST_CASE("the queue cancels a schedule's runs and tells the cancelled run's heartbeat so", "[scheduler]") {
  SqsQueue q(QueueOptions{});
  q.send("cron-1@60", mono_s(0), Duration::zero());
  q.send("cron-10@60", mono_s(0), Duration::zero());
  std::optional<Received> run = q.receive(mono_s(1), Duration::seconds(30));
  REQUIRE(run);
  CHECK(q.tasks_with_prefix("cron-1@") == std::vector<std::string>{"cron-1@60"});
  CHECK(q.cancel_with_prefix("cron-1@") == std::vector<std::string>{"cron-1@60"});
  CHECK(q.tasks_with_prefix("cron-1@").empty());
  CHECK(q.depth() == 1);  // cron-10's run stays
  QueueAnswer beat = q.change_visibility(run->handle, mono_s(5), Duration::seconds(30));
  CHECK_FALSE(beat.ok);
  CHECK(beat.use == HandleUse::cancelled);
}

TEST_CASE("the ready queue counts ready, in-flight, delayed and dead-letter messages", "[scheduler]") {
  QueueOptions options;
  options.max_receive_count = 1;
  SqsQueue q(options);
  q.send("a", mono_s(0), Duration::zero());
  q.send("b", mono_s(0), Duration::zero());
  q.send("c", mono_s(0), Duration::seconds(100));
  REQUIRE(q.receive(mono_s(1), Duration::seconds(30)));
  SqsQueue::Counts n = q.counts(mono_s(2));
  CHECK(n.ready == 1);
  CHECK(n.in_flight == 1);
  CHECK(n.delayed == 1);
  CHECK(n.dead == 0);
  REQUIRE(q.receive(mono_s(40), Duration::seconds(30))->task == "b");  // visible since 0 s, before a
  CHECK_FALSE(q.receive(mono_s(41), Duration::seconds(30)));           // a, past its one receive, goes to the DLQ
  n = q.counts(mono_s(41));
  CHECK(n.dead == 1);
  CHECK(n.in_flight == 1);
}

TEST_CASE("the SQS-like queue's cancel requests: a message in flight stays until its worker deletes it or its "
          "visibility ends; one not in flight is cancelled at once",
          "[scheduler]") {
  SqsQueue q(QueueOptions{});
  q.send("cron-1@60", mono_s(0), Duration::zero());
  q.send("cron-1@120", mono_s(0), Duration::zero());
  std::optional<Received> running = q.receive(mono_s(1), Duration::seconds(30));
  REQUIRE(running);
  CHECK(q.request_cancel_with_prefix("cron-1@", mono_s(2)) == std::vector<std::string>{"cron-1@60", "cron-1@120"});
  CHECK(q.tasks_with_prefix("cron-1@") == std::vector<std::string>{"cron-1@60"});  // still active
  QueueAnswer beat = q.change_visibility(running->handle, mono_s(5), Duration::seconds(30));
  CHECK(beat.ok);
  CHECK(beat.use == HandleUse::cancel_requested);
  q.end_abandoned_cancels(mono_s(34));  // visible again at 35 s: not yet
  CHECK(q.tasks_with_prefix("cron-1@").size() == 1);
  q.end_abandoned_cancels(mono_s(35));  // its worker stopped heartbeating: the run has ended
  CHECK(q.tasks_with_prefix("cron-1@").empty());
  CHECK(q.change_visibility(running->handle, mono_s(36), Duration::seconds(30)).use == HandleUse::cancelled);
  CHECK_FALSE(q.receive(mono_s(36), std::nullopt));
}

TEST_CASE("a FIFO queue's explicit deduplication id (the task's) overrides the body: a retry copy is dropped within "
          "5 minutes of the task's first send, a different task with the same body is not",
          "[scheduler]") {
  QueueOptions options;
  options.fifo = true;
  SqsQueue content(options);
  CHECK(content.send("task-1", mono_s(0), Duration::zero()));
  CHECK(content.send("task-1|1", mono_s(60), Duration::zero()));  // another body: delivered
  CHECK_FALSE(content.send("task-1", mono_s(200), Duration::zero()));
  options.dedup_by_task = true;
  SqsQueue by_task(options);
  CHECK(by_task.send("task-1", mono_s(0), Duration::zero()));
  CHECK_FALSE(by_task.send("task-1|1", mono_s(60), Duration::zero()));   // the same id: accepted, dropped
  CHECK_FALSE(by_task.send("task-1|2", mono_s(299), Duration::zero()));  // a dropped send does not renew it
  CHECK(by_task.send("task-1|2", mono_s(300), Duration::zero()));        // 5 minutes after the first send
  CHECK(by_task.send("task-2|1", mono_s(300), Duration::zero()));
  CHECK(by_task.depth() == 3);
}

TEST_CASE("a FIFO queue takes 300 calls of an action in any second and refuses the next; a standard queue has no "
          "such quota",
          "[scheduler]") {
  QueueOptions options;
  options.fifo = true;
  SqsQueue q(options);
  sim::MonoTime t = mono_s(10);
  for (int i = 0; i < 300; ++i) REQUIRE(q.admit_call(0, t + Duration::milliseconds(i)));
  CHECK_FALSE(q.admit_call(0, t + Duration::milliseconds(999)));  // the 301st within the second
  CHECK(q.admit_call(1, t + Duration::milliseconds(999)));        // another action has its own quota
  CHECK(q.admit_call(0, t + Duration::milliseconds(1000)));       // the first call has left the second
  CHECK_FALSE(q.admit_call(0, t + Duration::milliseconds(1000)));
  options.calls_per_second = 0;
  SqsQueue unlimited(options);
  SqsQueue standard{QueueOptions{}};
  for (int i = 0; i < 1000; ++i) {
    REQUIRE(unlimited.admit_call(0, t));
    REQUIRE(standard.admit_call(0, t));
  }
}

TEST_CASE("a DLQ redrive moves the dead letters present at its start back, oldest first, each a new message",
          "[scheduler]") {
  QueueOptions options;
  options.max_receive_count = 1;
  options.retention = Duration::seconds(600);
  SqsQueue q(options);
  for (const char* task : {"a", "b", "c"}) q.send(task, mono_s(0), Duration::zero());
  for (int i = 0; i < 3; ++i) REQUIRE(q.receive(mono_s(1), Duration::seconds(10)));
  REQUIRE_FALSE(q.receive(mono_s(20), std::nullopt));  // all three move to the DLQ, in send order
  CHECK(q.counts(mono_s(20)).dead == 3);
  CHECK(q.start_redrive() == 3);
  CHECK(q.redrive(2, mono_s(590)) == std::vector<std::string>{"a", "b"});
  CHECK(q.redrive_left() == 1);
  CHECK(q.redrive(2, mono_s(591)) == std::vector<std::string>{"c"});
  CHECK(q.redrive_left() == 0);
  CHECK(q.counts(mono_s(591)).dead == 0);
  // New messages: the receive count starts again, and retention counts from the redrive.
  std::optional<Received> again = q.receive(mono_s(595), std::nullopt);
  REQUIRE(again);
  CHECK(again->task == "a");
  CHECK(again->receives == 1);
  CHECK(q.expire(mono_s(700)).empty());
}
