#include "models/snowflake/process.hpp"

#include <fmt/format.h>

namespace snowflake {

GeneratorProcess::GeneratorProcess(std::shared_ptr<Recorder> recorder, std::uint32_t index)
    : recorder_(std::move(recorder)),
      world_(recorder_->world()),
      index_(index),
      node_(recorder_->node_id(index)),
      incarnation_(world_.node(node_).incarnation()),
      generator_(recorder_->options().node_ids[index], recorder_->options().epoch_ms,
                 recorder_->options().on_backwards) {
  const SnowflakeOptions& options = recorder_->options();
  if (options.last_timestamp == LastTimestampStore::persisted) {
    mark_.emplace(world_.node(node_).disk(), options.reserve);
    if (auto mark_ms = mark_->load()) generator_.resume_after(*mark_ms);
  }
  note_boot();
}

GeneratorProcess::~GeneratorProcess() {
  if (queue_.empty()) return;
  recorder_->note(index_, "snowflake.requests_lost",
                  fmt::format("{} queued requests lost with the process", queue_.size()));
  for (const Request& request : queue_) recorder_->record_failure(index_, request, FailureKind::unavailable, 0);
}

void GeneratorProcess::note_boot() {
  std::int64_t wall_ms = world_.node(node_).clock().wall(world_.now()).unix_ms();
  std::string detail = fmt::format("boot, incarnation {}, node id {}, wall clock {} ms: ", incarnation_,
                                   generator_.node_id(), wall_ms);
  if (!mark_) {
    detail += "last_timestamp starts empty (kept in memory only)";
  } else if (generator_.last_timestamp() < 0) {
    detail += "no high-water mark on disk";
  } else {
    std::int64_t mark_ms = generator_.last_timestamp();
    detail +=
        fmt::format("high-water mark {} ms read from disk, {} ms ahead of the wall clock", mark_ms, mark_ms - wall_ms);
  }
  recorder_->note(index_, "snowflake.boot", detail);
}

void GeneratorProcess::accept(const Request& request) {
  queue_.push_back(request);
  if (!serve_scheduled_) schedule_serve(world_.now());
}

void GeneratorProcess::schedule_serve(sim::Instant at) {
  serve_scheduled_ = true;
  world_.schedule_at(at, node_, incarnation_, [this] { serve(); });
}

void GeneratorProcess::serve() {
  serve_scheduled_ = false;
  const sim::Clock& clock = world_.node(node_).clock();
  while (!queue_.empty()) {
    sim::Instant now = world_.now();
    if (busy_until_ > now) {
      schedule_serve(busy_until_);
      return;
    }
    if (!settle(generator_.generate(clock.wall(now).unix_ms()))) return;
  }
}

bool GeneratorProcess::settle(const Attempt& attempt) {
  NodeTally& tally = recorder_->tally(index_);
  if (attempt.kind == Attempt::Kind::wait) {
    start_wait(attempt);
    return false;
  }
  Request request = queue_.front();
  queue_.pop_front();
  waiting_ = false;
  if (attempt.kind == Attempt::Kind::failed) {
    if (!failing_)
      recorder_->note(index_, "snowflake.clock_backwards",
                      fmt::format("clock moved backwards by {} ms (last_timestamp {} ms): requests fail",
                                  attempt.behind_ms, generator_.last_timestamp()));
    failing_ = true;
    recorder_->record_failure(index_, request, FailureKind::clock_backwards, attempt.behind_ms);
    return true;
  }
  failing_ = false;
  if (attempt.logical && !stamping_logical_) {
    std::int64_t wall_ms = world_.node(node_).clock().wall(world_.now()).unix_ms();
    recorder_->note(index_, "snowflake.logical_time",
                    fmt::format("wall clock {} ms behind last_timestamp: stamping ids with logical time {} ms",
                                attempt.timestamp_ms - wall_ms, attempt.timestamp_ms));
  }
  stamping_logical_ = attempt.logical;
  // Write-ahead: the mark covering this timestamp is durable before the id leaves.
  if (mark_ && mark_->cover(attempt.timestamp_ms)) ++tally.mark_syncs;
  recorder_->record_issue(index_, request, attempt);
  sim::Duration service_time = recorder_->options().service_time;
  if (service_time > sim::Duration::zero()) busy_until_ = after_mono(service_time);
  return true;
}

void GeneratorProcess::start_wait(const Attempt& attempt) {
  if (!waiting_) {
    waiting_ = true;
    NodeTally& tally = recorder_->tally(index_);
    if (attempt.reason == WaitReason::next_millisecond) {
      ++tally.waits_next_millisecond;
      world_.trace().fold(world_.now(), node_, "snowflake.wait_next_ms", generator_.last_timestamp(),
                          static_cast<std::int64_t>(queue_.size()));
    } else {
      ++tally.waits_clock_behind;
      recorder_->note(index_, "snowflake.wait_for_clock",
                      fmt::format("clock is {} ms behind last_timestamp {} ms: waiting until it reads {} ms",
                                  attempt.behind_ms, generator_.last_timestamp(), attempt.wake_wall_ms));
    }
  }
  schedule_serve(when_wall_reads(sim::WallTime::from_unix_ms(attempt.wake_wall_ms)));
}

sim::Instant GeneratorProcess::when_wall_reads(sim::WallTime target) const {
  const sim::Clock& clock = world_.node(node_).clock();
  sim::Instant now = world_.now();
  sim::WallTime wall = clock.wall(now);
  if (target <= wall) return now;
  // Wall and monotonic clocks run at one rate between steps: wait out the difference on the
  // monotonic clock, as a sleep would.
  return clock.when_mono_reaches(now, clock.mono(now) + (target - wall));
}

sim::Instant GeneratorProcess::after_mono(sim::Duration d) const {
  const sim::Clock& clock = world_.node(node_).clock();
  sim::Instant now = world_.now();
  return clock.when_mono_reaches(now, clock.mono(now) + d);
}

}  // namespace snowflake
