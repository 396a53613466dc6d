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
//   - a message may be sent with a delay (DelaySeconds).
// The seed's own queue calls (set_visibility_timeout, ack and nack by task id) are kept as
// separate operations, because the seed's wrapper names tasks, not receipts.
//
// Not modelled: retention, the in-flight cap, FIFO queues and their deduplication interval.
#pragma once

#include <cstdint>
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
  current,  ///< the message's latest receive
  stale,    ///< an older receive of a message still in the queue
  gone,     ///< the message is no longer in the queue
};

struct QueueAnswer {
  bool ok = false;
  HandleUse use = HandleUse::gone;
  /// Deleting: whether a later receive than the caller's held the message (a stale ack).
  bool held_by_newer = false;
};

class SqsQueue {
public:
  explicit SqsQueue(QueueOptions options) : options_(options) {}

  void send(const std::string& task, sim::MonoTime now, sim::Duration delay);
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

  /// Tasks moved to the dead-letter queue, with their receive counts, in order.
  const std::vector<std::pair<std::string, int>>& dead_letters() const { return dead_; }
  std::size_t depth() const { return messages_.size(); }
  std::size_t in_flight(sim::MonoTime now) const;

private:
  struct Message {
    std::string task;
    sim::MonoTime visible_at;
    sim::MonoTime first_received;
    int receives = 0;
  };
  void set_visible_at(std::uint64_t id, sim::MonoTime at);
  std::optional<std::pair<std::uint64_t, int>> parse_handle(const std::string& handle) const;

  QueueOptions options_;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, Message> messages_;
  std::set<std::pair<sim::MonoTime, std::uint64_t>> by_visibility_;
  std::vector<std::pair<std::string, int>> dead_;
};

}  // namespace scheduler
