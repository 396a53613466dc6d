#include "models/scheduler/sqs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

namespace scheduler {
namespace {

const sim::Duration max_visibility = sim::Duration::minutes(12 * 60);

bool same_task(const std::string& body, const std::string& task) { return body.substr(0, body.find('|')) == task; }

}  // namespace

void SqsQueue::send(const std::string& task, sim::MonoTime now, sim::Duration delay) {
  std::uint64_t id = next_id_++;
  messages_[id] = Message{task, now + delay, sim::MonoTime::min(), 0};
  by_visibility_.insert({now + delay, id});
}

void SqsQueue::set_visible_at(std::uint64_t id, sim::MonoTime at) {
  Message& m = messages_.at(id);
  by_visibility_.erase({m.visible_at, id});
  m.visible_at = at;
  by_visibility_.insert({at, id});
}

std::optional<Received> SqsQueue::receive(sim::MonoTime now, std::optional<sim::Duration> visibility) {
  while (!by_visibility_.empty() && by_visibility_.begin()->first <= now) {
    std::uint64_t id = by_visibility_.begin()->second;
    Message& m = messages_.at(id);
    if (options_.max_receive_count > 0 && m.receives >= options_.max_receive_count) {
      dead_.emplace_back(m.task, m.receives);
      by_visibility_.erase(by_visibility_.begin());
      messages_.erase(id);
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
  if (!parsed || messages_.count(parsed->first) == 0) return {false, HandleUse::gone, false};
  Message& m = messages_.at(parsed->first);
  if (m.receives != parsed->second) return {false, HandleUse::stale, true};  // MessageNotInflight
  sim::MonoTime until = std::min(now + visibility, m.first_received + max_visibility);
  set_visible_at(parsed->first, until);
  return {true, HandleUse::current, false};
}

QueueAnswer SqsQueue::delete_message(const std::string& handle) {
  auto parsed = parse_handle(handle);
  // Deleting what is already gone succeeds, as SQS's does.
  if (!parsed || messages_.count(parsed->first) == 0) return {true, HandleUse::gone, false};
  Message& m = messages_.at(parsed->first);
  bool stale = m.receives != parsed->second;
  if (stale && options_.stale_handles == StaleHandles::refused) return {false, HandleUse::stale, true};
  by_visibility_.erase({m.visible_at, parsed->first});
  messages_.erase(parsed->first);
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
    by_visibility_.erase({it->second.visible_at, it->first});
    it = messages_.erase(it);
  }
  return answer;
}

bool SqsQueue::nack_by_task(const std::string& task, sim::MonoTime now) {
  return set_visibility_by_task(task, now, sim::Duration::zero());
}

std::size_t SqsQueue::in_flight(sim::MonoTime now) const {
  return static_cast<std::size_t>(std::count_if(messages_.begin(), messages_.end(), [&](const auto& entry) {
    return entry.second.receives > 0 && entry.second.visible_at > now;
  }));
}

}  // namespace scheduler
