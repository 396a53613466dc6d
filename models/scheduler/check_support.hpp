// Helpers the scheduler's checkers share (checks.cpp, checks_cron.cpp): how a time, a node and
// a tick are named in a violation, and the one way a violation is noted.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/scheduler/record.hpp"
#include "sim/results/check.hpp"

namespace scheduler::checking {

/// A verdict that holds until a violation is noted.
sim::CheckResult named(std::string name);
std::string at(sim::Instant instant);
std::string worker_name(const Observations& o, int worker);
std::string scheduler_name(const Observations& o, int node);
/// Marks `r` violated, keeping the earliest violation as its first.
void violate(sim::CheckResult& r, sim::Instant when, std::vector<std::string> nodes, std::string what);
std::string tick_name(int schedule, std::int64_t nominal);
/// Whether some attempt of `task` ran to an effect the sink took.
bool succeeded(const Observations& o, const std::string& task);

}  // namespace scheduler::checking
