// Jepsen-style histories: each client operation is an invoke, then exactly one of ok, fail
// (it surely did not happen) or info (outcome unknown: a timeout, a crash), with true times
// and the client's node. Checkers read histories; the models that produce them never judge.
//
// Determinism: operations are numbered in invocation order; values are integers or stable text.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/kernel/event.hpp"
#include "sim/kernel/time.hpp"

namespace sim {

enum class Outcome : std::uint8_t { pending, ok, fail, info };
const char* to_string(Outcome outcome);

struct Operation {
  std::uint64_t index = 0;
  NodeId process = no_node;
  std::string f;           ///< "generate", "acquire", "write", …
  std::int64_t input = 0;
  std::int64_t output = 0;
  std::string error;       ///< why it failed or is unknown
  Instant invoked;
  Instant completed;
  Outcome outcome = Outcome::pending;
};

class History {
public:
  using OpId = std::uint64_t;
  OpId invoke(Instant at, NodeId process, std::string f, std::int64_t input = 0);
  void ok(OpId op, Instant at, std::int64_t output = 0);
  void fail(OpId op, Instant at, std::string error);
  void info(OpId op, Instant at, std::string error);

  const Operation& operator[](OpId op) const { return ops_[op]; }
  std::size_t size() const { return ops_.size(); }

private:
  void complete(OpId op, Instant at, Outcome outcome);
  std::vector<Operation> ops_;
};

}  // namespace sim
