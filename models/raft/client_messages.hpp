// A client's proposal over the network, and the server's answer.
#pragma once

#include <optional>
#include <string>

#include "models/raft/proposal.hpp"
#include "sim/kernel/network.hpp"

namespace raft {

struct ProposeRequest final : sim::MessageBody {
  std::string command;
  std::string describe() const override { return "Propose " + command; }
};

struct ProposeReply final : sim::MessageBody {
  ProposeOutcome outcome;
  std::string describe() const override;
};

}  // namespace raft
