// The ready queue: an SQS-like standard queue, as a plain state machine the queue node serves.
// What SQS documents and this keeps:
//   - a receive hides the message for a visibility timeout counted by the queue's clock from the
//     receive, and hands out a new receipt handle each time; ChangeMessageVisibility counts from
//     the call (capped at 12 h from the first receive);
//   - DeleteMessage with an old handle "will still succeed, but the message might not be
//     deleted", and a delete works "even if the message is locked by another reader": with
//     stale_handles: sqs an old handle's delete removes the message; with stale_handles: refused
//     (SWF and Temporal fence stale completions) it is refused;
//   - once a message has been received max_receive_count times, the next receive moves it to the
//     dead-letter queue instead;
//   - a message may be sent with a delay (DelaySeconds);
//   - a message older than the retention period (MessageRetentionPeriod), counted from its send,
//     is deleted whatever its state, in flight included; in the dead-letter queue the same send
//     time counts against the DLQ's own period ("for standard queues, the expiration of a message
//     is always based on its original enqueue timestamp"), so a message that spent most of its
//     time in the queue expires from the DLQ soon after it moves. Expiry is applied when the queue
//     is next used (expire()), at the time it fell due.
// The seed's own queue calls (set_visibility_timeout, ack and nack by task id) are kept as
// separate operations, because the seed's wrapper names tasks, not receipts. The overlap
// policies' calls are the model's own: replace deletes a schedule's runs (cancel_with_prefix);
// cancel_other asks them to cancel (request_cancel_with_prefix), which a run in flight learns
// from its next heartbeat.
//
// With fifo, a FIFO queue: content-based deduplication (a body sent again within 5 minutes is
// accepted and dropped), delivery in send order within a message group with one message of a
// group in flight at a time, no per-message delay, and a DLQ that restarts the retention clock
// ("for FIFO queues, the enqueue timestamp resets when the message is moved to a dead-letter
// queue").
// A FIFO queue's MessageDeduplicationId is the body (content-based) or, with dedup_by_task, the
// task's id, as if each sender set it explicitly ("your MessageDeduplicationId overrides the
// generated one"); a repeat within 5 minutes of the first accepted send is accepted and dropped.
// A FIFO queue takes calls_per_second calls a second per API action (SQS: 300; a batch of up to
// 10 is one call, so 3,000 messages a second), in any sliding second of the queue's clock; a
// call over it is refused (ThrottlingException).
// A DLQ redrive (StartMessageMoveTask back to the source queue) moves the dead letters present
// when it starts, oldest move first, at most redrive_rate a second; each becomes a new message
// ("all redriven messages are considered new messages with a new messageID and enqueueTime"),
// so its retention and receive count start again; redriven messages skip deduplication.
// Not modelled: the in-flight cap, high throughput mode, a redrive to another queue.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "models/scheduler/options.hpp"
#include "sim/kernel/clock_reading.hpp"

namespace scheduler {

struct Received {
  std::string task;
  std::string handle;
  int receives = 0;  ///< ApproximateReceiveCount, this receive included: the attempt's token
};

/// What a call with a receipt handle found.
enum class HandleUse {
  current,    ///< the message's latest receive
  stale,      ///< an older receive of a message still in the queue
  gone,       ///< the message is no longer in the queue
  cancelled,  ///< the message was cancelled (cancel_with_prefix)
  /// the message's run was asked to cancel (request_cancel_with_prefix): its worker is to stop
  /// and delete it, as a Temporal activity learns of a cancellation from its heartbeat
  cancel_requested,
};

struct QueueAnswer {
  bool ok = false;
  HandleUse use = HandleUse::gone;
  /// Deleting: whether a later receive than the caller's held the message (a stale ack).
  bool held_by_newer = false;
};

/// A message deleted by retention: from the queue, or from the dead-letter queue.
struct Expired {
  std::string task;
  bool dead_letter = false;
  sim::MonoTime sent;        ///< its send, which both retentions count from
  sim::MonoTime moved;       ///< into the DLQ (dead letters only)
  sim::MonoTime expired_at;  ///< sent plus the retention that deleted it
};

class SqsQueue {
public:
  explicit SqsQueue(QueueOptions options) : options_(options) {}

  /// Deletes what retention deleted by `now` and answers it, oldest first. Called before each use.
  std::vector<Expired> expire(sim::MonoTime now);

  /// False when a FIFO queue dropped it: the same body was sent within the last 5 minutes
  /// (content-based deduplication; SQS answers such a send as a success).
  bool send(const std::string& task, sim::MonoTime now, sim::Duration delay);
  /// Whether a call of `action` (an operation's number) fits the FIFO queue's quota of calls in
  /// the second up to `now`; counts it if so.
  bool admit_call(int action, sim::MonoTime now);
  /// Starts a redrive of the dead letters present now; answers how many it will move.
  std::size_t start_redrive();
  /// Moves up to `count` more of them back to the queue, oldest first; answers their tasks.
  std::vector<std::string> redrive(std::size_t count, sim::MonoTime now);
  std::size_t redrive_left() const { return redrive_left_; }
  /// The first visible message, hidden for `visibility`; messages past max_receive_count move to the DLQ.
  std::optional<Received> receive(sim::MonoTime now, std::optional<sim::Duration> visibility);
  QueueAnswer change_visibility(const std::string& handle, sim::MonoTime now, sim::Duration visibility);
  QueueAnswer delete_message(const std::string& handle);

  /// The seed's calls by task id, on every message of the task (a body "task-3|2" is task-3's).
  /// `own_handle` is the caller's receipt, only to tell whether the delete took a message that
  /// another receive held in flight.
  bool set_visibility_by_task(const std::string& task, sim::MonoTime now, sim::Duration visibility);
  QueueAnswer delete_by_task(const std::string& task, const std::string& own_handle, sim::MonoTime now);
  bool nack_by_task(const std::string& task, sim::MonoTime now);

  /// The tasks of the messages in the queue (visible, delayed or in flight) whose task names
  /// start with `prefix`, in message order.
  std::vector<std::string> tasks_with_prefix(const std::string& prefix) const;
  /// Deletes those messages, remembering them: a later call with one of their handles is told
  /// `cancelled`. Answers the tasks.
  std::vector<std::string> cancel_with_prefix(const std::string& prefix);
  /// Temporal's CancelOther: those messages not in flight are cancelled (as cancel_with_prefix);
  /// those in flight stay, still counted by tasks_with_prefix, and their current handle's next
  /// ChangeMessageVisibility is answered `cancel_requested` (and extends it). Answers the tasks
  /// asked, in message order.
  std::vector<std::string> request_cancel_with_prefix(const std::string& prefix, sim::MonoTime now);
  /// Ends the runs asked to cancel whose visibility ran out (their worker stopped heartbeating:
  /// the run ended with it): their messages are cancelled. Called before each use.
  void end_abandoned_cancels(sim::MonoTime now);
  /// Tasks moved to the dead-letter queue, with their receive counts, in order (expired ones too).
  const std::vector<std::pair<std::string, int>>& dead_letters() const { return dead_; }
  std::size_t depth() const { return messages_.size(); }
  std::size_t in_flight(sim::MonoTime now) const;
  struct Counts {
    std::uint32_t ready = 0;      ///< visible now
    std::uint32_t in_flight = 0;  ///< received and hidden (a retry's backoff included)
    std::uint32_t delayed = 0;    ///< sent with a delay, not yet visible, never received
    std::uint32_t dead = 0;       ///< in the dead-letter queue
  };
  Counts counts(sim::MonoTime now) const;

private:
  struct Message {
    std::string task;
    sim::MonoTime visible_at;
    sim::MonoTime first_received;
    int receives = 0;
    sim::MonoTime sent;
    std::string group;  ///< a FIFO queue's MessageGroupId
  };
  struct DeadLetter {
    std::string task;
    int receives = 0;
    sim::MonoTime sent;
    sim::MonoTime moved;
  };
  void set_visible_at(std::uint64_t id, sim::MonoTime at);
  void enqueue(const std::string& task, sim::MonoTime now, sim::Duration delay);
  std::string group_of(const std::string& body) const;
  void erase(std::map<std::uint64_t, Message>::iterator it);
  bool receivable(std::uint64_t id, const Message& m) const;
  std::optional<std::pair<std::uint64_t, int>> parse_handle(const std::string& handle) const;

  QueueOptions options_;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, Message> messages_;
  std::set<std::pair<sim::MonoTime, std::uint64_t>> by_visibility_;
  std::vector<std::pair<std::string, int>> dead_;  ///< every message the DLQ received, in order
  std::map<std::pair<sim::MonoTime, std::uint64_t>, DeadLetter> dlq_;  ///< by (expiry, move order)
  std::set<std::uint64_t> cancelled_;
  std::set<std::uint64_t> cancel_requested_;
  std::map<int, std::deque<sim::MonoTime>> calls_;  ///< FIFO: each action's calls in the last second
  std::size_t redrive_left_ = 0;                    ///< dead letters the running redrive has yet to move
  std::map<std::string, std::set<std::uint64_t>> groups_;  ///< FIFO: each group's messages, in send order
  std::map<std::string, sim::MonoTime> deduplication_;      ///< FIFO: each body's last accepted send
  std::deque<std::pair<sim::MonoTime, std::string>> sent_bodies_;  ///< those sends, oldest first
};

}  // namespace scheduler
