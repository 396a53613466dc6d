#include "sim/scenario/error.hpp"

#include <utility>

namespace sim {

ScenarioError::ScenarioError(SourceMark where_, std::string message_)
    : std::runtime_error(where_.to_string() + ": " + message_),
      where(std::move(where_)),
      message(std::move(message_)) {}

}  // namespace sim
