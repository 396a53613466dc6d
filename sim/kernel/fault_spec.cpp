#include "sim/kernel/fault_spec.hpp"

namespace sim {
namespace {

const char* link_fault_name(LinkFault::Kind kind) {
  switch (kind) {
    case LinkFault::Kind::slow_link: return "slow_link";
    case LinkFault::Kind::loss: return "loss";
    case LinkFault::Kind::duplicate: return "duplicate";
  }
  return "link_fault";
}

// The YAML key each fault is written under, so messages and traces use the scenario's words.
struct FaultNamer {
  const char* operator()(const PauseFault&) const { return "pause"; }
  const char* operator()(const ClockStepFault&) const { return "clock_step"; }
  const char* operator()(const ClockDriftFault&) const { return "clock_drift"; }
  const char* operator()(const CrashFault&) const { return "crash"; }
  const char* operator()(const RestartFault&) const { return "restart"; }
  const char* operator()(const PartitionFault&) const { return "partition"; }
  const char* operator()(const HealFault&) const { return "heal"; }
  const char* operator()(const LinkFault& fault) const { return link_fault_name(fault.kind); }
};

}  // namespace

std::string SourceMark::to_string() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

const char* fault_name(const FaultAction& action) { return std::visit(FaultNamer{}, action); }

const char* to_string(RandomFaultSpec::Kind kind) {
  switch (kind) {
    case RandomFaultSpec::Kind::pause: return "pause";
    case RandomFaultSpec::Kind::clock_step: return "clock_step";
    case RandomFaultSpec::Kind::clock_drift: return "clock_drift";
    case RandomFaultSpec::Kind::crash: return "crash";
    case RandomFaultSpec::Kind::isolate: return "isolate";
    case RandomFaultSpec::Kind::slow_link: return "slow_link";
    case RandomFaultSpec::Kind::loss: return "loss";
  }
  return "random_fault";
}

}  // namespace sim
