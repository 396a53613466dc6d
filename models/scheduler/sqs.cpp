#include "models/scheduler/sqs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

namespace scheduler {
namespace {

const sim::Duration max_visibility = sim::Duration::minutes(12 * 60);
const sim::Duration deduplication_interval = sim::Duration::minutes(5);

bool same_task(const std::string& body, const std::string& task) { return body.substr(0, body.find('|')) == task; }

}  // namespace

bool SqsQueue::send(const std::string& task, sim::MonoTime now, sim::Duration delay) {
  if (options_.fifo) {
    // MessageDeduplicationId: the body's (content-based), or the task's id set by the sender.
    std::string id = options_.dedup_by_task ? task.substr(0, task.find('|')) : task;
    auto [seen, fresh] = deduplication_.try_emplace(id, now);
    if (!fresh && seen->second + deduplication_interval > now) return false;  // accepted, not delivered
    seen->second = now;
    sent_bodies_.emplace_back(now, id);
  }
  enqueue(task, now, delay);
  return true;
}

void SqsQueue::enqueue(const std::string& task, sim::MonoTime now, sim::Duration delay) {
  std::uint64_t id = next_id_++;
  Message& m = messages_[id] = Message{task, now + delay, sim::MonoTime::min(), 0, now, group_of(task)};
  by_visibility_.insert({now + delay, id});
  if (options_.fifo) groups_[m.group].insert(id);
}

bool SqsQueue::admit_call(int action, sim::MonoTime now) {
  if (!options_.fifo || options_.calls_per_second == 0) return true;
  std::deque<sim::MonoTime>& calls = calls_[action];
  while (!calls.empty() && calls.front() + sim::Duration::seconds(1) <= now) calls.pop_front();
  if (calls.size() >= static_cast<std::size_t>(options_.calls_per_second)) return false;
  calls.push_back(now);
  return true;
}

std::size_t SqsQueue::start_redrive() {
  redrive_left_ = dlq_.size();
  return redrive_left_;
}

std::vector<std::string> SqsQueue::redrive(std::size_t count, sim::MonoTime now) {
  std::vector<std::string> moved;
  for (; count > 0 && redrive_left_ > 0 && !dlq_.empty(); --count, --redrive_left_) {
    auto oldest = std::min_element(dlq_.begin(), dlq_.end(),
                                   [](const auto& a, const auto& b) { return a.second.moved < b.second.moved; });
    moved.push_back(oldest->second.task);
    enqueue(oldest->second.task, now, sim::Duration::zero());  // a new message: new id, send time, receive count
    dlq_.erase(oldest);
  }
  if (dlq_.empty()) redrive_left_ = 0;
  return moved;
}

std::string SqsQueue::group_of(const std::string& body) const {
  if (!options_.fifo) return "";
  std::string task = body.substr(0, body.find('|'));
  if (options_.group == MessageGroup::schedule && task.rfind("cron-", 0) == 0) return task.substr(0, task.find('@'));
  return task;
}

void SqsQueue::erase(std::map<std::uint64_t, Message>::iterator it) {
  by_visibility_.erase({it->second.visible_at, it->first});
  cancel_requested_.erase(it->first);
  if (options_.fifo) {
    auto group = groups_.find(it->second.group);
    group->second.erase(it->first);
    if (group->second.empty()) groups_.erase(group);
  }
  messages_.erase(it);
}

// A FIFO queue hands out only the first message of each group, and only while no earlier
// message of the group is in flight: the first is the one in flight.
bool SqsQueue::receivable(std::uint64_t id, const Message& m) const {
  return !options_.fifo || *groups_.at(m.group).begin() == id;
}

// Messages are numbered in send order and the queue's clock only goes forward, so the oldest
// send is the first message.
std::vector<Expired> SqsQueue::expire(sim::MonoTime now) {
  std::vector<Expired> gone;
  while (!messages_.empty() && messages_.begin()->second.sent + options_.retention <= now) {
    auto it = messages_.begin();
    Message& m = it->second;
    gone.push_back(Expired{m.task, false, m.sent, sim::MonoTime::min(), m.sent + options_.retention});
    erase(it);
  }
  while (!sent_bodies_.empty() && sent_bodies_.front().first + deduplication_interval <= now) {
    auto seen = deduplication_.find(sent_bodies_.front().second);
    if (seen != deduplication_.end() && seen->second == sent_bodies_.front().first) deduplication_.erase(seen);
    sent_bodies_.pop_front();
  }
  while (!dlq_.empty() && dlq_.begin()->first.first <= now) {
    const DeadLetter& d = dlq_.begin()->second;
    gone.push_back(Expired{d.task, true, d.sent, d.moved, dlq_.begin()->first.first});
    dlq_.erase(dlq_.begin());
  }
  std::stable_sort(gone.begin(), gone.end(),
                   [](const Expired& a, const Expired& b) { return a.expired_at < b.expired_at; });
  return gone;
}

void SqsQueue::set_visible_at(std::uint64_t id, sim::MonoTime at) {
  Message& m = messages_.at(id);
  by_visibility_.erase({m.visible_at, id});
  m.visible_at = at;
  by_visibility_.insert({at, id});
}

std::optional<Received> SqsQueue::receive(sim::MonoTime now, std::optional<sim::Duration> visibility) {
  for (auto next = by_visibility_.begin(); next != by_visibility_.end() && next->first <= now;) {
    std::uint64_t id = next->second;
    auto it = messages_.find(id);
    Message& m = it->second;
    if (!receivable(id, m)) {
      ++next;
      continue;
    }
    if (options_.max_receive_count > 0 && m.receives >= options_.max_receive_count) {
      dead_.emplace_back(m.task, m.receives);
      // A standard queue's DLQ keeps the original send time; a FIFO queue's restarts it.
      sim::MonoTime since = options_.fifo ? now : m.sent;
      dlq_.emplace(std::pair(since + options_.dlq_retention, id), DeadLetter{m.task, m.receives, since, now});
      erase(it);
      next = by_visibility_.begin();  // the group's next message may be visible already
      continue;
    }
    ++m.receives;
    if (m.receives == 1) m.first_received = now;
    set_visible_at(id, now + visibility.value_or(options_.default_visibility));
    return Received{m.task, fmt::format("m{}r{}", id, m.receives), m.receives};
  }
  return std::nullopt;
}

std::optional<std::pair<std::uint64_t, int>> SqsQueue::parse_handle(const std::string& handle) const {
  unsigned long long id = 0;
  int receives = 0;
  if (std::sscanf(handle.c_str(), "m%llur%d", &id, &receives) != 2) return std::nullopt;
  return std::pair<std::uint64_t, int>{id, receives};
}

QueueAnswer SqsQueue::change_visibility(const std::string& handle, sim::MonoTime now, sim::Duration visibility) {
  auto parsed = parse_handle(handle);
  if (parsed && cancelled_.count(parsed->first) > 0) return {false, HandleUse::cancelled, false};
  if (!parsed || messages_.count(parsed->first) == 0) return {false, HandleUse::gone, false};
  Message& m = messages_.at(parsed->first);
  if (m.receives != parsed->second) return {false, HandleUse::stale, true};  // MessageNotInflight
  sim::MonoTime until = std::min(now + visibility, m.first_received + max_visibility);
  set_visible_at(parsed->first, until);
  if (cancel_requested_.count(parsed->first) > 0) return {true, HandleUse::cancel_requested, false};
  return {true, HandleUse::current, false};
}

QueueAnswer SqsQueue::delete_message(const std::string& handle) {
  auto parsed = parse_handle(handle);
  // Deleting what is already gone succeeds, as SQS's does.
  if (!parsed || messages_.count(parsed->first) == 0) return {true, HandleUse::gone, false};
  Message& m = messages_.at(parsed->first);
  bool stale = m.receives != parsed->second;
  if (stale && options_.stale_handles == StaleHandles::refused) return {false, HandleUse::stale, true};
  erase(messages_.find(parsed->first));
  return {true, stale ? HandleUse::stale : HandleUse::current, stale};
}

bool SqsQueue::set_visibility_by_task(const std::string& task, sim::MonoTime now, sim::Duration visibility) {
  bool found = false;
  for (auto& [id, m] : messages_)
    if (same_task(m.task, task)) {
      set_visible_at(id, now + visibility);
      found = true;
    }
  return found;
}

QueueAnswer SqsQueue::delete_by_task(const std::string& task, const std::string& own_handle, sim::MonoTime now) {
  QueueAnswer answer{true, HandleUse::gone, false};
  auto own = parse_handle(own_handle);
  for (auto it = messages_.begin(); it != messages_.end();) {
    if (!same_task(it->second.task, task)) {
      ++it;
      continue;
    }
    bool mine = own && own->first == it->first && own->second == it->second.receives;
    bool held = it->second.receives > 0 && it->second.visible_at > now;
    if (!mine && held) answer.held_by_newer = true;
    answer.use = mine ? HandleUse::current : HandleUse::stale;
    erase(it++);
  }
  return answer;
}

bool SqsQueue::nack_by_task(const std::string& task, sim::MonoTime now) {
  return set_visibility_by_task(task, now, sim::Duration::zero());
}

std::vector<std::string> SqsQueue::tasks_with_prefix(const std::string& prefix) const {
  std::vector<std::string> tasks;
  for (const auto& [id, m] : messages_)
    if (m.task.rfind(prefix, 0) == 0) tasks.push_back(m.task.substr(0, m.task.find('|')));
  return tasks;
}

std::vector<std::string> SqsQueue::cancel_with_prefix(const std::string& prefix) {
  std::vector<std::string> tasks;
  for (auto it = messages_.begin(); it != messages_.end();) {
    if (it->second.task.rfind(prefix, 0) != 0) {
      ++it;
      continue;
    }
    tasks.push_back(it->second.task.substr(0, it->second.task.find('|')));
    cancelled_.insert(it->first);
    erase(it++);
  }
  return tasks;
}

std::vector<std::string> SqsQueue::request_cancel_with_prefix(const std::string& prefix, sim::MonoTime now) {
  std::vector<std::string> tasks;
  for (auto it = messages_.begin(); it != messages_.end();) {
    Message& m = it->second;
    if (m.task.rfind(prefix, 0) != 0) {
      ++it;
      continue;
    }
    tasks.push_back(m.task.substr(0, m.task.find('|')));
    if (m.receives > 0 && m.visible_at > now) {
      cancel_requested_.insert(it->first);
      ++it;
    } else {
      cancelled_.insert(it->first);
      erase(it++);
    }
  }
  return tasks;
}

void SqsQueue::end_abandoned_cancels(sim::MonoTime now) {
  for (auto id = cancel_requested_.begin(); id != cancel_requested_.end();) {
    auto it = messages_.find(*id++);
    if (it == messages_.end() || it->second.visible_at > now) continue;
    cancelled_.insert(it->first);
    erase(it);  // takes its id out of cancel_requested_: `id` already points past it
  }
}

SqsQueue::Counts SqsQueue::counts(sim::MonoTime now) const {
  Counts c;
  for (const auto& [id, m] : messages_) {
    if (m.visible_at <= now)
      ++c.ready;
    else if (m.receives > 0)
      ++c.in_flight;
    else
      ++c.delayed;
  }
  c.dead = static_cast<std::uint32_t>(dlq_.size());
  return c;
}

std::size_t SqsQueue::in_flight(sim::MonoTime now) const {
  return static_cast<std::size_t>(std::count_if(messages_.begin(), messages_.end(), [&](const auto& entry) {
    return entry.second.receives > 0 && entry.second.visible_at > now;
  }));
}

}  // namespace scheduler
