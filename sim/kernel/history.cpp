#include "sim/kernel/history.hpp"

#include "sim/kernel/assert.hpp"

namespace sim {

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::pending: return "pending";
    case Outcome::ok: return "ok";
    case Outcome::fail: return "fail";
    case Outcome::info: return "info";
  }
  return "?";
}

History::OpId History::invoke(Instant at, NodeId process, std::string f, std::int64_t input) {
  Operation op;
  op.index = ops_.size();
  op.process = process;
  op.f = std::move(f);
  op.input = input;
  op.invoked = at;
  ops_.push_back(std::move(op));
  return ops_.size() - 1;
}

void History::complete(OpId op, Instant at, Outcome outcome) {
  SIM_ASSERT(op < ops_.size(), "unknown operation");
  SIM_ASSERT(ops_[op].outcome == Outcome::pending, "an operation completed twice");
  ops_[op].completed = at;
  ops_[op].outcome = outcome;
}

void History::ok(OpId op, Instant at, std::int64_t output) {
  complete(op, at, Outcome::ok);
  ops_[op].output = output;
}

void History::fail(OpId op, Instant at, std::string error) {
  complete(op, at, Outcome::fail);
  ops_[op].error = std::move(error);
}

void History::info(OpId op, Instant at, std::string error) {
  complete(op, at, Outcome::info);
  ops_[op].error = std::move(error);
}

}  // namespace sim
